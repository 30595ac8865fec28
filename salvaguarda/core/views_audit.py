"""The audit trail page: coordinators read their organization's entries."""

from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core import queries
from salvaguarda.core.access import Policy, active_organization, policy
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.widgets import DateInput


def object_type_names() -> dict[str, str]:
    """`app.model` labels of this project's models, with their (translated) names."""
    return {
        model._meta.label_lower: str(capfirst(model._meta.verbose_name))
        for model in apps.get_models()
        if model.__module__.startswith("salvaguarda.")
    }


class AuditFilterForm(forms.Form):
    actor: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label=_("Person"),
        queryset=None,
        required=False,
        to_field_name="uuid",
        empty_label=_("Anyone"),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Record type"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actor = self.fields["actor"]
        assert isinstance(actor, forms.ModelChoiceField)  # noqa: S101 - declared above
        actor.queryset = queries.audit_actors_for(organization)  # only members, past or present
        self.fields["action"].choices = [  # type: ignore[attr-defined]
            ("", _("Any action")),
            *AuditEvent.Action.choices,
        ]
        types = sorted(object_type_names().items(), key=lambda item: item[1])
        self.fields["object_type"].choices = [  # type: ignore[attr-defined]
            ("", _("Any record type")),
            *types,
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> queries.AuditFilters:
        data = self.cleaned_data
        return queries.AuditFilters(
            actor=data.get("actor"),
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


@dataclass(frozen=True)
class AuditRow:
    """One entry as the page shows it."""

    event: AuditEvent
    object_type: str
    changed_fields: str
    detail: str


def _detail_text(detail: Any) -> str:
    if not isinstance(detail, dict):
        return str(detail)
    parts = []
    for key, value in sorted(detail.items()):
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def field_label(object_type: str, name: str) -> str:
    """The (translated) label of a changed field, or its name if the model no longer has it."""
    try:
        field = apps.get_model(object_type)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return name
    # A reverse relation (a letter's sign-on page) has no label of its own.
    return str(getattr(field, "verbose_name", name))


def _rows(events: list[AuditEvent]) -> list[AuditRow]:
    names = object_type_names()
    return [
        AuditRow(
            event=event,
            object_type=names.get(event.object_type, event.object_type),
            changed_fields=", ".join(field_label(event.object_type, n) for n in event.fields),
            detail=_detail_text(event.detail),
        )
        for event in events
    ]


@policy(Policy.COORDINATOR)
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    organization = active_organization(request)
    form = AuditFilterForm(request.GET or None, organization=organization)
    filters = form.filters() if form.is_valid() else queries.AuditFilters()
    page = queries.audit_page_for(
        request.user, organization, filters=filters, page_number=request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "rows": _rows(list(page.object_list)),
        "organization_time_zone": organization.time_zone,
    }
    return render(request, "core/audit_list.html", context)
