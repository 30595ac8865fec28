"""Migrations that move data: run them backwards and forwards on real rows."""

import datetime
import uuid

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import OrganizationFactory, UserFactory
from salvaguarda.people.models import Person, SafeguardCheck

BEFORE = [("people", "0005_list_newest_first")]
LATEST = [("people", "0006_encrypt_safeguard_note")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


class EncryptSafeguardNoteTest(TransactionTestCase):
    # Nothing here writes to the audit trail: its rows could not be flushed after the test.

    def tearDown(self) -> None:
        # Back to every app's newest migration (not LATEST: later migrations exist, and the
        # tests after this one need their columns).
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    def test_notes_written_in_clear_are_encrypted(self) -> None:
        org, user = OrganizationFactory(), UserFactory()
        with organization_scope(org.pk):
            person = Person.objects.create(
                organization=org, created_by=user, modified_by=user, reference="P-000001"
            )
        migrate(BEFORE)
        with connection.cursor() as cursor:
            for item, note in (
                ("referrals_made", "Canalizada al DIF Tijuana"),
                ("screening_done", ""),
            ):
                cursor.execute(
                    "INSERT INTO people_safeguardcheck (uuid, organization_id, created_at,"
                    " created_by_id, modified_at, modified_by_id, person_id, item, done_on, note)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        # How Django stores a UUIDField: 32 hex digits on SQLite.
                        uuid.uuid4().hex if connection.vendor == "sqlite" else uuid.uuid4(),
                        org.pk,
                        datetime.datetime(2024, 5, 2, tzinfo=datetime.UTC),
                        user.pk,
                        datetime.datetime(2024, 5, 2, tzinfo=datetime.UTC),
                        user.pk,
                        person.pk,
                        item,
                        datetime.date(2024, 5, 2),
                        note,
                    ],
                )
        migrate(LATEST)
        with connection.cursor() as cursor:
            cursor.execute("SELECT item, note FROM people_safeguardcheck ORDER BY item")
            stored = dict(cursor.fetchall())
        self.assertIsNone(stored["screening_done"])
        self.assertNotIn("DIF", stored["referrals_made"])
        with organization_scope(org.pk):
            notes = {c.item: c.note for c in SafeguardCheck.objects.all()}
        self.assertEqual(
            notes, {"referrals_made": "Canalizada al DIF Tijuana", "screening_done": None}
        )
