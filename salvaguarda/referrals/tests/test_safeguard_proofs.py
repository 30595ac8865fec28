"""The checklist's conditional items derived from records (issue 17 §3): a child's school place
from the child's latest school record, the accommodation of a disability from a completed
referral to a service for people with disabilities. The line on the file and the omission counts
must say the same."""

import datetime

from django.test import TestCase
from django.utils import timezone

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import make_person
from salvaguarda.people.queries_records import omission_counts, safeguard_status
from salvaguarda.people.services import records
from salvaguarda.people.services.screening import screening_record
from salvaguarda.referrals.referring.models import Outcome, ReferralStep
from salvaguarda.referrals.rights.services import right_record
from salvaguarda.referrals.tests.factories import member_service
from salvaguarda.referrals.tests.test_referral_services import Network

CHILD = "child_schooling"
DISABILITY = "disability_accommodation"
Kind = ReferralStep.Kind


class ConditionalProofsTest(Network, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_network()
        cls.rehabilitation = member_service(
            cls.cast.outsider,
            cls.cast.other_org,
            name="Rehabilitación física y ayudas técnicas",
            groups=["disability"],
        )

    def line(self, person: object, item: str) -> object:
        with organization_scope(self.cast.org.pk):
            return {x.item: x for x in safeguard_status(person)}.get(item)  # type: ignore[arg-type]

    def counts(self) -> dict[str, int]:
        with organization_scope(self.cast.org.pk):
            return omission_counts()

    def record_school(self, state: str, as_of: object, **more: object) -> None:
        with organization_scope(self.cast.org.pk):
            right_record(
                by=self.cast.caseworker,
                person=self.son,
                data={"right": "school", "state": state, "as_of": as_of, **more},
            )

    def test_the_sons_school_place_ticks_his_schooling_and_a_later_barrier_unticks_it(self):
        before = self.line(self.son, CHILD)
        self.assertTrue(before.is_omission)  # type: ignore[attr-defined]
        self.assertIsNone(self.line(self.mother, CHILD))  # an adult: no such line
        self.assertEqual(self.counts()[CHILD], 1)

        today = timezone.localdate()
        self.record_school("pending", today.replace(day=1) if today.day > 2 else today)
        self.assertTrue(self.line(self.son, CHILD).is_omission)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 1)

        self.record_school("access", today, details={"school": "Primaria Benito Juárez"})
        done = self.line(self.son, CHILD)
        self.assertFalse(done.is_omission)  # type: ignore[attr-defined]
        self.assertIsNone(done.check)  # type: ignore[attr-defined]  # derived, not typed
        self.assertIn("/derechos/school/", done.proof.url)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 0)

        self.record_school("barrier", today, barrier="document_asked")
        self.assertTrue(self.line(self.son, CHILD).is_omission)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 1)

    def test_a_later_school_record_outweighs_an_earlier_check_by_hand(self) -> None:
        today = timezone.localdate()
        day = datetime.timedelta(days=1)
        self.record_school("barrier", today - 3 * day, barrier="document_asked")
        # Enrolled with an acta testimonial outside the app: recorded by hand, later.
        with organization_scope(self.cast.org.pk):
            records.safeguard_record(
                by=self.cast.caseworker,
                person=self.son,
                item=CHILD,
                done_on=today - 2 * day,
                note="Acta testimonial",
            )
        self.assertFalse(self.line(self.son, CHILD).is_omission)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 0)
        # Then a fee is asked: the later record decides again.
        self.record_school("barrier", today - day, barrier="fee")
        line = self.line(self.son, CHILD)
        self.assertTrue(line.is_omission)  # type: ignore[attr-defined]
        self.assertIsNotNone(line.refutation)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 1)
        # Enrolled at last: the line shows the enrolment, not the check the fee disproved.
        self.record_school("access", today)
        line = self.line(self.son, CHILD)
        self.assertFalse(line.is_omission)  # type: ignore[attr-defined]
        self.assertIsNone(line.counted_check)  # type: ignore[attr-defined]
        self.assertEqual(line.done_on, today)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 0)

    def test_a_check_by_hand_on_the_day_of_a_barrier_counts(self) -> None:
        # A barrier recorded, then the same day the child is enrolled outside the app.
        today = timezone.localdate()
        self.record_school("barrier", today, barrier="no_place")
        with organization_scope(self.cast.org.pk):
            records.safeguard_record(
                by=self.cast.caseworker, person=self.son, item=CHILD, done_on=today
            )
        self.assertFalse(self.line(self.son, CHILD).is_omission)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], 0)

    def test_of_unknown_age_a_school_record_makes_the_schooling_apply(self) -> None:
        with organization_scope(self.cast.org.pk):
            unknown = make_person(self.cast.org, self.cast.caseworker, given_names="Sin fecha")
        self.assertIsNone(self.line(unknown, CHILD))
        before = self.counts()[CHILD]
        with organization_scope(self.cast.org.pk):
            right_record(
                by=self.cast.caseworker,
                person=unknown,
                data={"right": "school", "state": "barrier", "barrier": "no_place"},
            )
        self.assertTrue(self.line(unknown, CHILD).is_omission)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[CHILD], before + 1)

    def test_no_referral_ticks_the_accommodation_of_a_disability(self) -> None:
        # A service open to people with disabilities (cash assistance, say) is no accommodation.
        with organization_scope(self.cast.org.pk):
            screening_record(
                by=self.cast.caseworker,
                person=self.mother,
                answers={"wg.walking": 4, "wg.seeing": 1, "wg.hearing": 1},
                screened_on=timezone.localdate(),
                language="spa",
            )
        referral = self.send(self.mother, self.rehabilitation, now=timezone.now())
        self.step(referral, Kind.ACCEPTED)
        self.close(referral, outcome=Outcome.RECEIVED, outcome_on=timezone.localdate())
        self.assertTrue(self.line(self.mother, DISABILITY).is_omission)  # type: ignore[attr-defined]
        self.assertFalse(self.line(self.mother, "referrals_made").is_omission)  # type: ignore[attr-defined]
        self.assertEqual(self.counts()[DISABILITY], 1)
