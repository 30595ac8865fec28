"""Families saved right: blank choices that must be chosen, one person heading each group,
relationships that can be corrected, what the members registered together share, languages by
name, and the safeguards checklist reading the migration documents on file."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person, registration, sign_in
from salvaguarda.people import queries_records
from salvaguarda.people.models import Person, ReturnEvent, SafeguardCheck
from salvaguarda.people.services import Arrival, MemberData, household_register, records
from salvaguarda.people.services.persons import household_relationships_set, person_update


def _selected(html: str, name: str) -> str | None:
    """The value a browser sends for a select: its selected option, else its first one."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name  # noqa: S101
    options = re.findall(r'<option value="([^"]*)"([^>]*)>', select.group(1))
    chosen = [value for value, attrs in options if "selected" in attrs]
    return chosen[0] if chosen else options[0][0] if options else None


class RegistrationPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)
        self.url = reverse("people:create")

    def test_a_new_member_starts_with_every_choice_blank(self) -> None:
        body = registration({"given_names": "Rosa Elvira", "first_surname": "Mejía"})
        page = self.client.post(self.url, {**body, "add_member": "1"}).content.decode()
        for name in ("relationship", "sex", "birth_precision", "indigenous", "contact_kind"):
            with self.subTest(field=name):
                self.assertEqual(_selected(page, f"member-1-{name}"), "")
        self.assertIn("— elija —", page)

    def test_a_second_member_without_a_relationship_is_refused_with_its_reason(self) -> None:
        response = self.client.post(
            self.url,
            registration(
                {"given_names": "Rosa Elvira", "first_surname": "Mejía"},
                {"given_names": "Josué", "first_surname": "Mejía", "age": "9"},
            ),
        )
        self.assertContains(response, "Indique el parentesco de esta persona")
        self.assertContains(response, 'value="Josué"')
        with organization_scope(self.cast.org.pk):
            self.assertFalse(Person.objects.exists())

    def test_a_second_head_of_the_group_is_refused(self) -> None:
        response = self.client.post(
            self.url,
            registration(
                {"given_names": "Rosa Elvira", "first_surname": "Mejía"},
                {"given_names": "Ovidio", "first_surname": "Castro", "relationship": "head"},
            ),
        )
        self.assertContains(response, "Un grupo familiar tiene una sola persona que lo encabeza")
        with organization_scope(self.cast.org.pk):
            self.assertFalse(Person.objects.exists())

    def test_a_sex_left_blank_is_saved_as_not_recorded(self) -> None:
        response = self.client.post(
            self.url,
            registration(
                {"given_names": "Rosa Elvira", "first_surname": "Mejía", "sex": "female"},
                {"given_names": "Josué", "relationship": "child", "age": "9", "sex": ""},
            ),
        )
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            sexes = list(Person.objects.order_by("id").values_list("sex", "relationship"))
        self.assertEqual(sexes, [("female", "head"), ("not_recorded", "child")])

    def test_the_group_takes_the_heads_nationality_and_languages_when_ticked(self) -> None:
        response = self.client.post(
            self.url,
            registration(
                {
                    "given_names": "Rosa Elvira",
                    "first_surname": "Mejía",
                    "nationality": "HND",
                    "languages": ["spa"],
                    "other_languages": ["cab"],
                },
                {"given_names": "Josué", "relationship": "child", "age": "9"},
                # Born on the way: her own nationality and language stay hers.
                {
                    "given_names": "Ximena",
                    "relationship": "child",
                    "age": "1",
                    "nationality": "MEX",
                    "languages": ["spa"],
                },
                same_nationality="on",
                same_languages="on",
            ),
        )
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            people = Person.objects.order_by("id")
            found = [(p.given_names, p.nationality, p.languages) for p in people]
        self.assertEqual(
            found,
            [
                ("Rosa Elvira", "HND", ["cab", "spa"]),
                ("Josué", "HND", ["cab", "spa"]),
                ("Ximena", "MEX", ["spa"]),
            ],
        )

    def test_a_child_whose_mothers_age_is_not_recorded_is_accompanied(self) -> None:
        self.client.post(
            self.url,
            registration(
                {"given_names": "Rosa Elvira", "first_surname": "Mejía"},
                {"given_names": "Josué", "relationship": "child", "age": "9"},
                {"given_names": "Kenia", "relationship": "nibling", "age": "12"},
            ),
        )
        with organization_scope(self.cast.org.pk):
            statuses = list(Person.objects.order_by("id").values_list("child_status", flat=True))
        # Her son travels with his mother. Her niece, with an aunt of unknown age only, stays
        # flagged for the protection check.
        self.assertEqual(statuses, ["", "accompanied", "unaccompanied"])

    def test_unticked_the_group_shares_nothing(self) -> None:
        self.client.post(
            self.url,
            registration(
                {"given_names": "Rosa Elvira", "nationality": "HND", "languages": ["spa"]},
                {"given_names": "Josué", "relationship": "child", "age": "9"},
            ),
        )
        with organization_scope(self.cast.org.pk):
            child = Person.objects.get(reference="P-000002")
        self.assertEqual((child.nationality, child.languages), ("", []))

    def test_other_languages_are_chosen_by_name_and_stored_as_codes(self) -> None:
        page = self.client.get(self.url).content.decode()
        self.assertIn("Garífuna", page)
        self.assertNotIn("ISO 639-3", page)
        self.client.post(
            self.url,
            registration({"given_names": "Tomasa", "other_languages": ["tzo", "tzh"]}),
        )
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Person.objects.get().languages, ["tzh", "tzo"])


class RelationshipEditingTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.household = household_register(
                by=cls.cast.caseworker,
                members=[
                    MemberData(
                        {
                            "given_names": "Wendy Yamileth",
                            "first_surname": "Orellana",
                            "date_of_birth": datetime.date(1994, 3, 8),
                        }
                    ),
                    MemberData(
                        {
                            "given_names": "Edwin",
                            "first_surname": "Pacheco",
                            "relationship": "partner",
                            "date_of_birth": datetime.date(1989, 11, 30),
                        }
                    ),
                    MemberData(
                        {
                            "given_names": "Dylan",
                            "first_surname": "Pacheco",
                            "relationship": "child",
                            "date_of_birth": datetime.date(2016, 6, 1),
                        }
                    ),
                ],
                arrival=Arrival(city="tijuana", consent_given=True),
            )
            cls.mother, cls.father, cls.son = cls.household.members.order_by("id")

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)

    def edit_body(self, person: Person, **changes: str) -> dict[str, str]:
        # What the page sends back untouched, but for `changes`.
        body = {
            "given_names": person.given_names,
            "first_surname": person.first_surname,
            "date_of_birth": person.date_of_birth.isoformat(),
            "birth_precision": person.birth_precision,
            "relationship": person.relationship,
        }
        body.update(changes)
        return body

    def test_the_edit_page_shows_the_relationship_of_the_head(self) -> None:
        page = self.client.get(reverse("people:edit", args=[self.mother.uuid])).content.decode()
        self.assertEqual(_selected(page, "relationship"), "head")
        self.assertIn(reverse("people:relationships", args=[self.mother.uuid]), page)

    def test_a_wrong_relationship_is_corrected_and_audited(self) -> None:
        url = reverse("people:edit", args=[self.son.uuid])
        response = self.client.post(url, self.edit_body(self.son, relationship="stepchild"))
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            self.son.refresh_from_db()
        self.assertEqual(self.son.relationship, "stepchild")
        event = AuditEvent.objects.get(action="update", object_uuid=self.son.uuid)
        self.assertEqual(event.fields, ["relationship"])

    def test_nobody_else_becomes_head_and_the_head_is_not_demoted_alone(self) -> None:
        for person, value, message in (
            (self.father, "head", "Otra persona ya encabeza este grupo familiar"),
            (self.mother, "partner", "quedaría sin nadie que lo encabece"),
        ):
            with self.subTest(person=person.given_names):
                url = reverse("people:edit", args=[person.uuid])
                response = self.client.post(url, self.edit_body(person, relationship=value))
                self.assertContains(response, message)
        with organization_scope(self.cast.org.pk):
            heads = Person.objects.filter(household=self.household, relationship="head")
            self.assertEqual(list(heads), [self.mother])

    def test_who_heads_the_group_changes_on_the_groups_page(self) -> None:
        url = reverse("people:relationships", args=[self.son.uuid])
        page = self.client.get(url)
        self.assertContains(page, "Wendy Yamileth Orellana")
        response = self.client.post(
            url,
            {
                self.mother.reference: "partner",
                self.father.reference: "head",
                self.son.reference: "child",
            },
        )
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            found = dict(
                Person.objects.filter(household=self.household).values_list(
                    "reference", "relationship"
                )
            )
        self.assertEqual(
            found,
            {self.mother.reference: "partner", self.father.reference: "head", "P-000003": "child"},
        )
        updated = AuditEvent.objects.filter(action="update").values_list("object_uuid", flat=True)
        self.assertEqual(set(updated), {self.mother.uuid, self.father.uuid})

    def test_the_groups_page_wants_exactly_one_head(self) -> None:
        url = reverse("people:relationships", args=[self.son.uuid])
        for mother, father in (("head", "head"), ("partner", "partner")):
            with self.subTest(mother=mother, father=father):
                response = self.client.post(
                    url,
                    {
                        self.mother.reference: mother,
                        self.father.reference: father,
                        self.son.reference: "child",
                    },
                )
                self.assertContains(response, "Elija exactamente una persona")
        self.assertFalse(AuditEvent.objects.filter(action="update").exists())

    def test_the_groups_page_is_not_shown_to_another_organization(self) -> None:
        client = sign_in(self.client, self.cast.outsider)
        response = client.get(reverse("people:relationships", args=[self.son.uuid]))
        self.assertEqual(response.status_code, 404)

    def test_the_service_checks_the_ages_against_the_new_head(self) -> None:
        with (
            organization_scope(self.cast.org.pk),
            translation.override("en"),
            self.assertRaisesMessage(ValidationError, "less than 12 years"),
        ):
            # The son made head by mistake, his mother marked as his daughter.
            household_relationships_set(
                by=self.cast.caseworker,
                household=self.household,
                relationships={self.son: "head", self.mother: "child", self.father: "parent"},
            )

    def test_the_file_of_a_group_with_two_heads_asks_to_correct_it(self) -> None:
        detail = reverse("people:detail", args=[self.son.uuid])
        self.assertNotContains(self.client.get(detail), "marcadas como quienes lo encabezan")
        with organization_scope(self.cast.org.pk):
            Person.objects.filter(pk=self.father.pk).update(relationship="head")
        self.assertContains(self.client.get(detail), "marcadas como quienes lo encabezan")

    def test_a_group_registered_with_two_heads_can_be_put_right_one_person_at_a_time(
        self,
    ) -> None:
        # As the old form saved it: a second member pre-set to "heads the group".
        with organization_scope(self.cast.org.pk):
            Person.objects.filter(pk=self.father.pk).update(relationship="head")
            self.father.refresh_from_db()
            person_update(
                by=self.cast.caseworker, person=self.father, data={"relationship": "partner"}
            )
            self.father.refresh_from_db()
        self.assertEqual(self.father.relationship, "partner")


class GroupReturnTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            household = household_register(
                by=cls.cast.caseworker,
                members=[
                    MemberData(
                        {"given_names": "Gladys", "date_of_birth": datetime.date(1985, 1, 9)}
                    ),
                    MemberData(
                        {
                            "given_names": "Brayan",
                            "relationship": "child",
                            "date_of_birth": datetime.date(2012, 4, 22),
                        }
                    ),
                    MemberData(
                        {
                            "given_names": "Keyla",
                            "relationship": "child",
                            "date_of_birth": datetime.date(2020, 8, 14),
                        }
                    ),
                ],
                arrival=Arrival(city="matamoros", consent_given=True),
            )
            cls.mother, cls.son, cls.daughter = household.members.order_by("id")

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)
        self.url = reverse("people:return_add", args=[self.mother.uuid])

    def test_the_return_is_offered_to_the_group_and_recorded_for_each_with_the_fmm(self) -> None:
        self.assertContains(self.client.get(self.url), "Brayan, Keyla")
        response = self.client.post(
            self.url,
            {
                "program_phase": "MPP2",
                "returned_on": "2022-03-02",
                "return_point": "BRO",
                "reception_documents": ["FMM"],
                "for_group": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            returns = ReturnEvent.objects.order_by("person_id")
            self.assertEqual(
                [(r.person_id, r.mexican_city, r.reception_documents) for r in returns],
                [(p.pk, "matamoros", ["FMM"]) for p in (self.mother, self.son, self.daughter)],
            )
        self.assertEqual(
            AuditEvent.objects.filter(action="create", object_type="people.returnevent").count(),
            3,
        )

    def test_a_return_before_a_members_birth_refuses_the_whole_group(self) -> None:
        response = self.client.post(
            self.url,
            {
                "program_phase": "MPP1",
                "returned_on": "2019-11-05",
                "return_point": "BRO",
                "for_group": "on",
            },
        )
        self.assertContains(response, "Keyla")
        with organization_scope(self.cast.org.pk):
            self.assertFalse(ReturnEvent.objects.exists())

    def test_unticked_only_the_person_gets_the_return(self) -> None:
        self.client.post(
            self.url, {"program_phase": "MPP2", "returned_on": "2022-03-02", "return_point": "BRO"}
        )
        with organization_scope(self.cast.org.pk):
            self.assertEqual(
                list(ReturnEvent.objects.values_list("person_id", flat=True)), [self.mother.pk]
            )


class MigrationDocumentSafeguardTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Yolanda",
            date_of_birth=datetime.date(1979, 2, 2),
        )
        cls.other = make_person(cls.cast.org, cls.cast.caseworker, given_names="Nelson")

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)

    def line(self) -> queries_records.SafeguardLine:
        with organization_scope(self.cast.org.pk):
            lines = queries_records.safeguard_status(self.person)
        return next(line for line in lines if line.item == SafeguardCheck.Item.MIGRATION_DOCUMENT)

    def test_an_fmm_given_at_the_return_marks_it_done_with_a_link_to_the_return(self) -> None:
        self.assertTrue(self.line().is_omission)
        with organization_scope(self.cast.org.pk):
            record = records.return_record(
                by=self.cast.caseworker,
                person=self.person,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 5, 17),
                    "return_point": "ELP",
                    "reception_documents": ["FMM"],
                },
            )
            counts = queries_records.omission_counts()
        line = self.line()
        self.assertFalse(line.is_omission)
        self.assertEqual((line.record, line.done_on), (record, datetime.date(2022, 5, 17)))
        self.assertEqual(counts["migration_document"], 1)  # only Nelson lacks it
        page = self.client.get(reverse("people:detail", args=[self.person.uuid])).content.decode()
        link = reverse("people:return_edit", args=[self.person.uuid, record.uuid])
        self.assertIn(link, page)

    def test_a_return_without_a_migration_document_leaves_the_omission(self) -> None:
        with organization_scope(self.cast.org.pk):
            records.return_record(
                by=self.cast.caseworker,
                person=self.person,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 5, 17),
                    "return_point": "ELP",
                    "reception_documents": ["other"],
                },
            )
            self.assertEqual(queries_records.omission_counts()["migration_document"], 2)
        self.assertTrue(self.line().is_omission)

    def test_a_migration_document_on_file_is_linked_from_the_checklist(self) -> None:
        with organization_scope(self.cast.org.pk):
            document = records.document_record(
                by=self.cast.caseworker,
                person=self.person,
                data={
                    "doc_type": "TVRH",
                    "number": "TVRH-0042",
                    "issued_on": datetime.date(2023, 1, 4),
                },
            )
        self.assertEqual(self.line().record, document)
        page = self.client.get(reverse("people:detail", args=[self.person.uuid])).content.decode()
        self.assertIn(reverse("people:document_edit", args=[self.person.uuid, document.uuid]), page)


class MigrationDocumentInTheApiTest(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Yolanda")
        cls.secret = cls.token_for(cls.cast.caseworker)

    def test_the_person_file_gives_the_day_the_return_shows(self) -> None:
        path = f"/people/{self.person.uuid}"
        returned = self.call(
            "post",
            path + "/returns",
            {
                "program_phase": "MPP2",
                "returned_on": "2022-05-17",
                "return_point": "ELP",
                "reception_documents": ["TVRH"],
            },
        )
        self.assertEqual(returned.status_code, 201, returned.content)
        lines = {line["item"]: line for line in self.call("get", path).json()["safeguards"]}
        self.assertEqual(lines["migration_document"]["done_on"], "2022-05-17")
        self.assertIsNone(lines["screening_done"]["done_on"])
