"""Every write of quality review, one function per use case (see the modules)."""

from .assessment import EntryInput, self_assessment_save
from .frameworks import (
    framework_data_from_csv,
    framework_import,
    framework_import_default,
)
from .gate import version_publish
from .rounds import (
    Ratings,
    ScoreInput,
    review_save,
    review_submit,
    round_assign,
    round_open,
    round_settle,
)

__all__ = [
    "EntryInput",
    "Ratings",
    "ScoreInput",
    "framework_data_from_csv",
    "framework_import",
    "framework_import_default",
    "review_save",
    "review_submit",
    "round_assign",
    "round_open",
    "round_settle",
    "self_assessment_save",
    "version_publish",
]
