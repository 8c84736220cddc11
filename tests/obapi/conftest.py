# The badges tests' issuing organization and credential.
from tests.badges.conftest import credential, organization  # noqa: F401
