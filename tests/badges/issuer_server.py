"""A local HTTP server imitating another issuer's published documents (keys,
DID documents, status lists, hosted assertions), on 127.0.0.1 only."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - quiet during tests
        return

    def do_GET(self):  # noqa: N802
        self.server.requests.append(self.path)
        content_type, body = self.server.routes.get(self.path, ("text/plain", None))
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class IssuerServer:
    def __enter__(self) -> IssuerServer:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.routes = {}
        self.httpd.requests = []
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def serve_json(self, path: str, document) -> str:
        self.httpd.routes[path] = ("application/json", json.dumps(document).encode())
        return self.origin + path

    def serve(self, path: str, content_type: str, body: bytes) -> str:
        self.httpd.routes[path] = (content_type, body)
        return self.origin + path
