"""The directory as an Open Referral HSDS 3.0 tabular data package, and the check of one.

A package is the published descriptor (`referrals/hsds/datapackage.json`, unchanged) and one
CSV file per resource it names, every one written (with its header only when it has no rows),
so that `frictionless` validates the whole package against the standard: types, formats (uuid,
uri, e-mail), required values, enums, primary and foreign keys.

What HSDS has no column for goes where HSDS puts it:
- the directory's code lists (category, who a service is for, how to refer, cost, the kind
  of provider, a nationality) are taxonomies of our own: `taxonomy` and `taxonomy_term` rows
  (a term's code is `<taxonomy>/<code>`, since HSDS wants codes unique across taxonomies),
  linked to services and organizations by `attribute` rows;
- the English description of a service is an `attribute` (taxonomy `salvaguarda_text`, term
  `description_en`) whose `value` is the text;
- a location's city (a code of people/vocabularies/cities.csv) is its `external_identifier`
  (type `salvaguarda_city`); a place's street address is its `address` row;
- a member of the network, and the member that keeps an entry, are `organization_identifier`
  rows (scheme `salvaguarda`, types `network_member` and `maintained_by`, the organization's
  short name).
Identifiers of rows that the directory does not store (attributes, addresses, taxonomy terms)
are UUIDs derived from what they describe, so two exports of one directory are identical.
"""

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from salvaguarda.people import vocab as people_vocab
from salvaguarda.referrals.directory.models import (
    Category,
    Channel,
    Group,
    Location,
    Phone,
    Provider,
    RequiredDocument,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceEligibility,
    ServiceLanguage,
)

DESCRIPTOR = Path(__file__).resolve().parent.parent / "hsds" / "datapackage.json"
NAMESPACE = uuid.UUID("8f4d7c1e-2b6a-4f0e-9c3d-5a1b2e7f6c90")  # of the ids we derive
SCHEME = "salvaguarda"
CITY_TYPE = "salvaguarda_city"
TEXT_TAXONOMY = "salvaguarda_text"


# HSDS 3.0 requires `state_province` and `postal_code` in every address, while the service form
# lets both be blank. A blank state is written as the state of the place's city (the cities of
# people/vocabularies/cities.csv are each in one state), or as NO_STATE for "other city". A blank
# postal code is written as NO_POSTAL_CODE, "00000": no Mexican postal code begins with 00 (they
# run from 01000), so it cannot be taken for a real one. An import reads both markers back as
# blank; a state written from the city is kept (it is true of the place).
CITY_STATES = {
    "tijuana": "Baja California",
    "mexicali": "Baja California",
    "ciudad_juarez": "Chihuahua",
    "chihuahua": "Chihuahua",
    "nuevo_laredo": "Tamaulipas",
    "matamoros": "Tamaulipas",
    "reynosa": "Tamaulipas",
    "monterrey": "Nuevo León",
    "piedras_negras": "Coahuila",
    "saltillo": "Coahuila",
    "nogales": "Sonora",
    "hermosillo": "Sonora",
    "cdmx": "Ciudad de México",
    "tapachula": "Chiapas",
}
NO_STATE = "No indicado"
NO_POSTAL_CODE = "00000"


def descriptor() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    return loaded


