"""The curated theme vocabulary and its matching rules (pure Python)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ThemeRule:
    name: str
    slug: str
    group: str
    description: str
    patterns: tuple[str, ...]

    @property
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


def matching_slugs(rules: list[ThemeRule], *texts: str) -> list[str]:
    """The slugs of the themes whose rules match any of the texts, in vocabulary order."""
    joined = "\n".join(text for text in texts if text)
    return [rule.slug for rule in rules if rule.regex.search(joined)]
