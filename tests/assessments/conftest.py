import datetime

import pytest
import time_machine

from tests.credentials.factories import CredentialFactory

# Friday 2026-11-20, 10:00 in New York: 14 business days later, skipping
# Thanksgiving, is Friday 2026-12-11.
SUBMITTED_AT = datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)
DUE_ON = datetime.date(2026, 12, 11)


@pytest.fixture
def frozen():
    """Time stands still at SUBMITTED_AT; ``frozen.move_to(...)`` jumps."""
    with time_machine.travel(SUBMITTED_AT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def credential(db):
    return CredentialFactory(with_content=True)


@pytest.fixture
def assessor(credential):
    from tests.assessments.factories import make_assessor

    return make_assessor(credential=credential, email="assessor@example.org", name="Ada Assessor")


@pytest.fixture
def assessor_client(assessor):
    from django.test import Client

    client = Client()
    client.force_login(assessor)
    return client
