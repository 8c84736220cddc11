"""Public turnaround statistics: business days from entering review to the
decision, over the last 90 days, across weekends and holidays."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from calibration.selectors import turnaround
from tests.accounts.factories import UserFactory
from tests.calibration.factories import decided_rows
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
TODAY = datetime.datetime(2027, 1, 10, 15, 0, tzinfo=UTC)


def at(year, month, day):
    # 10:00 in New York, the site's time zone.
    return datetime.datetime(year, month, day, 15, 0, tzinfo=UTC)


@pytest.fixture
def history(credential):
    decider = UserFactory()
    return decided_rows(
        credential,
        [
            # Fri Nov 20 -> Mon Nov 30: 5 business days (Thanksgiving does not
            # count; 6 without it). Due Nov 25: late.
            (at(2026, 11, 20), at(2026, 11, 30), datetime.date(2026, 11, 25), "awarded", decider),
            # Wed Dec 23 -> Mon Jan 4: 6 (Christmas and New Year's Day do not
            # count; 8 without them).
            (at(2026, 12, 23), at(2027, 1, 4), datetime.date(2027, 1, 13), "denied", decider),
            # Decided the same day: 0.
            (at(2026, 12, 7), at(2026, 12, 7), datetime.date(2026, 12, 24), "awarded", decider),
            # Tue Dec 1 -> Tue Dec 15: 10.
            (at(2026, 12, 1), at(2026, 12, 15), datetime.date(2026, 12, 18), "awarded", decider),
            # Older than 90 days: left out.
            (at(2026, 9, 1), at(2026, 9, 30), datetime.date(2026, 9, 21), "denied", decider),
        ],
    )


def test_median_90th_percentile_and_on_time_share_across_holidays(credential, history):
    with time_machine.travel(TODAY, tick=False):
        figures = turnaround.credential_turnaround(credential=credential)

    # Days 0, 5, 6, 10: the median is halfway between 5 and 6; the 90th
    # percentile 70% of the way from 6 to 10.
    assert figures.decided == 4
    assert figures.median_days == 5.5
    assert figures.p90_days == 8.8
    assert figures.on_time == 3
    assert figures.on_time_percent == 75.0
    assert figures.sla_days == 14


def test_a_quantile_of_weighted_counts_matches_the_plain_definition():
    assert turnaround.weighted_quantile([(3, 1)], 0.5) == 3
    assert turnaround.weighted_quantile([(1, 2), (9, 2)], 0.5) == 5
    assert turnaround.weighted_quantile([(2, 9), (20, 1)], 0.9) == 3.8
    assert turnaround.weighted_quantile([], 0.5) is None


def test_the_details_page_shows_the_figures_with_a_flat_query_count(
    learner, learner_client, credential, history, django_assert_max_num_queries
):
    """Signed in, so the whole-page cache of anonymous visits stays out of the count."""
    from django.core.cache import cache

    other = CredentialFactory(organization=credential.organization, with_content=True)
    decider = UserFactory()
    url = reverse("credentials:detail", kwargs={"slug": credential.slug})
    with time_machine.travel(TODAY, tick=False):
        learner_client.force_login(learner)  # a session that has not expired by then
        learner_client.get(url)  # warm the per-process caches (content types, calendars)
        cache.delete(f"calibration:turnaround:credential:{credential.lineage}")
        with django_assert_max_num_queries(30) as cold:
            page = learner_client.get(url).content.decode()
        decided_rows(
            credential,
            [(at(2026, 12, 1), at(2026, 12, 15), datetime.date(2026, 12, 18), "awarded", decider)]
            * 60,
        )
        cache.delete(f"calibration:turnaround:credential:{credential.lineage}")
        with django_assert_max_num_queries(len(cold.captured_queries)):
            learner_client.get(url)
        # With the figures cached, the panel adds no query.
        with django_assert_max_num_queries(len(cold.captured_queries) - 2):
            learner_client.get(url)

    assert "How long decisions take" in page
    assert "Median: <strong>5.5</strong> business days" in page
    assert "9 in 10 within <strong>8.8</strong> business days" in page
    assert "<strong>75.0%</strong> decided on time (within 14 business days)" in page
    assert other.title not in page


def test_the_organization_page_lists_each_credential(client, credential, history):
    with time_machine.travel(TODAY, tick=False):
        response = client.get(
            reverse("calibration:turnaround", kwargs={"slug": credential.organization.slug})
        )

    page = response.content.decode()
    assert response.status_code == 200
    assert credential.title in page
    assert "Median: <strong>5.5</strong> business days" in page
