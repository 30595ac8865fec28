import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.test import Client, SimpleTestCase, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from salvaguarda.accounts.models import User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, audit_fails, make_person, sign_in
from salvaguarda.people import screening as q
from salvaguarda.people import vocab
from salvaguarda.people.models import Person, SafeguardCheck, Screening, SpecificNeed
from salvaguarda.people.services.screening import screening_record

NO_FACTS = q.PersonFacts()
WG_KEYS = list(q.WG_DOMAINS)
ADULT = q.Respondent(q.AgeBand.ADULT, "female")


class InEnglish:
    """Labels are asserted in English (the msgids), whatever translations exist."""

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        translation.activate("en")
        self.addCleanup(translation.deactivate)  # type: ignore[attr-defined]


def wg(*codes: int | None) -> dict[str, Any]:
    """WG answers in domain order (seeing, hearing, walking, cognition, self-care, comm.)."""
    return {key: code for key, code in zip(WG_KEYS, codes, strict=False) if code is not None}


class QuestionnaireDataTest(InEnglish, SimpleTestCase):
    def test_the_washington_group_short_set_is_asked_in_its_own_words(self) -> None:
        section = q.SECTIONS["wg"]
        self.assertEqual([question.key for question in section.questions], WG_KEYS)
        self.assertEqual(
            [str(question.label) for question in section.questions],
            [
                "Do you have difficulty seeing, even if wearing glasses?",
                "Do you have difficulty hearing, even if using a hearing aid?",
                "Do you have difficulty walking or climbing steps?",
                "Do you have difficulty remembering or concentrating?",
                "Do you have difficulty (with self-care such as) washing all over or dressing?",
                "Using your usual language, do you have difficulty communicating, for example "
                "understanding or being understood?",
            ],
        )
        for question in section.questions:
            self.assertIs(question.kind, q.Kind.WG)
            self.assertEqual(
                [(o.value, str(o.label)) for o in question.options],
                [
                    (1, "No - no difficulty"),
                    (2, "Yes - some difficulty"),
                    (3, "Yes - a lot of difficulty"),
                    (4, "Cannot do at all"),
                ],
            )

    def test_sensitive_questions_can_be_skipped(self) -> None:
        for key in ("gender.gbv_survivor", "gender.lgbtiq", "gender.gbv_where"):
            self.assertTrue(q.QUESTIONS[key].is_sensitive, key)
            self.assertIn(q.SKIP, [o.value for o in q.QUESTIONS[key].options], key)
        self.assertFalse(q.QUESTIONS["gender.pregnant"].is_sensitive)

    def test_every_rule_reads_a_real_question_and_gives_a_known_need(self) -> None:
        facts = {"person.child_status", "person.minor"}
        for rule in q.RULES:
            self.assertIn(rule.need, vocab.SPECIFIC_NEEDS, rule)
            for key in (*rule.when, *rule.unless):
                self.assertTrue(key in q.QUESTIONS or key in facts, f"{rule.need}: {key}")
        for code in q.REFERRALS:
            self.assertIn(code, vocab.SPECIFIC_NEEDS)
        self.assertEqual(set(q.SERVICE_LABELS), set(q.Service))
        self.assertEqual(set(q.WG_DOMAINS.values()) <= set(vocab.SPECIFIC_NEEDS.codes()), True)


class WashingtonGroupScoringTest(InEnglish, SimpleTestCase):
    CASES = (
        # (answers, disability, domains with difficulty)
        ("all 1s", wg(1, 1, 1, 1, 1, 1), False, []),
        ("2s only", wg(2, 2, 2, 2, 2, 2), False, []),
        ("1s and 2s", wg(1, 2, 1, 2, 1, 1), False, []),
        ("a single 3", wg(1, 1, 3, 1, 1, 1), True, ["wg.walking"]),
        ("a single 4", wg(1, 1, 1, 1, 1, 4), True, ["wg.communication"]),
        ("a 3 and a 4", wg(3, 1, 1, 4, 1, 1), True, ["wg.seeing", "wg.cognition"]),
        ("partial, no 3 or 4", wg(1, 2, None, 1), None, []),
        ("partial, with a 3", wg(None, 3), True, ["wg.hearing"]),
        ("partial, with a 4", {"wg.self_care": 4}, True, ["wg.self_care"]),
        ("nothing answered", {}, None, []),
        ("other sections only", {"gender.pregnant": "yes"}, None, []),
    )

    def test_the_standard_cut_off(self) -> None:
        for name, answers, disability, domains in self.CASES:
            with self.subTest(name):
                self.assertIs(q.wg_disability(answers), disability)
                self.assertEqual(q.wg_domains_with_difficulty(answers), domains)

    def test_each_domain_coded_3_or_4_gives_its_disability_code(self) -> None:
        expected = {
            "wg.seeing": "DS-BD",
            "wg.hearing": "DS-DF",
            "wg.walking": "DS-PM",
            "wg.cognition": "DS-MM",
            "wg.self_care": "DS-SC",
            "wg.communication": "DS-SD",
        }
        for key, code in expected.items():
            for value in (3, 4):
                needs = q.derive_needs({key: value}, person_facts=NO_FACTS)
                self.assertEqual(
                    [(n.full_code, n.priority, n.reasons) for n in needs],
                    [(code, "high", (f"{key}={value}",))],
                )
            for value in (1, 2):
                self.assertEqual(q.derive_needs({key: value}, person_facts=NO_FACTS), [])


