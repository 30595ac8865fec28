"""Backups restore: on the engine the suite runs on (SQLite, or PostgreSQL with DATABASE_URL).

The source is a database with organizations, people, hearings, incidents and evidence files
written through the services; the backup is restored into a fresh database (SQLite: a new
file; PostgreSQL: a new database created here and dropped after) and a fresh evidence folder.
"""

import datetime
import fcntl
import io
import os
import random
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock, skipUnless

from django.db import OperationalError, connections
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.utils import timezone
from PIL import Image

from bench import names
from salvaguarda.accounts.models import Organization
from salvaguarda.core import keys
from salvaguarda.core.backup import archive, postgres, restore, sqlite, staging, stream
from salvaguarda.core.backup.restore import backup_restore
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.incidents import services as incidents
from salvaguarda.incidents.models import EvidenceFile
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.lib import crypto
from salvaguarda.people.models import Person

BACKUP_KEY = crypto.new_key()
CHUNK = 64 * 1024  # small chunks: a backup of a few MB spans many frames


def photo(seed: int, kind: str = "JPEG") -> bytes:
    rng = random.Random(seed)  # noqa: S311
    image = Image.new("RGB", (64 + seed % 50, 48), (rng.randrange(256), 90, rng.randrange(256)))
    for x in range(0, image.width, 3):
        image.putpixel((x, x % image.height), (rng.randrange(256), 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def person_data(rng: random.Random) -> dict[str, Any]:
    nationality = rng.choice([code for code, _share in names.NATIONALITIES])
    sex = rng.choice(["female", "male"])
    child = rng.random() < 0.3
    data = {
        "given_names": names.given_names(rng, nationality, sex, child),
        "first_surname": names.surname(rng, nationality),
        "sex": sex,
    }
    if names.has_second_surname(nationality):
        data["second_surname"] = names.surname(rng, nationality)
    return data


def live_counts() -> dict[str, int]:
    """Every table's rows, read past the ORM and past row-level security (the test's role
    is the cluster's superuser on PostgreSQL)."""
    connection = connections["default"]
    with connection.cursor() as cursor:
        found = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = cursor.fetchone()[0]
    return found


def populate(cast: Cast, rng: random.Random, evidence: dict[str, bytes]) -> list[Person]:
    people = []
    for org, by in ((cast.org, cast.caseworker), (cast.other_org, cast.outsider)):
        for _ in range(6):
            people.append(make_person(org, by, **person_data(rng)))
        case = make_case(org, by, people[-1])
        first = timezone.now().replace(hour=16, minute=30, second=0, microsecond=0)
        for week in range(1, 4):
            make_hearing(case, by, first + datetime.timedelta(days=7 * week, hours=week))
        uploads = []
        for index in range(2):
            data = photo(rng.randrange(1000), "PNG" if index else "JPEG")
            name = f"evidencia-{org.short_name}-{index}.{'png' if index else 'jpg'}"
            evidence[name] = data
            uploads.append(incidents.Upload(source=io.BytesIO(data), name=name))
        make_incident(org, by, person=people[-2], uploads=uploads)
    return people


class BackupCase(TransactionTestCase):
    """A populated database, an evidence folder and a backup folder of the test's own."""

    def setUp(self) -> None:
        super().setUp()
        self.folder = Path(self.enterContext(_temporary_folder()))
        self.enterContext(override_settings(SALVAGUARDA_EVIDENCE_DIR=self.folder / "evidence"))
        if connections["default"].vendor == "sqlite":
            # As in production: a database file in WAL mode, not the suite's in-memory one.
            self.enterContext(_file_database(self.folder / "source.sqlite3"))
        keys.forget_cached_keys()
        self.cast = Cast.build()
        self.evidence: dict[str, bytes] = {}
        rng = random.Random(16)  # noqa: S311
        self.people = populate(self.cast, rng, self.evidence)

    def tearDown(self) -> None:
        keys.forget_cached_keys()
        super().tearDown()

    def make(self, **kwargs: Any) -> archive.Made:
        return archive.backup_make(
            directory=self.folder / "backups",
            key=BACKUP_KEY,
            evidence_dir=self.folder / "evidence",
            **kwargs,
        )

    @contextmanager
    def restored(self) -> Iterator[Path]:
        """Inside: the default database is a fresh empty one, the evidence folder a new one."""
        target_folder = self.folder / "restored-evidence"
        with (
            _fresh_database(self.folder / "restored.sqlite3"),
            override_settings(SALVAGUARDA_EVIDENCE_DIR=target_folder),
        ):
            keys.forget_cached_keys()
            try:
                yield target_folder
            finally:
                keys.forget_cached_keys()


class BackupAndRestoreTests(BackupCase):
    def test_a_populated_database_restores_with_every_table_counted_and_values_decrypted(
        self,
    ) -> None:
        before = live_counts()
        made = self.make()
        self.assertEqual({t: n for t, n in made.manifest["tables"].items() if t in before}, before)
        self.assertGreater(made.manifest["tables"]["people_person"], 0)
        self.assertEqual(made.manifest["evidence"]["files_stored"], 4)
        head = self.people[0]
        with organization_scope(head.organization_id):
            expected_names = (head.given_names, head.first_surname)
        with self.restored() as folder:
            report = backup_restore(made.path, key=BACKUP_KEY, sample=50)
            self.assertEqual(report.problems, [])
            self.assertEqual(live_counts(), before)
            self.assertEqual(report.files_restored, 4)
            self.assertEqual(report.files_checked, 4)
            self.assertGreater(report.values_decrypted, 40)
            with organization_scope(head.organization_id):
                restored = Person.objects.get(uuid=head.uuid)
                self.assertEqual((restored.given_names, restored.first_surname), expected_names)
            for organization in Organization.objects.exclude(short_name="RED"):
                with organization_scope(organization.pk):
                    for row in EvidenceFile.objects.all():
                        clear = b"".join(incidents.evidence_chunks(row))
                        self.assertEqual(clear, self.evidence[row.original_name])
                        self.assertTrue((folder / str(organization.pk) / row.stored_name).is_file())

    def test_one_backup_at_a_time_and_a_killed_one_leaves_nothing_in_clear(self) -> None:
        folder = self.folder / "backups"
        (folder / ".staging-killed").mkdir(parents=True)
        (folder / ".staging-killed" / "database.sqlite3").write_bytes(b"SQLite format 3")
        (folder / ".salvaguarda-20260101T000000Z.sgbackup.partial").write_bytes(b"SGB1")
        lock = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with self.assertRaisesMessage(stream.BackupError, "Another backup"):
                self.make()
        finally:
            os.close(lock)
        made = self.make()
        self.assertEqual(sorted(p.name for p in folder.iterdir()), [".lock", made.path.name])

    def test_restore_refuses_a_database_that_is_not_empty(self) -> None:
        made = self.make()
        with self.assertRaisesMessage(stream.BackupError, "is not empty"):
            backup_restore(made.path, key=BACKUP_KEY)

    def test_restore_refuses_an_evidence_folder_that_is_not_empty(self) -> None:
        made = self.make()
        with self.restored() as folder:
            (folder / "7").mkdir(parents=True)
            with self.assertRaisesMessage(stream.BackupError, "evidence folder"):
                backup_restore(made.path, key=BACKUP_KEY)
            self.assertEqual(live_counts().get("people_person", 0), 0)

    def test_restore_refuses_a_backup_whose_master_key_is_not_configured(self) -> None:
        made = self.make()
        other = crypto.encode_key(crypto.new_key())
        with (
            self.restored(),
            override_settings(SALVAGUARDA_MASTER_KEY=other, SALVAGUARDA_PREVIOUS_MASTER_KEYS=[]),
        ):
            with self.assertRaisesMessage(stream.BackupError, "which is not configured"):
                backup_restore(made.path, key=BACKUP_KEY)
            self.assertEqual(live_counts().get("people_person", 0), 0)

    def test_a_restored_value_that_does_not_decrypt_is_reported(self) -> None:
        made = self.make()
        with self.restored():
            # The restore itself succeeds; a value altered in the restored data is caught.
            real = restore._check_counts

            def check_counts_then_alter(report: restore.Restored) -> None:
                real(report)
                with connections["default"].cursor() as cursor:
                    cursor.execute(
                        "UPDATE people_person SET given_names = %s WHERE id = %s",
                        [self._swapped_ciphertext(), self.people[0].pk],
                    )

            with mock.patch.object(restore, "_check_counts", check_counts_then_alter):
                report = backup_restore(made.path, key=BACKUP_KEY, sample=50)
        self.assertEqual(len(report.problems), 1)
        self.assertIn("given_names", report.problems[0])

    def _swapped_ciphertext(self) -> str:
        """Another person's name, copied onto the first person: it must not decrypt there."""
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT given_names FROM people_person WHERE id = %s", [self.people[1].pk]
            )
            return str(cursor.fetchone()[0])


class DamagedBackupTests(BackupCase):
    def setUp(self) -> None:
        super().setUp()
        self.made = self.make(chunk_size=CHUNK)
        self.data = self.made.path.read_bytes()

    def refused(self, data: bytes, *, key: bytes = BACKUP_KEY) -> stream.BackupError:
        """Inside `self.restored()`: restoring DATA fails and leaves the database empty."""
        damaged = self.folder / "damaged.sgbackup"
        damaged.write_bytes(data)
        with self.assertRaises(stream.BackupError) as caught:
            backup_restore(damaged, key=key)
        self.assertEqual(live_counts().get("people_person", 0), 0)
        self.assertFalse((self.folder / "restored-evidence").exists())
        return caught.exception

    def test_a_backup_opened_with_another_key_is_refused(self) -> None:
        with self.restored():
            error = self.refused(self.data, key=crypto.new_key())
        self.assertIsInstance(error, stream.WrongBackupKey)

    def test_one_changed_byte_anywhere_is_refused(self) -> None:
        # In the header's salt, the first frame, the middle, the last frame's tag.
        positions = (7, stream.HEADER.size + 40, len(self.data) // 2, len(self.data) - 1)
        with self.restored():
            for position in positions:
                with self.subTest(position=position):
                    data = bytearray(self.data)
                    data[position] ^= 0x01
                    self.assertIsInstance(self.refused(bytes(data)), stream.BackupDamaged)

    def test_a_backup_cut_short_is_refused(self) -> None:
        frame = CHUNK + stream.NONCE_BYTES + stream.TAG_BYTES
        self.assertGreater(len(self.data), stream.HEADER.size + 3 * frame)
        # At a frame's end (the frames left all authenticate; the last is not marked last),
        # and within the last frame.
        with self.restored():
            for length in (stream.HEADER.size + 2 * frame, len(self.data) - 100):
                with self.subTest(length=length):
                    self.assertIsInstance(self.refused(self.data[:length]), stream.BackupDamaged)

    def test_the_encrypted_file_holds_no_name_in_clear(self) -> None:
        self.assertNotIn(b"people_person", self.data)
        self.assertNotIn(b"CREATE TABLE", self.data)
        self.assertNotIn(b"persona", self.data)


class InterruptedRestoreTests(BackupCase):
    """A restore that fails half-way leaves the target as it found it, and what a killed one
    left in clear (its staging folder) is removed by the next restore or backup."""

    def setUp(self) -> None:
        super().setUp()
        self.made = self.make()

    def leftover(self) -> Path:
        """The staging folder of a restore killed by SIGKILL: a clear copy of the database."""
        killed = self.folder / f"{staging.PREFIX}k1ll3d"
        (killed / "evidence" / "1").mkdir(parents=True)
        (killed / sqlite.PART).write_bytes(b"SQLite format 3\x00 people in clear")
        (killed / "evidence" / "1" / "a.bin").write_bytes(b"\xff\xd8 a photo in clear")
        return killed

    def staging_folders(self) -> list[str]:
        return sorted(p.name for p in self.folder.glob(f"{staging.PREFIX}*"))

    def another_backup(self) -> archive.Made:
        """A backup run (into a folder of its own: setUp's is of the same second)."""
        return archive.backup_make(
            directory=self.folder / "more-backups",
            key=BACKUP_KEY,
            evidence_dir=self.folder / "evidence",
        )

    @skipUnless(connections["default"].vendor == "sqlite", "the SQLite file")
    def test_a_restore_stopped_while_writing_the_database_leaves_no_file(self) -> None:
        real_connect = sqlite3.connect

        class CutShort:
            """The backup's database part, whose copy stops after its first pages (a full
            disk, an I/O error)."""

            def __init__(self, connection: sqlite3.Connection) -> None:
                self.connection = connection

            def backup(self, target: sqlite3.Connection, **_kwargs: Any) -> None:
                def stop(_status: int, remaining: int, _total: int) -> None:
                    raise sqlite3.OperationalError("database or disk is full")

                self.connection.backup(target, pages=4, progress=stop)

            def __getattr__(self, name: str) -> Any:
                return getattr(self.connection, name)

        def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
            connection = real_connect(database, *args, **kwargs)
            if str(database).endswith(f"/{sqlite.PART}?mode=ro"):
                return CutShort(connection)
            return connection

        with self.restored() as evidence:
            target = Path(connections["default"].settings_dict["NAME"])
            with (
                mock.patch("sqlite3.connect", connect),
                self.assertRaisesMessage(sqlite3.OperationalError, "disk is full"),
            ):
                backup_restore(self.made.path, key=BACKUP_KEY)
            self.assertFalse(target.exists())
            self.assertEqual(sorted(p.name for p in target.parent.glob(f"*{target.name}*")), [])
            self.assertFalse(evidence.exists())
            self.assertEqual(self.staging_folders(), [])
            # Nothing in the way of the next attempt, which restores everything.
            report = backup_restore(self.made.path, key=BACKUP_KEY)
            self.assertEqual(report.problems, [])

    def test_a_restore_stopped_among_the_evidence_files_takes_them_back(self) -> None:
        real_move = shutil.move
        moved: list[Any] = []

        def move_then_fail(source: Any, target: Any) -> Any:
            if len(moved) == 2:
                raise OSError(28, "No space left on device")
            moved.append(target)
            return real_move(source, target)

        with self.restored() as evidence:
            vendor = connections["default"].vendor
            target = Path(connections["default"].settings_dict["NAME"])
            with (
                mock.patch("shutil.move", move_then_fail),
                self.assertRaisesMessage(OSError, "No space left"),
            ):
                backup_restore(self.made.path, key=BACKUP_KEY)
            self.assertEqual(len(moved), 2)
            self.assertFalse(evidence.exists())
            self.assertEqual(self.staging_folders(), [])
            if vendor == "sqlite":
                self.assertFalse(target.exists())
                report = backup_restore(self.made.path, key=BACKUP_KEY)
                self.assertEqual((report.problems, report.files_restored), ([], 4))

    def test_the_next_restore_removes_what_a_killed_one_left(self) -> None:
        self.leftover()
        said: list[str] = []
        with self.restored():
            report = backup_restore(self.made.path, key=BACKUP_KEY, say=said.append)
            self.assertEqual(report.problems, [])
        self.assertEqual(self.staging_folders(), [])
        self.assertIn("Removed 1 staging folder(s) an interrupted restore left behind.", said)

    def test_a_backup_removes_what_a_killed_restore_left(self) -> None:
        self.leftover()
        self.another_backup()
        self.assertEqual(self.staging_folders(), [])

    def test_the_staging_folder_of_a_running_restore_is_left_alone(self) -> None:
        running = self.leftover()
        lock = os.open(self.folder / staging.LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)  # as the running restore holds it
            self.another_backup()
            self.assertEqual(self.staging_folders(), [running.name])
            with (
                self.restored(),
                self.assertRaisesMessage(stream.BackupError, "Another restore is running"),
            ):
                backup_restore(self.made.path, key=BACKUP_KEY)
            self.assertTrue((running / sqlite.PART).is_file())
        finally:
            os.close(lock)


class BackupUnderWritesTests(BackupCase):
    def test_a_backup_taken_while_people_are_registered_restores_consistent(self) -> None:
        stop = threading.Event()
        written: list[int] = []
        settings_dict = dict(connections["default"].settings_dict)
        org, by = self.cast.org, self.cast.caseworker

        def register() -> None:
            rng = random.Random(99)  # noqa: S311
            with _own_connection(settings_dict):
                while not stop.is_set():
                    try:
                        written.append(make_person(org, by, **person_data(rng)).pk)
                    except OperationalError:
                        continue  # SQLite busy: the next one

        def wait_for(count: int) -> None:
            while len(written) < count:
                threading.Event().wait(0.01)

        real_snapshot = postgres.dump if connections["default"].vendor == "postgresql" else None
        writer = threading.Thread(target=register)
        writer.start()
        try:
            wait_for(3)
            if real_snapshot is not None:
                # People registered after the snapshot is taken, while it is dumped and counted.
                def dump_later(*args: Any) -> str:
                    wait_for(len(written) + 3)
                    return real_snapshot(*args)

                with mock.patch.object(postgres, "dump", dump_later):
                    made = self.make()
            else:
                made = self.make()
            wait_for(len(written) + 3)
        finally:
            stop.set()
            writer.join()
        in_backup = made.manifest["tables"]["people_person"]
        self.assertLess(in_backup, live_counts()["people_person"])
        with self.restored():
            report = backup_restore(made.path, key=BACKUP_KEY, sample=200)
            self.assertEqual(report.problems, [])
            self.assertEqual(live_counts()["people_person"], in_backup)


class RetentionTests(TransactionTestCase):
    def test_pruning_keeps_the_newest_backups_and_nothing_else_is_touched(self) -> None:
        folder = Path(self.enterContext(_temporary_folder()))
        stamps = ["20260101T020000Z", "20260102T020000Z", "20260103T020000Z", "20260104T020000Z"]
        for stamp in reversed(stamps):
            (folder / f"salvaguarda-{stamp}.sgbackup").write_bytes(b"x")
        (folder / "notes.txt").write_text("keep me")
        removed = archive.backups_prune(folder, 2)
        self.assertEqual(
            [p.name for p in removed], [f"salvaguarda-{s}.sgbackup" for s in stamps[:2]]
        )
        self.assertEqual(
            sorted(p.name for p in folder.iterdir()),
            ["notes.txt"] + [f"salvaguarda-{s}.sgbackup" for s in stamps[2:]],
        )


@contextmanager
def _temporary_folder() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="salvaguarda-backup-test-") as folder:
        yield folder


def connection_to(settings_dict: dict[str, Any]) -> Any:
    """A new connection (not yet open) to the database SETTINGS_DICT describes."""
    return connections["default"].__class__(settings_dict, alias="default")


@contextmanager
def swapped_default(connection: Any) -> Iterator[None]:
    """In this thread, CONNECTION is the default database; closed and put back after."""
    previous = connections["default"]
    connections["default"] = connection
    try:
        yield
    finally:
        connection.close()
        connections["default"] = previous


@contextmanager
def _own_connection(settings_dict: dict[str, Any]) -> Iterator[None]:
    """In a thread: the same database, through a connection of the thread's own."""
    with swapped_default(connection_to(settings_dict)):
        yield


@contextmanager
def _file_database(path: Path) -> Iterator[None]:
    """SQLite: the suite's database copied to a WAL file, used as the default database."""
    source = connections["default"]
    source.ensure_connection()
    target = sqlite3.connect(path)
    source.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    with swapped_default(connection_to({**source.settings_dict, "NAME": str(path)})):
        yield


@contextmanager
def _fresh_database(sqlite_path: Path) -> Iterator[None]:
    """A new empty database as the default one: a new SQLite file, or a new PostgreSQL
    database dropped afterwards."""
    source = connections["default"]
    if source.vendor == "sqlite":
        with swapped_default(connection_to({**source.settings_dict, "NAME": str(sqlite_path)})):
            yield
        return
    name = f"{source.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with source.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        with swapped_default(connection_to({**source.settings_dict, "NAME": name})):
            yield
    finally:
        with source.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class StreamTests(SimpleTestCase):
    """The encrypted container alone: what comes out is what went in, or nothing."""

    def setUp(self) -> None:
        self.folder = Path(self.enterContext(_temporary_folder()))
        self.clear = random.Random(5).randbytes(10 * 1000 + 17)  # noqa: S311
        self.path = self.folder / "stream.sgbackup"
        with stream.EncryptingWriter(self.path, BACKUP_KEY, chunk_size=1000) as writer:
            for start in range(0, len(self.clear), 333):
                writer.write(self.clear[start : start + 333])

    def read(self, data: bytes | None = None) -> bytes:
        if data is not None:
            self.path.write_bytes(data)
        with stream.DecryptingReader(self.path, BACKUP_KEY) as reader:
            return b"".join(iter(lambda: reader.read(777), b""))

    def test_what_is_read_back_is_what_was_written(self) -> None:
        self.assertEqual(self.read(), self.clear)

    def test_frames_removed_from_the_end_are_found(self) -> None:
        data = self.path.read_bytes()
        frame = 1000 + stream.NONCE_BYTES + stream.TAG_BYTES
        for frames in (1, 2):
            with self.subTest(frames=frames):
                cut = data[: len(data) - (len(data) - stream.HEADER.size) % frame - frames * frame]
                with self.assertRaisesMessage(stream.BackupDamaged, "fails its authentication"):
                    self.read(cut)

    def test_frames_swapped_are_found(self) -> None:
        data = self.path.read_bytes()
        frame = 1000 + stream.NONCE_BYTES + stream.TAG_BYTES
        first = stream.HEADER.size
        swapped = (
            data[:first]
            + data[first + frame : first + 2 * frame]
            + data[first : first + frame]
            + data[first + 2 * frame :]
        )
        with self.assertRaisesMessage(stream.BackupDamaged, "chunk 0"):
            self.read(swapped)

    def test_a_failed_write_leaves_no_file(self) -> None:
        target = self.folder / "never.sgbackup"
        with self.assertRaises(RuntimeError), stream.EncryptingWriter(target, BACKUP_KEY) as out:
            out.write(b"half a backup")
            raise RuntimeError("disk full")
        self.assertEqual(sorted(p.name for p in self.folder.iterdir()), ["stream.sgbackup"])
