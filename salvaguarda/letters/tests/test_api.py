"""The sign-on letter endpoints: import, read, resolve, output; the same isolation."""

from django.test import TestCase

from salvaguarda.core.tests.helpers import ApiCalls, Cast
from salvaguarda.letters.models import Letter
from salvaguarda.letters.tests.letters import ENGLISH, SPANISH


class LetterApiTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.analyst)

    def test_a_letter_is_imported_read_resolved_and_downloaded(self) -> None:
        created = self.call("post", "/letters", {"es": SPANISH, "en": ENGLISH})
        self.assertEqual(created.status_code, 201, created.content)
        letter = created.json()
        self.assertIn("number_differs", [d["kind"] for d in letter["drifts"]])
        self.assertEqual([o["number"] for o in letter["organizations"]], ["1", "2", "3"])
        twice = letter["listed_twice"][0]
        merged = self.call(
            "post",
            f"/letters/{letter['uuid']}/merge",
            {"keep": twice["keep"], "remove": twice["remove"]},
        ).json()
        self.assertEqual(merged["listed_twice"], [])
        english = next(v for v in merged["versions"] if v["language"] == "en")
        index = next(i for i, p in enumerate(english["paragraphs"]) if "71,701" in p)
        fixed = english["paragraphs"][index].replace("71,701", "71,071")
        put = self.call(
            "put",
            f"/letters/{letter['uuid']}/versions/en/paragraphs/{index}",
            {"text": fixed},
        ).json()
        self.assertNotIn("number_differs", [d["kind"] for d in put["drifts"]])
        markdown = self.call("get", f"/letters/{letter['uuid']}/markdown/es")
        self.assertIn("## Organizaciones firmantes", markdown.content.decode())
        self.assertEqual(
            [item["uuid"] for item in self.call("get", "/letters").json()], [letter["uuid"]]
        )

    def test_a_text_that_is_not_a_letter_is_422_and_nothing_saved(self) -> None:
        response = self.call("post", "/letters", {"es": SPANISH, "en": "Nada que ver"})
        self.assertEqual(response.status_code, 422)
        self.assertIn("en", response.json()["errors"])
        self.assertFalse(Letter.unscoped.exists())

    def test_another_organization_finds_nothing(self) -> None:
        letter = self.call("post", "/letters", {"es": SPANISH}).json()
        outsider = self.token_for(self.cast.outsider)
        response = self.call("get", f"/letters/{letter['uuid']}", secret=outsider)
        self.assertEqual(response.status_code, 404)


class LetterEditingApiTests(ApiCalls, TestCase):
    """The letter's own fields, a version's addressees and the signatories by hand."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)
        self.letter = self.call("post", "/letters", {"es": SPANISH, "en": ENGLISH}).json()
        self.base = f"/letters/{self.letter['uuid']}"

    def test_fields_addressees_and_signatories_change(self) -> None:
        changed = self.call(
            "patch",
            self.base,
            {
                "status": "open",
                "date": "2025-03-14",
                "lead_organizations": [str(self.cast.org.uuid), str(self.cast.other_org.uuid)],
                "editors": [str(self.cast.caseworker.uuid), str(self.cast.legal.uuid)],
            },
        )
        self.assertEqual(changed.status_code, 200, changed.content)
        body = changed.json()
        self.assertEqual((body["status"], body["date"]), ("open", "2025-03-14"))
        self.assertEqual(len(body["lead_organizations"]), 2)
        self.assertTrue(body["may_edit"])
        version = self.call(
            "patch",
            f"{self.base}/versions/en",
            {"addressees": [{"name": "Rosa Icela Rodríguez", "title": "Secretary"}]},
        ).json()
        english = next(v for v in version["versions"] if v["language"] == "en")
        self.assertEqual(english["addressees"][0]["title"], "Secretary")
        added = self.call(
            "post",
            f"{self.base}/signatories",
            {"directory_organization": str(self.cast.other_org.uuid), "kind": "organization"},
        )
        self.assertEqual(added.status_code, 201, added.content)
        last = added.json()["organizations"][-1]
        self.assertEqual((last["number"], last["name"]), ("4", "Clínica B"))
        moved = self.call(
            "post", f"{self.base}/signatories/{last['uuid']}/move", {"direction": "up"}
        ).json()
        self.assertEqual(moved["organizations"][2]["name"], "Clínica B")
        removed = self.call("delete", f"{self.base}/signatories/{last['uuid']}").json()
        self.assertNotIn("Clínica B", [o["name"] for o in removed["organizations"]])

    def test_bad_input_is_422_by_field(self) -> None:
        response = self.call(
            "post",
            f"{self.base}/signatories",
            {"kind": "organization", "name": "", "contact_email": "nope"},
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(set(response.json()["errors"]), {"name", "contact_email"})
        unknown = self.call("patch", self.base, {"editors": [str(self.cast.org.uuid)]})
        self.assertEqual(unknown.status_code, 422)
        self.assertIn("editors", unknown.json()["errors"])

    def test_a_member_who_is_not_an_editor_gets_403_and_can_read(self) -> None:
        reader = self.token_for(self.cast.legal)
        self.assertEqual(self.call("get", self.base, secret=reader).status_code, 200)
        refused = self.call("patch", self.base, {"status": "open"}, secret=reader)
        self.assertEqual(refused.status_code, 403)
        self.assertIn("detail", refused.json())
        outsider = self.token_for(self.cast.outsider)
        self.assertEqual(
            self.call("patch", self.base, {"status": "open"}, secret=outsider).status_code, 404
        )


class ReferenceApiTests(ApiCalls, TestCase):
    """The reference version is chosen, and the versions' signatory lists compared."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.coordinator)

    def test_the_reference_is_chosen_and_a_version_follows_its_order(self) -> None:
        english = ENGLISH.replace(
            "2. Centro de Derechos Humanos Miguel Agustin Pro Juarez A.C.\n"
            "3. Asylum Access Mexico - AAMX",
            "2. Asylum Access Mexico - AAMX\n"
            "3. Centro de Derechos Humanos Miguel Agustin Pro Juarez A.C.",
        )
        created = self.call(
            "post", "/letters", {"es": SPANISH, "en": english, "reference": "en"}
        ).json()
        self.assertEqual(created["reference_language"], "en")
        self.assertEqual([o["name"] for o in created["organizations"]][1], "Asylum Access Mexico")
        order = [d for d in created["list_drifts"] if d["kind"] == "signatory_order"]
        self.assertEqual([d["languages"] for d in order], [["en", "es"]])
        followed = self.call(
            "post", f"/letters/{created['uuid']}/versions/es/follow-order", {}
        ).json()
        self.assertEqual([d for d in followed["list_drifts"] if d["kind"] == "signatory_order"], [])
        refused = self.call("post", "/letters", {"es": SPANISH, "reference": "fr"})
        self.assertEqual(refused.status_code, 422)