class NeedsDerivationTest(InEnglish, SimpleTestCase):
    CASES: tuple[tuple[dict[str, Any], q.PersonFacts, list[tuple[str, str, tuple[str, ...]]]], ...]
    CASES = (
        # Gender
        ({"gender.pregnant": "yes"}, NO_FACTS, [("WR-PW", "high", ("gender.pregnant=yes",))]),
        (
            {"gender.pregnant": "yes"},
            q.PersonFacts(age=16),
            [
                ("CR-TP", "high", ("gender.pregnant=yes", "person.minor=yes")),
                ("WR-PW", "high", ("gender.pregnant=yes",)),
            ],
        ),
        (
            {"gender.pregnant": "yes"},
            q.PersonFacts(age=30),
            [("WR-PW", "high", ("gender.pregnant=yes",))],
        ),
        ({"gender.lactating": "yes"}, NO_FACTS, [("WR-LC", "standard", ("gender.lactating=yes",))]),
        (
            {"gender.single_caregiver": "yes"},
            NO_FACTS,
            [("SP", "standard", ("gender.single_caregiver=yes",))],
        ),
        (
            {"gender.woman_at_risk": "yes"},
            NO_FACTS,
            [("WR", "high", ("gender.woman_at_risk=yes",))],
        ),
        ({"gender.gbv_survivor": "yes"}, NO_FACTS, [("SV", "high", ("gender.gbv_survivor=yes",))]),
        ({"gender.gbv_survivor": "skip"}, NO_FACTS, []),
        ({"gender.gbv_survivor": "no"}, NO_FACTS, []),
        *(
            (
                {"gender.gbv_survivor": "yes", "gender.gbv_where": where},
                NO_FACTS,
                [(code, "high", ("gender.gbv_survivor=yes", f"gender.gbv_where={where}"))],
            )
            for where, code in (("origin", "SV-VO"), ("journey", "SV-VF"), ("mexico", "SV-VA"))
        ),
        (
            {"gender.gbv_survivor": "yes", "gender.gbv_where": "several"},
            NO_FACTS,
            [("SV", "high", ("gender.gbv_survivor=yes",))],
        ),
        (
            {"gender.gbv_survivor": "yes", "gender.gbv_where": "skip"},
            NO_FACTS,
            [("SV", "high", ("gender.gbv_survivor=yes",))],
        ),
        ({"gender.lgbtiq": "yes"}, NO_FACTS, [("LP-RP", "high", ("gender.lgbtiq=yes",))]),
        ({"gender.lgbtiq": "skip"}, NO_FACTS, []),
        # Childhood
        (
            {"childhood.separation": "unaccompanied"},
            NO_FACTS,
            [("SC-UC", "urgent", ("childhood.separation=unaccompanied",))],
        ),
        (
            {},
            q.PersonFacts(age=15, child_status="unaccompanied"),
            [("SC-UC", "urgent", ("person.child_status=unaccompanied",))],
        ),
        (
            {"childhood.separation": "unaccompanied"},
            q.PersonFacts(age=15, child_status="unaccompanied"),
            [
                (
                    "SC-UC",
                    "urgent",
                    ("childhood.separation=unaccompanied", "person.child_status=unaccompanied"),
                )
            ],
        ),
        (
            {"childhood.separation": "separated"},
            NO_FACTS,
            [("SC-SC", "high", ("childhood.separation=separated",))],
        ),
        (
            {},
            q.PersonFacts(child_status="separated"),
            [("SC-SC", "high", ("person.child_status=separated",))],
        ),
        (
            {"childhood.separation": "separated", "childhood.procuraduria_notified": "no"},
            NO_FACTS,
            [
                (
                    "SC-SC",
                    "urgent",
                    ("childhood.separation=separated", "childhood.procuraduria_notified=no"),
                )
            ],
        ),
        (
            {"childhood.procuraduria_notified": "no"},
            q.PersonFacts(child_status="separated"),
            [
                (
                    "SC-SC",
                    "urgent",
                    ("person.child_status=separated", "childhood.procuraduria_notified=no"),
                )
            ],
        ),
        (
            {"childhood.separation": "separated", "childhood.procuraduria_notified": "yes"},
            NO_FACTS,
            [("SC-SC", "high", ("childhood.separation=separated",))],
        ),
        ({}, q.PersonFacts(age=10, child_status="accompanied"), []),
        ({"childhood.separation": "no", "childhood.children_in_group": 3}, NO_FACTS, []),
        (
            {"childhood.not_in_school": "yes"},
            NO_FACTS,
            [("CR-NE", "standard", ("childhood.not_in_school=yes",))],
        ),
        (
            {"childhood.child_at_risk": "yes"},
            NO_FACTS,
            [("CR", "high", ("childhood.child_at_risk=yes",))],
        ),
        (
            {"childhood.child_at_risk": "yes", "childhood.procuraduria_notified": "no"},
            NO_FACTS,
            [
                (
                    "CR",
                    "urgent",
                    ("childhood.child_at_risk=yes", "childhood.procuraduria_notified=no"),
                )
            ],
        ),
        ({"childhood.procuraduria_notified": "no"}, NO_FACTS, []),
        # Health
        (
            {"health.urgent_care": "yes"},
            NO_FACTS,
            [("SM-CC", "urgent", ("health.urgent_care=yes",))],
        ),
        (
            {"health.serious_condition": "yes"},
            NO_FACTS,
            [("SM", "high", ("health.serious_condition=yes",))],
        ),
        (
            {"health.serious_condition": "yes", "health.medication": "no"},
            NO_FACTS,
            [("SM", "high", ("health.serious_condition=yes",))],
        ),
        (
            {"health.serious_condition": "yes", "health.medication": "yes"},
            NO_FACTS,
            [("SM-CI", "high", ("health.serious_condition=yes", "health.medication=yes"))],
        ),
        (
            {"health.medication": "yes"},
            NO_FACTS,
            [("SM-OT", "standard", ("health.medication=yes",))],
        ),
        (
            {"health.mental_distress": "yes"},
            NO_FACTS,
            [("SM-MI", "high", ("health.mental_distress=yes",))],
        ),
        # Safety
        ({"safety.threats": "yes"}, NO_FACTS, [("LP-AN", "urgent", ("safety.threats=yes",))]),
        (
            {"safety.victimized_since_return": "yes"},
            NO_FACTS,
            [("LP-AN", "high", ("safety.victimized_since_return=yes",))],
        ),
        (
            {"safety.threats": "yes", "safety.victimized_since_return": "yes"},
            NO_FACTS,
            [("LP-AN", "urgent", ("safety.threats=yes", "safety.victimized_since_return=yes"))],
        ),
        (
            {"safety.persecutor_in_mexico": "yes"},
            NO_FACTS,
            [("LP-RR", "urgent", ("safety.persecutor_in_mexico=yes",))],
        ),
        (
            {"safety.fear_of_return": "yes"},
            NO_FACTS,
            [("LP-RR", "high", ("safety.fear_of_return=yes",))],
        ),
        # Legal
        ({"legal.has_lawyer": "no"}, NO_FACTS, [("LP-NL", "standard", ("legal.has_lawyer=no",))]),
        ({"legal.has_lawyer": "unknown"}, NO_FACTS, []),
        (
            {"legal.next_hearing_known": "no"},
            NO_FACTS,
            [("LP-RD", "high", ("legal.next_hearing_known=no",))],
        ),
        (
            {"legal.has_documents": "no"},
            NO_FACTS,
            [("LP-ND", "standard", ("legal.has_documents=no",))],
        ),
        ({"legal.has_documents": "yes", "legal.has_lawyer": "yes"}, NO_FACTS, []),
    )

    def test_each_rule_and_its_reasons(self) -> None:
        for answers, facts, expected in self.CASES:
            with self.subTest(answers=answers, facts=facts):
                needs = q.derive_needs(answers, person_facts=facts)
                self.assertEqual([(n.full_code, n.priority, n.reasons) for n in needs], expected)

    def test_the_table_covers_every_need_the_rules_can_give(self) -> None:
        tested = {code for _a, _f, expected in self.CASES for code, _p, _r in expected}
        tested |= set(q.WG_DOMAINS.values())  # WashingtonGroupScoringTest
        tested |= {"CR-PS", "CR-SE", "DS-SC", "DS-SD"}  # test_screening_child
        self.assertEqual({rule.need for rule in q.RULES} - tested, set())

    def test_needs_come_most_pressing_first(self) -> None:
        needs = q.derive_needs(
            {
                "legal.has_lawyer": "no",
                "wg.walking": 4,
                "health.urgent_care": "yes",
                "gender.lactating": "yes",
            },
            person_facts=NO_FACTS,
        )
        self.assertEqual(
            [(n.full_code, n.priority) for n in needs],
            [("SM-CC", "urgent"), ("DS-PM", "high"), ("LP-NL", "standard"), ("WR-LC", "standard")],
        )
        self.assertEqual((needs[1].code, needs[1].subcode), ("DS", "PM"))


