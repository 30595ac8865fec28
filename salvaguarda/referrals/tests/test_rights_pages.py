"""The pages of access to rights as a caseworker uses them: a mother and her children in a
shelter; the girl of 9 was turned away from school because a document was asked for; the mother
may work with her humanitarian visitor card."""

import datetime
from typing import Any

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people.services import records as people_records
from salvaguarda.people.services.persons import Arrival, MemberData, household_register
from salvaguarda.referrals.rights import services
from salvaguarda.referrals.rights.models import RightRecord


def born_years_ago(years: int) -> datetime.date:
    today = timezone.localdate()
    return datetime.date(today.year - years, 1, 1)


def member(given_names: str, years: int, relationship: str = "") -> MemberData:
    fields: dict[str, Any] = {
        "given_names": given_names,
        "first_surname": "Reyes",
        "sex": "female",
        "date_of_birth": born_years_ago(years),
        "preferred_language": "spa",
    }
    if relationship:
        fields["relationship"] = relationship
    return MemberData(fields)


class RightsPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            household = household_register(
                by=cls.cast.caseworker,
                members=[
                    member("Ana Lucía", 34),
                    member("Dulce María", 9, "child"),
                    member("Karla", 5, "child"),
                    member("Sofía", 1, "child"),
                ],
                arrival=Arrival(city="tijuana", consent_given=True),
            )
            cls.mother, cls.girl, cls.small_girl, cls.baby = household.members.order_by("id")

    def setUp(self) -> None:
        self.client = sign_in(self.client_class(), self.cast.caseworker)

    def record_url(self, person: Any, right: str = "") -> str:
        url = reverse("referrals:right_new", args=[person.uuid])
        return f"{url}?derecho={right}" if right else url

    def history_url(self, person: Any, right: str) -> str:
        return reverse("referrals:right_history", args=[person.uuid, right])

    def school_barrier(self, **changes: str) -> dict[str, str]:
        return {
            "right": "school",
            "state": "barrier",
            "barrier": "document_asked",
            "as_of": "",
            "school_school": "Primaria Benito Juárez",
            "school_grade": "",
            "school_since": "",
            "note": "Piden el acta de nacimiento apostillada.",
            **changes,
        }

    def records(self) -> list[RightRecord]:
        with organization_scope(self.cast.org.pk):
            return list(RightRecord.objects.all())

    def test_a_school_barrier_of_a_child_shows_on_the_file_and_in_the_history(self) -> None:
        form = self.client.get(self.record_url(self.girl, "school"))
        self.assertContains(form, 'name="school_school"')
        response = self.client.post(self.record_url(self.girl, "school"), self.school_barrier())
        self.assertRedirects(response, reverse("people:detail", args=[self.girl.uuid]))
        [record] = self.records()
        self.assertEqual(
            (record.right, record.state, record.barrier), ("school", "barrier", "document_asked")
        )
        self.assertEqual(record.as_of, timezone.localdate())
        self.assertEqual(record.details, {"school": "Primaria Benito Juárez"})

        file = self.client.get(reverse("people:detail", args=[self.girl.uuid]))
        self.assertContains(file, 'data-right="school" data-state="barrier"')
        self.assertContains(file, "Primaria Benito Juárez")
        self.assertContains(file, self.history_url(self.girl, "school"))
        history = self.client.get(self.history_url(self.girl, "school"))
        self.assertContains(history, 'data-state="barrier"')
        self.assertContains(history, "Primaria Benito Juárez")
        self.assertContains(history, "Piden el acta de nacimiento apostillada.")
        self.assertContains(history, self.cast.caseworker.full_name)

    def test_the_history_lists_every_record_newest_first(self) -> None:
        with organization_scope(self.cast.org.pk):
            for day, state in ((2, "barrier"), (1, "pending")):
                services.right_record(
                    by=self.cast.caseworker,
                    person=self.girl,
                    data={
                        "right": "school",
                        "state": state,
                        "barrier": "fee",
                        "as_of": timezone.localdate() - datetime.timedelta(days=day),
                    },
                )
        history = self.client.get(self.history_url(self.girl, "school")).content.decode()
        self.assertLess(
            history.index('data-state="pending"'), history.index('data-state="barrier"')
        )

    def test_a_refused_record_shows_what_was_typed_and_saves_nothing(self) -> None:
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
        response = self.client.post(
            self.record_url(self.girl), self.school_barrier(barrier="", school_since=tomorrow)
        )
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Primaria Benito Juárez", status_code=422)
        self.assertContains(response, "Piden el acta de nacimiento apostillada.", status_code=422)
        self.assertEqual(response.context["form"].errors.keys(), {"barrier", "school_since"})
        self.assertEqual(self.records(), [])

    def test_a_blank_fact_or_one_of_another_right_is_not_saved(self) -> None:
        data = self.school_barrier(state="access", school_school="", health_place="Centro de Salud")
        response = self.client.post(self.record_url(self.girl), data)
        self.assertEqual(response.status_code, 302)
        [record] = self.records()
        self.assertEqual((record.state, record.barrier, record.details), ("access", "", None))

    def test_school_is_not_offered_to_an_adult(self) -> None:
        form = self.client.get(self.record_url(self.mother, "school"))
        self.assertNotContains(form, 'value="school"')
        self.assertContains(form, 'value="work"')
        response = self.client.post(self.record_url(self.mother), self.school_barrier())
        self.assertEqual(response.status_code, 422)
        self.assertEqual(self.records(), [])
        file = self.client.get(reverse("people:detail", args=[self.mother.uuid]))
        self.assertNotContains(file, 'data-right="school"')

    def test_an_unknown_right_has_no_history(self) -> None:
        self.assertEqual(self.client.get(self.history_url(self.girl, "housing")).status_code, 404)

    def test_another_organization_gets_404_on_every_page(self) -> None:
        with organization_scope(self.cast.org.pk):
            services.right_record(
                by=self.cast.caseworker,
                person=self.girl,
                data={"right": "school", "state": "access"},
            )
        outsider = sign_in(self.client_class(), self.cast.outsider)
        for url in (self.record_url(self.girl, "school"), self.history_url(self.girl, "school")):
            self.assertEqual(outsider.get(url).status_code, 404, url)
            self.assertEqual(outsider.post(url, self.school_barrier()).status_code, 404, url)
        self.assertEqual(len(self.records()), 1)

    def test_the_family_lists_each_childs_school(self) -> None:
        self.client.post(self.record_url(self.girl), self.school_barrier())
        file = self.client.get(reverse("people:detail", args=[self.mother.uuid]))
        self.assertContains(file, 'data-testid="family-schooling"')
        page = file.content.decode()
        children = page.split('data-testid="family-schooling"')[1].split("</ul>")[0]

        def line(child: Any) -> str:
            return f'<a href="{reverse("people:detail", args=[child.uuid])}">'

        self.assertIn(f'data-state="barrier">{line(self.girl)}', children)
        self.assertIn(f'data-state="none">{line(self.small_girl)}', children)
        self.assertNotIn(line(self.baby), children)  # 1 year old: not of school age
        self.assertNotIn(line(self.mother), children)

    def test_a_person_alone_has_no_family_school_list(self) -> None:
        alone = make_person(self.cast.org, self.cast.caseworker, date_of_birth=born_years_ago(16))
        file = self.client.get(reverse("people:detail", args=[alone.uuid]))
        self.assertContains(file, 'data-right="school" data-state="none"')
        self.assertContains(file, 'data-right="work" data-state="none"')
        self.assertNotContains(file, 'data-testid="family-schooling"')

    def test_the_work_line_says_whether_the_person_can_work_legally(self) -> None:
        file = reverse("people:detail", args=[self.mother.uuid])
        self.assertContains(self.client.get(file), 'data-legal="no"')
        expires = timezone.localdate() + datetime.timedelta(days=300)
        with organization_scope(self.cast.org.pk):
            people_records.document_record(
                by=self.cast.caseworker,
                person=self.mother,
                data={"doc_type": "TVRH", "number": "TVRH-0042", "expires_on": expires},
            )
        shown = self.client.get(file)
        self.assertContains(shown, 'data-legal="yes"')
        self.assertContains(shown, "TVRH")
        self.assertContains(shown, expires.strftime("%d/%m/%Y"))
