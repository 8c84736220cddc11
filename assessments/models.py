"""Who may assess what.

An assessor scope makes a user an assessor for one credential or for every
credential of an organization. Assignment, scoring and the SLA build on it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from credentials.models import MicroCredential, Organization


class AssessorScope(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessor_scopes"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    credential = models.ForeignKey(
        MicroCredential, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(credential__isnull=False),
                name="assessor_scope_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} assesses {self.credential or self.organization}"
