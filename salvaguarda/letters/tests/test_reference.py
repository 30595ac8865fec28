"""The reference version chosen again after the import, on the page and through the API: the
letter's signatories become the new reference's and the versions are aligned again, as if the
letter had been imported with that reference."""

import json
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, sign_in
from salvaguarda.letters import queries, services
from salvaguarda.letters.models import Letter

CORPUS = Path(__file__).parent / "corpus"


def texts_of(slug: str) -> dict[str, str]:
    expected = json.loads((CORPUS / slug / "expected.json").read_text(encoding="utf-8"))
    return {
        lang: (CORPUS / slug / f"{lang}.md").read_text(encoding="utf-8")
        for lang in expected["versions"]
    }


class ReferenceChangeTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def imported(self, texts: dict[str, str], reference: str) -> Letter:
        with organization_scope(self.cast.org.pk):
            return services.letter_import(
                by=self.cast.caseworker,
                organization=self.cast.org,
                texts=texts,
                reference=reference,
            )

    def state(self, letter: Letter) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The letter's drifts between lists, and each version's signatories as it lists them."""
        with organization_scope(self.cast.org.pk):
            file = queries.letter_file_for(self.cast.caseworker, letter.uuid)
            drifts = sorted((d.kind, d.detail) for d in file.list_drifts)
            listed = []
            for version in file.versions:
                organizations, individuals = queries.version_lists(letter, version)
                for entry in (*organizations, *individuals):
                    listed.append((version.language, f"{entry.number}. {entry.written}"))
                    listed += [(version.language, f"- {m.written}") for m in entry.members]
        return drifts, sorted(listed)

    def test_changing_the_reference_aligns_as_an_import_with_that_reference(self) -> None:
        for slug, new in (("cidh-audiencia-quedate", "en"), ("ninez-haitiana-tijuana", "fr")):
            texts = texts_of(slug)
            first = next(iter(texts))
            changed = self.imported(texts, first)
            with organization_scope(self.cast.org.pk):
                services.letter_update(
                    by=self.cast.caseworker, letter=changed, data={"reference_language": new}
                )
                changed.refresh_from_db()
            direct = self.imported(texts, new)
            self.assertEqual(changed.reference_language, new)
            self.assertEqual(self.state(changed), self.state(direct), slug)
            with organization_scope(self.cast.org.pk):
                names = sorted(s.name for s in changed.signatories.all())
                self.assertEqual(names, sorted(s.name for s in direct.signatories.all()), slug)

    def test_the_reference_is_changed_through_the_api_and_the_edit_page(self) -> None:
        letter = self.imported(texts_of("cidh-audiencia-quedate"), "es")
        self.secret = self.token_for(self.cast.caseworker)
        response = self.call("patch", f"/letters/{letter.uuid}", {"reference_language": "pt"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["reference_language"], "pt")
        refused = self.call("patch", f"/letters/{letter.uuid}", {"reference_language": "fr"})
        self.assertEqual(refused.status_code, 422)
        client = sign_in(self.client, self.cast.caseworker)
        page = reverse("letters:edit", args=[letter.uuid])
        form = client.get(page)
        self.assertContains(form, 'name="reference_language"')
        data = {"subject": letter.subject, "status": letter.status, "reference_language": "en"}
        self.assertEqual(client.post(page, data).status_code, 302)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Letter.objects.get(pk=letter.pk).reference_language, "en")

    def test_the_api_gives_each_versions_formula(self) -> None:
        letter = self.imported(texts_of("tijuana-inm-constancias-devueltos"), "en")
        self.secret = self.token_for(self.cast.caseworker)
        got = self.call("get", f"/letters/{letter.uuid}").json()
        formulas = {v["language"]: v["formula"] for v in got["versions"]}
        self.assertEqual(formulas, {"es": "PRESENTES", "en": "PRESENT"})
        self.assertEqual(got["reference_language"], "en")

    def test_a_signatory_only_the_old_reference_lists_leaves_the_new_references_lists(
        self,
    ) -> None:
        texts = texts_of("cidh-audiencia-quedate")  # the Texas project is only in English
        texts = {"en": texts["en"], "es": texts["es"], "pt": texts["pt"]}
        changed = self.imported(texts, "en")
        with organization_scope(self.cast.org.pk):
            by_hand = services.signatory_add(
                by=self.cast.caseworker,
                letter=changed,
                data={"kind": "organization", "name": "Colectivo Sembradoras del Valle"},
            )
            services.letter_update(
                by=self.cast.caseworker, letter=changed, data={"reference_language": "es"}
            )
            self.assertTrue(changed.signatories.filter(pk=by_hand.pk).exists())
            services.signatory_remove(by=self.cast.caseworker, signatory=by_hand)
        direct = self.imported(texts, "es")
        self.assertEqual(self.state(changed), self.state(direct))
        drifts, listed = self.state(changed)
        self.assertTrue(any("Texas Border" in detail for _kind, detail in drifts))
        self.assertEqual([lang for lang, line in listed if "Texas Border" in line], ["en"])
