"""The keyed audit chain and its anchors: rewrites by the database's owner are caught.

The attacker here has every right on the database (the tests' role is the owner on SQLite and
a superuser on PostgreSQL): the append-only triggers are disabled, entries rewritten and every
hash after them recomputed, the chain's head updated. Without the audit key the HMACs give it
away; with it, the anchors written outside the database do.
"""

import datetime
import json
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings

from salvaguarda.core import anchors, audit, audit_seal
from salvaguarda.core.backup.restore import backup_restore
from salvaguarda.core.models import AuditChain, AuditEvent
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.core.tests.test_audit import allow_changes_to_the_audit_trail
from salvaguarda.core.tests.test_backup import BACKUP_KEY, BackupCase
from salvaguarda.lib import crypto

T0 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except CommandError as error:
        err.write(f"\n{error}")
    return out.getvalue(), err.getvalue()


def rewrite(
    chain_key: str,
    start: int,
    *,
    key: bytes | None,
    change: Callable[[AuditEvent], None] = lambda event: None,
    key_id: str = "",
) -> None:
    """Change entry START (and on) of a chain, then recompute every hash from there: SHA-256
    without a key (KEY None), an HMAC with KEY otherwise. Needs the triggers disabled."""
    events = list(AuditEvent.objects.filter(chain__key=chain_key).order_by("sequence"))
    previous = events[start - 2].hash if start > 1 else audit_seal.GENESIS
    for event in events[start - 1 :]:
        if event.sequence == start:
            change(event)
        payload = audit_seal.payload_of(event)
        if key is None:
            event.key_id, event.hash = "", audit_seal.legacy_digest(previous, payload)
        else:
            event.key_id, event.hash = key_id, audit_seal.keyed_digest(key, previous, payload)
        AuditEvent.objects.filter(pk=event.pk).update(
            action=event.action,
            detail=event.detail,
            previous_hash=previous,
            hash=event.hash,
            key_id=event.key_id,
        )
        previous = event.hash
    AuditChain.objects.filter(key=chain_key).update(last_hash=previous)


def remove_after(chain_key: str, last: int) -> None:
    """What an older backup looks like (or a truncation): entries after LAST gone."""
    events = AuditEvent.objects.filter(chain__key=chain_key)
    events.filter(sequence__gt=last).delete()
    head = events.get(sequence=last)
    AuditChain.objects.filter(key=chain_key).update(length=last, last_hash=head.hash)


class AnchoredTrailTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.file = folder / "anchors" / "audit-anchors.jsonl"
        self.enterContext(override_settings(SALVAGUARDA_AUDIT_ANCHOR_FILE=str(self.file)))
        self.chain = f"org:{self.cast.org.pk}"
        self.clock = self.enterContext(time_machine.travel(T0, tick=False))

    def view(self, n: int = 1) -> list[AuditEvent]:
        events = []
        for _ in range(n):
            self.clock.shift(datetime.timedelta(minutes=1))
            events.append(
                audit.record(
                    action=audit.Action.VIEW,
                    actor=self.cast.caseworker,
                    organization_id=self.cast.org.pk,
                    object_type="people.person",
                    object_uuid=uuid.uuid4(),
                )
            )
        return events

    def anchor(self, kind: str = "manual") -> anchors.Anchor | None:
        self.clock.shift(datetime.timedelta(minutes=1))
        return anchors.anchor_write(kind)

    def audit_key(self) -> tuple[str, bytes]:
        return next(iter(audit_seal.keys_for("chain").items()))

    def test_each_entry_is_an_hmac_under_the_audit_key(self) -> None:
        first, second = self.view(2)
        key_id, key = self.audit_key()
        self.assertEqual(first.key_id, key_id)
        self.assertEqual(
            second.hash,
            audit_seal.keyed_digest(key, first.hash, audit_seal.payload_of(second)),
        )
        self.assertNotEqual(
            second.hash, audit_seal.legacy_digest(first.hash, audit_seal.payload_of(second))
        )
        out, err = verify()
        self.assertEqual(err, "")
        self.assertIn("The audit trail is intact.", out)

    def test_a_rewrite_without_the_audit_key_is_caught_by_the_hmac(self) -> None:
        self.view(4)
        allow_changes_to_the_audit_trail("update")
        # A keyed hash cannot be recomputed without the key: the attacker falls back to
        # unkeyed SHA-256 (or guesses a key), from the rewritten entry to the end.
        rewrite(self.chain, 2, key=None, change=lambda e: setattr(e, "action", "list"))
        _, err = verify("--no-anchor-file")
        self.assertIn(
            f"chain {self.chain}, entry 2: entries 2 to 4, at the end of the chain, are not "
            "sealed by the audit key",
            err,
        )
        guessed = crypto.new_key()
        rewrite(self.chain, 2, key=guessed, key_id=self.audit_key()[0])
        _, err = verify("--no-anchor-file")
        self.assertIn(f"chain {self.chain}, entry 2: altered entry", err)
        self.assertIn("tampered", err)

    def test_a_rewrite_with_the_audit_key_is_caught_by_the_anchors(self) -> None:
        self.view(3)
        first = self.anchor()
        self.view(2)
        second = self.anchor()
        assert first is not None and second is not None
        allow_changes_to_the_audit_trail("update")
        key_id, key = self.audit_key()
        rewrite(self.chain, 2, key=key, key_id=key_id, change=lambda e: e.detail.update(x=1))
        _, err = verify("--no-anchor-file")
        self.assertEqual(err, "", "the HMACs alone cannot see a rewrite made with the key")
        _, err = verify()
        self.assertIn(
            f"chain {self.chain}, entry 3: hash", err, "the earliest anchor contradicted is named"
        )
        self.assertIn(f"contradicts the anchor of {first.at.isoformat(timespec='seconds')}", err)
        self.assertIn("audit-anchors.jsonl:1", err)
        self.assertIn("(and 1 later anchors disagree too)", err)

    def test_entries_removed_at_the_end_are_caught_by_an_anchor(self) -> None:
        self.view(4)
        self.anchor()
        allow_changes_to_the_audit_trail("delete")
        remove_after(self.chain, 2)
        _, err = verify("--no-anchor-file")
        self.assertEqual(err, "", "a chain cut at its end and its head moved back is consistent")
        _, err = verify()
        self.assertIn(
            f"chain {self.chain}, entry 2: the chain ends at entry 2, but the anchor of", err
        )
        self.assertIn("recorded 4 entries: entries were removed at the end", err)

    def test_an_older_backup_restored_is_not_forged_but_a_rewritten_one_is(self) -> None:
        self.view(2)
        self.anchor()  # before the backup: must be matched in full
        backup_taken = T0 + datetime.timedelta(minutes=10)
        self.clock.move_to(backup_taken)
        self.view(3)  # written after the backup, lost with the restore
        self.anchor()
        allow_changes_to_the_audit_trail("delete")
        remove_after(self.chain, 2)  # the database as the backup held it

        out, err = verify("--restored-from", backup_taken.isoformat())
        self.assertEqual(err, "")
        self.assertIn("anchors written after the backup record up to entry 5", out)
        self.assertIn("the restored chain holds 2", out)

        # Had the backup been taken after the second anchor, it would have held 5 entries.
        later = T0 + datetime.timedelta(hours=1)
        _, err = verify("--restored-from", later.isoformat())
        self.assertIn("written before the backup was taken, recorded 5 entries", err)

        allow_changes_to_the_audit_trail("update")
        key_id, key = self.audit_key()
        rewrite(self.chain, 2, key=key, key_id=key_id, change=lambda e: e.detail.update(x=1))
        _, err = verify("--restored-from", backup_taken.isoformat())
        self.assertIn(f"chain {self.chain}, entry 2: hash", err)
        self.assertIn("the trail was rewritten after that anchor", err)

    def test_after_a_restore_the_chains_go_on_from_the_restored_heads(self) -> None:
        self.view(2)
        self.anchor()
        self.view(3)
        self.anchor()
        allow_changes_to_the_audit_trail("delete")
        remove_after(self.chain, 2)
        self.anchor("restored")
        self.view(4)  # entries 3..6 again, other than the lost ones
        self.anchor("periodic")
        out, err = verify()
        self.assertEqual(err, "")
        self.assertIn("1 anchors before the restore", out)
        self.assertIn("hold entries lost with that restore (up to entry 5", out)

    def test_an_anchor_line_not_sealed_by_the_audit_key_is_refused(self) -> None:
        self.view(2)
        self.anchor()
        line = json.loads(self.file.read_text().splitlines()[0])
        line["heads"][self.chain] = [2, "f" * 64]
        with self.file.open("a") as out:
            out.write(json.dumps(line) + "\n")
        _, err = verify()
        self.assertIn(
            "anchor audit-anchors.jsonl:2 is not sealed by the audit key (forged or damaged)", err
        )
        self.assertNotIn("contradicts", err)

    def test_a_periodic_anchor_is_written_only_when_a_head_moved(self) -> None:
        self.view()
        self.assertIsNotNone(self.anchor("periodic"))
        self.assertIsNone(self.anchor("periodic"))
        self.view()
        written = self.anchor("periodic")
        assert written is not None
        self.assertEqual(written.heads[self.chain][0], 2)
        self.assertEqual(len(self.file.read_text().splitlines()), 2)
        self.assertEqual(self.file.stat().st_mode & 0o777, 0o600)
        last = anchors.last_written()
        assert last is not None
        self.assertEqual((last.at, last.kind, last.heads), (written.at, "periodic", written.heads))

    def test_the_task_anchors_the_heads(self) -> None:
        from salvaguarda.core.tasks import audit_anchor

        self.view()
        result = audit_anchor.enqueue()
        self.assertTrue(str(result.return_value).endswith("chains anchored"))
        [line] = self.file.read_text().splitlines()
        self.assertIn(self.chain, json.loads(line)["heads"])

    def test_the_periodic_anchor_is_queued_once_for_later(self) -> None:
        from django_tasks_db.models import DBTaskResult

        database_queue = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        with override_settings(TASKS=database_queue, SALVAGUARDA_AUDIT_ANCHOR_EVERY_MINUTES=15):
            when = anchors.anchor_schedule()
            self.assertEqual(when, T0 + datetime.timedelta(minutes=15))
            self.assertIsNone(anchors.anchor_schedule(), "one run waits already")
            queued = DBTaskResult.objects.get(task_path=anchors.TASK_PATH)
            self.assertEqual(queued.run_after, when)
            with override_settings(SALVAGUARDA_AUDIT_ANCHOR_EVERY_MINUTES=0):
                self.assertIsNone(anchors.anchor_every())

    def test_anchors_sent_to_syslog_are_checked_from_an_export(self) -> None:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        address = str(folder / "log.sock")
        server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(server.close)
        server.bind(address)
        self.view(3)
        with override_settings(SALVAGUARDA_AUDIT_ANCHOR_SYSLOG=address):
            self.anchor()
        message = server.recv(65536).decode()
        self.assertIn("salvaguarda: {", message)
        export = folder / "syslog-export.log"
        export.write_text(f"Mar  1 09:04:00 host {message.lstrip('<0123456789>')}\nother line\n")
        allow_changes_to_the_audit_trail("update")
        key_id, key = self.audit_key()
        rewrite(self.chain, 3, key=key, key_id=key_id, change=lambda e: e.detail.update(x=1))
        _, err = verify("--no-anchor-file", "--anchors", str(export))
        self.assertIn("syslog-export.log:1", err)


