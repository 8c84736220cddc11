"""The partner API (django-ninja): typed schemas, an OpenAPI description
generated from them at /partner-api/v1/openapi.json, interactive docs at
/partner-api/v1/docs.

Authentication: ``Authorization: Bearer <token>``; a token belongs to one
partner and carries scopes; a missing or unknown token is 401, a missing
scope 403, too many requests 429. Everything about teachers comes from
programs' consent-filtered selectors: a teacher who has not accepted, or who
withdrew, is absent from every list and a 404 when named.
"""

# No ``from __future__ import annotations``: django-ninja reads the annotations at runtime.
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle
from pydantic import Field

from assessments.models import Award
from config.throttle import FailureThrottle
from credentials.models import MicroCredential
from programs.cohort_forms import parse_addresses
from programs.cohort_models import Cohort
from programs.cohort_selectors import cohort_progress, consenting
from programs.models import Stack
from programs.services.cohorts import enrollment_invite

from . import services
from .models import ApiToken, Scope

# Wrong tokens from one address: after too many, the API waits (no guessing).
TOKEN_GUESSES = FailureThrottle(action="partner-api-token", setting="PARTNER_API_TOKEN_THROTTLE")


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> ApiToken | None:
        if TOKEN_GUESSES.wait_seconds(request):
            raise HttpError(429, "Too many wrong tokens; try again later.")
        found = super().__call__(request)
        if found is None:
            TOKEN_GUESSES.record_failure(request)
        return found

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = (
            ApiToken.objects.select_related("partner", "created_by")
            .filter(digest=services.token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is not None:
            services.token_touch(token=found)
        return found


class SettingsRateThrottle(AuthRateThrottle):
    """Per token, at the rate in ``PARTNER_API_RATE`` (read per request, so tests can change it)."""

    def __init__(self) -> None:
        super().__init__("120/m")

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, "PARTNER_API_RATE", "120/m")
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


api = NinjaAPI(
    title="Partner API",
    version="1",
    description=__doc__ or "",
    urls_namespace="partner_api_v1",
    auth=TokenAuth(),
    throttle=[SettingsRateThrottle()],
)


def _token(request: HttpRequest, scope: Scope) -> ApiToken:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if scope.value not in token.scopes:
        raise HttpError(403, f"This token lacks the {scope.value} scope.")
    return token


def _cohort(token: ApiToken, cohort_id: UUID) -> Cohort:
    cohort = Cohort.objects.filter(uuid=cohort_id, partner=token.partner).first()
    if cohort is None:
        raise HttpError(404, "No such cohort.")
    return cohort


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000)


class CredentialOut(Schema):
    slug: str
    title: str
    organization: str
    fee_cents: int
    currency: str


class StackOut(Schema):
    slug: str
    title: str
    organization: str
    credit_hours: float


class CohortOut(Schema):
    id: UUID
    name: str
    credentials: list[str]
    due_on: str | None


class CellOut(Schema):
    credential: str
    status: str
    started_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None


class TeacherProgressOut(Schema):
    email: str
    name: str
    joined_at: datetime | None
    credentials: list[CellOut]


class InviteIn(Schema):
    emails: list[str] = Field(..., min_length=1, max_length=1000)


class InviteOut(Schema):
    invited: int
    already_invited: int


class AwardOut(Schema):
    id: UUID
    credential: str
    teacher: str
    awarded_at: datetime


@api.get("/credentials", response=list[CredentialOut], tags=["catalog"])
@paginate(Pagination)
def list_credentials(request: HttpRequest) -> list[dict]:
    """Published micro-credentials."""
    _token(request, Scope.CATALOG_READ)
    rows = MicroCredential.objects.filter(is_published=True).select_related("organization")
    return [
        {
            "slug": c.slug,
            "title": c.title,
            "organization": c.organization.name,
            "fee_cents": c.fee_cents,
            "currency": c.currency,
        }
        for c in rows.order_by("title", "pk")
    ]


