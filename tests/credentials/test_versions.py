"""Versions of a credential: a published version is never edited in place, a new
version is a copy, publishing it retires the old one, and learners keep what
they wrote against the version they started on."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from credentials import selectors, services
from credentials.models import MicroCredential
from submissions import services as submission_services
from submissions.exceptions import AlreadyApplied
from submissions.models import Status
from tests.credentials.factories import CredentialFactory, TopicFactory
from tests.submissions.factories import ALL_ATTESTATIONS, complete_draft, submitted_application

pytestmark = pytest.mark.django_db


def test_new_version_copies_everything_into_an_unpublished_draft(staff_user):
    v1 = CredentialFactory(with_content=True)
    v1.topics.add(TopicFactory(name="Assessment"))

    v2 = services.credential_version_open(credential=v1, actor=staff_user)

    assert (v2.lineage, v2.version, v2.previous_version) == (v1.lineage, 2, v1)
    assert v2.slug == v1.slug and v2.title == v1.title and v2.competency == v1.competency
    assert not v2.is_published and v2.is_editable
    assert [p.text for p in v2.prompts.all()] == [p.text for p in v1.prompts.all()]
    assert {p.pk for p in v2.prompts.all()}.isdisjoint(p.pk for p in v1.prompts.all())
    assert [e.title for e in v2.evidence_requirements.all()] == [
        e.title for e in v1.evidence_requirements.all()
    ]
    assert [c.title for c in v2.rubric_criteria.all()] == [
        c.title for c in v1.rubric_criteria.all()
    ]
    assert [t.name for t in v2.topics.all()] == ["Assessment"]
    event = AuditEvent.objects.get(verb="credential.version_opened")
    assert event.actor == staff_user


def test_opening_a_version_twice_returns_the_same_draft(staff_user):
    v1 = CredentialFactory(with_content=True)
    first = services.credential_version_open(credential=v1, actor=staff_user)
    again = services.credential_version_open(credential=v1, actor=staff_user)
    assert again.pk == first.pk
    assert MicroCredential.objects.filter(lineage=v1.lineage).count() == 2


def test_publishing_v2_retires_v1_and_the_details_page_shows_v2(client, staff_user):
    v1 = CredentialFactory(with_content=True)
    prompts = v1.prompts.count()
    v2 = services.credential_version_open(credential=v1, actor=staff_user)
    v2.title = "Formative Assessment, revised"
    v2.save()

    services.credential_publish(credential=v2, actor=staff_user)

    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.is_published and not v1.is_published and v1.is_retired
    assert v1.prompts.count() == prompts  # its rows are kept
    assert AuditEvent.objects.filter(verb="credential.retired", actor=staff_user).count() == 1
    assert selectors.credential_get_published(slug=v1.slug).pk == v2.pk
    page = client.get(reverse("credentials:detail", kwargs={"slug": v1.slug}))
    assert "Formative Assessment, revised" in page.text
    assert "Version 2, current since" in page.text
    assert list(selectors.credential_list()) == [v2]


def test_a_lineage_never_has_two_published_versions(staff_user):
    v1 = CredentialFactory()
    v2 = services.credential_version_open(credential=v1, actor=staff_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        MicroCredential.objects.filter(pk=v2.pk).update(is_published=True)


def test_new_version_does_not_change_what_earlier_submissions_were_written_against(
    learner, staff_user
):
    v1 = CredentialFactory(with_content=True)
    submitted = submitted_application(learner, v1)
    before = [(r.prompt_id, r.prompt_text) for r in submitted.responses.all()]

    v2 = services.credential_version_open(credential=v1, actor=staff_user)
    prompt = v2.prompts.first()
    prompt.text = "A completely new first question."
    prompt.save()
    services.credential_publish(credential=v2, actor=staff_user)

    submitted.refresh_from_db()
    assert submitted.credential_id == v1.pk
    assert [(r.prompt_id, r.prompt_text) for r in submitted.responses.all()] == before
    assert submitted.rubric_snapshot


def test_a_v1_draft_survives_v2_and_can_still_be_submitted(learner, learner_client, staff_user):
    v1 = CredentialFactory(with_content=True)
    draft, _ = submission_services.submission_apply(learner=learner, credential=v1)
    draft = complete_draft(draft, learner)
    written = {r.pk: r.text for r in draft.responses.all()}

    v2 = services.credential_version_open(credential=v1, actor=staff_user)
    services.credential_publish(credential=v2, actor=staff_user)

    # Applying again from the details page (now v2) leads back to the v1 draft.
    again, created = submission_services.submission_apply(learner=learner, credential=v2)
    assert (again.pk, created) == (draft.pk, False)
    page = learner_client.get(draft.get_absolute_url())
    assert "You started this application on version 1" in page.text
    assert {r.pk: r.text for r in draft.responses.all()} == written

    submitted = submission_services.submission_submit(
        submission=draft, actor=learner, attestations=ALL_ATTESTATIONS
    )
    assert submitted.status == Status.IN_REVIEW
    assert submitted.credential_id == v1.pk


def test_one_application_per_credential_means_per_lineage(learner, staff_user):
    v1 = CredentialFactory(with_content=True)
    submitted_application(learner, v1)
    v2 = services.credential_version_open(credential=v1, actor=staff_user)
    services.credential_publish(credential=v2, actor=staff_user)
    with pytest.raises(AlreadyApplied):
        submission_services.submission_apply(learner=learner, credential=v2)


def test_favorites_follow_the_credential_to_its_new_version(learner, staff_user):
    v1 = CredentialFactory(with_content=True)
    services.favorite_set(user=learner, credential=v1, favorite=True)
    v2 = services.credential_version_open(credential=v1, actor=staff_user)
    services.credential_publish(credential=v2, actor=staff_user)

    assert list(selectors.favorite_list(user=learner)) == [v2]
    assert selectors.favorite_exists(user=learner, credential=v2)


def test_other_apps_hear_when_a_version_opens(staff_user):
    from credentials.signals import version_opened

    heard = []

    def receiver(sender, credential, previous, **kwargs):
        heard.append((credential.version, previous.version))

    version_opened.connect(receiver)
    try:
        v1 = CredentialFactory()
        services.credential_version_open(credential=v1, actor=staff_user)
    finally:
        version_opened.disconnect(receiver)
    assert heard == [(2, 1)]
