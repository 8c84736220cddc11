"""Reads shaped for the application pages and the dashboard."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, TypeVar, cast
from uuid import UUID

from django.db import connection
from django.db.models import (
    DateField,
    DateTimeField,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    Prefetch,
    QuerySet,
    UUIDField,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import AnyUser, User
from credentials.models import (
    EvidenceRequirement,
    MicroCredential,
    Organization,
    Prompt,
    RubricCriterion,
)

from .models import (
    EDITABLE_STATUSES,
    Attachment,
    EvidenceLink,
    Response,
    Status,
    Submission,
)

_Row = TypeVar("_Row", bound=Model)


def submission_get_for_learner(*, uuid: UUID, learner: AnyUser) -> Submission:
    """The learner's own application, or 404 (someone else's looks like nothing)."""
    return get_object_or_404(
        Submission.objects.select_related("credential", "credential__organization", "previous"),
        uuid=uuid,
        learner=learner,
    )


def submission_page_for_learner(*, uuid: UUID, learner: AnyUser) -> Submission:
    """The learner's own application for its page, or 404, in one query: with its
    credential, organization and earlier attempt, and ``prompt_count`` (how many
    prompts the credential has now), so the page can tell without another query
    whether staff added a prompt since the draft copied them.

    Also read in the same query, for the draft page: ``extra_attempts`` (further
    attempts staff allowed on the credential's lineage) and, on PostgreSQL, the
    credential's evidence requirements and rubric (``requirement_rows``,
    ``criterion_rows``) and the links of its earlier attempts
    (``chain_links``), so a resubmission costs no more queries than a first
    attempt (``draft_page_content``, ``attempt_number``); and while the
    application can still be edited, its answers with their prompts, files
    and links (``response_rows``, ``attachment_rows``, ``link_rows``), so the
    draft page reads its content in this one query rather than three more.

    The learner is ``learner`` itself (the query asks for their application),
    not read again."""
    submission = get_object_or_404(_page_queryset(connection.vendor), uuid=uuid, learner=learner)
    if isinstance(learner, User):
        Submission.learner.field.set_cached_value(submission, learner)
    if hasattr(submission, "credential_row"):
        _join_related(submission)
    return submission


def _join_related(submission: Submission) -> None:
    """The credential, its organization and the earlier attempt from the page
    query's JSON, cached on ``submission`` as ``select_related`` leaves them."""
    row = submission.credential_row  # type: ignore[attr-defined]
    credential = _instance(MicroCredential, row["credential"])
    _related(MicroCredential, "organization").set_cached_value(
        credential, _instance(Organization, row["organization"])
    )
    _related(Submission, "credential").set_cached_value(submission, credential)
    previous = None if row["previous"] is None else _instance(Submission, row["previous"])
    earlier = _related(Submission, "previous")
    earlier.set_cached_value(submission, previous)
    if previous is not None and earlier.unique:
        # One attempt follows another: the earlier one knows its next, as a join leaves it.
        earlier.remote_field.set_cached_value(previous, submission)


def _related(model: type[Model], name: str) -> ForeignKey:
    return cast(ForeignKey, model._meta.get_field(name))


@cache
def _page_queryset(vendor: str) -> QuerySet[Submission]:
    """The page query before its filter, built once per process: its subqueries
    are constant SQL, and building the annotations again on every visit cost
    more than running them. Only ever cloned (filtered), never evaluated."""
    queryset = Submission.objects.annotate(
        **{
            name: RawSQL(sql, (), output_field=IntegerField())  # noqa: S611 (constant SQL)
            for name, sql in _PAGE_COUNTS.items()
        }
    )
    if vendor != "postgresql":
        return queryset.select_related("credential", "credential__organization", "previous")
    # The credential, organization and earlier attempt come as one JSON value
    # rather than joined columns: a hundred columns cost more to name, compile
    # and convert than the JSON costs to read.
    return queryset.annotate(
        credential_row=RawSQL(_RELATED_ROW, (), output_field=JSONField()),  # noqa: S611 (constant SQL)
        **{
            name: RawSQL(sql, (), output_field=JSONField())  # noqa: S611 (constant SQL)
            for name, sql in _PAGE_ROWS.items()
        },
        **{
            name: RawSQL(  # noqa: S611 (constant SQL, the statuses as parameters)
                _WHILE_EDITABLE % sql, EDITABLE_STATUSES, output_field=JSONField()
            )
            for name, sql in _DRAFT_ROWS.items()
        },
    )


