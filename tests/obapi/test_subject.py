"""An imported credential is checked against the learner's verified email
addresses: shown as issued to them (and which address matched) or not shown
to be; one not shown to be theirs stays off the public profile until they
confirm it, and the import itself is never refused for it."""

import hashlib
import importlib
import io
import json
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from audit.models import AuditEvent
from obapi import services, subject
from obapi.models import ImportedCredential, SubjectMatch
from tests.badges.factories import award_row
from tests.obapi.fixtures import foreign_credential
from tests.obapi.oauth import ALL_SCOPES, bearer, connect

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]
SALT = "Zs2Vb7Qx"


def sha256(text: str) -> str:
    return "sha256$" + hashlib.sha256(text.encode()).hexdigest()


def ob3(ident="urn:uuid:5b1f0d7e-0000-4000-8000-000000000001", *, subject_id=None, identifier=()):
    document = foreign_credential("https://elsewhere.example/issuer", ident)
    if subject_id is not None:
        document["credentialSubject"]["id"] = subject_id
    if identifier:
        document["credentialSubject"]["identifier"] = list(identifier)
    return json.dumps(document)


def email_identifier(value: str, *, hashed=False, salt=None) -> dict:
    item = {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "identityHash": value,
        "hashed": hashed,
    }
    if salt is not None:
        item["salt"] = salt
    return item


@pytest.fixture
def verified(learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    return learner.email


def publish(client, handle="lee"):
    client.post(
        "/earner/settings/",
        {"published": "on", "handle": handle, "display_name": "", "description": "", "url": ""},
    )
    return Client().get(f"/earner/p/{handle}/").content.decode()


# --- the comparison itself ------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"credentialSubject": {"id": "mailto:Learner@Example.org"}},
        {"credentialSubject": {"identifier": [email_identifier("learner@example.org")]}},
        {
            "credentialSubject": {
                "identifier": [
                    email_identifier(sha256("learner@example.org" + SALT), hashed=True, salt=SALT)
                ]
            }
        },
        {"recipient": {"type": "email", "hashed": False, "identity": "learner@example.org"}},
        {
            "recipient": {
                "type": "email",
                "hashed": True,
                "salt": SALT,
                "identity": sha256("learner@example.org" + SALT),
            }
        },
        {
            "recipient": {
                "type": "email",
                "hashed": True,
                "identity": "md5$" + hashlib.md5(b"learner@example.org").hexdigest(),  # noqa: S324
            }
        },
    ],
    ids=["ob3-mailto", "ob3-plain", "ob3-hashed", "ob2-plain", "ob2-hashed", "ob2-md5"],
)
def test_each_way_of_naming_an_email_matches(payload):
    found = subject.match(payload, ["other@example.org", "learner@example.org"])
    assert found == subject.Match(subject.MATCHED, email="learner@example.org")


def test_a_hash_with_the_wrong_salt_or_another_address_does_not_match():
    hashed = email_identifier(sha256("learner@example.org" + SALT), hashed=True, salt="other")
    assert (
        subject.match(
            {"credentialSubject": {"identifier": [hashed]}}, ["learner@example.org"]
        ).result
        == subject.MISMATCH
    )
    other = {"recipient": {"type": "email", "identity": "someone@example.org"}}
    assert subject.match(other, ["learner@example.org"]).result == subject.MISMATCH


def test_a_did_or_a_student_number_is_no_email_identifier():
    payload = {
        "credentialSubject": {
            "id": "did:example:learner",
            "identifier": [{"identityType": "studentId", "identityHash": "12345"}],
        }
    }
    assert subject.match(payload, ["learner@example.org"]).result == subject.NO_IDENTIFIER


# --- on import ------------------------------------------------------------------------------


def test_matched_plain_email_is_shown_as_issued_to_you_and_listed_publicly(
    learner_client, learner, verified
):
    learner_client.post("/earner/import/", {"text": ob3(subject_id=f"mailto:{verified}")})
    row = ImportedCredential.objects.get(owner=learner)
    assert row.subject_match == SubjectMatch.MATCHED
    assert row.subject_email == verified
    home = learner_client.get("/earner/").content.decode()
    assert f"Issued to you (matched email {verified})" in home
    page = publish(learner_client)
    assert "Teamwork" in page
    assert "Issued to this earner" in page
    assert verified not in page  # the address itself is never published


def test_matched_hashed_email_through_the_api(client, learner_client, learner, verified):
    token = connect(client, learner_client, scope=ALL_SCOPES)["access_token"]
    hashed = email_identifier(sha256(verified + SALT), hashed=True, salt=SALT)
    response = client.post(
        "/ims/ob/v3p0/credentials",
        ob3(identifier=[hashed]),
        content_type="application/json",
        **bearer(token),
    )
    assert response.status_code == 201
    row = ImportedCredential.objects.get(owner=learner)
    assert (row.subject_match, row.subject_email) == (SubjectMatch.MATCHED, verified)
    event = AuditEvent.objects.get(verb="imported_credential.create")
    assert event.data["subject"] == "matched"


