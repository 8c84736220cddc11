"""Browser journeys: Playwright (sync API) driving Debian's chromium against live_server.

Every test in this folder is marked ``e2e`` (deselect with ``-m "not e2e"``) and is
skipped when chromium is not installed.
"""

import os
from pathlib import Path

import pytest

from tests.e2e import helpers

# Playwright's sync API keeps an event loop running in the test thread, so Django
# would refuse ORM calls made from the tests themselves.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(
        reason=f"browser tests need chromium at {CHROMIUM} (apt-get install chromium)"
    )
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def base_url(live_server):
    """Pages resolve relative URLs (``page.goto("/accounts/login/")``) against the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": helpers.SCREENSHOT_VIEWPORT}


@pytest.fixture
def live_url(live_server, transactional_db):
    """The running test server's root URL; the database is shared with it."""
    return live_server.url


@pytest.fixture
def axe_scan(page):
    """Call to scan the page (or another one) and get its serious/critical violations."""

    def scan(target=None):
        return helpers.axe_violations(target or page)

    return scan


@pytest.fixture
def assert_accessible(axe_scan):
    """Call with a short description of the page to fail on serious/critical violations."""

    def check(where="", target=None):
        helpers.assert_no_serious_violations(axe_scan(target), where)

    return check


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` saves docs/screenshots/<name>.png."""
    return helpers.screenshot


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Fail a browser test whose pages log a Content-Security-Policy violation.

    Listens on the test's browser context, so every page opened from it counts.
    A test that provokes a violation on purpose takes this list and empties it.
    """
    violations = []
    if not {"page", "context"} & set(request.fixturenames):
        yield violations
        return
    context = request.getfixturevalue("context")

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)
    yield violations
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)
