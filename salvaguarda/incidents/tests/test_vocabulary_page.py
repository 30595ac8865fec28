"""The vocabulary page: every member may read it, nobody else; it shows every list and mapping."""

import re
from typing import Any

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salvaguarda.accounts.models import User
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.incidents.vocab import (
    ACTS,
    COMMON_ACTS,
    GBV_TYPES,
    INVOLVEMENT,
    LOCAL_PERPETRATORS,
    PERPETRATORS,
    VICTIM_STATUS,
)

URL = "/incidentes/vocabularios/"
MIDDLEWARE_TABLES = {"accounts_user", "accounts_usersession", "accounts_membership"}


class VocabularyPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def get(self, user: User) -> Any:
        return sign_in(self.client_class(), user).get(URL)

    def test_the_url_is_in_the_incidents_namespace(self) -> None:
        self.assertEqual(reverse("incidents:vocabularies"), URL)

    def test_every_role_of_an_organization_may_read_it_without_touching_the_database(
        self,
    ) -> None:
        for user in self.cast.everyone().values():
            response = self.get(user)
            self.assertEqual(response.status_code, 200, user)
        client = sign_in(self.client_class(), self.cast.analyst)
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(client.get(URL).status_code, 200)
        # Only the middleware's session and membership checks: the page reads files.
        tables = {
            table
            for query in queries.captured_queries
            for table in re.findall(r'FROM "(\w+)"', query["sql"])
        }
        self.assertTrue(tables)
        self.assertLessEqual(tables, {"django_session", *MIDDLEWARE_TABLES})

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = self.client_class().get(URL)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_it_shows_the_four_huridocs_lists_as_trees(self) -> None:
        response = self.get(self.cast.caseworker)
        html = response.content.decode()
        for slug in ("acts", "perpetrators", "involvement", "victim-status"):
            self.assertIn(f'data-testid="vocabulary-{slug}"', html)
        for huridocs_list in (ACTS, PERPETRATORS, INVOLVEMENT, VICTIM_STATUS):
            for code in huridocs_list.terms:
                self.assertIn(f"<code>{code}</code>", html)
        # Nested: Physical assaults inside Direct violations inside personal integrity.
        self.assertInHTML(
            "<li><code>020101000000</code> Agresiones físicas, incluyendo violencia doméstica</li>",
            html,
        )
        self.assertRegex(
            html,
            r"<li><code>020100000000</code> Acciones directas que violan el derecho a la "
            r"seguridad e integridad personal<ul><li><code>020101000000</code>",
        )
        self.assertContains(response, "HURIDOCS")
        self.assertContains(response, "2001")
        self.assertContains(response, "GBVIMS")

    def test_it_shows_the_common_acts_with_their_huridocs_mapping(self) -> None:
        response = self.get(self.cast.legal)
        self.assertContains(response, 'data-testid="vocabulary-common-acts"')
        for code, term in COMMON_ACTS.terms.items():
            self.assertContains(response, f'<tr data-code="{code}">')
            self.assertContains(response, term.label_es)
        kidnapping = response.content.decode().split('<tr data-code="kidnapping">')[1]
        kidnapping = kidnapping.split("</tr>")[0]
        self.assertIn("030104000000", kidnapping)
        self.assertIn("Violaciones al derecho a la libertad personal", kidnapping)
        rape = response.content.decode().split('<tr data-code="rape">')[1].split("</tr>")[0]
        self.assertIn("020111010000", rape)
        self.assertIn(GBV_TYPES.terms["rape"].label_es, rape)

    def test_it_shows_local_perpetrators_with_parent_and_redodem_category(self) -> None:
        response = self.get(self.cast.coordinator)
        html = response.content.decode()
        for code in LOCAL_PERPETRATORS.terms:
            self.assertIn(f'<tr data-code="{code}">', html)
        guard = html.split('<tr data-code="national_guard">')[1].split("</tr>")[0]
        self.assertIn("Guardia Nacional", guard)
        self.assertIn("010103000000", guard)
        self.assertIn("Fuerzas armadas", guard)
        self.assertIn("Autoridades militares", guard)

    def test_it_shows_the_gbvims_types_with_their_definitions(self) -> None:
        response = self.get(self.cast.analyst)
        for code, term in GBV_TYPES.terms.items():
            self.assertContains(response, f'<dt data-code="{code}">')
            self.assertContains(response, term.extra["definition_es"])

    def test_in_english_the_labels_come_from_the_english_columns(self) -> None:
        self.cast.analyst.language = "en"
        self.cast.analyst.save(update_fields=["language"])
        response = self.get(self.cast.analyst)
        self.assertContains(response, "Physical assaults, including domestic violence")
        self.assertContains(response, "<code>130104000000</code> Extortion")
        self.assertNotContains(response, "Agresiones físicas")
