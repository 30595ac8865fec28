"""Directory entries for tests: a provider and its services, written through the services."""

import csv
import io
from collections.abc import Callable
from typing import Any

from salvaguarda.accounts.models import Organization, Role, User
from salvaguarda.referrals.directory import services
from salvaguarda.referrals.directory.models import Location, Provider, Service
from salvaguarda.referrals.directory.queries import Editor


def editor(user: User, organization: Organization | None = None) -> Editor:
    membership = user.memberships.select_related("organization").get()
    return Editor(
        user,
        organization or membership.organization,
        is_network_admin=membership.role == Role.NETWORK_ADMIN,
    )


def clinic_data(**changes: Any) -> dict[str, Any]:
    """A realistic service: an IMSS-Bienestar clinic's general care in Tijuana."""
    data: dict[str, Any] = {
        "name": "Consulta general",
        "category": "health",
        "status": "active",
        "description_es": "Consulta médica general sin costo para personas sin seguridad social.",
        "description_en": "General medical consultation, free for people without social security.",
        "groups": ["women", "children"],
        "minimum_age": None,
        "maximum_age": None,
        "nationalities": [],
        "eligibility_description": "Personas sin afiliación a la seguridad social.",
        "languages": ["spa"],
        "cost": "free",
        "fees_description": "",
        "required_documents": ["CURP o documento migratorio", "Comprobante de domicilio"],
        "days": ["MO", "TU", "WE", "TH", "FR"],
        "opens_at": None,
        "closes_at": None,
        "hours": "Lunes a viernes de 8:00 a 14:00",
        "referral_channels": ["in_person", "phone"],
        "application_process": "Presentarse en ventanilla con la hoja de referencia.",
        "phone": "664 123 4567",
        "email": "",
        "url": "",
        "location_type": "physical",
        "location_name": "Centro de Salud Sánchez Taboada",
        "location_address_1": "Av. Ejemplo 1234",
        "location_address_2": "Col. Sánchez Taboada",
        "location_city": "tijuana",
        "location_state_province": "Baja California",
        "location_postal_code": "22650",
        "location_latitude": None,
        "location_longitude": None,
        "location_transportation": "",
    }
    data.update(changes)
    return data


def make_provider(by: Editor, **changes: Any) -> Provider:
    data = {"name": "IMSS-Bienestar Tijuana", "kind": "imss_bienestar", **changes}
    return services.provider_create(editor=by, data=data)


def make_service(by: Editor, provider: Provider | None = None, **changes: Any) -> Service:
    provider = provider or make_provider(by)
    return services.service_create(editor=by, provider=provider, data=clinic_data(**changes))


def empty_directory() -> None:
    """Remove every entry (their parts go with them)."""
    Service.objects.all().delete()
    Location.objects.all().delete()
    Provider.objects.all().delete()


def edited(
    files: dict[str, bytes], name: str, change: Callable[[list[list[str]]], None]
) -> dict[str, bytes]:
    """A package's `files` with `change(rows)` applied to the CSV file `name` (rows[0] is
    its header)."""
    rows = list(csv.reader(io.StringIO(files[name].decode("utf-8"))))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return {**files, name: out.getvalue().encode("utf-8")}


def without_column(column: str) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        at = rows[0].index(column)
        for row in rows:
            del row[at]

    return change


def member_service(by: User, organization: Organization, **changes: Any) -> Service:
    """A service of a member of the network (`organization`), kept by `by`, one of its own."""
    own = editor(by, organization)
    provider = services.member_provider(editor=own, organization=organization)
    return services.service_create(editor=own, provider=provider, data=clinic_data(**changes))


def referral_data(**changes: Any) -> dict[str, Any]:
    """What a caseworker fills in to refer someone, with the person's consent."""
    data: dict[str, Any] = {
        "urgency": "priority",
        "reason": "Dolor abdominal desde hace tres días; no tiene afiliación al IMSS-Bienestar.",
        "fields": ["given_names", "age_band", "language"],
        "consent": True,
        "consent_given_by": "self",
        "consent_language": "spa",
    }
    data.update(changes)
    return data
