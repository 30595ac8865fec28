"""The safeguard note is free text a caseworker may fill with personal details: encrypt it.

Notes written in clear are moved to the encrypted column, organization by organization (the
row-level-security scope of PostgreSQL lets a migration see one organization at a time).
"""

from typing import Any

from django.db import migrations

import salvaguarda.core.fields


def encrypt_notes(apps: Any, schema_editor: Any) -> None:
    from salvaguarda.core.scoping import organization_scope

    organizations = apps.get_model("accounts", "Organization")
    checks = apps.get_model("people", "SafeguardCheck")
    for organization_id in organizations.objects.values_list("id", flat=True):
        with organization_scope(organization_id):
            for check in checks.objects.filter(organization_id=organization_id).exclude(
                note_in_clear=""
            ):
                check.note = check.note_in_clear
                check.save(update_fields=["note"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token"),
        ("people", "0005_list_newest_first"),
    ]

    operations = [
        migrations.RenameField("safeguardcheck", "note", "note_in_clear"),
        migrations.AddField(
            model_name="safeguardcheck",
            name="note",
            field=salvaguarda.core.fields.EncryptedTextField(
                blank=True, null=True, verbose_name="note"
            ),
        ),
        migrations.RunPython(encrypt_notes, migrations.RunPython.noop),
        migrations.RemoveField("safeguardcheck", "note_in_clear"),
    ]
