"""The browser helpers themselves: axe-core really runs and its failures say what to fix."""

import pytest

from tests.browser.helpers import assert_accessible, axe_violations

pytestmark = pytest.mark.browser

BROKEN = '<!doctype html><html><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'


def test_axe_reports_rule_impact_and_target(page):
    page.set_content(BROKEN)

    violations = axe_violations(page)

    assert [(v["id"], v["impact"], v["targets"]) for v in violations if v["id"] == "image-alt"] == [
        ("image-alt", "critical", ["img"])
    ]
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    assert "- image-alt (critical): Images must have alternative text" in str(failure.value)
    assert "html-has-lang" in str(failure.value)
