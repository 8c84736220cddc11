"""The header's "Review queue" and "Calibration" links: remembered per user so a
page pays no query for them, and shown or hidden from the next page on as soon
as the user's roles change."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.template import Context, Template

from accounts import nav
from accounts.models import User
from assessments import services as assessment_services
from assessments.models import AssessorScope
from tests.accounts.factories import UserFactory
from tests.assessments.factories import make_assessor, submit_for_review
from tests.credentials.factories import CredentialFactory

pytestmark = pytest.mark.django_db

HEADER = Template(
    "{% load assessment_tags calibration_tags %}"
    "{% assessor_nav_link user %}{% calibration_nav_link user %}"
)
QUEUE = '<li><a href="/assess/">Review queue</a></li>'
CALIBRATION = '<li><a href="/calibration/">Calibration</a></li>'


def header(user):
    """The links as the next page shows them (a request loads its user afresh)."""
    return HEADER.render(Context({"user": User.objects.get(pk=user.pk)}))


def links(user):
    html = header(user)
    return {"queue": QUEUE in html, "calibration": CALIBRATION in html}


NONE = {"queue": False, "calibration": False}
BOTH = {"queue": True, "calibration": True}


def test_the_header_html_is_unchanged():
    assessor = make_assessor(credential=CredentialFactory())
    assert header(assessor) == QUEUE + "\n" + CALIBRATION
    assert header(UserFactory()) == "\n"


def test_once_known_the_links_cost_no_query(django_assert_num_queries):
    learner, assessor = UserFactory(), make_assessor(credential=CredentialFactory())
    for user in (learner, assessor):
        header(user)
        fresh = User.objects.get(pk=user.pk)
        with django_assert_num_queries(0):
            HEADER.render(Context({"user": fresh}))


def test_staff_permissions_are_remembered_too(django_assert_num_queries):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="manage_calibration"))
    assert links(staff) == {"queue": False, "calibration": True}
    fresh = User.objects.get(pk=staff.pk)
    with django_assert_num_queries(0):
        HEADER.render(Context({"user": fresh}))


def test_a_learner_given_a_scope_sees_the_links_on_the_next_page():
    learner = UserFactory()
    credential = CredentialFactory()
    assert links(learner) == NONE

    scope = AssessorScope(user=learner, credential=credential)
    assessment_services.assessor_scope_save(scope=scope)
    assert links(learner) == BOTH

    scope.is_active = False
    assessment_services.assessor_scope_save(scope=scope)
    assert links(learner) == NONE

    scope.is_active = True
    scope.save()
    assert links(learner) == BOTH
    scope.delete()
    assert links(learner) == NONE


def test_a_scope_moved_to_another_user_moves_the_links():
    first, second = UserFactory(), UserFactory()
    scope = AssessorScope.objects.create(user=first, credential=CredentialFactory())
    assert links(first) == BOTH and links(second) == NONE

    scope.user = second
    scope.save()
    assert links(first) == NONE and links(second) == BOTH


def test_a_review_given_to_someone_else_moves_the_queue_link():
    credential = CredentialFactory(with_content=True)
    holder = make_assessor(credential=credential)
    submission = submit_for_review(learner=UserFactory(), credential=credential)
    review = submission.review
    assert review.assessor_id == holder.pk
    # The holder's scope ends; the review she holds still gives her a queue.
    holder.assessor_scopes.get().delete()
    assert links(holder) == BOTH

    successor = make_assessor(credential=credential)
    assessment_services.review_reassign(review_id=review.pk, assessor=successor, actor=None)
    assert links(holder) == NONE
    assert links(successor) == BOTH


def test_staff_flags_groups_and_permissions_show_and_hide_the_links():
    staff = UserFactory(is_staff=True)
    assert links(staff) == NONE

    managers = Group.objects.create(name="Calibration managers")
    staff.groups.add(managers)
    assert links(staff) == NONE
    managers.permissions.add(Permission.objects.get(codename="manage_calibration"))
    assert links(staff) == {"queue": False, "calibration": True}

    managers.permissions.clear()
    assert links(staff) == NONE

    overseers = Group.objects.create(name="Overseers")
    overseers.permissions.add(
        Permission.objects.get(codename="view_submission", content_type__app_label="submissions")
    )
    overseers.user_set.add(staff)
    assert links(staff) == BOTH

    staff.groups.remove(overseers)
    assert links(staff) == NONE

    staff.user_permissions.add(Permission.objects.get(codename="view_quality_dashboard"))
    assert links(staff) == {"queue": False, "calibration": True}

    staff.is_staff = False
    staff.save()
    assert links(staff) == NONE

    staff.is_staff = True
    staff.save()
    assert links(staff) == {"queue": False, "calibration": True}
    Group.objects.create(name="Unrelated")
    overseers.user_set.add(staff)
    assert links(staff) == BOTH
    overseers.delete()
    assert links(staff) == {"queue": False, "calibration": True}


def test_a_superuser_sees_both_links():
    admin = UserFactory(is_staff=True)
    assert links(admin) == NONE
    admin.is_superuser = True
    admin.save()
    assert links(admin) == BOTH


def test_an_evicted_token_never_brings_back_an_old_answer():
    """Changes written without signals (a bulk update) are not seen while the
    remembered answer stands; if the cache loses the user's token, the answer is
    computed again rather than trusted."""
    assessor = make_assessor(credential=CredentialFactory())
    assert links(assessor) == BOTH
    AssessorScope.objects.filter(user=assessor).update(is_active=False)
    cache.delete(nav._stamp_key(assessor.pk))
    assert links(assessor) == NONE


def test_a_change_is_forgotten_again_when_it_commits(django_capture_on_commit_callbacks):
    """A page read between the save and the commit remembers what it saw under a
    token that the commit renews, so the next page asks again."""
    learner = UserFactory()
    before = cache.get(nav._stamp_key(learner.pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        AssessorScope.objects.create(user=learner, credential=CredentialFactory())
    during = cache.get(nav._stamp_key(learner.pk))
    assert during != before
    for callback in callbacks:
        callback()
    assert cache.get(nav._stamp_key(learner.pk)) not in (before, during)


def test_signing_in_does_not_forget_the_answers(client):
    assessor = make_assessor(credential=CredentialFactory())
    header(assessor)
    token = cache.get(nav._stamp_key(assessor.pk))
    client.force_login(assessor)  # stamps last_login
    assert cache.get(nav._stamp_key(assessor.pk)) == token
