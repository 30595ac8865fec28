"""Importing a letter that circulates in two languages: stored whole, aligned, with what
drifted and who is listed twice; refused whole when a version is not a letter."""

from typing import Any

from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.letters import queries, services
from salvaguarda.letters.models import Letter, Signatory
from salvaguarda.letters.tests.letters import ENGLISH, SPANISH


class ImportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def imported(self, **texts: str) -> Letter:
        with organization_scope(self.cast.org.pk):
            return services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts=texts
            )

    def test_a_two_language_letter_is_stored_aligned_with_its_report(self) -> None:
        letter = self.imported(es=SPANISH, en=ENGLISH)
        self.assertEqual(letter.subject, "Protección para personas devueltas")
        with organization_scope(self.cast.org.pk):
            versions = {v.language: v for v in letter.versions.all()}
            signatories = list(letter.signatories.all())
        self.assertEqual(versions["en"].subject, "Protection for returned people")
        self.assertIn(
            "[puerto de entrada](https://example.org/puertos)", str(versions["es"].paragraphs)
        )
        coalition = signatories[0]
        self.assertEqual((coalition.kind, coalition.name), ("coalition", "Red Frontera"))
        self.assertEqual(
            [s.name for s in signatories if s.coalition_id == coalition.pk],
            ["Casa del Migrante Saltillo", "Centro Prodh"],
        )
        self.assertEqual(signatories[-1].kind, "individual")
        with organization_scope(self.cast.org.pk):
            file = queries.letter_file_for(self.cast.caseworker, letter.uuid)
        self.assertEqual(
            [(d.kind, d.detail) for d in file.list_drifts],
            [("signatory_spelling", "“María José Hernández” (es) ≠ “Maria Jose Hernandes” (en)")],
        )
        self.assertTrue(
            AuditEvent.objects.filter(object_uuid=letter.uuid, action="create").exists()
        )

    def test_each_signatory_is_audited_in_order_with_its_coalition(self) -> None:
        letter = self.imported(es=SPANISH, en=ENGLISH)
        with organization_scope(self.cast.org.pk):
            rows = list(letter.signatories.order_by("position"))
        self.assertEqual([r.position for r in rows], list(range(1, len(rows) + 1)))
        self.assertEqual([r.coalition_id for r in rows[1:3]], [rows[0].pk, rows[0].pk])
        events = AuditEvent.objects.filter(object_type="letters.signatory", action="create")
        self.assertEqual({e.object_uuid for e in events}, {r.uuid for r in rows})
        self.assertTrue(all("name" in e.fields and "letter" not in e.fields for e in events))
        sequences = sorted(e.sequence for e in AuditEvent.objects.filter(chain=events[0].chain))
        self.assertEqual(sequences, list(range(1, len(sequences) + 1)))

    def test_a_text_that_is_not_a_letter_is_refused_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.imported(es=SPANISH, en="Hola, ¿nos vemos mañana?")
        self.assertIn("en", caught.exception.message_dict)
        self.assertFalse(Letter.unscoped.exists())

    def test_no_text_or_an_unknown_language_is_refused(self) -> None:
        with self.assertRaises(ValidationError):
            self.imported(es="  ")
        with self.assertRaises(ValidationError) as caught:
            self.imported(de=SPANISH)
        self.assertIn("de", caught.exception.message_dict)


class LetterPageTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_the_import_page_shows_the_versions_side_by_side_with_the_report(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        response = client.post(reverse("letters:import"), {"es": SPANISH, "en": ENGLISH})
        letter = Letter.unscoped.get()
        self.assertRedirects(response, reverse("letters:detail", args=[letter.uuid]))
        page = client.get(reverse("letters:detail", args=[letter.uuid]))
        self.assertContains(page, "71,071 ≠ 71,701")
        self.assertContains(page, "Maria Jose Hernandes")
        organizations = page.context["file"].organizations
        self.assertEqual([o.number for o in organizations], ["1", "2", "3"])
        self.assertEqual(
            [m.name for m in organizations[0].members][0], "Casa del Migrante Saltillo"
        )
        self.assertIn(letter.subject, client.get(reverse("letters:list")).content.decode())

    def test_the_side_by_side_table_shows_links_and_emphasis_not_raw_markdown(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        spanish = SPANISH.replace("documentamos 71,071", "documentamos **71,071**")
        english = ENGLISH.replace("71,701", "_71,701_")
        client.post(reverse("letters:import"), {"es": spanish, "en": english})
        letter = Letter.unscoped.get()
        page = client.get(reverse("letters:detail", args=[letter.uuid])).content.decode()
        table = page[page.index('class="list letter-versions"') : page.index("</table>")]
        self.assertIn("<strong>71,071</strong>", table)
        self.assertIn("<em>71,701</em>", table)
        self.assertIn(
            '<a href="https://example.org/puertos" rel="noopener noreferrer">port of entry</a>',
            table,
        )
        self.assertNotIn("](https://", table)
        self.assertNotIn("**", table)

    def test_a_bad_version_is_explained_and_the_text_kept(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.post(reverse("letters:import"), {"es": SPANISH, "en": "Solo una línea"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Solo una línea")
        self.assertContains(response, "Organizaciones firmantes")
        self.assertFalse(Letter.unscoped.exists())

    def test_another_organization_finds_nothing(self) -> None:
        with organization_scope(self.cast.org.pk):
            letter = services.letter_import(
                by=self.cast.caseworker, organization=self.cast.org, texts={"es": SPANISH}
            )
        client: Any = sign_in(self.client_class(), self.cast.outsider)
        self.assertEqual(client.get(reverse("letters:detail", args=[letter.uuid])).status_code, 404)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Signatory.objects.filter(letter=letter).count(), 6)


class EditingTests(TestCase):
    """Resolving a drift by editing a paragraph, a duplicate by merging, and marking the
    versions in step."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        with organization_scope(cls.cast.org.pk):
            cls.letter = services.letter_import(
                by=cls.cast.caseworker,
                organization=cls.cast.org,
                texts={"es": SPANISH, "en": ENGLISH},
            )

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.caseworker)
        self.url = reverse("letters:detail", args=[self.letter.uuid])

    def file(self) -> Any:
        return self.client.get(self.url).context["file"]

    def test_a_drift_is_resolved_by_editing_the_paragraph(self) -> None:
        self.assertIn("number_differs", [d.kind for d in self.file().drifts])
        with organization_scope(self.cast.org.pk):
            english = self.letter.versions.get(language="en")
        index = next(i for i, p in enumerate(english.paragraphs) if "71,701" in p)
        edit = reverse("letters:paragraph_edit", args=[self.letter.uuid, "en", index])
        text = english.paragraphs[index].replace("71,701", "71,071")
        self.assertRedirects(self.client.post(edit, {"text": text}), self.url)
        self.assertNotIn("number_differs", [d.kind for d in self.file().drifts])

    def test_a_duplicate_is_merged_and_the_numbers_follow(self) -> None:
        twice = self.file().twice
        self.assertEqual([t.kind for t in twice], ["alone_and_in_coalition"])
        body = {"keep": str(twice[0].keep.uuid), "remove": str(twice[0].remove.uuid)}
        self.client.post(reverse("letters:merge", args=[self.letter.uuid]), body)
        file = self.file()
        self.assertEqual(file.twice, [])
        # The fuller entry is kept by default: the standalone full name, not the member.
        self.assertEqual(twice[0].remove.name, "Centro Prodh")
        self.assertEqual([o.number for o in file.organizations], ["1", "2", "3"])
        self.assertEqual(
            [m.name for m in file.organizations[0].members], ["Casa del Migrante Saltillo"]
        )

    def test_a_paragraph_changed_after_marking_in_step_is_shown(self) -> None:
        self.client.post(reverse("letters:in_step", args=[self.letter.uuid]))
        self.assertFalse(any(c.changed for row in self.file().rows for c in row))
        edit = reverse("letters:paragraph_edit", args=[self.letter.uuid, "es", 2])
        self.client.post(edit, {"text": "Pedimos además acceso a la salud para 300 familias."})
        changed = [(c.language, c.index) for row in self.file().rows for c in row if c.changed]
        self.assertEqual(changed, [("es", 2)])
        page = self.client.get(self.url)
        self.assertContains(page, "en concordancia desde")
