"""The Open Badges 2.0 hosted assertion, its BadgeClass and Issuer, and the baked PNG."""

import hashlib
import io
import json

from PIL import Image

from tests.badges.helpers import itxt_texts, path_of

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def test_hosted_assertion_links_to_its_badge_class_and_issuer(client, badge, learner, credential):
    url = f"/badges/{badge.award.uuid}/assertion.json"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assertion = json.loads(response.content)

    assert assertion["@context"] == OB2_CONTEXT
    assert assertion["type"] == "Assertion"
    assert path_of(assertion["id"]) == url
    assert assertion["verification"] == {"type": "HostedBadge"}
    recipient = assertion["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    expected = hashlib.sha256((learner.email + recipient["salt"]).encode()).hexdigest()
    assert recipient["identity"] == f"sha256${expected}"

    badge_class = json.loads(client.get(path_of(assertion["badge"])).content)
    assert badge_class["type"] == "BadgeClass"
    assert badge_class["name"] == credential.title
    assert client.get(path_of(badge_class["image"]))["Content-Type"] == "image/png"
    assert credential.competency in badge_class["criteria"]["narrative"]

    issuer = json.loads(client.get(path_of(badge_class["issuer"])).content)
    assert issuer["type"] == "Issuer"
    assert issuer["name"] == "Northfield Teaching Institute"
    assert issuer["url"] == "https://northfield.example.org"


def test_baked_png_carries_the_hosted_assertion_and_the_signed_credential(client, badge):
    png = client.get(f"/badges/{badge.award.uuid}/badge.png").content
    texts = itxt_texts(png)

    # Exactly one "openbadges" chunk, equal to what the assertion URL serves.
    assert len(texts["openbadges"]) == 1
    hosted = client.get(f"/badges/{badge.award.uuid}/assertion.json").content.decode()
    assert texts["openbadges"][0] == hosted
    assert json.loads(texts["openbadges"][0]) == json.loads(hosted)
    # The 3.0 credential rides along for readers that look for it.
    assert texts["openbadgecredential"] == [
        client.get(f"/badges/{badge.award.uuid}/credential.jwt").content.decode()
    ]

    image = Image.open(io.BytesIO(png))
    image.verify()
    assert image.format == "PNG"


def test_baked_png_download_is_an_attachment(client, badge):
    response = client.get(f"/badges/{badge.award.uuid}/badge.png?download")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].endswith('.png"')


def test_revoked_assertion_is_gone_and_says_why(client, badge, staff_user):
    from badges.services import badge_revoke

    badge_revoke(badge_id=badge.pk, reason="Issued in error.", actor=staff_user)

    response = client.get(f"/badges/{badge.award.uuid}/assertion.json")
    assert response.status_code == 410
    body = json.loads(response.content)
    assert body["revoked"] is True
    assert body["revocationReason"] == "Issued in error."
    assert client.get(f"/badges/{badge.award.uuid}/badge.png").status_code == 410
