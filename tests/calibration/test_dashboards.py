"""Agreement and quality figures against hand-computed examples, who sees what,
and query counts that stay flat as decisions grow."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calibration.selectors.dashboards import quality_dashboard
from tests.accounts.factories import UserFactory
from tests.calibration.factories import decided_rows, paired_scorings

pytestmark = pytest.mark.django_db

T, F = True, False
# Five reviews of a two-criterion rubric scored by X (first) and Y (second).
# Criterion pairs: (met, met) 4, (met, not) 1, (not, met) 1, (not, not) 4.
PAIRS = [
    ("awarded", "awarded", [(T, T), (T, T)]),
    ("awarded", "awarded", [(T, T), (T, T)]),
    ("denied", "denied", [(T, F), (F, T)]),
    ("denied", "denied", [(F, F), (F, F)]),
    ("denied", "denied", [(F, F), (F, F)]),
]


def _history(credential, pairs, *, first, second, decider=None):
    now = timezone.now()
    reviews = decided_rows(
        credential,
        [
            (
                now - datetime.timedelta(days=10),
                now - datetime.timedelta(days=2),
                (now + datetime.timedelta(days=5)).date(),
                outcome,
                decider,
            )
            for outcome, _, _ in pairs
        ],
    )
    paired_scorings(
        reviews, pairs, first=first, second=second, submitted_at=now - datetime.timedelta(days=3)
    )
    return reviews


@pytest.fixture
def raters(db):
    return UserFactory(name="Xavier First"), UserFactory(name="Yara Second")


def test_percent_agreement_and_kappa_match_the_hand_computed_figures(credential, raters):
    first, second = raters
    _history(credential, PAIRS, first=first, second=second)

    board = quality_dashboard()

    # p_o = 8/10; p_e = 0.5*0.5 + 0.5*0.5 = 0.5; kappa = (0.8 - 0.5) / 0.5 = 0.6
    assert (board.overall.pairs, board.overall.agreed) == (10, 8)
    assert board.overall.percent == pytest.approx(80.0)
    assert board.overall.kappa == pytest.approx(0.6)
    # Outcomes: 5 of 5; p_e = (2*2 + 3*3) / 25 = 0.52; kappa = 1.
    assert board.overall_outcomes.percent == pytest.approx(100.0)
    assert board.overall_outcomes.kappa == pytest.approx(1.0)
    # Per criterion: 4 of 5 agree; p_e = (3*2 + 2*3) / 25 = 0.48; kappa = 0.32/0.52.
    assert [row.label for row in board.criteria] == ["Context", "Reflection"]
    for row in board.criteria:
        assert row.criteria.percent == pytest.approx(80.0)
        assert row.criteria.kappa == pytest.approx(0.32 / 0.52)
    [row] = board.credentials
    assert row.label == credential.title and row.criteria.kappa == pytest.approx(0.6)
    # Each assessor against the other: the same table, seen from either side.
    by_name = {row.label: row for row in board.assessors}
    assert by_name["Xavier First"].paired.kappa == pytest.approx(0.6)
    assert by_name["Yara Second"].paired.kappa == pytest.approx(0.6)
    # Leniency: both award 2 of 5, as their peers do.
    assert by_name["Xavier First"].award_percent == 40.0
    assert by_name["Xavier First"].peer_award_percent == 40.0
    assert by_name["Xavier First"].leniency == 0.0


def test_degenerate_tables_perfect_agreement_and_one_category(credential, raters):
    first, second = raters
    everything_met = [("awarded", "awarded", [(T, T), (T, T)])] * 3
    _history(credential, everything_met, first=first, second=second)

    board = quality_dashboard()

    # Both raters used one category only: agreement is perfect, kappa undefined.
    assert board.overall.percent == pytest.approx(100.0)
    assert board.overall.kappa is None
    assert board.overall.kappa_label == "undefined"


def test_an_assessor_sees_only_their_own_figures(credential, raters):
    first, second = raters
    outsider = UserFactory(name="Olga Outsider")
    _history(credential, PAIRS, first=first, second=second)
    _history(credential, PAIRS[:2], first=outsider, second=second)
    client = Client()
    client.force_login(first)

    page = client.get(reverse("calibration:quality")).content.decode()

    assert "Xavier First" in page
    assert "Olga Outsider" not in page and "Yara Second" not in page
    assert "80.0% · κ 0.60" in page


def test_staff_with_the_permission_see_every_assessor(credential, raters):
    first, second = raters
    _history(credential, PAIRS, first=first, second=second)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_quality_dashboard"))
    client = Client()
    client.force_login(staff)

    page = client.get(reverse("calibration:quality")).content.decode()

    assert "Xavier First" in page and "Yara Second" in page
    assert "<svg" in page and "<script" not in page.split("<main", 1)[-1]


@pytest.mark.parametrize("size", [1, 100])
def test_the_dashboard_query_count_is_flat(credential, raters, size, django_assert_max_num_queries):
    """5 and 500 decided reviews (PAIRS has five)."""
    first, second = raters
    _history(credential, PAIRS * size, first=first, second=second, decider=first)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_quality_dashboard"))
    client = Client()
    client.force_login(staff)
    client.get(reverse("calibration:home"))

    with django_assert_max_num_queries(22):
        response = client.get(reverse("calibration:quality"))

    assert response.status_code == 200
    assert response.context["board"].decided == 5 * size
