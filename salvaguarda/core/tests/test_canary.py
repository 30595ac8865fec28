"""Identifying values typed into the app never appear in clear outside it."""

import logging
import uuid
from unittest import mock

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salvaguarda.core.tests.helpers import Cast, registration, sign_in


def database_dump() -> str:
    """Every value of every table, as text (bytes in hex): what a SQL dump would hold."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    parts.append(
                        bytes(value).hex() if isinstance(value, bytes | memoryview) else str(value)
                    )
    return "\n".join(parts)


class CanaryTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.given = "Canario" + uuid.uuid4().hex
        self.family = "Centinela" + uuid.uuid4().hex
        self.shelter = "Refugio" + uuid.uuid4().hex
        self.form = registration(
            {
                "given_names": self.given,
                "first_surname": self.family,
                "date_of_birth": "1987-03-09",
                "other_names": self.given + " alias",
            },
            shelter=self.shelter,
        )

    def assert_absent(self, text: str, where: str) -> None:
        self.assertNotIn(self.given, text, where)
        self.assertNotIn(self.family, text, where)
        self.assertNotIn(self.given.lower(), text.lower(), where)
        self.assertNotIn(self.shelter, text, where)

    def test_registered_names_are_not_in_the_database_the_sql_or_the_logs(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        with (
            self.assertLogs(level=logging.DEBUG) as logs,
            CaptureQueriesContext(connection) as queries,
        ):
            logging.getLogger("salvaguarda").debug("start")
            response = client.post(reverse("people:create"), self.form)
            client.get(response["Location"])
            client.post(reverse("people:list"), {"name": self.given}, follow=True)
            # Free text where a caseworker may write a name despite the label's advice.
            noted = client.post(
                response["Location"] + "salvaguardas/",
                {"item": "referrals_made", "done_on": "2024-05-02", "note": "DIF " + self.given},
            )
        self.assertEqual(noted.status_code, 302)
        self.assertContains(client.get(response["Location"]), self.given)
        self.assert_absent(database_dump(), "database")
        self.assert_absent("\n".join(q["sql"] for q in queries.captured_queries), "SQL sent")
        self.assert_absent("\n".join(logs.output), "logs")

    def test_an_error_page_does_not_show_what_was_typed(self) -> None:
        client = sign_in(Client(raise_request_exception=False), self.cast.caseworker)
        with (
            mock.patch(
                "salvaguarda.people.services.household_register", side_effect=RuntimeError("boom")
            ),
            self.assertLogs("django.request", level=logging.ERROR) as logs,
        ):
            response = client.post(reverse("people:create"), self.form)
        self.assertEqual(response.status_code, 500)
        self.assert_absent(response.content.decode(), "500 page")
        self.assert_absent("\n".join(logs.output), "error log")

    def test_a_missing_page_does_not_echo_the_request(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.get(f"/personas/{uuid.uuid4()}/", {"q": self.given})
        self.assertEqual(response.status_code, 404)
        self.assert_absent(response.content.decode(), "404 page")
