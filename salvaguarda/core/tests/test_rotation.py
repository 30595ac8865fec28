"""Key rotation: new data keys, a new master key, and nothing unreadable afterwards."""

import datetime
from io import StringIO

import time_machine
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import TOTPDevice
from salvaguarda.core import audit, keys
from salvaguarda.core.models import AuditEvent, OrganizationKey
from salvaguarda.core.rotation import encrypted_models, rotate_keys
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, stored
from salvaguarda.lib import crypto
from salvaguarda.people.models import Person

BIRTH = datetime.date(1988, 2, 29)
NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)


def active_key_id(organization_id: int) -> str:
    return OrganizationKey.objects.get(organization_id=organization_id, is_active=True).key_id


class RotationTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="María José",
            first_surname="Pérez",
            date_of_birth=BIRTH,
            a_number="A012345678",
        )
        cls.removed = make_person(cls.cast.org, cls.cast.caseworker, given_names="Borrada")
        Person.unscoped.filter(pk=cls.removed.pk).update(deleted_at=timezone.now())
        cls.elsewhere = make_person(cls.cast.other_org, cls.cast.outsider, given_names="Wilson")
        cls.secret = mfa.new_secret()
        cls.device = TOTPDevice.objects.create(
            user=cls.cast.coordinator,
            sealed_secret=mfa.seal_secret(cls.cast.coordinator, cls.secret),
            confirmed_at=timezone.now(),
        )

    def setUp(self) -> None:
        keys.forget_cached_keys()
        self.addCleanup(keys.forget_cached_keys)  # rotated keys are rolled back after each test

    def read(self, person: Person) -> Person:
        keys.forget_cached_keys()
        with organization_scope(person.organization_id):
            found = Person.unscoped.get(pk=person.pk)
            # Decrypt inside the scope, as a request would.
            _ = (found.given_names, found.first_surname, found.date_of_birth)
            return found

    def test_it_finds_every_model_with_encrypted_fields(self) -> None:
        self.assertIn(Person, [spec.model for spec in encrypted_models()])

    def test_values_stay_readable_under_a_new_data_key(self) -> None:
        old_key = active_key_id(self.cast.org.pk)
        old_value = stored(self.person, "given_names")
        old_modified = Person.unscoped.get(pk=self.person.pk).modified_at
        report = rotate_keys()
        new_key = active_key_id(self.cast.org.pk)
        self.assertNotEqual(new_key, old_key)
        self.assertNotEqual(stored(self.person, "given_names"), old_value)
        self.assertTrue(stored(self.person, "given_names").startswith(f"sg1.{new_key}."))
        self.assertTrue(stored(self.person, "date_of_birth").startswith(f"sg1.{new_key}."))
        person = self.read(self.person)
        self.assertEqual(person.given_names, "María José")
        self.assertEqual(person.first_surname, "Pérez")
        self.assertEqual(person.date_of_birth, BIRTH)
        self.assertEqual(person.modified_at, old_modified)
        self.assertEqual(report.organizations, 3)
        self.assertEqual(report.records, 3)

    def test_the_former_data_key_is_retired_not_destroyed(self) -> None:
        old_key = active_key_id(self.cast.org.pk)
        rotate_keys()
        retired = OrganizationKey.objects.get(key_id=old_key)
        self.assertFalse(retired.is_active)
        self.assertIsNotNone(retired.retired_at)

    def test_soft_deleted_records_are_rotated_too(self) -> None:
        rotate_keys()
        new_key = active_key_id(self.cast.org.pk)
        self.assertTrue(stored(self.removed, "given_names").startswith(f"sg1.{new_key}."))
        self.assertEqual(self.read(self.removed).given_names, "Borrada")

    def test_each_organization_gets_its_own_new_key(self) -> None:
        rotate_keys()
        elsewhere_key = active_key_id(self.cast.other_org.pk)
        self.assertTrue(stored(self.elsewhere, "given_names").startswith(f"sg1.{elsewhere_key}."))
        self.assertEqual(self.read(self.elsewhere).given_names, "Wilson")

    def test_the_blind_index_is_recomputed_with_the_new_key(self) -> None:
        old_index = stored(self.person, "a_number_index")
        rotate_keys()
        keys.forget_cached_keys()
        self.assertNotEqual(stored(self.person, "a_number_index"), old_index)
        index = Person._meta.get_field("a_number_index")
        with organization_scope(self.cast.org.pk):
            value = index.lookup_value(self.cast.org.pk, "012345678")  # type: ignore[union-attr]
            self.assertEqual(list(Person.objects.filter(a_number_index=value)), [self.person])

    def test_each_organization_rotation_is_audited(self) -> None:
        rotate_keys()
        events = AuditEvent.objects.filter(action=audit.Action.KEYS_ROTATED)
        network = self.cast.network_admin.memberships.get().organization_id
        self.assertEqual(
            sorted(e.organization_id for e in events),
            sorted([self.cast.org.pk, self.cast.other_org.pk, network]),
        )
        mine = events.get(organization_id=self.cast.org.pk)
        self.assertEqual(mine.detail, {"key_id": active_key_id(self.cast.org.pk), "records": 2})
        self.assertEqual(audit.verify_chains()[1], [])

    def test_a_new_master_key_takes_over_and_the_former_one_can_be_removed(self) -> None:
        former = settings.SALVAGUARDA_MASTER_KEY
        new = crypto.encode_key(crypto.new_key())
        new_master_id = crypto.key_fingerprint(crypto.decode_key(new))
        with override_settings(
            SALVAGUARDA_MASTER_KEY=new, SALVAGUARDA_PREVIOUS_MASTER_KEYS=[former]
        ):
            keys.forget_cached_keys()
            report = rotate_keys()
        self.assertEqual(report.data_keys_rewrapped, 3)  # one per organization
        self.assertEqual(report.second_factors, 1)
        with override_settings(SALVAGUARDA_MASTER_KEY=new, SALVAGUARDA_PREVIOUS_MASTER_KEYS=[]):
            keys.forget_cached_keys()
            self.assertEqual(
                set(OrganizationKey.objects.values_list("master_key_id", flat=True)),
                {new_master_id},
            )
            self.assertEqual(self.read(self.person).given_names, "María José")
            self.assertEqual(self.read(self.elsewhere).given_names, "Wilson")
            device = TOTPDevice.objects.select_related("user").get(pk=self.device.pk)
            self.assertEqual(mfa.open_secret(device), self.secret)
            with time_machine.travel(NOW, tick=False):
                self.assertTrue(mfa.verify(device, mfa.code_at(self.secret, NOW)))

    def test_rotating_to_a_new_master_key_needs_the_former_one(self) -> None:
        new = crypto.encode_key(crypto.new_key())
        with override_settings(SALVAGUARDA_MASTER_KEY=new, SALVAGUARDA_PREVIOUS_MASTER_KEYS=[]):
            keys.forget_cached_keys()
            with self.assertRaises(crypto.DecryptionError):
                rotate_keys()
        keys.forget_cached_keys()
        self.assertEqual(self.read(self.person).given_names, "María José")

    def test_the_second_factor_still_verifies(self) -> None:
        before = bytes(self.device.sealed_secret)
        rotate_keys()
        device = TOTPDevice.objects.select_related("user").get(pk=self.device.pk)
        self.assertNotEqual(bytes(device.sealed_secret), before)
        with time_machine.travel(NOW, tick=False):
            self.assertTrue(mfa.verify(device, mfa.code_at(self.secret, NOW)))

    def test_the_command_prints_what_it_did(self) -> None:
        out = StringIO()
        call_command("rotate_keys", stdout=out)
        self.assertIn("Organizations given a new data key: 3", out.getvalue())
        self.assertIn("Records re-encrypted: 3", out.getvalue())
        self.assertIn("Second factors re-sealed: 1", out.getvalue())
