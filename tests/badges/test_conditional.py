"""Conditional GET on the published documents: a verifier or backpack that
already holds the current copy gets 304 Not Modified and no body; anything
that changes the document (a revocation above all) changes its tag."""

import pytest
from django.test import Client
from django.utils.http import http_date

from badges.models import Visibility
from badges.services import badge_revoke, badge_update_settings

pytestmark = pytest.mark.django_db

VC_JWT = "application/vc+jwt"


def _again(client, url, response, **headers):
    return client.get(url, HTTP_IF_NONE_MATCH=response["ETag"], **headers)


def _award_documents(badge):
    base = f"/badges/{badge.award.uuid}"
    return [
        f"{base}/credential.json",
        f"{base}/credential.jwt",
        f"{base}/assertion.json",
        f"{base}/badge.png",
        f"{base}/badge.svg",
    ]


def _public_documents(client, badge):
    organization = badge.award.credential.organization
    credential = badge.award.credential
    return [
        f"/badges/credentials/{credential.uuid}/achievement.json",
        f"/badges/credentials/{credential.uuid}/badgeclass.json",
        f"/badges/credentials/{credential.uuid}/image.png",
        f"/badges/issuers/{organization.uuid}/profile.json",
        f"/badges/issuers/{organization.uuid}/issuer.json",
        f"/badges/issuers/{organization.uuid}/jwks.json",
        _status_url(badge),
    ]


def _status_url(badge):
    return (
        f"/badges/issuers/{badge.status_list.organization.uuid}/status/{badge.status_list.number}"
    )


def test_every_published_document_answers_304_to_a_current_copy(client, badge):
    for url in _award_documents(badge) + _public_documents(client, badge):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["ETag"], url
        second = _again(client, url, first)
        assert second.status_code == 304, url
        assert second.content == b"", url
        assert second["ETag"] == first["ETag"], url
        # The 304 keeps the caching rules and stays readable from other origins.
        assert second["Cache-Control"] == first["Cache-Control"], url
        assert second["Access-Control-Allow-Origin"] == "*", url


def test_a_stale_copy_gets_the_whole_document(client, badge):
    url = f"/badges/{badge.award.uuid}/credential.json"
    response = client.get(url, HTTP_IF_NONE_MATCH='"not-the-current-one"')
    assert response.status_code == 200
    assert response.content == badge.ob3_json.encode()


def test_an_award_document_says_when_it_was_issued_and_honours_if_modified_since(client, badge):
    url = f"/badges/{badge.award.uuid}/credential.jwt"
    response = client.get(url)
    assert response["Last-Modified"] == http_date(badge.issued_at.timestamp())
    since = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304
    before = client.get(url, HTTP_IF_MODIFIED_SINCE=http_date(badge.issued_at.timestamp() - 60))
    assert before.status_code == 200


def test_revoking_changes_the_status_list_tag_at_once(client, badge, staff_user):
    url = _status_url(badge)
    first = client.get(url)
    assert _again(client, url, first).status_code == 304
    badge_revoke(badge_id=badge.pk, reason="Issued in error.", actor=staff_user)
    after = _again(client, url, first)
    assert after.status_code == 200
    assert after["ETag"] != first["ETag"]
    assert _again(client, url, after).status_code == 304


def test_the_status_list_tag_differs_by_form_and_varies_on_accept(client, badge):
    url = _status_url(badge)
    as_json = client.get(url)
    as_jwt = client.get(url, HTTP_ACCEPT=VC_JWT)
    assert as_json["ETag"] != as_jwt["ETag"]
    assert "Accept" in as_json["Vary"] and "Accept" in as_jwt["Vary"]
    # The JSON form's tag does not stand for the VC-JWT.
    mixed = client.get(url, HTTP_ACCEPT=VC_JWT, HTTP_IF_NONE_MATCH=as_json["ETag"])
    assert mixed.status_code == 200
    assert mixed["Content-Type"] == VC_JWT


def test_revoking_changes_the_hosted_assertion_and_its_baked_image(client, badge, staff_user):
    assertion = f"/badges/{badge.award.uuid}/assertion.json"
    first = client.get(assertion)
    badge_revoke(badge_id=badge.pk, reason="Issued in error.", actor=staff_user)
    after = _again(client, assertion, first)
    assert after.status_code == 410
    assert after.json()["revoked"] is True
    png = f"/badges/{badge.award.uuid}/badge.png"
    assert client.get(png, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 410


def test_a_private_awards_tag_gets_a_stranger_nothing(client, badge, learner):
    url = f"/badges/{badge.award.uuid}/credential.json"
    first = client.get(url)
    badge_update_settings(
        badge_id=badge.pk, actor=learner, display_name="", visibility=Visibility.PRIVATE
    )
    assert _again(client, url, first).status_code == 404
    owner = Client()
    owner.force_login(learner)
    mine = _again(owner, url, first)
    assert mine.status_code == 304
    assert mine["Cache-Control"] == "private, no-cache"
    assert "Access-Control-Allow-Origin" not in mine


def test_a_changed_issuer_profile_gets_a_new_tag(client, badge):
    organization = badge.award.credential.organization
    url = f"/badges/issuers/{organization.uuid}/profile.json"
    first = client.get(url)
    organization.description = "Now also for school leaders."
    organization.save(update_fields=["description"])
    after = _again(client, url, first)
    assert after.status_code == 200
    assert after.json()["description"] == "Now also for school leaders."
