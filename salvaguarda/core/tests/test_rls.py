"""PostgreSQL row-level security: the second wall between organizations.

The application's own scoping is the first wall; these tests speak raw SQL as a plain role (no
superuser, no BYPASSRLS, prepared with `grant_app_role`) to show that the database refuses
other organizations' rows by itself.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any
from unittest import skipUnless

from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from salvaguarda.core.models import OrgScopedModel
from salvaguarda.core.rls import POLICY_NAME
from salvaguarda.core.scoping import RLS_SETTING, organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, registration, sign_in

PROBE_ROLE = "salvaguarda_rls_probe"
POSTGRESQL = connection.vendor == "postgresql"


def ensure_probe_role() -> None:
    """A plain role like the application's (created in the test transaction, rolled back)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [PROBE_ROLE])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {PROBE_ROLE} NOLOGIN NOBYPASSRLS")


@contextmanager
def as_probe_role() -> Iterator[Any]:
    """Speak as the plain role; an error inside rolls back to a savepoint and keeps the test."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")
        yield cursor
        cursor.execute("RESET ROLE")


def scope_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [RLS_SETTING])
        return str(cursor.fetchone()[0] or "")


@skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
class RowLevelSecurityTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.mine = [make_person(cls.cast.org, cls.cast.caseworker) for _ in range(2)]
        cls.theirs = make_person(cls.cast.other_org, cls.cast.outsider)

    def setUp(self) -> None:
        ensure_probe_role()
        call_command("grant_app_role", PROBE_ROLE, stdout=StringIO())

    def count_people(self, cursor: Any) -> int:
        cursor.execute("SELECT count(*) FROM people_person")
        return int(cursor.fetchone()[0])

    def insert_person(self, cursor: Any, organization_id: int) -> None:
        now = timezone.now()
        user = self.cast.caseworker.pk
        columns = {
            "uuid": uuid.uuid4(),
            "organization_id": organization_id,
            "created_at": now,
            "created_by_id": user,
            "modified_at": now,
            "modified_by_id": user,
            "reference": f"X-{uuid.uuid4().hex[:8]}",
            "relationship": "head",
            "is_legal_guardian": False,
            "sex": "not_recorded",
            "birth_precision": "exact",
            "nationality": "",
            "other_nationalities": "[]",
            "languages": "[]",
            "preferred_language": "",
            "needs_interpreter": False,
            "indigenous": "",
            "current_city": "",
            "child_status": "",
            "priority": "",
        }
        cursor.execute(
            f"INSERT INTO people_person ({', '.join(columns)}) "  # noqa: S608 - fixed names
            f"VALUES ({', '.join(['%s'] * len(columns))})",
            list(columns.values()),
        )

    def test_every_case_table_is_under_a_forced_isolation_policy(self) -> None:
        models = [
            model
            for model in apps.get_models()
            if issubclass(model, OrgScopedModel) and not model._meta.proxy
        ]
        self.assertTrue(models)
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT relrowsecurity, relforcerowsecurity FROM pg_class "
                    "WHERE relname = %s AND relnamespace = 'public'::regnamespace",
                    [table],
                )
                self.assertEqual(cursor.fetchone(), (True, True), table)
                cursor.execute(
                    "SELECT 1 FROM pg_policies WHERE tablename = %s AND policyname = %s",
                    [table, POLICY_NAME],
                )
                self.assertIsNotNone(cursor.fetchone(), f"{table} has no {POLICY_NAME} policy")

    def test_without_an_organization_the_database_shows_no_row(self) -> None:
        with connection.cursor() as cursor:
            self.assertEqual(self.count_people(cursor), 3)  # as the superuser running tests
        with as_probe_role() as cursor:
            self.assertEqual(self.count_people(cursor), 0)

    def test_with_an_organization_the_database_shows_only_its_rows(self) -> None:
        with as_probe_role() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [RLS_SETTING, str(self.cast.org.pk)])
            cursor.execute("SELECT id FROM people_person ORDER BY id")
            self.assertEqual([row[0] for row in cursor.fetchall()], [p.pk for p in self.mine])
            cursor.execute("UPDATE people_person SET reference = reference")
            self.assertEqual(cursor.rowcount, 2)
            cursor.execute("DELETE FROM people_person WHERE id = %s", [self.theirs.pk])
            self.assertEqual(cursor.rowcount, 0)

    def test_the_database_refuses_a_row_for_another_organization(self) -> None:
        with as_probe_role() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [RLS_SETTING, str(self.cast.org.pk)])
            self.insert_person(cursor, self.cast.org.pk)
            self.assertEqual(self.count_people(cursor), 3)
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                cursor.execute(
                    "SELECT set_config(%s, %s, true)", [RLS_SETTING, str(self.cast.org.pk)]
                )
                self.insert_person(cursor, self.cast.other_org.pk)

    def test_the_database_refuses_to_move_a_row_to_another_organization(self) -> None:
        with self.assertRaisesRegex(DatabaseError, "row-level security"):
            with as_probe_role() as cursor:
                cursor.execute(
                    "SELECT set_config(%s, %s, true)", [RLS_SETTING, str(self.cast.org.pk)]
                )
                cursor.execute(
                    "UPDATE people_person SET organization_id = %s WHERE id = %s",
                    [self.cast.other_org.pk, self.mine[0].pk],
                )

    def test_the_application_role_may_append_to_the_audit_trail_but_not_change_it(self) -> None:
        with self.assertRaisesRegex(DatabaseError, "permission denied"):
            with as_probe_role() as cursor:
                cursor.execute("TRUNCATE core_auditevent")
        with as_probe_role() as cursor:
            cursor.execute("SELECT has_table_privilege('core_auditevent', 'INSERT')")
            self.assertTrue(cursor.fetchone()[0])
            for privilege in ("UPDATE", "DELETE", "TRUNCATE"):
                cursor.execute("SELECT has_table_privilege('core_auditevent', %s)", [privilege])
                self.assertFalse(cursor.fetchone()[0], privilege)

    def test_the_scope_sets_the_organization_for_its_transaction_only(self) -> None:
        self.assertEqual(scope_setting(), "")
        with organization_scope(self.cast.org.pk):
            self.assertEqual(scope_setting(), str(self.cast.org.pk))
            with organization_scope(self.cast.other_org.pk):
                self.assertEqual(scope_setting(), str(self.cast.other_org.pk))
            self.assertEqual(scope_setting(), str(self.cast.org.pk))
        self.assertEqual(scope_setting(), "")

    def test_a_failed_scope_leaves_no_organization_set(self) -> None:
        with self.assertRaises(ZeroDivisionError):
            with organization_scope(self.cast.org.pk):
                self.assertEqual(scope_setting(), str(self.cast.org.pk))
                _ = 1 / 0
        self.assertEqual(scope_setting(), "")


@skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
class ApplicationUnderRowLevelSecurityTest(TestCase):
    """The whole app, request by request, connected as a plain role: RLS is on for real."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.theirs = make_person(cls.cast.other_org, cls.cast.outsider, given_names="Ajena")

    def setUp(self) -> None:
        ensure_probe_role()
        call_command("grant_app_role", PROBE_ROLE, stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")  # until the test's transaction ends

    def test_pages_work_and_show_only_the_organization_s_rows(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            self.assertEqual(cursor.fetchone()[0], PROBE_ROLE)
        client = sign_in(self.client, self.cast.caseworker)
        created = client.post(reverse("people:create"), registration({"given_names": "Propia"}))
        self.assertEqual(created.status_code, 302)
        page = client.get(created["Location"])
        self.assertContains(page, "Propia")
        listing = client.get(reverse("people:list"))
        self.assertContains(listing, "Propia")
        self.assertNotContains(listing, "Ajena")
        self.assertEqual(
            client.get(reverse("people:detail", args=[self.theirs.uuid])).status_code, 404
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM people_person")
            self.assertEqual(cursor.fetchone()[0], 0)  # outside a request: nothing at all


@skipUnless(POSTGRESQL, "row-level security is a PostgreSQL feature")
class GrantAppRoleTest(TestCase):
    def test_it_refuses_a_superuser(self) -> None:
        with self.assertRaisesMessage(CommandError, "superuser or has BYPASSRLS"):
            call_command("grant_app_role", "postgres", stdout=StringIO())

    def test_it_refuses_a_role_with_bypassrls(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE salvaguarda_rls_bypass NOLOGIN BYPASSRLS")
        with self.assertRaisesMessage(CommandError, "superuser or has BYPASSRLS"):
            call_command("grant_app_role", "salvaguarda_rls_bypass", stdout=StringIO())

    def test_it_refuses_a_role_that_owns_the_tables(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE ROLE salvaguarda_rls_owner NOLOGIN")
            cursor.execute("ALTER TABLE people_person OWNER TO salvaguarda_rls_owner")
        with self.assertRaisesMessage(CommandError, "owns tables"):
            call_command("grant_app_role", "salvaguarda_rls_owner", stdout=StringIO())

    def test_it_refuses_an_unknown_or_unusual_role_name(self) -> None:
        with self.assertRaisesMessage(CommandError, "does not exist"):
            call_command("grant_app_role", "salvaguarda_nobody", stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "identifier"):
            call_command("grant_app_role", 'x"; DROP TABLE people_person; --', stdout=StringIO())


@skipUnless(not POSTGRESQL, "on PostgreSQL the command does its work")
class GrantAppRoleOtherDatabasesTest(TestCase):
    def test_it_is_for_postgresql_only(self) -> None:
        with self.assertRaisesMessage(CommandError, "PostgreSQL only"):
            call_command("grant_app_role", "salvaguarda_app", stdout=StringIO())
