"""A letter's own fields, its versions' headings and addressees, and its signatories added,
changed, moved and removed by hand: by its editors and the coordinators only."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import raw, sign_in
from salvaguarda.letters import output, queries, services
from salvaguarda.letters.models import Letter, Signatory
from salvaguarda.letters.tests.letters import ENGLISH, ImportedLetterTestCase


class EditingTestCase(ImportedLetterTestCase):
    def url(self, name: str, *args: Any) -> str:
        return reverse(f"letters:{name}", args=[self.letter.uuid, *args])


class LetterFieldsTests(EditingTestCase):
    def test_whoever_imports_is_its_editor_and_their_organization_leads(self) -> None:
        with organization_scope(self.cast.org.pk):
            self.assertEqual(list(self.letter.editors.all()), [self.cast.caseworker])
            self.assertEqual(list(self.letter.lead_organizations.all()), [self.cast.org])

    def test_fields_leads_and_editors_are_changed_and_audited(self) -> None:
        self.scoped(
            services.letter_update,
            by=self.cast.caseworker,
            letter=self.letter,
            data={"status": "open", "deadline": datetime.date(2025, 3, 30)},
            lead_organizations=[self.cast.org, self.cast.other_org],
            editors=[self.cast.caseworker, self.cast.legal],
        )
        with organization_scope(self.cast.org.pk):
            letter = Letter.objects.get(pk=self.letter.pk)
            self.assertEqual((letter.status, letter.deadline), ("open", datetime.date(2025, 3, 30)))
            self.assertEqual(letter.lead_organizations.count(), 2)
            self.assertEqual(letter.editors.count(), 2)
        fields = sorted(
            f
            for e in AuditEvent.objects.filter(object_uuid=letter.uuid, action="update")
            for f in e.fields
        )
        self.assertEqual(fields, ["deadline", "editors", "lead_organizations", "status"])

    def test_an_editor_from_another_organization_is_refused(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.scoped(
                services.letter_update,
                by=self.cast.caseworker,
                letter=self.letter,
                data={},
                editors=[self.cast.outsider],
            )
        self.assertIn("editors", caught.exception.message_dict)

    def test_an_unknown_status_is_refused_by_field(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.scoped(
                services.letter_update,
                by=self.cast.caseworker,
                letter=self.letter,
                data={"status": "lost"},
            )
        self.assertIn("status", caught.exception.message_dict)

    def test_the_letter_date_is_written_in_each_version_in_its_language(self) -> None:
        self.scoped(
            services.letter_update,
            by=self.cast.caseworker,
            letter=self.letter,
            data={"date": datetime.date(2025, 3, 14)},
        )
        with organization_scope(self.cast.org.pk):
            letter = Letter.objects.get(pk=self.letter.pk)
            lines = {v.language: output.date_line(letter, v) for v in letter.versions.all()}
        self.assertEqual(lines["es"], "Ciudad de México, 14 de marzo de 2025")
        self.assertEqual(lines["en"], "Mexico City, March 14, 2025")

    def test_the_page_changes_the_fields_and_keeps_what_was_typed_on_error(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        page = client.post(
            self.url("edit"),
            {"subject": "", "status": "open", "deadline": "2025-03-30", "editors": []},
        )
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="2025-03-30"')
        self.assertContains(page, "errorlist")
        done = client.post(
            self.url("edit"),
            {
                "subject": "Protección ya",
                "status": "open",
                "deadline": "2025-03-30",
                "lead_organizations": [self.cast.org.pk],
                "editors": [self.cast.caseworker.pk],
            },
        )
        self.assertRedirects(done, self.url("detail"))
        detail = client.get(self.url("detail"))
        self.assertContains(detail, "Protección ya")
        self.assertContains(detail, self.cast.caseworker.full_name)


class WhoEditsTests(EditingTestCase):
    def test_a_member_who_is_not_an_editor_reads_but_cannot_change(self) -> None:
        client = sign_in(self.client, self.cast.legal)
        detail = client.get(self.url("detail"))
        self.assertEqual(detail.status_code, 200)
        self.assertNotContains(detail, 'data-testid="edit-letter"')
        self.assertNotContains(detail, 'data-testid="edit-paragraph"')
        for name, args in (
            ("edit", ()),
            ("version_edit", ("es",)),
            ("signatory_add", ()),
            ("paragraph_edit", ("es", 0)),
        ):
            self.assertEqual(client.get(self.url(name, *args)).status_code, 403, name)
        self.assertEqual(client.post(self.url("in_step")).status_code, 403)

    def test_a_coordinator_changes_any_letter_of_the_organization(self) -> None:
        client = sign_in(self.client, self.cast.coordinator)
        self.assertEqual(client.get(self.url("edit")).status_code, 200)
        self.assertContains(client.get(self.url("detail")), 'data-testid="edit-letter"')

    def test_a_letter_without_editors_is_changed_by_any_member(self) -> None:
        self.scoped(
            services.letter_update,
            by=self.cast.caseworker,
            letter=self.letter,
            data={},
            editors=[],
        )
        client = sign_in(self.client, self.cast.analyst)
        self.assertEqual(client.get(self.url("edit")).status_code, 200)

    def test_another_organization_finds_nothing(self) -> None:
        client = sign_in(self.client, self.cast.outsider)
        self.assertEqual(client.get(self.url("edit")).status_code, 404)


class VersionTests(EditingTestCase):
    def test_addressees_are_typed_one_block_each(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(
            self.url("version_edit", "en"),
            {
                "subject": "Protection now",
                "place": "Mexico City",
                "date_text": "March 12, 2025",
                "addressees": "Rosa Icela Rodríguez\nSecretary of the Interior\nSEGOB\n\n"
                "Alejandro Encinas\nUndersecretary",
            },
        )
        self.assertRedirects(response, self.url("detail"))
        with organization_scope(self.cast.org.pk):
            version = self.letter.versions.get(language="en")
            markdown = output.markdown_of(self.letter, version)
        self.assertEqual(
            version.addressees,
            [
                {
                    "name": "Rosa Icela Rodríguez",
                    "title": "Secretary of the Interior",
                    "institution": "SEGOB",
                },
                {"name": "Alejandro Encinas", "title": "Undersecretary", "institution": ""},
            ],
        )
        self.assertIn("Alejandro Encinas  \nUndersecretary", markdown)
        self.assertIn("# Protection now", markdown)

    def test_an_addressee_needs_a_name(self) -> None:
        with organization_scope(self.cast.org.pk):
            version = self.letter.versions.get(language="es")
            with self.assertRaises(ValidationError) as caught:
                services.version_update(
                    by=self.cast.caseworker,
                    version=version,
                    data={"addressees": [{"name": "", "title": "Secretaria"}]},
                )
        self.assertIn("addressees", caught.exception.message_dict)


class SignatoryTests(EditingTestCase):
    def add(self, **kwargs: Any) -> Signatory:
        data = kwargs.pop("data", {})
        return self.scoped(
            services.signatory_add,
            by=self.cast.caseworker,
            letter=self.letter,
            data=data,
            **kwargs,
        )

    def test_an_outside_organization_is_added_last_with_its_contact_encrypted(self) -> None:
        added = self.add(
            data={
                "kind": "organization",
                "name": "Kino Border Initiative",
                "acronym": "KBI",
                "country": "Estados Unidos",
                "contact_name": "Joanna Williams",
                "contact_email": "joanna@kino.example",
                "representative": "Joanna Williams",
            },
            verified=True,
        )
        self.assertEqual(self.names()[0][-1], "4. Kino Border Initiative")
        self.assertEqual(added.representative_verified_by, self.cast.caseworker)
        self.assertNotIn("joanna", raw("letters_signatory", "contact_email", added.pk))
        self.assertNotIn("Joanna", raw("letters_signatory", "representative", added.pk))

    def test_an_organization_of_the_network_fills_in_its_own_details(self) -> None:
        added = self.add(data={"kind": "organization"}, directory=self.cast.other_org)
        self.assertEqual(
            (added.name, added.acronym, added.country, added.directory_organization),
            ("Clínica B", "MTY", "México", self.cast.other_org),
        )

    def test_a_member_is_added_under_its_coalition_and_an_individual_last(self) -> None:
        with organization_scope(self.cast.org.pk):
            coalition = self.letter.signatories.get(kind="coalition")
        self.add(data={"name": "Albergue Juan Bosco"}, coalition=coalition)
        self.add(data={"kind": "individual", "name": "Ana Pérez", "acronym": "AP"})
        organizations, individuals = self.names()
        self.assertEqual(individuals, ["1. María José Hernández", "2. Ana Pérez"])
        with organization_scope(self.cast.org.pk):
            members = [m.name for m in coalition.members.order_by("position")]
            person = self.letter.signatories.get(name="Ana Pérez")
        self.assertEqual(members[-1], "Albergue Juan Bosco")
        self.assertEqual(person.acronym, "")
        self.assertEqual(len(organizations), 3)

    def test_bad_input_is_refused_by_field_and_nothing_saved(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            self.add(
                data={"kind": "organization", "name": "", "contact_email": "no es correo"},
                verified=True,
            )
        self.assertEqual(
            set(caught.exception.message_dict), {"name", "contact_email", "representative"}
        )
        with organization_scope(self.cast.org.pk):
            self.assertEqual(self.letter.signatories.count(), 6)

    def test_moving_renumbers_and_stays_inside_its_list(self) -> None:
        with organization_scope(self.cast.org.pk):
            prodh = self.letter.signatories.get(coalition=None, name__startswith="Centro")
            first_member = self.letter.signatories.filter(coalition__isnull=False).first()
        self.scoped(services.signatory_move, by=self.cast.caseworker, signatory=prodh, offset=-1)
        organizations, _ = self.names()
        self.assertEqual(organizations[0], f"1. {prodh.name}")
        self.assertEqual(organizations[1], "2. Red Frontera")
        self.scoped(
            services.signatory_move, by=self.cast.caseworker, signatory=first_member, offset=-1
        )  # already first among the members: nothing moves
        with organization_scope(self.cast.org.pk):
            self.assertEqual(
                self.letter.signatories.filter(coalition__isnull=False).first(), first_member
            )

    def test_the_page_adds_moves_and_removes(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        typed = {"kind": "organization", "name": "Casa Tochan", "contact_email": "mal"}
        page = client.post(self.url("signatory_add"), typed)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="Casa Tochan"')
        typed["contact_email"] = "casa@tochan.example"
        self.assertRedirects(client.post(self.url("signatory_add"), typed), self.url("detail"))
        with organization_scope(self.cast.org.pk):
            tochan = self.letter.signatories.get(name="Casa Tochan")
        client.post(self.url("signatory_move", tochan.uuid), {"direction": "up"})
        self.assertEqual(self.names()[0][2], "3. Casa Tochan")
        edit = client.get(self.url("signatory_edit", tochan.uuid))
        self.assertContains(edit, "casa@tochan.example")
        client.post(self.url("signatory_remove", tochan.uuid))
        self.assertNotIn("Casa Tochan", str(self.names()))

    def test_removing_a_coalition_removes_its_members(self) -> None:
        with organization_scope(self.cast.org.pk):
            coalition = self.letter.signatories.get(kind="coalition")
        self.scoped(services.signatory_remove, by=self.cast.caseworker, signatory=coalition)
        with organization_scope(self.cast.org.pk):
            self.assertFalse(self.letter.signatories.filter(coalition__isnull=False).exists())

    def test_a_coalition_with_members_cannot_become_an_organization(self) -> None:
        with organization_scope(self.cast.org.pk):
            coalition = self.letter.signatories.get(kind="coalition")
            with self.assertRaises(ValidationError) as caught:
                services.signatory_update(
                    by=self.cast.caseworker, signatory=coalition, data={"kind": "organization"}
                )
        self.assertIn("kind", caught.exception.message_dict)

    def test_changing_the_representative_drops_the_verification(self) -> None:
        added = self.add(data={"name": "Casa Tochan", "representative": "Gabriel"}, verified=True)
        self.scoped(
            services.signatory_update,
            by=self.cast.legal,
            signatory=added,
            data={"representative": "Otra persona"},
        )
        added.refresh_from_db()
        self.assertIsNone(added.representative_verified_at)


FRENCH = """Objet : Protection des personnes renvoyées

