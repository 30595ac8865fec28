import datetime
import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import Client, TestCase
from ninja import Router

from salvaguarda.api import _protect, api
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, Cast, make_person, sign_in
from salvaguarda.people.models import (
    Consent,
    ContactChannel,
    Household,
    IdentityDocument,
    Person,
    PersonLocation,
    ReturnEvent,
    SafeguardCheck,
    Screening,
)
from salvaguarda.people.safeguard_applies import CONDITIONAL
from salvaguarda.people.services import records

API = "/api/v1"
Action = AuditEvent.Action


def family(**changes: Any) -> dict[str, Any]:
    """A valid registration of a mother and her son; `changes` replace parts of it."""
    body: dict[str, Any] = {
        "members": [
            {
                "given_names": "Wilda",
                "first_surname": "Joseph",
                "sex": "female",
                "date_of_birth": "1990-05-04",
                "nationality": "HTI",
                "languages": ["hat", "spa"],
                "a_number": "A012345678",
                "is_legal_guardian": True,
                "contacts": [{"kind": "whatsapp", "number": "+52 664 123 4567"}],
            },
            {
                "given_names": "Kervens",
                "first_surname": "Joseph",
                "relationship": "child",
                "date_of_birth": "2019-02-11",
            },
        ],
        "arrival": {"city": "tijuana", "shelter": "Casa del Migrante", "consent": True},
    }
    body.update(changes)
    return body


class ApiTestCase(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names="Rosa", first_surname="Mejía"
        )
        cls.secret = cls.token_for(cls.cast.caseworker)
        cls.outsider_secret = cls.token_for(cls.cast.outsider)
        cls.analyst_secret = cls.token_for(cls.cast.analyst)

    def people_count(self) -> int:
        with organization_scope(self.cast.org.pk):
            return Person.objects.count()


