# ruff: noqa: E501 - the demo entries are written one description a line
"""The demo network's service directory: for each of its 8 border cities, the kinds of
institution a returned person is referred to (INM, COMAR, an IMSS-Bienestar clinic, a SEP
school, the DIF's Child Protection Office, the prosecutor's women's justice centre, the state
human-rights commission, consulates, UNHCR/IOM partners) and the member organization's own
services. Names, addresses, phones and coordinates are synthetic ("(demo)"); the kinds, the
services and the documents they ask for are realistic (DOMAIN.md section 4).
"""

import datetime
from decimal import Decimal
from typing import Any

from salvaguarda.accounts.models import Organization, User
from salvaguarda.referrals.directory import services
from salvaguarda.referrals.directory.models import Provider
from salvaguarda.referrals.directory.queries import Editor

# Each member's city: (code, state, latitude, longitude of a synthetic centre, phone prefix).
CITIES = {
    "TIJ": ("tijuana", "Baja California", "32.5149", "-117.0382", "664"),
    "MXL": ("mexicali", "Baja California", "32.6245", "-115.4523", "686"),
    "CJS": ("ciudad_juarez", "Chihuahua", "31.6904", "-106.4245", "656"),
    "NLD": ("nuevo_laredo", "Tamaulipas", "27.4763", "-99.5164", "867"),
    "REY": ("reynosa", "Tamaulipas", "26.0922", "-98.2779", "899"),
    "MAT": ("matamoros", "Tamaulipas", "25.8690", "-97.5027", "868"),
    "PNS": ("piedras_negras", "Coahuila", "28.7000", "-100.5231", "878"),
    "MTY": ("monterrey", "Nuevo León", "25.6866", "-100.3161", "81"),
}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]

# Outside institutions in every city: (kind, name pattern, services). A service: name,
# category, groups, languages, documents, channels, extra fields.
INSTITUTIONS: list[tuple[str, str, list[tuple[str, str, list[str], dict[str, Any]]]]] = [
    (
        "inm",
        "Oficina de Trámites del INM en {city} (demo)",
        [
            (
                "Tarjeta de Visitante por Razones Humanitarias (TVRH)",
                "migration_documents",
                [],
                {
                    "documents": [
                        "Pasaporte o documento de identidad",
                        "Constancia de la audiencia en EE. UU.",
                    ],
                    "description_es": "Trámite de la TVRH, que permite trabajar. Antes de solicitarla, pida asesoría: puede afectar el caso de asilo en EE. UU. (reasentamiento firme).",
                    "description_en": "Application for the humanitarian visitor card (TVRH), which allows work. Get legal advice first: it may affect the U.S. asylum case (firm resettlement).",
                    "channels": ["in_person"],
                },
            ),
        ],
    ),
    (
        "imss_bienestar",
        "Centro de Salud IMSS-Bienestar {city} Centro (demo)",
        [
            (
                "Consulta general y vacunación",
                "health",
                ["women", "children", "families"],
                {
                    "documents": [
                        "CURP o documento migratorio",
                        "Comprobante de domicilio (o carta del albergue)",
                    ],
                    "description_es": "Atención médica gratuita para personas sin seguridad social. La falta de CURP no debe impedir la atención de urgencias.",
                    "description_en": "Free medical care for people without social security. Lacking a CURP must not prevent emergency care.",
                    "channels": ["in_person", "phone"],
                },
            ),
            (
                "Atención psicológica",
                "mental_health",
                ["women", "children", "lgbtiq"],
                {
                    "documents": ["Hoja de referencia"],
                    "description_es": "Consulta psicológica individual, con cita.",
                    "description_en": "Individual psychological care, by appointment.",
                    "channels": ["phone", "app"],
                },
            ),
        ],
    ),
    (
        "sep_school",
        "Escuela Primaria Federal Benito Juárez, {city} (demo)",
        [
            (
                "Inscripción a primaria en cualquier momento del año",
                "school_enrolment",
                ["children"],
                {
                    "documents": [
                        "Solicitud de Inscripción o Acta Testimonial",
                        "Carta Compromiso",
                    ],
                    "description_es": "La falta de documentos no impide la inscripción; no se pide apostilla.",
                    "description_en": "Missing documents do not prevent enrolment; no apostille is required.",
                    "channels": ["in_person"],
                    "minimum_age": 6,
                    "maximum_age": 12,
                },
            ),
        ],
    ),
    (
        "dif",
        "Procuraduría de Protección de Niñas, Niños y Adolescentes, {city} (demo)",
        [
            (
                "Plan de restitución de derechos para niñas, niños y adolescentes",
                "child_protection",
                ["children", "unaccompanied_children"],
                {
                    "documents": [],
                    "description_es": "Determina el interés superior y la medida de protección; recibe a niñas, niños y adolescentes no acompañados.",
                    "description_en": "Determines the child's best interest and protection measure; receives unaccompanied children.",
                    "channels": ["phone", "in_person"],
                    "maximum_age": 17,
                },
            ),
        ],
    ),
    (
        "fiscalia",
        "Centro de Justicia para las Mujeres de {city} (demo)",
        [
            (
                "Atención a mujeres víctimas de violencia",
                "gbv_response",
                ["women", "lgbtiq"],
                {
                    "documents": [],
                    "description_es": "Denuncia, asesoría jurídica, atención psicológica y refugio temporal, las 24 horas.",
                    "description_en": "Reporting, legal advice, psychological care and temporary refuge, around the clock.",
                    "channels": ["in_person", "phone"],
                    "hours": "Las 24 horas, todos los días",
                },
            ),
        ],
    ),
    (
        "human_rights_commission",
        "Comisión Estatal de Derechos Humanos, oficina {city} (demo)",
        [
            (
                "Quejas por violaciones de derechos humanos",
                "other",
                [],
                {
                    "documents": [],
                    "description_es": "Recibe quejas contra autoridades, incluidas las migratorias.",
                    "description_en": "Takes complaints against authorities, migration authorities included.",
                    "channels": ["in_person", "email"],
                },
            ),
        ],
    ),
    (
        "un_partner",
        "Programa de Apoyo a Personas Refugiadas y Migrantes, {city} (socio de ACNUR/OIM, demo)",
        [
            (
                "Apoyo económico temporal",
                "cash",
                ["women", "families", "disability"],
                {
                    "documents": ["Documento de identidad"],
                    "description_es": "Apoyo en efectivo por tres meses según evaluación de vulnerabilidad.",
                    "description_en": "Cash support for three months after a vulnerability assessment.",
                    "channels": ["app", "email"],
                    "languages": ["spa", "eng", "fra", "hat"],
                },
            ),
            (
                "Traslado a otra ciudad para empleo",
                "transport",
                ["families"],
                {
                    "documents": ["Documento de identidad", "Oferta de empleo"],
                    "description_es": "Traslado gratuito a ciudades con empleo formal, con acompañamiento.",
                    "description_en": "Free travel, accompanied, to cities with formal jobs.",
                    "channels": ["app"],
                },
            ),
        ],
    ),
]