Madame la Secrétaire,

Nous avons documenté 71,071 renvois depuis 2019 selon l'amparo 302/2020.

Nous demandons des documents migratoires au [point d'entrée](https://example.org/puertos).

Personnes signataires
- Maria Jose Hernandes, chercheuse
"""


class NewVersionTests(EditingTestCase):
    def test_a_translation_arriving_later_is_aligned_and_compared(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(self.url("version_add"), {"language": "fr", "text": FRENCH})
        self.assertRedirects(response, self.url("detail"))
        with organization_scope(self.cast.org.pk):
            letter = Letter.objects.get(pk=self.letter.pk)
            french = letter.versions.get(language="fr")
            file = queries.letter_file_for(self.cast.caseworker, letter.uuid)
            self.assertEqual(letter.signatories.count(), 6)  # one list of signatories
        self.assertEqual(french.subject, "Protection des personnes renvoyées")
        spelled = [d for d in file.list_drifts if d.kind == "signatory_spelling"]
        self.assertEqual(sorted(d.languages for d in spelled), [("es", "en"), ("es", "fr")])
        self.assertEqual(len(file.versions), 3)
        self.assertTrue(any(len(row) == 3 for row in file.rows))

    def test_a_language_already_there_or_no_letter_is_refused_keeping_the_text(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        again = client.post(self.url("version_add"), {"language": "en", "text": ENGLISH})
        self.assertEqual(again.status_code, 200)
        self.assertContains(again, "Protection for returned people")
        with self.assertRaises(ValidationError):
            self.scoped(
                services.version_add,
                by=self.cast.caseworker,
                letter=self.letter,
                language="pt",
                text="Personas firmantes\n- Ana",
            )
