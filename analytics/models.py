"""Analytics stores nothing; this model only carries its permission."""

from __future__ import annotations

from django.db import models


class IssuerReport(models.Model):
    """No table: grants staff ``analytics.view_issuer_analytics`` through
    Django permissions (organization admins see their own organization
    without it)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_issuer_analytics", "Can view issuer analytics of every organization")]

    def __str__(self) -> str:
        return "issuer analytics"
