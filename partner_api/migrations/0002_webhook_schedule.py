"""Send webhook deliveries that are due a retry (or whose task was lost), every minute."""

from django.db import migrations

from config.beat import schedule_operation

SCHEDULE = schedule_operation(
    name="Partner webhook retries",
    task="partner_api.tasks.deliver_due_webhooks",
    every_minutes=1,
    description="Sends webhook deliveries whose retry time has come. Safe to run at any time.",
)


class Migration(migrations.Migration):
    dependencies = [
        ("partner_api", "0001_tokens_webhooks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [SCHEDULE]