def test_our_own_award_imported_by_its_earner_matches_their_hashed_address(
    learner_client, learner, other_learner, credential, verified
):
    badge = award_row(learner=learner, credential=credential).badge
    imported, _created = services.credential_import(
        owner=learner, text=badge.ob3_jwt, actor=learner
    )
    assert imported.subject_match == SubjectMatch.MATCHED
    # Someone else's award, imported by this learner, is not theirs.
    theirs = award_row(learner=other_learner, credential=credential).badge
    foreign, _created = services.credential_import(
        owner=learner, text=theirs.ob3_json, actor=learner
    )
    assert foreign.verified is True
    assert foreign.subject_match == SubjectMatch.MISMATCH


def test_mismatch_is_imported_but_kept_off_the_profile_until_confirmed(
    learner_client, learner, verified
):
    response = learner_client.post(
        "/earner/import/",
        {"text": ob3(identifier=[email_identifier("someone.else@example.org")])},
        follow=True,
    )
    assert response.status_code == 200
    row = ImportedCredential.objects.get(owner=learner)
    assert row.subject_match == SubjectMatch.MISMATCH
    home = learner_client.get("/earner/").content.decode()
    assert "Not shown to be issued to you" in home
    assert "not one of your verified addresses" in home
    assert "stays off your public profile until you confirm" in home
    assert "Teamwork" not in publish(learner_client)
    # Showing it without confirming does not publish it.
    learner_client.post(f"/earner/imported/{row.uuid}/show/", {"show": "1"})
    assert "Teamwork" not in Client().get("/earner/p/lee/").content.decode()
    learner_client.post(f"/earner/imported/{row.uuid}/show/", {"show": "1", "confirm": "1"})
    page = Client().get("/earner/p/lee/").content.decode()
    assert "Teamwork" in page
    assert "The earner confirms that it was issued to them" in page
    assert AuditEvent.objects.filter(verb="imported_credential.confirm_holder").count() == 1


def test_no_identifier_is_not_shown_to_be_yours(learner_client, learner, verified):
    learner_client.post("/earner/import/", {"text": ob3()})
    row = ImportedCredential.objects.get(owner=learner)
    assert row.subject_match == SubjectMatch.NO_IDENTIFIER
    assert row.subject_email == ""
    home = learner_client.get("/earner/").content.decode()
    assert "Not shown to be issued to you: names no email address." in home
    assert "Teamwork" not in publish(learner_client)


def test_an_unverified_address_does_not_count(learner_client, learner):
    EmailAddress.objects.create(user=learner, email=learner.email, verified=False, primary=True)
    learner_client.post("/earner/import/", {"text": ob3(subject_id=f"mailto:{learner.email}")})
    assert ImportedCredential.objects.get(owner=learner).subject_match == SubjectMatch.MISMATCH


def test_a_replacement_with_other_contents_must_be_confirmed_again(learner, verified):
    other = [email_identifier("someone.else@example.org")]
    row, _created = services.credential_import(
        owner=learner, text=ob3(identifier=other), actor=learner
    )
    services.imported_credential_confirm_holder(imported=row, actor=learner)
    same, _created = services.credential_import(
        owner=learner, text=ob3(identifier=other), actor=learner
    )
    assert same.holder_confirmed_at is not None
    changed, created = services.credential_import(
        owner=learner,
        text=ob3(identifier=[email_identifier("third@example.org")]),
        actor=learner,
    )
    assert created is False
    assert changed.holder_confirmed_at is None
    assert not changed.is_public


def test_the_export_keeps_whom_each_import_was_issued_to(learner_client, learner, verified):
    learner_client.post("/earner/import/", {"text": ob3(subject_id=f"mailto:{verified}")})
    archive = zipfile.ZipFile(io.BytesIO(learner_client.get("/earner/export.zip").content))
    entry = json.loads(archive.read("manifest.json"))["imported"][0]
    assert entry["issued_to"] == "matched"
    assert entry["issued_to_email"] == verified
    assert entry["confirmed_as_mine_at"] is None


def test_imports_made_before_the_check_are_matched_by_the_migration(learner, verified):
    from django.apps import apps

    migration = importlib.import_module("obapi.migrations.0002_imported_subject_match")
    row = ImportedCredential.objects.create(
        owner=learner,
        key="urn:earlier",
        source="upload",
        form="json",
        received_text=ob3(subject_id=f"mailto:{verified}"),
        verified_at="2026-01-01T00:00:00Z",
    )
    assert row.subject_match == SubjectMatch.NO_IDENTIFIER
    migration.match_earlier_imports(apps, None)
    row.refresh_from_db()
    assert (row.subject_match, row.subject_email) == (SubjectMatch.MATCHED, verified)
