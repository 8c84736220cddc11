import pytest

from tests.checks.imitation import PageServer


@pytest.fixture
def pages(settings):
    """The local imitation of outside pages, and the setting that lets the fetcher reach it."""
    settings.SAFE_FETCH_ALLOW_PRIVATE = True
    settings.SAFE_FETCH_TIMEOUT = 3.0
    with PageServer() as server:
        yield server
