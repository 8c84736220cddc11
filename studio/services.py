"""The studio's use cases: a designer creates, edits, versions and publishes
their organization's credentials.

The credential's own rows are written by ``credentials.services`` (only an
app's own services write its models); these functions add what the studio
decides: a version in quality review does not change, and publishing goes
through the quality gate. Callers have checked that the actor designs for
the credential's organization (``studio.selectors``).
"""

from __future__ import annotations

from accounts.models import User
from credentials import services as credential_services
from credentials.models import MicroCredential, Organization
from credentials.services import CredentialChanges, CredentialSaveResult
from quality import services as quality_services

from .exceptions import InReview
from .selectors import VersionStatus, version_status


def studio_credential_create(
    *, organization: Organization, actor: User, title: str, summary: str = ""
) -> MicroCredential:
    """A new credential (version 1, a draft) of ``organization``; audited."""
    return credential_services.credential_create(
        organization=organization, actor=actor, title=title, summary=summary
    )


def studio_save(
    *, credential: MicroCredential, actor: User, revision: int, changes: CredentialChanges
) -> CredentialSaveResult:
    """Save the edit page (or its autosave) of a draft version.

    Refuses a version in quality review (InReview): reviewers score what was
    submitted. Otherwise ``credential_draft_save``'s rules hold: a stale
    ``revision`` is a conflict that changes nothing, a published or retired
    version is read-only, one transaction, audited.
    """
    if version_status(credential) == VersionStatus.IN_REVIEW:
        raise InReview()
    return credential_services.credential_draft_save(
        credential=credential, actor=actor, revision=revision, changes=changes
    )


def studio_version_open(*, credential: MicroCredential, actor: User) -> MicroCredential:
    """Open the next version of a credential (or return its open draft); audited."""
    return credential_services.credential_version_open(credential=credential, actor=actor)


def studio_publish(*, credential: MicroCredential, actor: User) -> MicroCredential:
    """Publish a version through the quality gate (``quality.services.version_publish``),
    which retires the version it replaces."""
    return quality_services.version_publish(credential=credential, actor=actor)
