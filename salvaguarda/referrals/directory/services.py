"""Writes of the service directory: providers, services with their parts, verification.

Each write checks everything first and raises one `ValidationError` by field before saving
anything, runs in one transaction and is audited (field names, never values) in the
organization of the account that made it.
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization
from salvaguarda.core import audit
from salvaguarda.lib.normalize import fold_text
from salvaguarda.people import vocab as people_vocab
from salvaguarda.referrals.directory.models import (
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
from salvaguarda.referrals.directory.queries import Editor

Errors = dict[str, list[str]]

PROVIDER_FIELDS = ("name", "alternate_name", "kind", "description", "email", "website")
SERVICE_FIELDS = (
    "name",
    "category",
    "status",
    "description_es",
    "description_en",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "nationalities",
    "cost",
    "fees_description",
    "referral_channels",
    "application_process",
    "url",
    "email",
)
LOCATION_FIELDS = (
    "location_type",
    "name",
    "address_1",
    "address_2",
    "city",
    "state_province",
    "postal_code",
    "latitude",
    "longitude",
    "transportation",
)
NULLABLE_PLACE = ("latitude", "longitude")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def form_name(location_field: str) -> str:
    """The name of a location's field among a service's values: `location_<field>`."""
    if location_field.startswith("location_"):
        return location_field
    return f"location_{location_field}"


def _audit(
    editor: Editor, action: str, row: models.Model, fields: list[str], **detail: Any
) -> None:
    audit.record(
        action=action,
        actor=editor.user,
        organization_id=editor.organization.pk,
        obj=row,
        fields=fields,
        detail=detail or None,
    )


def _checked(model: type[models.Model], values: dict[str, Any], errors: Errors) -> None:
    """The model's own field checks (type, length, choices), then `errors`: raise if any."""
    candidate = model(**values)
    exclude = [f.name for f in model._meta.fields if f.name not in values]
    found: dict[str, list[Any]] = {}
    try:
        candidate.clean_fields(exclude=exclude)
    except ValidationError as exc:
        found = {name: list(messages) for name, messages in exc.error_dict.items()}
    for name, messages in errors.items():
        found.setdefault(name, []).extend(messages)
    if found:
        raise ValidationError(found)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _codes(data: Mapping[str, Any], name: str) -> list[str]:
    value = data.get(name) or []
    return sorted({str(v).strip() for v in value if str(v).strip()})


# --- providers --------------------------------------------------------------------------------


def provider_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values = {f: _text(data, f) for f in PROVIDER_FIELDS}
    errors: Errors = {}
    if values["kind"] == Provider.Kind.NETWORK_MEMBER:
        errors["kind"] = [_("A member of the network has its entry made from its organization.")]
    _checked(Provider, values, errors)
    return values


@transaction.atomic
def provider_create(*, editor: Editor, data: Mapping[str, Any]) -> Provider:
    """An outside institution, kept by the editor's organization (a network administrator's
    entries are kept by the network administrators)."""
    values = provider_values(data)
    maintainer = None if editor.is_network_admin else editor.organization
    provider = Provider.objects.create(
        **values,
        name_folded=fold_text(values["name"]),
        maintainer=maintainer,
        created_by=editor.user,
        modified_by=editor.user,
    )
    _audit(editor, audit.Action.CREATE, provider, [f for f, v in values.items() if v])
    return provider


@transaction.atomic
def provider_update(*, editor: Editor, provider: Provider, data: Mapping[str, Any]) -> list[str]:
    if not editor.may_maintain(provider):
        raise Http404
    values = {f: _text(data, f) for f in PROVIDER_FIELDS}
    if provider.kind == Provider.Kind.NETWORK_MEMBER:
        values["kind"] = Provider.Kind.NETWORK_MEMBER
    else:
        values = provider_values(data)
    _checked(Provider, values, {})
    changed = [f for f, v in values.items() if getattr(provider, f) != v]
    if changed:
        for name in changed:
            setattr(provider, name, values[name])
        provider.name_folded = fold_text(provider.name)
        provider.modified_by = editor.user
        provider.save()
        _audit(editor, audit.Action.UPDATE, provider, changed)
    return changed


def member_provider(*, editor: Editor, organization: Organization) -> Provider:
    """The directory entry of a member organization, made from it the first time."""
    found = Provider.objects.filter(network_organization=organization).first()
    if found is not None:
        return found
    provider = Provider.objects.create(
        name=organization.name,
        name_folded=fold_text(organization.name),
        alternate_name=organization.short_name,
        kind=Provider.Kind.NETWORK_MEMBER,
        network_organization=organization,
        maintainer=organization,
        created_by=editor.user,
        modified_by=editor.user,
    )
    _audit(editor, audit.Action.CREATE, provider, ["name", "alternate_name", "kind"])
    return provider


