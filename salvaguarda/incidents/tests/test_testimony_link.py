"""The incident page offers to read the testimony only when one was recorded."""

from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.incidents.tests.factories import make_incident


class TestimonyLinkTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def page(self, incident_uuid: object) -> str:
        client = sign_in(self.client, self.cast.legal)
        return client.get(reverse("incidents:detail", args=[incident_uuid])).content.decode()

    def test_a_blank_testimony_is_not_offered_for_reading(self) -> None:
        incident = make_incident(self.cast.org, self.cast.legal, testimony="")
        page = self.page(incident.uuid)
        self.assertNotIn('data-testid="read-testimony"', page)
        self.assertNotIn(reverse("incidents:testimony", args=[incident.uuid]), page)
        self.assertIn("No se registró ningún testimonio.", page)

    def test_a_recorded_testimony_is_offered_without_being_read_on_the_page(self) -> None:
        incident = make_incident(
            self.cast.org, self.cast.legal, testimony="Nos detuvieron en el retén de Reynosa."
        )
        page = self.page(incident.uuid)
        self.assertIn('data-testid="read-testimony"', page)
        self.assertNotIn("retén de Reynosa", page)
        read = AuditEvent.objects.filter(object_uuid=incident.uuid, fields=["testimony"])
        self.assertFalse(read.exists())

    def test_staff_who_may_not_read_it_are_told_so_only_when_there_is_one(self) -> None:
        blank = make_incident(self.cast.org, self.cast.legal)
        told = make_incident(self.cast.org, self.cast.legal, testimony="Me quitaron el dinero.")
        client = sign_in(self.client, self.cast.caseworker)
        for incident, expected in ((blank, False), (told, True)):
            page = client.get(reverse("incidents:detail", args=[incident.uuid])).content.decode()
            self.assertEqual("Solo el equipo jurídico" in page, expected)
            self.assertNotIn('data-testid="read-testimony"', page)
