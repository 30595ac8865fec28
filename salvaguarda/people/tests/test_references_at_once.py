"""Families registered at the same moment get references of their own (the mixed load test of
bench/load.py found two registrations at once on PostgreSQL given the same one)."""

import threading
from typing import Any

from django.db import connections

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.core.tests.test_sqlite_reads import OnAFileDatabase
from salvaguarda.people.models import Household, Person
from salvaguarda.people.services import Arrival, MemberData, household_register


class ReferencesAtOnceTest(OnAFileDatabase):
    def test_eight_registrations_at_once_are_all_saved_with_their_own_references(self) -> None:
        cast = Cast.build()
        start = threading.Barrier(8)
        results: list[Any] = [None] * 8

        def register(n: int) -> None:
            try:
                start.wait(30)
                with organization_scope(cast.org.pk):
                    household = household_register(
                        by=cast.caseworker,
                        members=[MemberData({"given_names": f"Persona {n}"})],
                        arrival=Arrival(city="tijuana", consent_given=True),
                    )
                results[n] = household.reference
            except Exception as error:  # noqa: BLE001 - reported below
                results[n] = error
            finally:
                connections.close_all()

        threads = [threading.Thread(target=register, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual([r for r in results if not isinstance(r, str)], [])
        self.assertEqual(len(set(results)), 8)
        with organization_scope(cast.org.pk):
            self.assertEqual(Household.objects.count(), 8)
            references = list(Person.objects.values_list("reference", flat=True))
        self.assertEqual(len(set(references)), 8)
