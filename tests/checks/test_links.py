"""Each host's "you need permission" page is recognised, with the exact fix, from
saved imitations served by a local server (no test reaches the internet)."""

import pytest

from checks import links
from checks.links import check_link, provider_for_host, read_page
from checks.messages import describe
from core.safe_fetch import FetchResult
from tests.checks.imitation import PAGES


def finding(url, result):
    return {
        "kind": "link",
        "url": url,
        "code": result.code,
        "provider": result.provider,
        "status": result.status,
        "detail": result.detail,
    }


@pytest.mark.parametrize(
    "path, provider, fix_words",
    [
        ("/drive/file/d/private-file/view", links.GOOGLE_DRIVE, "In Google Drive"),
        ("/docs/document/d/private-doc/edit", links.GOOGLE_DOCS, "In Google Docs"),
        ("/docs/document/d/signin-doc/edit", links.GOOGLE_DOCS, "In Google Docs"),
        ("/onedrive/private", links.MICROSOFT, "In OneDrive or SharePoint"),
        ("/sharepoint/private", links.MICROSOFT, "In OneDrive or SharePoint"),
        ("/dropbox/private", links.DROPBOX, "In Dropbox"),
        ("/box/private", links.BOX, "In Box"),
        ("/youtube/private", links.YOUTUBE, "In YouTube Studio"),
        ("/vimeo/private", links.VIMEO, "In Vimeo"),
    ],
)
def test_each_providers_permission_page_is_recognised_with_its_fix(
    pages, path, provider, fix_words
):
    url = pages.url(path)
    result = check_link(url)
    assert result.code == "needs_permission"
    assert result.provider == provider
    problem, fix = describe(finding(url, result))
    assert "cannot open this link" in problem
    assert fix.startswith(fix_words)


def test_drive_fix_says_to_set_general_access_to_anyone_with_the_link(pages):
    url = pages.url("/drive/file/d/private-file/view")
    _problem, fix = describe(finding(url, check_link(url)))
    assert "General access" in fix
    assert "Anyone with the link" in fix


@pytest.mark.parametrize("path", ["/public", "/drive/file/d/public-file/view", "/to-public"])
def test_pages_anyone_can_view_pass(pages, path):
    result = check_link(pages.url(path))
    assert result.ok, result


def test_a_missing_page_is_reported_with_its_error(pages):
    url = pages.url("/missing")
    result = check_link(url)
    assert result.code == "not_found"
    problem, _fix = describe(finding(url, result))
    assert "404" in problem


def test_a_link_into_a_private_network_is_refused_not_fetched(settings):
    settings.SAFE_FETCH_ALLOW_PRIVATE = False
    result = check_link("http://169.254.169.254/latest/meta-data/")
    assert result.code == "refused"
    problem, fix = describe(finding("http://169.254.169.254/", result))
    assert "private network" in problem
    assert "public web address" in fix


def test_a_name_that_does_not_resolve_is_unreachable():
    result = check_link("https://video.example.org/lesson")
    assert result.code == "unreachable"
    assert "could not be found" in result.detail


@pytest.mark.parametrize(
    "host, provider",
    [
        ("drive.google.com", links.GOOGLE_DRIVE),
        ("docs.google.com", links.GOOGLE_DOCS),
        ("contoso-my.sharepoint.com", links.MICROSOFT),
        ("1drv.ms", links.MICROSOFT),
        ("www.dropbox.com", links.DROPBOX),
        ("app.box.com", links.BOX),
        ("youtu.be", links.YOUTUBE),
        ("www.youtube.com", links.YOUTUBE),
        ("vimeo.com", links.VIMEO),
        ("notdropbox.com.example.org", links.OTHER),
    ],
)
def test_providers_are_known_by_their_real_hosts(host, provider):
    assert provider_for_host(host) == provider


def test_a_real_hosts_permission_page_is_read_by_its_host():
    body = (PAGES / "dropbox_no_access.html").read_bytes()
    page = FetchResult(
        url="https://www.dropbox.com/scl/fi/abc/plan.pdf",
        status=200,
        headers={"content-type": "text/html; charset=utf-8"},
        body=body,
    )
    result = read_page("https://www.dropbox.com/scl/fi/abc/plan.pdf", page)
    assert (result.code, result.provider) == ("needs_permission", links.DROPBOX)


def test_a_redirect_to_a_sign_in_host_names_the_provider():
    page = FetchResult(
        url="https://accounts.google.com/v3/signin/identifier?continue=...",
        status=200,
        headers={"content-type": "text/html"},
        body=(PAGES / "google_signin.html").read_bytes(),
        redirects=("https://drive.google.com/file/d/abc/view",),
    )
    result = read_page("https://drive.google.com/file/d/abc/view", page)
    assert (result.code, result.provider) == ("needs_permission", links.GOOGLE_DRIVE)
