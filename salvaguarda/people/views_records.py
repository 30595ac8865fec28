"""Returns, documents, consents and the safeguards checklist of a person, and the
relationships within their family group."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from salvaguarda.core.access import Policy, active_organization, policy, signed_in_user
from salvaguarda.people import queries, queries_records
from salvaguarda.people.forms import RelationshipsForm
from salvaguarda.people.forms_records import (
    ConsentForm,
    DocumentForm,
    RecordForm,
    ReturnForm,
    SafeguardForm,
)
from salvaguarda.people.models import Person, SafeguardCheck
from salvaguarda.people.services import persons, records

# The receipt is printed in both languages, whatever the screen shows.
RECEIPT_LANGUAGES = ("es", "en")


def _form_kwargs(request: HttpRequest, person: Person) -> dict[str, Any]:
    return {
        "data": request.POST if request.method == "POST" else None,
        "person": person,
        "time_zone": active_organization(request).time_zone,
    }


def _refused(form: RecordForm, exc: ValidationError) -> None:
    """Put the service's messages next to their fields (the form usually caught them first)."""
    if hasattr(exc, "error_dict"):
        form.add_rule_errors(exc.error_dict)
    else:
        form.add_error(None, exc)


def _to_file(person: Person) -> HttpResponse:
    return redirect("people:detail", person_uuid=person.uuid)


