"""Fetch a URL someone else gave us without letting it reach inside our network.

A learner's evidence link, a badge's issuer URL: addresses typed by people
outside, which the server then opens. Opened naively, such an address can
point at the machine itself (``http://127.0.0.1:6379``), at the private
network, or at a cloud's metadata service (``http://169.254.169.254/``), and
the answer would come back to whoever typed it: server-side request forgery.

``safe_fetch`` is the one way the platform opens such an address:

- only ``http`` and ``https``, no user name or password in the address, and
  (unless private addresses are allowed) only the standard ports 80 and 443;
- the host name is resolved here, once, and *every* address it resolves to
  must be public: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7),
  link-local (169.254/16 with the metadata service, fe80::/10), shared,
  multicast, reserved, unspecified and IPv4-mapped IPv6 addresses that hide
  one of those are refused;
- the connection goes to the vetted address itself (with the original host
  name for the ``Host`` header, TLS SNI and certificate check), so a second
  DNS answer cannot swap in another address between check and use;
- redirects are followed by hand, at most ``max_redirects``, and each hop is
  checked again from the start, so a public page cannot bounce us inward;
- the body is read up to ``max_bytes`` (decompressed size) and the whole
  fetch, every hop included, ends at ``timeout`` seconds;
- it says who it is: the ``User-Agent`` names the platform (setting
  ``SAFE_FETCH_USER_AGENT``);
- names reserved for examples (``example.org``, ``*.test``, ``*.invalid``...)
  are never looked up: they are "not found" at once.

``SAFE_FETCH_ALLOW_PRIVATE`` (default False) lifts the address and port rules;
only the test settings' fixtures turn it on, to reach a local HTTP server
that imitates outside pages. Nothing else should.

Use::

    from core.safe_fetch import FetchError, FetchRefused, safe_fetch

    try:
        page = safe_fetch(url)                 # FetchResult
    except FetchRefused as refused:            # the address is not allowed
        ...refused.reason, str(refused)
    except FetchError as failed:               # could not be fetched (DNS, timeout, TLS...)
        ...
    page.status, page.url (after redirects), page.headers, page.body, page.text()

Both errors are ``UserFacingError``: their message can be shown as it is.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext
from urllib3.exceptions import HTTPError as Urllib3Error

from .errors import UserFacingError

DEFAULT_TIMEOUT = 8.0
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_USER_AGENT = "MicroCredentialsLinkCheck/1.0 (+evidence link check; anonymous visitor)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
STANDARD_PORTS = {"http": 80, "https": 443}
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(UserFacingError):
    """The address could not be fetched (DNS, connection, timeout, TLS, too big)."""


class FetchRefused(FetchError):
    """The address is one we never open. ``reason`` is a short code for logs and tests:
    ``scheme``, ``credentials``, ``port``, ``host``, ``private_address``, ``redirects``."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class FetchResult:
    """What came back from the last hop."""

    url: str  # the address finally fetched, after redirects
    status: int
    headers: Mapping[str, str]
    body: bytes
    truncated: bool = False  # the body was longer than max_bytes and was cut there
    redirects: tuple[str, ...] = field(default_factory=tuple)  # the addresses that redirected

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body as text, in the charset the server named (else UTF-8), never raising."""
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.lower() == "charset" and value:
                charset = value.strip("\"'")
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


def address_is_public(address: Address) -> bool:
    """True for an address anyone on the internet reaches; False for loopback, private,
    link-local, shared, multicast, reserved, unspecified and addresses hiding one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is not None and not address_is_public(embedded):
            return False
    return address.is_global and not address.is_multicast


def _allow_private() -> bool:
    return bool(getattr(settings, "SAFE_FETCH_ALLOW_PRIVATE", False))


# Names reserved for examples and tests (RFC 2606, RFC 6761): never a real site,
# so they are not looked up at all (demo data and examples stay off the network).
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def _is_reserved_name(host: str) -> bool:
    host = host.lower()
    return host.endswith(RESERVED_SUFFIXES) or any(
        host == domain or host.endswith("." + domain) for domain in RESERVED_DOMAINS
    )


