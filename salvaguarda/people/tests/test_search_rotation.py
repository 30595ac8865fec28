"""Name-search tokens are keyed with the data key: rotation rebuilds them."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from salvaguarda.core import keys, rotation
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.rotation import rotate_keys
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.people.models import NameToken, Person
from salvaguarda.people.search import (
    name_tokens_refresh,
    rank_persons,
    rebuild_organization_tokens,
)


class SearchRotationTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.people = []
        names = [("María José", "Pérez", "López"), ("Wilson", "Chávez", ""), ("Ana", "Ruiz", "")]
        for number, (given, first, second) in enumerate(names, start=1):
            with organization_scope(cls.cast.org.pk):
                person = Person.objects.create(
                    organization=cls.cast.org,
                    created_by=cls.cast.caseworker,
                    modified_by=cls.cast.caseworker,
                    reference=f"P-{number:06d}",
                    given_names=given,
                    first_surname=first,
                    second_surname=second,
                )
                name_tokens_refresh(person)
            cls.people.append(person)
        Person.unscoped.filter(pk=cls.people[2].pk).update(deleted_at=timezone.now())

    def setUp(self) -> None:
        keys.forget_cached_keys()
        self.addCleanup(keys.forget_cached_keys)  # rotated keys are rolled back after each test

    def tokens(self, person: Person) -> set[int]:
        return set(NameToken.objects.filter(person=person).values_list("token", flat=True))

    def search(self, text: str) -> list[int]:
        keys.forget_cached_keys()
        with organization_scope(self.cast.org.pk):
            return rank_persons(organization_id=self.cast.org.pk, text=text)

    def test_the_rebuild_is_registered_with_rotation(self) -> None:
        self.assertIn(rebuild_organization_tokens, rotation.AFTER_ORGANIZATION_ROTATION)

    def test_a_person_is_still_found_after_rotation(self) -> None:
        person = self.people[0]
        before = self.tokens(person)
        self.assertEqual(self.search("Maria Jose Perez")[0], person.pk)
        report = rotate_keys()
        self.assertEqual(report.records, 3)  # tokens are not counted as records
        after = self.tokens(person)
        self.assertEqual(len(after), len(before))
        self.assertFalse(before & after)
        self.assertEqual(self.search("Maria Jose Perez")[0], person.pk)
        self.assertEqual(self.search("Wilson Chaves"), [self.people[1].pk])

    def test_soft_deleted_people_keep_their_tokens_but_stay_hidden(self) -> None:
        removed = self.people[2]
        before = self.tokens(removed)
        rotate_keys()
        self.assertTrue(self.tokens(removed))
        self.assertFalse(before & self.tokens(removed))
        self.assertNotIn(removed.pk, self.search("Ana Ruiz"))

    def test_the_rebuild_alone_counts_the_people_and_is_idempotent(self) -> None:
        before = {p.pk: self.tokens(p) for p in self.people}
        self.assertEqual(rebuild_organization_tokens(self.cast.org.pk), 3)
        self.assertEqual({p.pk: self.tokens(p) for p in self.people}, before)
        self.assertEqual(rebuild_organization_tokens(self.cast.other_org.pk), 0)

    def test_the_command_rebuilds_missing_tokens_and_audits_it(self) -> None:
        NameToken.objects.filter(person=self.people[1]).delete()  # as after a change of rules
        self.assertEqual(self.search("Wilson Chaves"), [])
        out = StringIO()
        call_command("rebuild_name_tokens", organization=self.cast.org.short_name, stdout=out)
        self.assertIn(
            f"{self.cast.org.short_name}: name tokens of 3 people rebuilt.", out.getvalue()
        )
        self.assertEqual(self.search("Wilson Chaves"), [self.people[1].pk])
        event = AuditEvent.objects.get(object_type="people.nametoken")
        self.assertEqual((event.organization_id, event.detail), (self.cast.org.pk, {"people": 3}))
        with self.assertRaisesMessage(CommandError, "No organization is called 'NADIE'"):
            call_command("rebuild_name_tokens", organization="NADIE")