class PriorityTest(InEnglish, SimpleTestCase):
    def need(self, priority: str) -> q.DerivedNeed:
        return q.DerivedNeed("SM", "", priority, ())

    def test_overall_priority_is_the_most_pressing(self) -> None:
        self.assertEqual(q.overall_priority([]), "standard")
        self.assertEqual(q.overall_priority([self.need("standard")]), "standard")
        self.assertEqual(q.overall_priority([self.need("standard"), self.need("high")]), "high")
        self.assertEqual(
            q.overall_priority([self.need("high"), self.need("urgent"), self.need("standard")]),
            "urgent",
        )

    def test_examples_of_the_priority_rules(self) -> None:
        cases = (
            ({"health.urgent_care": "yes"}, NO_FACTS, "urgent"),
            ({}, q.PersonFacts(age=12, child_status="unaccompanied"), "urgent"),
            ({"safety.threats": "yes"}, NO_FACTS, "urgent"),
            ({"safety.persecutor_in_mexico": "yes"}, NO_FACTS, "urgent"),
            ({"gender.pregnant": "yes"}, NO_FACTS, "high"),
            (wg(1, 1, 3), NO_FACTS, "high"),
            ({}, q.PersonFacts(age=12, child_status="separated"), "high"),
            ({"gender.gbv_survivor": "yes"}, NO_FACTS, "high"),
            ({"health.serious_condition": "yes"}, NO_FACTS, "high"),
            ({"safety.victimized_since_return": "yes"}, NO_FACTS, "high"),
            ({"legal.has_lawyer": "no", "gender.lactating": "yes"}, NO_FACTS, "standard"),
            (wg(1, 1, 1, 1, 1, 1), NO_FACTS, "standard"),
        )
        for answers, facts, expected in cases:
            with self.subTest(answers=answers, facts=facts):
                needs = q.derive_needs(answers, person_facts=facts)
                self.assertEqual(q.overall_priority(needs), expected)


