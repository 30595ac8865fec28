"""A child screened as a child: the Child Functioning Module, questions by age and sex, child
labels for needs, and the child-protection flags (issue 14, point 3)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.test import Client, SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from salvaguarda.accounts.models import User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person, sign_in
from salvaguarda.people import screening as q
from salvaguarda.people import vocab
from salvaguarda.people.models import Person, Screening, SpecificNeed
from salvaguarda.people.services.screening import screening_record

Band = q.AgeBand
BOY_9 = q.Respondent(Band.AGE_5_9, "male")


def keys_asked(respondent: q.Respondent) -> set[str]:
    return {question.key for s in q.sections_for(respondent) for question in s.questions}


def born(years: int, today: datetime.date, days: int = 40) -> datetime.date:
    """A birth date `years` (and `days`) before `today`."""
    return today.replace(year=today.year - years) - datetime.timedelta(days=days)


class InEnglish:
    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        translation.activate("en")
        self.addCleanup(translation.deactivate)  # type: ignore[attr-defined]


class ModuleDataTest(InEnglish, SimpleTestCase):
    def test_both_versions_have_the_published_items_in_order(self) -> None:
        for section, count in ((q.SECTIONS["cfm24"], 16), (q.SECTIONS["cfm517"], 24)):
            self.assertEqual(
                [question.item for question in section.questions],
                [f"CF{number}" for number in range(1, count + 1)],
            )

    def test_the_questions_keep_the_published_english_wording(self) -> None:
        published = {
            "cfm517.glasses": "Does (name) wear glasses or contact lenses?",
            "cfm517.hearing": (
                "Does (name) have difficulty hearing sounds like peoples' voices or music?"
            ),
            "cfm517.self_care": (
                "Does (name) have difficulty with self-care such as feeding or dressing "
                "him/herself?"
            ),
            "cfm517.understood_outside": (
                "When (name) speaks, does he/she have difficulty being understood by people "
                "outside of this household?"
            ),
            "cfm517.accepting_change": (
                "Does (name) have difficulty accepting changes in his/her routine?"
            ),
            "cfm517.anxious": "How often does (name) seem very anxious, nervous or worried?",
            "cfm24.glasses": "Does (name) wear glasses?",
            "cfm24.fine_motor": (
                "Compared with children of the same age, does (name) have difficulty picking "
                "up small objects with his/her hand?"
            ),
            "cfm24.behaviour": (
                "Compared with children of the same age, how much does (name) kick, bite or "
                "hit other children or adults?"
            ),
        }
        for key, wording in published.items():
            self.assertEqual(str(q.QUESTIONS[key].label), wording, key)

    def test_every_question_is_published_in_spanish_too(self) -> None:
        for section in (q.SECTIONS["cfm24"], q.SECTIONS["cfm517"]):
            for question in section.questions:
                with translation.override("es"):
                    spanish = str(question.label)
                self.assertIn("(nombre)", spanish, question.key)
                self.assertNotEqual(spanish, str(question.label), question.key)
                for option in question.options:
                    with translation.override("es"):
                        self.assertTrue(str(option.label), question.key)

    def test_answer_scales(self) -> None:
        seeing = q.QUESTIONS["cfm517.seeing"]
        self.assertEqual(
            [(o.value, str(o.label)) for o in seeing.options],
            [
                (1, "No difficulty"),
                (2, "Some difficulty"),
                (3, "A lot of difficulty"),
                (4, "Cannot do at all"),
            ],
        )
        # A child who uses walking equipment has some difficulty without it at least.
        self.assertEqual(
            [o.value for o in q.QUESTIONS["cfm517.walk_100_without"].options], [2, 3, 4]
        )
        self.assertEqual(
            [str(o.label) for o in q.QUESTIONS["cfm517.sad"].options],
            ["Daily", "Weekly", "Monthly", "A few times a year", "Never"],
        )
        self.assertEqual(
            [str(o.label) for o in q.QUESTIONS["cfm24.behaviour"].options],
            ["Not at all", "The same or less", "More", "A lot more"],
        )
        self.assertEqual(q.QUESTIONS["cfm517.glasses"].kind, q.Kind.CHOICE)

    def test_every_scored_domain_gives_a_known_need(self) -> None:
        for section in (q.SECTIONS["cfm24"], q.SECTIONS["cfm517"]):
            for question in section.questions:
                if question.cut_off:
                    need = q.CFM_DOMAINS.terms[question.domain].extra["need"]
                    self.assertIn(need, vocab.SPECIFIC_NEEDS, question.key)


class PublishedCutOffTest(InEnglish, SimpleTestCase):
    """The tabulation plan of UNICEF's MICS6 (tables CF.1 and CF.2), domain by domain."""

    CASES_5_17: tuple[tuple[str, dict[str, Any], tuple[str, ...], list[str]], ...] = (
        (
            "wears glasses, a lot",
            {"cfm517.glasses": "yes", "cfm517.seeing_glasses": 3},
            ("seeing",),
            ["DS-BD"],
        ),
        ("no glasses, some", {"cfm517.glasses": "no", "cfm517.seeing": 2}, (), []),
        (
            "hearing aid, cannot",
            {"cfm517.hearing_aid": "yes", "cfm517.hearing_with_aid": 4},
            ("hearing",),
            ["DS-DF"],
        ),
        (
            "equipment, a lot without it at 500 m",
            {
                "cfm517.walking_equipment": "yes",
                "cfm517.walk_100_without": 2,
                "cfm517.walk_500_without": 3,
                "cfm517.walk_100_with": 1,
                "cfm517.walk_500_with": 1,
            },
            ("walking",),
            ["DS-PM"],
        ),
        (
            "equipment: with it is asked but not scored",
            {
                "cfm517.walking_equipment": "yes",
                "cfm517.walk_100_without": 2,
                "cfm517.walk_500_without": 2,
                "cfm517.walk_100_with": 4,
            },
            (),
            [],
        ),
        (
            "no equipment, 100 m cannot",
            {"cfm517.walking_equipment": "no", "cfm517.walk_100": 4},
            ("walking",),
            ["DS-PM"],
        ),
        ("self-care", {"cfm517.self_care": 3}, ("self_care",), ["DS-SC"]),
        (
            "understood outside",
            {"cfm517.understood_inside": 1, "cfm517.understood_outside": 3},
            ("communication",),
            ["DS-SD"],
        ),
        (
            "learning and remembering",
            {"cfm517.learning": 3, "cfm517.remembering": 4},
            ("learning", "remembering"),
            ["CR-SE"],
        ),
        ("concentrating, some", {"cfm517.concentrating": 2}, (), []),
        ("accepting change", {"cfm517.accepting_change": 3}, ("accepting_change",), ["CR-PS"]),
        ("behaviour", {"cfm517.behaviour": 4}, ("behaviour",), ["CR-PS"]),
        ("friends", {"cfm517.friendships": 3}, ("friendships",), ["CR-PS"]),
        ("anxious daily", {"cfm517.anxious": 1}, ("anxiety",), ["CR-PS"]),
        ("anxious weekly", {"cfm517.anxious": 2}, (), []),
        (
            "sad daily, anxious never",
            {"cfm517.sad": 1, "cfm517.anxious": 5},
            ("depression",),
            ["CR-PS"],
        ),
    )
    CASES_2_4: tuple[tuple[str, dict[str, Any], tuple[str, ...], list[str]], ...] = (
        (
            "equipment, a lot without it",
            {"cfm24.walking_equipment": "yes", "cfm24.walking_without": 3, "cfm24.walking_with": 2},
            ("walking",),
            ["DS-PM"],
        ),
        (
            "equipment, some without it, cannot with it",
            {"cfm24.walking_equipment": "yes", "cfm24.walking_without": 2, "cfm24.walking_with": 4},
            (),
            [],
        ),
        ("fine motor", {"cfm24.fine_motor": 3}, ("fine_motor",), ["DS-PM"]),
        ("understanding you", {"cfm24.understanding_you": 4}, ("communication",), ["DS-SD"]),
        ("playing", {"cfm24.playing": 3}, ("playing",), ["CR-SE"]),
        ("kicks more", {"cfm24.behaviour": 3}, (), []),
        ("kicks a lot more", {"cfm24.behaviour": 4}, ("behaviour",), ["CR-PS"]),
    )

    def check(self, band: q.AgeBand, cases: Any, age: int) -> None:
        for name, answers, domains, needs in cases:
            with self.subTest(name):
                q.clean_answers(answers, q.Respondent(band, "female"))  # a real answer set
                result = q.functioning(band, answers)
                assert result is not None
                self.assertEqual(result.domains_with_difficulty, domains)
                self.assertIs(result.disability, True if domains else None)
                derived = q.derive_needs(answers, person_facts=q.PersonFacts(age=age))
                self.assertEqual(sorted({n.full_code for n in derived}), needs)

    def test_children_of_5_to_17(self) -> None:
        self.check(Band.AGE_10_14, self.CASES_5_17, 12)

    def test_children_of_2_to_4(self) -> None:
        self.check(Band.AGE_2_4, self.CASES_2_4, 3)

    def test_no_difficulty_needs_every_domain_answered(self) -> None:
        answers: dict[str, Any] = {
            "cfm517.glasses": "no",
            "cfm517.seeing": 1,
            "cfm517.hearing_aid": "no",
            "cfm517.hearing": 2,
            "cfm517.walking_equipment": "no",
            "cfm517.walk_100": 1,
            "cfm517.walk_500": 2,
            "cfm517.self_care": 1,
            "cfm517.understood_inside": 1,
            "cfm517.understood_outside": 2,
            "cfm517.learning": 2,
            "cfm517.remembering": 1,
            "cfm517.concentrating": 2,
            "cfm517.accepting_change": 1,
            "cfm517.behaviour": 2,
            "cfm517.friendships": 1,
            "cfm517.anxious": 3,
        }
        partial = q.functioning(Band.AGE_5_9, answers)
        assert partial is not None
        self.assertEqual((partial.disability, partial.domains_answered), (None, 12))
        complete = q.functioning(Band.AGE_5_9, {**answers, "cfm517.sad": 4})
        assert complete is not None
        self.assertEqual((complete.disability, complete.domains_total), (False, 13))
        self.assertIsNone(q.functioning(Band.UNDER_2, answers))


