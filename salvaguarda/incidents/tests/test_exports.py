"""Exports: only what the person consented to leaves, nothing identifying in the anonymous ones,
the identifying one only for a coordinator who types the password again; all audited."""

import csv
import datetime
import io
from typing import Any

from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import PASSWORD, Cast, make_person, sign_in
from salvaguarda.incidents import services
from salvaguarda.incidents.tests.factories import make_incident

GIVEN = datetime.date(2025, 3, 12)


def consent(purpose: str, recipient: str = "") -> dict[str, Any]:
    return {"purpose": purpose, "given_on": GIVEN, "recipient": recipient}


def rows(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.person = make_person(cls.cast.org, by, given_names="Marisol", first_surname="Zúñiga")
        cls.both = make_incident(
            cls.cast.org,
            by,
            person=cls.person,
            acts=[{"common": "kidnapping"}, {"common": "extortion_relatives"}],
            perpetrators=[{"kind": "organized_crime", "identifying_details": "Alias El Flaco"}],
            consents=[consent("statistics"), consent("public_advocacy"), consent("legal_action")],
            summary='=HYPERLINK("http://x") secuestro',
            testimony="Me llevaron a una casa en la colonia.",
            locality="Colonia Aztlán",
            coordinates={"lat": 26.081234, "lon": -98.288765},
        )
        cls.revoked = make_incident(
            cls.cast.org, by, consents=[consent("statistics"), consent("public_advocacy")]
        )
        with organization_scope(cls.cast.org.pk):
            for row in cls.revoked.consents.all():
                services.consent_revoke(by=cls.cast.coordinator, consent=row)
        cls.shared = make_incident(
            cls.cast.org, by, consents=[consent("sharing", "Clínica Jurídica del Norte")]
        )
        cls.none = make_incident(cls.cast.org, by)
        make_incident(cls.cast.other_org, cls.cast.outsider, consents=[consent("statistics")])

    def client_for(self, user: Any) -> Any:
        return sign_in(self.client_class(), user)

    def test_the_analysis_csv_has_one_row_per_act_of_consented_incidents_only(self) -> None:
        response = self.client_for(self.cast.analyst).get(
            reverse("incidents:export"), {"export": "analysis"}
        )
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        found = rows(response)
        self.assertEqual({r["incident"] for r in found}, {self.both.reference})
        self.assertEqual(
            sorted(r["act_short_list"] for r in found), ["extortion_relatives", "kidnapping"]
        )
        self.assertEqual(found[0]["perpetrator_types"], "organized_crime")
        self.assertEqual(found[0]["redodem_categories"], "crimen_organizado")
        text = str(found)
        for secret in ("Marisol", "Flaco", "colonia", "Aztlán", "26.08", "HYPERLINK"):
            self.assertNotIn(secret, text)
        entry = AuditEvent.objects.get(action="export", actor=self.cast.analyst)
        self.assertEqual((entry.detail["export"], entry.detail["count"]), ("analysis", 1))

    def test_the_uwazi_csv_follows_uwazis_import_shape(self) -> None:
        response = self.client_for(self.cast.caseworker).get(
            reverse("incidents:export"), {"export": "uwazi"}
        )
        found = rows(response)
        self.assertEqual([r["title"] for r in found], [self.both.reference])
        row = found[0]
        self.assertEqual(row["date_from"], "2025-03-10")
        self.assertEqual(row["geolocation"], "26.1|-98.3")
        self.assertEqual(
            row["acts"].split("|"),
            [
                "Violaciones al derecho a la libertad personal::Secuestro",
                "Violaciones al derecho a la propiedad::Extorsión a familiares por teléfono",
            ],
        )
        self.assertNotIn("Flaco", str(row))

    def test_filters_apply_to_exports(self) -> None:
        response = self.client_for(self.cast.analyst).get(
            reverse("incidents:export"), {"export": "analysis", "act": "robbery"}
        )
        self.assertEqual(rows(response), [])

    def test_the_identifying_export_is_for_coordinators_only(self) -> None:
        for user in (self.cast.caseworker, self.cast.legal, self.cast.analyst):
            response = self.client_for(user).post(
                reverse("incidents:export_identifying"),
                {"identifying-current": PASSWORD, "identifying-purpose": "legal_action"},
            )
            self.assertEqual(response.status_code, 404)
        page = self.client_for(self.cast.caseworker).get(reverse("incidents:export"))
        self.assertNotContains(page, "identifying-current")

    def test_a_wrong_password_exports_nothing(self) -> None:
        response = self.client_for(self.cast.coordinator).post(
            reverse("incidents:export_identifying"),
            {"identifying-current": "not the password", "identifying-purpose": "legal_action"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(response, "La contraseña actual no es correcta")
        self.assertFalse(AuditEvent.objects.filter(action="export").exists())

    def test_the_identifying_export_holds_everything_for_a_legal_action(self) -> None:
        response = self.client_for(self.cast.coordinator).post(
            reverse("incidents:export_identifying"),
            {"identifying-current": PASSWORD, "identifying-purpose": "legal_action"},
        )
        found = rows(response)
        self.assertEqual([r["incident"] for r in found], [self.both.reference])
        row = found[0]
        self.assertIn("Marisol", row["victims"])
        self.assertIn("Alias El Flaco", row["perpetrators"])
        self.assertEqual(row["testimony"], "Me llevaron a una casa en la colonia.")
        self.assertTrue(row["summary"].startswith("'="), "a formula is not run by a spreadsheet")
        entry = AuditEvent.objects.get(action="export", actor=self.cast.coordinator)
        self.assertEqual(entry.detail["purpose"], "legal_action")

    def test_sharing_goes_only_to_the_organization_the_consent_names(self) -> None:
        client = self.client_for(self.cast.coordinator)
        body = {"identifying-current": PASSWORD, "identifying-purpose": "sharing"}
        wrong = client.post(
            reverse("incidents:export_identifying"),
            {**body, "identifying-recipient": "Otra organización"},
        )
        self.assertEqual(rows(wrong), [])
        right = client.post(
            reverse("incidents:export_identifying"),
            {**body, "identifying-recipient": "clínica jurídica del norte"},
        )
        self.assertEqual([r["incident"] for r in rows(right)], [self.shared.reference])
        missing = client.post(reverse("incidents:export_identifying"), body)
        self.assertContains(missing, "Indique la organización tal como la nombra")
