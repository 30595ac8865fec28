"""The API keeps its contract: bounded paging, refusals answered 4xx with a message, and an
OpenAPI document that says what the API accepts and returns (issue 16 §2).

The fuzzing of every operation against the document is in test_api_fuzz.py.
"""

import io
import json
from typing import Any

from django.test import TestCase
from django.urls import reverse
from PIL import Image

from salvaguarda.api import api
from salvaguarda.core.paging import MAX_PAGE
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person, sign_in
from salvaguarda.court.models import Hearing, Representation
from salvaguarda.court.tests.factories import make_case
from salvaguarda.incidents import services as incident_services
from salvaguarda.incidents.models import EvidenceFile
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.people.models import ContactChannel

HUGE = "99999999999999999999"
LISTS = ["/people", "/incidents", "/hearings", "/hearings/at-risk", "/cases/unrepresented"]


def document() -> dict[str, Any]:
    """The document as a client reads it (JSON: status codes as strings)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))


def png_without_end() -> bytes:
    """A small PNG that decodes but whose chunks stop before IEND: the image code cannot walk
    it to remove its metadata."""
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return out.getvalue()[:-12]


class PagingTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.coordinator)

    def test_a_page_out_of_range_is_refused_on_its_field(self) -> None:
        for path in LISTS:
            for page in (HUGE, "0", "-1", str(MAX_PAGE + 1)):
                with self.subTest(path=path, page=page):
                    response = self.call("get", f"{path}?page={page}")
                    self.assertEqual(response.status_code, 422, response.content)
                    self.assertIn("page", response.json()["errors"])

    def test_a_malformed_page_is_refused_with_a_message(self) -> None:
        response = self.call("get", "/people?page=dos", HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 422)
        self.assertEqual(response.json()["errors"]["page"], ["Enter a whole number."])

    def test_the_last_page_allowed_answers(self) -> None:
        for path in LISTS:
            with self.subTest(path=path):
                response = self.call("get", f"{path}?page={MAX_PAGE}")
                self.assertEqual(response.status_code, 200, response.content)
                self.assertFalse(response.json()["has_next"])

    def test_the_list_pages_take_any_page_number_without_an_error(self) -> None:
        client = sign_in(self.client, self.cast.coordinator)
        pages = [
            (reverse("people:list"), "pagina"),
            (reverse("incidents:list"), "page"),
            (reverse("court:week"), "page"),
            (reverse("court:day_sheet"), "page"),
            (reverse("core:audit"), "page"),
        ]
        for url, name in pages:
            for value in (HUGE, "0", "-3", "²", "x", ""):
                with self.subTest(url=url, value=value):
                    response = client.get(url, {name: value})
                    self.assertEqual(response.status_code, 200)


class ImageRefusalTests(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        incident = make_incident(cls.cast.org, cls.cast.caseworker)
        upload = incident_services.Upload(source=io.BytesIO(png_without_end()), name="foto.png")
        with organization_scope(cls.cast.org.pk):
            (cls.evidence,) = incident_services.evidence_add(
                by=cls.cast.caseworker, incident=incident, uploads=[upload]
            )

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)

    def test_removing_the_location_of_a_photo_that_cannot_be_walked_is_a_422(self) -> None:
        path = f"/evidence-files/{self.evidence.uuid}/remove-location"
        response = self.call("post", path, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("damaged", response.json()["errors"]["file"][0])
        self.assertIsNone(EvidenceFile.unscoped.get(pk=self.evidence.pk).location_removed_at)

    def test_its_shared_copy_is_a_422_in_the_api_and_a_message_on_the_page(self) -> None:
        path = f"/evidence-files/{self.evidence.uuid}/content?shared_copy=1"
        response = self.call("get", path, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 422, response.content)
        self.assertIn("damaged", response.json()["errors"]["file"][0])
        client = sign_in(self.client, self.cast.caseworker)
        url = reverse("incidents:file_share", args=[self.evidence.uuid])
        page = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "cannot be removed because the file is damaged")


class DocumentTests(ApiCalls, TestCase):
    """What the OpenAPI document says of a value is what the API does with it."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker)
        cls.case = make_case(cls.cast.org, cls.cast.legal, cls.person)

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.legal)
        self.schemas = document()["components"]["schemas"]

    def body_schema(self, path: str, method: str) -> dict[str, Any]:
        """The request body's schema of the operation at `path` (as the document writes it)."""
        operation = document()["paths"]["/api/v1" + path][method]
        reference = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return self.schemas[reference.rsplit("/", 1)[1]]

    def test_each_models_kinds_have_their_own_schema(self) -> None:
        self.assertNotIn("Kind", self.schemas)
        expected = {
            "HearingKind": Hearing.Kind.values,
            "RepresentationKind": Representation.Kind.values,
            "ContactKind": ContactChannel.Kind.values,
        }
        for name, values in expected.items():
            with self.subTest(name=name):
                self.assertEqual(self.schemas[name]["enum"], values)

    def test_a_hearing_kind_is_accepted_as_documented_and_refused_outside_it(self) -> None:
        path = f"/cases/{self.case.uuid}/hearings"
        documented = self.body_schema("/cases/{case_uuid}/hearings", "post")["properties"]["kind"]
        values = self.schemas[documented["$ref"].rsplit("/", 1)[1]]["enum"]
        body = {"court": "SDI", "date": "2031-02-10", "time": "09:00"}
        for kind in values:
            with self.subTest(kind=kind):
                response = self.call("post", path, {**body, "kind": kind})
                self.assertEqual(response.status_code, 201, response.content)
        refused = self.call("post", path, {**body, "kind": "attorney"})
        self.assertEqual(refused.status_code, 422)
        self.assertIn("kind", refused.json()["errors"])

    def test_consents_of_a_person_are_documented_as_the_api_takes_them(self) -> None:
        schema = self.body_schema("/people/{person_uuid}/consents", "post")
        self.assertNotIn("given_on", schema["properties"])
        self.assertIn("given_on", self.schemas["IncidentConsentIn"]["properties"])

    def test_the_court_figures_have_their_own_schema(self) -> None:
        operation = document()["paths"]["/api/v1/court/figures"]["get"]
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        self.assertEqual(schema["$ref"], "#/components/schemas/CourtFiguresOut")
        answer = self.call("get", "/court/figures").json()
        self.assertEqual(
            set(answer), set(self.schemas["CourtFiguresOut"]["properties"]), answer.keys()
        )

    def test_a_hearing_change_documents_only_what_it_accepts(self) -> None:
        hearing = self.call(
            "post",
            f"/cases/{self.case.uuid}/hearings",
            {"court": "SDI", "date": "2031-02-10", "time": "09:00", "kind": "master"},
        ).json()
        path = f"/cases/{self.case.uuid}/hearings/{hearing['uuid']}"
        template = "/cases/{case_uuid}/hearings/{hearing_uuid}"
        documented = self.body_schema(template, "patch")["properties"]
        self.assertNotIn("result_notes", documented)
        refused = self.call("patch", path, {"result_notes": "Se presentó."})
        self.assertEqual(refused.status_code, 422)
        self.assertIn("result_notes", refused.json()["errors"])