class AuthenticationTest(ApiTestCase):
    def test_anonymous_requests_get_401_json_not_a_redirect(self) -> None:
        for method, path in (
            ("get", "/people"),
            ("get", f"/people/{self.person.uuid}"),
            ("post", "/households"),
            ("get", "/openapi.json"),
        ):
            response = getattr(Client(), method)(API + path)
            self.assertEqual(response.status_code, 401, path)
            self.assertEqual(response["Content-Type"], "application/json")
            self.assertIn("Bearer", response["WWW-Authenticate"])
            self.assertIn("detail", response.json())

    def test_a_signed_in_session_reads(self) -> None:
        client = sign_in(Client(), self.cast.legal)
        response = self.call("get", f"/people/{self.person.uuid}", client=client)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["person"]["given_names"], "Rosa")

    def test_session_writes_need_the_csrf_token(self) -> None:
        client = sign_in(Client(enforce_csrf_checks=True), self.cast.caseworker)
        path = f"/people/{self.person.uuid}"
        refused = self.call("patch", path, {"other_names": "Rosi"}, client=client)
        self.assertEqual(refused.status_code, 403)
        self.person.refresh_from_db()
        self.assertEqual(self.person.other_names, None)
        # The token a page carries (CSRF_USE_SESSIONS: it lives in the session).
        page = client.get("/cuenta/seguridad/")
        csrf = page.context["csrf_token"]
        accepted = self.call(
            "patch",
            path,
            {"other_names": "Rosi"},
            client=client,
            HTTP_X_CSRFTOKEN=str(csrf),
            HTTP_ORIGIN="http://testserver",
        )
        self.assertEqual(accepted.status_code, 200, accepted.content)
        self.person.refresh_from_db()
        self.assertEqual(self.person.other_names, "Rosi")

    def test_analysts_get_404_on_case_data_and_nothing_is_saved(self) -> None:
        before = self.people_count()
        for method, path, body in (
            ("get", "/people", None),
            ("post", "/people/search", {"name": "Rosa"}),
            ("get", f"/people/{self.person.uuid}", None),
            ("patch", f"/people/{self.person.uuid}", {"given_names": "Cambiada"}),
            ("post", "/households", family()),
            ("post", f"/people/{self.person.uuid}/contacts", {"kind": "phone", "number": "x"}),
        ):
            for how in ("token", "session"):
                if how == "token":
                    response = self.call(method, path, body, secret=self.analyst_secret)
                else:
                    client = sign_in(Client(), self.cast.analyst)
                    response = self.call(method, path, body, client=client)
                self.assertEqual(response.status_code, 404, f"{how} {method} {path}")
                self.assertNotIn("Rosa", response.content.decode())
        self.assertEqual(self.people_count(), before)
        self.person.refresh_from_db()
        self.assertEqual(self.person.given_names, "Rosa")
        self.assertFalse(
            AuditEvent.objects.filter(actor=self.cast.analyst).exclude(
                action=Action.API_TOKEN_CREATED
            )
        )

    def test_another_organization_never_reads_or_writes_this_one(self) -> None:
        uuid = self.person.uuid
        attempts = (
            ("get", f"/people/{uuid}", None),
            ("patch", f"/people/{uuid}", {"given_names": "Cambiada"}),
            ("post", f"/people/{uuid}/contacts", {"kind": "phone", "number": "+52 664 123 4567"}),
            ("post", f"/people/{uuid}/locations", {"city": "tijuana", "since": "2026-01-02"}),
            (
                "post",
                f"/people/{uuid}/returns",
                {"program_phase": "MPP2", "returned_on": "2022-01-20", "return_point": "SYS"},
            ),
            ("post", f"/people/{uuid}/documents", {"doc_type": "PASSPORT", "number": "G1234"}),
            (
                "post",
                f"/people/{uuid}/consents",
                {"purpose": "statistics", "language": "spa"},
            ),
            (
                "post",
                f"/people/{uuid}/safeguards",
                {"item": "referrals_made", "done_on": "2026-01-02"},
            ),
            (
                "post",
                f"/people/{uuid}/screenings",
                {
                    "answers": {"gender.pregnant": "yes"},
                    "screened_on": "2026-01-02",
                    "age_band": "18+",
                },
            ),
        )
        for method, path, body in attempts:
            response = self.call(method, path, body, secret=self.outsider_secret)
            self.assertEqual(response.status_code, 404, f"{method} {path}: {response.content!r}")
            self.assertNotIn("Rosa", response.content.decode())
        with organization_scope(self.cast.org.pk):
            self.person.refresh_from_db()
            self.assertEqual(self.person.given_names, "Rosa")
            for model in (ContactChannel, PersonLocation, ReturnEvent, IdentityDocument):
                self.assertFalse(model.objects.exists(), model)
            for model in (Consent, SafeguardCheck, Screening):
                self.assertFalse(model.objects.exists(), model)
        listing = self.call("get", "/people", secret=self.outsider_secret).json()
        self.assertEqual(listing["results"], [])


