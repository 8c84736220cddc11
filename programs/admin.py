"""Admin of programs: each part registers its models in its own module."""

from . import (
    cohort_admin,  # noqa: F401, E402
    stack_admin,  # noqa: F401
)
