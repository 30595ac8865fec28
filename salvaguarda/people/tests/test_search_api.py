"""The API's search finds people as the list page does: a birth date ranks, weak matches
come apart."""

import datetime

from django.test import TestCase

from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person


class SearchApiTest(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        names = {"given_names": "Rosa María", "first_surname": "Mejía", "second_surname": "Paz"}
        cls.older = make_person(
            cls.cast.org,
            by,
            **names,
            date_of_birth=datetime.date(1975, 2, 3),
            birth_precision="exact",
        )
        cls.younger = make_person(
            cls.cast.org,
            by,
            **names,
            date_of_birth=datetime.date(1999, 7, 8),
            birth_precision="exact",
        )
        cls.cousin = make_person(cls.cast.org, by, given_names="Ramón", first_surname="Mejía")
        cls.secret = cls.token_for(by)

    def search(self, **body: str) -> dict[str, list[dict[str, str]]]:
        response = self.call("post", "/people/search", body)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def uuids(self, people: list[dict[str, str]]) -> list[str]:
        return [person["uuid"] for person in people]

    def test_a_birth_date_puts_the_namesake_born_then_first(self) -> None:
        for birth, expected in [
            ("03/02/1975", self.older),
            ("1999", self.younger),
            ("51", self.older),
        ]:
            with self.subTest(birth=birth):
                found = self.search(name="rosa maria mejia", birth=birth)
                self.assertEqual(found["results"][0]["uuid"], str(expected.uuid))

    def test_weak_matches_are_apart_and_nobody_is_lost(self) -> None:
        found = self.search(name="Rosa Maria Mejia Paz")
        self.assertEqual(
            set(self.uuids(found["results"])), {str(self.older.uuid), str(self.younger.uuid)}
        )
        self.assertEqual(self.uuids(found["others"]), [str(self.cousin.uuid)])

    def test_an_unreadable_birth_date_is_refused_by_field(self) -> None:
        response = self.call("post", "/people/search", {"name": "Rosa", "birth": "ayer"})
        self.assertEqual(response.status_code, 422)
        self.assertEqual(list(response.json()["errors"]), ["birth"])