# Where there is a COMAR office (the other cities refer to the nearest one).
COMAR = {"TIJ", "CJS", "MTY"}
# Consulates: (member, country, nationality code).
CONSULATES = [
    ("TIJ", "Honduras", "HND"),
    ("TIJ", "Guatemala", "GTM"),
    ("CJS", "El Salvador", "SLV"),
    ("MTY", "Honduras", "HND"),
    ("MTY", "Venezuela", "VEN"),
]
# Each member's own services, by the member's kind.
OWN: dict[str, list[tuple[str, str, list[str]]]] = {
    "shelter": [
        ("Albergue temporal para familias", "shelter", ["families", "women", "children"]),
        ("Comedor", "food", []),
    ],
    "legal_clinic": [
        ("Asesoría legal sobre el caso de asilo en EE. UU.", "legal_us_case", []),
        ("Asesoría sobre la situación migratoria en México", "legal_mexican_status", []),
    ],
    "human_rights_center": [
        ("Documentación de violaciones y acompañamiento de quejas", "other", []),
        ("Asesoría legal sobre el caso de asilo en EE. UU.", "legal_us_case", []),
    ],
    "families_committee": [
        ("Acompañamiento a familias y búsqueda de empleo", "work_training", ["families"]),
    ],
}


def _data(
    member: str, number: int, name: str, category: str, groups: list[str], extra: dict[str, Any]
) -> dict[str, Any]:
    city, state, lat, lon, prefix = CITIES[member]
    # A spot on a 7 × 7 grid around the city's centre, 0.005° apart (at most 0.015° off on each
    # axis): `number` counts across every city, so it must not move the point out of its city.
    north = Decimal(number % 7 - 3) / Decimal(200)
    east = Decimal(number // 7 % 7 - 3) / Decimal(200)
    return {
        "name": name,
        "category": category,
        "status": "active",
        "description_es": extra.get("description_es", ""),
        "description_en": extra.get("description_en", ""),
        "groups": groups,
        "minimum_age": extra.get("minimum_age"),
        "maximum_age": extra.get("maximum_age"),
        "nationalities": extra.get("nationalities", []),
        "eligibility_description": "",
        "languages": extra.get("languages", ["spa"]),
        "cost": "free",
        "fees_description": "",
        "required_documents": extra.get("documents", []),
        "days": WEEKDAYS,
        "opens_at": datetime.time(9),
        "closes_at": datetime.time(15),
        "hours": extra.get("hours", ""),
        "referral_channels": extra.get("channels", ["in_person"]),
        "application_process": "",
        "phone": f"{prefix} 555 {number:04d}",
        "email": "",
        "url": "",
        "location_type": "physical",
        "location_name": "",
        "location_address_1": f"Calle Ejemplo {100 + number} (demo)",
        "location_address_2": "Col. Centro",
        "location_city": city,
        "location_state_province": state,
        "location_postal_code": "00000",
        "location_latitude": Decimal(lat) + north,
        "location_longitude": Decimal(lon) + east,
        "location_transportation": "",
    }


def _verified(number: int, today: datetime.date) -> datetime.date | None:
    """Most entries checked lately, one in five long ago, one in seven never."""
    if number % 7 == 0:
        return None
    if number % 5 == 0:
        return today - datetime.timedelta(days=200 + number)
    return today - datetime.timedelta(days=number % 90)


def seed_directory(
    admin: User,
    network: Organization,
    members: dict[str, tuple[Organization, User]],
    *,
    today: datetime.date,
) -> int:
    """Fill the directory; returns how many services it holds. `members` maps each member's
    short name to its organization and the coordinator who keeps its entries."""
    number = 0
    for short, (organization, coordinator) in sorted(members.items()):
        if short not in CITIES:
            continue
        city_label = organization.city
        editor = Editor(coordinator, organization, is_network_admin=False)
        made: list[tuple[Editor, Provider | None, str, str, list[str], dict[str, Any]]] = []
        for kind, pattern, offered in INSTITUTIONS:
            provider = services.provider_create(
                editor=editor, data={"name": pattern.format(city=city_label), "kind": kind}
            )
            made += [(editor, provider, *entry) for entry in offered]
        if short in COMAR:
            provider = services.provider_create(
                editor=editor,
                data={"name": f"Oficina de la COMAR en {city_label} (demo)", "kind": "comar"},
            )
            extra = {
                "documents": ["Identificación, si la tiene"],
                "description_es": "Solicitud de la condición de refugiado (dentro de los 30 días de la entrada a México); entrega la constancia de trámite y la CURP temporal.",
                "description_en": "Asylum claim in Mexico (within 30 days of entry); issues the claim certificate and the temporary CURP.",
                "channels": ["in_person"],
            }
            made.append(
                (
                    editor,
                    provider,
                    "Solicitud de la condición de refugiado",
                    "migration_documents",
                    [],
                    extra,
                )
            )
        for where, country, code in CONSULATES:
            if where != short:
                continue
            provider = services.provider_create(
                editor=editor,
                data={
                    "name": f"Consulado de {country} en {city_label} (demo)",
                    "kind": "consulate",
                },
            )
            extra = {
                "documents": ["Cualquier documento de identidad del país"],
                "nationalities": [code],
                "description_es": "Expedición de pasaportes y documentos de identidad; asistencia consular.",
                "description_en": "Passports and identity documents; consular assistance.",
                "channels": ["in_person", "phone"],
            }
            made.append(
                (
                    editor,
                    provider,
                    "Documentos de identidad y asistencia consular",
                    "migration_documents",
                    [],
                    extra,
                )
            )
        for name, category, groups in OWN.get(organization.kind, []):
            made.append((editor, None, name, category, groups, {"channels": ["app", "phone"]}))
        for by, offered_by, name, category, groups, extra in made:
            number += 1
            service = services.service_create(
                editor=by,
                provider=offered_by,
                data=_data(short, number, name, category, groups, extra),
            )
            verified = _verified(number, today)
            if verified is not None:
                services.service_verify(editor=by, service=service, on=verified)
    # A national helpline kept by the network's administrators.
    admin_editor = Editor(admin, network, is_network_admin=True)
    provider = services.provider_create(
        editor=admin_editor,
        data={"name": "Línea Nacional de Atención a Personas Migrantes (demo)", "kind": "ngo"},
    )
    data = _data(
        "MTY", number + 1, "Orientación telefónica gratuita", "legal_mexican_status", [], {}
    )
    data.update(
        location_type="virtual",
        location_address_1="",
        location_city="cdmx",
        location_state_province="Ciudad de México",
        hours="Las 24 horas",
        languages=["spa", "eng", "fra", "hat", "por"],
        referral_channels=["phone"],
    )
    services.service_create(editor=admin_editor, provider=provider, data=data)
    return number + 1
