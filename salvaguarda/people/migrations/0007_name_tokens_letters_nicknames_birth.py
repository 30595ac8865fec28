"""Name tokens gain the person's word each stands for, keyed letter pairs, nickname and
birth-date kinds; every organization's tokens are then made again with the new terms."""

from typing import Any

from django.db import migrations, models


def rebuild_tokens(apps: Any, schema_editor: Any) -> None:
    # The search module's own rebuild (the terms live there, not in a copy here).
    from salvaguarda.people.search import rebuild_organization_tokens

    Organization = apps.get_model("accounts", "Organization")
    Person = apps.get_model("people", "Person")
    for organization_id in Organization.objects.values_list("pk", flat=True):
        if Person.objects.filter(organization_id=organization_id).exists():
            rebuild_organization_tokens(organization_id)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token"),
        ("people", "0006_encrypt_safeguard_note"),
    ]

    operations = [
        migrations.AddField(
            model_name="nametoken",
            name="grams",
            field=models.BigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="nametoken",
            name="word_mask",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="nametoken",
            name="kind",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "Exact token"),
                    (2, "Phonetic key"),
                    (3, "Full name of a nickname"),
                    (4, "Birth date"),
                ]
            ),
        ),
        migrations.RunPython(rebuild_tokens, migrations.RunPython.noop, elidable=True),
    ]
