"""The service directory in the REST API (mounted by `salvaguarda.api`): search and one entry.

Every member reads the directory, as on the pages (it holds no case data); the schemas list the
codes of each filter. Changes are made on the pages for now.
"""

import datetime
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from salvaguarda.core.access import Policy, policy
from salvaguarda.core.paging import Page
from salvaguarda.people import vocab as people_vocab
from salvaguarda.people.api import REFUSALS, Input, codes_schema
from salvaguarda.referrals.directory import queries
from salvaguarda.referrals.directory.models import Category, Group, Service

router = Router()


def _one_of(codes: Collection[str]) -> Callable[[str], str]:
    """A filter's value: empty (any) or one of `codes`."""

    def check(value: str) -> str:
        if value and value not in codes:
            raise PydanticCustomError(
                "salvaguarda",
                "{message}",
                {
                    "message": _(
                        "Select a valid choice. That choice is not one of the available choices."
                    )
                },
            )
        return value

    return check


CategoryCode = Annotated[
    str, AfterValidator(_one_of(Category.values)), codes_schema(Category.values)
]
CityCode = Annotated[
    str,
    AfterValidator(_one_of(people_vocab.CITIES.codes())),
    codes_schema(people_vocab.CITIES.codes()),
]
GroupCode = Annotated[str, AfterValidator(_one_of(Group.values)), codes_schema(Group.values)]
LanguageCode = Annotated[
    str,
    AfterValidator(_one_of(people_vocab.LANGUAGES.codes())),
    codes_schema(people_vocab.LANGUAGES.codes()),
]


class DirectoryFiltersIn(Input):
    category: CategoryCode = ""
    city: CityCode = ""
    group: GroupCode = ""
    language: LanguageCode = ""
    text: Annotated[str, Field(max_length=100)] = ""
    page: Page = 1


class PlaceOut(Schema):
    uuid: UUID
    location_type: str
    name: str
    address: str
    city: str
    city_label: str
    state: str
    postal_code: str
    latitude: Decimal | None
    longitude: Decimal | None


class ServiceLineOut(Schema):
    uuid: UUID
    name: str
    provider: str
    provider_uuid: UUID
    category: str
    category_label: str
    status: str
    groups: list[str]
    languages: list[str]
    cities: list[str]
    last_verified: datetime.date | None


class ServicePageOut(Schema):
    page: int
    has_next: bool
    results: list[ServiceLineOut]


class ScheduleOut(Schema):
    days: list[str]
    opens_at: datetime.time | None
    closes_at: datetime.time | None
    description: str


class ServiceOut(ServiceLineOut):
    provider_kind: str
    description: str
    description_es: str
    description_en: str
    eligibility_description: str
    minimum_age: int | None
    maximum_age: int | None
    nationalities: list[str]
    cost: str
    fees_description: str
    required_documents: list[str]
    schedules: list[ScheduleOut]
    referral_channels: list[str]
    application_process: str
    phones: list[str]
    email: str
    url: str
    places: list[PlaceOut]


def _line(service: Service) -> dict[str, Any]:
    return {
        "uuid": service.uuid,
        "name": service.name,
        "provider": service.provider.name,
        "provider_uuid": service.provider.uuid,
        "category": service.category,
        "category_label": str(service.get_category_display()),
        "status": service.status,
        "groups": sorted(e.group for e in service.eligibility.all()),
        "languages": sorted(lang.code for lang in service.languages.all()),
        "cities": sorted({link.location.city for link in service.at_locations.all()}),
        "last_verified": service.last_verified,
    }


@router.get("/directory/services", response={200: ServicePageOut, **REFUSALS})
@policy(Policy.MEMBER)
def directory_service_list(request: HttpRequest, filters: Query[DirectoryFiltersIn]) -> Any:
    """Open services matching every filter given (category, city, who it is for, language,
    part of the name), by name; 25 a page. Every member of the network reads the directory."""
    page = queries.directory_search(
        queries.DirectoryFilters(
            category=filters.category,
            city=filters.city,
            group=filters.group,
            language=filters.language,
            text=filters.text.strip(),
        ),
        page=filters.page,
    )
    return {
        "page": page.number,
        "has_next": page.has_next,
        "results": [_line(service) for service in page.services],
    }


@router.get("/directory/services/{uuid:service_uuid}", response={200: ServiceOut, **REFUSALS})
@policy(Policy.MEMBER)
def directory_service_get(request: HttpRequest, service_uuid: UUID) -> Any:
    """One entry of the directory, with its places, hours, phones and documents asked for."""
    service = queries.service_get(service_uuid)
    return {
        **_line(service),
        "provider_kind": service.provider.kind,
        "description": service.description(get_language() or "es"),
        "description_es": service.description_es,
        "description_en": service.description_en,
        "eligibility_description": service.eligibility_description,
        "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age,
        "nationalities": service.nationalities,
        "cost": service.cost,
        "fees_description": service.fees_description,
        "required_documents": [d.document for d in service.required_documents.all()],
        "schedules": [
            {
                "days": s.days(),
                "opens_at": s.opens_at,
                "closes_at": s.closes_at,
                "description": s.description,
            }
            for s in service.schedules.all()
        ],
        "referral_channels": service.referral_channels,
        "application_process": service.application_process,
        "phones": [p.number for p in service.phones.all()],
        "email": service.email,
        "url": service.url,
        "places": [
            {
                "uuid": place.uuid,
                "location_type": place.location_type,
                "name": place.name,
                "address": ", ".join(p for p in (place.address_1, place.address_2) if p),
                "city": place.city,
                "city_label": people_vocab.CITIES.label(place.city),
                "state": place.state_province,
                "postal_code": place.postal_code,
                "latitude": place.latitude,
                "longitude": place.longitude,
            }
            for place in (link.location for link in service.at_locations.all())
        ],
    }
