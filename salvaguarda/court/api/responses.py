"""The records as the responses give them: a case and its file, a hearing as the lists give
it, and a hearing of a case file with its history and where its reminders stand (never their
words nor the number they go to). Every moment in UTC and on the court's clock.
"""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from salvaguarda.court import queries, times
from salvaguarda.court.api.base import court_time, utc, zone_name
from salvaguarda.court.models import (
    Hearing,
    HearingChange,
    ImmigrationCase,
    Reminder,
)
from salvaguarda.people.models import Person


def _brief(person: Person) -> dict[str, Any]:
    return {
        "uuid": person.uuid,
        "reference": person.reference,
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
    }


def case_out(case: ImmigrationCase) -> dict[str, Any]:
    lead = case.lead_case
    return {
        "uuid": case.uuid,
        "person": _brief(case.person),
        "a_number": case.person.a_number,
        "lead_case": lead.uuid if lead is not None else None,
        "program_phase": case.program_phase,
        "court": case.court,
        "court_zone": zone_name(case.court),
        "relief_sought": list(case.relief_sought or []),
        "outcome": case.outcome,
        "relief_granted": case.relief_granted,
        "in_absentia": case.in_absentia,
        "outcome_on": case.outcome_on,
        "status_checked_at": utc(case.status_checked_at),
        "status_check_result": case.status_check_result,
        "notes": case.notes,
        "created_at": utc(case.created_at),
    }


def hearing_line_out(hearing: Hearing) -> dict[str, Any]:
    """A hearing as the lists give it (`hearing.case.person` read with it)."""
    person = hearing.case.person
    return {
        "uuid": hearing.uuid,
        "case": hearing.case.uuid,
        "person": person.uuid,
        "person_reference": person.reference,
        "court": hearing.court,
        "court_zone": zone_name(hearing.court),
        "starts_at": utc(hearing.starts_at),
        "court_time": court_time(hearing.starts_at, hearing.court),
        "kind": hearing.kind,
        "mode": hearing.mode,
        "port": hearing.port,
        "report_at": utc(hearing.report_at),
        "report_court_time": court_time(hearing.report_at, hearing.court),
        "report_place": hearing.report_place,
        "status": hearing.status,
        "attendance": hearing.attendance,
        "plan_confirmed": hearing.plan_confirmed,
        "version": hearing.version,
    }


def _change(change: HearingChange) -> dict[str, Any]:
    return {
        "change": change.change,
        "at": utc(change.created_at),
        "previous_starts_at": utc(change.previous_starts_at),
        "starts_at": utc(change.starts_at),
        "fields": list(change.fields or []),
        "reason": change.reason,
    }


def _reminder(reminder: Reminder, people: Mapping[int, UUID]) -> dict[str, Any]:
    return {
        "uuid": reminder.uuid,
        "person": people[reminder.person_id],
        "hearing_version": reminder.version,
        "days_before": reminder.days_before,
        "channel": reminder.channel,
        "status": reminder.status,
        "due_at": utc(reminder.due_at),
        "sent_at": utc(reminder.sent_at),
        "delivery_status": reminder.delivery_status,
    }


def _people_uuids(reminders_found: Sequence[Reminder]) -> dict[int, UUID]:
    ids = {reminder.person_id for reminder in reminders_found}
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "uuid"))


def _hearing(
    hearing: Hearing,
    person: Person,
    history: Sequence[HearingChange],
    reminders_found: Sequence[Reminder],
    people: Mapping[int, UUID],
) -> dict[str, Any]:
    """A hearing of a case file, shown also on the clock of `person` (the file's person)."""
    zone = times.person_zone(person)
    return {
        **hearing_line_out(hearing),
        "person_time": hearing.starts_at.astimezone(zone),
        "person_zone": zone.key,
        "missed_reason": hearing.missed_reason,
        "result_notes": hearing.result_notes,
        "history": [_change(change) for change in history],
        "reminders": [_reminder(reminder, people) for reminder in reminders_found],
    }


def written_hearing_out(hearing: Hearing, case: ImmigrationCase) -> dict[str, Any]:
    """A hearing just written, as read again (its history and reminders)."""
    hearing = Hearing.objects.select_related("case__person").get(pk=hearing.pk)
    history = list(HearingChange.objects.filter(hearing=hearing))
    found = list(Reminder.objects.filter(hearing=hearing))
    return _hearing(hearing, case.person, history, found, _people_uuids(found))


def case_file_out(file: queries.CaseFile) -> dict[str, Any]:
    case = file.case
    every_reminder = [r for found in file.reminders.values() for r in found]
    people = _people_uuids(every_reminder)
    hearings = list(file.hearings)
    for hearing in hearings:  # the hearings of the (lead) case: its person is known
        hearing.case = case.hearing_case
    return {
        **case_out(case),
        "riders": [{"uuid": rider.uuid, "person": _brief(rider.person)} for rider in file.riders],
        "represented": file.represented,
        "representations": file.representations,
        "interviews": file.interviews,
        "hearings": [
            _hearing(
                hearing,
                case.person,
                file.history.get(hearing.pk, []),
                file.reminders.get(hearing.pk, []),
                people,
            )
            for hearing in hearings
        ],
    }
