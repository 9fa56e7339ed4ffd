"""Helpers for browser tests: an axe-core accessibility check and full-page screenshots."""

from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parent
AXE_JS = BROWSER_TESTS / "vendor" / "axe.min.js"
ARTIFACTS = BROWSER_TESTS / "artifacts"


def axe_violations(page) -> list[dict]:
    """Run the vendored axe-core on the page as it is now; its violations, one dict per rule."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol, which the site's Content Security Policy does not
        # govern: a <script> tag (add_script_tag) would be blocked by `script-src 'self'`, as it should.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "helpUrl": violation["helpUrl"],
            "targets": [" >>> ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        lines.extend(f"    {target}" for target in violation["targets"])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """Fail with every axe-core violation (rule id, impact, help, target selectors) on the page."""
    violations = axe_violations(page)
    assert violations == [], (
        f"axe-core found {len(violations)} accessibility violation(s) on {page.url}:\n" + format_violations(violations)
    )


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG to tests/browser/artifacts/<name>.png (git-ignored); return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