# The page query's counts: the credential's prompts now, and the further
# attempts staff allowed the learner on any version of the credential (its
# versions share a lineage).
_PAGE_COUNTS = {
    "prompt_count": """SELECT count(*) FROM credentials_prompt AS p
        WHERE p.credential_id = submissions_submission.credential_id""",
    "extra_attempts": """SELECT count(*) FROM submissions_extraattempt AS e
        JOIN credentials_microcredential AS granted ON granted.id = e.credential_id
        JOIN credentials_microcredential AS applied
          ON applied.lineage = granted.lineage
         AND applied.id = submissions_submission.credential_id
        WHERE e.learner_id = submissions_submission.learner_id""",
}

_RELATED_ROW = """SELECT jsonb_build_object(
        'credential', to_jsonb(c),
        'organization',
        (SELECT to_jsonb(o) FROM credentials_organization AS o WHERE o.id = c.organization_id),
        'previous',
        (SELECT to_jsonb(p) FROM submissions_submission AS p
         WHERE p.id = submissions_submission.previous_id))
    FROM credentials_microcredential AS c
    WHERE c.id = submissions_submission.credential_id"""

_OF_CREDENTIAL = "r.credential_id = submissions_submission.credential_id"
_OF_SUBMISSION = "r.submission_id = submissions_submission.id"


def _json_rows(table: str, order: str, belongs: str) -> str:
    """A subquery giving ``table``'s rows that ``belongs`` to the page's row as
    one JSON array in ``order`` (``r`` names the table; only table names and
    constant SQL are formatted in)."""
    return f"""SELECT coalesce(jsonb_agg(r ORDER BY {order}), '[]')
        FROM {table} AS r WHERE {belongs}"""  # noqa: S608


# PostgreSQL subqueries of the draft page's query, each giving a JSON array:
# written out rather than built with the ORM, whose subquery expressions cost
# the page more to build and compile than the two or three queries they save.
# ``submissions_submission`` is the page query's own row.
_PAGE_ROWS = {
    "requirement_rows": _json_rows(
        "credentials_evidencerequirement", "r.position, r.id", _OF_CREDENTIAL
    ),
    "criterion_rows": _json_rows("credentials_rubriccriterion", "r.position, r.id", _OF_CREDENTIAL),
    # The earlier attempts only, followed back along ``previous`` by key (what
    # ``attempt_number`` walks), rather than every application of the learner;
    # one of another learner or credential ends the walk, as it is left out.
    "chain_links": """WITH RECURSIVE earlier(id, previous_id, learner_id, credential_id) AS (
            SELECT a.id, a.previous_id, a.learner_id, a.credential_id
            FROM submissions_submission AS a WHERE a.id = submissions_submission.previous_id
            UNION
            SELECT a.id, a.previous_id, a.learner_id, a.credential_id
            FROM earlier JOIN submissions_submission AS a ON a.id = earlier.previous_id
        )
        SELECT coalesce(jsonb_agg(jsonb_build_array(e.id, e.previous_id)), '[]') FROM earlier AS e
        WHERE e.learner_id = submissions_submission.learner_id
          AND e.credential_id = submissions_submission.credential_id""",
}


# How many of the latest pre-check runs the draft page reads (``precheck_rows``
# says LIMIT 5): enough to find the latest finished one behind any still running.
PRECHECK_RUNS = 5

