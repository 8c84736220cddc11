import pytest
from django.urls import reverse

from credentials.services import favorite_toggle
from submissions import services
from submissions.models import Status
from tests.credentials.factories import CredentialFactory, OrganizationFactory
from tests.submissions.factories import submitted_application

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:home")


def test_dashboard_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_tabs_show_each_application_where_it_belongs(learner_client, learner, other_learner):
    draft, _ = services.submission_apply(
        learner=learner, credential=CredentialFactory(title="Drafty")
    )
    submitted = submitted_application(learner, CredentialFactory(title="Reviewing"))
    paid = submitted_application(learner, CredentialFactory(title="Unpaid", fee_cents=9900))
    services.submission_apply(learner=other_learner, credential=CredentialFactory(title="Not mine"))

    drafts = learner_client.get(URL).content.decode()
    assert "Drafty" in drafts and "Reviewing" not in drafts and "Not mine" not in drafts
    assert 'Drafts <span class="muted">(1)</span>' in drafts
    sent = learner_client.get(URL + "?tab=submitted").content.decode()
    assert "Reviewing" in sent and "Unpaid" in sent and "Drafty" not in sent
    assert submitted.reference in sent and paid.reference in sent
    assert draft.reference not in sent


def test_denied_tab_offers_resubmit_with_the_fee(learner_client, learner):
    credential = CredentialFactory(title="Denied one", resubmission_fee_cents=2500)
    submission = submitted_application(learner, credential)
    services.submission_record_decision(submission_id=submission.pk, awarded=False, actor=None)
    page = learner_client.get(URL + "?tab=denied").content.decode()
    assert "Denied one" in page
    assert reverse("submissions:resubmit", kwargs={"uuid": submission.uuid}) in page
    assert "Resubmission fee: $25.00" in page


def test_awarded_tab(learner_client, learner):
    submission = submitted_application(learner, CredentialFactory(title="Won it"))
    services.submission_record_decision(submission_id=submission.pk, awarded=True, actor=None)
    assert submission.reference in learner_client.get(URL + "?tab=awarded").content.decode()


def test_favorites_tab_lists_favorited_credentials(learner_client, learner):
    liked = CredentialFactory(title="Loved credential")
    CredentialFactory(title="Ignored credential")
    favorite_toggle(user=learner, credential=liked)
    page = learner_client.get(URL + "?tab=favorites").content.decode()
    assert "Loved credential" in page and "Ignored credential" not in page
    assert 'Favorites <span class="muted">(1)</span>' in learner_client.get(URL).content.decode()


def _fill(learner, n):
    org = OrganizationFactory()
    for i in range(n):
        credential = CredentialFactory(organization=org)
        if i % 4 == 0:
            services.submission_apply(learner=learner, credential=credential)
        elif i % 4 == 1:
            submitted_application(learner, credential)
        elif i % 4 == 2:
            favorite_toggle(user=learner, credential=credential)
        else:
            awarded = submitted_application(learner, credential)
            services.submission_record_decision(submission_id=awarded.pk, awarded=True, actor=None)


# Session and user (2); the tab counts with the favorites (one query), the
# page's rows (read even when the tab is empty), and the studio link, expiring
# awards and stack progress (5); the awarded tab also reads its rows' awards
# with their badges.
TAB_QUERIES = {"drafts": 7, "submitted": 7, "awarded": 8, "denied": 7, "favorites": 7}


@pytest.mark.parametrize("tab", ["drafts", "submitted", "awarded", "favorites"])
def test_dashboard_query_count_does_not_grow_with_rows(
    learner_client, learner, tab, django_assert_max_num_queries
):
    learner_client.get(URL + f"?tab={tab}")  # what the header keeps per user is kept now
    with django_assert_max_num_queries(TAB_QUERIES[tab]):
        learner_client.get(URL + f"?tab={tab}")
    _fill(learner, 5)
    with django_assert_max_num_queries(TAB_QUERIES[tab]) as small:
        learner_client.get(URL + f"?tab={tab}")
    _fill(learner, 45)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = learner_client.get(URL + f"?tab={tab}")
    assert response.status_code == 200


def test_status_values_match_tabs():
    assert {s.value for s in Status} >= {"draft", "awaiting_payment", "in_review"}
