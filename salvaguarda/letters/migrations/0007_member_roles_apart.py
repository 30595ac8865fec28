"""A coalition member's role or representative, imported inside its name until now ("Casa X,
A.C., representada por Hna. Leticia Mora", "Colectivo Z (coordinación)"), is moved to its
title, as the import now stores it (`member_roles.member_parts`). Only members with no title
yet; a name with no role stays as it is. The versions' own lists keep the entries as written.
The work runs organization by organization (the row-level-security scope of PostgreSQL lets a
migration see one organization at a time)."""

from typing import Any

from django.db import migrations


def split_member_roles(apps: Any, schema_editor: Any) -> None:
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.letters.member_roles import member_parts

    organizations = apps.get_model("accounts", "Organization")
    signatories = apps.get_model("letters", "Signatory")
    for organization_id in organizations.objects.values_list("id", flat=True):
        with organization_scope(organization_id):
            members = signatories.objects.filter(
                organization_id=organization_id, coalition__isnull=False, title=""
            )
            changed = []
            for member in members.only("id", "name", "title"):
                name, role = member_parts(member.name)
                if role and name:
                    member.name, member.title = name[:300], role[:200]
                    changed.append(member)
            signatories.objects.bulk_update(changed, ["name", "title"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_api_token"),
        ("letters", "0006_version_formula"),
    ]

    operations = [migrations.RunPython(split_member_roles, migrations.RunPython.noop)]
