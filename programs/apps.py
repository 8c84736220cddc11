from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs"

    def ready(self) -> None:
        from . import (
            cohort_receivers,  # noqa: F401 - cohort codes only for cohort members
            cohort_tasks,  # noqa: F401 - registers the periodic cohort tasks
            receivers,  # noqa: F401 - connects the stack check to issued badges
            stack_versions,
        )

        stack_versions.connect()
