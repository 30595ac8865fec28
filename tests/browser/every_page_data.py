"""The records every page of the app needs, added to the browser tests' demo network.

Run inside the app server's environment (`manage.py shell -c`, see `prepare` in
test_every_page.py): the demo network lacks a few kinds of record (a representation, a hearing
import, a complaint, an evidence file, a cited figure, a signature request, an invitation, a
saved name search), so this adds one of each to the CJS shelter, through the services as a user
would, and creates one account that coordinates CJS and administers the network (so one sign-in
reaches every page, and no other browser test signs in with it). It prints, as JSON, a value
for every URL argument the project uses: the same names as `targets()` in
salvaguarda/core/tests/test_url_isolation.py.
"""

import datetime
import io
import json
from typing import Any

from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts import services as account_services
from salvaguarda.accounts.models import Membership, Organization, Role, TOTPDevice, User
from salvaguarda.core.scoping import organization_scope
from salvaguarda.court import imports as court_imports
from salvaguarda.court import services as court_services
from salvaguarda.court.models import ImmigrationCase
from salvaguarda.incidents import services as incident_services
from salvaguarda.incidents.models import Incident
from salvaguarda.incidents.services import Upload
from salvaguarda.letters import services_figures, services_signing
from salvaguarda.letters.models import Letter, SignOnPage
from salvaguarda.people import saved_searches
from salvaguarda.people.models import Person
from salvaguarda.people.services import needs as need_services
from salvaguarda.referrals.directory import imports as directory_imports
from salvaguarda.referrals.directory.models import DirectoryImport, Service
from salvaguarda.referrals.documents import services as document_services
from salvaguarda.referrals.referring.models import Referral

ORGANIZATION = "CJS"
EMAIL = "todas.las.paginas@demo.example.org"
SIGNER = "marta@example.org"
INVITED = "nueva.persona@example.org"
RECIPIENTS = (SIGNER, INVITED)  # of the e-mails whose links the test opens


def _account(password: str, home: Organization) -> User:
    user = User.objects.create_user(
        email=EMAIL, password=password, full_name="Todas las Páginas Demo", language="es"
    )
    TOTPDevice.objects.create(
        user=user,
        sealed_secret=mfa.seal_secret(user, mfa.new_secret()),
        confirmed_at=timezone.now(),
        is_demo=True,
    )
    Membership.objects.create(user=user, organization=home, role=Role.COORDINATOR)
    network = Organization.objects.get(short_name="RED")
    Membership.objects.create(user=user, organization=network, role=Role.NETWORK_ADMIN)
    return user


def _network_membership(user: User) -> str:
    return str(user.memberships.get(role=Role.NETWORK_ADMIN).uuid)


def prepare(password: str) -> dict[str, Any]:
    org = Organization.objects.get(short_name=ORGANIZATION)
    user = _account(password, org)
    today = timezone.localdate()
    with organization_scope(org.pk):
        # The head of the first demo family: a return, a document, a screening, a case with a
        # hearing, an incident.
        incident = Incident.objects.order_by("id").first()
        assert incident is not None
        person = Person.objects.get(pk=incident.victims.get().person_id)
        case = ImmigrationCase.objects.get(person=person)
        representation = court_services.representation_record(
            by=user,
            case=case,
            data={"kind": "attorney", "representative": "Lic. Ramírez Demo", "since": today},
        )
        hearing_import = court_imports.import_preview(
            by=user,
            file_name="audiencias.csv",
            content=b"A-number,Fecha,Hora,Corte\nA012345678,2030-01-10,09:00,ELP\n",
        )
        complaint = incident_services.complaint_record(
            by=user,
            incident=incident,
            data={
                "authority": "cndh",
                "filed_on": today - datetime.timedelta(days=3),
                "reference_number": "CNDH/5/2026/123",
            },
        )
        (evidence,) = incident_services.evidence_add(
            by=user,
            incident=incident,
            uploads=[Upload(source=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), name="constancia.pdf")],
        )
        letter = Letter.objects.get()
        figure = services_figures.figure_add(
            by=user,
            letter=letter,
            data={
                "kind": "outside",
                "label": "Personas devueltas",
                "source": "Informe de la red",
                "as_of": datetime.date(2025, 1, 1),
                "value": 71071,
            },
        ).figure
        sign_on_page = SignOnPage.objects.get(letter=letter)
        services_signing.signature_request(
            page=sign_on_page,
            letter=letter,
            data={
                "kind": "organization",
                "name": "Casa de la Esperanza",
                "contact_name": "Marta Ibarra",
                "email": SIGNER,
                "authorized": True,
            },
            address="192.0.2.10",
        )
        signature = letter.requests.get()
        search = saved_searches.saved_search_create(by=user, data={"name": "Hernández"})
        # An HSDS import that ended (refused: the file is not a package), read at once here
        # rather than by a worker, so its page does not reload itself during the visit. Only a
        # network administrator starts one: the row is written as its page would leave it.
        directory_import = DirectoryImport.objects.create(
            organization=org, created_by=user, file_name="directorio.zip", content=b"not a package"
        )
        directory_imports.directory_import_run(directory_import.pk)
        # An application for a TVRH (not answered yet), and a referral CJS sent (the demo's).
        procedure = document_services.procedure_start(
            by=user,
            person=person,
            data={
                "doc_type": "TVRH",
                "applied_on": today,
                "advice_given_on": today,
                "office": "INM Ciudad Juárez",
            },
        )
        # A specific need recorded by hand (the page that marks it resolved).
        need = need_services.need_record(
            by=user,
            person=person,
            data={"code": "DS-BD", "priority": "standard", "note": "Certificado de la clínica"},
        )
        referral = Referral.objects.filter(organization=org).order_by("id").first()
        assert referral is not None
        invited = account_services.member_invite(
            by=user,
            organization=org,
            email=INVITED,
            full_name="Nueva Persona",
            role="caseworker",
        )
        return {
            "email": EMAIL,
            "network_membership": _network_membership(user),
            "person_uuid": str(person.uuid),
            "membership_uuid": str(invited.uuid),
            "return_uuid": str(person.returns.get().uuid),
            "document_uuid": str(person.documents.get().uuid),
            "consent_uuid": str(person.consents.order_by("id").first().uuid),  # type: ignore[union-attr]
            "screening_uuid": str(person.screenings.get().uuid),
            "need_uuid": str(need.uuid),
            "case_uuid": str(case.uuid),
            "hearing_uuid": str(case.hearings.get().uuid),
            "representation_uuid": str(representation.uuid),
            "import_uuid": str(hearing_import.uuid),
            "incident_uuid": str(incident.uuid),
            "victim_uuid": str(incident.victims.get().uuid),
            "perpetrator_uuid": str(incident.perpetrators.get().uuid),
            "incident_consent_uuid": str(incident.consents.order_by("id").first().uuid),  # type: ignore[union-attr]
            "complaint_uuid": str(complaint.uuid),
            "evidence_uuid": str(evidence.uuid),
            "letter_uuid": str(letter.uuid),
            "signatory_uuid": str(letter.signatories.order_by("id").first().uuid),  # type: ignore[union-attr]
            "figure_uuid": str(figure.uuid),
            "signature_uuid": str(signature.uuid),
            "sign_on_token": sign_on_page.token,
            "search_uuid": str(search.uuid),
            # A directory entry CJS keeps (the demo's), so its edit page opens.
            "service_uuid": str(
                Service.objects.filter(provider__maintainer=org).order_by("id").first().uuid  # type: ignore[union-attr]
            ),
            "directory_import_uuid": str(directory_import.uuid),
            "procedure_uuid": str(procedure.uuid),
            "referral_uuid": str(referral.uuid),
            "right": "health",
            "language": "es",
            "index": 0,
        }


def main(password: str) -> None:
    print(json.dumps(prepare(password)))  # noqa: T201
