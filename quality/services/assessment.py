"""The designer's self-assessment of a credential version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext

from accounts.models import User
from audit.services import record
from credentials.models import MicroCredential

from .. import selectors
from ..exceptions import NotAllowed, NotEditable, QualityError, SelfAssessmentConflict
from ..models import ReviewRound, RoundStatus, SelfAssessment, SelfAssessmentEntry


@dataclass(frozen=True)
class EntryInput:
    """What the designer said about one component; None keeps what is stored (a field
    the page did not send, or one that failed validation, is never blanked)."""

    mark: str | None
    note: str | None = None
    pointer: str | None = None


def self_assessment_save(
    *,
    credential: MicroCredential,
    actor: User,
    revision: int,
    entries: Mapping[int, EntryInput],
) -> SelfAssessment:
    """Store the designer's judgements (component id -> entry); return the self-assessment.

    ``revision`` is the number the page was loaded with (0 before the first
    save); a save from a page that is behind raises SelfAssessmentConflict
    and changes nothing, so two tabs never overwrite each other. Only the
    components given are written (a field that was not posted is never
    blanked). Refused while a review round runs: reviewers judge what the
    designer claimed when the round opened.
    """
    if not selectors.can_design(user=actor, credential=credential):
        raise NotAllowed()
    framework = selectors.self_assessment_framework(credential=credential)
    if framework is None:
        raise QualityError(
            gettext("No quality framework has been loaded yet. Ask staff to import one.")
        )
    valid = {c.pk for c in selectors.framework_components(framework=framework)}
    try:
        with transaction.atomic():
            if ReviewRound.objects.filter(
                credential=credential, status__in=[RoundStatus.OPEN, RoundStatus.SETTLING]
            ).exists():
                raise NotEditable(
                    gettext(
                        "This version is in review; the self-assessment can change after the round."
                    )
                )
            if revision == 0:
                assessment = SelfAssessment.objects.create(
                    credential=credential, framework=framework, revision=1, updated_by=actor
                )
            else:
                claimed = SelfAssessment.objects.filter(
                    credential=credential, revision=revision
                ).update(revision=F("revision") + 1, updated_by=actor)
                if not claimed:
                    raise SelfAssessmentConflict()
                assessment = SelfAssessment.objects.get(credential=credential)
            existing = {e.component_id: e for e in assessment.entries.all()}
            new, changed = [], []
            for component_id, given in entries.items():
                if component_id not in valid:
                    continue
                entry = existing.get(component_id)
                if entry is None:
                    new.append(
                        SelfAssessmentEntry(
                            self_assessment=assessment,
                            component_id=component_id,
                            mark=given.mark or "",
                            note=given.note or "",
                            pointer=given.pointer or "",
                        )
                    )
                    continue
                wanted = (
                    entry.mark if given.mark is None else given.mark,
                    entry.note if given.note is None else given.note,
                    entry.pointer if given.pointer is None else given.pointer,
                )
                if (entry.mark, entry.note, entry.pointer) != wanted:
                    entry.mark, entry.note, entry.pointer = wanted
                    changed.append(entry)
            SelfAssessmentEntry.objects.bulk_create(new)
            SelfAssessmentEntry.objects.bulk_update(changed, ["mark", "note", "pointer"])
            record(
                actor=actor,
                verb="quality.self_assessment_saved",
                target=credential,
                data={"revision": assessment.revision, "changed": len(new) + len(changed)},
            )
    except IntegrityError:
        # Another tab created the first revision at the same moment.
        raise SelfAssessmentConflict() from None
    return assessment
