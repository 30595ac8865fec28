"""A synthetic network for trying Salvaguarda: no real organization or person is described."""

import secrets
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import Membership, Organization, Role, TOTPDevice, User
from salvaguarda.accounts.services import organization_with_key
from salvaguarda.core.scoping import organization_scope
from salvaguarda.people.services import person_register

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

GIVEN = [
    "María José",
    "Juan Carlos",
    "Ana Lucía",
    "Wilson",
    "Yesenia",
    "Kervens",
    "Dayana",
    "Óscar",
    "Fabiola",
    "Erick",
]
FAMILY = [
    "Hernández López",
    "Castillo",
    "Pérez Ramos",
    "Joseph",
    "Mejía Cruz",
    "Ortiz",
    "Saint-Fleur",
    "Gómez",
    "Reyes Paz",
    "Alvarado",
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    roles: str


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
        logins.append(DemoLogin(user.email, ", ".join(f"{r.label} ({s})" for s, r in roles)))
    for index, (short, coordinator) in enumerate(sorted(coordinators.items())):
        with organization_scope(organizations[short].pk):
            for offset in range(6):
                number = index * 6 + offset
                person_register(
                    by=coordinator,
                    data={
                        "given_names": GIVEN[number % len(GIVEN)],
                        "family_names": FAMILY[(number * 3) % len(FAMILY)],
                        "date_of_birth": date(1975 + number % 40, 1 + number % 12, 1 + number % 27),
                    },
                )
    return logins


def new_password() -> str:
    return "demo-" + secrets.token_urlsafe(12)
