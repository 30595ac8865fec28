"""The indicators of access to rights (issue 17 §4): a small cohort whose every figure is known
by hand, through the queries (the evidence app's entry) and through the page and its CSV."""

import csv
import datetime
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from salvaguarda.accounts.models import Organization, Role
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, member, sign_in
from salvaguarda.people.models import Person
from salvaguarda.people.services import records
from salvaguarda.referrals.directory.models import Service
from salvaguarda.referrals.indicators import queries
from salvaguarda.referrals.indicators.queries import Filters
from salvaguarda.referrals.referring import services as referring
from salvaguarda.referrals.referring.models import Referral
from salvaguarda.referrals.rights.services import right_record
from salvaguarda.referrals.tests.factories import member_service, referral_data

URL = "/indicadores/derechos/"
UTC = datetime.UTC
NOW = datetime.datetime(2026, 11, 3, 17, 30, tzinfo=UTC)
SEPTEMBER = Filters(datetime.date(2026, 9, 1), datetime.date(2026, 9, 30))
SEPTEMBER_SYS = Filters(SEPTEMBER.since, SEPTEMBER.until, "SYS")
PERIOD = {"desde": "2026-09-01", "hasta": "2026-09-30"}


def day(month: int, number: int) -> datetime.date:
    return datetime.date(2026, month, number)


def moment(month: int, number: int, hour: int = 16) -> datetime.datetime:
    return datetime.datetime(2026, month, number, hour, tzinfo=UTC)


@contextmanager
def at(when: datetime.datetime) -> Iterator[None]:
    with time_machine.travel(when, tick=False):
        yield


