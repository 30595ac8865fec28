"""Envelope encryption of identifying fields, blind indexes, and organization scoping."""

import datetime

from django.db import connection
from django.test import TestCase

from salvaguarda.core import keys
from salvaguarda.core.fields import Ciphertext
from salvaguarda.core.models import OrganizationKey
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, stored
from salvaguarda.incidents.models import Incident
from salvaguarda.lib.crypto import DecryptionError
from salvaguarda.people.models import ContactChannel, Person

BIRTH = datetime.date(1991, 7, 4)


class EncryptionTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="María José",
            first_surname="Pérez Núñez",
            date_of_birth=BIRTH,
            a_number="A012345678",
        )
        cls.other = make_person(cls.cast.org, cls.cast.caseworker, given_names="Wilson")
        cls.elsewhere = make_person(
            cls.cast.other_org, cls.cast.outsider, given_names="María José", a_number="A012345678"
        )

    def setUp(self) -> None:
        keys.forget_cached_keys()  # decrypt with keys read from the database, not a cache

    def reload(self, person: Person) -> Person:
        with organization_scope(person.organization_id):
            return Person.objects.get(pk=person.pk)

    def test_text_and_date_come_back_as_they_were_written(self) -> None:
        person = self.reload(self.person)
        self.assertEqual(person.given_names, "María José")
        self.assertEqual(person.first_surname, "Pérez Núñez")
        self.assertEqual(person.date_of_birth, BIRTH)

    def test_a_json_value_stays_a_value_through_the_model_checks(self) -> None:
        incident = Incident(
            organization_id=self.cast.org.pk, coordinates={"lat": 32.5, "lon": -117}
        )
        incident.clean_fields(
            exclude=[f.name for f in Incident._meta.fields if f.name != "coordinates"]
        )
        self.assertEqual(incident.coordinates, {"lat": 32.5, "lon": -117})

    def test_an_empty_value_is_stored_as_null(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT date_of_birth FROM people_person WHERE id = %s", [self.other.pk])
            self.assertIsNone(cursor.fetchone()[0])
        self.assertIsNone(self.reload(self.other).date_of_birth)

    def test_the_database_holds_only_ciphertext_with_the_key_id(self) -> None:
        key_id = OrganizationKey.objects.get(organization=self.cast.org, is_active=True).key_id
        for column, clear in (
            ("given_names", "María José"),
            ("first_surname", "Pérez"),
            ("date_of_birth", "1991-07-04"),
        ):
            value = stored(self.person, column)
            self.assertTrue(value.startswith(f"sg1.{key_id}."), column)
            self.assertNotIn(clear, value)
            self.assertNotIn(clear.encode().hex(), value)

    def test_a_value_read_but_not_used_prints_as_nothing_useful(self) -> None:
        with organization_scope(self.cast.org.pk):
            raw = Person.objects.filter(pk=self.person.pk).values_list("given_names", flat=True)
            value = raw.get()
        self.assertIsInstance(value, Ciphertext)
        self.assertEqual(str(value), "[encrypted]")
        self.assertNotIn("sg1", repr(value))

    def test_a_ciphertext_copied_to_another_row_does_not_decrypt(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_person SET given_names = %s WHERE id = %s",
                [stored(self.person, "given_names"), self.other.pk],
            )
        with self.assertRaises(DecryptionError):
            _ = self.reload(self.other).given_names

    def test_a_ciphertext_copied_to_another_column_does_not_decrypt(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_person SET first_surname = given_names WHERE id = %s",
                [self.person.pk],
            )
        with self.assertRaises(DecryptionError):
            _ = self.reload(self.person).first_surname

    def test_a_ciphertext_copied_into_another_organization_does_not_decrypt(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_person SET given_names = %s WHERE id = %s",
                [stored(self.person, "given_names"), self.elsewhere.pk],
            )
        with self.assertRaises(DecryptionError):
            _ = self.reload(self.elsewhere).given_names

    def test_a_tampered_ciphertext_does_not_decrypt(self) -> None:
        value = stored(self.person, "given_names")
        flipped = value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_person SET given_names = %s WHERE id = %s", [flipped, self.person.pk]
            )
        with self.assertRaises(DecryptionError):
            _ = self.reload(self.person).given_names

    def test_without_its_data_key_nothing_decrypts(self) -> None:
        OrganizationKey.objects.filter(organization=self.cast.org).delete()
        keys.forget_cached_keys()
        with self.assertRaises(DecryptionError):
            _ = self.reload(self.person).given_names

    def test_filtering_on_an_encrypted_field_is_refused(self) -> None:
        with organization_scope(self.cast.org.pk):
            with self.assertRaises(TypeError):
                list(Person.objects.filter(given_names="María José"))
            with self.assertRaises(TypeError):
                Person.objects.filter(pk=self.person.pk).update(given_names="Otra")

    def test_the_blind_index_ignores_spacing_punctuation_and_case(self) -> None:
        index = Person._meta.get_field("a_number_index")
        org = self.cast.org.pk
        self.assertEqual(
            index.lookup_value(org, "012345678"),  # type: ignore[union-attr]
            self.reload(self.person).a_number_index,
        )
        self.assertEqual(
            index.lookup_value(org, " 012-345.678 "),  # type: ignore[union-attr]
            index.lookup_value(org, "012345678"),  # type: ignore[union-attr]
        )
        self.assertNotEqual(
            index.lookup_value(org, "012345679"),  # type: ignore[union-attr]
            index.lookup_value(org, "012345678"),  # type: ignore[union-attr]
        )
        with organization_scope(org):
            found = Person.objects.filter(a_number_index=index.lookup_value(org, "012 345 678"))  # type: ignore[union-attr]
            self.assertEqual(list(found), [self.person])

    def test_the_blind_index_differs_between_organizations_for_the_same_value(self) -> None:
        mine = self.reload(self.person).a_number_index
        theirs = self.reload(self.elsewhere).a_number_index
        self.assertIsNotNone(mine)
        self.assertNotEqual(mine, theirs)
        self.assertNotEqual(stored(self.person, "a_number_index"), "")

    def test_the_blind_index_differs_between_fields_for_the_same_value(self) -> None:
        org = self.cast.org.pk
        a_number = Person._meta.get_field("a_number_index")
        phone = ContactChannel._meta.get_field("number_index")
        self.assertNotEqual(
            a_number.lookup_value(org, "012345678"),  # type: ignore[union-attr]
            phone.lookup_value(org, "012345678"),  # type: ignore[union-attr]
        )

    def test_a_row_is_invisible_from_another_organization_scope(self) -> None:
        with organization_scope(self.cast.other_org.pk):
            self.assertFalse(Person.objects.filter(pk=self.person.pk).exists())
            self.assertEqual(list(Person.objects.all()), [self.elsewhere])

    def test_a_row_is_invisible_outside_any_scope(self) -> None:
        self.assertFalse(Person.objects.filter(pk=self.person.pk).exists())
        self.assertEqual(Person.objects.count(), 0)
        self.assertEqual(Person.unscoped.count(), 3)

    def test_a_soft_deleted_row_is_invisible_in_its_own_scope(self) -> None:
        Person.unscoped.filter(pk=self.other.pk).update(
            deleted_at=datetime.datetime.now(datetime.UTC)
        )
        with organization_scope(self.cast.org.pk):
            self.assertEqual(list(Person.objects.all()), [self.person])
