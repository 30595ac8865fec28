"""Registering people and family groups through the service layer."""

import datetime

import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.utils import translation

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.people import validation
from salvaguarda.people.models import (
    Consent,
    ContactChannel,
    Household,
    Person,
    PersonLocation,
)
from salvaguarda.people.services import (
    Arrival,
    Contact,
    MemberData,
    household_register,
    person_move,
    person_update,
)

TODAY = datetime.date(2026, 11, 23)


def member(given: str, age: int | None, relationship: str = "head", **fields: object) -> MemberData:
    data: dict[str, object] = {"given_names": given, "relationship": relationship, **fields}
    if age is not None:
        data["date_of_birth"] = TODAY.replace(year=TODAY.year - age) - datetime.timedelta(days=10)
    return MemberData(fields=data)


@time_machine.travel(datetime.datetime(2026, 11, 23, 18, tzinfo=datetime.UTC), tick=False)
class HouseholdRegistrationTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def register(self, *members: MemberData, city: str = "tijuana") -> Household:
        with organization_scope(self.cast.org.pk):
            return household_register(
                by=self.cast.caseworker,
                members=members,
                arrival=Arrival(city=city, consent_given=True, shelter="Casa"),
            )

    def statuses(self, household: Household) -> dict[str, str]:
        with organization_scope(self.cast.org.pk):
            return {p.given_names: p.child_status for p in household.members.all()}

    def test_a_family_is_registered_with_location_consent_and_contacts(self) -> None:
        mother = member("Yesenia", 30, first_surname="Castillo", nationality="GTM")
        mother.contacts.append(Contact("whatsapp", "+52 664 123 4567", True))
        household = self.register(mother, member("Kevin", 8, "child"))
        with organization_scope(self.cast.org.pk):
            people = list(household.members.order_by("id"))
            self.assertEqual([p.relationship for p in people], ["head", "child"])
            self.assertEqual(people[0].reference, "P-000001")
            self.assertEqual(household.reference, "H-000001")
            self.assertEqual(people[0].birth_year, 1996)
            self.assertEqual({p.current_city for p in people}, {"tijuana"})
            self.assertEqual(PersonLocation.objects.filter(city="tijuana").count(), 2)
            channel = ContactChannel.objects.get()
            self.assertEqual(channel.number, "+526641234567")
            consents = Consent.objects.filter(purpose="registration").order_by("person_id")
            self.assertEqual([c.given_by for c in consents], ["self", "caregiver"])

    def test_a_child_with_their_parent_is_accompanied(self) -> None:
        household = self.register(member("Madre", 30), member("Niña", 6, "child"))
        self.assertEqual(self.statuses(household), {"Madre": "", "Niña": "accompanied"})

    def test_a_child_with_an_aunt_only_is_separated(self) -> None:
        household = self.register(member("Tía", 40), member("Sobrino", 12, "nibling"))
        self.assertEqual(self.statuses(household)["Sobrino"], "separated")

    def test_a_relative_marked_as_guardian_makes_the_child_accompanied(self) -> None:
        household = self.register(
            member("Abuela", 60, is_legal_guardian=True), member("Nieto", 7, "grandchild")
        )
        self.assertEqual(self.statuses(household)["Nieto"], "accompanied")

    def test_a_child_alone_or_with_strangers_is_unaccompanied(self) -> None:
        alone = self.register(member("Óscar", 16))
        self.assertEqual(self.statuses(alone), {"Óscar": "unaccompanied"})
        with_stranger = self.register(member("Adulto", 30), member("Niño", 10, "unrelated"))
        self.assertEqual(self.statuses(with_stranger)["Niño"], "unaccompanied")

    def test_two_children_travelling_together_are_unaccompanied(self) -> None:
        household = self.register(member("Hermana", 15), member("Hermano", 11, "sibling"))
        self.assertEqual(set(self.statuses(household).values()), {"unaccompanied"})

    def test_a_child_older_than_their_parent_is_refused_and_nothing_is_saved(self) -> None:
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "Person 2"):
            self.register(member("Madre", 20), member("Hijo", 15, "child"))
        self.assertFalse(Person.unscoped.exists())
        self.assertFalse(Household.unscoped.exists())

    def test_a_wrong_phone_refuses_the_whole_group(self) -> None:
        child = member("Hijo", 5, "child")
        child.contacts.append(Contact("phone", "+52 12"))
        with translation.override("en"), self.assertRaisesMessage(ValidationError, "Person 2"):
            self.register(member("Madre", 30), child)
        self.assertFalse(Person.unscoped.exists())
        self.assertFalse(AuditEvent.objects.filter(action="create").exists())

    def test_field_errors_name_the_field(self) -> None:
        future = TODAY + datetime.timedelta(days=3)
        with self.assertRaises(ValidationError) as raised:
            self.register(member("X", None, date_of_birth=future, a_number="A12"))
        self.assertEqual(set(raised.exception.message_dict), {"date_of_birth", "a_number"})

    def test_a_person_needs_a_name_or_a_surname(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.register(MemberData(fields={"given_names": ""}))
        self.assertIn("given_names", raised.exception.message_dict)

    def test_the_a_number_is_stored_encrypted_as_nine_digits(self) -> None:
        household = self.register(member("Wilson", 38, a_number="A 12345678"))
        with organization_scope(self.cast.org.pk):
            person = household.members.get()
            self.assertEqual(person.a_number, "012345678")
        with connection.cursor() as cursor:
            cursor.execute("SELECT a_number FROM people_person WHERE id = %s", [person.pk])
            self.assertNotIn("12345678", cursor.fetchone()[0])

    def test_the_audit_names_fields_and_never_values(self) -> None:
        self.register(member("Wilson", 38, first_surname="Joseph"))
        event = AuditEvent.objects.get(action="create", object_type="people.person")
        self.assertIn("given_names", event.fields)
        self.assertNotIn("Wilson", str(event.detail) + str(event.fields))

    def test_a_date_known_to_the_month_is_stored_as_its_first_day(self) -> None:
        household = self.register(
            member(
                "Wilson", None, date_of_birth=datetime.date(1990, 5, 17), birth_precision="month"
            )
        )
        with organization_scope(self.cast.org.pk):
            self.assertEqual(household.members.get().date_of_birth, datetime.date(1990, 5, 1))

    def test_values_outside_the_lists_are_refused_by_field(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            self.register(member("X", 30, sex="robot", nationality="ZZZ", languages=["espanol"]))
        self.assertEqual(set(raised.exception.message_dict), {"sex", "nationality", "languages"})

    def test_nobody_is_registered_without_consent(self) -> None:
        with organization_scope(self.cast.org.pk), self.assertRaises(ValidationError) as raised:
            household_register(
                by=self.cast.caseworker,
                members=[member("Wilson", 38)],
                arrival=Arrival(city="tijuana", consent_given=False),
            )
        self.assertIn("consent", raised.exception.message_dict)
        self.assertFalse(Person.unscoped.exists())

    def test_an_unknown_city_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            self.register(member("Wilson", 38), city="atlantis")

    def test_editing_a_birth_date_updates_child_status_of_the_group(self) -> None:
        household = self.register(member("Madre", 30), member("Hija", 17, "child"))
        with organization_scope(self.cast.org.pk):
            daughter = household.members.get(relationship="child")
            person_update(
                by=self.cast.caseworker,
                person=daughter,
                data={"date_of_birth": datetime.date(2000, 1, 1)},
            )
            daughter.refresh_from_db()
            self.assertEqual(daughter.child_status, "")
            self.assertEqual(daughter.birth_year, 2000)

    def test_moving_closes_the_former_location(self) -> None:
        household = self.register(member("Wilson", 38))
        with organization_scope(self.cast.org.pk):
            person = household.members.get()
            person_move(
                by=self.cast.caseworker,
                person=person,
                city="monterrey",
                shelter="Casa Monterrey",
                since=TODAY,
            )
            person.refresh_from_db()
            self.assertEqual(person.current_city, "monterrey")
            former = PersonLocation.objects.get(city="tijuana")
            self.assertEqual(former.until, TODAY - datetime.timedelta(days=1))


class ValidationTest(TestCase):
    def test_a_number_rules(self) -> None:
        self.assertEqual(validation.a_number("A12345678"), "012345678")
        self.assertEqual(validation.a_number("a-123-456-789"), "123456789")
        for wrong in ("A1234567", "A1234567890", "B12345678", "A12345678X"):
            with self.assertRaises(ValidationError, msg=wrong):
                validation.a_number(wrong)

    def test_phone_numbers_are_stored_in_e164(self) -> None:
        self.assertEqual(validation.phone_number("664 123 4567"), "+526641234567")
        self.assertEqual(validation.phone_number("+504 9876-5432"), "+50498765432")
        self.assertEqual(validation.phone_number("+1 (915) 555-0142"), "+19155550142")
        for wrong in ("12", "+52 000 000 0000", "teléfono", "+999 123456"):
            with self.assertRaises(ValidationError, msg=wrong):
                validation.phone_number(wrong)

    def test_dates_of_birth(self) -> None:
        today = TODAY
        self.assertEqual(validation.date_of_birth(datetime.date(1990, 1, 1), today).year, 1990)
        with self.assertRaises(ValidationError):
            validation.date_of_birth(datetime.date(2027, 1, 1), today)
        with self.assertRaises(ValidationError):
            validation.date_of_birth(datetime.date(1890, 1, 1), today)

    def test_language_codes(self) -> None:
        self.assertEqual(validation.language_code("MAM"), "mam")
        self.assertEqual(validation.language_code("tzj"), "tzj")
        with self.assertRaises(ValidationError):
            validation.language_code("maya")
