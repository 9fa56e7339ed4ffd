"""The curated theme vocabulary, its matching rules, and the themes a search query names (pure: no database)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from icpermed_kb.search.query import parse, positive_text
from icpermed_kb.search.text import lexemes, stem, words


@dataclass(frozen=True)
class ThemeRule:
    name: str
    slug: str
    group: str
    description: str
    patterns: tuple[str, ...]

    @cached_property  # compiled once per rule: an ingestion matches every rule against every item
    def regex(self) -> re.Pattern:
        return re.compile("|".join(f"(?:{pattern})" for pattern in self.patterns), re.IGNORECASE)


def load_vocabulary(path: Path) -> list[ThemeRule]:
    """Read the vocabulary file; each theme's patterns must compile."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    rules = [
        ThemeRule(
            name=entry["name"],
            slug=entry["slug"],
            group=entry.get("group", "topic"),
            description=entry.get("description", ""),
            patterns=tuple(entry.get("patterns", ())),
        )
        for entry in data.get("theme", [])
    ]
    for rule in rules:
        rule.regex  # noqa: B018 - fail at load time on a bad pattern
    return rules


def matched_text(*texts: str) -> str:
    """What an item's rules are matched against: its texts, one a line."""
    return "\n".join(text for text in texts if text)


def matching_slugs(rules: list[ThemeRule], *texts: str) -> list[str]:
    """The slugs of the themes whose rules match any of the texts, in vocabulary order."""
    joined = matched_text(*texts)
    return [rule.slug for rule in rules if rule.regex.search(joined)]


def themes_for_query(rules: list[ThemeRule], query: str) -> list[ThemeRule]:
    """The themes a search query names, in vocabulary order: by the theme's name, or by its matching rules.

    By name: every word the query looks for is a word of the name, compared as search compares
    words (folded and stemmed: "shared data", "Régulations" and "standard" name "Data sharing,
    standards & privacy" and "Regulation & ethics"). By rule: a pattern of the theme matches what
    the query looks for, as typed or with its accents folded, stop words kept ("GDPR", "CAR-T",
    "access to data"). Excluded words name nothing ("genomics -cancer" is not about Cancer).
    """
    looked_for = {stem(word) for atom in parse(query).atoms() for word in atom.words}
    if not looked_for:
        return []
    typed = positive_text(query)
    folded = " ".join(word for _, _, word in words(typed))  # accents folded, punctuation dropped
    return [
        rule
        for rule in rules
        if looked_for <= set(lexemes(rule.name).split()) or rule.regex.search(typed) or rule.regex.search(folded)
    ]
