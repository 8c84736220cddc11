"""The probe page moved (tests.core.test_layout_tags)."""

from tests.core.urls_for_layout import moved as urlpatterns

__all__ = ["urlpatterns"]
