import datetime

import time_machine
from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.tests.helpers import Cast, InOrganizationScope, make_person, sign_in
from salvaguarda.court.models import Hearing, HearingChange, ImmigrationCase
from salvaguarda.court.tests.factories import make_case, make_hearing

NOW = datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
class CasePagesTest(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Marisol",
            first_surname="Quintanilla",
            a_number="208111222",
            current_city="tijuana",
        )

    def setUp(self) -> None:
        super().setUp()  # the test reads the rows back in the organization's scope
        self.client = sign_in(self.client_class(), self.cast.legal)

    def test_a_case_is_opened_and_a_hearing_scheduled_in_the_courts_time(self) -> None:
        url = reverse("court:person_case", args=[self.person.uuid])
        response = self.client.post(url, {"court": "BRO_IHF", "outcome": "pending_first_hearing"})
        case = ImmigrationCase.objects.get()
        self.assertRedirects(response, reverse("court:case", args=[case.uuid]))
        response = self.client.post(
            reverse("court:hearing_add", args=[case.uuid]),
            {
                "court": "BRO_IHF",
                "starts_day": "2026-02-10",
                "starts_time": "09:00",
                "kind": "master",
                "mode": "video",
                "report_time": "05:30",
                "report_place": "Puente Gateway",
            },
        )
        self.assertRedirects(response, reverse("court:case", args=[case.uuid]))
        hearing = Hearing.objects.get()
        self.assertEqual(hearing.starts_at, datetime.datetime(2026, 2, 10, 15, tzinfo=datetime.UTC))
        self.assertEqual(
            hearing.report_at, datetime.datetime(2026, 2, 10, 11, 30, tzinfo=datetime.UTC)
        )
        page = self.client.get(reverse("court:case", args=[case.uuid])).content.decode()
        self.assertIn("CST", page)  # the court's clock
        self.assertIn("PST", page)  # where the person stays
        self.assertIn("Sin representación legal", page)

    def test_a_refused_hearing_keeps_what_was_typed(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person)
        response = self.client.post(
            reverse("court:hearing_add", args=[case.uuid]),
            {
                "court": "BRO_IHF",
                "starts_day": "2026-01-10",
                "starts_time": "09:00",
                "kind": "master",
                "mode": "in_person",
                "report_place": "Puente nuevo",
            },
        )
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn("ya pasaron", page)
        self.assertIn("Puente nuevo", page)
        self.assertFalse(Hearing.objects.exists())

    def test_a_time_skipped_by_the_clock_change_is_explained(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person)
        response = self.client.post(
            reverse("court:hearing_add", args=[case.uuid]),
            {
                "court": "BRO_IHF",
                "starts_day": "2026-03-08",
                "starts_time": "02:30",
                "kind": "master",
                "mode": "in_person",
            },
        )
        self.assertContains(response, "Esta hora no existe en la corte")
        self.assertFalse(Hearing.objects.exists())

    def test_moving_a_hearing_shows_its_history(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person, court="SDI")
        hearing = make_hearing(case, self.cast.legal, NOW + datetime.timedelta(days=5))
        response = self.client.post(
            reverse("court:hearing_edit", args=[case.uuid, hearing.uuid]),
            {
                "court": "SDI",
                "starts_day": "2026-02-20",
                "starts_time": "13:00",
                "kind": "master",
                "mode": "in_person",
                "reason": "Reprogramada por la corte",
            },
        )
        self.assertRedirects(response, reverse("court:case", args=[case.uuid]))
        self.assertTrue(HearingChange.objects.filter(change="moved").exists())
        self.assertContains(
            self.client.get(reverse("court:case", args=[case.uuid])), "Reprogramada"
        )

    def test_the_day_sheet_shows_no_a_number_and_the_surname_initial_only(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person, court="SDI")
        make_hearing(case, self.cast.legal, datetime.datetime(2026, 2, 3, 16, tzinfo=datetime.UTC))
        page = self.client.get(reverse("court:day_sheet"), {"day": "2026-02-03"}).content.decode()
        self.assertIn("Marisol Q.", page)
        self.assertNotIn("Quintanilla", page)
        self.assertNotIn("208111222", page)

    def test_the_lists_show_the_hearing_and_why_it_is_at_risk(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person, court="SDI")
        make_hearing(case, self.cast.legal, NOW + datetime.timedelta(days=3))
        self.assertContains(self.client.get(reverse("court:week")), "Marisol")
        at_risk = self.client.get(reverse("court:at_risk"))
        self.assertContains(at_risk, "Sin consentimiento de contacto")
        self.assertContains(at_risk, "Audiencia en los próximos 7 días sin plan confirmado")
        self.assertContains(self.client.get(reverse("court:unrepresented")), "Marisol")

    def test_an_analyst_and_another_organization_get_nothing(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.person)
        for user in (self.cast.analyst, self.cast.outsider):
            client = sign_in(self.client_class(), user)
            self.assertEqual(client.get(reverse("court:case", args=[case.uuid])).status_code, 404)
        self.assertEqual(ImmigrationCase.objects.count(), 1)