class Cohort:
    """Organization A (a shelter in Tijuana) and B (a clinic, another member), with:

    - P1, adult, returned 5 Sept. at San Ysidro (SYS): an FMM issued on day 7;
    - P2, adult, 10 Sept. at SYS: a TVRH issued on day 8 (30 days, not 7), a passport on day 1;
    - P3, adult, 15 Sept. at El Paso (ELP): an FMM given at the return itself;
    - P4, born 2016, 20 Sept. at SYS: at school ("has access") 25 days after;
    - P5, born 2020, 2 Sept. at ELP and 25 Sept. at SYS: at school 5 Oct. (day 33 after her
      first return, day 10 after the second);
    - P6, adult, returned 20 Aug. only (outside September), a residence card issued 25 Aug.;
    - P7, year of birth not known, 8 Sept. at SYS (left out of the children);
    - B's own person, returned 5 Sept. at SYS with an FMM: never A's figures.

    Rights: P1 health barrier (a document asked) 20 Sept., P2 health barrier (a fee) 22 Sept.,
    P3 work barrier (a document asked) 25 Sept., P1 school-less barrier 5 Oct. (outside).

    Referrals A sent: P1 → B's clinic (health) 21 Sept., received; P2 → B's psychologist
    (mental health) 23 Sept., not received (no documents) on 28 Sept.; P3 → the clinic 24 Sept.,
    still open; P4 → B's shelter (not health) 24 Sept.; P6 → the clinic 25 Aug. (outside).

    Referrals A received from B (to A's own health service): accepted in time, declined late,
    more information asked in time, never answered, and one of October (outside).
    """

    cast: Cast
    people: dict[str, Person]

    @classmethod
    def build_cohort(cls) -> None:
        cls.cast = Cast.build()
        org, other = cls.cast.org, cls.cast.other_org
        cls.clinician = member(other, Role.CASEWORKER)
        cls.clinic = member_service(cls.cast.outsider, other, name="Consulta general")
        cls.psychologist = member_service(
            cls.cast.outsider, other, name="Atención psicológica", category="mental_health"
        )
        cls.shelter = member_service(cls.cast.outsider, other, name="Albergue", category="shelter")
        cls.own_service = member_service(cls.cast.coordinator, org, name="Consulta del albergue")
        born = {"P4": datetime.date(2016, 5, 1), "P5": datetime.date(2020, 2, 14)}
        adult = datetime.date(1990, 3, 3)
        cls.people = {
            name: make_person(
                org,
                cls.cast.caseworker,
                given_names=name,
                **({} if name == "P7" else {"date_of_birth": born.get(name, adult)}),
            )
            for name in ("P1", "P2", "P3", "P4", "P5", "P6", "P7")
        }
        with at(NOW):
            with organization_scope(org.pk):
                cls._returns()
                cls._rights()
            with organization_scope(other.pk):
                theirs = make_person(other, cls.cast.outsider, date_of_birth=adult)
                cls.returned(theirs, day(9, 5), "SYS", by=cls.cast.outsider)
                cls.document(theirs, "FMM", day(9, 6), by=cls.cast.outsider)
        cls._sent()
        cls._received()

    @classmethod
    def returned(
        cls, person: Person, on: datetime.date, port: str, by: Any = None, **data: Any
    ) -> None:
        records.return_record(
            by=by or cls.cast.caseworker,
            person=person,
            data={"program_phase": "DEPORTATION", "returned_on": on, "return_point": port, **data},
        )

    @classmethod
    def document(cls, person: Person, doc_type: str, issued: datetime.date, by: Any = None) -> None:
        records.document_record(
            by=by or cls.cast.caseworker,
            person=person,
            data={
                "doc_type": doc_type,
                "number": f"{doc_type}-{person.pk}-{issued}",
                "issued_on": issued,
            },
        )

    @classmethod
    def right(cls, name: str, right: str, state: str, on: datetime.date, barrier: str = "") -> None:
        right_record(
            by=cls.cast.caseworker,
            person=cls.people[name],
            data={"right": right, "state": state, "barrier": barrier, "as_of": on},
        )

    @classmethod
    def _returns(cls) -> None:
        p = cls.people
        cls.returned(p["P1"], day(9, 5), "SYS")
        cls.document(p["P1"], "FMM", day(9, 12))
        cls.returned(p["P2"], day(9, 10), "SYS")
        cls.document(p["P2"], "TVRH", day(9, 18))
        cls.document(p["P2"], "PASSPORT", day(9, 11))
        cls.returned(p["P3"], day(9, 15), "ELP", reception_documents=["FMM"])
        cls.returned(p["P4"], day(9, 20), "SYS")
        cls.returned(p["P5"], day(9, 2), "ELP")
        cls.returned(p["P5"], day(9, 25), "SYS")
        cls.returned(p["P6"], day(8, 20), "SYS")
        cls.document(p["P6"], "RES_TEMP", day(8, 25))
        cls.returned(p["P7"], day(9, 8), "SYS")

    @classmethod
    def _rights(cls) -> None:
        cls.right("P4", "school", "access", day(10, 15))
        cls.right("P5", "school", "access", day(10, 5))
        cls.right("P1", "health", "barrier", day(9, 20), "document_asked")
        cls.right("P2", "health", "barrier", day(9, 22), "fee")
        cls.right("P3", "work", "barrier", day(9, 25), "document_asked")
        cls.right("P1", "health", "barrier", day(10, 5), "distance")

    @classmethod
    def send(
        cls, organization: Organization, by: Any, person: Person, service: Service, when: Any
    ) -> Referral:
        with at(when), organization_scope(organization.pk):
            return referring.referral_send(
                by=by,
                person=person,
                service=service,
                data=referral_data(
                    consent_given_by="caregiver" if person.is_child_on(when.date()) else "self"
                ),
                now=when,
            )

    @classmethod
    def step(
        cls,
        organization: Organization,
        by: Any,
        referral: Referral,
        kind: str,
        when: Any,
        **kw: Any,
    ) -> Referral:
        with at(when), organization_scope(organization.pk):
            return referring.referral_step(
                by=by, organization_id=organization.pk, referral=referral, kind=kind, now=when, **kw
            )

    @classmethod
    def _sent(cls) -> None:
        org, other, p = cls.cast.org, cls.cast.other_org, cls.people
        caseworker = cls.cast.caseworker

        def close(referral: Referral, when: datetime.datetime, **data: Any) -> None:
            cls.step(other, cls.clinician, referral, "accepted", when)
            with at(when), organization_scope(other.pk):
                referring.referral_close(
                    by=cls.clinician,
                    organization_id=other.pk,
                    referral=referral,
                    data={"outcome_on": when.date(), **data},
                    now=when,
                )

        received = cls.send(org, caseworker, p["P1"], cls.clinic, moment(9, 21))
        close(received, moment(9, 26), outcome="received")
        missed = cls.send(org, caseworker, p["P2"], cls.psychologist, moment(9, 23))
        close(missed, moment(9, 28), outcome="not_received", barrier="no_documents")
        cls.send(org, caseworker, p["P3"], cls.clinic, moment(9, 24))
        cls.send(org, caseworker, p["P4"], cls.shelter, moment(9, 24))
        cls.send(org, caseworker, p["P6"], cls.clinic, moment(8, 25))

    @classmethod
    def _received(cls) -> None:
        org, other = cls.cast.org, cls.cast.other_org
        theirs = [make_person(other, cls.cast.outsider, given_names=f"B{n}") for n in range(5)]
        coordinator = cls.cast.coordinator

        def send(person: Person, when: datetime.datetime) -> Referral:
            return cls.send(other, cls.cast.outsider, person, cls.own_service, when)

        # Priority: an answer within 3 days.
        cls.step(org, coordinator, send(theirs[0], moment(9, 10)), "accepted", moment(9, 11))
        late = send(theirs[1], moment(9, 12))
        cls.step(org, coordinator, late, "declined", moment(9, 20), decline_reason="no_capacity")
        asked = send(theirs[2], moment(9, 14))
        cls.step(org, coordinator, asked, "info_requested", moment(9, 15), note="¿Tiene CURP?")
        send(theirs[3], moment(9, 20))
        send(theirs[4], moment(10, 2))


