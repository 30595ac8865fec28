"""Crypto-shredding: two network administrators destroy an organization's data keys."""

import datetime
import io
from io import StringIO
from unittest import mock

import time_machine
from django.core.management import CommandError, call_command
from django.test import Client, TestCase
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import Role, TOTPDevice, User
from salvaguarda.core import audit, keys
from salvaguarda.core.models import AuditEvent, OrganizationKey, OrganizationShredding
from salvaguarda.core.rotation import rotate_keys
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import (
    PASSWORD,
    ApiCalls,
    Cast,
    make_person,
    member,
    sign_in,
    stored,
)
from salvaguarda.incidents import services as incidents
from salvaguarda.incidents.models import EvidenceFile
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.lib import crypto
from salvaguarda.people.models import Person
from salvaguarda.people.services import person_register

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def with_second_factor(user: User) -> bytes:
    secret = mfa.new_secret()
    TOTPDevice.objects.create(
        user=user, sealed_secret=mfa.seal_secret(user, secret), confirmed_at=timezone.now()
    )
    return secret


class ShreddingTest(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        network = cls.cast.network_admin.memberships.get().organization
        cls.second_admin = member(network, Role.NETWORK_ADMIN)
        cls.secrets = {
            cls.cast.network_admin.pk: with_second_factor(cls.cast.network_admin),
            cls.second_admin.pk: with_second_factor(cls.second_admin),
        }
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="María José", first_surname="Pérez"
        )
        make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            person=cls.person,
            uploads=[incidents.Upload(source=io.BytesIO(PNG), name="foto.png")],
        )
        cls.elsewhere = make_person(cls.cast.other_org, cls.cast.outsider, given_names="Wilson")

    def setUp(self) -> None:
        keys.forget_cached_keys()
        self.addCleanup(keys.forget_cached_keys)
        self.clock = self.enterContext(time_machine.travel(timezone.now(), tick=False))

    def shred(self, step: str, by: User, *, password: str = PASSWORD, typed: str = "TIJ") -> str:
        """`manage.py shred_organization STEP TIJ --by BY`, answering its questions."""
        # A code is accepted once: each step comes one time step later.
        self.clock.shift(datetime.timedelta(seconds=mfa.STEP_SECONDS))
        code = mfa.code_at(self.secrets[by.pk], timezone.now())
        out = StringIO()
        with (
            mock.patch("getpass.getpass", side_effect=[password, code]),
            mock.patch("builtins.input", return_value=typed),
        ):
            call_command("shred_organization", step, "TIJ", "--by", by.email, stdout=out)
        return out.getvalue()

    def read_person(self, person: Person) -> tuple[str, str]:
        with organization_scope(person.organization_id):
            found = Person.objects.get(pk=person.pk)
            return found.given_names, found.first_surname

    def read_evidence(self) -> bytes:
        with organization_scope(self.cast.org.pk):
            return b"".join(incidents.evidence_chunks(EvidenceFile.objects.get()))

    def test_two_administrators_destroy_the_keys_and_the_data_is_unreadable(self) -> None:
        self.assertEqual(self.read_person(self.person), ("María José", "Pérez"))
        self.assertEqual(self.read_evidence(), PNG)
        ciphertext = stored(self.person, "given_names")

        self.assertIn("Asked.", self.shred("request", self.cast.network_admin))
        with self.assertRaisesRegex(CommandError, "who asked cannot confirm"):
            self.shred("confirm", self.cast.network_admin)
        with self.assertRaisesRegex(CommandError, "Wrong password"):
            self.shred("confirm", self.second_admin, password="not the password")
        with self.assertRaisesRegex(CommandError, "short name was not typed"):
            self.shred("confirm", self.second_admin, typed="tij")
        self.assertEqual(self.read_person(self.person), ("María José", "Pérez"))

        self.assertIn("were destroyed", self.shred("confirm", self.second_admin))
        keys.forget_cached_keys()
        with self.assertRaises(keys.KeyShredded):
            self.read_person(self.person)
        with self.assertRaises(keys.KeyShredded):
            self.read_evidence()
        # Not even the master key opens it: no wrapped key is left to unwrap, and the master
        # key does not open a value sealed under a data key.
        rows = OrganizationKey.objects.filter(organization=self.cast.org)
        self.assertTrue(rows.exists())
        self.assertEqual({bytes(row.wrapped_key) for row in rows}, {b""})
        _, master = keys.current_master()
        blob = crypto.from_text(ciphertext.split(".", 2)[2])
        for context in (b"", f"people_person.given_names:{self.person.uuid}".encode()):
            with self.assertRaises(crypto.DecryptionError):
                crypto.unseal(master, blob, context)
        # Other organizations are untouched.
        self.assertEqual(self.read_person(self.elsewhere), ("Wilson", None))
        # Nothing new can be written under the destroyed organization.
        with self.assertRaises(keys.KeyShredded), organization_scope(self.cast.org.pk):
            person_register(by=self.cast.caseworker, data={"given_names": "Nueva"})

    def test_the_trail_says_who_asked_who_confirmed_and_when(self) -> None:
        self.shred("request", self.cast.network_admin)
        self.shred("confirm", self.second_admin)
        done = OrganizationShredding.objects.get(organization=self.cast.org)
        self.assertEqual(
            (done.requested_by, done.confirmed_by), (self.cast.network_admin, self.second_admin)
        )
        for organization_id in (None, self.cast.org.pk):
            asked = AuditEvent.objects.get(
                action=audit.Action.SHRED_REQUESTED, organization_id=organization_id
            )
            shredded = AuditEvent.objects.get(
                action=audit.Action.ORGANIZATION_SHREDDED, organization_id=organization_id
            )
            self.assertEqual(asked.actor, self.cast.network_admin)
            self.assertEqual(shredded.actor, self.second_admin)
            self.assertEqual(shredded.object_uuid, self.cast.org.uuid)
            self.assertEqual(shredded.detail["requested_by"], self.cast.network_admin.pk)
            self.assertEqual(shredded.at, done.shredded_at)
        self.assertEqual(audit.verify_chains()[1], [])
        out = StringIO()
        call_command("shred_organization", "status", "TIJ", stdout=out)
        self.assertIn(f"confirmed by {self.second_admin.email}", out.getvalue())

    def test_only_network_administrators_with_a_second_factor_take_part(self) -> None:
        with self.assertRaisesRegex(CommandError, "not an active network administrator"):
            call_command(
                "shred_organization", "request", "TIJ", "--by", self.cast.coordinator.email
            )
        TOTPDevice.objects.filter(user=self.second_admin).delete()
        with (
            mock.patch("getpass.getpass", side_effect=[PASSWORD, "123456"]),
            self.assertRaisesRegex(CommandError, "has no second factor"),
        ):
            call_command("shred_organization", "request", "TIJ", "--by", self.second_admin.email)
        with self.assertRaisesRegex(CommandError, "Wrong or already used second-factor code"):
            with mock.patch("getpass.getpass", side_effect=[PASSWORD, "000000"]):
                call_command(
                    "shred_organization", "request", "TIJ", "--by", self.cast.network_admin.email
                )
        self.assertFalse(OrganizationShredding.objects.exists())

    def test_a_cancelled_request_cannot_be_confirmed(self) -> None:
        self.shred("request", self.cast.network_admin)
        self.shred("cancel", self.cast.network_admin)
        with self.assertRaisesRegex(CommandError, "No request to destroy the keys of TIJ is open"):
            self.shred("confirm", self.second_admin)
        self.assertEqual(self.read_person(self.person), ("María José", "Pérez"))

    def test_pages_and_the_api_say_the_data_was_destroyed(self) -> None:
        self.shred("request", self.cast.network_admin)
        self.shred("confirm", self.second_admin)
        client = sign_in(Client(), self.cast.caseworker)
        page = client.get(f"/personas/{self.person.uuid}/")
        self.assertEqual(page.status_code, 410)
        self.assertContains(page, "ya no se pueden leer", status_code=410)
        secret = self.token_for(self.cast.caseworker)
        response = self.call("get", f"/people/{self.person.uuid}", secret=secret)
        self.assertEqual(response.status_code, 410)
        self.assertEqual(response.json()["code"], "organization_shredded")

    def test_a_rotation_passes_over_a_shredded_organization(self) -> None:
        self.shred("request", self.cast.network_admin)
        self.shred("confirm", self.second_admin)
        report = rotate_keys()
        self.assertEqual(report.organizations, 2)  # the other organization and the network
        self.assertFalse(
            OrganizationKey.objects.filter(organization=self.cast.org, is_active=True).exists()
        )
        self.assertEqual(self.read_person(self.elsewhere), ("Wilson", None))