# The draft's own rows, read only while it can be edited (the submitted page
# reads its content its own way): answers as [response, prompt or null] pairs
# in the page's order, files and links in the order they were added.
_WHILE_EDITABLE = (
    "CASE WHEN submissions_submission.status IN ("
    + ", ".join(["%%s"] * len(EDITABLE_STATUSES))
    + ") THEN (%s) END"
)
_DRAFT_ROWS = {
    # Each answer's prompt looked up by its key: joined, the planner scans
    # every credential's prompts to hash them for a handful of answers.
    "response_rows": """SELECT coalesce(jsonb_agg(jsonb_build_array(to_jsonb(r),
                (SELECT to_jsonb(p) FROM credentials_prompt AS p WHERE p.id = r.prompt_id))
            ORDER BY r.part, r.position, r.id), '[]')
        FROM submissions_response AS r
        WHERE r.submission_id = submissions_submission.id""",
    "attachment_rows": _json_rows("submissions_attachment", "r.uploaded_at, r.id", _OF_SUBMISSION),
    "link_rows": _json_rows("submissions_evidencelink", "r.added_at, r.id", _OF_SUBMISSION),
    # The latest runs of the completeness pre-check, newest first, for the form's
    # "Check my application" panel (``checks.selectors.precheck.precheck_latest``
    # reads them rather than asking again).
    "precheck_rows": """SELECT coalesce(jsonb_agg(r ORDER BY r.requested_at DESC, r.id DESC), '[]')
        FROM (SELECT * FROM checks_precheck AS c WHERE c.submission_id = submissions_submission.id
              ORDER BY c.requested_at DESC, c.id DESC LIMIT 5) AS r""",
}

# JSON carries text, numbers, booleans and nested JSON as the columns' Python
# values; dates, date-times and UUIDs arrive as text and go through their field.
_PARSED = (DateTimeField, DateField, UUIDField)


@lru_cache
def _columns(model: type[Model]) -> tuple[list[str], list[tuple[str, Callable | None]]]:
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], [
        (f.column, f.to_python if isinstance(f, _PARSED) else None) for f in fields
    ]


def _instance(model: type[_Row], row: dict) -> _Row:
    names, columns = _columns(model)
    values = [
        row[column] if parse is None or row[column] is None else parse(row[column])
        for column, parse in columns
    ]
    return model.from_db("default", names, values)


def _instances(model: type[_Row], rows: list[dict]) -> list[_Row]:
    """Model instances as a query would give them, from the page query's JSON."""
    return [_instance(model, row) for row in rows]


def page_rows(model: type[_Row], rows: list[dict]) -> list[_Row]:
    """``_instances`` for the other apps' rows the page query reads (the
    pre-check runs): instances of ``model`` as a query would give them."""
    return _instances(model, rows)


def _children(submission: Submission, model: type[_Row], rows: list[dict]) -> list[_Row]:
    """Rows of ``model`` that belong to ``submission``, pointing back at it as a
    prefetch leaves them (no query to follow ``.submission``)."""
    children = _instances(model, rows)
    back = cast(ForeignKey, model._meta.get_field("submission"))
    for child in children:
        back.set_cached_value(child, submission)
    return children


def _responses(submission: Submission, rows: list[list[Any]]) -> list[Response]:
    """The draft's answers with their prompts joined in, as ``select_related`` gives them."""
    responses = _children(submission, Response, [pair[0] for pair in rows])
    joined = cast(ForeignKey, Response._meta.get_field("prompt"))
    for response, (_row, prompt) in zip(responses, rows, strict=True):
        joined.set_cached_value(response, None if prompt is None else _instance(Prompt, prompt))
    return responses


