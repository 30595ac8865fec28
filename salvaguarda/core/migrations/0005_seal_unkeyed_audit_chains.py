"""Seal every audit chain written before the trail was keyed (see core.audit_seal): a keyed
entry after its unkeyed ones, so that they cannot be recomputed without the audit key."""

from django.db import migrations


def forwards(apps, schema_editor):
    from salvaguarda.core.audit_seal import seal_open_chains

    seal_open_chains(apps.get_model("core", "AuditChain"), apps.get_model("core", "AuditEvent"))


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_key_and_shredding")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