class UnkeyedEntriesTest(TestCase):
    """Entries written before the trail was keyed stay verifiable, sealed by a keyed entry."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def legacy_chain(self, n: int) -> AuditChain:
        chain = AuditChain.objects.create(key=f"org:{self.cast.org.pk}")
        previous = audit_seal.GENESIS
        for sequence in range(1, n + 1):
            event = AuditEvent(
                chain=chain,
                sequence=sequence,
                organization_id=self.cast.org.pk,
                at=T0 + datetime.timedelta(minutes=sequence),
                action=audit.Action.VIEW,
                object_type="people.person",
                object_uuid=uuid.uuid4(),
                previous_hash=previous,
            )
            event.hash = audit_seal.legacy_digest(previous, audit_seal.payload_of(event))
            event.save()
            previous = event.hash
        AuditChain.objects.filter(pk=chain.pk).update(length=n, last_hash=previous)
        return chain

    def test_an_unsealed_chain_is_reported_and_sealing_it_makes_it_verify(self) -> None:
        self.legacy_chain(3)
        _, err = verify()
        self.assertIn("entry 1: entries 1 to 3, at the end of the chain, are not sealed", err)
        self.assertEqual(audit_seal.seal_open_chains(), 1)
        self.assertEqual(audit_seal.seal_open_chains(), 0)
        seal = AuditEvent.objects.get(sequence=4)
        self.assertEqual((seal.action, seal.key_id), ("audit_sealed", audit_seal.current_key_id()))
        out, err = verify()
        self.assertEqual(err, "")
        self.assertIn("Checked 4 audit events.", out)

    def test_sealed_unkeyed_entries_cannot_be_rewritten(self) -> None:
        self.legacy_chain(3)
        audit_seal.seal_open_chains()
        allow_changes_to_the_audit_trail("update")
        chain = f"org:{self.cast.org.pk}"
        events = list(AuditEvent.objects.filter(chain__key=chain, sequence__lte=3))
        previous = audit_seal.GENESIS
        for event in sorted(events, key=lambda e: e.sequence):
            if event.sequence == 2:
                event.action = "list"
            event.hash = audit_seal.legacy_digest(previous, audit_seal.payload_of(event))
            AuditEvent.objects.filter(pk=event.pk).update(
                action=event.action, previous_hash=previous, hash=event.hash
            )
            previous = event.hash
        _, err = verify()
        self.assertIn(f"chain {chain}, entry 4: broken link", err)

    def test_the_audit_key_must_not_be_the_master_key(self) -> None:
        from django.conf import settings
        from django.core.exceptions import ImproperlyConfigured

        with (
            override_settings(SALVAGUARDA_AUDIT_KEY=settings.SALVAGUARDA_MASTER_KEY),
            self.assertRaisesRegex(ImproperlyConfigured, "must not be a master key"),
        ):
            audit.record(action=audit.Action.LOGIN, actor=self.cast.caseworker)

    def test_a_former_audit_key_still_verifies_its_entries(self) -> None:
        from django.conf import settings

        audit.record(action=audit.Action.LOGIN, actor=self.cast.caseworker)
        former = settings.SALVAGUARDA_AUDIT_KEY
        new = crypto.encode_key(crypto.new_key())
        with override_settings(SALVAGUARDA_AUDIT_KEY=new, SALVAGUARDA_PREVIOUS_AUDIT_KEYS=[former]):
            audit.record(action=audit.Action.LOGIN, actor=self.cast.caseworker)
            self.assertEqual(verify()[1], "")
        with override_settings(SALVAGUARDA_AUDIT_KEY=new, SALVAGUARDA_PREVIOUS_AUDIT_KEYS=[]):
            _, err = verify()
            self.assertIn("entry 1: made with audit key", err)
            self.assertIn("which is not configured", err)
            # A missing key is a problem of the settings, not a sign of tampering.
            self.assertIn("cannot be verified", err)
            self.assertNotIn("tampered", err)


class RestoreAgainstAnchorsTest(BackupCase):
    """A real backup restored into a fresh database, judged against anchors newer than it."""

    def setUp(self) -> None:
        super().setUp()
        self.file = self.folder / "anchors" / "audit-anchors.jsonl"
        self.enterContext(override_settings(SALVAGUARDA_AUDIT_ANCHOR_FILE=str(self.file)))
        self.chain = f"org:{self.cast.org.pk}"

    def record(self, n: int) -> None:
        for _ in range(n):
            audit.record(
                action=audit.Action.VIEW,
                actor=self.cast.caseworker,
                organization_id=self.cast.org.pk,
                object_type="people.person",
                object_uuid=uuid.uuid4(),
            )

    def test_an_older_backup_restores_and_the_chains_go_on_from_it(self) -> None:
        anchors.anchor_write()
        made = self.make()
        self.record(3)
        anchors.anchor_write()  # after the backup: its last entries are not in the backup
        with self.restored():
            report = backup_restore(made.path, key=BACKUP_KEY, sample=5)
            self.assertEqual(report.problems, [])
            self.assertTrue(
                any("written after the backup" in note for note in report.notes), report.notes
            )
            self.assertEqual(anchors.last_written().kind, "restored")  # type: ignore[union-attr]
            self.record(2)
            out, err = verify()
            self.assertEqual(err, "")
            self.assertIn("hold entries lost with that restore", out)

    def test_each_backup_is_anchored(self) -> None:
        from salvaguarda.core.backup.service import backup_run

        run = backup_run(directory=self.folder / "backups")
        last = anchors.last_written()
        assert last is not None
        self.assertEqual((last.kind, last.detail), ("backup", {"backup": run.made.path.name}))
        self.assertEqual(last.heads, anchors.current_heads())

    def test_a_backup_of_a_rewritten_trail_is_reported(self) -> None:
        self.record(2)
        anchors.anchor_write()
        with enabled_again_after():
            allow_changes_to_the_audit_trail("update")
            key_id, key = next(iter(audit_seal.keys_for("chain").items()))
            rewrite(self.chain, 1, key=key, key_id=key_id, change=lambda e: e.detail.update(x=1))
        made = self.make()
        with self.restored():
            report = backup_restore(made.path, key=BACKUP_KEY, sample=5)
            self.assertTrue(
                any("the trail was rewritten after that anchor" in p for p in report.problems),
                report.problems,
            )
            last = anchors.last_written()
            self.assertEqual(last.kind if last else None, "manual", "no restored anchor")


@contextmanager
def enabled_again_after() -> Iterator[None]:
    """The tests' PostgreSQL database is shared by the tests after this one: the trigger a
    test disabled is enabled again (SQLite's is in the test's own copy of the file)."""
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only"
                )
