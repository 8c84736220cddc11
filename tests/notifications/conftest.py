"""A Redis server of the test's own, to stop and start, and Celery pointed at it."""

import contextlib
import shutil
import socket
import subprocess
import time
import uuid

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, seconds: float = 20, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


class RedisServer:
    """``redis-server`` on a free port, with nothing saved to disk."""

    def __init__(self, executable: str, port: int):
        self.executable = executable
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(self._answers, seconds=10), "redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        assert wait_for(lambda: not self._answers(), seconds=10), "redis-server did not stop"

    def client(self):
        import redis

        return redis.Redis(port=self.port)


@pytest.fixture
def spare_redis():
    """A second, private Redis server the test may stop and start at will."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not on PATH; the outage tests start their own Redis")
    server = RedisServer(executable, free_port())
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()


def _reset_broker_pools(app) -> None:
    """Close and forget every pooled broker connection (kombu keeps them in
    process-wide pools), so the next publish connects to the current URL."""
    import kombu.pools

    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextlib.contextmanager
def celery_on(app, broker_url: str):
    """Point the Celery app at ``broker_url`` for real (not eager), publishing to a
    private queue; restores everything afterwards."""
    queue = f"test-{uuid.uuid4().hex}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    _reset_broker_pools(app)
    app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=queue)
    try:
        yield queue
    finally:
        _reset_broker_pools(app)
        app.conf.update(saved)
