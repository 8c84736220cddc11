"""Pages keep working under the Content-Security-Policy (no inline scripts or styles)."""

from playwright.sync_api import Page, expect

from tests.credentials.factories import CredentialFactory


def test_printable_page_script_runs_under_the_policy(page: Page, live_url):
    credential = CredentialFactory(with_content=True)

    response = page.goto(f"{live_url}/credentials/{credential.slug}/print/")

    assert "object-src 'none'" in response.headers["content-security-policy"]
    # The Print button is hidden until print.js runs, which only a same-origin
    # script file can do under script-src 'self'.
    expect(page.get_by_role("button", name="Print")).to_be_visible()


def test_missing_page_shows_our_404(page: Page, live_url):
    response = page.goto(f"{live_url}/no-such-page/")

    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Browse the catalog")).to_be_visible()


def test_inline_script_is_blocked_by_the_policy(page: Page, live_url, csp_violations):
    # The policy is really enforced: an injected inline script does not run.
    page.goto(f"{live_url}/credentials/")
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__inlineRan = true';
            document.body.appendChild(s);
        }"""
    )

    assert page.evaluate("() => window.__inlineRan === true") is False
    page.wait_for_timeout(200)  # console messages arrive asynchronously
    assert any("script-src" in violation for violation in csp_violations)
    csp_violations.clear()