def shares(found: queries.Indicators) -> dict[str, tuple[int, int]]:
    return {share.code: (share.numerator, share.denominator) for share in found.shares()}


class IndicatorQueriesTest(Cohort, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_cohort()

    def indicators(self, filters: Filters) -> queries.Indicators:
        with organization_scope(self.cast.org.pk):
            return queries.indicators_for(self.cast.org.pk, filters, UTC)

    def test_each_person_returned_in_the_period_is_counted_once(self) -> None:
        # P1–P5 and P7; not P6 (August), not B's person; P5 once for two returns.
        self.assertEqual(self.indicators(SEPTEMBER).cohort.people, 6)

    def test_a_document_on_day_8_counts_for_30_days_and_one_given_at_the_return_for_both(
        self,
    ) -> None:
        found = shares(self.indicators(SEPTEMBER))
        self.assertEqual(found[queries.DOCUMENT_7], (2, 6))  # P1 (day 7), P3 (at the return)
        self.assertEqual(found[queries.DOCUMENT_30], (3, 6))  # and P2 (day 8)

    def test_children_are_counted_at_their_first_return_and_unknown_ages_are_left_out(
        self,
    ) -> None:
        found = self.indicators(SEPTEMBER)
        # P4 (day 25) yes; P5 (day 33 after her first return) no.
        self.assertEqual(shares(found)[queries.SCHOOL_30], (1, 2))
        self.assertEqual(found.cohort.children_without_birth_year, 1)

    def test_at_a_port_the_cohort_is_of_the_returns_there(self) -> None:
        found = self.indicators(SEPTEMBER_SYS)
        self.assertEqual(found.cohort.people, 5)  # P1, P2, P4, P5 (25 Sept.), P7
        self.assertEqual(
            shares(found),
            {
                queries.DOCUMENT_7: (1, 5),
                queries.DOCUMENT_30: (2, 5),
                queries.SCHOOL_30: (2, 2),  # P5 at day 10 of her return at SYS
                queries.HEALTH_RECEIVED: (1, 2),  # P1 and P2's; P3 returned at ELP
                # Received referrals are the sender's people: the port does not filter them.
                queries.ANSWERED_IN_TIME: (2, 4),
            },
        )

    def test_at_a_port_referrals_and_barriers_count_people_who_returned_there_years_ago(
        self,
    ) -> None:
        # Most returns under MPP are of 2019-2022: a person returned at SYS in 2021, referred
        # and blocked this September, counts at SYS, though not in September's cohort.
        earlier = make_person(
            self.cast.org,
            self.cast.caseworker,
            given_names="P8",
            date_of_birth=datetime.date(1988, 1, 1),
        )
        with at(NOW), organization_scope(self.cast.org.pk):
            self.returned(earlier, datetime.date(2021, 3, 10), "SYS")
            right_record(
                by=self.cast.caseworker,
                person=earlier,
                data={
                    "right": "health",
                    "state": "barrier",
                    "barrier": "discrimination",
                    "as_of": day(9, 23),
                },
            )
        self.send(self.cast.org, self.cast.caseworker, earlier, self.clinic, moment(9, 22))
        at_sys = self.indicators(SEPTEMBER_SYS)
        self.assertEqual(at_sys.cohort.people, 5)  # the cohort: returned in September only
        self.assertEqual(shares(at_sys)[queries.HEALTH_RECEIVED], (1, 3))
        self.assertIn(
            ("health", "discrimination"), [(r.right, r.barrier) for r in at_sys.right_barriers]
        )
        at_elp = self.indicators(Filters(SEPTEMBER.since, SEPTEMBER.until, "ELP"))
        self.assertNotIn(
            ("health", "discrimination"), [(r.right, r.barrier) for r in at_elp.right_barriers]
        )

    def test_health_counts_the_referrals_sent_in_the_period_to_health_services(self) -> None:
        # P1 (received), P2 (mental health, not received), P3 (open); not the shelter, not
        # August's, not those A received.
        self.assertEqual(shares(self.indicators(SEPTEMBER))[queries.HEALTH_RECEIVED], (1, 3))

    def test_answers_in_time_and_those_still_waiting(self) -> None:
        answers = self.indicators(SEPTEMBER).answers
        self.assertEqual((answers.in_time.numerator, answers.in_time.denominator), (2, 4))
        self.assertEqual(answers.unanswered, 1)

    def test_barriers_are_counted_by_right_and_cause_in_the_period(self) -> None:
        found = self.indicators(SEPTEMBER)
        self.assertEqual(
            [(row.right, row.barrier, row.count) for row in found.right_barriers],
            [("health", "document_asked", 1), ("health", "fee", 1), ("work", "document_asked", 1)],
        )
        self.assertEqual(
            [(row.barrier, row.count) for row in found.referral_barriers], [("no_documents", 1)]
        )
        at_sys = self.indicators(SEPTEMBER_SYS)
        self.assertEqual(
            [(row.right, row.barrier) for row in at_sys.right_barriers],
            [("health", "document_asked"), ("health", "fee")],
        )

    def test_the_other_organization_counts_only_its_own(self) -> None:
        other = self.cast.other_org
        with organization_scope(other.pk):
            found = queries.indicators_for(other.pk, SEPTEMBER, UTC)
        self.assertEqual(found.cohort.people, 1)
        self.assertEqual(shares(found)[queries.DOCUMENT_7], (1, 1))
        # B sent five referrals to A's health service in the period or after; four in Sept.
        self.assertEqual(shares(found)[queries.HEALTH_RECEIVED], (0, 4))
        # B received P1's to P4's: P1's and P2's accepted after their 3 days, P3's and P4's wait.
        self.assertEqual(shares(found)[queries.ANSWERED_IN_TIME], (0, 4))
        self.assertEqual(found.answers.unanswered, 2)  # P3's and P4's
        self.assertEqual(found.right_barriers, [])

    def test_an_empty_period_has_no_share(self) -> None:
        found = self.indicators(Filters(day(1, 1), day(1, 31)))
        self.assertEqual(found.cohort.people, 0)
        self.assertTrue(all(share.share is None for share in found.shares()))


class IndicatorPageTest(Cohort, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.build_cohort()

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(time_machine.travel(NOW, tick=False))

    def get(self, user: Any = None, **params: str) -> Any:
        client = sign_in(self.client_class(), user or self.cast.caseworker)
        return client.get(URL, params)

    def test_the_page_shows_each_share_with_a_bar_and_the_methodology(self) -> None:
        response = self.get(**PERIOD)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn('data-indicator="migration_document_7_days"', html)
        # Whatever the language (the member's own, from the session):
        self.assertIn('data-numerator="2" data-denominator="6"><strong>33 %</strong>', html)
        self.assertIn('<rect class="indicator-fill" width="33" height="4"/>', html)
        self.assertIn('data-testid="left-out" data-count="1"', html)
        self.assertIn('data-testid="unanswered" data-count="1"', html)
        self.assertIn('data-testid="indicator-methodology"', html)
        self.assertNotIn('style="', html.split('data-testid="indicators"')[1])

    def test_by_default_it_counts_the_last_90_days_at_every_port(self) -> None:
        response = self.get()
        found = response.context["found"]
        self.assertEqual(found.filters, Filters(day(8, 6), day(11, 3), ""))
        self.assertEqual(found.cohort.people, 7)  # P6 (20 Aug.) too

    def test_a_period_with_nobody_links_to_the_year_up_to_the_latest_return(self) -> None:
        page = self.get(desde="2026-10-01", hasta="2026-10-31")
        self.assertContains(page, 'data-testid="latest-return"')
        self.assertContains(page, "desde=2025-09-26&amp;hasta=2026-09-25")  # P5's, 25 Sept.
        at_elp = self.get(desde="2026-10-01", hasta="2026-10-31", puerto="ELP")
        self.assertContains(at_elp, "hasta=2026-09-15")  # P3's, the latest at El Paso
        self.assertNotContains(self.get(**PERIOD), 'data-testid="latest-return"')

    def test_the_boxes_show_the_period_counted_and_a_future_end_is_refused(self) -> None:
        page = self.get()
        self.assertContains(page, 'value="2026-08-06"')
        self.assertContains(page, 'value="2026-11-03"')
        for until in ("2026-11-04", "9999-12-31"):
            with self.subTest(until):
                refused = self.get(hasta=until)
                self.assertEqual(refused.status_code, 400)
                self.assertContains(refused, "no puede terminar después de hoy", status_code=400)

    def test_a_port_filters_and_an_unknown_port_is_refused(self) -> None:
        found = self.get(**PERIOD, puerto="SYS").context["found"]
        self.assertEqual(found.cohort.people, 5)
        self.assertEqual(self.get(**PERIOD, puerto="XXX").status_code, 400)
        self.assertEqual(self.get(desde="2026-09-30", hasta="2026-09-01").status_code, 400)

    def test_the_csv_has_one_row_per_indicator_with_the_filters(self) -> None:
        response = self.get(**PERIOD, puerto="SYS", formato="csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("indicadores-2026-09-01-2026-09-30-SYS.csv", response["Content-Disposition"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("\ufeff"))
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
        self.assertEqual(rows[0], queries.CSV_HEADER)
        period = ["2026-09-01", "2026-09-30", "SYS"]
        self.assertEqual(rows[1], ["people_returned", "Personas retornadas", "5", "", "", *period])
        self.assertEqual(rows[2][0], "migration_document_7_days")
        self.assertEqual(rows[2][2:], ["1", "5", "0.2000", *period])
        self.assertIn("7 días", rows[2][1])  # the label in the reader's language
        self.assertIn(
            ["barrier:health:fee", "Atención médica: Un cobro o costo", "1", "", "", *period], rows
        )

    def test_the_page_is_audited_as_a_list_and_the_csv_as_an_export(self) -> None:
        self.get(**PERIOD)
        self.get(**PERIOD, formato="csv")
        events = AuditEvent.objects.filter(
            organization_id=self.cast.org.pk, object_type="referrals.indicators"
        ).order_by("id")
        self.assertEqual([event.action for event in events], ["list", "export"])
        self.assertEqual(events[0].detail["since"], "2026-09-01")

    def test_every_role_of_an_organization_sees_its_figures(self) -> None:
        # Figures only: the analyst ("figures only") too, each of its own organization.
        for name, user in self.cast.everyone().items():
            self.assertEqual(self.get(user, **PERIOD).status_code, 200, name)
        self.assertEqual(self.client_class().get(URL).status_code, 302)

    def test_the_menu_links_to_it(self) -> None:
        html = self.get(**PERIOD).content.decode()
        self.assertIn(f'href="{URL}"', html)

    def test_the_number_of_queries_does_not_grow_with_the_cohort(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        client.get(URL, PERIOD)  # the session's first request records it
        with CaptureQueriesContext(connection) as before:
            client.get(URL, PERIOD)
        # The middleware's (session, user, membership), the key, five counts, the audit entry.
        # (PostgreSQL: and the scope's row-level security setting, set and cleared.)
        self.assertEqual(len(before), 14 if connection.vendor == "sqlite" else 16)
        with organization_scope(self.cast.org.pk):
            for n in range(5):
                person = make_person(self.cast.org, self.cast.caseworker, given_names=f"N{n}")
                self.returned(person, day(9, 3 + n), "SYS")
                self.document(person, "FMM", day(9, 4 + n))
        with self.assertNumQueries(len(before)):
            response = client.get(URL, PERIOD)
        self.assertEqual(response.context["found"].cohort.people, 11)
