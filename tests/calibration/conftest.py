import datetime

import pytest
import time_machine

from tests.credentials.factories import CredentialFactory

# Friday 2026-11-20, 10:00 in New York.
NOW = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def credential(db):
    return CredentialFactory(with_content=True)