class ReferralsTest(InEnglish, SimpleTestCase):
    def test_services_with_the_needs_behind_them(self) -> None:
        needs = q.derive_needs(
            {
                "health.urgent_care": "yes",
                "health.mental_distress": "yes",
                "wg.seeing": 3,
                "wg.hearing": 4,
                "legal.has_documents": "no",
                "legal.has_lawyer": "no",
                "childhood.not_in_school": "yes",
                "gender.gbv_survivor": "yes",
            },
            person_facts=q.PersonFacts(age=15, child_status="unaccompanied"),
        )
        referrals = q.suggest_referrals(needs)
        self.assertEqual(
            [(r.service, r.priority, r.needs) for r in referrals],
            [
                ("health", "urgent", ("SM-CC",)),
                ("child_protection", "urgent", ("SC-UC", "CR-PS")),
                ("mental_health", "high", ("CR-PS", "SV")),
                ("gbv_services", "high", ("SV",)),
                ("disability_support", "high", ("DS-BD", "DS-DF")),
                ("legal_aid", "standard", ("LP-NL",)),
                ("documentation", "standard", ("LP-ND",)),
                ("education", "standard", ("CR-NE",)),
            ],
        )
        self.assertEqual(referrals[0].label, "Health care")

    def test_a_need_listed_by_its_main_code_and_a_need_with_no_service(self) -> None:
        self.assertEqual(q.services_for("SM-CI"), (q.Service.HEALTH,))
        self.assertEqual(q.services_for("SM-MI"), (q.Service.MENTAL_HEALTH,))
        self.assertEqual(q.services_for("SP"), ())
        self.assertEqual(q.suggest_referrals([]), [])

    def test_it_takes_recorded_needs_too(self) -> None:
        need = SpecificNeed(code="LP", subcode="RR", priority="urgent")
        self.assertEqual(
            [(r.service, r.priority) for r in q.suggest_referrals([need])],
            [("legal_aid", "urgent"), ("shelter", "urgent")],
        )