def draft_page_content(submission: Submission) -> Submission:
    """Attach what the draft's page shows to ``submission`` (read with
    ``submission_page_for_learner``): its answers with their prompts joined in,
    files, links, and the credential's evidence requirements and rubric; three
    queries whatever their number (five where the page query could not read
    the requirements and rubric), none where it read them all (PostgreSQL).
    Returns the same instance."""
    lookups: list[str | Prefetch] = []
    response_rows = getattr(submission, "response_rows", None)
    if response_rows is None:
        lookups += [
            Prefetch("responses", queryset=Response.objects.select_related("prompt")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
            Prefetch("links", queryset=EvidenceLink.objects.order_by("added_at", "id")),
        ]
    else:
        _attach_prefetched(submission, "responses", _responses(submission, response_rows))
        files = _children(submission, Attachment, submission.attachment_rows)  # type: ignore[attr-defined]
        links = _children(submission, EvidenceLink, submission.link_rows)  # type: ignore[attr-defined]
        _attach_prefetched(submission, "attachments", files)
        _attach_prefetched(submission, "links", links)
    credential = submission.credential
    for related, model, rows in (
        ("evidence_requirements", EvidenceRequirement, "requirement_rows"),
        ("rubric_criteria", RubricCriterion, "criterion_rows"),
    ):
        read = getattr(submission, rows, None)
        if read is None:
            lookups.append(f"credential__{related}")
        else:
            _attach_prefetched(credential, related, _instances(model, read))
    prefetch_related_objects([submission], *lookups)
    return submission


def attempt_number(submission: Submission) -> int:
    """Which attempt of its chain ``submission`` is (1 for a first attempt): its
    place in ``submission_chain``, from the ``chain_links`` read with the page
    when there (no query), else from the chain."""
    links = getattr(submission, "chain_links", None)
    if links is None:
        chain = submission_chain(submission)
        return chain.index(next(s for s in chain if s.pk == submission.pk)) + 1
    previous = dict(links)  # [id, previous_id] pairs
    number, earlier = 1, submission.previous_id
    while earlier in previous and earlier != submission.pk and number <= len(previous):
        number += 1
        earlier = previous[earlier]
    return number


def draft_answers_for_learner(*, uuid: UUID, learner: AnyUser) -> Submission:
    """The learner's own application with its written answers, for a background save.

    One query while it has answers (each answer row brings its application
    along), two for an application without any; someone else's looks like
    nothing (404). The answers are attached as if prefetched, so
    ``submission.responses.all()`` reads no more.
    """
    responses = list(
        Response.objects.filter(submission__uuid=uuid, submission__learner_id=learner.pk)
        .select_related("submission")
        .order_by("part", "position", "id")
    )
    if responses:
        submission = responses[0].submission
        for response in responses:
            response.submission = submission
    else:
        submission = get_object_or_404(Submission, uuid=uuid, learner_id=learner.pk)
    _attach_prefetched(submission, "responses", responses)
    return submission


def _attach_prefetched(instance: Model, related_name: str, rows: list) -> None:
    """Give ``instance.<related_name>.all()`` rows already read, the way
    ``prefetch_related`` stores them, so later reads run no query."""
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[related_name] = queryset


def submission_with_content(submission: Submission) -> Submission:
    """Attach responses, attachments, links and attestations in four queries."""
    return (
        Submission.objects.select_related(
            "credential", "credential__organization", "learner", "previous"
        )
        .prefetch_related(
            "responses",
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "id")),
            Prefetch("links", queryset=EvidenceLink.objects.order_by("added_at", "id")),
            "attestations",
            "credential__evidence_requirements",
        )
        .get(pk=submission.pk)
    )


def submission_list_for_learner(*, learner: User, statuses: Iterable[str]) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(learner=learner, status__in=statuses)
        .select_related("credential", "credential__organization")
        .order_by("-updated_at")
    )


# Which attempt stands for a learner's application when there are several:
# the one that still asks something of them comes first.
CURRENT_ORDER = (
    Status.DRAFT,
    Status.INCOMPLETE,
    Status.AWAITING_PAYMENT,
    Status.IN_REVIEW,
    Status.AWARDED,
    Status.DENIED,
)


def submission_current(
    *, learner: AnyUser | None, credential: MicroCredential
) -> Submission | None:
    """The learner's application for a credential, or None if they never applied.

    A learner has one application per credential, whichever of its versions
    it was written against: their draft, else the attempt awaiting payment or
    in review, else the awarded one, else the latest denied attempt (where
    Resubmit starts the next). One query.
    """
    if learner is None or not learner.is_authenticated:
        return None
    attempts = list(
        Submission.objects.filter(learner_id=learner.pk, credential__lineage=credential.lineage)
        .select_related("credential")
        .order_by("-created_at", "-id")
    )
    for status in CURRENT_ORDER:
        for attempt in attempts:
            if attempt.status == status:
                return attempt
    return None