# --- services ---------------------------------------------------------------------------------


def _service_values(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in SERVICE_FIELDS:
        if name in ("minimum_age", "maximum_age"):
            values[name] = data.get(name)
        elif name in ("nationalities", "referral_channels"):
            values[name] = _codes(data, name)
        else:
            values[name] = _text(data, name)
    values["status"] = values["status"] or Service.Status.ACTIVE
    values["cost"] = values["cost"] or Service.Cost.FREE
    low, high = values["minimum_age"], values["maximum_age"]
    if isinstance(low, int) and isinstance(high, int) and low > high:
        errors.setdefault("maximum_age", []).append(_("The maximum age is below the minimum age."))
    unknown = [c for c in values["nationalities"] if c not in people_vocab.COUNTRIES]
    if unknown:
        errors.setdefault("nationalities", []).append(
            _("Unknown nationality: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    unknown = [c for c in values["referral_channels"] if c not in Channel.values]
    if unknown:
        errors.setdefault("referral_channels", []).append(
            _("Unknown way to refer: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return values


def _parts(data: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    """The lists and the place of a service, checked."""
    groups = _codes(data, "groups")
    unknown = [g for g in groups if g not in Group.values]
    if unknown:
        errors.setdefault("groups", []).append(
            _("Unknown group: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    languages = _codes(data, "languages")
    unknown = [c for c in languages if c not in people_vocab.LANGUAGES]
    if unknown:
        errors.setdefault("languages", []).append(
            _("Unknown language: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    documents = [d.strip() for d in data.get("required_documents") or [] if d.strip()]
    # Each line becomes a row written by bulk_create, which skips the model's checks: a line
    # over the column's length would be a DataError on PostgreSQL, so it is refused here.
    longest = RequiredDocument._meta.get_field("document").max_length or 200
    too_long = [d for d in documents if len(d) > longest]
    if too_long:
        errors.setdefault("required_documents", []).append(
            _("A document has at most %(limit)d characters a line (one has %(length)d).")
            % {"limit": longest, "length": max(len(d) for d in too_long)}
        )
    days = [d for d in WEEKDAYS if d in set(data.get("days") or [])]
    if set(data.get("days") or []) - set(WEEKDAYS):
        errors.setdefault("days", []).append(_("Unknown day of the week."))
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and opens >= closes:
        errors.setdefault("closes_at", []).append(_("The closing time is not after the opening."))
    place = {f: data.get(form_name(f)) for f in LOCATION_FIELDS}
    place = {f: (v.strip() if isinstance(v, str) else v) for f, v in place.items()}
    place["location_type"] = place["location_type"] or Location.Type.PHYSICAL
    if place["location_type"] == Location.Type.VIRTUAL:
        # A remote service has a city (where it serves) and no street address.
        place.update(address_1="", address_2="", postal_code="", state_province="")
    place_errors: Errors = {}
    if place["city"] not in people_vocab.CITIES:
        place_errors["city"] = [_("Choose the city from the list.")]
    if place["location_type"] == Location.Type.PHYSICAL and not place["address_1"]:
        place_errors["address_1"] = [_("A place needs its street and number.")]
    place = {f: ("" if v is None and f not in NULLABLE_PLACE else v) for f, v in place.items()}
    try:
        _checked(Location, place, place_errors)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(form_name(name), []).extend(messages)
    phone = _text(data, "phone")
    if len(phone) > 40:
        errors.setdefault("phone", []).append(_("A phone number has at most 40 characters."))
    return {
        "groups": groups,
        "languages": languages,
        "documents": documents,
        "schedule": {
            "byday": ",".join(days),
            "opens_at": opens or None,
            "closes_at": closes or None,
            "description": _text(data, "hours"),
        },
        "place": place,
        "phone": phone,
    }


def _write_parts(editor: Editor, service: Service, parts: dict[str, Any]) -> list[str]:
    """Replace the service's lists, schedule, phone and first place with `parts`."""
    by = editor.user
    changed: list[str] = []
    current = sorted(service.eligibility.values_list("group", flat=True))
    if current != parts["groups"]:
        service.eligibility.all().delete()
        ServiceEligibility.objects.bulk_create(
            ServiceEligibility(service=service, group=g) for g in parts["groups"]
        )
        changed.append("groups")
    current = sorted(service.languages.values_list("code", flat=True))
    if current != parts["languages"]:
        service.languages.all().delete()
        ServiceLanguage.objects.bulk_create(
            ServiceLanguage(service=service, code=c, created_by=by, modified_by=by)
            for c in parts["languages"]
        )
        changed.append("languages")
    current = list(service.required_documents.order_by("id").values_list("document", flat=True))
    if current != parts["documents"]:
        service.required_documents.all().delete()
        RequiredDocument.objects.bulk_create(
            RequiredDocument(service=service, document=d, created_by=by, modified_by=by)
            for d in parts["documents"]
        )
        changed.append("required_documents")
    changed += _write_schedule(editor, service, parts["schedule"])
    changed += _write_phone(editor, service, parts["phone"])
    changed += _write_place(editor, service, parts["place"])
    return changed


def _write_schedule(editor: Editor, service: Service, values: dict[str, Any]) -> list[str]:
    schedule = service.schedules.order_by("id").first()
    empty = not any(values.values())
    if schedule is None:
        if empty:
            return []
        Schedule.objects.create(
            service=service, created_by=editor.user, modified_by=editor.user, **values
        )
        return ["schedule"]
    if empty:
        schedule.delete()
        return ["schedule"]
    if all(getattr(schedule, f) == v for f, v in values.items()):
        return []
    for name, value in values.items():
        setattr(schedule, name, value)
    schedule.modified_by = editor.user
    schedule.save()
    return ["schedule"]


def _write_phone(editor: Editor, service: Service, number: str) -> list[str]:
    phone = service.phones.order_by("id").first()
    if phone is None:
        if not number:
            return []
        Phone.objects.create(
            service=service, number=number, created_by=editor.user, modified_by=editor.user
        )
        return ["phone"]
    if not number:
        phone.delete()
        return ["phone"]
    if phone.number == number:
        return []
    phone.number = number
    phone.modified_by = editor.user
    phone.save()
    return ["phone"]


def _write_place(editor: Editor, service: Service, values: dict[str, Any]) -> list[str]:
    """The service's first place: changed where it is (for every service given there)."""
    link = service.at_locations.select_related("location").order_by("id").first()
    if link is None:
        location = Location.objects.create(
            provider=service.provider, created_by=editor.user, modified_by=editor.user, **values
        )
        ServiceAtLocation.objects.create(
            service=service, location=location, created_by=editor.user, modified_by=editor.user
        )
        return ["location"]
    location = link.location
    if all(_same(getattr(location, f), v) for f, v in values.items()):
        return []
    for name, value in values.items():
        setattr(location, name, value)
    location.modified_by = editor.user
    location.save()
    return ["location"]


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return str(a) == str(b) if not isinstance(a, str) else a == b


@transaction.atomic
def service_create(
    *, editor: Editor, provider: Provider | None, data: Mapping[str, Any]
) -> Service:
    """A new service of `provider` with its place, hours, phone and lists. Without a provider,
    a service of the editor's own organization (its entry made the first time)."""
    if provider is not None and not editor.may_maintain(provider):
        raise Http404
    errors: Errors = {}
    values = _service_values(data, errors)
    parts = _parts(data, errors)
    _checked(Service, values, errors)
    if provider is None:
        provider = member_provider(editor=editor, organization=editor.organization)
    service = Service.objects.create(
        provider=provider,
        name_folded=fold_text(values["name"]),
        created_by=editor.user,
        modified_by=editor.user,
        **values,
    )
    _write_parts(editor, service, parts)
    _audit(
        editor,
        audit.Action.CREATE,
        service,
        [f for f, v in values.items() if v not in ("", None, [])],
    )
    return service


@transaction.atomic
def service_update(*, editor: Editor, service: Service, data: Mapping[str, Any]) -> list[str]:
    """Change a service; returns the names of what changed (audited)."""
    if not editor.may_maintain(service.provider):
        raise Http404
    errors: Errors = {}
    values = _service_values(data, errors)
    parts = _parts(data, errors)
    _checked(Service, values, errors)
    changed = [f for f, v in values.items() if not _same(getattr(service, f), v)]
    for name in changed:
        setattr(service, name, values[name])
    service.name_folded = fold_text(service.name)
    changed += _write_parts(editor, service, parts)
    if changed:
        service.modified_by = editor.user
        service.save()
        _audit(editor, audit.Action.UPDATE, service, changed)
    return changed


@transaction.atomic
def service_verify(*, editor: Editor, service: Service, on: datetime.date) -> None:
    """Record that the entry was checked with its provider on `on`."""
    if not editor.may_maintain(service.provider):
        raise Http404
    service.last_verified = on
    service.verified_by = editor.user
    service.modified_by = editor.user
    service.save(update_fields=["last_verified", "verified_by", "modified_by", "modified_at"])
    _audit(editor, audit.Action.UPDATE, service, ["last_verified"], verified=True)
