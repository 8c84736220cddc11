import pytest

from tests.credentials.factories import CredentialFactory, OrganizationFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory(
        name="Northfield Teaching Institute",
        slug="northfield",
        url="https://northfield.example.org",
        email="badges@northfield.example.org",
        description="Professional learning for teachers.",
    )


@pytest.fixture
def credential(organization):
    return CredentialFactory(
        title="Formative Assessment in Practice",
        slug="formative-assessment-in-practice",
        organization=organization,
        with_content=True,
    )


@pytest.fixture
def award(learner, credential):
    from tests.badges.factories import decided_award

    return decided_award(learner=learner, credential=credential)


@pytest.fixture
def badge(award):
    return award.badge
