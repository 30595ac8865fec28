"""The deployment check that the application's database role cannot bypass row-level security."""

from unittest import skipUnless

from django.core.checks import Tags, registry
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, transaction
from django.test import SimpleTestCase, TestCase

from salvaguarda.core.checks import check_database_role
from salvaguarda.core.tests.test_rls import PROBE_ROLE, ensure_probe_role

POSTGRESQL = connection.vendor == "postgresql"


class RegistrationTest(SimpleTestCase):
    def test_the_check_runs_only_when_databases_are_checked(self) -> None:
        self.assertIn(check_database_role, registry.registry.get_checks())
        self.assertIn(Tags.database, check_database_role.tags)  # type: ignore[attr-defined]
        self.assertEqual(check_database_role(), [])


class DatabaseRoleCheckTest(TestCase):
    databases = {"default"}

    @skipUnless(not POSTGRESQL, "PostgreSQL is checked below")
    def test_other_databases_pass(self) -> None:
        self.assertEqual(check_database_role(databases=["default"]), [])

    @skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
    def test_it_refuses_a_superuser(self) -> None:
        errors = check_database_role(databases=["default"])
        self.assertEqual([e.id for e in errors], ["salvaguarda.E001"])
        self.assertIn("superuser or has BYPASSRLS", errors[0].msg)
        with self.assertRaisesMessage(SystemCheckError, "salvaguarda.E001"):
            call_command("check", databases=["default"])

    @skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
    def test_it_refuses_a_role_with_bypassrls(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE salvaguarda_check_bypass NOLOGIN BYPASSRLS")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL ROLE salvaguarda_check_bypass")
            errors = check_database_role(databases=["default"])
            cursor.execute("RESET ROLE")
        self.assertEqual([e.id for e in errors], ["salvaguarda.E001"])

    @skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
    def test_a_plain_role_passes(self) -> None:
        ensure_probe_role()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
            errors = check_database_role(databases=["default"])
            cursor.execute("RESET ROLE")
        self.assertEqual(errors, [])
