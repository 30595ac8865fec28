"""Name tokens gain pairs (two words, or a word and the birth year, by sound), so that a
search for a common name reads a short list. The tokens of every organization of up to
`REBUILD_IN_MIGRATION` people are made again here; a larger one keeps searching without pairs
(as before) until `manage.py rebuild_name_tokens` is run: a migration should not hold the app
for the hour a million people take (docs/operations.md)."""

from typing import Any

from django.db import migrations, models

REBUILD_IN_MIGRATION = 50_000


def rebuild_tokens(apps: Any, schema_editor: Any) -> None:
    # The search module's own rebuild (the terms live there, not in a copy here).
    from salvaguarda.people.search import rebuild_organization_tokens

    Organization = apps.get_model("accounts", "Organization")
    Person = apps.get_model("people", "Person")
    for organization_id, name in Organization.objects.values_list("pk", "short_name"):
        people = Person.objects.filter(organization_id=organization_id)
        count = people[: REBUILD_IN_MIGRATION + 1].count()
        if count > REBUILD_IN_MIGRATION:
            print(f"\n  {name}: over {REBUILD_IN_MIGRATION:,} people, run rebuild_name_tokens")
        elif count:
            rebuild_organization_tokens(organization_id)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0009_saved_search"),
    ]

    operations = [
        migrations.AlterField(
            model_name="nametoken",
            name="kind",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (1, "Exact token"),
                    (2, "Phonetic key"),
                    (3, "Full name of a nickname"),
                    (4, "Birth date"),
                    (5, "Two words, or a word and the birth year"),
                ]
            ),
        ),
        migrations.RunPython(rebuild_tokens, migrations.RunPython.noop, elidable=True),
    ]
