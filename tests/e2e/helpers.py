"""Helpers for the browser journeys: accessibility scans with axe-core and screenshots."""

from pathlib import Path

from playwright.sync_api import Page

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = BASE_DIR / "docs" / "screenshots"
SCREENSHOT_VIEWPORT = {"width": 1280, "height": 800}
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# axe is served from the page's own origin so the Content-Security-Policy
# (script-src 'self') stays on while it runs.
AXE_ROUTE = "/__axe__/axe.min.js"


def axe_violations(page: Page, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """Run axe-core on the page as it is now; return violations of the given impacts."""
    if not AXE_PATH.exists():
        raise FileNotFoundError(f"{AXE_PATH} is missing; run `npm ci` in {BASE_DIR}.")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        url = page.evaluate("() => location.origin") + AXE_ROUTE
        page.route(
            url,
            lambda route: route.fulfill(path=str(AXE_PATH), content_type="text/javascript"),
        )
        page.add_script_tag(url=url)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = (node.get("failureSummary") or "").strip().replace("\n", " ")
            if summary:
                lines.append(f"      {summary}")
    return "\n".join(lines)


def assert_no_serious_violations(violations: list[dict], where: str = "") -> None:
    """Fail with each rule id, its help text and the offending nodes."""
    if violations:
        label = f" on {where}" if where else ""
        raise AssertionError(
            f"{len(violations)} serious/critical accessibility violation(s){label}:\n"
            + format_violations(violations)
        )


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page PNG at 1280x800 into docs/screenshots/<name>.png for the README."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.set_viewport_size(SCREENSHOT_VIEWPORT)
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, live_url: str, user) -> None:
    """Give the browser a session for ``user`` without going through the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )
