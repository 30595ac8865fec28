"""Every URL of the project, for every kind of visitor: nothing of organization A leaks.

New URL patterns are covered automatically. A pattern whose view declares no access policy
fails, and so does a URL argument this test does not know how to fill (add it to `targets`).
"""

import datetime
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.test import TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from salvaguarda.accounts import api_tokens
from salvaguarda.accounts import services as account_services
from salvaguarda.accounts.models import Invitation, SecurityKey
from salvaguarda.core.access import Policy, policy_of, role_allows
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, OrganizationFactory, make_person, member, sign_in
from salvaguarda.core.writes import update
from salvaguarda.court import calendar as court_calendar
from salvaguarda.court import imports as court_imports
from salvaguarda.court import services as court_services
from salvaguarda.court.tests.factories import make_case, make_hearing
from salvaguarda.incidents import services as incident_services
from salvaguarda.incidents.services import Upload
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.letters import services as letter_services
from salvaguarda.letters import services_figures as figure_services
from salvaguarda.letters import services_signing as signing_services
from salvaguarda.letters.tests.letters import SPANISH
from salvaguarda.people import saved_searches
from salvaguarda.people.services import needs, records
from salvaguarda.people.services.screening import screening_record
from salvaguarda.referrals.directory.models import DirectoryImport
from salvaguarda.referrals.documents import services as document_services
from salvaguarda.referrals.referring import services as referral_services
from salvaguarda.referrals.tests.factories import editor as directory_editor
from salvaguarda.referrals.tests.factories import make_service, member_service, referral_data

CANARY_GIVEN = "Canariodado" + uuid.uuid4().hex[:8]
CANARY_FAMILY = "Canariofam" + uuid.uuid4().hex[:8]

# The service directory is the network's, not an organization's (it holds no case data): every
# member reads its entries, while only the organization that keeps an entry and the network
# administrators may change it (salvaguarda/referrals/directory/models.py).
DIRECTORY_ARGUMENTS = {"service_uuid"}
DIRECTORY_READS = {"referrals:service_detail", "api-v1:directory_service_get"}


@dataclass(frozen=True)
class Route:
    name: str
    pattern: URLPattern

    @property
    def policy(self) -> Policy | None:
        return policy_of(self.pattern.callback)

    @property
    def is_api(self) -> bool:
        """A URL of the REST API: it answers in JSON (401, not a redirect to the sign-in page)."""
        return bool(getattr(self.pattern.callback, "api_view", False))

    @property
    def arguments(self) -> list[str]:
        return list(getattr(self.pattern.pattern, "converters", {}).keys())


def routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from routes(entry, inner)
        else:
            yield Route(f"{namespace}{entry.name}", entry)


# Hundreds of API calls from one token and address in one minute: the rate limits (tested in
# accounts/tests/test_rate_limits.py) would answer 429 before isolation is judged.
@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=0, SALVAGUARDA_API_RATE_PER_ADDRESS=0)
class EveryUrlTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org, cls.cast.caseworker, given_names=CANARY_GIVEN, first_surname=CANARY_FAMILY
        )
        invited = account_services.member_invite(
            by=cls.cast.coordinator,
            organization=cls.cast.org,
            email="invitada@example.org",
            full_name="Invitada",
            role="caseworker",
        )
        cls.invitation = Invitation.objects.get(membership=invited)
        cls.security_key = SecurityKey.objects.create(
            user=cls.cast.caseworker,
            name=CANARY_GIVEN,
            credential_id=b"caseworker-key",
            public_key=b"not-a-real-key",
        )
        cls.api_token, _secret = api_tokens.api_token_create(
            by=cls.cast.caseworker,
            membership=cls.cast.caseworker.memberships.get(),
            name=CANARY_GIVEN,
            days=90,
        )
        with organization_scope(cls.cast.org.pk):
            cls.saved_search = saved_searches.saved_search_create(
                by=cls.cast.caseworker, data={"name": CANARY_GIVEN}
            )
            cls.return_event = records.return_record(
                by=cls.cast.caseworker,
                person=cls.person,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 1, 20),
                    "return_point": "BRO",
                },
            )
            cls.document = records.document_record(
                by=cls.cast.caseworker,
                person=cls.person,
                data={"doc_type": "PASSPORT", "number": CANARY_GIVEN},
            )
            cls.consent = records.consent_record(
                by=cls.cast.caseworker,
                person=cls.person,
                purpose="registration",
                given_by="self",
                language="spa",
            )
            cls.screening = screening_record(
                by=cls.cast.caseworker,
                person=cls.person,
                answers={"gender.pregnant": "yes"},
                screened_on=datetime.date(2026, 1, 5),
                language="spa",
                age_band="18+",
            )
            # A specific need recorded by hand, its note naming the person.
            cls.need = needs.need_record(
                by=cls.cast.caseworker,
                person=cls.person,
                data={"code": "DS-PM", "priority": "high", "note": CANARY_FAMILY},
            )
        cls.calendar_feed, _feed_secret = court_calendar.calendar_feed_create(
            by=cls.cast.caseworker,
            membership=cls.cast.caseworker.memberships.get(),
            shows_names=True,
        )
        cls.case = make_case(cls.cast.org, cls.cast.legal, person=cls.person)
        cls.hearing = make_hearing(
            cls.case, cls.cast.legal, timezone.now() + datetime.timedelta(days=30)
        )
        with organization_scope(cls.cast.org.pk):
            cls.representation = court_services.representation_record(
                by=cls.cast.legal,
                case=cls.case,
                data={
                    "kind": "attorney",
                    "representative": CANARY_GIVEN,
                    "since": timezone.localdate(),
                },
            )
            cls.hearing_import = court_imports.import_preview(
                by=cls.cast.legal,
                file_name="audiencias.csv",
                content=b"A-number,Fecha,Hora,Corte\nA012345678,2030-01-10,09:00,SDI\n",
            )

        cls.incident = make_incident(
            cls.cast.org,
            cls.cast.caseworker,
            person=cls.person,
            perpetrators=[{"kind": "organized_crime", "identifying_details": CANARY_GIVEN}],
            consents=[{"purpose": "statistics", "given_on": datetime.date(2025, 1, 2)}],
            uploads=[Upload(source=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name=CANARY_GIVEN)],
            testimony=CANARY_FAMILY,
        )
        with organization_scope(cls.cast.org.pk):
            cls.incident_parts = {
                "victim": cls.incident.victims.get().uuid,
                "perpetrator": cls.incident.perpetrators.get().uuid,
                "consent": cls.incident.consents.get().uuid,
                "file": cls.incident.files.get().uuid,
            }
            cls.complaint = incident_services.complaint_record(
                by=cls.cast.legal,
                incident=cls.incident,
                data={
                    "authority": "cndh",
                    "filed_on": datetime.date(2025, 4, 1),
                    "reference_number": CANARY_GIVEN,
                },
            )

        with organization_scope(cls.cast.org.pk):
            cls.letter = letter_services.letter_import(
                by=cls.cast.caseworker,
                organization=cls.cast.org,
                texts={"es": SPANISH},  # signatories are public names, not case data
            )
            cls.figure = figure_services.figure_add(
                by=cls.cast.caseworker,
                letter=cls.letter,
                data={
                    "kind": "outside",
                    "label": "Devoluciones",
                    "source": "Informe",
                    "as_of": datetime.date(2025, 1, 1),
                },
                written="71,071",
            ).figure
            # A signature waiting for an editor: its contact is for the letter's editors only.
            update(cls.letter, by=cls.cast.caseworker, values={"status": "open"})
            signing_services.signature_request(
                page=signing_services.sign_on_page_open(by=cls.cast.caseworker, letter=cls.letter),
                letter=cls.letter,
                data={
                    "kind": "organization",
                    "name": "Casa Canaria",
                    "contact_name": f"{CANARY_GIVEN} {CANARY_FAMILY}",
                    "email": "canario@example.org",
                    "authorized": True,
                },
                address="192.0.2.1",
            )
            cls.signature = cls.letter.requests.get()
            update(cls.signature, by=cls.cast.caseworker, values={"status": "pending"})

        # An entry of the directory that organization A keeps, and an import of A's (refused;
        # written as the row it leaves, since only a network administrator starts one).
        cls.service = make_service(directory_editor(cls.cast.caseworker))
        cls.directory_import = DirectoryImport.objects.create(
            organization=cls.cast.org,
            created_by=cls.cast.caseworker,
            file_name=f"{CANARY_GIVEN}.zip",
            status=DirectoryImport.Status.REFUSED,
            problems=[{"file": "", "row": None, "column": "", "code": "bad_package"}],
        )

        # An application for a TVRH of the person, its note naming them.
        with organization_scope(cls.cast.org.pk):
            cls.procedure = document_services.procedure_start(
                by=cls.cast.caseworker,
                person=cls.person,
                data={
                    "doc_type": "TVRH",
                    "applied_on": datetime.date(2025, 3, 3),
                    "advice_given_on": datetime.date(2025, 3, 1),
                    "note": CANARY_FAMILY,
                },
            )

        # A referral of the person to a clinic of a third organization, C, sharing the given
        # names only: C sees that packet and nothing else of A; B sees nothing of it.
        cls.clinic = OrganizationFactory(short_name="CLI", name="Clínica C")
        cls.clinic_caseworker = member(cls.clinic, "caseworker")
        clinic_service = member_service(cls.clinic_caseworker, cls.clinic)
        with organization_scope(cls.cast.org.pk):
            cls.referral = referral_services.referral_send(
                by=cls.cast.caseworker,
                person=cls.person,
                service=clinic_service,
                data=referral_data(fields=["given_names"]),
            )

    def targets(self) -> dict[str, Any]:
        """A value of organization A for every URL argument the project uses."""
        return {
            "person_uuid": self.person.uuid,
            "search_uuid": self.saved_search.uuid,
            "membership_uuid": self.cast.caseworker.memberships.get().uuid,
            "token": "not-a-real-token",
            "key_uuid": self.security_key.uuid,
            "token_uuid": self.api_token.uuid,
            "return_uuid": self.return_event.uuid,
            "document_uuid": self.document.uuid,
            "consent_uuid": self.consent.uuid,
            "screening_uuid": self.screening.uuid,
            "need_uuid": self.need.uuid,
            "case_uuid": self.case.uuid,
            "hearing_uuid": self.hearing.uuid,
            "representation_uuid": self.representation.uuid,
            "import_uuid": self.hearing_import.uuid,
            "feed_uuid": self.calendar_feed.uuid,
            "incident_uuid": self.incident.uuid,
            "victim_uuid": self.incident_parts["victim"],
            "perpetrator_uuid": self.incident_parts["perpetrator"],
            "incident_consent_uuid": self.incident_parts["consent"],
            "complaint_uuid": self.complaint.uuid,
            "evidence_uuid": self.incident_parts["file"],
            "letter_uuid": self.letter.uuid,
            "signatory_uuid": self.letter.signatories(manager="unscoped").first().uuid,
            "figure_uuid": self.figure.uuid,
            "signature_uuid": self.signature.uuid,
            "service_uuid": self.service.uuid,
            "directory_import_uuid": self.directory_import.uuid,
            "referral_uuid": self.referral.uuid,
            "procedure_uuid": self.procedure.uuid,
            "right": "health",
            "language": "es",
            "kind": "pdf",
            "index": 0,
            "secret": "not-a-real-secret",
        }

    def url(self, route: Route) -> str:
        targets = self.targets()
        missing = [a for a in route.arguments if a not in targets]
        self.assertFalse(missing, f"{route.name}: add a target of organization A for {missing}")
        return reverse(route.name, kwargs={a: targets[a] for a in route.arguments})

    def test_every_view_declares_an_access_policy(self) -> None:
        undeclared = [r.name for r in routes() if r.policy is None]
        self.assertEqual(undeclared, [])

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for route in routes():
            if route.policy is Policy.PUBLIC:
                continue
            for method in ("get", "post"):
                response = getattr(self.client, method)(self.url(route))
                if route.is_api:
                    self.assertEqual(response.status_code, 401, f"{method} {route.name}")
                    self.assertEqual(response["Content-Type"], "application/json", route.name)
                    continue
                self.assertEqual(response.status_code, 302, f"{method} {route.name}")
                self.assertTrue(
                    response["Location"].startswith(reverse("accounts:login")), route.name
                )

    def test_no_visitor_reads_or_changes_what_their_role_or_organization_does_not_allow(
        self,
    ) -> None:
        # A plausible body for every form of the project, so refused writes are real attempts.
        payload = {
            "given_names": "Cambiado",
            "first_surname": "Cambiado",
            "role": "coordinator",
            "name": CANARY_GIVEN,
            "membership": str(self.cast.caseworker.memberships.get().uuid),
        }
        for persona, user in self.cast.everyone().items():
            client = sign_in(self.client_class(), user)
            role = user.memberships.get().role
            same_org = user.memberships.get().organization_id == self.cast.org.pk
            for route in routes():
                if route.policy is Policy.PUBLIC:
                    continue
                allowed = role_allows(role, route.policy)  # type: ignore[arg-type]
                own = same_org or not route.arguments
                directory = bool(route.arguments) and set(route.arguments) <= DIRECTORY_ARGUMENTS
                if directory:
                    # Reads are every member's; changes the keeper's and the administrators'.
                    own = same_org or role == "network_admin" or route.name in DIRECTORY_READS
                url = self.url(route)
                # Writes that this visitor may legitimately make are not tried here.
                methods = ("get",) if allowed and own else ("get", "post")
                for method in methods:
                    response = getattr(client, method)(url, payload if method == "post" else None)
                    where = f"{persona} {method.upper()} {route.name}"
                    if not allowed:
                        self.assertEqual(response.status_code, 404, where)
                    elif directory and route.name in DIRECTORY_READS and method == "get":
                        self.assertEqual(response.status_code, 200, where)
                    elif not own:
                        # The API checks the shape of a body before it looks the record up, so
                        # a refused write may get 400 or 422, as it would for a record that does
                        # not exist at all; test_api.py tries valid bodies (404, nothing saved).
                        refusals = (400, 404, 405, 422) if route.is_api else (404, 405)
                        self.assertIn(response.status_code, refusals, where)
                    if not (same_org and role_allows(role, Policy.CASE_DATA)):
                        raw = (
                            b"".join(response.streaming_content)
                            if response.streaming
                            else response.content
                        )
                        body = raw.decode(errors="replace")
                        self.assertNotIn(CANARY_GIVEN, body, where)
                        self.assertNotIn(CANARY_FAMILY, body, where)
        self.person.refresh_from_db()
        self.assertEqual(self.person.given_names, CANARY_GIVEN)
        membership = self.cast.caseworker.memberships.get()
        self.assertEqual((membership.role, membership.is_active), ("caseworker", True))
        self.assertTrue(SecurityKey.objects.filter(pk=self.security_key.pk).exists())
        self.api_token.refresh_from_db()
        self.assertIsNone(self.api_token.revoked_at)

    def test_the_receiver_of_a_referral_sees_its_packet_and_nothing_else_of_the_sender(
        self,
    ) -> None:
        """The sharing path: every URL, as a caseworker of the organization that received the
        referral. Only the referral's own pages answer with what crossed (the given names it
        was agreed to share); the surname, which did not cross, appears nowhere."""
        client = sign_in(self.client_class(), self.clinic_caseworker)
        shown = []
        for route in routes():
            if route.policy is Policy.PUBLIC:
                continue
            response = client.get(self.url(route))
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            where = f"receiver GET {route.name}"
            self.assertNotIn(CANARY_FAMILY, body, where)
            if CANARY_GIVEN in body:
                shown.append(route.name)
            if "person_uuid" in route.arguments:
                self.assertIn(response.status_code, (404, 405), where)
        self.assertEqual(sorted(shown), ["api-v1:referral_get", "referrals:referral_detail"])