class ReadTest(ApiTestCase):
    def test_the_list_is_filtered_paged_and_audited(self) -> None:
        response = self.call("get", "/people?city=tijuana&priority=urgent&page=1")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.json(), {"page": 1, "has_next": False, "results": [], "others": []}
        )
        everyone = self.call("get", "/people").json()
        self.assertEqual([p["reference"] for p in everyone["results"]], [self.person.reference])
        events = AuditEvent.objects.filter(action=Action.LIST, actor=self.cast.caseworker)
        self.assertEqual(events.count(), 2)
        self.assertEqual(
            sorted(events.order_by("sequence").first().detail["filters"]), ["city", "priority"]
        )

    def test_the_list_has_pages_of_twenty(self) -> None:
        for number in range(21):
            make_person(self.cast.org, self.cast.caseworker, given_names=f"Persona {number}")
        first = self.call("get", "/people").json()
        self.assertEqual((len(first["results"]), first["has_next"]), (20, True))
        second = self.call("get", "/people?page=2").json()
        self.assertEqual((len(second["results"]), second["has_next"]), (2, False))

    def test_names_never_go_into_a_url(self) -> None:
        response = self.call("get", "/people?name=Rosa")
        self.assertEqual(response.status_code, 422)
        self.assertIn("name", response.json()["errors"])
        self.assertFalse(AuditEvent.objects.filter(action__in=[Action.LIST, Action.SEARCH]))

    def test_search_by_name_in_the_body_is_audited_without_the_name(self) -> None:
        response = self.call("post", "/people/search", {"name": "rosa mejia"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["results"][0]["uuid"], str(self.person.uuid))
        event = AuditEvent.objects.get(action=Action.SEARCH)
        self.assertEqual(event.actor, self.cast.caseworker)
        self.assertNotIn("rosa", json.dumps(event.detail).lower())

    def test_bad_filters_are_422_by_field(self) -> None:
        response = self.call(
            "get", "/people?city=atlantis&returned_from=2026-02-01&returned_to=2026-01-01"
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("city", response.json()["errors"])
        response = self.call("get", "/people?returned_from=2026-02-01&returned_to=2026-01-01")
        self.assertEqual(list(response.json()["errors"]), ["returned_to"])
        response = self.call("get", "/people?returned_from=not-a-date")
        self.assertEqual(list(response.json()["errors"]), ["returned_from"])

    def test_the_file_is_read_whole_and_audited_as_one_view(self) -> None:
        with organization_scope(self.cast.org.pk):
            records.document_record(
                by=self.cast.caseworker,
                person=self.person,
                data={"doc_type": "PASSPORT", "number": "G87654321"},
            )
        before = AuditEvent.objects.filter(action=Action.VIEW).count()
        response = self.call("get", f"/people/{self.person.uuid}")
        self.assertEqual(response.status_code, 200)
        data = response.json()
        self.assertEqual(data["person"]["first_surname"], "Mejía")
        self.assertEqual(
            set(data),
            {
                "person",
                "family",
                "contacts",
                "locations",
                "returns",
                "documents",
                "screenings",
                "needs",
                "resolved_needs",
                "consents",
                "safeguards",
            },
        )
        # Document numbers are masked in the file; the whole number is its own audited read.
        self.assertNotIn("G87654321", response.content.decode())
        self.assertEqual(data["documents"][0]["masked_number"], "•••4321")
        # An adult without a disability recorded: the checklist without the conditional items.
        self.assertEqual(
            [line["item"] for line in data["safeguards"]],
            [item.value for item in SafeguardCheck.Item if item not in CONDITIONAL],
        )
        views = AuditEvent.objects.filter(action=Action.VIEW)
        self.assertEqual(views.count(), before + 1)
        self.assertEqual(views.latest("sequence").object_uuid, self.person.uuid)
        document = data["documents"][0]["uuid"]
        whole = self.call("get", f"/people/{self.person.uuid}/documents/{document}")
        self.assertEqual(whole.json()["number"], "G87654321")
        self.assertTrue(
            AuditEvent.objects.filter(action=Action.VIEW, object_type="people.identitydocument")
        )

    def test_an_unknown_person_is_404(self) -> None:
        response = self.call("get", "/people/00000000-0000-4000-8000-000000000000")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(set(response.json()), {"detail"})


class HouseholdTest(ApiTestCase):
    def test_a_family_is_registered_in_one_go(self) -> None:
        response = self.call("post", "/households", family())
        self.assertEqual(response.status_code, 201, response.content)
        data = response.json()
        self.assertEqual([p["given_names"] for p in data["people"]], ["Wilda", "Kervens"])
        with organization_scope(self.cast.org.pk):
            household = Household.objects.get(reference=data["reference"])
            mother, son = household.members.order_by("id")
            self.assertEqual(mother.relationship, Person.Relationship.HEAD)
            self.assertEqual(mother.a_number, "012345678")
            self.assertEqual(son.child_status, Person.ChildStatus.ACCOMPANIED)
            self.assertEqual(ContactChannel.objects.get(person=mother).number, "+526641234567")
            self.assertEqual(PersonLocation.objects.get(person=son).city, "tijuana")
            consents = Consent.objects.filter(purpose=Consent.Purpose.REGISTRATION)
            self.assertEqual(
                sorted(c.given_by for c in consents),
                [Consent.GivenBy.CAREGIVER, Consent.GivenBy.SELF],
            )
        created = AuditEvent.objects.filter(action=Action.CREATE, actor=self.cast.caseworker)
        uuids = [p["uuid"] for p in data["people"]]
        self.assertEqual(created.filter(object_uuid__in=uuids).count(), 2)
        self.assertNotIn("Wilda", json.dumps(list(created.values("fields", "detail"))))

    def test_bad_values_are_422_per_field_and_nothing_is_saved(self) -> None:
        body = family()
        body["members"][0]["contacts"][0]["number"] = "12"
        body["members"][1]["a_number"] = "B-12"
        body["members"][1]["date_of_birth"] = "2999-01-01"
        body["members"][1]["sex"] = "other"
        before = self.people_count()
        response = self.call("post", "/households", body, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(response.status_code, 422)
        errors = response.json()["errors"]
        self.assertEqual(
            set(errors),
            {
                "members.0.contacts.0.number",
                "members.1.a_number",
                "members.1.date_of_birth",
                "members.1.sex",
            },
        )
        self.assertIn("A-number", errors["members.1.a_number"][0])
        self.assertIn("future", errors["members.1.date_of_birth"][0])
        self.assertEqual(self.people_count(), before)
        with organization_scope(self.cast.org.pk):
            self.assertFalse(Household.objects.exists())

    def test_messages_follow_the_language_of_the_request(self) -> None:
        body = family()
        del body["arrival"]["city"]
        spanish = self.call("post", "/households", body, HTTP_ACCEPT_LANGUAGE="es")
        english = self.call("post", "/households", body, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(spanish.json()["errors"]["arrival.city"], ["Este campo es obligatorio."])
        self.assertEqual(english.json()["errors"]["arrival.city"], ["This field is required."])

    def test_rules_of_the_services_are_422_and_nothing_is_saved(self) -> None:
        body = family()
        body["members"][1]["date_of_birth"] = "1985-01-01"  # a son older than his mother
        before = self.people_count()
        response = self.call("post", "/households", body)
        self.assertEqual(response.status_code, 422)
        self.assertIn("__all__", response.json()["errors"])
        body = family()
        del body["members"][1]["relationship"]
        response = self.call("post", "/households", body)
        self.assertEqual(list(response.json()["errors"]), ["members.1.relationship"])
        body = family()
        body["arrival"]["consent"] = False
        response = self.call("post", "/households", body)
        self.assertEqual(list(response.json()["errors"]), ["arrival.consent"])
        response = self.call("post", "/households", {**family(), "surprise": 1})
        self.assertEqual(list(response.json()["errors"]), ["surprise"])
        self.assertEqual(self.people_count(), before)

    def test_a_body_that_is_not_json_is_refused(self) -> None:
        response = Client().post(
            API + "/households",
            "members=1",
            content_type="application/x-www-form-urlencoded",
            HTTP_AUTHORIZATION=f"Bearer {self.secret}",
        )
        self.assertIn(response.status_code, (400, 422))


class WriteTest(ApiTestCase):
    def path(self, suffix: str = "") -> str:
        return f"/people/{self.person.uuid}{suffix}"

    def test_patch_changes_only_what_is_sent_and_audits_the_field_names(self) -> None:
        response = self.call("patch", self.path(), {"second_surname": "Soto", "sex": "female"})
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["second_surname"], "Soto")
        self.person.refresh_from_db()
        self.assertEqual((self.person.given_names, self.person.second_surname), ("Rosa", "Soto"))
        event = AuditEvent.objects.get(action=Action.UPDATE, object_uuid=self.person.uuid)
        self.assertEqual(event.fields, ["second_surname", "sex"])

    def test_a_bad_patch_changes_nothing(self) -> None:
        response = self.call(
            "patch", self.path(), {"a_number": "nope", "given_names": "Otra", "date_of_birth": "x"}
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(set(response.json()["errors"]), {"a_number", "date_of_birth"})
        self.person.refresh_from_db()
        self.assertEqual(self.person.given_names, "Rosa")
        self.assertFalse(AuditEvent.objects.filter(action=Action.UPDATE))

    def test_contacts_and_locations(self) -> None:
        contact = self.call(
            "post",
            self.path("/contacts"),
            {"kind": "signal", "number": "+1 202 555 0143", "is_preferred": True},
        )
        self.assertEqual(contact.status_code, 201, contact.content)
        self.assertEqual(contact.json()["number"], "+12025550143")
        bad = self.call("post", self.path("/contacts"), {"kind": "pigeon", "number": "1"})
        self.assertEqual(set(bad.json()["errors"]), {"kind", "number"})
        moved = self.call(
            "post", self.path("/locations"), {"city": "mexicali", "since": "2026-01-02"}
        )
        self.assertEqual(moved.status_code, 201, moved.content)
        self.person.refresh_from_db()
        self.assertEqual(self.person.current_city, "mexicali")
        future = self.call(
            "post", self.path("/locations"), {"city": "mexicali", "since": "2999-01-02"}
        )
        self.assertEqual(list(future.json()["errors"]), ["since"])

    def test_returns_documents_consents_safeguards_and_screenings(self) -> None:
        returned = self.call(
            "post",
            self.path("/returns"),
            {"program_phase": "MPP2", "returned_on": "2022-01-20", "return_point": "SYS"},
        )
        self.assertEqual(returned.status_code, 201, returned.content)
        self.assertEqual(returned.json()["mexican_city"], "tijuana")
        refused = self.call(
            "post",
            self.path("/returns"),
            {"program_phase": "MPP9", "returned_on": "2022-01-20", "return_point": "SYS"},
        )
        self.assertEqual(refused.status_code, 422)
        self.assertIn("program_phase", refused.json()["errors"])

        document = self.call(
            "post", self.path("/documents"), {"doc_type": "PASSPORT", "number": "G1234567"}
        )
        self.assertEqual(document.status_code, 201, document.content)

        consent = self.call(
            "post", self.path("/consents"), {"purpose": "statistics", "language": "spa"}
        )
        self.assertEqual(consent.status_code, 201, consent.content)
        self.assertTrue(consent.json()["is_active"])
        revoked = self.call("post", self.path(f"/consents/{consent.json()['uuid']}/revoke"))
        self.assertEqual(revoked.status_code, 200, revoked.content)
        self.assertFalse(revoked.json()["is_active"])

        safeguard = self.call(
            "post", self.path("/safeguards"), {"item": "referrals_made", "done_on": "2026-01-02"}
        )
        self.assertEqual(safeguard.status_code, 201, safeguard.content)

        screening = self.call(
            "post",
            self.path("/screenings"),
            {
                "answers": {"gender.pregnant": "yes"},
                "screened_on": "2026-01-02",
                "language": "spa",
                "age_band": "18+",
            },
        )
        self.assertEqual(screening.status_code, 201, screening.content)
        self.assertEqual(screening.json()["answers"], {"gender.pregnant": "yes"})
        again = self.call("get", self.path(f"/screenings/{screening.json()['uuid']}"))
        self.assertEqual(again.json()["uuid"], screening.json()["uuid"])
        wrong = self.call(
            "post",
            self.path("/screenings"),
            {
                "answers": {"no.such.question": "yes"},
                "screened_on": "2026-01-02",
                "age_band": "18+",
            },
        )
        self.assertEqual(wrong.status_code, 422)

        file = self.call("get", self.path()).json()
        self.assertEqual(len(file["returns"]), 1)
        self.assertEqual(len(file["documents"]), 1)
        self.assertEqual(len(file["screenings"]), 1)
        done = {line["item"] for line in file["safeguards"] if line["done_on"]}
        self.assertIn("referrals_made", done)
        created = AuditEvent.objects.filter(action=Action.CREATE, actor=self.cast.caseworker)
        for kind in ("returnevent", "identitydocument", "consent", "safeguardcheck", "screening"):
            self.assertTrue(created.filter(object_type=f"people.{kind}").exists(), kind)


class OpenApiTest(ApiTestCase):
    def test_members_read_the_openapi_document(self) -> None:
        for user in (self.cast.caseworker, self.cast.analyst):
            response = self.call("get", "/openapi.json", client=sign_in(Client(), user))
            self.assertEqual(response.status_code, 200)
            self.assertIn("/api/v1/people", response.json()["paths"])
        by_token = self.call("get", "/openapi.json", secret=self.analyst_secret)
        self.assertEqual(by_token.status_code, 200)

    def test_the_document_lists_every_operation_and_is_consistent(self) -> None:
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        self.assertTrue(schema["openapi"].startswith("3."))
        self.assertEqual(schema["info"]["version"], "1")
        expected = {
            ("get", "/api/v1/people"),
            ("post", "/api/v1/people/search"),
            ("post", "/api/v1/households"),
            ("get", "/api/v1/people/{person_uuid}"),
            ("patch", "/api/v1/people/{person_uuid}"),
            ("post", "/api/v1/people/{person_uuid}/contacts"),
            ("post", "/api/v1/people/{person_uuid}/locations"),
            ("post", "/api/v1/people/{person_uuid}/returns"),
            ("post", "/api/v1/people/{person_uuid}/documents"),
            ("post", "/api/v1/people/{person_uuid}/consents"),
            ("post", "/api/v1/people/{person_uuid}/consents/{consent_uuid}/revoke"),
            ("post", "/api/v1/people/{person_uuid}/safeguards"),
            ("post", "/api/v1/people/{person_uuid}/screenings"),
            ("post", "/api/v1/people/{person_uuid}/needs"),
            ("post", "/api/v1/people/{person_uuid}/needs/{need_uuid}/resolve"),
        }
        listed = {(m, p) for p, item in schema["paths"].items() for m in item}
        self.assertLessEqual(expected, listed)
        schemes = schema["components"]["securitySchemes"]
        self.assertEqual(schemes["TokenAuth"], {"type": "http", "scheme": "bearer"})
        self.assertEqual(schemes["SessionAuth"]["in"], "cookie")
        for path, item in schema["paths"].items():
            for method, operation in item.items():
                if path.startswith("/api/v1/sign-on/"):  # a letter's public page: no account
                    self.assertNotIn("security", operation, f"{method} {path}")
                    continue
                self.assertTrue(operation.get("security"), f"{method} {path} has no security")
        # Names never go into a URL: no query parameter called name.
        parameters = schema["paths"]["/api/v1/people"]["get"]["parameters"]
        self.assertNotIn("name", [p["name"] for p in parameters])
        # Every reference points to a schema that exists; the document is plain JSON.
        text = json.dumps(schema)
        components = schema["components"]["schemas"]
        for ref in _refs(json.loads(text)):
            self.assertTrue(ref.startswith("#/components/schemas/"), ref)
            self.assertIn(ref.rsplit("/", 1)[1], components)

    def test_no_documentation_page_loads_assets_from_elsewhere(self) -> None:
        # Ninja's interactive page would load its scripts from a CDN: there is none.
        self.assertIsNone(api.docs_url)
        client = sign_in(Client(), self.cast.caseworker)
        self.assertEqual(client.get(API + "/docs").status_code, 404)


class FailClosedTest(TestCase):
    def test_an_operation_without_an_access_policy_stops_the_api(self) -> None:
        router = Router()

        @router.get("/undeclared")
        def undeclared(request: HttpRequest) -> dict[str, str]:
            return {}

        with self.assertRaises(ImproperlyConfigured):
            _protect(router)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


class DatesTest(ApiTestCase):
    def test_dates_are_iso(self) -> None:
        self.call("patch", f"/people/{self.person.uuid}", {"date_of_birth": "1988-03-09"})
        data = self.call("get", f"/people/{self.person.uuid}").json()["person"]
        self.assertEqual(data["date_of_birth"], "1988-03-09")
        self.assertEqual(data["birth_year"], 1988)
        datetime.datetime.fromisoformat(data["created_at"])
