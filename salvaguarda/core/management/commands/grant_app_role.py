import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_$]{0,62}$")

# Does the role escape row-level security, itself or through a role it may become?
ESCAPES_RLS = """
    SELECT EXISTS (
        SELECT 1 FROM pg_roles AS other
        WHERE (other.rolsuper OR other.rolbypassrls) AND pg_has_role(%s, other.oid, 'MEMBER')
    )
"""
# Does the role own (or may it become the owner of) a table of the schema? An owner can
# disable triggers and drop policies, so the audit trail would no longer be append-only.
OWNS_TABLES = """
    SELECT EXISTS (
        SELECT 1 FROM pg_tables
        WHERE schemaname = %s AND pg_has_role(%s, tableowner, 'MEMBER')
    )
"""


class Command(BaseCommand):
    help = (
        "PostgreSQL only. Grant the application's database role what it needs and no more: "
        "read and write the tables (row-level security still applies to it) and append to the "
        "audit trail without changing or removing entries. Run it as the role that owns the "
        "tables and runs migrations: the default privileges it sets cover the tables that "
        "role creates later."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The role the application connects as.")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        role, schema = options["role"], options["schema"]
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL only.")
        for name in (role, schema):
            if not ROLE_NAME.match(name):
                raise CommandError(f"{name!r} is not a plain lower-case PostgreSQL identifier.")
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"The role {role} does not exist.")
            cursor.execute(ESCAPES_RLS, [role])
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"The role {role} is a superuser or has BYPASSRLS (or may become one): "
                    "row-level security would not apply to it. Use a plain role."
                )
            cursor.execute(OWNS_TABLES, [schema, role])
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"The role {role} owns tables of {schema}: it could disable the audit "
                    "trail's protection. Let another role own the tables and run migrations."
                )
            for statement in (
                f"GRANT USAGE ON SCHEMA {schema} TO {role}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
                f"GRANT USAGE, SELECT ON SEQUENCES TO {role}",
                f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.core_auditevent FROM {role}",
            ):
                cursor.execute(statement)
        self.stdout.write(
            f"Granted {role} the application's privileges on {schema}; "
            "the audit trail is append-only for it."
        )
