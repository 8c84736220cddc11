"""The fetcher never opens an address inside our network, whatever the link says."""

import socket

import pytest

from core.safe_fetch import FetchError, FetchRefused, address_is_public, safe_fetch
from tests.checks.imitation import PageServer


@pytest.fixture
def pages(settings):
    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    settings.SAFE_FETCH_TIMEOUT = 3.0
    with PageServer() as server:
        yield server


@pytest.fixture
def no_connect(monkeypatch):
    """Any attempt to open a socket fails the test: refusals happen before connecting."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"tried to connect: {args}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr("urllib3.util.connection.create_connection", refuse)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:6379/",
        "http://localhost/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://2130706433/",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url, no_connect, monkeypatch):
    # "localhost" and the decimal form resolve locally; keep the resolver off the network.
    real = socket.getaddrinfo

    def resolver(host, port, *args, **kwargs):
        if host in ("localhost", "2130706433"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(FetchRefused) as refused:
        safe_fetch(url)
    assert refused.value.reason in ("private_address", "port")
    assert "private network" in str(refused.value) or "standard web ports" in str(refused.value)


def test_a_name_that_resolves_to_a_private_address_is_refused(no_connect, monkeypatch):
    asked = []

    def resolver(host, port, *args, **kwargs):
        asked.append(host)
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with pytest.raises(FetchRefused) as refused:
        safe_fetch("https://media.riverside-schools.net/video")
    assert refused.value.reason == "private_address"
    assert asked == ["media.riverside-schools.net"]


def test_a_name_that_resolves_to_ipv6_loopback_is_refused(no_connect, monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0))
        ],
    )
    with pytest.raises(FetchRefused):
        safe_fetch("http://cdn.riverside-schools.net/")


@pytest.mark.parametrize(
    "url, reason",
    [
        ("file:///etc/passwd", "scheme"),
        ("gopher://example.org/", "scheme"),
        ("ftp://example.org/file", "scheme"),
        ("http://user:secret@example.org/", "credentials"),
        ("http://example.org:8080/", "port"),
        ("http:///nohost", "host"),
    ],
)
def test_other_schemes_credentials_and_ports_are_refused(url, reason, no_connect):
    with pytest.raises(FetchRefused) as refused:
        safe_fetch(url)
    assert refused.value.reason == reason


def test_the_connection_goes_to_the_vetted_address_not_a_second_lookup(pages, monkeypatch):
    """The name is resolved once; a resolver that changes its answer is never asked again."""
    answers = iter(["127.0.0.1", "10.0.0.9"])
    port = int(pages.base.rsplit(":", 1)[1])
    real = socket.getaddrinfo
    names = []

    def resolver(host, p, *args, **kwargs):
        if host == "127.0.0.1":  # the literal the connection is made to
            return real(host, p, *args, **kwargs)
        names.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), p))]

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    page = safe_fetch(f"http://rebinding.example.test:{port}/public")
    assert page.status == 200
    assert "number lines" in page.text()
    path, headers = pages.requests[-1]
    assert headers["Host"] == f"rebinding.example.test:{port}"
    assert names == ["rebinding.example.test"]


def test_a_redirect_into_a_private_address_is_refused(pages, settings):
    # The first hop is allowed only because the test server is local; then the
    # rule comes back on for the hops that follow, as for any outside page.
    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    from core import safe_fetch as module

    calls = []
    real_vet = module._vet

    def vet(url):
        calls.append(url)
        if len(calls) > 1:
            settings.SAFE_FETCH_ALLOW_PRIVATE = False
        return real_vet(url)

    module_vet = pytest.MonkeyPatch()
    module_vet.setattr(module, "_vet", vet)
    try:
        with pytest.raises(FetchRefused) as refused:
            safe_fetch(pages.url("/to-metadata"))
    finally:
        module_vet.undo()
    assert refused.value.reason == "private_address"
    assert calls[1] == "http://169.254.169.254/latest/meta-data/"


def test_redirects_are_followed_and_each_hop_is_recorded(pages):
    page = safe_fetch(pages.url("/to-public"))
    assert page.status == 200
    assert page.url == pages.url("/public")
    assert page.redirects == (pages.url("/to-public"),)


def test_a_redirect_loop_stops(pages):
    with pytest.raises(FetchRefused) as refused:
        safe_fetch(pages.url("/loop"), max_redirects=3)
    assert refused.value.reason == "redirects"


def test_the_body_is_cut_at_the_size_limit(pages):
    page = safe_fetch(pages.url("/big"), max_bytes=10_000)
    assert page.truncated
    assert len(page.body) == 10_000


def test_a_slow_page_times_out(pages):
    with pytest.raises(FetchError) as failed:
        safe_fetch(pages.url("/slow"), timeout=0.5)
    assert not isinstance(failed.value, FetchRefused)


def test_the_user_agent_names_the_platform_and_no_cookie_is_sent(pages, settings):
    safe_fetch(pages.url("/public"))
    _path, headers = pages.requests[-1]
    assert headers["User-Agent"] == settings.SAFE_FETCH_USER_AGENT
    assert "MicroCredentials" in headers["User-Agent"]
    assert "Cookie" not in headers


def test_an_error_status_is_a_result_not_an_error(pages):
    page = safe_fetch(pages.url("/missing"))
    assert page.status == 404


def test_address_rules():
    import ipaddress

    assert address_is_public(ipaddress.ip_address("93.184.215.14"))
    assert address_is_public(ipaddress.ip_address("2606:2800:220:1::1"))
    for private in (
        "127.0.0.1",
        "10.0.0.1",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "::ffff:192.168.0.1",
    ):
        assert not address_is_public(ipaddress.ip_address(private)), private


def test_names_reserved_for_examples_are_never_looked_up(monkeypatch):
    def resolver(*args, **kwargs):
        raise AssertionError("looked up a reserved name")

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    for url in ("https://video.example.org/lesson", "http://school.test/", "http://a.invalid/"):
        with pytest.raises(FetchError) as failed:
            safe_fetch(url)
        assert "could not be found" in str(failed.value)