@policy(Policy.CASE_DATA)
def return_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    group: list[Person] = []
    if person.household_id is not None:
        group = [
            member
            for member in queries_records.household_members_for(request.user, person)
            if member.pk != person.pk
        ]
    form = ReturnForm(group=group, **_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        try:
            records.return_record(
                by=signed_in_user(request),
                person=person,
                data=form.cleaned_data,
                group=form.group_members(),
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The return was recorded."))
            return _to_file(person)
    return render(request, "people/return_form.html", {"form": form, "person": person})


@policy(Policy.CASE_DATA)
def return_edit(
    request: HttpRequest, person_uuid: uuid.UUID, return_uuid: uuid.UUID
) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    record = queries_records.return_get_for(request.user, person, return_uuid)
    initial = {field: getattr(record, field) for field in records.RETURN_FIELDS}
    form = ReturnForm(initial=initial, **_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        try:
            records.return_update(by=signed_in_user(request), record=record, data=form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The return was saved."))
            return _to_file(person)
    return render(
        request, "people/return_form.html", {"form": form, "person": person, "record": record}
    )


@policy(Policy.CASE_DATA)
def document_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    form = DocumentForm(**_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        try:
            records.document_record(
                by=signed_in_user(request), person=person, data=form.cleaned_data
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The document was recorded."))
            return _to_file(person)
    return render(request, "people/document_form.html", {"form": form, "person": person})


@policy(Policy.CASE_DATA)
def document_edit(
    request: HttpRequest, person_uuid: uuid.UUID, document_uuid: uuid.UUID
) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    document = queries_records.document_get_for(request.user, person, document_uuid)
    initial = {field: getattr(document, field) for field in records.DOCUMENT_FIELDS}
    form = DocumentForm(initial=initial, **_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        try:
            records.document_update(
                by=signed_in_user(request), document=document, data=form.cleaned_data
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The document was saved."))
            return _to_file(person)
    state = queries_records.documents_expiring([document], form.today)[0]
    return render(
        request,
        "people/document_form.html",
        {"form": form, "person": person, "document": document, "line": state},
    )


@policy(Policy.CASE_DATA)
def consent_add(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    form = ConsentForm(**_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        already = records.has_consent(person, data["purpose"], recipient=data["recipient"])
        try:
            records.consent_record(
                by=signed_in_user(request),
                person=person,
                purpose=data["purpose"],
                recipient=data["recipient"],
                given_by=data["given_by"],
                language=data["language"],
                given_at=data["given_at"],
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            if already:
                messages.info(request, _("This consent was already active: nothing changed."))
            else:
                messages.success(request, _("The consent was recorded."))
            return _to_file(person)
    return render(request, "people/consent_form.html", {"form": form, "person": person})


@policy(Policy.CASE_DATA)
def consent_revoke(
    request: HttpRequest, person_uuid: uuid.UUID, consent_uuid: uuid.UUID
) -> HttpResponse:
    """GET asks for confirmation; POST revokes at once."""
    person = queries.person_get_for(request.user, person_uuid)
    consent = queries_records.consent_get_for(request.user, person, consent_uuid)
    if request.method == "POST":
        records.consent_revoke(by=signed_in_user(request), consent=consent)
        messages.success(request, _("The consent was revoked. It no longer allows this use."))
        return _to_file(person)
    return render(request, "people/consent_revoke.html", {"consent": consent, "person": person})


@policy(Policy.CASE_DATA)
def consent_receipt(
    request: HttpRequest, person_uuid: uuid.UUID, consent_uuid: uuid.UUID
) -> HttpResponse:
    """A printable receipt, in Spanish and in English side by side."""
    person = queries.person_get_for(request.user, person_uuid)
    consent = queries_records.consent_get_for(request.user, person, consent_uuid)
    return render(
        request,
        "people/consent_receipt.html",
        {
            "consent": consent,
            "person": person,
            "organization": active_organization(request),
            "receipt_languages": RECEIPT_LANGUAGES,
        },
    )


@policy(Policy.CASE_DATA)
def safeguard_record(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = queries.person_get_for(request.user, person_uuid)
    initial: dict[str, Any] = {}
    if request.GET.get("item") in SafeguardCheck.Item.values:
        initial["item"] = request.GET["item"]
    form = SafeguardForm(initial=initial, **_form_kwargs(request, person))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records.safeguard_record(
                by=signed_in_user(request),
                person=person,
                item=data["item"],
                done_on=data["done_on"],
                note=data["note"],
            )
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The safeguard was recorded."))
            return _to_file(person)
    return render(
        request,
        "people/safeguard_form.html",
        {"form": form, "person": person, "safeguards": queries_records.safeguard_status(person)},
    )


@policy(Policy.CASE_DATA)
def household_relationships(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    """Every member's relationship to the one who heads the group, changed together."""
    person = queries.person_get_for(request.user, person_uuid)
    members = queries_records.household_members_for(request.user, person)
    form = RelationshipsForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        assert person.household is not None  # noqa: S101 - household_members_for checked it
        try:
            changed = persons.household_relationships_set(
                by=signed_in_user(request),
                household=person.household,
                relationships=form.relationships(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if changed:
                messages.success(request, _("The relationships of the group were saved."))
            return _to_file(person)
    return render(request, "people/relationships_form.html", {"form": form, "person": person})


urlpatterns: list[URLPattern] = [
    path("<uuid:person_uuid>/familia/", household_relationships, name="relationships"),
    path("<uuid:person_uuid>/retornos/nuevo/", return_add, name="return_add"),
    path("<uuid:person_uuid>/retornos/<uuid:return_uuid>/", return_edit, name="return_edit"),
    path("<uuid:person_uuid>/documentos/nuevo/", document_add, name="document_add"),
    path(
        "<uuid:person_uuid>/documentos/<uuid:document_uuid>/",
        document_edit,
        name="document_edit",
    ),
    path("<uuid:person_uuid>/consentimientos/nuevo/", consent_add, name="consent_add"),
    path(
        "<uuid:person_uuid>/consentimientos/<uuid:consent_uuid>/revocar/",
        consent_revoke,
        name="consent_revoke",
    ),
    path(
        "<uuid:person_uuid>/consentimientos/<uuid:consent_uuid>/constancia/",
        consent_receipt,
        name="consent_receipt",
    ),
    path("<uuid:person_uuid>/salvaguardas/", safeguard_record, name="safeguard_record"),
]
