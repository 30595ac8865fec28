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
