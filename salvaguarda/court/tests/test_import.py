import csv
import datetime
import io
import json
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import Workbook

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.court import imports
from salvaguarda.court.imports import Result
from salvaguarda.court.models import (
    Hearing,
    HearingChange,
    HearingImport,
    ImmigrationCase,
    Reminder,
)
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.people.models import Person
from salvaguarda.people.services import Contact, contact_add, person_update
from salvaguarda.people.services.records import consent_record

# Winter: Brownsville (America/Chicago) is UTC-6.
NOW = datetime.datetime(2026, 2, 2, 18, 0, tzinfo=datetime.UTC)

HEADER = ["A-number", "Date", "Time", "Court", "Type"]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    """What an import may write: cases, hearings, their history and reminders, and the audit."""
    return {
        "cases": ImmigrationCase.objects.count(),
        "hearings": Hearing.objects.count(),
        "changes": HearingChange.objects.count(),
        "reminders": Reminder.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def results(run: HearingImport) -> list[str]:
    return [entry["result"] for entry in run.report]


def errors(run: HearingImport, row: int) -> dict[str, list[str]]:
    return next(entry["errors"] for entry in run.report if entry["row"] == row)


@time_machine.travel(NOW, tick=False)
class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = cls.cast.caseworker
        cls.ana = make_person(cls.cast.org, by, given_names="Ana", a_number="A012345678")
        cls.beto = make_person(cls.cast.org, by, given_names="Beto", a_number="208111222")

    def setUp(self) -> None:
        translation.activate("en")
        self.scope = organization_scope(self.cast.org.pk)
        self.scope.__enter__()

    def tearDown(self) -> None:
        self.scope.__exit__(None, None, None)
        translation.deactivate()

    def preview(self, content: bytes, name: str = "lista.csv", **kwargs: Any) -> HearingImport:
        return imports.import_preview(
            by=self.cast.caseworker, file_name=name, content=content, **kwargs
        )

    def apply(self, run: HearingImport) -> HearingImport:
        return imports.import_apply(by=self.cast.caseworker, run=run)


class PreviewTest(ImportTestCase):
    def test_spanish_headers_in_a_latin1_csv_are_guessed_and_nothing_is_written(self) -> None:
        make_case(self.cast.org, self.cast.legal, person=self.beto, court="BRO_IHF")
        content = csv_bytes(
            [
                [
                    "Número A",
                    "Fecha",
                    "Hora",
                    "Corte",
                    "Tipo",
                    "Modalidad",
                    "Puerto",
                    "Hora de presentación",
                    "Lugar de presentación",
                ],
                ["A012345678", "10/02/2026", "08:30", "BRO_IHF", "Inicial", "", "", "", ""],
                [
                    "208-111-222",
                    "11/02/2026",
                    "1:00 p. m.",
                    "instalación de audiencias de brownsville, tx (mpp, carpas)",
                    "Méritos",
                    "Video",
                    "Brownsville",
                    "9:30 am",
                    "Puente Viejo",
                ],
            ],
            delimiter=";",
            encoding="cp1252",
        )
        before = snapshot()
        run = self.preview(content)
        self.assertEqual(
            run.mapping,
            {
                "a_number": "Número A",
                "date": "Fecha",
                "time": "Hora",
                "court": "Corte",
                "kind": "Tipo",
                "mode": "Modalidad",
                "port": "Puerto",
                "report_time": "Hora de presentación",
                "report_place": "Lugar de presentación",
            },
        )
        self.assertEqual(results(run), [Result.NEW_CASE, Result.NEW_HEARING])
        self.assertEqual(run.status, HearingImport.Status.PREVIEWED)
        self.assertEqual(run.counts["rows"], 2)
        self.assertEqual(run.counts[Result.NEW_CASE], 1)
        self.assertEqual(run.file_name, "lista.csv")
        # Only the import's own audit entry, with field names and no values.
        after = snapshot()
        self.assertEqual(
            {k: after[k] - before[k] for k in after}, {**dict.fromkeys(after, 0), "audit": 1}
        )
        entry = AuditEvent.objects.order_by("-id").first()
        assert entry is not None
        self.assertEqual((entry.action, entry.object_uuid), ("create", run.uuid))
        self.assertIn("rows", entry.fields)
        # The report, in clear, names no A-number; the rows are encrypted at rest.
        self.assertNotIn("2345678", json.dumps(run.report) + json.dumps(run.counts))
        with connection.cursor() as cursor:
            cursor.execute("SELECT rows FROM court_hearingimport WHERE id = %s", [run.pk])
            self.assertNotIn("2345678", str(cursor.fetchone()[0]))
        lines = imports.import_lines(HearingImport.objects.get(pk=run.pk))
        self.assertEqual(lines[0].masked_a_number, "A•••••5678")
        self.assertIn("CST", lines[0].when)
        self.apply(run)
        hearing = Hearing.objects.get(case__person=self.beto)
        self.assertEqual(
            (hearing.kind, hearing.mode, hearing.port, hearing.report_place),
            ("individual", "video", "BRO", "Puente Viejo"),
        )
        self.assertEqual(hearing.starts_at, datetime.datetime(2026, 2, 11, 19, tzinfo=datetime.UTC))
        self.assertEqual(
            hearing.report_at, datetime.datetime(2026, 2, 11, 15, 30, tzinfo=datetime.UTC)
        )

    def test_an_excel_workbook_with_date_and_time_cells_is_read(self) -> None:
        summer = datetime.datetime(2026, 7, 14)  # noqa: DTZ001 (an Excel cell has no zone)
        content = xlsx_bytes(
            [
                ["A-number", "Hearing date", "Hearing time", "Court", "Type"],
                [
                    12345678,
                    datetime.date(2026, 2, 10),
                    datetime.time(8, 30),
                    "Brownsville Immigration Hearing Facility",
                    "Master",
                ],
                [None, None, None, None, None],
                ["A208111222", summer, "8:30 AM", "bro_ihf", "merits"],
            ]
        )
        run = self.preview(content, name="Audiencias.xlsx")
        self.assertEqual(results(run), [Result.NEW_CASE, Result.NEW_CASE])
        self.apply(run)
        self.assertEqual(
            [(h.court, h.starts_at.isoformat()) for h in Hearing.objects.order_by("starts_at")],
            [("BRO_IHF", "2026-02-10T14:30:00+00:00"), ("BRO_IHF", "2026-07-14T13:30:00+00:00")],
        )
        self.assertEqual([entry["row"] for entry in run.report], [2, 4])
        self.assertEqual(run.mapping["time"], "Hearing time")

    def test_a_tab_separated_utf8_file_with_a_bom_is_read(self) -> None:
        content = b"\xef\xbb\xbf" + csv_bytes(
            [
                ["No. de extranjero", "fecha", "hora", "corte", "tipo"],
                ["012345678", "2026-02-10", "14:00", "Harlingen Immigration Court, TX", "maestra"],
            ],
            delimiter="\t",
        )
        run = self.preview(content)
        self.assertEqual(run.mapping["a_number"], "No. de extranjero")
        self.assertEqual(results(run), [Result.NEW_CASE])

    def test_a_custom_mapping_reads_columns_with_other_names(self) -> None:
        content = csv_bytes(
            [
                ["Expediente", "Día de audiencia", "A las", "Sede", "Clase"],
                ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"],
            ]
        )
        with pytest.raises(imports.MissingColumns) as missing:
            self.preview(content)
        self.assertIn("Expediente", missing.value.headers)
        self.assertFalse(HearingImport.objects.exists())
        mapping = {
            "a_number": "Expediente",
            "date": "Día de audiencia",
            "time": "A las",
            "court": "Sede",
            "kind": "Clase",
        }
        run = self.preview(content, mapping=mapping)
        self.assertEqual(results(run), [Result.NEW_CASE])
        # Choosing other columns later reads the same stored rows (no new upload).
        rechecked = imports.import_recheck(
            by=self.cast.caseworker, run=run, mapping={**mapping, "kind": ""}
        )
        self.assertEqual(results(rechecked), [Result.ERROR])
        self.assertIn("kind", errors(rechecked, 2))
        self.assertEqual(HearingImport.objects.count(), 1)

    def test_bad_rows_are_errors_and_nothing_is_written(self) -> None:
        make_person(self.cast.other_org, self.cast.outsider, a_number="300000001")
        content = csv_bytes(
            [
                HEADER,
                ["A999999999", "10/02/2026", "08:30", "BRO_IHF", "master"],  # nobody
                ["012345678", "31/02/2026", "08:30", "BRO_IHF", "master"],  # no such day
                ["012345678", "15/01/2026", "08:30", "BRO_IHF", "master"],  # past
                ["012345678", "10/02/2026", "08:30", "Juzgado de Paz", "master"],  # unknown court
                ["012345678", "08/03/2026", "02:30", "BRO_IHF", "master"],  # skipped by DST
                ["A12-34", "10/02/2026", "08:30", "BRO_IHF", "master"],  # not an A-number
                ["300000001", "10/02/2026", "08:30", "BRO_IHF", "master"],  # other organization
                ["208111222", "10/02/2026", "25:00", "BRO_IHF", "sometimes"],  # bad time and type
            ]
        )
        before = snapshot()
        run = self.preview(content)
        self.assertEqual(run.status, HearingImport.Status.REFUSED)
        self.assertEqual(results(run), [Result.ERROR] * 8)
        nobody = "This A-number matches nobody in your organization"
        self.assertIn(nobody, errors(run, 2)["a_number"][0])
        self.assertIn("This date does not exist", errors(run, 3)["date"][0])
        self.assertIn("upcoming hearings", errors(run, 4)["date"][0])
        self.assertEqual(
            errors(run, 5)["court"],
            ["This immigration court is not on the list: choose one from it."],
        )
        self.assertIn("clocks went forward", errors(run, 6)["time"][0])
        self.assertIn("letter A followed by 8 or 9 digits", errors(run, 7)["a_number"][0])
        self.assertIn(nobody, errors(run, 8)["a_number"][0])
        self.assertEqual(set(errors(run, 9)), {"time", "kind"})
        after = snapshot()
        self.assertEqual(
            {k: after[k] - before[k] for k in after}, {**dict.fromkeys(after, 0), "audit": 1}
        )
        with pytest.raises(ValidationError):
            self.apply(run)
        self.assertEqual(snapshot(), after)

    def test_a_year_too_far_uses_the_hearing_forms_message(self) -> None:
        run = self.preview(
            csv_bytes([HEADER, ["012345678", "10/02/2035", "08:30", "BRO_IHF", "master"]])
        )
        self.assertEqual(
            errors(run, 2)["date"],
            ["This date is not possible for an MPP hearing: check the year."],
        )

    def test_two_people_with_the_same_a_number_is_an_error(self) -> None:
        make_person(self.cast.org, self.cast.caseworker, a_number="012345678")
        run = self.preview(
            csv_bytes([HEADER, ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"]])
        )
        self.assertIn("Several people", errors(run, 2)["a_number"][0])

    def test_a_repeated_row_is_ignored_and_a_conflicting_one_is_an_error(self) -> None:
        row = ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"]
        run = self.preview(csv_bytes([HEADER, row, row]))
        self.assertEqual(results(run), [Result.NEW_CASE, Result.DUPLICATE])
        self.assertEqual(run.status, HearingImport.Status.PREVIEWED)
        conflicting = self.preview(csv_bytes([HEADER, row, [*row[:4], "individual"]]))
        self.assertEqual(results(conflicting), [Result.NEW_CASE, Result.ERROR])
        self.assertIn("Row 2 gives the same hearing", errors(conflicting, 3)["row"][0])

    def test_a_family_on_one_lead_case_shares_the_hearing(self) -> None:
        lead = make_case(self.cast.org, self.cast.legal, person=self.ana, court="BRO_IHF")
        make_case(self.cast.org, self.cast.legal, person=self.beto, court="BRO_IHF", lead_case=lead)
        run = self.preview(
            csv_bytes(
                [
                    HEADER,
                    ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"],
                    ["208111222", "10/02/2026", "08:30", "BRO_IHF", "master"],
                ]
            )
        )
        self.assertEqual(results(run), [Result.NEW_HEARING, Result.DUPLICATE])
        self.apply(run)
        self.assertEqual(list(Hearing.objects.values_list("case", flat=True)), [lead.pk])

    def test_files_that_cannot_be_imported_store_nothing(self) -> None:
        bad = {
            "empty": b"",
            "header only": csv_bytes([HEADER]),
            "no header": csv_bytes([["012345678", "10/02/2026", "08:30", "BRO_IHF"]] * 2),
            "no header, one row": csv_bytes([["012345678", "10/02/2026", "08:30", "BRO_IHF"]]),
            "a column missing": csv_bytes([["A-number", "Date", "Court"], ["1", "2", "3"]]),
            "old excel": b"\xd0\xcf\x11\xe0" + b"\x00" * 100,
            "broken xlsx": b"PK\x03\x04" + b"\x00" * 100,
        }
        for case, content in bad.items():
            with self.subTest(case), pytest.raises(ValidationError) as refused:
                self.preview(content, name="lista.xls" if case == "old excel" else "lista.csv")
            self.assertTrue(refused.value.messages[0])
        self.assertIn("no header row", self._message(bad["no header"]))
        self.assertIn("no header row", self._message(bad["no header, one row"]))
        self.assertIn("Time of the hearing", self._message(bad["a column missing"]))
        with mock.patch.object(imports.reading, "MAX_ROWS", 2):
            rows = [HEADER] + [["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"]] * 3
            self.assertIn("more than 2 rows", self._message(csv_bytes(rows)))
        workbook = xlsx_bytes([HEADER, ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"]])
        with mock.patch.object(imports.reading, "MAX_UNPACKED_BYTES", 1000):
            self.assertIn("cannot be read", self._message(workbook))
        with mock.patch.object(imports.reading, "MAX_BYTES", 10):
            self.assertIn("larger than", self._message(csv_bytes([HEADER])))
        self.assertFalse(HearingImport.objects.exists())

    def _message(self, content: bytes) -> str:
        with pytest.raises(ValidationError) as refused:
            self.preview(content)
        return refused.value.messages[0]


class ApplyTest(ImportTestCase):
    def test_apply_opens_cases_and_schedules_hearings_in_the_courts_time(self) -> None:
        content = csv_bytes(
            [
                [*HEADER, "Report time", "Report place"],
                ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master", "05:00", "Puente"],
                ["012345678", "14/07/2026", "08:30", "BRO_IHF", "individual", "", ""],
            ]
        )
        run = self.apply(self.preview(content))
        self.assertEqual(run.status, HearingImport.Status.APPLIED)
        self.assertEqual(run.applied_at, timezone.now())
        self.assertEqual(results(run), [Result.NEW_CASE, Result.NEW_HEARING])
        case = ImmigrationCase.objects.get(person=self.ana)
        self.assertEqual(case.court, "BRO_IHF")
        winter, summer = Hearing.objects.order_by("starts_at")
        # Brownsville at 08:30: 14:30 UTC in winter (CST), 13:30 UTC in summer (CDT).
        self.assertEqual(
            winter.starts_at, datetime.datetime(2026, 2, 10, 14, 30, tzinfo=datetime.UTC)
        )
        self.assertEqual(
            summer.starts_at, datetime.datetime(2026, 7, 14, 13, 30, tzinfo=datetime.UTC)
        )
        self.assertEqual(
            winter.report_at, datetime.datetime(2026, 2, 10, 11, 0, tzinfo=datetime.UTC)
        )
        self.assertEqual((winter.port, winter.report_place), ("BRO", "Puente"))
        self.assertEqual((winter.kind, summer.kind), ("master", "individual"))
        self.assertEqual(HearingChange.objects.filter(change="scheduled").count(), 2)
        entry = AuditEvent.objects.filter(object_uuid=run.uuid, action="update").get()
        self.assertIn("applied_at", entry.fields)

    def test_the_same_file_again_is_all_unchanged_and_writes_nothing(self) -> None:
        contact_add(
            by=self.cast.caseworker,
            person=self.ana,
            contact=Contact("whatsapp", "+526641234567", True),
        )
        consent_record(
            by=self.cast.caseworker,
            person=self.ana,
            purpose="reminders",
            given_by="self",
            language="spa",
        )
        content = csv_bytes(
            [
                [*HEADER, "Port"],
                ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master", ""],
                ["208111222", "11/02/2026", "9:00 am", "LRD_IHF", "individual", "LRD"],
            ]
        )
        first = self.apply(self.preview(content))
        self.assertEqual(first.status, HearingImport.Status.APPLIED)
        self.assertTrue(Reminder.objects.exists())
        before = snapshot()
        again = self.preview(content)
        self.assertEqual(results(again), [Result.UNCHANGED, Result.UNCHANGED])
        self.assertEqual([r.pk for r in imports.previous_applications(again)], [first.pk])
        again = self.apply(again)
        self.assertEqual(again.status, HearingImport.Status.APPLIED)
        after = snapshot()
        # Only the import's own entries (created, applied): no case, hearing, history, reminder.
        self.assertEqual(
            {k: after[k] - before[k] for k in after}, {**dict.fromkeys(after, 0), "audit": 2}
        )
        with pytest.raises(ValidationError):
            self.apply(again)
        self.assertEqual(snapshot(), after)

    def test_a_row_with_other_details_updates_the_hearing_and_keeps_its_history(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.ana, court="BRO_IHF")
        moment = datetime.datetime(2026, 2, 10, 14, 30, tzinfo=datetime.UTC)
        hearing = make_hearing(case, self.cast.legal, moment, kind="master")
        run = self.preview(
            csv_bytes(
                [
                    [*HEADER, "Modalidad"],
                    ["012345678", "10/02/2026", "08:30", "BRO_IHF", "individual", "video"],
                ]
            )
        )
        self.assertEqual(results(run), [Result.UPDATED])
        self.assertEqual(run.report[0]["changes"], ["kind", "mode"])
        self.apply(run)
        hearing.refresh_from_db()
        self.assertEqual(
            (hearing.kind, hearing.mode, hearing.starts_at), ("individual", "video", moment)
        )
        self.assertEqual(HearingChange.objects.filter(hearing=hearing, change="edited").count(), 1)

    def test_a_past_hearing_already_recorded_is_unchanged(self) -> None:
        case = make_case(self.cast.org, self.cast.legal, person=self.ana, court="BRO_IHF")
        with time_machine.travel(datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC), tick=False):
            make_hearing(
                case, self.cast.legal, datetime.datetime(2026, 1, 15, 14, 30, tzinfo=datetime.UTC)
            )
        run = self.preview(
            csv_bytes([HEADER, ["012345678", "15/01/2026", "08:30", "BRO_IHF", "master"]])
        )
        self.assertEqual(results(run), [Result.UNCHANGED])
        changed = self.preview(
            csv_bytes([HEADER, ["012345678", "15/01/2026", "08:30", "BRO_IHF", "individual"]])
        )
        self.assertIn("upcoming hearings", errors(changed, 2)["date"][0])

    def test_nothing_is_applied_when_a_row_became_invalid_after_the_preview(self) -> None:
        content = csv_bytes(
            [
                HEADER,
                ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"],
                ["208111222", "11/02/2026", "08:30", "BRO_IHF", "master"],
                ["208111222", "12/02/2026", "08:30", "BRO_IHF", "master"],
            ]
        )
        for change in ("a_number", "deleted"):
            with self.subTest(change):
                run = self.preview(content)
                self.assertEqual(run.status, HearingImport.Status.PREVIEWED)
                beto = Person.objects.get(pk=self.beto.pk)
                if change == "a_number":
                    person_update(
                        by=self.cast.caseworker, person=beto, data={"a_number": "208111333"}
                    )
                else:
                    Person.objects.filter(pk=beto.pk).update(deleted_at=timezone.now())
                before = snapshot()
                run = self.apply(run)
                self.assertEqual(run.status, HearingImport.Status.REFUSED)
                self.assertIsNone(run.applied_at)
                self.assertEqual(results(run), [Result.NEW_CASE, Result.ERROR, Result.ERROR])
                self.assertIn("matches nobody", errors(run, 3)["a_number"][0])
                after = snapshot()
                # The first row was written, then rolled back with the rest.
                self.assertEqual(
                    {k: after[k] - before[k] for k in after},
                    {**dict.fromkeys(after, 0), "audit": 1},
                )
                with pytest.raises(ValidationError):
                    self.apply(run)
                Person.unscoped.filter(pk=beto.pk).update(deleted_at=None)
                person_update(
                    by=self.cast.caseworker,
                    person=Person.objects.get(pk=beto.pk),
                    data={"a_number": "208111222"},
                )

    def test_a_refused_list_checked_again_after_the_correction_can_be_applied(self) -> None:
        content = csv_bytes([HEADER, ["300000002", "10/02/2026", "08:30", "BRO_IHF", "master"]])
        run = self.preview(content)
        self.assertEqual(run.status, HearingImport.Status.REFUSED)
        person_update(by=self.cast.caseworker, person=self.beto, data={"a_number": "300000002"})
        run = imports.import_recheck(by=self.cast.caseworker, run=run)
        self.assertEqual(run.status, HearingImport.Status.PREVIEWED)
        self.assertEqual(self.apply(run).status, HearingImport.Status.APPLIED)


class ImportPagesTest(ImportTestCase):
    def test_a_caseworker_uploads_previews_and_applies_a_list(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        page = client.get(reverse("court:import_upload"))
        self.assertContains(page, 'accept=".csv,.xlsx"')
        self.assertContains(page, "día/mes/año")
        upload = io.BytesIO(
            csv_bytes([HEADER, ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"]])
        )
        upload.name = "audiencias.csv"
        response = client.post(reverse("court:import_upload"), {"file": upload})
        run = HearingImport.objects.get()
        self.assertRedirects(response, reverse("court:import_preview", args=[run.uuid]))
        preview = client.get(reverse("court:import_preview", args=[run.uuid]))
        self.assertContains(preview, "A•••••5678")
        self.assertNotContains(preview, "012345678")
        self.assertContains(preview, "Caso nuevo y audiencia nueva")
        self.assertContains(preview, "CST")
        self.assertContains(preview, 'id="apply-import"')
        self.assertFalse(Hearing.objects.exists())
        applied = client.post(reverse("court:import_apply", args=[run.uuid]), follow=True)
        self.assertRedirects(applied, reverse("court:import_summary", args=[run.uuid]))
        self.assertContains(applied, "Se importó la lista de audiencias.")
        self.assertContains(applied, reverse("people:detail", args=[self.ana.uuid]))
        self.assertEqual(Hearing.objects.count(), 1)

    def test_a_file_with_unknown_columns_offers_to_choose_them(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        content = csv_bytes(
            [
                ["Expediente", "Día", "A las", "Sede", "Clase"],
                ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"],
            ]
        )
        upload = io.BytesIO(content)
        upload.name = "lista.csv"
        page = client.post(reverse("court:import_upload"), {"file": upload})
        self.assertContains(page, "no se encontraron")
        self.assertContains(page, 'name="column_a_number"')
        self.assertContains(page, '<option value="Expediente">')
        self.assertFalse(HearingImport.objects.exists())
        upload = io.BytesIO(content)
        upload.name = "lista.csv"
        chosen = {
            "column_a_number": "Expediente",
            "column_date": "Día",
            "column_time": "A las",
            "column_court": "Sede",
            "column_kind": "Clase",
        }
        response = client.post(reverse("court:import_upload"), {"file": upload, **chosen})
        run = HearingImport.objects.get()
        self.assertRedirects(response, reverse("court:import_preview", args=[run.uuid]))
        # The preview page changes the columns without uploading again.
        response = client.post(
            reverse("court:import_preview", args=[run.uuid]), {**chosen, "column_kind": ""}
        )
        self.assertRedirects(response, reverse("court:import_preview", args=[run.uuid]))
        page = client.get(reverse("court:import_preview", args=[run.uuid]))
        self.assertContains(page, "Indique el tipo de audiencia")
        self.assertNotContains(page, 'id="apply-import"')

    def test_an_analyst_and_another_organization_get_nothing(self) -> None:
        run = self.preview(
            csv_bytes([HEADER, ["012345678", "10/02/2026", "08:30", "BRO_IHF", "master"]])
        )
        for user in (self.cast.analyst, self.cast.outsider):
            client = sign_in(self.client_class(), user)
            with self.subTest(user.email):
                if user == self.cast.analyst:
                    self.assertEqual(client.get(reverse("court:import_upload")).status_code, 404)
                for name in ("import_preview", "import_summary"):
                    url = reverse(f"court:{name}", args=[run.uuid])
                    self.assertEqual(client.get(url).status_code, 404)
                url = reverse("court:import_apply", args=[run.uuid])
                self.assertEqual(client.post(url).status_code, 404)
        self.assertFalse(Hearing.objects.exists())
