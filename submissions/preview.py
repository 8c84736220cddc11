"""The application page as a learner will see it, for a credential's designers.

Nothing is stored: the application and its answers exist only in memory for
the page (an unsaved Submission whose related lists are filled in place), so
a preview never creates a draft, an audit event or a file.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from accounts.models import User
from credentials.models import MicroCredential

from .forms import ApplicationForm
from .models import Response, Submission
from .views import _parts


def application_preview_context(*, credential: MicroCredential, learner: User) -> dict[str, Any]:
    """The context of ``submissions/submission_edit.html`` for an empty application
    to ``credential``, with ``preview`` set so the page offers no save or submit."""
    # A primary key no row has: related lists need one, and read the cache below.
    submission = Submission(pk=0, credential=credential, learner=learner, reference="—")
    responses = [
        Response(
            pk=prompt.pk,
            submission=submission,
            prompt=prompt,
            part=prompt.part,
            position=prompt.position,
            prompt_text=prompt.text,
            help_text=prompt.help_text,
            word_limit=prompt.word_limit,
            required=prompt.required,
            text="",
        )
        for prompt in credential.prompts.all()
    ]
    # The page reads these lists through the relations; nothing is queried or saved.
    submission._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "responses": responses,
        "attachments": [],
        "links": [],
        "attestations": [],
    }
    form = ApplicationForm(initial={"version": 1}, submission=submission)
    return {
        "submission": submission,
        "credential": credential,
        "form": form,
        "parts": _parts(form.prompt_rows()),
        "problems": [],
        "conflict": None,
        "max_file_mb": settings.EVIDENCE_MAX_FILE_BYTES // (1024 * 1024),
        "max_total_mb": settings.EVIDENCE_MAX_TOTAL_BYTES // (1024 * 1024),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "current_version": None,
        "preview": True,
    }
