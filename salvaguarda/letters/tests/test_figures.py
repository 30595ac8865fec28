# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""Cited figures: the mark and the number written in its place, numbers already in the text
turned into marks, the network's own counts, the services, every output, the drifts, the pages
and the API, for editors only, within one organization."""

import datetime
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone
from docx import Document

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, make_person, sign_in
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.letters import (
    alignment,
    documents,
    figures,
    measures,
    output,
    queries,
    queries_figures,
    services,
    services_figures,
)
from salvaguarda.letters.models import Figure, Letter, LetterVersion
from salvaguarda.letters.tests.letters import ImportedLetterTestCase
from salvaguarda.people.services import records

D = Decimal
OUTSIDE = {
    "kind": "outside",
    "label": "Devoluciones",
    "value": "71,071",
    "source": "Informe de la Red",
    "as_of": datetime.date(2025, 1, 31),
}


class MarkTests(SimpleTestCase):
    def test_a_mark_is_found_as_tools_and_typists_leave_it(self) -> None:
        text = (
            "{{cifra:devoluciones}} · {{ Cifra : Devoluciones }} · {{figure:otra}} · "
            "{{chiffre\u00a0:tercera}} · {{cifra:}} · {cifra:nada} · {{cifra:devoluciones}}"
        )
        self.assertEqual(figures.keys_in(text), ["devoluciones", "otra", "tercera"])
        self.assertEqual(figures.mark("devoluciones"), "{{cifra:devoluciones}}")

    def test_values_are_written_the_same_in_every_language(self) -> None:
        self.assertEqual(figures.written(D("71071.00")), "71,071")
        self.assertEqual(figures.written(D("1000000")), "1,000,000")
        self.assertEqual(figures.written(D("12.50")), "12.5")
        self.assertEqual(figures.written(D("1234.05")), "1,234.05")
        self.assertEqual(figures.written(D("-3")), "-3")
        self.assertEqual(figures.written(302), "302")

    def test_marks_are_replaced_and_an_unknown_one_is_left_visible_and_reported(self) -> None:
        found = figures.replaced(
            "Documentamos {{cifra:devoluciones}} devoluciones ({{cifra:perdida}}) y {{cifra:}}.",
            {"devoluciones": "71,071"},
        )
        self.assertEqual(
            found.text, "Documentamos 71,071 devoluciones ({{cifra:perdida}}) y {{cifra:}}."
        )
        self.assertEqual(found.unknown, ["{{cifra:perdida}}"])
        self.assertEqual(figures.replaced("Sin marcas.", {}).text, "Sin marcas.")

    def test_the_side_by_side_view_shows_the_value_with_its_mark_and_escapes_the_rest(self) -> None:
        html = figures.replaced_html("<b>{{cifra:a}}</b> {{cifra:b}}", {"a": "1,000"})
        self.assertEqual(
            html,
            '&lt;b&gt;<mark title="{{cifra:a}}" data-testid="figure-in-text">1,000</mark>&lt;/b&gt; {{cifra:b}}',
        )

    def test_a_number_as_typed_is_read_as_the_text_writes_it(self) -> None:
        for typed, number in [
            ("71,071", D(71071)),
            ("71.071", D(71071)),
            ("71 071", D(71071)),
            ("71\u202f071", D(71071)),
            ("71071", D(71071)),
            ("1,234,567", D(1234567)),
            ("12,5", D("12.5")),
            ("12.5 %", D("12.5")),
            ("1.234,5", D("1234.5")),
            ("71,071.25", D("71071.25")),
            ("-3", D(-3)),
        ]:
            self.assertEqual(figures.parse_number(typed), number, typed)
        for typed in ("", "setenta", "1.234.5", "12-5", "71,07,1"):
            self.assertIsNone(figures.parse_number(typed), typed)

    def test_the_literal_forms_of_a_number(self) -> None:
        self.assertEqual(
            figures.literal_forms(D(71071)),
            ["71,071", "71.071", "71 071", "71\u00a071", "71\u202f071", "71071"][:2]
            + ["71 071", "71\u00a0071", "71\u202f071", "71071"],
        )
        self.assertEqual(figures.literal_forms(D("12.5")), ["12.5", "12,5"])
        self.assertEqual(figures.literal_forms(D(302)), ["302"])

    def test_only_whole_numbers_become_the_mark(self) -> None:
        text = (
            "Fueron 71,071; luego 71071, 71 071 y 71.071. No 171,0712, ni 71,071.5, ni 71,0710, "
            "ni 2019 71 071, ni A71071."
        )
        marked, count = figures.with_marks(text, D(71071), "devoluciones")
        self.assertEqual(count, 4)
        self.assertEqual(
            marked,
            "Fueron {{cifra:devoluciones}}; luego {{cifra:devoluciones}}, {{cifra:devoluciones}} "
            "y {{cifra:devoluciones}}. No 171,0712, ni 71,071.5, ni 71,0710, ni 2019 71 071, ni A71071.",
        )

    def test_marks_links_and_addresses_keep_their_numbers(self) -> None:
        text = "[informe 2019](https://example.org/2019) https://example.org/x/2019 {{cifra:cuenta-2019}} en 2019"
        marked, count = figures.with_marks(text, D(2019), "anio")
        self.assertEqual(count, 2)
        self.assertEqual(
            marked,
            "[informe {{cifra:anio}}](https://example.org/2019) https://example.org/x/2019 {{cifra:cuenta-2019}} en {{cifra:anio}}",
        )

    def test_keys_come_from_labels_and_do_not_repeat(self) -> None:
        self.assertEqual(
            figures.key_from("Devoluciones registradas", []), "devoluciones-registradas"
        )
        self.assertEqual(figures.key_from("Niñas y niños", ["ninas-y-ninos"]), "ninas-y-ninos-2")
        self.assertEqual(figures.key_from("¡!", []), "cifra")
        long = figures.key_from("a" * 60, ["a" * 40])
        self.assertEqual((len(long), long[-2:]), (40, "-2"))
        self.assertTrue(figures.valid_key("devoluciones-2019"))
        self.assertFalse(figures.valid_key("Devoluciones_2019"))

    def test_a_renamed_key_renames_every_mark(self) -> None:
        self.assertEqual(
            figures.renamed("{{cifra:a}} {{ figure : A }} {{cifra:b}}", "a", "c"),
            "{{cifra:c}} {{cifra:c}} {{cifra:b}}",
        )


class DriftTests(SimpleTestCase):
    def drifts(self, es: str, en: str) -> list[tuple[str, str]]:
        versions = {"es": [es], "en": [en]}
        return [(d.kind, d.detail) for d in alignment.drifts(versions, alignment.align(versions))]

    def test_the_same_mark_in_both_versions_is_no_drift_whatever_its_key_holds(self) -> None:
        self.assertEqual(
            self.drifts(
                "Documentamos {{cifra:devoluciones-2019}} devoluciones.",
                "We documented {{ figure: devoluciones-2019 }} returns.",
            ),
            [],
        )

    def test_a_mark_missing_in_one_version_is_its_own_drift(self) -> None:
        found = self.drifts(
            "Documentamos {{cifra:devoluciones}} devoluciones.", "We documented 71,701 returns."
        )
        self.assertIn(("missing_figure", "{{cifra:devoluciones}} ≠ —"), found)
        self.assertIn(("number_differs", "— ≠ 71,701"), found)

    def test_a_shared_mark_is_an_anchor_of_its_own(self) -> None:
        self.assertEqual(
            alignment.anchors("Son {{cifra:total-2024}} casos.").keys(), {"f:total-2024"}
        )


class FigureTestCase(ImportedLetterTestCase):
    def add(
        self, data: dict[str, Any] | None = None, written: str = ""
    ) -> services_figures.Written:
        return self.scoped(
            services_figures.figure_add,
            by=self.cast.caseworker,
            letter=self.letter,
            data=data or OUTSIDE,
            written=written,
        )

    def paragraphs(self) -> dict[str, list[str]]:
        with organization_scope(self.cast.org.pk):
            return {v.language: list(v.paragraphs) for v in self.letter.versions.all()}

    def first(self) -> dict[str, str]:
        """The paragraph of each version that cites the returns (and the amparo 302/2020)."""
        return {
            lang: next(p for p in paragraphs if "302/2020" in p)
            for lang, paragraphs in self.paragraphs().items()
        }

    def drift_kinds(self) -> list[str]:
        with organization_scope(self.cast.org.pk):
            file = queries.letter_file_for(self.cast.caseworker, self.letter.uuid)
        return [d.kind for d in file.drifts]

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"letters:{name}", args=[self.letter.uuid, *args])


class ServiceTests(FigureTestCase):
    def test_a_number_in_the_text_becomes_the_mark_and_the_other_version_keeps_its_own(
        self,
    ) -> None:
        saved = self.add(written="71,071")
        self.assertEqual(saved.marked, {"es": 1})
        self.assertEqual((saved.figure.key, saved.figure.value), ("devoluciones", D(71071)))
        first = self.first()
        self.assertIn("documentamos {{cifra:devoluciones}} devoluciones", first["es"])
        self.assertIn("documented 71,701 returns", first["en"])
        self.assertIn("missing_figure", self.drift_kinds())
        self.assertIn("number_differs", self.drift_kinds())
        fixed = self.scoped(
            services_figures.figure_update,
            by=self.cast.caseworker,
            figure=saved.figure,
            data={},
            written="71,701",
        )
        self.assertEqual(fixed.marked, {"en": 1})
        self.assertIn("documented {{cifra:devoluciones}} returns", self.first()["en"])
        self.assertEqual(
            [k for k in self.drift_kinds() if k in ("missing_figure", "number_differs")], []
        )

    def test_writes_are_audited_one_per_changed_version(self) -> None:
        saved = self.add(written="71,071")
        created = AuditEvent.objects.get(object_uuid=saved.figure.uuid, action="create")
        self.assertEqual(created.object_type, "letters.figure")
        self.assertIn("value", created.fields)
        with organization_scope(self.cast.org.pk):
            versions = {v.language: v.uuid for v in self.letter.versions.all()}
        changed = AuditEvent.objects.filter(object_uuid__in=versions.values(), action="update")
        self.assertEqual(
            [(e.object_uuid, e.fields) for e in changed], [(versions["es"], ["paragraphs"])]
        )

    def test_an_outside_figure_needs_its_value_source_and_date(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(
                {"kind": "outside", "label": "Devoluciones", "as_of": datetime.date(2999, 1, 1)}
            )
        self.assertEqual(set(caught.exception.message_dict), {"value", "source", "as_of"})
        with self.assertRaises(ValidationError) as caught:
            self.add({**OUTSIDE, "value": "setenta", "source_url": "javascript:alert(1)"})
        self.assertEqual(set(caught.exception.message_dict), {"value", "source_url"})
        self.assertFalse(self.scoped(Figure.objects.exists))

    def test_the_value_comes_from_the_number_in_the_text_unless_given(self) -> None:
        saved = self.add({**OUTSIDE, "value": "72.000"}, written="71.071")
        self.assertEqual(saved.figure.value, D(72000))
        with organization_scope(self.cast.org.pk):
            es = self.letter.versions.get(language="es")
            shown = output.parts_of(self.letter, es).paragraphs
        self.assertIn("{{cifra:devoluciones}}", self.first()["es"])
        self.assertTrue(any("documentamos 72,000 devoluciones" in p for p in shown))

    def test_a_number_found_nowhere_or_not_a_number_saves_nothing(self) -> None:
        for written in ("99,999", "mucho"):
            with self.assertRaises(ValidationError) as caught:
                self.add(written=written)
            self.assertEqual(list(caught.exception.message_dict), ["written"])
        self.assertFalse(self.scoped(Figure.objects.exists))
        self.assertNotIn("{{", self.first()["es"])

    def test_keys_are_made_from_the_label_unique_and_checked_when_given(self) -> None:
        self.assertEqual(self.add().figure.key, "devoluciones")
        self.assertEqual(self.add().figure.key, "devoluciones-2")
        self.assertEqual(self.add({**OUTSIDE, "key": "Total-MX"}).figure.key, "total-mx")
        for key in ("devoluciones", "con espacio", "ñandú"):
            with self.assertRaises(ValidationError) as caught:
                self.add({**OUTSIDE, "key": key})
            self.assertEqual(list(caught.exception.message_dict), ["key"])

    def test_a_new_key_renames_the_marks_in_every_version(self) -> None:
        saved = self.add(written="71,071")
        self.scoped(
            services_figures.figure_update,
            by=self.cast.caseworker,
            figure=saved.figure,
            data={"key": "retornos"},
        )
        self.assertIn("{{cifra:retornos}}", self.first()["es"])
        self.assertNotIn("{{cifra:devoluciones}}", self.first()["es"])

    def test_removing_a_figure_writes_its_last_value_where_its_marks_were(self) -> None:
        saved = self.add({**OUTSIDE, "value": 72000}, written="71,071")
        done = self.scoped(
            services_figures.figure_remove, by=self.cast.caseworker, figure=saved.figure
        )
        self.assertEqual(done, {"es": 1})
        self.assertIn("documentamos 72,000 devoluciones", self.first()["es"])
        self.assertFalse(self.scoped(Figure.objects.exists))
        self.assertTrue(
            AuditEvent.objects.filter(object_uuid=saved.figure.uuid, action="delete").exists()
        )

    def test_a_sent_letter_keeps_its_figures(self) -> None:
        saved = self.add(written="71,071")
        with organization_scope(self.cast.org.pk):
            Letter.objects.filter(pk=self.letter.pk).update(status=Letter.Status.SENT)
            self.letter.refresh_from_db()
            figure = Figure.objects.get(pk=saved.figure.pk)
        for function, kwargs in (
            (services_figures.figure_add, {"letter": self.letter, "data": OUTSIDE}),
            (services_figures.figure_update, {"figure": figure, "data": {"label": "Otra"}}),
            (services_figures.figure_refresh, {"figure": figure}),
            (services_figures.figure_remove, {"figure": figure}),
        ):
            with self.assertRaises(ValidationError) as caught:
                self.scoped(function, by=self.cast.caseworker, **kwargs)
            self.assertFalse(hasattr(caught.exception, "error_dict"))
        self.assertEqual(self.scoped(Figure.objects.count), 1)


class NetworkCountTests(FigureTestCase):
    def test_counts_are_of_the_organization_s_own_data(self) -> None:
        org, other = self.cast.org, self.cast.other_org
        person = make_person(org, self.cast.caseworker)
        make_person(org, self.cast.caseworker)
        make_person(other, self.cast.outsider)
        with organization_scope(org.pk):
            records.return_record(
                by=self.cast.caseworker,
                person=person,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 1, 20),
                    "return_point": "BRO",
                },
            )
        case = make_case(org, self.cast.legal, person=person)
        later = timezone.now() + datetime.timedelta(days=30)
        make_hearing(case, self.cast.legal, later)
        make_incident(
            org,
            self.cast.caseworker,
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 1, 2)}],
        )
        make_incident(org, self.cast.caseworker)  # no consent to statistics: not counted
        make_incident(
            other,
            self.cast.outsider,
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 1, 2)}],
        )
        with organization_scope(org.pk):
            counts = {
                code: measures.count(code, organization_id=org.pk) for code in measures.MEASURES
            }
        self.assertEqual(
            counts,
            {
                "people_registered": 2,
                "returns_registered": 1,
                "court_cases_followed": 1,
                "hearings_followed": 1,
                "incidents_documented": 1,
            },
        )
        with self.assertRaises(RuntimeError), organization_scope(other.pk):
            measures.count("people_registered", organization_id=org.pk)

    def test_a_network_figure_takes_its_value_and_date_now_and_is_counted_again(self) -> None:
        make_person(self.cast.org, self.cast.caseworker)
        saved = self.add({"kind": "network", "measure": "people_registered", "source": "x"})
        figure = saved.figure
        label = measures.label_of("people_registered")  # in the language of the moment
        self.assertEqual((figure.value, figure.as_of), (D(1), timezone.localdate()))
        self.assertEqual(
            (figure.label, figure.source, figure.key),
            (label, "", figures.key_from(label, [])),
        )
        make_person(self.cast.org, self.cast.caseworker)
        self.scoped(services_figures.figure_refresh, by=self.cast.caseworker, figure=figure)
        self.assertEqual(figure.value, D(2))
        outside = self.add()
        with self.assertRaises(ValidationError):
            self.scoped(
                services_figures.figure_refresh, by=self.cast.caseworker, figure=outside.figure
            )
        with self.assertRaises(ValidationError) as caught:
            self.add({"kind": "network", "measure": "everything", "label": "Todo"})
        self.assertEqual(list(caught.exception.message_dict), ["measure"])


class OutputTests(FigureTestCase):
    """Every output shows the value where the mark is, the same in every version."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with organization_scope(cls.cast.org.pk):
            saved = services_figures.figure_add(
                by=cls.cast.caseworker,
                letter=cls.letter,
                data={**OUTSIDE, "value": "72,000"},
                written="71,071",
            )
            services_figures.figure_update(
                by=cls.cast.caseworker, figure=saved.figure, data={}, written="71,701"
            )

    def test_markdown(self) -> None:
        client = sign_in(self.client, self.cast.analyst)
        for language, words in (
            ("es", "documentamos 72,000 devoluciones"),
            ("en", "documented 72,000 returns"),
        ):
            text = client.get(self.url("markdown", language)).content.decode()
            self.assertIn(words, text)
            self.assertNotIn("cifra", text)

    def test_the_reading_page(self) -> None:
        client = sign_in(self.client, self.cast.analyst)
        for language in ("es", "en"):
            page = client.get(self.url("text", language))
            self.assertContains(page, " 72,000 ")
            self.assertNotContains(page, "{{cifra")

    def test_pdf(self) -> None:
        with organization_scope(self.cast.org.pk):
            for version in self.letter.versions.all():
                data = documents.pdf_of(self.letter, version, compress=False)
                self.assertIn(b" 72,000 ", data)
                self.assertNotIn(b"cifra", data)

    def test_word(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        for language in ("es", "en"):
            response = client.get(self.url("document", "docx", language))
            texts = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
            self.assertTrue(any(" 72,000 " in t for t in texts), language)
            self.assertFalse(any("cifra" in t for t in texts), language)

    def test_an_unknown_mark_stays_visible_and_is_listed_for_the_editors(self) -> None:
        with organization_scope(self.cast.org.pk):
            version = LetterVersion.objects.get(letter=self.letter, language="en")
            services.paragraph_update(
                by=self.cast.caseworker,
                version=version,
                index=1,
                text="We ask for {{cifra:lost}} documents.",
            )
            self.assertIn("{{cifra:lost}}", output.markdown_of(self.letter, version))
        page = sign_in(self.client, self.cast.caseworker).get(self.url("detail"))
        self.assertContains(page, 'data-testid="unknown-marks"')
        self.assertContains(page, "<code>{{cifra:lost}}</code>", html=False)


class PageTests(FigureTestCase):
    def test_the_figures_and_their_use_are_read_in_one_query(self) -> None:
        self.add(written="71,071")
        self.add({**OUTSIDE, "label": "Otra"})
        with organization_scope(self.cast.org.pk):
            versions = list(self.letter.versions.all())
            with self.assertNumQueries(1):
                found = queries_figures.figures_of(self.letter, versions)
        self.assertEqual(
            [(c.figure.key, c.languages, c.missing) for c in found.cited],
            [("devoluciones", ["es"], ["en"]), ("otra", [], ["es", "en"])],
        )

    def test_the_letter_page_lists_the_figures_and_shows_values_in_the_text(self) -> None:
        self.add({**OUTSIDE, "source_url": "https://example.org/informe"}, written="71,071")
        page = sign_in(self.client, self.cast.caseworker).get(self.url("detail"))
        self.assertContains(page, 'data-testid="figure" data-key="devoluciones"')
        self.assertContains(
            page, '<code data-testid="figure-mark">{{cifra:devoluciones}}</code>', html=False
        )
        self.assertContains(page, '<td data-testid="figure-value">71,071</td>', html=False)
        self.assertContains(
            page,
            '<a href="https://example.org/informe" rel="noopener noreferrer">Informe de la Red</a>',
            html=False,
        )
        self.assertContains(page, 'data-testid="figure-missing"')
        self.assertContains(
            page,
            '<mark title="{{cifra:devoluciones}}" data-testid="figure-in-text">71,071</mark>',
            html=False,
        )
        self.assertContains(page, "{{cifra:devoluciones}} ≠ —")  # the drift, in the drift list
        self.assertContains(page, 'data-testid="add-figure"')
        self.assertContains(page, 'data-testid="edit-figure"')

    def test_a_member_who_is_not_an_editor_reads_but_does_not_change(self) -> None:
        saved = self.add()
        client = sign_in(self.client, self.cast.analyst)
        page = client.get(self.url("detail"))
        self.assertContains(page, 'data-testid="figure"')
        self.assertNotContains(page, 'data-testid="add-figure"')
        for url in (
            self.url("figure_add"),
            self.url("figure_edit", saved.figure.uuid),
            self.url("figure_refresh", saved.figure.uuid),
            self.url("figure_remove", saved.figure.uuid),
        ):
            self.assertEqual(client.get(url).status_code, 403, url)
            self.assertEqual(
                client.post(url, {**OUTSIDE, "label": "Cambiada"}).status_code, 403, url
            )
        self.assertEqual(self.scoped(Figure.objects.get).label, "Devoluciones")

    def test_another_organization_finds_nothing(self) -> None:
        saved = self.add()
        client = sign_in(self.client, self.cast.outsider)
        for url in (
            self.url("figure_add"),
            self.url("figure_edit", saved.figure.uuid),
            self.url("figure_remove", saved.figure.uuid),
        ):
            self.assertEqual(client.get(url).status_code, 404, url)
            self.assertEqual(client.post(url, OUTSIDE).status_code, 404, url)
        self.assertEqual(self.scoped(Figure.objects.count), 1)

    def test_the_form_adds_a_figure_and_keeps_what_was_typed_on_error(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        typed = {
            "kind": "outside",
            "label": "Devoluciones documentadas",
            "value": "",
            "source": "",
            "written": "71,071",
        }
        page = client.post(self.url("figure_add"), typed)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="Devoluciones documentadas"')
        self.assertContains(page, 'value="71,071"')
        self.assertContains(page, 'class="errorlist', count=2)  # the source and the date
        done = client.post(
            self.url("figure_add"), {**typed, "source": "Informe", "as_of": "2025-01-31"}
        )
        self.assertRedirects(done, self.url("detail") + "#h-figures", fetch_redirect_response=False)
        figure = self.scoped(Figure.objects.get)
        self.assertEqual((figure.key, figure.value), ("devoluciones-documentadas", D(71071)))
        self.assertIn("{{cifra:devoluciones-documentadas}}", self.first()["es"])

    def test_the_form_changes_refreshes_and_removes(self) -> None:
        make_person(self.cast.org, self.cast.caseworker)
        saved = self.add({"kind": "network", "measure": "people_registered", "key": "registros"})
        client = sign_in(self.client, self.cast.coordinator)
        form = client.get(self.url("figure_edit", saved.figure.uuid))
        self.assertContains(form, 'data-testid="figure-form"')
        self.assertContains(form, 'value="registros"')
        client.post(
            self.url("figure_edit", saved.figure.uuid),
            {
                "kind": "network",
                "measure": "people_registered",
                "label": "Personas registradas",
                "key": "personas",
            },
        )
        make_person(self.cast.org, self.cast.caseworker)
        client.post(self.url("figure_refresh", saved.figure.uuid))
        figure = self.scoped(Figure.objects.get)
        self.assertEqual(
            (figure.label, figure.key, figure.value), ("Personas registradas", "personas", D(2))
        )
        confirm = client.get(self.url("figure_remove", saved.figure.uuid))
        self.assertContains(confirm, 'data-testid="figure-remove-form"')
        client.post(self.url("figure_remove", saved.figure.uuid))
        self.assertFalse(self.scoped(Figure.objects.exists))

    def test_a_sent_letter_offers_no_changes(self) -> None:
        self.add()
        with organization_scope(self.cast.org.pk):
            Letter.objects.filter(pk=self.letter.pk).update(status=Letter.Status.SENT)
        page = sign_in(self.client, self.cast.caseworker).get(self.url("detail"))
        self.assertContains(page, 'data-testid="figures-sent"')
        self.assertNotContains(page, 'data-testid="add-figure"')
        self.assertNotContains(page, 'data-testid="edit-figure"')


class FigureApiTests(ApiCalls, FigureTestCase):
    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)

    def path(self, rest: str = "") -> str:
        return f"/letters/{self.letter.uuid}/figures{rest}"

    def test_figures_are_added_changed_refreshed_and_removed(self) -> None:
        created = self.call(
            "post", self.path(), {**OUTSIDE, "as_of": "2025-01-31", "written": "71,071"}
        )
        self.assertEqual(created.status_code, 201, created.content)
        figure = created.json()
        self.assertEqual(
            {k: figure[k] for k in ("key", "mark", "written", "languages", "missing", "marked")},
            {
                "key": "devoluciones",
                "mark": "{{cifra:devoluciones}}",
                "written": "71,071",
                "languages": ["es"],
                "missing": ["en"],
                "marked": {"es": 1},
            },
        )
        changed = self.call(
            "patch", self.path(f"/{figure['uuid']}"), {"value": 72000, "written": "71,701"}
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        self.assertEqual(
            (changed.json()["written"], changed.json()["languages"]), ("72,000", ["es", "en"])
        )
        markdown = self.call("get", f"/letters/{self.letter.uuid}/markdown/en").content.decode()
        self.assertIn("documented 72,000 returns", markdown)
        refused = self.call("post", self.path(f"/{figure['uuid']}/refresh"))
        self.assertEqual(refused.status_code, 422)
        network = self.call(
            "post",
            self.path(),
            {"kind": "network", "measure": "people_registered", "key": "registros"},
        )
        self.assertEqual(network.json()["value"], "0.00")
        refreshed = self.call("post", self.path(f"/{network.json()['uuid']}/refresh"))
        self.assertEqual(refreshed.status_code, 200)
        listed = self.call("get", self.path()).json()
        self.assertEqual([f["key"] for f in listed["figures"]], ["devoluciones", "registros"])
        removed = self.call("delete", self.path(f"/{figure['uuid']}"))
        self.assertEqual([f["key"] for f in removed.json()["figures"]], ["registros"])
        self.assertIn("documentamos 72,000 devoluciones", self.first()["es"])

    def test_a_rule_broken_is_a_422_by_field(self) -> None:
        response = self.call(
            "post", self.path(), {"kind": "outside", "label": "X", "key": "Mal Escrita"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(set(response.json()["errors"]), {"key", "value", "source", "as_of"})
        unknown = self.call("post", self.path(), {"kind": "somewhere"})
        self.assertEqual(list(unknown.json()["errors"]), ["kind"])

    def test_a_member_who_is_not_an_editor_gets_403_and_another_organization_404(self) -> None:
        saved = self.add()
        analyst = self.token_for(self.cast.analyst)
        self.assertEqual(self.call("get", self.path(), secret=analyst).status_code, 200)
        self.assertEqual(
            self.call(
                "post", self.path(), OUTSIDE | {"as_of": "2025-01-31"}, secret=analyst
            ).status_code,
            403,
        )
        self.assertEqual(
            self.call("delete", self.path(f"/{saved.figure.uuid}"), secret=analyst).status_code, 403
        )
        outsider = self.token_for(self.cast.outsider)
        self.assertEqual(self.call("get", self.path(), secret=outsider).status_code, 404)
        self.assertEqual(
            self.call("delete", self.path(f"/{saved.figure.uuid}"), secret=outsider).status_code,
            404,
        )
        self.assertEqual(self.scoped(Figure.objects.count), 1)
