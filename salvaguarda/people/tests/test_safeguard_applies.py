"""The checklist's items that apply only to some people (issue 17 §3): a child's schooling
appears for a child of school age, the accommodation of a disability for someone whose
disability was found by a screening; elsewhere they are neither shown nor counted."""

import datetime

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.people import queries, queries_records
from salvaguarda.people.forms_records import SafeguardForm
from salvaguarda.people.services import records
from salvaguarda.people.services.screening import screening_record

CHILD = "child_schooling"
DISABILITY = "disability_accommodation"
# The Washington Group short set, one domain ("walking") answered "a lot of difficulty".
WALKING_DIFFICULTY = {
    "wg.seeing": 1,
    "wg.hearing": 1,
    "wg.walking": 3,
    "wg.cognition": 1,
    "wg.self_care": 1,
    "wg.communication": 1,
}


def years_ago(years: int, days: int = 0) -> datetime.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


class ConditionalItemsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.adult = make_person(
            cls.cast.org, by, given_names="Marisol", date_of_birth=years_ago(34)
        )
        cls.child = make_person(cls.cast.org, by, given_names="Kevin", date_of_birth=years_ago(9))
        # Schools count the age a child reaches this year (SEP: at 31 December): a girl whose
        # 3rd birthday is tomorrow is of school age, one born two years ago on 1 January is not,
        # nor is someone who turned 18.
        cls.turning_three = make_person(
            cls.cast.org, by, given_names="Yaretzi", date_of_birth=years_ago(3, days=-1)
        )
        cls.toddler = make_person(
            cls.cast.org,
            by,
            given_names="Itzel",
            date_of_birth=datetime.date(timezone.localdate().year - 2, 1, 1),
        )
        cls.young_adult = make_person(
            cls.cast.org, by, given_names="Brayan", date_of_birth=years_ago(18)
        )
        cls.unknown_age = make_person(cls.cast.org, by, given_names="Sin fecha")
        cls.disabled = make_person(
            cls.cast.org, by, given_names="Don Chuy", date_of_birth=years_ago(61)
        )
        with organization_scope(cls.cast.org.pk):
            screening_record(
                by=by,
                person=cls.disabled,
                answers=WALKING_DIFFICULTY,
                screened_on=timezone.localdate(),
                language="spa",
            )
        cls.by = by

    def setUp(self) -> None:
        self.enterContext(translation.override("en"))
        scope = organization_scope(self.cast.org.pk)
        scope.__enter__()
        self.addCleanup(scope.__exit__, None, None, None)

    def items(self, person: object) -> list[str]:
        return [line.item for line in queries_records.safeguard_status(person)]  # type: ignore[arg-type]

    def test_a_childs_schooling_appears_for_a_child_of_school_age_only(self) -> None:
        self.assertIn(CHILD, self.items(self.child))
        if self.turning_three.birth_year == timezone.localdate().year - 3:  # not on 31 Dec.
            self.assertIn(CHILD, self.items(self.turning_three))
        line = next(x for x in queries_records.safeguard_status(self.child) if x.item == CHILD)
        self.assertTrue(line.is_omission)
        for person in (self.adult, self.toddler, self.young_adult, self.unknown_age):
            with self.subTest(person.given_names):
                self.assertNotIn(CHILD, self.items(person))

    def test_an_accommodation_appears_where_a_screening_found_a_disability(self) -> None:
        self.assertIn(DISABILITY, self.items(self.disabled))
        self.assertNotIn(DISABILITY, self.items(self.adult))
        need = self.disabled.needs.get(code="DS")
        need.resolved_on = timezone.localdate()
        need.save()
        self.assertNotIn(DISABILITY, self.items(self.disabled))

    def test_the_file_and_the_status_agree(self) -> None:
        for person in (self.adult, self.child, self.disabled):
            with self.subTest(person.given_names):
                file = queries.person_file_for(self.cast.caseworker, person.uuid)
                self.assertEqual([line.item for line in file.safeguards], self.items(person))

    def test_recording_by_hand_an_item_that_does_not_apply_is_refused(self) -> None:
        day = timezone.localdate()
        with self.assertRaises(ValidationError) as caught:
            records.safeguard_record(by=self.by, person=self.adult, item=CHILD, done_on=day)
        self.assertIn("turns 34", caught.exception.message_dict["item"][0])
        with self.assertRaises(ValidationError) as caught:
            records.safeguard_record(by=self.by, person=self.adult, item=DISABILITY, done_on=day)
        self.assertIn("disability recorded", caught.exception.message_dict["item"][0])
        self.assertFalse(self.adult.safeguards.exists())
        # Where it applies, recorded by hand with its evidence.
        records.safeguard_record(
            by=self.by, person=self.child, item=CHILD, done_on=day, note="Acta testimonial"
        )
        line = next(x for x in queries_records.safeguard_status(self.child) if x.item == CHILD)
        self.assertFalse(line.is_omission)

    def test_a_line_recorded_stays_when_the_item_stops_applying(self) -> None:
        day = timezone.localdate()
        records.safeguard_record(by=self.by, person=self.disabled, item=DISABILITY, done_on=day)
        self.disabled.needs.filter(code="DS").update(resolved_on=day)
        self.assertIn(DISABILITY, self.items(self.disabled))

    def test_the_form_offers_only_the_items_that_apply(self) -> None:
        offered = {
            name: [
                value
                for value, _label in SafeguardForm(person=person, time_zone="UTC")
                .fields["item"]
                .widget.choices
            ]
            for name, person in (
                ("adult", self.adult),
                ("child", self.child),
                ("disabled", self.disabled),
            )
        }
        self.assertNotIn(CHILD, offered["adult"])
        self.assertNotIn(DISABILITY, offered["adult"])
        self.assertIn(CHILD, offered["child"])
        self.assertIn(DISABILITY, offered["disabled"])
        self.assertEqual(len(offered["adult"]), 5)

    def test_omissions_count_only_the_people_an_item_applies_to(self) -> None:
        counts = queries_records.omission_counts()
        # The counts and the files agree: the children whose file has the line, no one else.
        people = (
            self.adult,
            self.child,
            self.turning_three,
            self.toddler,
            self.young_adult,
            self.unknown_age,
            self.disabled,
        )
        self.assertEqual(counts[CHILD], sum(CHILD in self.items(p) for p in people))
        self.assertGreaterEqual(counts[CHILD], 1)
        self.assertEqual(counts[DISABILITY], 1)
        records.safeguard_record(
            by=self.by, person=self.disabled, item=DISABILITY, done_on=timezone.localdate()
        )
        self.assertEqual(queries_records.omission_counts()[DISABILITY], 0)

    def test_a_crafted_post_gets_the_message_in_words(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        url = reverse("people:safeguard_record", args=[self.adult.uuid])
        response = client.post(url, {"item": CHILD, "done_on": timezone.localdate().isoformat()})
        self.assertContains(response, "esta persona cumple 34", status_code=response.status_code)
        self.assertNotContains(response, "child_schooling no es", status_code=response.status_code)
        self.assertFalse(self.adult.safeguards.exists())