@api.get("/stacks", response=list[StackOut], tags=["catalog"])
@paginate(Pagination)
def list_stacks(request: HttpRequest) -> list[dict]:
    """Published stacks."""
    _token(request, Scope.CATALOG_READ)
    return [
        {
            "slug": s.slug,
            "title": s.title,
            "organization": s.organization.name,
            "credit_hours": float(s.credit_hours),
        }
        for s in Stack.objects.filter(is_published=True).select_related("organization")
    ]


@api.get("/cohorts", response=list[CohortOut], tags=["cohorts"])
@paginate(Pagination)
def list_cohorts(request: HttpRequest) -> list[dict]:
    """This partner's cohorts."""
    token = _token(request, Scope.COHORTS_READ)
    cohorts = Cohort.objects.filter(partner=token.partner).prefetch_related("credentials")
    return [
        {
            "id": c.uuid,
            "name": c.name,
            "credentials": sorted(m.slug for m in c.credentials.all()),
            "due_on": c.due_on.isoformat() if c.due_on else None,
        }
        for c in cohorts.order_by("name", "pk")
    ]


@api.get("/cohorts/{cohort_id}/progress", response=list[TeacherProgressOut], tags=["cohorts"])
@paginate(Pagination)
def cohort_progress_list(request: HttpRequest, cohort_id: UUID) -> list[dict]:
    """Per consenting teacher and credential: the status and its dates."""
    token = _token(request, Scope.COHORTS_READ)
    progress = cohort_progress(cohort=_cohort(token, cohort_id))
    return [
        {
            "email": row.teacher.email,
            "name": row.teacher.display_name,
            "joined_at": row.enrollment.accepted_at,
            "credentials": [
                {
                    "credential": credential.slug,
                    "status": cell.stage,
                    "started_at": cell.started_at,
                    "submitted_at": cell.submitted_at,
                    "decided_at": cell.decided_at,
                }
                for credential, cell in zip(progress.credentials, row.cells, strict=True)
            ],
        }
        for row in progress.rows
    ]


@api.post("/cohorts/{cohort_id}/invitations", response=InviteOut, tags=["cohorts"])
def invite(request: HttpRequest, cohort_id: UUID, body: InviteIn) -> dict:
    """Invite teachers by email; an address already invited is skipped."""
    token = _token(request, Scope.COHORTS_WRITE)
    cohort = _cohort(token, cohort_id)
    emails, errors = parse_addresses("\n".join(e.replace(",", " ") or " " for e in body.emails))
    if errors or len(emails) != len([e for e in body.emails if e.strip()]) or not emails:
        raise HttpError(422, "Every entry must be one email address.")
    emails = list(dict.fromkeys(emails))
    fresh = enrollment_invite(cohort=cohort, emails=emails, actor=token.created_by)
    return {"invited": len(fresh), "already_invited": len(emails) - len(fresh)}


@api.get("/awards", response=list[AwardOut], tags=["awards"])
@paginate(Pagination)
def list_awards(request: HttpRequest) -> QuerySet[Award] | list[dict]:
    """Awards of teachers consenting in this partner's cohorts, for the cohorts' credentials."""
    token = _token(request, Scope.AWARDS_READ)
    rows = []
    seen: set[int] = set()
    for cohort in Cohort.objects.filter(partner=token.partner).prefetch_related("credentials"):
        teacher_ids = list(consenting(cohort).values_list("teacher_id", flat=True))
        credential_ids = [c.pk for c in cohort.credentials.all()]
        if not teacher_ids or not credential_ids:
            continue
        for award in Award.objects.filter(
            learner_id__in=teacher_ids, credential_id__in=credential_ids
        ).select_related("credential", "learner"):
            if award.pk in seen:
                continue
            seen.add(award.pk)
            rows.append(
                {
                    "id": award.uuid,
                    "credential": award.credential.slug,
                    "teacher": award.learner.email,
                    "awarded_at": award.awarded_at,
                }
            )
    rows.sort(key=lambda r: (r["awarded_at"], str(r["id"])), reverse=True)
    return rows
