"""Open reviews leave the decided-review indexes, and the assessor's own index goes.

The SLA sweep claims open reviews by rewriting their rows (the claim cannot be a
HOT update, so each new row version is entered in every index whose condition it
meets). ``review_decided`` and the new ``review_decided_by`` hold decided reviews
only (every query by decision date or decider names one), and the assessor's
foreign-key index duplicated the start of ``review_queue``.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_review_stamp_indexes_only_stamped"),
        ("submissions", "0004_incomplete_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="review",
            name="review_decided",
        ),
        migrations.AlterField(
            model_name="review",
            name="assessor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                help_text="Empty while no eligible assessor exists.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("decided_at__isnull", False)),
                fields=["state", "decided_at"],
                name="review_decided",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("decided_by__isnull", False)),
                fields=["decided_by"],
                name="review_decided_by",
            ),
        ),
    ]
