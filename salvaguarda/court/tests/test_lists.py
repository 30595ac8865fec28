import datetime
from unittest import mock

import time_machine
from django.test import TestCase

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, InOrganizationScope, make_person
from salvaguarda.court import queries, services
from salvaguarda.court.models import Hearing
from salvaguarda.court.queries import HearingFilters, Reason
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.people.services import Contact, contact_add, person_move
from salvaguarda.people.services.records import consent_record

NOW = datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC)


def days(n: float) -> datetime.datetime:
    return NOW + datetime.timedelta(days=n)


@time_machine.travel(NOW, tick=False)
class AtRiskTest(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def well_prepared_case(self) -> Hearing:
        """Reachable, consenting, represented, settled: no reason at all."""
        by = self.cast.caseworker
        person = make_person(self.cast.org, by)
        contact_add(by=by, person=person, contact=Contact("whatsapp", "+526641234567", True))
        consent_record(by=by, person=person, purpose="reminders", given_by="self", language="spa")
        person_move(
            by=by, person=person, city="tijuana", shelter="", since=datetime.date(2025, 6, 1)
        )
        case = make_case(self.cast.org, self.cast.legal, person=person)
        services.representation_record(
            by=self.cast.legal,
            case=case,
            data={
                "kind": "attorney",
                "representative": "Lic. Ruiz",
                "since": datetime.date(2026, 1, 5),
            },
        )
        return make_hearing(case, self.cast.legal, days(20), plan_confirmed=True)

    def reasons(self) -> dict[int, list[str]]:
        lines, _more = queries.at_risk_for(self.cast.caseworker, HearingFilters())
        return {line.hearing.pk: line.reasons for line in lines}

    def test_a_well_prepared_person_is_not_at_risk(self) -> None:
        hearing = self.well_prepared_case()
        self.assertNotIn(hearing.pk, self.reasons())

    def test_each_reason_is_found(self) -> None:
        bare = make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(20))
        self.assertEqual(
            self.reasons()[bare.pk],
            [Reason.NO_CHANNEL, Reason.NO_CONSENT, Reason.NO_LAWYER, Reason.LOCATION],
        )
        soon = self.well_prepared_case()
        services.hearing_update(
            by=self.cast.legal, hearing=soon, data={"starts_at": days(3), "plan_confirmed": False}
        )
        self.assertEqual(self.reasons()[soon.pk], [Reason.NO_PLAN])
        moved = self.well_prepared_case()
        person_move(
            by=self.cast.caseworker,
            person=moved.case.person,
            city="monterrey",
            shelter="",
            since=datetime.date(2026, 1, 25),
        )
        self.assertEqual(self.reasons()[moved.pk], [Reason.LOCATION])

    def test_a_missed_hearing_before_is_a_reason(self) -> None:
        hearing = self.well_prepared_case()
        make_hearing(hearing.case, self.cast.legal, days(-40), attendance="missed")
        self.assertEqual(self.reasons()[hearing.pk], [Reason.MISSED_BEFORE])

    def test_the_soonest_come_first_then_the_most_reasons(self) -> None:
        far_many = make_hearing(
            make_case(self.cast.org, self.cast.legal), self.cast.legal, days(25)
        )
        far_one = self.well_prepared_case()
        services.hearing_update(by=self.cast.legal, hearing=far_one, data={"starts_at": days(10)})
        make_hearing(far_one.case, self.cast.legal, days(-40), attendance="missed")
        near = self.well_prepared_case()
        services.hearing_update(
            by=self.cast.legal, hearing=near, data={"starts_at": days(1), "plan_confirmed": False}
        )
        order = list(self.reasons())
        self.assertEqual(order, [near.pk, far_many.pk, far_one.pk])

    def test_a_page_takes_the_same_queries_however_many_rows_and_is_audited(self) -> None:
        for _ in range(3):
            make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(5))
        # Whether the kept scores are built, which of them are out of their days, one query per
        # urgency band (kept score, hearing and person at once); then the audit entry (chain
        # head, entry, chain head again).
        with self.assertNumQueries(8):
            lines, _more = queries.at_risk_for(self.cast.caseworker, HearingFilters())
            self.assertEqual(len(lines), 3)
        for _ in range(3):
            make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(1))
        with self.assertNumQueries(8):
            lines, _more = queries.at_risk_for(self.cast.caseworker, HearingFilters())
            self.assertEqual(len(lines), 6)
        entry = AuditEvent.objects.filter(action="list", object_type="court.hearing").latest("id")
        self.assertEqual(entry.detail["view"], "at_risk")

    def test_pages_continue_across_the_urgency_bands(self) -> None:
        by = self.cast.legal
        made = [make_hearing(make_case(self.cast.org, by), by, days(d)) for d in (20, 1, 5)]
        with mock.patch.object(queries, "PAGE_SIZE", 1):
            pages = [
                queries.at_risk_for(self.cast.caseworker, HearingFilters(), page=n)
                for n in (1, 2, 3, 4)
            ]
        self.assertEqual(
            [[line.hearing.pk for line in lines] for lines, _more in pages],
            [[made[1].pk], [made[2].pk], [made[0].pk], []],
        )
        self.assertEqual([more for _lines, more in pages], [True, True, False, False])

    def test_another_organization_sees_none_of_it(self) -> None:
        make_hearing(make_case(self.cast.org, self.cast.legal), self.cast.legal, days(5))
        with organization_scope(self.cast.other_org.pk):
            lines, _more = queries.at_risk_for(self.cast.outsider, HearingFilters())
        self.assertEqual(lines, [])


