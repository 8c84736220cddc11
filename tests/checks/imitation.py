"""A local HTTP server that imitates outside pages, for the link checks.

It serves saved imitations of the pages an anonymous visitor gets from file
hosts (tests/checks/pages/...), plus redirects, on 127.0.0.1 only: no test
reaches the internet. Start it with ``PageServer()`` as a context manager;
``server.url("/drive/private")`` gives the full address.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).with_name("pages")

# path -> (status, extra headers, page file under pages/ or None)
ROUTES: dict[str, tuple[int, dict[str, str], str | None]] = {
    "/public": (200, {}, "public.html"),
    "/drive/file/d/private-file/view": (200, {}, "google_drive_need_access.html"),
    "/drive/file/d/public-file/view": (200, {}, "google_drive_public.html"),
    "/docs/document/d/private-doc/edit": (401, {}, "google_docs_need_access.html"),
    "/google/signin": (200, {}, "google_signin.html"),
    "/docs/document/d/signin-doc/edit": (302, {"Location": "/google/signin"}, None),
    "/onedrive/private": (403, {}, "onedrive_need_permission.html"),
    "/sharepoint/private": (302, {"Location": "/microsoft/signin"}, None),
    "/microsoft/signin": (200, {}, "microsoft_signin.html"),
    "/dropbox/private": (200, {}, "dropbox_no_access.html"),
    "/box/private": (200, {}, "box_unavailable.html"),
    "/youtube/private": (200, {}, "youtube_private.html"),
    "/vimeo/private": (403, {}, "vimeo_private.html"),
    "/missing": (404, {}, "not_found.html"),
    "/to-public": (302, {"Location": "/public"}, None),
    "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, None),
    "/to-loopback": (301, {"Location": "http://127.0.0.1:6379/"}, None),
    "/loop": (302, {"Location": "/loop"}, None),
    "/big": (200, {}, None),
    "/slow": (200, {}, None),
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "ImitationServer/1.0"

    def log_message(self, format, *args):  # noqa: A002  (quiet during tests)
        return

    def do_GET(self):  # noqa: N802
        self.server.requests.append((self.path, dict(self.headers)))
        path = self.path.split("?")[0]
        if path == "/big":
            self._send(200, {}, b"<html><body>" + b"x" * (3 * 1024 * 1024) + b"</body></html>")
            return
        if path == "/slow":
            self.server.release.wait(timeout=5)
            self._send(200, {}, b"<html><body>late</body></html>")
            return
        route = ROUTES.get(path)
        if route is None:
            status, headers, page = ROUTES["/missing"]
        else:
            status, headers, page = route
        body = (PAGES / page).read_bytes() if page else b""
        self._send(status, headers, body)

    def _send(self, status, headers, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class PageServer:
    """A threaded server on 127.0.0.1 at a free port, stopped on exit."""

    def __init__(self) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.httpd.release = threading.Event()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list:
        return self.httpd.requests

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> PageServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)
