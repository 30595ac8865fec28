"""Read-only pages on SQLite run side by side (`core/sqlite_reads.py`), on a file database in
WAL mode with threads, as gunicorn's workers would: no read waits for another, every read is
audited before its page is returned, no acknowledged write is lost, and the chain holds."""

import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock, skipUnless

from django.db import OperationalError, connection, connections
from django.test import Client, TransactionTestCase, override_settings
from django.urls import reverse

from salvaguarda.accounts.models import Membership
from salvaguarda.core import audit, sqlite_reads
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people import queries as people_queries
from salvaguarda.people.models import ContactChannel, Person
from salvaguarda.people.services import Contact, contact_add

WAIT = 60  # seconds a thread may take before the test gives up on it (never reached when right)


class OnAFileDatabase(TransactionTestCase):
    """On SQLite, the suite's database (migrated, empty) copied to a file in WAL mode, as in
    production: the test's connection and those of the threads it starts use it (and the
    suite's own stays empty, so that it can be emptied after the test despite the audit
    trail's append-only triggers)."""

    def setUp(self) -> None:
        super().setUp()
        if connection.vendor != "sqlite":  # PostgreSQL: the suite's database as it is
            return
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "salvaguarda.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)  # type: ignore[union-attr]
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        original_settings, original = connections.settings, connections["default"]
        self.file_settings = {**original_settings["default"], "NAME": str(path)}
        self.busy_timeout(20)
        mine = original.__class__(self.file_settings, alias="default")
        connections["default"] = mine

        def put_back() -> None:
            mine.close()
            connections["default"] = original
            connections.settings = original_settings

        self.addCleanup(put_back)

    def busy_timeout(self, seconds: float) -> None:
        """How long the connections threads open from now on wait for a lock."""
        options = {**self.file_settings["OPTIONS"], "timeout": seconds}
        connections.settings = {
            **connections.settings,
            "default": {**self.file_settings, "OPTIONS": options},
        }


def in_threads(*works: Callable[[], Any]) -> list[Any]:
    """Run each function in a thread of its own (its own connection); their results, or the
    exception each raised."""
    results: list[Any] = [None] * len(works)

    def run(index: int) -> None:
        try:
            results[index] = works[index]()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return results


@skipUnless(connection.vendor == "sqlite", "SQLite's locking only")
class ReadsSideBySideTest(OnAFileDatabase):
    def setUp(self) -> None:
        super().setUp()
        self.cast = Cast.build()
        self.person = make_person(self.cast.org, self.cast.caseworker)
        self.page = reverse("people:detail", args=[self.person.uuid])
        self.membership = Membership.objects.get(user=self.cast.caseworker)

    def client_of(self, *, raising: bool = True) -> Client:
        client = Client(raise_request_exception=raising)
        return sign_in(client, self.cast.caseworker, self.membership)

    def views_of_person(self) -> int:
        return AuditEvent.objects.filter(action="view", object_uuid=self.person.uuid).count()

    def one_read_held_open(self) -> tuple[Any, Any]:
        """Read A stops inside its transaction, after reading; read B runs meanwhile."""
        inside, release = threading.Event(), threading.Event()
        real = people_queries.person_file_for
        calls: list[int] = []

        def held(*args: Any, **kwargs: Any) -> Any:
            found = real(*args, **kwargs)
            calls.append(1)
            if len(calls) == 1:
                inside.set()
                release.wait(WAIT)
            return found

        # Not raising: the test client hears every thread's request exceptions (a signal).
        a_client, b_client = self.client_of(raising=False), self.client_of(raising=False)
        results: list[Any] = [None, None]

        def read_a() -> int:
            return int(a_client.get(self.page).status_code)

        def read_b() -> int:
            if not inside.wait(WAIT):
                raise AssertionError("read A never started")
            try:
                return int(b_client.get(self.page).status_code)
            finally:
                release.set()

        with mock.patch.object(people_queries, "person_file_for", held):
            results = in_threads(read_a, read_b)
        return results[0], results[1]

    def test_a_read_does_not_wait_for_another_and_both_are_audited(self) -> None:
        # B never needs A's lock, so a long busy timeout costs nothing when it works; in
        # immediate transactions B would wait for A, which waits for B, until it ran out.
        self.busy_timeout(10)
        a, b = self.one_read_held_open()
        self.assertEqual((a, b), (200, 200))
        self.assertEqual(self.views_of_person(), 2)
        checked, problems = audit.verify_chains()
        self.assertEqual(problems, [])
        self.assertGreater(checked, 2)

    @override_settings(SQLITE_DEFERRED_READS=False)
    def test_without_it_the_second_read_waits_for_the_first(self) -> None:
        """The same two reads in immediate transactions: B waits for A's lock, past its busy
        timeout here (what queued every page before)."""
        self.busy_timeout(0.5)
        a, b = self.one_read_held_open()
        self.assertEqual((a, b), (200, 500))  # B: "database is locked"
        self.assertEqual(self.views_of_person(), 1)

    def test_reads_and_writes_at_once_lose_nothing_and_keep_the_chain(self) -> None:
        clients = [self.client_of(raising=False) for _ in range(8)]

        def work(n: int) -> list[Any]:
            done: list[Any] = []
            for step in range(6):
                if (n + step) % 3 == 0:  # a write, as a service runs it
                    with organization_scope(self.cast.org.pk):
                        person = Person.objects.get(pk=self.person.pk)
                        contact_add(
                            by=self.cast.caseworker,
                            person=person,
                            contact=Contact("phone", f"+52664{n:03d}{step:04d}", False),
                        )
                    done.append("wrote")
                else:
                    done.append(clients[n].get(self.page).status_code)
            return done

        answers = in_threads(*[lambda n=n: work(n) for n in range(8)])
        errors = [a for a in answers if isinstance(a, Exception)]
        self.assertEqual(errors, [])
        flat = [x for found in answers for x in found]
        reads = [x for x in flat if x != "wrote"]
        self.assertEqual(set(reads), {200})

        def counts() -> tuple[int, int]:
            with organization_scope(self.cast.org.pk):
                contacts = ContactChannel.objects.filter(person_id=self.person.pk).count()
            return contacts, self.views_of_person()

        self.assertEqual(counts(), (flat.count("wrote"), len(reads)))
        _checked, problems = audit.verify_chains()
        self.assertEqual(problems, [])

    def test_a_read_that_could_not_write_runs_again_as_a_write(self) -> None:
        real = people_queries.person_file_for
        calls: list[int] = []

        def refused_once(*args: Any, **kwargs: Any) -> Any:
            calls.append(1)
            if len(calls) == 1:
                # As SQLite answers a read that tries to write after another write came first.
                with connection.execute_wrapper(_refuse):
                    connection.cursor().execute("SELECT 1")
            return real(*args, **kwargs)

        self.busy_timeout(1)
        client = self.client_of(raising=False)
        with mock.patch.object(people_queries, "person_file_for", refused_once):
            [status] = in_threads(lambda: client.get(self.page).status_code)
        self.assertEqual((status, len(calls)), (200, 2))
        self.assertEqual(self.views_of_person(), 1)


def _refuse(*_args: Any) -> Any:
    raise OperationalError("database is locked")


class OnlyOnSqliteTest(TransactionTestCase):
    def test_it_applies_to_reads_on_sqlite_only(self) -> None:
        read, write = mock.Mock(method="GET"), mock.Mock(method="POST")
        self.assertEqual(sqlite_reads.applies(read), connection.vendor == "sqlite")
        self.assertFalse(sqlite_reads.applies(write))
