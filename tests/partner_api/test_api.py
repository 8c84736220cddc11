"""The partner API: tokens, scopes, pagination, rate limits, and consent."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partner_api import services
from partner_api.models import ApiToken, Scope
from programs.cohort_models import Enrollment
from programs.services import cohorts
from tests.accounts.factories import UserFactory
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.programs.cohort_fixtures import *  # noqa: F403 - the cohort fixtures
from tests.programs.cohort_fixtures import join, many_members

BASE = "/partner-api/v1"


@pytest.fixture
def token_for(district, partner_admin):  # noqa: F811
    def make(*scopes):
        _, secret = services.token_create(
            partner=district, name="SIS", scopes=[s.value for s in scopes], actor=partner_admin
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    return make


@pytest.fixture
def partner_admin(district):  # noqa: F811
    from programs.cohort_models import PartnerRole

    user = UserFactory(email="padmin@example.org", name="Pat Admin")
    cohorts.partner_member_add(partner=district, user=user, role=PartnerRole.ADMIN, actor=None)
    return user


def test_missing_or_unknown_or_revoked_token_is_401(client, token_for):
    assert client.get(f"{BASE}/credentials").status_code == 401
    assert (
        client.get(f"{BASE}/credentials", HTTP_AUTHORIZATION="Bearer mcp_nope").status_code == 401
    )
    headers = token_for(Scope.CATALOG_READ)
    assert client.get(f"{BASE}/credentials", **headers).status_code == 200
    services.token_revoke(token=ApiToken.objects.get(), actor=None)
    assert client.get(f"{BASE}/credentials", **headers).status_code == 401


def test_token_is_stored_only_as_a_digest(token_for):
    headers = token_for(Scope.CATALOG_READ)
    secret = headers["HTTP_AUTHORIZATION"].split()[1]
    token = ApiToken.objects.get()
    assert secret not in (token.digest, token.prefix) and token.digest == services.token_digest(
        secret
    )


def test_a_scope_is_needed_for_each_operation(client, token_for, cohort):
    headers = token_for(Scope.CATALOG_READ)
    assert client.get(f"{BASE}/cohorts", **headers).status_code == 403
    assert client.get(f"{BASE}/awards", **headers).status_code == 403
    response = client.post(
        f"{BASE}/cohorts/{cohort.uuid}/invitations",
        {"emails": ["a@example.org"]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert not Enrollment.objects.exists()


def test_credentials_are_paginated(client, token_for):
    for i in range(25):
        CredentialFactory(title=f"Credential {i:02d}", slug=f"credential-{i:02d}")
    headers = token_for(Scope.CATALOG_READ)
    first = client.get(f"{BASE}/credentials?limit=10", **headers).json()
    last = client.get(f"{BASE}/credentials?limit=10&offset=20", **headers).json()
    assert first["count"] == 25 and len(first["items"]) == 10 and len(last["items"]) == 5
    assert first["items"][0]["title"] == "Credential 00"
    assert client.get(f"{BASE}/credentials?limit=1000", **headers).status_code == 422


def test_progress_lists_only_consenting_teachers(client, token_for, cohort):
    headers = token_for(Scope.COHORTS_READ, Scope.AWARDS_READ)
    shared = UserFactory(email="shares@example.org")
    join(cohort, shared)
    cohorts.enrollment_invite(cohort=cohort, emails=["invited@example.org"], actor=None)
    gone = UserFactory(email="gone@example.org")
    enrollment = join(cohort, gone)
    cohorts.enrollment_withdraw(enrollment=enrollment, teacher=gone)

    body = client.get(f"{BASE}/cohorts/{cohort.uuid}/progress", **headers).json()
    assert [t["email"] for t in body["items"]] == ["shares@example.org"]
    assert {c["status"] for c in body["items"][0]["credentials"]} == {"not_started"}


def test_another_partners_cohort_is_404(client, token_for):
    other = cohorts.partner_create(
        organization=OrganizationFactory(name="Elsewhere", slug="elsewhere"),
        kind="school",
        actor=None,
    )
    theirs = cohorts.cohort_create(partner=other, name="Theirs", credentials=[], actor=None)
    headers = token_for(Scope.COHORTS_READ, Scope.COHORTS_WRITE)
    assert client.get(f"{BASE}/cohorts/{theirs.uuid}/progress", **headers).status_code == 404
    response = client.post(
        f"{BASE}/cohorts/{theirs.uuid}/invitations",
        {"emails": ["x@example.org"]},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404


def test_invitations_through_the_api(client, token_for, cohort):
    headers = token_for(Scope.COHORTS_WRITE)
    url = f"{BASE}/cohorts/{cohort.uuid}/invitations"
    first = client.post(
        url,
        {"emails": ["a@example.org", "B@example.org"]},
        content_type="application/json",
        **headers,
    )
    assert first.json() == {"invited": 2, "already_invited": 0}
    again = client.post(
        url, {"emails": ["a@example.org"]}, content_type="application/json", **headers
    )
    assert again.json() == {"invited": 0, "already_invited": 1}
    bad = client.post(
        url, {"emails": ["not-an-address"]}, content_type="application/json", **headers
    )
    assert bad.status_code == 422


def test_awards_only_of_consenting_members(client, token_for, cohort):
    from django.utils import timezone

    from assessments.models import Award
    from submissions.models import Status, Submission

    credential = cohort.credentials.first()
    shared, hidden = UserFactory(email="s@example.org"), UserFactory(email="h@example.org")
    join(cohort, shared)
    cohorts.enrollment_invite(cohort=cohort, emails=[hidden.email], actor=None)
    for user in (shared, hidden):
        submission = Submission.objects.create(
            learner=user, credential=credential, status=Status.AWARDED, decided_at=timezone.now()
        )
        Award.objects.create(
            submission=submission, learner=user, credential=credential, awarded_at=timezone.now()
        )
    body = client.get(f"{BASE}/awards", **token_for(Scope.AWARDS_READ)).json()
    assert [a["teacher"] for a in body["items"]] == ["s@example.org"]


def test_rate_limit_per_token(client, token_for, settings):
    settings.PARTNER_API_RATE = "3/m"
    headers = token_for(Scope.CATALOG_READ)
    codes = [client.get(f"{BASE}/credentials", **headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_openapi_description_is_published(client):
    response = client.get(f"{BASE}/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert f"{BASE}/cohorts/{{cohort_id}}/progress" in paths


def test_only_partner_admins_create_tokens_and_see_the_secret_once(
    client, district, coach, partner_admin
):  # noqa: F811
    url = reverse("partner_api:tokens", kwargs={"partner_id": district.pk})
    client.force_login(coach)
    assert client.get(url).status_code == 404
    client.force_login(partner_admin)
    page = client.post(url, {"name": "SIS", "scopes": ["cohorts:read"]}).content.decode()
    token = ApiToken.objects.get()
    assert 'id="new-token"' in page and token.prefix in page
    assert 'id="new-token"' not in client.get(url).content.decode()


def test_api_query_count_is_flat(client, token_for, cohort, django_assert_max_num_queries):
    headers = token_for(Scope.COHORTS_READ)
    many_members(cohort, 5, cohort.credentials.first(), prefix="a")
    with django_assert_max_num_queries(10):
        small = client.get(f"{BASE}/cohorts/{cohort.uuid}/progress?limit=100", **headers)
    many_members(cohort, 95, cohort.credentials.first(), prefix="b")
    with django_assert_max_num_queries(10):
        big = client.get(f"{BASE}/cohorts/{cohort.uuid}/progress?limit=100", **headers)
    assert small.json()["count"] == 5 and big.json()["count"] == 100


def test_wrong_token_guesses_from_one_address_are_throttled(client, token_for, settings):
    settings.PARTNER_API_TOKEN_THROTTLE = {"per_user": 3, "per_address": 3, "window_seconds": 60}
    headers = token_for(Scope.CATALOG_READ)
    codes = [
        client.get(f"{BASE}/credentials", HTTP_AUTHORIZATION=f"Bearer mcp_guess{i}").status_code
        for i in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    assert client.get(f"{BASE}/credentials", **headers).status_code == 429
