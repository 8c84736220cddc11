from django.db import migrations, models


def match_earlier_imports(apps, schema_editor):
    """Compare what was imported before the check with each owner's verified
    addresses, so earlier imports follow the same rule as new ones."""
    from obapi import subject
    from obapi.services import NotACredential, read_received

    ImportedCredential = apps.get_model("obapi", "ImportedCredential")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for row in ImportedCredential.objects.iterator():
        try:
            received = read_received(
                text=row.received_text, upload=bytes(row.received_bytes) or None
            )
        except NotACredential:
            continue
        addresses = EmailAddress.objects.filter(user_id=row.owner_id, verified=True).values_list(
            "email", flat=True
        )
        found = subject.match(received.payload, list(addresses))
        row.subject_match, row.subject_email = found.result, found.email
        row.save(update_fields=["subject_match", "subject_email"])


class Migration(migrations.Migration):
    dependencies = [
        ("obapi", "0001_earner_profile_and_imports"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="importedcredential",
            name="holder_confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="importedcredential",
            name="subject_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="importedcredential",
            name="subject_match",
            field=models.CharField(
                choices=[
                    ("matched", "Issued to you"),
                    ("mismatch", "Names an email address that is not one of your verified addresses"),
                    ("no_identifier", "Names no email address"),
                ],
                default="no_identifier",
                max_length=20,
            ),
        ),
        migrations.RunPython(match_earlier_imports, migrations.RunPython.noop),
    ]
