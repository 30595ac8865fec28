from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from salvaguarda.accounts import demo
from salvaguarda.referrals.directory import queries
from salvaguarda.referrals.directory.demo import CITIES
from salvaguarda.referrals.directory.models import Provider, Service
from salvaguarda.referrals.referring.models import Referral, ReferralStep


class DemoDirectoryTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        demo.seed(demo.new_password())

    def test_every_city_of_the_demo_network_has_its_institutions(self) -> None:
        for city, *_rest in CITIES.values():
            found = queries.directory_search(queries.DirectoryFilters(city=city)).services
            categories = {s.category for s in found}
            self.assertLessEqual(
                {"migration_documents", "health", "school_enrolment", "child_protection"},
                categories,
                city,
            )
        kinds = set(Provider.objects.values_list("kind", flat=True))
        self.assertLessEqual(
            {
                "inm",
                "comar",
                "imss_bienestar",
                "sep_school",
                "dif",
                "fiscalia",
                "consulate",
                "human_rights_commission",
                "un_partner",
                "network_member",
            },
            kinds,
        )

    def test_each_member_keeps_its_city_and_some_entries_need_checking(self) -> None:
        tijuana = Provider.objects.get(network_organization__short_name="TIJ")
        self.assertEqual(tijuana.maintainer, tijuana.network_organization)
        self.assertTrue(Service.objects.filter(last_verified__isnull=True).exists())
        admin = demo.User.objects.get(email="admin.red@demo.example.org")
        editor = queries.Editor(admin, admin.memberships.get().organization, is_network_admin=True)
        stale = queries.needs_checking(editor, today=timezone.localdate()).services
        self.assertTrue(stale)
        self.assertTrue(all(queries.is_stale(s, timezone.localdate()) for s in stale))

    def test_consulates_serve_their_nationals(self) -> None:
        consular = Service.objects.filter(provider__kind="consulate")
        self.assertTrue(consular.exists())
        self.assertTrue(all(len(s.nationalities) == 1 for s in consular))

    def test_every_place_lies_near_its_city_centre(self) -> None:
        # The trial found Tijuana services in San Diego: one counter moved every city's points.
        from salvaguarda.referrals.directory.models import Location

        centres = {code: (Decimal(lat), Decimal(lon)) for code, _s, lat, lon, _p in CITIES.values()}
        places = Location.objects.exclude(latitude=None).filter(city__in=list(centres))
        self.assertGreater(places.count(), 50)
        for place in places:
            lat, lon = centres[place.city]
            self.assertLessEqual(abs(place.latitude - lat), Decimal("0.03"), place.city)
            self.assertLessEqual(abs(place.longitude - lon), Decimal("0.03"), place.city)

    def test_the_demo_referrals_are_dated_when_they_were_sent_and_answered(self) -> None:
        # Sent days ago: the deadline after the sending, each step after it and not in the
        # future, the answers in time (the indicators count an answer in time by these dates).
        referrals = {r.pk: r for r in Referral.unscoped.all()}
        steps = list(ReferralStep.unscoped.all())
        self.assertEqual(len(referrals), 5)
        now = timezone.now()
        for referral in referrals.values():
            self.assertLess(referral.created_at, referral.answer_due_at, referral.reference)
        answers = 0
        for step in steps:
            referral = referrals[step.referral_id]
            with self.subTest(referral.reference, kind=step.kind):
                self.assertGreaterEqual(step.created_at, referral.created_at)
                self.assertLessEqual(step.created_at, now)
                if step.kind in ("accepted", "info_requested"):
                    answers += 1
                    self.assertLessEqual(step.created_at, referral.answer_due_at)
        self.assertEqual(answers, 3)
