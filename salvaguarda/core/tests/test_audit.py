"""The audit trail is append-only in the database and `audit_verify` detects tampering."""

import uuid
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import SimpleTestCase, TestCase

from salvaguarda.core import audit
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast


def allow_changes_to_the_audit_trail(operation: str) -> None:
    """What an attacker with the database owner's rights would do first (rolled back after)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of rows written in this test transaction must run
            # before the table can be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(f"DROP TRIGGER core_auditevent_no_{operation}")


def verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"\n{error}")
    return out.getvalue(), err.getvalue()


class AuditTrailTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.events = [
            audit.record(
                action=audit.Action.VIEW,
                actor=cls.cast.caseworker,
                organization_id=cls.cast.org.pk,
                object_type="people.person",
                object_uuid=uuid.uuid4(),
            )
            for _ in range(3)
        ]
        audit.record(action=audit.Action.LOGIN, actor=cls.cast.outsider)

    def test_it_chains_each_entry_to_the_one_before(self) -> None:
        first, second, third = self.events
        self.assertEqual(first.sequence, 1)
        self.assertEqual(first.previous_hash, "0" * 64)
        self.assertEqual(second.previous_hash, first.hash)
        self.assertEqual(third.previous_hash, second.hash)

    def test_verify_reports_an_intact_trail(self) -> None:
        out, err = verify()
        self.assertIn(f"Checked {AuditEvent.objects.count()} audit events.", out)
        self.assertEqual(err, "")

    def test_verify_reports_an_altered_entry(self) -> None:
        allow_changes_to_the_audit_trail("update")
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditevent SET action = 'list' WHERE id = %s", [self.events[1].pk]
            )
        out, err = verify()
        self.assertIn("Checked", out)
        self.assertIn(f"chain org:{self.cast.org.pk}, entry 2: altered entry", err)
        self.assertIn("tampered", err)

    def test_verify_reports_an_entry_removed_at_the_end(self) -> None:
        allow_changes_to_the_audit_trail("delete")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [self.events[-1].pk])
        _, err = verify()
        self.assertIn(f"chain org:{self.cast.org.pk}, entry 2: entries removed at the end", err)

    def test_verify_reports_an_entry_removed_in_the_middle(self) -> None:
        allow_changes_to_the_audit_trail("delete")
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [self.events[1].pk])
        _, err = verify()
        self.assertIn("entry 2: missing entry", err)
        self.assertIn("entry 3: broken link", err)

    def test_the_database_refuses_to_change_an_entry(self) -> None:
        with self.assertRaisesRegex(DatabaseError, "append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("UPDATE core_auditevent SET action = 'list'")
        with self.assertRaisesRegex(DatabaseError, "append-only"):
            with transaction.atomic():
                AuditEvent.objects.filter(pk=self.events[0].pk).update(detail={"x": 1})
        self.assertEqual(AuditEvent.objects.get(pk=self.events[0].pk).action, "view")

    def test_the_database_refuses_to_remove_an_entry(self) -> None:
        with self.assertRaisesRegex(DatabaseError, "append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM core_auditevent")
        self.assertEqual(AuditEvent.objects.count(), 4)


class DeferredAppendTest(TestCase):
    """A request's entries are appended as its transaction's last step (see core.audit)."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def view(self, **fields: object) -> AuditEvent:
        return audit.record(
            action=audit.Action.VIEW,
            actor=self.cast.caseworker,
            organization_id=self.cast.org.pk,
            object_type="people.person",
            object_uuid=uuid.uuid4(),
            **fields,  # type: ignore[arg-type]
        )

    def test_entries_are_appended_in_order_when_the_block_ends(self) -> None:
        with transaction.atomic(), audit.deferred():
            first, second = self.view(), self.view()
            network = audit.record(action=audit.Action.LOGIN, actor=self.cast.caseworker)
            self.assertEqual(AuditEvent.objects.count(), 0)
        self.assertEqual([first.sequence, second.sequence, network.sequence], [1, 2, 1])
        self.assertEqual(second.previous_hash, first.hash)
        self.assertEqual(AuditEvent.objects.count(), 3)
        self.assertEqual(verify()[1], "")

    def test_an_entry_in_a_nested_block_is_appended_at_once_and_rolled_back_with_it(self) -> None:
        with transaction.atomic(), audit.deferred():
            kept = self.view()
            try:
                with transaction.atomic():
                    self.view()
                    self.assertEqual(AuditEvent.objects.count(), 1)
                    raise RuntimeError("the write failed")
            except RuntimeError:
                pass
            self.assertEqual(AuditEvent.objects.count(), 0)
        self.assertEqual(list(AuditEvent.objects.all()), [kept])
        self.assertEqual(kept.sequence, 1)
        self.assertEqual(verify()[1], "")

    def test_nothing_is_appended_when_the_block_is_rolled_back_or_fails(self) -> None:
        with transaction.atomic(), audit.deferred():
            self.view()
            transaction.set_rollback(True)
        with self.assertRaises(RuntimeError), transaction.atomic(), audit.deferred():
            self.view()
            raise RuntimeError("the page failed")
        self.assertEqual(AuditEvent.objects.count(), 0)


class DeferredOutsideATransactionTest(SimpleTestCase):
    databases = {"default"}

    def test_it_needs_a_transaction(self) -> None:
        with self.assertRaises(transaction.TransactionManagementError), audit.deferred():
            pass
