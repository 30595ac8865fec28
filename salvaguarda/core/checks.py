"""System checks of the deployment. `check --database default` runs the database ones."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import connections

# Does the connected role escape row-level security, itself or through a role it may become?
ESCAPES_RLS = """
    SELECT current_user, EXISTS (
        SELECT 1 FROM pg_roles AS other
        WHERE (other.rolsuper OR other.rolbypassrls)
          AND pg_has_role(current_user, other.oid, 'MEMBER')
    )
"""


@register(Tags.database)
def check_database_role(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    """Row-level security is a second wall only if the application's role cannot bypass it."""
    errors: list[CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute(ESCAPES_RLS)
            role, escapes = cursor.fetchone()
        if escapes:
            errors.append(
                Error(
                    f"The database role {role!r} ({alias}) is a superuser or has BYPASSRLS: "
                    "row-level security does not apply to it.",
                    hint="Connect as a plain role prepared with `manage.py grant_app_role`.",
                    id="salvaguarda.E001",
                )
            )
    return errors