@dataclass(frozen=True)
class NextStep:
    """Where a learner's application takes them, and what the button says."""

    label: str
    url: str
    note: str


def _award_url(submission: Submission) -> str:
    """The public award page once its badge is issued, else the application page
    (which shows the award as soon as it is ready). Names the award and badge
    rows by their relations, so this app imports nothing from the apps above it."""
    award = getattr(submission, "award", None)
    if award is None or getattr(award, "badge", None) is None:
        return submission.get_absolute_url()
    return reverse("badges:detail", kwargs={"award_uuid": award.uuid})


# What the details page's button says for each state of an application, and
# the note under it (%(ref)s is the submission ID).
NEXT_STEPS = {
    Status.DRAFT: (
        _("Continue your application"),
        _("Your draft %(ref)s is saved; pick up where you left off."),
    ),
    Status.AWAITING_PAYMENT: (
        _("Pay for your application"),
        _("You submitted %(ref)s; it goes to review once the fee is paid."),
    ),
    Status.IN_REVIEW: (_("View your application"), _("Your application %(ref)s is in review.")),
    Status.INCOMPLETE: (
        _("Complete your application"),
        _("The assessor returned %(ref)s as incomplete: fix what they asked and resubmit."),
    ),
    Status.AWARDED: (_("View your award"), _("You earned this micro-credential with %(ref)s.")),
    Status.DENIED: (
        _("Read the feedback and resubmit"),
        _("%(ref)s was not awarded yet; resubmit it to start your next attempt."),
    ),
}


def application_next_step(submission: Submission) -> NextStep:
    """What the details page's Apply button does for a learner who already applied."""
    label, note = NEXT_STEPS[Status(submission.status)]
    if submission.status == Status.AWARDED:
        url = _award_url(submission)
    else:
        url = submission.get_absolute_url()
    return NextStep(str(label), url, note % {"ref": submission.reference})


def submission_chain(submission: Submission) -> list[Submission]:
    """Every attempt linked to this one, oldest first (the Related submissions).

    Attempts always share learner and credential, so one query loads the
    candidates and the chain is followed in memory along ``previous``.
    """
    candidates = _chain_candidates(submission)
    candidates[submission.pk] = submission
    following = {s.previous_id: s for s in candidates.values() if s.previous_id}
    chain = [submission]
    current = submission
    while current.previous_id in candidates:
        current = candidates[current.previous_id]
        chain.insert(0, current)
    current = submission
    while current.pk in following:
        current = following[current.pk]
        chain.append(current)
    return chain


def _chain_candidates(submission: Submission) -> dict[int, Submission]:
    return {
        s.pk: s
        for s in Submission.objects.filter(
            learner_id=submission.learner_id, credential_id=submission.credential_id
        ).select_related("credential")
    }


def chain_is_awarded(chain: list[Submission]) -> bool:
    """Once any attempt is awarded, earlier denials stop being counted anywhere."""
    return any(s.status == Status.AWARDED for s in chain)


VIEW_SUBMISSION = "submissions.view_submission"


def can_view_every_submission(user: AnyUser | None) -> bool:
    """Staff whose groups grant ``submissions.view_submission``: they read every
    application, its files and its review. ``is_staff`` alone opens only the
    admin's door, never anyone's evidence."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(VIEW_SUBMISSION)
    )


def can_view_submission(user: AnyUser, submission: Submission) -> bool:
    """Owner, staff allowed to view applications, or an object-permission backend.

    The assigned assessor is granted through an authentication backend's
    object permission ``submissions.view_submission``, so this app need not
    know how assignment works.
    """
    if not user.is_authenticated:
        return False
    if submission.learner_id == user.pk:
        return True
    if can_view_every_submission(user):
        return True
    return user.has_perm(VIEW_SUBMISSION, submission)