class ValidationTest(InEnglish, SimpleTestCase):
    def refused(self, answers: dict[str, Any]) -> dict[str, list[str]]:
        with self.assertRaises(ValidationError) as caught:
            q.clean_answers(answers, ADULT)
        return caught.exception.message_dict

    def test_unknown_question(self) -> None:
        errors = self.refused({"gender.pregnant": "yes", "gender.favourite_colour": "blue"})
        self.assertEqual(list(errors), ["__all__"])
        self.assertIn("gender.favourite_colour", errors["__all__"][0])

    def test_washington_group_answers_are_codes_1_to_4_only(self) -> None:
        for value in (5, 0, "yes", "no", True, "3", 2.5):
            with self.subTest(value=value):
                errors = self.refused({"wg.seeing": value})
                self.assertIn("four Washington Group answers", errors["wg.seeing"][0])

    def test_other_invalid_answers(self) -> None:
        self.assertIn("gender.pregnant", self.refused({"gender.pregnant": "maybe"}))
        self.assertIn("gender.pregnant", self.refused({"gender.pregnant": 1}))
        self.assertIn("gender.pregnant", self.refused({"gender.pregnant": "skip"}))
        self.assertIn("gender.lgbtiq", self.refused({"gender.lgbtiq": "unknown"}))
        for value in (-1, 31, "2", True):
            self.assertIn(
                "childhood.children_in_group", self.refused({"childhood.children_in_group": value})
            )
        self.assertIn("childhood.separation", self.refused({"childhood.separation": "yes"}))

    def test_a_follow_up_needs_the_answer_it_follows(self) -> None:
        errors = self.refused({"gender.gbv_survivor": "skip", "gender.gbv_where": "origin"})
        self.assertEqual(list(errors), ["gender.gbv_where"])

    def test_an_empty_screening_is_refused(self) -> None:
        self.assertEqual(list(self.refused({"gender.pregnant": ""})), ["__all__"])

    def test_valid_answers_are_kept_raw_and_blanks_dropped(self) -> None:
        answers = {
            "gender.pregnant": "no",
            "gender.gbv_survivor": "yes",
            "gender.gbv_where": "skip",
            "wg.seeing": 4,
            "childhood.children_in_group": 0,
            "legal.has_lawyer": None,
            "health.medication": "",
        }
        self.assertEqual(
            q.clean_answers(answers, ADULT),
            {
                "gender.pregnant": "no",
                "gender.gbv_survivor": "yes",
                "gender.gbv_where": "skip",
                "wg.seeing": 4,
                "childhood.children_in_group": 0,
            },
        )


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