class FoundByFuzzingTests(ApiCalls, TestCase):
    """Server errors the fuzzing found, each answered 422 on its field now."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker)

    def setUp(self) -> None:
        self.secret = self.token_for(self.cast.caseworker)

    def test_a_location_since_the_year_1_is_refused_on_its_field(self) -> None:
        path = f"/people/{self.person.uuid}/locations"
        for since in ("0001-01-01", "1899-12-31"):
            with self.subTest(since=since):
                body = {"city": "tijuana", "since": since}
                response = self.call("post", path, body, HTTP_ACCEPT_LANGUAGE="en")
                self.assertEqual(response.status_code, 422, response.content)
                self.assertEqual(response.json()["errors"]["since"], ["Enter a valid date."])
        moved = self.call("post", path, {"city": "tijuana", "since": "1900-01-01"})
        self.assertEqual(moved.status_code, 201, moved.content)

    def test_an_address_no_operation_has_is_a_json_404(self) -> None:
        letter = "9a638d3f-3974-19cc-83c5-204980a0812e"
        for path in (f"/letters/{letter}/versions/es/paragraphs/-3", "/nothing/here"):
            with self.subTest(path=path):
                response = self.call("put", path, {"text": ""})
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertIn("detail", response.json())
        page = self.client.get("/no-such-page/")
        self.assertEqual(page.status_code, 404)
        self.assertTrue(page["Content-Type"].startswith("text/html"))
