"""Mark for review the anonymous victims saved from the one-flow form's optional section left
untouched.

Until the form's selects started blank, a browser sent their first options ("Victim",
"Female") for the section "Another person, anonymous (optional)", so an incident documented
from a person's file gained an anonymous female victim of unknown age nobody had described.
Such a row is recognised by every field at what the form first showed (role victim, sex
female, no age band, nationality or status), no registered person, and its creation by the
same account within a minute of its incident, beside a registered victim created with it.
Nothing is deleted here: a coordinator confirms each removal on the review page (audited), or
keeps the victim. The check runs organization by organization (the row-level-security scope
of PostgreSQL lets a migration see one organization at a time).
"""

import datetime
from typing import Any

from django.db import migrations, models

SAME_REQUEST = datetime.timedelta(minutes=1)


def mark_untouched_victims(apps: Any, schema_editor: Any) -> None:
    from salvaguarda.core.scoping import organization_scope

    organizations = apps.get_model("accounts", "Organization")
    victims = apps.get_model("incidents", "Victim")
    for organization_id in organizations.objects.values_list("id", flat=True):
        with organization_scope(organization_id):
            rows = victims.objects.filter(organization_id=organization_id)
            registered: dict[int, list[tuple[int, datetime.datetime]]] = {}
            for incident_id, created_by_id, created_at in rows.filter(
                person__isnull=False, deleted_at__isnull=True
            ).values_list("incident_id", "created_by_id", "created_at"):
                registered.setdefault(incident_id, []).append((created_by_id, created_at))
            candidates = rows.filter(
                person__isnull=True,
                deleted_at__isnull=True,
                role="victim",
                sex="female",
                age_band="",
                nationality="",
                status="",
            ).select_related("incident")
            marked = []
            for victim in candidates:
                incident = victim.incident
                if (
                    victim.created_by_id == incident.created_by_id
                    and abs(victim.created_at - incident.created_at) <= SAME_REQUEST
                    and any(
                        by == victim.created_by_id and abs(at - incident.created_at) <= SAME_REQUEST
                        for by, at in registered.get(incident.id, [])
                    )
                ):
                    marked.append(victim.pk)
            rows.filter(pk__in=marked).update(to_review=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token"),
        ("incidents", "0004_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="victim",
            name="to_review",
            field=models.BooleanField(
                default=False, verbose_name="to be reviewed by a coordinator"
            ),
        ),
        migrations.RunPython(mark_untouched_victims, migrations.RunPython.noop),
    ]