class ScreeningServiceTest(InEnglish, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Rosa")
        cls.today = timezone.localdate()

    def record(self, answers: dict[str, Any], **kwargs: Any) -> Screening:
        with organization_scope(self.cast.org.pk):
            return screening_record(
                by=self.cast.caseworker,
                person=self.person,
                answers=answers,
                screened_on=kwargs.get("screened_on", self.today),
                language=kwargs.get("language", "spa"),
                age_band="18+",
            )

    def scoped(self, query: Callable[[], Any]) -> list[Any]:
        """Rows of organization A (a scoped queryset must be built inside the scope)."""
        with organization_scope(self.cast.org.pk):
            return list(query())

    def test_it_stores_the_answers_and_what_they_give(self) -> None:
        screening = self.record({"gender.pregnant": "yes", "wg.walking": 3, "wg.seeing": 1})
        with organization_scope(self.cast.org.pk):
            screening = Screening.objects.get(pk=screening.pk)
            self.assertEqual(
                screening.answers, {"gender.pregnant": "yes", "wg.walking": 3, "wg.seeing": 1}
            )
            self.assertEqual(screening.questionnaire, "2026-2")
            self.assertEqual(screening.age_band, "18+")
            self.assertTrue(screening.has_disability)
            self.assertEqual(screening.priority, "high")
            needs = list(SpecificNeed.objects.filter(person=self.person))
        self.assertEqual(
            sorted((n.code, n.subcode, n.priority, n.reasons, n.screening_id) for n in needs),
            [
                ("DS", "PM", "high", ["wg.walking=3"], screening.pk),
                ("WR", "PW", "high", ["gender.pregnant=yes"], screening.pk),
            ],
        )
        self.person.refresh_from_db()
        self.assertEqual(self.person.priority, "high")

    def test_has_disability_is_not_known_without_the_six_answers(self) -> None:
        screening = self.record({"wg.walking": 2})
        self.assertIsNone(screening.has_disability)
        self.assertEqual(screening.priority, "standard")
        self.person.refresh_from_db()
        self.assertEqual(self.person.priority, "standard")

    def test_a_new_screening_replaces_screened_needs_and_keeps_needs_recorded_by_hand(self) -> None:
        with organization_scope(self.cast.org.pk):
            manual = SpecificNeed.objects.create(
                organization=self.cast.org,
                created_by=self.cast.legal,
                modified_by=self.cast.legal,
                person=self.person,
                code="FU",
                subcode="TR",
                priority="standard",
                reasons=["recorded by hand"],
                identified_on=self.today,
            )
        first = self.record({"health.urgent_care": "yes", "legal.has_lawyer": "no"})
        self.person.refresh_from_db()
        self.assertEqual(self.person.priority, "urgent")
        second = self.record({"health.urgent_care": "no", "legal.has_lawyer": "no"})
        needs = self.scoped(lambda: SpecificNeed.objects.filter(person=self.person))
        self.assertEqual(
            sorted((n.code, n.subcode, n.screening_id) for n in needs),
            [("FU", "TR", None), ("LP", "NL", second.pk)],
        )
        self.assertIn(manual.pk, [n.pk for n in needs])
        replaced = SpecificNeed.unscoped.filter(screening=first)
        self.assertEqual(replaced.count(), 2)
        self.assertTrue(all(n.deleted_at is not None for n in replaced))
        self.person.refresh_from_db()
        self.assertEqual(self.person.priority, "standard")

    def test_an_open_need_recorded_by_hand_counts_for_the_priority(self) -> None:
        with organization_scope(self.cast.org.pk):
            SpecificNeed.objects.create(
                organization=self.cast.org,
                created_by=self.cast.legal,
                modified_by=self.cast.legal,
                person=self.person,
                code="LP",
                subcode="DA",
                priority="urgent",
                reasons=["recorded by hand"],
                identified_on=self.today,
            )
        screening = self.record({"legal.has_lawyer": "no"})
        self.assertEqual(screening.priority, "standard")
        self.person.refresh_from_db()
        self.assertEqual(self.person.priority, "urgent")

    def test_the_person_file_takes_part(self) -> None:
        with organization_scope(self.cast.org.pk):
            child = make_person(
                self.cast.org,
                self.cast.caseworker,
                given_names="Niño",
                date_of_birth=self.today.replace(year=self.today.year - 12),
            )
            child.child_status = Person.ChildStatus.UNACCOMPANIED
            child.save()
            screening_record(
                by=self.cast.caseworker,
                person=child,
                answers={"childhood.not_in_school": "yes"},
                screened_on=self.today,
                language="",
            )
            needs = list(SpecificNeed.objects.filter(person=child))
        self.assertEqual(
            sorted((n.code, n.subcode, n.priority) for n in needs),
            [("CR", "NE", "standard"), ("SC", "UC", "urgent")],
        )
        child.refresh_from_db()
        self.assertEqual(child.priority, "urgent")

    def test_the_screening_safeguard_is_recorded_once(self) -> None:
        earlier = self.today - datetime.timedelta(days=3)
        self.record({"legal.has_lawyer": "yes"}, screened_on=earlier)
        self.record({"legal.has_lawyer": "no"})
        checks = self.scoped(lambda: SafeguardCheck.objects.filter(person=self.person))
        self.assertEqual(
            [(c.item, c.done_on) for c in checks],
            [(SafeguardCheck.Item.SCREENING_DONE, earlier)],
        )

    def test_the_audit_names_the_sections_never_the_answers(self) -> None:
        screening = self.record(
            {"gender.gbv_survivor": "yes", "gender.lgbtiq": "skip", "wg.cognition": 4}
        )
        event = AuditEvent.objects.get(object_uuid=screening.uuid, action="create")
        self.assertEqual(event.actor, self.cast.caseworker)
        self.assertEqual(event.organization_id, self.cast.org.pk)
        self.assertEqual(event.object_type, "people.screening")
        self.assertEqual(event.fields, ["gender", "wg"])
        written = str(event.fields) + str(event.detail)
        for value in ("yes", "skip", "gbv", "lgbtiq", "cognition", "SV", "DS"):
            self.assertNotIn(value, written)

    def test_answers_and_reasons_are_stored_encrypted(self) -> None:
        screening = self.record({"gender.lgbtiq": "yes", "safety.threats": "yes"})
        stored = raw_column("people_screening", "answers", screening.pk)
        self.assertTrue(stored.startswith("sg1."))
        for clear in ("lgbtiq", "threats", "yes"):
            self.assertNotIn(clear, stored)
        need = SpecificNeed.unscoped.filter(screening=screening).first()
        assert need is not None
        reasons = raw_column("people_specificneed", "reasons", need.pk)
        self.assertTrue(reasons.startswith("sg1."))
        self.assertNotIn("yes", reasons)

    def test_invalid_answers_save_nothing(self) -> None:
        before = AuditEvent.objects.count()
        for answers in ({"gender.unknown": "yes"}, {"wg.seeing": 5}, {"wg.seeing": "yes"}):
            with self.subTest(answers=answers), self.assertRaises(ValidationError):
                self.record({"gender.pregnant": "yes", **answers})
        with self.assertRaises(ValidationError) as caught:
            self.record({"gender.pregnant": "yes"}, screened_on=self.today + datetime.timedelta(1))
        self.assertIn("screened_on", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            self.record({"gender.pregnant": "yes"}, language="xx")
        self.assertIn("language", caught.exception.message_dict)
        self.assertEqual(Screening.unscoped.count(), 0)
        self.assertEqual(SpecificNeed.unscoped.count(), 0)
        self.assertEqual(SafeguardCheck.unscoped.count(), 0)
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_nothing_is_saved_when_the_audit_fails(self) -> None:
        with (
            audit_fails(DatabaseError("x")),
            self.assertRaises(DatabaseError),
        ):
            self.record({"gender.pregnant": "yes"})
        self.assertEqual(Screening.unscoped.count(), 0)
        self.assertEqual(SpecificNeed.unscoped.count(), 0)

    def test_it_refuses_a_person_outside_the_scope(self) -> None:
        with organization_scope(self.cast.other_org.pk), self.assertRaises(PermissionError):
            screening_record(
                by=self.cast.outsider,
                person=self.person,
                answers={"gender.pregnant": "yes"},
                screened_on=self.today,
                language="",
            )


class ScreeningPagesTest(InEnglish, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Lucía",
            sex="female",
            date_of_birth=datetime.date(1991, 3, 8),
        )
        cls.other_person = make_person(cls.cast.org, cls.cast.caseworker, given_names="Otra")
        cls.today = timezone.localdate()
        User.objects.filter(pk__in=[u.pk for u in cls.cast.everyone().values()]).update(
            language="en"
        )

    def add_url(self, person: Person | None = None) -> str:
        return reverse("people:screening_add", args=[(person or self.person).uuid])

    def post_data(self, **answers: Any) -> dict[str, Any]:
        return {"screened_on": self.today.isoformat(), "language": "spa", **answers}

    def test_the_form_shows_every_section_and_the_washington_group_answers(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.get(self.add_url())
        self.assertEqual(response.status_code, 200)
        for section in q.sections_for(ADULT):
            self.assertContains(response, f'id="section-{section.key}"')
        self.assertContains(response, "Yes - a lot of difficulty", count=6)
        self.assertContains(response, 'type="radio" name="wg.seeing" value="3"')
        self.assertContains(response, "Skip / prefers not to say", count=3)
        self.assertNotContains(response, "<table")
        self.assertNotContains(response, "style=")

    def test_caseworker_records_a_screening(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            self.add_url(),
            self.post_data(
                **{
                    "gender.pregnant": "yes",
                    "wg.seeing": "1",
                    "wg.walking": "4",
                    "childhood.children_in_group": "2",
                    "safety.threats": "no",
                }
            ),
        )
        self.assertRedirects(
            response,
            reverse("people:detail", args=[self.person.uuid]),
            fetch_redirect_response=False,
        )
        with organization_scope(self.cast.org.pk):
            screening = Screening.objects.get(person=self.person)
            self.assertEqual(
                screening.answers,
                {
                    "gender.pregnant": "yes",
                    "wg.seeing": 1,
                    "wg.walking": 4,
                    "childhood.children_in_group": 2,
                    "safety.threats": "no",
                },
            )
            self.assertEqual(screening.language, "spa")
            self.assertEqual(screening.created_by, self.cast.caseworker)

    def test_invalid_input_is_shown_again_with_what_was_typed(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            self.add_url(),
            self.post_data(
                **{"gender.pregnant": "yes", "wg.seeing": "5", "childhood.children_in_group": "7"}
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")
        self.assertTrue(response.context["form"].has_error("wg.seeing"))
        self.assertContains(
            response,
            'type="radio" name="gender.pregnant" value="yes" id="id_gender.pregnant_0" checked',
        )
        self.assertContains(response, 'value="7"')
        self.assertEqual(Screening.unscoped.count(), 0)

    def test_refusals_of_the_service_are_shown_next_to_the_field(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        tomorrow = self.today + datetime.timedelta(days=1)
        response = client.post(
            self.add_url(),
            {
                "screened_on": tomorrow.isoformat(),
                "gender.gbv_survivor": "no",
                "gender.gbv_where": "origin",
            },
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertTrue(form.has_error("screened_on"))
        self.assertTrue(form.has_error("gender.gbv_where"))
        self.assertContains(response, f'value="{tomorrow.isoformat()}"')
        response = client.post(self.add_url(), self.post_data())
        self.assertContains(response, "Answer at least one question.")
        self.assertEqual(Screening.unscoped.count(), 0)

    def test_analyst_gets_404(self) -> None:
        client = sign_in(self.client, self.cast.analyst)
        self.assertEqual(client.get(self.add_url()).status_code, 404)
        response = client.post(self.add_url(), self.post_data(**{"gender.pregnant": "yes"}))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Screening.unscoped.count(), 0)

    def test_another_organizations_person_is_404(self) -> None:
        client = sign_in(self.client, self.cast.outsider)
        self.assertEqual(client.get(self.add_url()).status_code, 404)
        response = client.post(self.add_url(), self.post_data(**{"gender.pregnant": "yes"}))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Screening.unscoped.count(), 0)

    def record(self, answers: dict[str, Any]) -> Screening:
        with organization_scope(self.cast.org.pk):
            return screening_record(
                by=self.cast.caseworker,
                person=self.person,
                answers=answers,
                screened_on=self.today,
                language="spa",
            )

    def test_detail_shows_answers_result_needs_and_referrals_and_is_audited(self) -> None:
        screening = self.record(
            {
                "gender.pregnant": "yes",
                "wg.hearing": 3,
                "health.urgent_care": "yes",
                "legal.has_lawyer": "no",
            }
        )
        client = sign_in(self.client, self.cast.legal)
        url = reverse("people:screening_detail", args=[self.person.uuid, screening.uuid])
        response = client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Is the person pregnant?")
        self.assertContains(response, "Yes - a lot of difficulty")
        self.assertContains(response, "Disability: yes")
        self.assertContains(response, "Hearing impairment")  # DS-DF
        self.assertContains(response, "Critical medical condition")  # SM-CC
        self.assertContains(response, "Does the person need urgent medical care now?: Yes")
        self.assertContains(response, "Health care")
        self.assertContains(response, "Disability support")
        self.assertContains(response, "Legal aid")
        event = AuditEvent.objects.filter(action="view").latest("sequence")
        self.assertEqual((event.object_uuid, event.actor), (screening.uuid, self.cast.legal))

    def test_detail_of_a_replaced_screening_says_so(self) -> None:
        first = self.record({"health.urgent_care": "yes"})
        self.record({"health.urgent_care": "no"})
        client = sign_in(self.client, self.cast.caseworker)
        response = client.get(
            reverse("people:screening_detail", args=[self.person.uuid, first.uuid])
        )
        self.assertContains(response, "A later screening replaced the needs found by this one.")
        self.assertContains(response, "Disability: not known (0 of 6 domains answered).")

    def test_detail_is_404_for_another_person_role_or_organization(self) -> None:
        screening = self.record({"gender.pregnant": "yes"})
        wrong_person = reverse(
            "people:screening_detail", args=[self.other_person.uuid, screening.uuid]
        )
        right = reverse("people:screening_detail", args=[self.person.uuid, screening.uuid])
        client = sign_in(self.client, self.cast.caseworker)
        self.assertEqual(client.get(wrong_person).status_code, 404)
        for user in (self.cast.analyst, self.cast.outsider):
            client = sign_in(Client(), user)
            response = client.get(right)
            self.assertEqual(response.status_code, 404)
            self.assertNotContains(response, "Lucía", status_code=404)

    def test_needs_partial_renders_labels_and_priorities(self) -> None:
        from django.template.loader import render_to_string

        needs = q.derive_needs(
            {"safety.threats": "yes", "gender.lactating": "yes"}, person_facts=NO_FACTS
        )
        html = render_to_string("people/_needs.html", {"needs": needs})
        self.assertIn("Violence, abuse or neglect", html)
        self.assertIn("Lactating woman", html)
        self.assertIn("priority priority-urgent", html)
        self.assertNotIn("safety.threats", html)
        self.assertIn("No specific needs recorded.", render_to_string("people/_needs.html", {}))
