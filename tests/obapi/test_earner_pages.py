"""The earner profile (opt-in, UUID or handle address), imports by upload
(baked PNG/SVG, JSON, VC-JWT) verified and shown as such, and the export archive."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditEvent
from badges import baking, images
from obapi import services
from obapi.models import EarnerProfile, ImportedCredential
from tests.badges.factories import award_row
from tests.badges.helpers import itxt_texts
from tests.obapi.fixtures import signed_jwt, unsigned_json

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning"),
]


def profile_settings(**extra):
    data = {"handle": "", "display_name": "", "description": "", "url": ""}
    data.update(extra)
    return data


def test_a_new_profile_is_private_and_404_to_everyone_else(learner_client, other_client, learner):
    learner_client.get("/earner/")
    profile = EarnerProfile.objects.get(user=learner)
    assert profile.published is False
    assert Client().get(f"/earner/p/{profile.uuid}/").status_code == 404
    assert other_client.get(f"/earner/p/{profile.uuid}/").status_code == 404
    preview = learner_client.get(f"/earner/p/{profile.uuid}/")
    assert "Only you can see this page" in preview.content.decode()


def test_published_profile_lists_public_awards_and_imports_at_its_handle(
    learner_client, learner, credential, client
):
    badge = award_row(learner=learner, credential=credential).badge
    learner_client.post("/earner/import/", {"text": signed_jwt()})
    learner_client.post("/earner/import/", {"text": unsigned_json()})
    for imported in ImportedCredential.objects.filter(owner=learner):  # they name a DID only
        learner_client.post(
            f"/earner/imported/{imported.uuid}/show/", {"show": "1", "confirm": "1"}
        )
    response = learner_client.post(
        "/earner/settings/",
        profile_settings(published="on", handle="Lee-Learner", display_name="Lee L."),
    )
    assert response.status_code == 302
    page = Client().get("/earner/p/lee-learner/").content.decode()
    assert "Lee L." in page
    assert credential.title in page
    assert str(badge.award.uuid) in page
    assert page.count("Teamwork") >= 2
    assert "Verified" in page and "Not verified" in page
    assert AuditEvent.objects.filter(verb="earner_profile.update").exists()


def test_private_awards_and_hidden_imports_stay_off_the_profile(
    learner_client, learner, credential, client
):
    badge = award_row(learner=learner, credential=credential).badge
    learner_client.post(
        f"/badges/{badge.award.uuid}/settings/", {"display_name": "", "visibility": "private"}
    )
    learner_client.post("/earner/import/", {"text": unsigned_json()})
    imported = ImportedCredential.objects.get(owner=learner)
    learner_client.post(f"/earner/imported/{imported.uuid}/show/", {"show": "0"})
    learner_client.post("/earner/settings/", profile_settings(published="on", handle="lee"))
    page = Client().get("/earner/p/lee/").content.decode()
    assert credential.title not in page
    assert "Teamwork" not in page


def test_a_taken_or_malformed_handle_is_refused_beside_the_field(learner_client, other_learner):
    services.profile_update(user=other_learner, actor=other_learner, handle="taken")
    for handle, message in (("taken", "taken"), ("a b", "lowercase letters")):
        response = learner_client.post(
            "/earner/settings/", profile_settings(published="on", handle=handle)
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert 'id="id_handle_error"' in html and message in html


def test_another_learner_cannot_change_my_import(learner_client, other_client, learner):
    learner_client.post("/earner/import/", {"text": unsigned_json()})
    imported = ImportedCredential.objects.get(owner=learner)
    assert (
        other_client.post(f"/earner/imported/{imported.uuid}/show/", {"show": "0"}).status_code
        == 404
    )
    imported.refresh_from_db()
    assert imported.show_on_profile is True


@pytest.mark.parametrize("kind", ["png", "svg", "jwt-file", "json-file"])
def test_upload_in_each_form_is_verified_and_kept_as_received(
    learner_client, learner, other_learner, credential, kind
):
    theirs = award_row(learner=other_learner, credential=credential).badge
    png = images.credential_image(credential)
    content, name = {
        "png": (baking.bake(png, {baking.OB3_KEYWORD: theirs.ob3_jwt}), "badge.png"),
        "svg": (baking.bake_svg_ob3(png, theirs.ob3_jwt, images.SIZE), "badge.svg"),
        "jwt-file": (theirs.ob3_jwt.encode(), "credential.jwt"),
        "json-file": (theirs.ob3_json.encode(), "credential.json"),
    }[kind]
    response = learner_client.post(
        "/earner/import/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert "Imported and verified" in response.content.decode()
    row = ImportedCredential.objects.get(owner=learner)
    assert row.verified is True and row.verified_at is not None
    assert (bytes(row.received_bytes) or row.received_text.encode()) == content
    assert row.name == credential.title


def test_an_unreadable_upload_is_refused_beside_the_field(learner_client):
    response = learner_client.post(
        "/earner/import/", {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nnonsense")}
    )
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.content.decode()
    empty = learner_client.post("/earner/import/", {"text": "  "})
    assert "Choose a file or paste a credential." in empty.content.decode()


def test_export_round_trip_keeps_every_document_and_setting(
    learner_client, learner, other_learner, credential
):
    badge = award_row(learner=learner, credential=credential).badge
    award_row(learner=other_learner, credential=credential)
    jwt = signed_jwt()
    learner_client.post("/earner/import/", {"text": jwt})
    png = baking.bake(images.credential_image(credential), {baking.OB3_KEYWORD: badge.ob3_jwt})
    learner_client.post("/earner/import/", {"file": SimpleUploadedFile("mine.png", png)})
    learner_client.post(
        "/earner/settings/", profile_settings(published="on", handle="lee", description="Hi")
    )
    response = learner_client.get("/earner/export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(archive.read("manifest.json"))
    # Every file listed is there with the hash the manifest gives.
    listed = [f for a in manifest["awards"] + manifest["imported"] for f in a["files"]]
    for entry in listed:
        assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    [award] = manifest["awards"]
    assert award["award"] == str(badge.award.uuid)
    folder = award["files"][0]["path"].rsplit("/", 1)[0]
    assert archive.read(f"{folder}/credential.json").decode() == badge.ob3_json
    assert archive.read(f"{folder}/credential.jwt").decode() == badge.ob3_jwt
    assert archive.read(f"{folder}/assertion.json").decode() == badge.ob2_json
    baked = archive.read(f"{folder}/badge.png")
    assert itxt_texts(baked)[baking.OB3_KEYWORD] == [badge.ob3_jwt]
    assert b"<openbadges:credential" in archive.read(f"{folder}/badge.svg")
    imported = {i["form"]: i for i in manifest["imported"]}
    assert archive.read(imported["jwt"]["files"][0]["path"]).decode() == jwt
    assert archive.read(imported["png"]["files"][0]["path"]) == png
    assert imported["png"]["filename"] == "mine.png"
    assert imported["jwt"]["verified"] is True and imported["jwt"]["verified_at"]
    assert manifest["profile"]["settings"]["handle"] == "lee"
    assert manifest["profile"]["settings"]["description"] == "Hi"
    # Re-importing the exported files gives the same credentials back, still verified.
    services.credential_import(
        owner=other_learner,
        text=archive.read(f"{folder}/credential.jwt").decode(),
        actor=other_learner,
    )
    assert ImportedCredential.objects.get(owner=other_learner).verified is True


def test_the_export_is_the_owners_only(client, learner, credential, other_client):
    award_row(learner=learner, credential=credential)
    assert client.get("/earner/export.zip").status_code == 302  # to sign in
    archive = zipfile.ZipFile(io.BytesIO(other_client.get("/earner/export.zip").content))
    assert json.loads(archive.read("manifest.json"))["awards"] == []


def test_profile_pages_stay_within_a_query_ceiling_as_lists_grow(
    learner, learner_client, organization, django_assert_max_num_queries
):
    from tests.credentials.factories import CredentialFactory

    services.profile_update(user=learner, actor=learner, published=True, handle="lee")
    for size in (1, 4):
        while ImportedCredential.objects.filter(owner=learner).count() < size:
            n = ImportedCredential.objects.count()
            award_row(learner=learner, credential=CredentialFactory(organization=organization))
            services.credential_import(
                owner=learner,
                text=unsigned_json(ident=f"urn:uuid:{n:08d}-0000-4000-8000-0"),
                actor=learner,
            )
        with django_assert_max_num_queries(8):
            assert Client().get("/earner/p/lee/").status_code == 200
        with django_assert_max_num_queries(14):
            assert learner_client.get("/earner/").status_code == 200