def _resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (an IP literal is itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    if _is_reserved_name(host) and not _allow_private():
        raise FetchError(gettext("The address %(host)s could not be found.") % {"host": host})
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise FetchError(
            gettext("The address %(host)s could not be found.") % {"host": host}
        ) from exc
    addresses: list[Address] = []
    for info in infos:
        raw = str(info[4][0]).split("%")[0]  # drop an IPv6 zone index
        address = ipaddress.ip_address(raw)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(gettext("The address %(host)s could not be found.") % {"host": host})
    return addresses


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent
    address: Address


def _vet(url: str) -> _Target:
    """Check ``url`` and resolve its host; return where to connect, or raise FetchRefused."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(gettext("This is not a valid web address."), reason="host") from exc
    scheme = parts.scheme.lower()
    if scheme not in STANDARD_PORTS:
        raise FetchRefused(
            gettext("Only web addresses starting with http:// or https:// can be opened."),
            reason="scheme",
        )
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(
            gettext("A web address with a user name or password in it cannot be opened."),
            reason="credentials",
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused(gettext("This web address has no host name."), reason="host")
    port = port or STANDARD_PORTS[scheme]
    allow_private = _allow_private()
    if port != STANDARD_PORTS[scheme] and not allow_private:
        raise FetchRefused(
            gettext("Only addresses on the standard web ports can be opened."), reason="port"
        )
    addresses = _resolve(host, port)
    if not allow_private and not all(address_is_public(a) for a in addresses):
        raise FetchRefused(
            gettext("This address points inside a private network and cannot be opened."),
            reason="private_address",
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return _Target(scheme, host, port, path, addresses[0])


def _host_header(target: _Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != STANDARD_PORTS[target.scheme]:
        host = f"{host}:{target.port}"
    return host


def _pool(target: _Target, timeout: urllib3.Timeout) -> urllib3.HTTPConnectionPool:
    """A one-off connection pool to the vetted address (never the name again)."""
    ip = str(target.address)
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            ip,
            port=target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=None if target.host == ip else target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(
        ip, port=target.port, timeout=timeout, retries=False, maxsize=1
    )


def safe_fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET ``url`` as an anonymous visitor (no cookies, no credentials), safely.

    Follows up to ``max_redirects`` redirects, vetting each; reads at most
    ``max_bytes`` of body (``truncated`` says when more was there); gives up
    after ``timeout`` seconds in all. Raises FetchRefused for an address it
    will not open and FetchError when the fetch fails; any HTTP status
    (404, 403...) is a result, not an error. Makes no writes; safe to repeat.
    """
    max_bytes = max_bytes or int(getattr(settings, "SAFE_FETCH_MAX_BYTES", DEFAULT_MAX_BYTES))
    timeout = timeout or float(getattr(settings, "SAFE_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    agent = str(getattr(settings, "SAFE_FETCH_USER_AGENT", "") or DEFAULT_USER_AGENT)
    deadline = time.monotonic() + timeout
    redirects: list[str] = []
    current = url
    while True:
        target = _vet(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(gettext("The page took too long to answer."))
        request_headers = {
            "User-Agent": agent,
            "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
            "Host": _host_header(target),
        }
        pool = _pool(target, urllib3.Timeout(connect=min(remaining, 5.0), read=remaining))
        try:
            response = pool.urlopen(
                "GET",
                target.path,
                headers=request_headers,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                status = response.status
                location = response.headers.get("location")
                if status in REDIRECT_STATUSES and location:
                    redirects.append(current)
                    if len(redirects) > max_redirects:
                        raise FetchRefused(
                            gettext("The address redirects too many times."), reason="redirects"
                        )
                    current = urljoin(current, location)
                    continue
                body, truncated = _read(response, max_bytes, deadline)
                received = {k.lower(): v for k, v in response.headers.items()}
            finally:
                response.release_conn()
        except FetchError:
            raise
        except (Urllib3Error, OSError) as exc:
            raise FetchError(
                gettext("The page at %(host)s could not be reached.") % {"host": target.host}
            ) from exc
        finally:
            pool.close()
        return FetchResult(
            url=current,
            status=status,
            headers=received,
            body=body,
            truncated=truncated,
            redirects=tuple(redirects),
        )


def _read(
    response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float
) -> tuple[bytes, bool]:
    """Up to ``max_bytes`` of the decoded body, stopping at the deadline."""
    chunks: list[bytes] = []
    size = 0
    for chunk in response.stream(16 * 1024, decode_content=True):
        if time.monotonic() > deadline:
            raise FetchError(gettext("The page took too long to answer."))
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            return b"".join(chunks)[:max_bytes], True
    return b"".join(chunks), False


def safe_post(
    url: str,
    *,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> int:
    """POST ``body`` to ``url`` under the same address rules as ``safe_fetch``
    (for outgoing webhooks); redirects are not followed. Returns the status;
    raises FetchRefused / FetchError like ``safe_fetch``. Reads at most 64 KB
    of the answer and discards it."""
    timeout = timeout or float(getattr(settings, "SAFE_FETCH_TIMEOUT", DEFAULT_TIMEOUT))
    target = _vet(url)
    pool = _pool(target, urllib3.Timeout(connect=min(timeout, 5.0), read=timeout))
    request_headers = {
        "User-Agent": str(getattr(settings, "SAFE_FETCH_USER_AGENT", "") or DEFAULT_USER_AGENT),
        **(headers or {}),
        "Host": _host_header(target),
    }
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers=request_headers,
            redirect=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            response.read(64 * 1024)
            return int(response.status)
        finally:
            response.release_conn()
    except (Urllib3Error, OSError) as exc:
        raise FetchError(
            gettext("The page at %(host)s could not be reached.") % {"host": target.host}
        ) from exc
    finally:
        pool.close()