def columns() -> dict[str, tuple[str, list[str]]]:
    """Each resource's name → (its file, its columns in order)."""
    return {
        r["name"]: (r["path"], [f["name"] for f in r["schema"]["fields"]])
        for r in descriptor()["resources"]
    }


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _english(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    from django.utils import translation

    with translation.override("en"):
        return {code: str(label) for code, label in choices}


def taxonomies() -> dict[str, dict[str, str]]:
    """Our code lists as HSDS taxonomies: taxonomy name → {code: English name}."""
    return {
        "service_category": _english(Category.choices),
        "eligibility": _english(Group.choices),
        "referral_channel": _english(Channel.choices),
        "cost": _english(Service.Cost.choices),
        "provider_kind": _english(Provider.Kind.choices),
        "nationality": {t.code: t.label_en for t in people_vocab.COUNTRIES.terms.values()},
        TEXT_TAXONOMY: {"description_en": "Description in English"},
    }


def term_id(taxonomy: str, code: str) -> str:
    return derived_id("term", taxonomy, code)


def _attribute(link: Any, entity: str, taxonomy: str, code: str, value: str = "") -> dict[str, Any]:
    return {
        "id": derived_id("attribute", link.uuid, taxonomy, code),
        "link_id": str(link.uuid),
        "taxonomy_term_id": term_id(taxonomy, code),
        "link_type": "",
        "link_entity": entity,
        "value": value,
    }


def _number(value: Any) -> str:
    return "" if value is None else str(value)


def _rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the package, by resource."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in columns()}
    for name, terms in taxonomies().items():
        rows["taxonomy"].append(
            {
                "id": derived_id("taxonomy", name),
                "name": name,
                "description": f"Salvaguarda code list '{name}'",
                "uri": "",
                "version": "1",
            }
        )
        for code, label in terms.items():
            rows["taxonomy_term"].append(
                {
                    "id": term_id(name, code),
                    # Codes are unique in the whole package: the taxonomy's name comes first.
                    "code": f"{name}/{code}",
                    "name": label,
                    "description": label,
                    "parent_id": "",
                    "taxonomy": name,
                    "language": "en",
                    "taxonomy_id": derived_id("taxonomy", name),
                    "term_uri": "",
                }
            )
    providers = Provider.objects.select_related("network_organization", "maintainer")
    for provider in providers.order_by("id"):
        rows["organization"].append(
            {
                "id": str(provider.uuid),
                "name": provider.name,
                "alternate_name": provider.alternate_name,
                # Required by HSDS: the name stands in for a missing description.
                "description": provider.description or provider.name,
                "email": provider.email,
                "website": provider.website,
            }
        )
        rows["attribute"].append(
            _attribute(provider, "organization", "provider_kind", provider.kind)
        )
        for kind, member in (
            ("network_member", provider.network_organization),
            ("maintained_by", provider.maintainer),
        ):
            if member is not None:
                rows["organization_identifier"].append(
                    {
                        "id": derived_id("identifier", provider.uuid, kind),
                        "organization_id": str(provider.uuid),
                        "identifier_scheme": SCHEME,
                        "identifier_type": kind,
                        "identifier": member.short_name,
                    }
                )
    for service in Service.objects.select_related("provider").order_by("id"):
        rows["service"].append(
            {
                "id": str(service.uuid),
                "organization_id": str(service.provider.uuid),
                "name": service.name,
                "description": service.description_es,
                "url": service.url,
                "email": service.email,
                "status": service.status,
                "application_process": service.application_process,
                "fees_description": service.fees_description,
                "eligibility_description": service.eligibility_description,
                "minimum_age": _number(service.minimum_age),
                "maximum_age": _number(service.maximum_age),
                "assured_date": service.last_verified.isoformat() if service.last_verified else "",
                "last_modified": service.modified_at.isoformat(timespec="seconds"),
            }
        )
        rows["attribute"].append(
            _attribute(service, "service", "service_category", service.category)
        )
        rows["attribute"].append(_attribute(service, "service", "cost", service.cost))
        for code in service.referral_channels:
            rows["attribute"].append(_attribute(service, "service", "referral_channel", code))
        for code in service.nationalities:
            rows["attribute"].append(_attribute(service, "service", "nationality", code))
        if service.description_en:
            rows["attribute"].append(
                _attribute(
                    service, "service", TEXT_TAXONOMY, "description_en", service.description_en
                )
            )
    for eligibility in ServiceEligibility.objects.select_related("service").order_by("id"):
        rows["attribute"].append(
            _attribute(eligibility.service, "service", "eligibility", eligibility.group)
        )
    languages = people_vocab.LANGUAGES.terms
    for language in ServiceLanguage.objects.select_related("service").order_by("id"):
        term = languages.get(language.code)
        rows["language"].append(
            {
                "id": str(language.uuid),
                "service_id": str(language.service.uuid),
                "name": term.label_en if term else language.code,
                "code": language.code,
                "note": language.note,
            }
        )
    for location in Location.objects.select_related("provider").order_by("id"):
        rows["location"].append(
            {
                "id": str(location.uuid),
                "location_type": location.location_type,
                "organization_id": str(location.provider.uuid),
                "name": location.name,
                "transportation": location.transportation,
                "latitude": _number(location.latitude),
                "longitude": _number(location.longitude),
                "external_identifier": location.city,
                "external_identifier_type": CITY_TYPE,
            }
        )
        if location.location_type == Location.Type.PHYSICAL:
            rows["address"].append(
                {
                    "id": derived_id("address", location.uuid),
                    "location_id": str(location.uuid),
                    "address_1": location.address_1,
                    "address_2": location.address_2,
                    "city": people_vocab.CITIES.terms[location.city].label_es
                    if location.city in people_vocab.CITIES
                    else location.city,
                    "state_province": location.state_province
                    or CITY_STATES.get(location.city, NO_STATE),
                    "postal_code": location.postal_code or NO_POSTAL_CODE,
                    "country": location.country,
                    "address_type": "physical",
                }
            )
    for link in ServiceAtLocation.objects.select_related("service", "location").order_by("id"):
        rows["service_at_location"].append(
            {
                "id": str(link.uuid),
                "service_id": str(link.service.uuid),
                "location_id": str(link.location.uuid),
                "description": link.description,
            }
        )
    for phone in Phone.objects.select_related("service", "location", "provider").order_by("id"):
        rows["phone"].append(
            {
                "id": str(phone.uuid),
                "service_id": str(phone.service.uuid) if phone.service else "",
                "location_id": str(phone.location.uuid) if phone.location else "",
                "organization_id": str(phone.provider.uuid) if phone.provider else "",
                "number": phone.number,
                "extension": _number(phone.extension),
                "type": phone.type,
                "description": phone.description,
            }
        )
    for schedule in Schedule.objects.select_related("service").order_by("id"):
        rows["schedule"].append(
            {
                "id": str(schedule.uuid),
                "service_id": str(schedule.service.uuid),
                "freq": "WEEKLY" if schedule.byday else "",
                "byday": schedule.byday,
                "opens_at": schedule.opens_at.isoformat() if schedule.opens_at else "",
                "closes_at": schedule.closes_at.isoformat() if schedule.closes_at else "",
                "description": schedule.description,
            }
        )
    for document in RequiredDocument.objects.select_related("service").order_by("id"):
        rows["required_document"].append(
            {
                "id": str(document.uuid),
                "service_id": str(document.service.uuid),
                "document": document.document,
            }
        )
    return rows


def _csv(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in header})
    return out.getvalue().encode("utf-8")


def package_files() -> dict[str, bytes]:
    """The package: file name → content (the descriptor and one CSV file per resource)."""
    rows = _rows()
    files = {"datapackage.json": DESCRIPTOR.read_bytes()}
    for name, (path, header) in columns().items():
        files[path] = _csv(header, rows[name])
    return files


def package_zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    return out.getvalue()
