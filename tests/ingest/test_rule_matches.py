"""The rule themes matched in a reader's child while the rows are written: the same themes, or the loader matches itself."""

from unittest import mock

import pytest
from django.conf import settings

from icpermed_kb.ingest import loader, pipeline
from icpermed_kb.ingest.loader import load_report, theme_texts
from icpermed_kb.models import ThemedItem
from icpermed_kb.themes import load_vocabulary, matched_text, matching_slugs

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def rules():
    return load_vocabulary(settings.THEME_VOCABULARY)


def themed_items() -> list[tuple]:
    return sorted(ThemedItem.objects.values_list("content_type__model", "object_id", "tag__slug", "by_rule"))


def _load(parsed_report, rules, **options):
    return load_report(parsed_report, filename="report.pdf", sha256="0" * 64, themes=rules, **options)


def test_the_child_finds_what_matching_slugs_finds(parsed_report, rules):
    texts = theme_texts(parsed_report)
    matches = pipeline.rule_matches_in_child(rules, parsed_report)()
    assert matches == {matched_text(*item): matching_slugs(rules, *item) for item in texts}
    assert len(texts) == 21 + 264 + 27  # every talk, key message and recommendation


def test_the_loader_uses_the_matches_for_every_item_and_writes_the_same_themes(parsed_report, rules):
    with mock.patch.object(loader, "matching_slugs", wraps=matching_slugs) as local:
        _load(parsed_report, rules, rule_matches=pipeline.rule_matches_in_child(rules, parsed_report))
    assert local.call_count == 0
    with_child = themed_items()
    ThemedItem.objects.all().delete()
    _load(parsed_report, rules)  # no matches given: every item matched here
    assert themed_items() == with_child
    expected = sum(len(matching_slugs(rules, *texts)) for texts in theme_texts(parsed_report))  # one row per item and theme
    assert len(with_child) == expected > 0


def test_items_the_matches_leave_out_are_matched_by_the_loader(parsed_report, rules):
    _load(parsed_report, rules)
    expected = themed_items()
    ThemedItem.objects.all().delete()
    matches = pipeline.rule_matches_in_child(rules, parsed_report)()
    left_out = sorted(matches)[::2]
    for text in left_out:
        del matches[text]
    with mock.patch.object(loader, "matching_slugs", wraps=matching_slugs) as local:
        _load(parsed_report, rules, rule_matches=lambda: matches)
    assert local.call_count == sum(matched_text(*texts) in left_out for texts in theme_texts(parsed_report))
    assert themed_items() == expected


def test_a_failed_child_gives_no_matches_and_the_loader_matches_itself(parsed_report, rules, monkeypatch):
    _load(parsed_report, rules)
    expected = themed_items()
    ThemedItem.objects.all().delete()
    monkeypatch.setattr(pipeline, "MATCH_TARGET", "tests.ingest.child_hooks:fail")
    rule_matches = pipeline.rule_matches_in_child(rules, parsed_report)
    assert rule_matches() == {}
    _load(parsed_report, rules, rule_matches=rule_matches)
    assert themed_items() == expected
