import pytest
from django.test import Client

from tests.credentials.factories import CredentialFactory
from tests.helpdesk.factories import load_initial_answers, staff_with


@pytest.fixture
def credential(db):
    return CredentialFactory(with_content=True)


@pytest.fixture
def agent(db):
    """Staff who may answer help requests."""
    return staff_with("view_ticket", "change_ticket", email="agent@example.org", name="Ana Agent")


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent)
    return client


@pytest.fixture
def plain_staff(db):
    """Staff without any helpdesk permission."""
    return staff_with(email="plain-staff@example.org")


@pytest.fixture
def initial_answers(db):
    load_initial_answers()