@time_machine.travel(NOW, tick=False)
class CalendarListsTest(InOrganizationScope, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_the_week_filters_by_court_and_port_and_skips_cancelled_hearings(self) -> None:
        by = self.cast.legal
        tijuana = make_hearing(make_case(self.cast.org, by), by, days(2))
        brownsville = make_hearing(
            make_case(self.cast.org, by, court="BRO_IHF"), by, days(3), court="BRO_IHF"
        )
        cancelled = make_hearing(make_case(self.cast.org, by), by, days(4))
        services.hearing_cancel(by=by, hearing=cancelled)
        make_hearing(make_case(self.cast.org, by), by, days(12))  # next week

        def week(**filters: str) -> list[int]:
            page = queries.hearings_between(
                by, HearingFilters(**filters), first=datetime.date(2026, 2, 2), days=7
            )
            return [h.pk for h in page.hearings]

        self.assertEqual(week(), [tijuana.pk, brownsville.pk])
        self.assertEqual(week(court="BRO_IHF"), [brownsville.pk])
        self.assertEqual(week(port="SYS"), [tijuana.pk])

    def test_cases_without_a_lawyer_come_by_next_hearing(self) -> None:
        by = self.cast.legal
        later = make_case(self.cast.org, by)
        make_hearing(later, by, days(20))
        sooner = make_case(self.cast.org, by)
        make_hearing(sooner, by, days(3))
        none = make_case(self.cast.org, by)
        represented = make_case(self.cast.org, by)
        services.representation_record(
            by=by,
            case=represented,
            data={
                "kind": "attorney",
                "representative": "Lic. Ruiz",
                "since": datetime.date(2026, 1, 5),
            },
        )
        ended = make_case(self.cast.org, by)
        services.representation_record(
            by=by,
            case=ended,
            data={
                "kind": "attorney",
                "representative": "Lic. Ruiz",
                "since": datetime.date(2025, 1, 5),
                "until": datetime.date(2025, 6, 5),
            },
        )
        cases, _more = queries.unrepresented_for(by)
        self.assertEqual([c.pk for c in cases], [sooner.pk, later.pk, none.pk, ended.pk])
