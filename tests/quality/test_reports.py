"""Reports: pass rates, rounds to pass, and reviewer agreement checked against figures
worked out by hand."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from quality import reports
from quality.models import Mark
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

M, N = Mark.MET, Mark.NOT_MET


def _settle_all(world, review_round, mark=M):
    from quality import services

    for result in review_round.results.filter(disagreement=True, mark=""):
        services.round_settle(
            review_round=review_round,
            component_id=result.component_id,
            mark=mark,
            note="",
            actor=world.admin,
        )


def test_agreement_matches_hand_computed_kappa(world):
    """Two rounds, five components, two reviewers each.

    Round 1: A = M M N N M, B = M N N M M  (components 1..5)
    Round 2: A = M M M M M, B = M M M N M
    Over all 10 pairs: (M,M)=6, (M,N)=2, (N,M)=1, (N,N)=1.
    p_o = 7/10 = 0.7; A said M 8 times, B 7 times:
    p_e = 0.8*0.7 + 0.2*0.3 = 0.62; kappa = (0.7-0.62)/(1-0.62) = 0.2105...
    Component 1: (M,M) twice -> 100%, kappa undefined (one category).
    Component 2: (M,N), (M,M) -> 50%; A all M, so p_e = 0.5*1 = 0.5, kappa 0.
    """
    world.self_assess()
    first, (a1, a2) = world.open_round()
    world.score(a1, [M, M, N, N, M])
    world.score(a2, [M, N, N, M, M])
    first.refresh_from_db()
    _settle_all(world, first, mark=N)
    world.self_assess()
    second, (b1, b2) = world.open_round()
    world.score(b1, [M, M, M, M, M])
    world.score(b2, [M, M, M, N, M])
    second.refresh_from_db()
    _settle_all(world, second, mark=M)

    report = reports.framework_report(framework=world.framework)
    overall = report.agreement
    assert (overall.pairs, overall.agreed) == (10, 7)
    assert overall.percent == pytest.approx(70.0)
    assert overall.kappa == pytest.approx(0.08 / 0.38)

    lines = {line.component.code: line for s in report.standards for line in s.components}
    assert lines["1.1"].agreement.percent == pytest.approx(100.0)
    assert lines["1.1"].agreement.kappa is None
    assert lines["1.2"].agreement.percent == pytest.approx(50.0)
    assert lines["1.2"].agreement.kappa == pytest.approx(0.0)
    # Pass rates over both rounds' findings: component 4 was "not met" (settled) then "met".
    assert (lines["2.1"].results, lines["2.1"].met) == (2, 1)
    assert report.rounds_to_pass == [(2, 1)]
    assert report.average_rounds_to_pass == pytest.approx(2.0)
    assert report.closed_rounds == 2
    assert report.average_days_in_review is not None


def test_reports_need_the_permission_and_export_csv(world, client):
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    world.score(a1, M)
    world.score(a2, M)
    url = reverse("quality:report", kwargs={"uuid": world.framework.uuid})
    csv_url = reverse("quality:report_csv", kwargs={"uuid": world.framework.uuid})
    # Organization members, even admins, and staff without the permission: 404.
    assert world.client(world.admin).get(url).status_code == 404
    staff = UserFactory(email="plain-staff@example.org", is_staff=True)
    assert world.client(staff).get(csv_url).status_code == 404

    analyst = UserFactory(email="analyst@example.org", is_staff=True)
    analyst.user_permissions.add(Permission.objects.get(codename="view_quality_report"))
    client.force_login(analyst)
    page = client.get(url)
    assert page.status_code == 200
    assert "100%" in page.content.decode()
    response = client.get(csv_url)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["level", "standard_code", "standard_title"]
    first = rows[1]
    assert first[0] == "component" and first[3] == "1.1"
    assert first[6:9] == ["1", "1", "100.0"]
    assert first[9:11] == ["1", "100.0"]
    # Reviewer identities never appear in the export.
    assert "reviewer1" not in response.content.decode()


def test_printable_record_for_the_organization_and_permitted_staff(world):
    world.self_assess()
    review_round, (a1, a2) = world.open_round()
    world.score(a1, M)
    world.score(a2, M)
    url = reverse("quality:record", kwargs={"uuid": world.credential.uuid})
    body = world.client(world.designer).get(url).content.decode()
    assert "Round 1: Meets all required components" in body
    assert "5 of 5 met" in body
    assert world.client(world.reviewer1).get(url).status_code == 404
