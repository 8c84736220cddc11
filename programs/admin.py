"""Admin of programs: each part registers its models in its own module."""

from . import stack_admin  # noqa: F401
