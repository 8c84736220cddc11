"""The sweep's stamp indexes on reviews hold only stamped rows: an UPDATE that
leaves a row unstamped adds no entry to them, and a lookup by stamp still uses them."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_escalated_reviews_next_step"),
        ("submissions", "0004_incomplete_status"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="review",
            name="review_reminder_stamp",
        ),
        migrations.RemoveIndex(
            model_name="review",
            name="review_escalation_stamp",
        ),
        migrations.RemoveIndex(
            model_name="review",
            name="review_reassignment_stamp",
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("reminder_sent_at__isnull", False)),
                fields=["reminder_sent_at"],
                name="review_reminder_stamp",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("escalated_at__isnull", False)),
                fields=["escalated_at"],
                name="review_escalation_stamp",
            ),
        ),
        migrations.AddIndex(
            model_name="review",
            index=models.Index(
                condition=models.Q(("overdue_reassigned_at__isnull", False)),
                fields=["overdue_reassigned_at"],
                name="review_reassignment_stamp",
            ),
        ),
    ]