class WhoIsAskedWhatTest(SimpleTestCase):
    def test_a_boy_of_9_gets_the_child_module_and_no_adult_or_gender_questions(self) -> None:
        asked = keys_asked(BOY_9)
        for key in (
            "gender.pregnant",
            "gender.lactating",
            "gender.woman_at_risk",
            "gender.lgbtiq",
            "gender.gbv_survivor",
            "gender.single_caregiver",
            "childhood.separation",
            "wg.seeing",
            "cfm24.glasses",
            "health.mental_distress",
        ):
            self.assertNotIn(key, asked)
        for key in ("cfm517.glasses", "cfm517.sad", "childhood.child_status", "legal.has_lawyer"):
            self.assertIn(key, asked)

    def test_questions_by_age_band_and_sex(self) -> None:
        cases = (
            (q.Respondent(Band.AGE_5_9, "female"), "gender.pregnant", False),
            (q.Respondent(Band.AGE_10_14, "female"), "gender.pregnant", True),
            (q.Respondent(Band.AGE_10_14, "male"), "gender.lactating", False),
            (q.Respondent(Band.AGE_10_14, "not_recorded"), "gender.lactating", True),
            (q.Respondent(Band.AGE_10_14, "female"), "gender.lgbtiq", False),
            (q.Respondent(Band.AGE_15_17, "male"), "gender.lgbtiq", True),
            (q.Respondent(Band.AGE_15_17, "female"), "gender.gbv_survivor", True),
            (q.Respondent(Band.ADULT, "male"), "gender.pregnant", False),
            (q.Respondent(Band.ADULT, "male"), "wg.seeing", True),
            (q.Respondent(Band.ADULT, "male"), "childhood.child_status", False),
            (q.Respondent(Band.AGE_15_17, "female"), "wg.seeing", False),
            (q.Respondent(Band.AGE_2_4, "female"), "cfm24.playing", True),
            (q.Respondent(Band.AGE_2_4, "female"), "health.mental_distress", True),
            (q.Respondent(Band.UNDER_2, "female"), "health.mental_distress", False),
        )
        for respondent, key, asked in cases:
            with self.subTest(respondent=respondent, key=key):
                self.assertIs(key in keys_asked(respondent), asked)

    def test_a_baby_is_asked_no_functioning_questions(self) -> None:
        sections = [s.key for s in q.sections_for(q.Respondent(Band.UNDER_2, "male"))]
        self.assertEqual(sections, ["childhood", "health", "safety", "legal"])
        self.assertIsNone(q.functioning_section(Band.UNDER_2))

    def test_ages_fall_in_their_bands(self) -> None:
        ages = (0, 1, 2, 4, 5, 9, 10, 14, 15, 17, 18, 64)
        self.assertEqual(
            [q.band_of_age(age) for age in ages],
            [
                "0-1",
                "0-1",
                "2-4",
                "2-4",
                "5-9",
                "5-9",
                "10-14",
                "10-14",
                "15-17",
                "15-17",
                "18+",
                "18+",
            ],
        )

    def test_a_question_not_asked_of_the_person_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            q.clean_answers({"gender.pregnant": "no", "wg.seeing": 1, "cfm517.sad": 5}, BOY_9)
        self.assertEqual(list(caught.exception.message_dict), ["__all__"])
        self.assertEqual(len(caught.exception.message_dict["__all__"]), 2)

    def test_a_follow_up_needs_the_answer_it_follows(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            q.clean_answers({"cfm517.glasses": "yes", "cfm517.seeing": 3}, BOY_9)
        self.assertEqual(list(caught.exception.message_dict), ["cfm517.seeing"])
        with self.assertRaises(ValidationError) as caught:
            q.clean_answers({"cfm517.anxious": "yes", "cfm517.walk_100_without": 1}, BOY_9)
        self.assertEqual(
            sorted(caught.exception.message_dict), ["cfm517.anxious", "cfm517.walk_100_without"]
        )


class ChildNeedsTest(InEnglish, SimpleTestCase):
    def test_strong_distress_is_not_mental_illness_for_a_child(self) -> None:
        answers = {"health.mental_distress": "yes"}
        child = q.derive_needs(answers, person_facts=q.PersonFacts(age=3))
        self.assertEqual([n.full_code for n in child], ["CR-PS"])
        self.assertEqual(
            vocab.SPECIFIC_NEEDS.label("CR-PS"),
            "Child with emotional or behavioural distress: needs psychosocial support",
        )
        by_band = q.derive_needs(answers, person_facts=q.PersonFacts(band=Band.AGE_2_4))
        self.assertEqual([n.full_code for n in by_band], ["CR-PS"])
        adult = q.derive_needs(answers, person_facts=q.PersonFacts(age=34))
        self.assertEqual([n.full_code for n in adult], ["SM-MI"])

    def test_a_child_in_distress_is_referred_to_psychosocial_support_and_protection(self) -> None:
        needs = q.derive_needs({"cfm517.sad": 1}, person_facts=q.PersonFacts(age=11))
        self.assertEqual(
            [(r.service, r.needs) for r in q.suggest_referrals(needs)],
            [("mental_health", ("CR-PS",)), ("child_protection", ("CR-PS",))],
        )

    def test_whom_a_child_travels_with(self) -> None:
        needs = q.derive_needs(
            {"childhood.child_status": "separated", "childhood.procuraduria_notified": "no"},
            person_facts=q.PersonFacts(age=16),
        )
        self.assertEqual([(n.full_code, n.priority) for n in needs], [("SC-SC", "urgent")])


class ProtectionFlagsTest(SimpleTestCase):
    CASES: tuple[tuple[dict[str, Any], q.PersonFacts, list[str]], ...] = (
        (
            {"childhood.child_status": "unaccompanied", "childhood.procuraduria_notified": "no"},
            q.PersonFacts(age=16),
            ["unaccompanied", "notify_procuraduria", "best_interests"],
        ),
        (
            {"childhood.child_status": "separated", "childhood.procuraduria_notified": "yes"},
            q.PersonFacts(age=7),
            ["separated", "best_interests"],
        ),
        (
            {"childhood.procuraduria_notified": "unknown"},
            q.PersonFacts(band=Band.AGE_10_14, child_status="separated"),
            ["separated", "notify_procuraduria", "best_interests"],
        ),
        (
            {"childhood.child_status": "accompanied"},
            q.PersonFacts(age=9, child_status="separated"),
            [],
        ),
        (
            {"childhood.child_at_risk": "yes"},
            q.PersonFacts(age=13),
            ["notify_procuraduria", "best_interests"],
        ),
        ({"childhood.child_status": "accompanied"}, q.PersonFacts(age=9), []),
        ({"childhood.child_at_risk": "yes"}, q.PersonFacts(age=30), []),
        ({"childhood.separation": "unaccompanied"}, q.PersonFacts(), []),
    )

    def test_the_flags_of_a_screened_child(self) -> None:
        for answers, facts, flags in self.CASES:
            with self.subTest(answers=answers, facts=facts):
                self.assertEqual(q.protection_flags(answers, facts), flags)


class ChildScreeningServiceTest(InEnglish, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.today = timezone.localdate()
        cls.boy = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Kevin",
            first_surname="Mejía",
            sex="male",
            date_of_birth=born(9, cls.today),
        )
        cls.unknown_age = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="Dayana", sex="female"
        )

    def record(self, person: Person, answers: dict[str, Any], **kwargs: Any) -> Screening:
        with organization_scope(self.cast.org.pk):
            return screening_record(
                by=self.cast.caseworker,
                person=person,
                answers=answers,
                screened_on=kwargs.pop("screened_on", self.today),
                language="spa",
                **kwargs,
            )

    def test_a_boy_of_9_is_screened_with_the_child_module(self) -> None:
        answers = {
            "cfm517.glasses": "no",
            "cfm517.seeing": 1,
            "cfm517.hearing_aid": "no",
            "cfm517.hearing": 1,
            "cfm517.learning": 3,
            "cfm517.anxious": 1,
            "childhood.child_status": "accompanied",
            "legal.has_lawyer": "no",
        }
        screening = self.record(self.boy, answers)
        with organization_scope(self.cast.org.pk):
            stored = Screening.objects.get(pk=screening.pk)
            needs = list(SpecificNeed.objects.filter(screening=stored))
        self.assertEqual(stored.answers, answers)
        self.assertEqual(stored.age_band, "5-9")
        self.assertIs(stored.has_disability, True)
        self.assertEqual(stored.protection_flags, [])
        self.assertEqual(
            sorted((n.code, n.subcode, n.priority) for n in needs),
            [("CR", "PS", "high"), ("CR", "SE", "high"), ("LP", "NL", "standard")],
        )
        self.assertNotIn("MI", [n.subcode for n in needs])

    def test_the_age_is_the_age_on_the_day_of_the_screening(self) -> None:
        # Five years old today, four a month ago: a screening dated then is the 2-4 version.
        child = make_person(
            self.cast.org,
            self.cast.caseworker,
            given_names="Dayana",
            sex="female",
            date_of_birth=born(5, self.today, days=10),
        )
        earlier = self.today - datetime.timedelta(days=30)
        with self.assertRaises(ValidationError) as caught:
            self.record(child, {"cfm517.self_care": 1}, screened_on=earlier)
        self.assertIn("__all__", caught.exception.message_dict)
        screening = self.record(child, {"cfm24.playing": 4}, screened_on=earlier)
        self.assertEqual((screening.age_band, screening.has_disability), ("2-4", True))

    def test_questions_not_asked_of_a_boy_of_9_are_refused(self) -> None:
        for answers in (
            {"gender.pregnant": "no"},
            {"gender.lgbtiq": "no"},
            {"wg.seeing": 1},
            {"cfm24.playing": 1},
        ):
            with self.subTest(answers=answers), self.assertRaises(ValidationError):
                self.record(self.boy, {"legal.has_lawyer": "no", **answers})
        self.assertEqual(Screening.unscoped.count(), 0)

    def test_without_a_birth_date_the_age_band_is_required(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.record(self.unknown_age, {"legal.has_lawyer": "no"})
        self.assertEqual(list(caught.exception.message_dict), ["age_band"])
        with self.assertRaises(ValidationError) as caught:
            self.record(self.unknown_age, {"legal.has_lawyer": "no"}, age_band="7")
        self.assertEqual(list(caught.exception.message_dict), ["age_band"])
        screening = self.record(self.unknown_age, {"cfm24.playing": 2}, age_band="2-4")
        self.assertEqual(screening.age_band, "2-4")

    def test_a_band_that_contradicts_the_birth_date_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.record(self.boy, {"legal.has_lawyer": "no"}, age_band="18+")
        self.assertIn("5 to 9 years", caught.exception.message_dict["age_band"][0])

    def test_an_unaccompanied_child_is_flagged_and_the_file_says_so(self) -> None:
        screening = self.record(
            self.boy,
            {"childhood.child_status": "unaccompanied", "childhood.procuraduria_notified": "no"},
        )
        self.assertEqual(
            screening.protection_flags,
            ["unaccompanied", "notify_procuraduria", "best_interests"],
        )
        self.boy.refresh_from_db()
        self.assertEqual((self.boy.child_status, self.boy.priority), ("unaccompanied", "urgent"))
        event = AuditEvent.objects.filter(object_uuid=self.boy.uuid, action="update").latest(
            "sequence"
        )
        self.assertEqual(event.fields, ["child_status", "priority"])

    def test_a_baby_is_screened_without_a_functioning_module(self) -> None:
        baby = make_person(
            self.cast.org,
            self.cast.caseworker,
            given_names="Bebé",
            sex="female",
            date_of_birth=born(0, self.today, days=200),
        )
        screening = self.record(baby, {"health.urgent_care": "yes"})
        self.assertEqual((screening.age_band, screening.has_disability), ("0-1", None))
        with self.assertRaises(ValidationError):
            self.record(baby, {"cfm24.glasses": "no"})


class ChildScreeningPagesTest(InEnglish, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.today = timezone.localdate()
        cls.boy = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Kevin",
            sex="male",
            date_of_birth=born(9, cls.today),
        )
        cls.unknown_age = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="Sin Fecha", sex="male"
        )
        User.objects.filter(pk__in=[u.pk for u in cls.cast.everyone().values()]).update(
            language="en"
        )

    def add_url(self, person: Person) -> str:
        return reverse("people:screening_add", args=[person.uuid])

    def test_the_form_of_a_boy_of_9_asks_the_child_module_only(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.get(self.add_url(self.boy))
        self.assertContains(response, 'id="section-cfm517"')
        self.assertContains(response, "Does (name) wear glasses or contact lenses?")
        self.assertContains(response, 'type="radio" name="cfm517.sad" value="1"')
        self.assertContains(response, "5 to 9 years")
        for absent in (
            "Is the person pregnant?",
            "Is the person breastfeeding?",
            "LGBTIQ+",
            "Do you have difficulty seeing, even if wearing glasses?",
            'id="section-gender"',
            'id="section-wg"',
        ):
            self.assertNotContains(response, absent)

    def test_the_child_module_is_shown_in_spanish_as_published(self) -> None:
        User.objects.filter(pk=self.cast.caseworker.pk).update(language="es")
        client = sign_in(self.client, self.cast.caseworker)
        with translation.override("es"):
            response = client.get(self.add_url(self.boy))
        self.assertContains(response, "¿(nombre) usa anteojos o lentes de contacto?")
        self.assertContains(response, "Diariamente")

    def test_a_child_without_birth_date_is_asked_the_age_band_first(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.get(self.add_url(self.unknown_age))
        self.assertContains(response, 'name="banda" value="5-9"')
        self.assertNotContains(response, 'id="section-')
        response = client.get(self.add_url(self.unknown_age), {"banda": "5-9"})
        self.assertContains(response, 'id="section-cfm517"')
        self.assertContains(response, 'name="age_band" value="5-9"')
        response = client.post(
            self.add_url(self.unknown_age),
            {
                "screened_on": self.today.isoformat(),
                "age_band": "5-9",
                "cfm517.glasses": "yes",
                "cfm517.seeing_glasses": "3",
            },
        )
        self.assertEqual(response.status_code, 302)
        with organization_scope(self.cast.org.pk):
            screening = Screening.objects.get(person=self.unknown_age)
        self.assertEqual(screening.answers, {"cfm517.glasses": "yes", "cfm517.seeing_glasses": 3})
        self.assertEqual(screening.age_band, "5-9")

    def test_a_wrong_follow_up_is_shown_again_next_to_the_question(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            self.add_url(self.boy),
            {"screened_on": self.today.isoformat(), "cfm517.glasses": "yes", "cfm517.seeing": "3"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("cfm517.seeing"))
        self.assertContains(
            response, 'name="cfm517.glasses" value="yes" id="id_cfm517.glasses_0" checked'
        )
        self.assertEqual(Screening.unscoped.count(), 0)

    def test_the_detail_shows_the_domains_and_the_protection_flags(self) -> None:
        with organization_scope(self.cast.org.pk):
            screening = screening_record(
                by=self.cast.caseworker,
                person=self.boy,
                answers={
                    "cfm517.anxious": 1,
                    "cfm517.friendships": 3,
                    "childhood.child_status": "separated",
                },
                screened_on=self.today,
                language="spa",
            )
        client = sign_in(Client(), self.cast.legal)
        response = client.get(
            reverse("people:screening_detail", args=[self.boy.uuid, screening.uuid])
        )
        self.assertContains(response, "Functioning (Child Functioning Module, children of 5 to 17)")
        self.assertContains(response, "<li>Making friends</li>", html=True)
        self.assertContains(response, "<li>Anxiety</li>", html=True)
        self.assertContains(response, "Separated child")
        self.assertContains(response, "Best-interests assessment needed")
        self.assertContains(response, "Refer to the Procuraduría de Protección")
        self.assertContains(response, "Child with emotional or behavioural distress")
        self.assertNotContains(response, "Mental illness")


class ChildScreeningApiTest(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.today = timezone.localdate()
        cls.girl = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Ana Lucía",
            sex="female",
            date_of_birth=born(16, cls.today),
        )
        cls.secret = cls.token_for(cls.cast.caseworker)

    def post(self, person: Person, body: dict[str, Any]) -> Any:
        return self.call("post", f"/people/{person.uuid}/screenings", body)

    def test_a_girl_of_16_screened_through_the_api(self) -> None:
        response = self.post(
            self.girl,
            {
                "screened_on": self.today.isoformat(),
                "answers": {
                    "gender.lgbtiq": "skip",
                    "cfm517.sad": 1,
                    "childhood.child_status": "separated",
                    "childhood.procuraduria_notified": "unknown",
                },
            },
        )
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(body["age_band"], "15-17")
        self.assertTrue(body["has_disability"])
        self.assertEqual(
            body["protection_flags"], ["separated", "notify_procuraduria", "best_interests"]
        )
        self.assertEqual(
            sorted(f"{n['code']}-{n['subcode']}" for n in body["needs"]), ["CR-PS", "SC-SC"]
        )

    def test_the_api_refuses_an_adult_question_for_a_child(self) -> None:
        response = self.post(
            self.girl,
            {"screened_on": self.today.isoformat(), "answers": {"wg.seeing": 1}},
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(Screening.unscoped.count(), 0)
