"""`rotate_keys` while the application serves: requests in other threads (each with its own
database connection, as other processes would have) register and rename people before, during
and after the rotation; afterwards every value and every blind index is under the new key.

On SQLite the database is a WAL file, as in production (the suite's in-memory one cannot be
shared by threads that write).
"""

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from django.db import connections
from django.test import Client, TransactionTestCase
from django.urls import reverse

from salvaguarda.core import keys, rotation
from salvaguarda.core.fields import blind_index_fields, encrypted_fields
from salvaguarda.core.models import OrganizationKey
from salvaguarda.core.scoping import organization_scope, scope_state
from salvaguarda.core.tests.helpers import Cast, make_person, registration, sign_in
from salvaguarda.core.tests.test_backup import (
    _file_database,
    _own_connection,
    _temporary_folder,
)
from salvaguarda.people.models import Person


def forget_own_scope_only() -> None:
    state = scope_state()
    if state is not None:
        state.pop("keys", None)


NAMES = ["Ana", "Luis", "Karla", "Wilson", "Dayana", "Jean", "Yeni", "Óscar"]


class RotationWhileServingTest(TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = Path(self.enterContext(_temporary_folder()))
        if connections["default"].vendor == "sqlite":
            self.enterContext(_file_database(folder / "live.sqlite3"))
        keys.forget_cached_keys()
        self.addCleanup(keys.forget_cached_keys)
        self.cast = Cast.build()
        self.people = [
            make_person(self.cast.org, self.cast.caseworker, given_names=name, first_surname="Paz")
            for name in NAMES
        ]
        self.settings_dict = dict(connections["default"].settings_dict)
        self.errors: list[str] = []
        self.started = 0  # requests begun since the rotation started (one per thread at least)
        self.rotating = threading.Event()
        self.stop = threading.Event()

    def serve(self, request: Callable[[Client, int], Any]) -> None:
        """Send requests from this thread until told to stop."""
        with _own_connection(self.settings_dict):
            client = sign_in(Client(), self.cast.caseworker)
            n = 0
            while not self.stop.is_set():
                n += 1
                if self.rotating.is_set():
                    self.started += 1
                response = request(client, n)
                if response.status_code not in (200, 302):
                    self.errors.append(f"{response.status_code} {response.content[:200]!r}")

    def register(self, client: Client, n: int) -> Any:
        member = {"given_names": f"Nueva {NAMES[n % len(NAMES)]}", "first_surname": "Durante"}
        return client.post(reverse("people:create"), registration(member))

    def rename(self, client: Client, n: int) -> Any:
        with organization_scope(self.cast.org.pk):
            person = Person.objects.get(pk=self.people[n % len(self.people)].pk)
            person.first_surname = f"Cambiado {n}"
            person.save()
        return type("Saved", (), {"status_code": 200})()

    def search(self, client: Client, n: int) -> Any:
        # The search is a POST that leads to its results page (a name never in a URL).
        return client.post(reverse("people:list"), {"name": NAMES[n % len(NAMES)]}, follow=True)

    def test_values_and_blind_indexes_written_during_a_rotation_are_under_the_new_key(
        self,
    ) -> None:
        def slow_hook(organization_id: int) -> None:
            # Hold the organization's rotation open until requests have come in meanwhile.
            if organization_id == self.cast.org.pk:
                self.rotating.set()
                waited = threading.Event()
                for _ in range(200):
                    if self.started >= 3:
                        break
                    waited.wait(0.02)
                waited.wait(0.3)

        threads = [
            threading.Thread(target=self.serve, args=(action,))
            for action in (self.register, self.rename, self.search)
        ]
        for thread in threads:
            thread.start()
        try:
            threading.Event().wait(0.5)
            rotation.AFTER_ORGANIZATION_ROTATION.append(slow_hook)
            try:
                # As if `rotate_keys` ran in a process of its own: it forgets nothing the
                # serving threads keep (the keys this process keeps are theirs).
                with mock.patch.object(keys, "forget_cached_keys", forget_own_scope_only):
                    rotation.rotate_keys()
            finally:
                rotation.AFTER_ORGANIZATION_ROTATION.remove(slow_hook)
            threading.Event().wait(0.5)  # and requests after it
        finally:
            self.stop.set()
            for thread in threads:
                thread.join()
        self.assertEqual(self.errors, [])
        self.assertGreaterEqual(self.started, 3)
        registered = Person.unscoped.filter(
            organization=self.cast.org, created_at__gt=self.people[-1].created_at
        )
        self.assertGreater(registered.count(), 0)
        self.assert_everything_under_the_active_key()

    def assert_everything_under_the_active_key(self) -> None:
        keys.forget_cached_keys()
        org = self.cast.org.pk
        active = OrganizationKey.objects.get(organization_id=org, is_active=True).key_id
        stale = []
        checked = 0
        with organization_scope(org):
            for spec in rotation.encrypted_models():
                rows = spec.model._base_manager.filter(organization_id=org)
                for row in rows:
                    for field in encrypted_fields(spec.model):
                        token = row.__dict__.get(field.attname)
                        if token is not None and token.key_id != active:
                            stale.append(f"{spec.model.__name__} {row.pk} {field.attname}")
                        checked += token is not None
                    for index in blind_index_fields(spec.model):
                        stored = row.__dict__.get(index.attname)
                        if stored != index.lookup_value(org, getattr(row, index.source)):
                            stale.append(f"{spec.model.__name__} {row.pk} {index.attname}")
                        checked += 1
        self.assertEqual(stale, [])
        self.assertGreater(checked, 2 * len(NAMES))
