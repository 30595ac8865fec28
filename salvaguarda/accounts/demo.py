"""A synthetic network for trying Salvaguarda: no real organization or person is described."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import Membership, Organization, Role, TOTPDevice, User
from salvaguarda.accounts.services import organization_with_key
from salvaguarda.core.scoping import organization_scope
from salvaguarda.court import services as court_services
from salvaguarda.court import times as court_times
from salvaguarda.incidents import services as incident_services
from salvaguarda.letters.demo import seed_letter
from salvaguarda.people.models import Household
from salvaguarda.people.screening import band_of_age, functioning_section
from salvaguarda.people.services import (
    Arrival,
    Contact,
    MemberData,
    household_register,
    records,
    screening_record,
)
from salvaguarda.referrals.directory.demo import seed_directory
from salvaguarda.referrals.referring.demo import seed_referrals

DEMO_DOMAIN = "demo.example.org"

ORGANIZATIONS = [
    # short name, name, kind, city, state, time zone
    (
        "RED",
        "Red Salvaguarda (demo)",
        "documentation_network",
        "Ciudad de México",
        "CDMX",
        "America/Mexico_City",
    ),
    (
        "TIJ",
        "Albergue Frontera Tijuana (demo)",
        "shelter",
        "Tijuana",
        "Baja California",
        "America/Tijuana",
    ),
    (
        "MXL",
        "Clínica Jurídica Mexicali (demo)",
        "legal_clinic",
        "Mexicali",
        "Baja California",
        "America/Tijuana",
    ),
    (
        "CJS",
        "Centro de Derechos Humanos Paso Norte (demo)",
        "human_rights_center",
        "Ciudad Juárez",
        "Chihuahua",
        "America/Ciudad_Juarez",
    ),
    (
        "NLD",
        "Casa de Acogida Nuevo Laredo (demo)",
        "shelter",
        "Nuevo Laredo",
        "Tamaulipas",
        "America/Matamoros",
    ),
    (
        "REY",
        "Albergue Río Bravo Reynosa (demo)",
        "shelter",
        "Reynosa",
        "Tamaulipas",
        "America/Matamoros",
    ),
    (
        "MAT",
        "Comité de Familias Matamoros (demo)",
        "families_committee",
        "Matamoros",
        "Tamaulipas",
        "America/Matamoros",
    ),
    (
        "PNS",
        "Albergue Piedras Negras (demo)",
        "shelter",
        "Piedras Negras",
        "Coahuila",
        "America/Matamoros",
    ),
    (
        "MTY",
        "Clínica de Movilidad Monterrey (demo)",
        "legal_clinic",
        "Monterrey",
        "Nuevo León",
        "America/Monterrey",
    ),
]

# e-mail local part, full name, [(organization, role)]
ACCOUNTS = [
    ("admin.red", "Rosa Admin Demo", [("RED", Role.NETWORK_ADMIN)]),
    ("coordinacion.tij", "Carmen Coordinadora Demo", [("TIJ", Role.COORDINATOR)]),
    ("caso.tij", "Luis Trabajador Social Demo", [("TIJ", Role.CASEWORKER)]),
    ("legal.tij", "Elena Abogada Demo", [("TIJ", Role.LEGAL), ("MXL", Role.LEGAL)]),
    ("analisis.tij", "Andrés Analista Demo", [("TIJ", Role.ANALYST)]),
    # Referrals between members: a shelter's caseworker and a legal clinic's.
    ("canalizaciones.tij", "Sofía Canalizaciones Demo", [("TIJ", Role.CASEWORKER)]),
    ("canalizaciones.mty", "Joaquín Canalizaciones Demo", [("MTY", Role.CASEWORKER)]),
] + [
    entry
    for short in ("MXL", "CJS", "NLD", "REY", "MAT", "PNS", "MTY")
    for entry in (
        (
            f"coordinacion.{short.lower()}",
            f"Coordinación {short} Demo",
            [(short, Role.COORDINATOR)],
        ),
        (f"caso.{short.lower()}", f"Caso {short} Demo", [(short, Role.CASEWORKER)]),
    )
]

# Synthetic families: (given names, first surname, second surname, sex, relationship, age,
# nationality, languages). The first member heads the group.
FAMILIES = [
    [
        ("María José", "Hernández", "López", "female", "head", 31, "HND", ["spa"]),
        ("Kevin", "Mejía", "Hernández", "male", "child", 9, "HND", ["spa"]),
        ("Dayana", "Mejía", "Hernández", "female", "child", 4, "HND", ["spa"]),
    ],
    [("Wilson", "Joseph", "", "male", "head", 38, "HTI", ["hat", "fra", "spa"])],
    [
        ("Yesenia", "Castillo", "Ramos", "female", "head", 24, "GTM", ["mam", "spa"]),
        ("Ana Lucía", "Castillo", "", "female", "sibling", 16, "GTM", ["mam", "spa"]),
    ],
    [("Óscar", "Pérez", "Ramos", "male", "head", 16, "SLV", ["spa"])],
    [
        ("Juan Carlos", "Ortiz", "Gómez", "male", "head", 45, "VEN", ["spa"]),
        ("Fabiola", "Reyes", "Paz", "female", "partner", 41, "VEN", ["spa"]),
    ],
]

# The city (people/vocabularies/cities.csv) of each demo organization.
CITY_OF = {
    "RED": "cdmx",
    "TIJ": "tijuana",
    "MXL": "mexicali",
    "CJS": "ciudad_juarez",
    "NLD": "nuevo_laredo",
    "REY": "reynosa",
    "MAT": "matamoros",
    "PNS": "piedras_negras",
    "MTY": "monterrey",
}

# Where the demo incidents happened: (INEGI state code, municipality) of each organization.
PLACE_OF = {
    "RED": ("09", "Cuauhtémoc"),
    "TIJ": ("02", "Tijuana"),
    "MXL": ("02", "Mexicali"),
    "CJS": ("08", "Juárez"),
    "NLD": ("28", "Nuevo Laredo"),
    "REY": ("28", "Reynosa"),
    "MAT": ("28", "Matamoros"),
    "PNS": ("05", "Piedras Negras"),
    "MTY": ("19", "Monterrey"),
}
# Synthetic incidents: (acts, perpetrator type, place type, summary).
INCIDENTS = [
    (
        ["kidnapping", "extortion_relatives"],
        "organized_crime",
        "bus_station",
        "Secuestro al salir de la central de autobuses; llamaron a un familiar en EE. UU.",
    ),
    (
        ["robbery", "threat"],
        "municipal_police",
        "street",
        "Revisión en la calle: le quitaron dinero y documentos y la amenazaron.",
    ),
]


def _years_ago(years: int, offset: int) -> date:
    today = timezone.localdate()
    return date(today.year - years - 1, 1 + offset % 12, 1 + offset % 27)


def _family(number: int) -> list[MemberData]:
    members: list[MemberData] = []
    for given, first, second, sex, relationship, age, nationality, languages in FAMILIES[
        number % len(FAMILIES)
    ]:
        fields = {
            "given_names": given,
            "first_surname": first,
            "second_surname": second,
            "sex": sex,
            "relationship": relationship,
            "date_of_birth": _years_ago(age, number),
            "nationality": nationality,
            "languages": languages,
            "needs_interpreter": "spa" not in languages[:1],
        }
        # The head of each group can be reached by WhatsApp (a made-up number).
        contacts = [Contact("whatsapp", f"+52664{2000000 + number}", True)]
        members.append(MemberData(fields=fields, contacts=contacts if not members else []))
    return members


def _reception(by: User, household: Household, number: int) -> None:
    """A return, a document and, for every other family, a screening of each member."""
    today = timezone.localdate()
    port, phase, returned = RETURNS[number % len(RETURNS)]
    for person in household.members.order_by("id"):
        if person.date_of_birth >= returned:
            continue  # born in Mexico after the return
        records.return_record(
            by=by,
            person=person,
            data={"program_phase": phase, "returned_on": returned, "return_point": port},
        )
        if person.relationship == "head":
            records.document_record(
                by=by,
                person=person,
                data={
                    "doc_type": "FMM",
                    "number": f"FMM{number:05d}",
                    "issuer": "INM",
                    "issued_on": today - timedelta(days=160),
                    "expires_on": today + timedelta(days=20 + number),
                },
            )
        if number % 2 == 0:
            # The questions asked depend on the age: the answers of the member's questionnaire.
            module = functioning_section(band_of_age(person.age_on(today) or 0))
            screening_record(
                by=by,
                person=person,
                answers=SCREENING_ANSWERS[module.key if module else ""],
                screened_on=today,
                language="spa",
            )


# The court of the hearings of people returned through each demo port (DOMAIN.md 1.3).
COURT_OF_PORT = {"SYS": "SDI", "BRO": "BRO_IHF", "ELP": "ELP", "LRD": "LRD_IHF"}


def _court(by: User, household: Household, number: int) -> None:
    """The family's immigration case (the head leads it) and its next hearing, soon; every
    other family gave consent to hearing reminders."""
    port, phase, returned = RETURNS[number % len(RETURNS)]
    members = list(household.members.order_by("id"))
    head = members[0]
    # A child born in Mexico after the return has no U.S. case.
    others = [m for m in members[1:] if m.date_of_birth < returned]
    court = COURT_OF_PORT[port]
    lead = court_services.case_open(
        by=by, person=head, data={"court": court, "program_phase": phase}
    )
    for member in others:
        court_services.case_open(
            by=by, person=member, data={"court": court, "program_phase": phase}, lead_case=lead
        )
    if number % 2 == 1:
        records.consent_record(
            by=by, person=head, purpose="reminders", given_by="self", language="spa"
        )
    day = timezone.localdate() + timedelta(days=2 + number % 12)
    starts_at = court_times.court_wall_clock(court, datetime.combine(day, time(9, 0)))
    court_services.hearing_schedule(
        by=by,
        case=lead,
        data={"court": court, "starts_at": starts_at, "kind": "master", "mode": "in_person"},
    )


# (port, program, date of return) of the demo families.
RETURNS = [
    ("SYS", "MPP1", date(2019, 3, 12)),
    ("BRO", "MPP2", date(2022, 2, 3)),
    ("ELP", "MPP2", date(2021, 12, 14)),
    ("LRD", "MPP1", date(2019, 9, 2)),
]
# Screening answers by functioning module: an adult's (Washington Group short set), a child's
# of 5 to 17 and of 2 to 4 (Child Functioning Module), a baby's (none).
SCREENING_ANSWERS: dict[str, dict[str, Any]] = {
    "wg": {"wg.walking": 3, "wg.seeing": 1, "legal.has_lawyer": "no"},
    "cfm517": {
        "cfm517.glasses": "no",
        "cfm517.seeing": 1,
        "cfm517.learning": 2,
        "cfm517.anxious": 1,
        "cfm517.sad": 3,
        "safety.fear_of_return": "yes",
    },
    "cfm24": {"cfm24.glasses": "no", "cfm24.seeing": 1, "cfm24.playing": 2},
    "": {"health.urgent_care": "no", "legal.has_documents": "no"},
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    roles: str


def _incident(by: User, household: Household, number: int, short: str) -> None:
    """Every other family's head documented one incident, days after the return."""
    if number % 2:
        return
    acts, perpetrator, place_type, summary = INCIDENTS[number // 2 % len(INCIDENTS)]
    state, municipality = PLACE_OF[short]
    head = household.members.order_by("id").first()
    returned = RETURNS[number % len(RETURNS)][2]
    consents = [{"purpose": "statistics", "given_on": returned + timedelta(days=30)}]
    if number % 4 == 0:
        consents.append({"purpose": "public_advocacy", "given_on": returned + timedelta(days=30)})
    incident_services.incident_document(
        by=by,
        organization=household.organization,
        data={
            "occurred_from": returned + timedelta(days=3 + number % 20),
            "source": "direct_testimony",
            "state": state,
            "municipality": municipality,
            "place_type": place_type,
            "summary": summary,
            "documented_on": returned + timedelta(days=30),
        },
        acts=[{"common": code} for code in acts],
        victims=[{"person": head}],
        perpetrators=[{"kind": perpetrator}],
        consents=consents,
    )


def demo_exists() -> bool:
    return Organization.objects.filter(short_name="RED").exists()


@transaction.atomic
def seed(password: str) -> list[DemoLogin]:
    organizations = {}
    for short, name, kind, city, state, tz in ORGANIZATIONS:
        organizations[short] = organization_with_key(
            {
                "short_name": short,
                "name": name,
                "kind": kind,
                "city": city,
                "state": state,
                "time_zone": tz,
            }
        )
    logins = []
    coordinators: dict[str, User] = {}
    network_admin: User | None = None
    for local, full_name, roles in ACCOUNTS:
        user = User.objects.create_user(
            email=f"{local}@{DEMO_DOMAIN}", password=password, full_name=full_name, language="es"
        )
        TOTPDevice.objects.create(
            user=user,
            sealed_secret=mfa.seal_secret(user, mfa.new_secret()),
            confirmed_at=timezone.now(),
            is_demo=True,
        )
        for short, role in roles:
            Membership.objects.create(user=user, organization=organizations[short], role=role)
            if role == Role.COORDINATOR:
                coordinators[short] = user
            if role == Role.NETWORK_ADMIN and network_admin is None:
                network_admin = user
        logins.append(DemoLogin(user.email, ", ".join(f"{r.label} ({s})" for s, r in roles)))
    for index, (short, coordinator) in enumerate(sorted(coordinators.items())):
        with organization_scope(organizations[short].pk):
            for offset in range(4):
                household = household_register(
                    by=coordinator,
                    members=_family(index * 4 + offset),
                    arrival=Arrival(city=CITY_OF[short], consent_given=True),
                )
                _reception(coordinator, household, index * 4 + offset)
                _court(coordinator, household, index * 4 + offset)
                _incident(coordinator, household, index * 4 + offset, short)
    with organization_scope(organizations["CJS"].pk):
        seed_letter(coordinators["CJS"], organizations["CJS"])
    if network_admin is None:
        raise ValueError("The demo network needs a network administrator.")
    seed_directory(
        network_admin,
        organizations["RED"],
        {short: (organizations[short], user) for short, user in coordinators.items()},
        today=timezone.localdate(),
    )
    seed_referrals(
        {short: (organizations[short], user) for short, user in coordinators.items()}, CITY_OF
    )
    return logins


def new_password() -> str:
    return "demo-" + secrets.token_urlsafe(12)
