"""The list looks filters on returns and needs up in their own tables first."""

import datetime
from itertools import product
from unittest import mock

from django.test import TestCase

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person
from salvaguarda.people import queries
from salvaguarda.people.models import Person, ReturnEvent, SpecificNeed
from salvaguarda.people.queries import PersonFilters


class NewestFirstTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        common = {"organization_id": cls.cast.org.pk, "created_by": by, "modified_by": by}
        with organization_scope(cls.cast.org.pk):
            for n in range(30):
                person = make_person(cls.cast.org, by, given_names=f"Persona {n}")
                Person.objects.filter(pk=person.pk).update(
                    current_city=("tijuana", "matamoros", "mexicali")[n % 3]
                )
                # Early program phases for the people registered first, as in a real network.
                phases = ["MPP1"] if n < 12 else ["MPP2", "MPP3"] if n % 4 == 0 else ["MPP3"]
                for k, phase in enumerate(phases):
                    ReturnEvent.objects.create(
                        person=person,
                        program_phase=phase,
                        returned_on=datetime.date(2019, 3, 1) + datetime.timedelta(days=n * 40 + k),
                        return_point="SYS",
                        mexican_city="tijuana",
                        **common,
                    )
                if n % 5 == 0:
                    SpecificNeed.objects.create(
                        person=person,
                        code="SM",
                        priority="high",
                        identified_on=datetime.date(2024, 1, 1),
                        resolved_on=datetime.date(2024, 6, 1) if n == 10 else None,
                        **common,
                    )

    def test_it_matches_the_plain_query_for_few_or_many_related_rows(self) -> None:
        period = {
            "returned_from": datetime.date(2019, 6, 1),
            "returned_to": datetime.date(2020, 6, 1),
        }
        cases = [
            PersonFilters(),
            PersonFilters(city="matamoros"),
            PersonFilters(program_phase="MPP1"),
            PersonFilters(program_phase="MPP1", city="mexicali"),
            PersonFilters(program_phase="MPP2"),
            PersonFilters(need="SM"),
            PersonFilters(need="SM", program_phase="MPP3"),
            PersonFilters(**period),  # type: ignore[arg-type]
            PersonFilters(city="tijuana", **period),  # type: ignore[arg-type]
            PersonFilters(program_phase="EXPULSION"),
        ]
        pages = [(0, 5), (3, 4), (20, 6)]
        for few, filters, (offset, count) in product((3, 5000), cases, pages):
            with (
                organization_scope(self.cast.org.pk),
                mock.patch.object(queries, "FEW_RELATED", few),
                self.subTest(few=few, filters=filters, offset=offset),
            ):
                plain = (
                    queries.persons_for(None, filters).order_by("-id").values_list("id", flat=True)
                )
                self.assertEqual(
                    [p.pk for p in queries._newest_first(None, filters, offset, count)],
                    list(plain[offset : offset + count]),
                )
