"""The theme vocabulary and its rules, on real items of the report."""

import pytest

from icpermed_kb.themes import load_vocabulary, matching_slugs, themes_for_query
from tests.conftest import ROOT

RULES = load_vocabulary(ROOT / "fixtures" / "themes.toml")


def test_vocabulary_has_sixteen_topics_and_seven_disease_areas():
    groups = [rule.group for rule in RULES]
    assert (groups.count("topic"), groups.count("disease"), len({rule.slug for rule in RULES})) == (16, 7, 23)
    assert all(rule.description and rule.patterns for rule in RULES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Digital Twin: Prediction of the PM from individuals (from the drug intake, the period of drug efficacy, "
            "and the cases of overdoses and under-dosing).",
            ["pharmacogenomics-medication", "digital-health-twins"],
        ),
        ("AD is a nucleation disease.", []),
        (
            "Gene therapy is a key strategy in personalised treatment, however it is very expensive.",
            ["cell-gene-therapy", "economics-funding-reimbursement"],
        ),
        ("Type 1 diabetes mellitus.", ["diabetes"]),
        (
            "“Predicting Outcomes for Crohn’s disease using a molecular biomarker”.",
            ["biomarkers-diagnostics", "inflammatory-bowel-disease"],
        ),
        (
            "The General Data Protection Regulation (GDPR) provides high flexibility",
            ["data-sharing-standards-privacy", "regulation-ethics"],
        ),
    ],
)
def test_rules_on_real_items(text, expected):
    assert matching_slugs(RULES, text) == expected


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        ("The MACSima technology is one example of the devices", "imaging"),  # "MACSima" is no imaging word
        ("Keywords are predictive, participatory, preventive and personalised.", "ai-computational-models"),
        ("The aim of the workshop is to invite health experts", "ai-computational-models"),  # "aim" is not "AI"
        ("Research capacity - building and targeting", "rare-diseases"),
    ],
)
def test_rules_do_not_match_lookalikes(text, not_expected):
    assert not_expected not in matching_slugs(RULES, text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("data sharing", ["data-sharing-standards-privacy"]),  # the name, and the rule "data sharing"
        ('"data sharing"', ["data-sharing-standards-privacy"]),
        ("shared data", ["data-sharing-standards-privacy"]),  # the name's words, stemmed as search stems them
        ("Standard", ["data-sharing-standards-privacy"]),
        ("Régulations", ["regulation-ethics"]),  # accents folded
        ("access to data", ["data-sharing-standards-privacy"]),  # a rule with a stop word in it
        ("GDPR consent", ["data-sharing-standards-privacy"]),
        ("CAR-T", ["cell-gene-therapy"]),  # a rule with a hyphen: matched as typed
        ("AI", ["ai-computational-models"]),
        ("IVDR OR MDR", ["regulation-ethics"]),
        ("digital twin", ["digital-health-twins"]),
        ("tumours", ["cancer"]),
        ("type 1 diabetes", ["diabetes"]),
        ("rare disease", ["rare-diseases"]),  # every word in the name: not the other diseases
        (
            "disease",
            [
                "neurological-disease",
                "cardiovascular-disease",
                "infectious-disease",
                "rare-diseases",
                "inflammatory-bowel-disease",
            ],
        ),
        ("cancer drug resistance", ["pharmacogenomics-medication", "cancer", "infectious-disease"]),
    ],
)
def test_themes_a_query_names(query, expected):
    assert [rule.slug for rule in themes_for_query(RULES, query)] == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("genomics -cancer", ["genomics-omics"]),  # excluded words name nothing
        ('"real-world data" -"rare disease"', ["data-sharing-standards-privacy"]),
        ("aim", []),  # not "AI"
        ("the", []),
        ("", []),
        ("-cancer", []),
        ('"" OR ***', []),
    ],
)
def test_excluded_words_and_lookalikes_name_no_theme(query, expected):
    assert [rule.slug for rule in themes_for_query(RULES, query)] == expected


def test_a_theme_is_named_by_its_own_name():
    for rule in RULES:
        assert rule in themes_for_query(RULES, rule.name), rule.name
