"""Pages where a letter's editors manage the figures it cites: add one (a count of the
network's own data or an outside figure; optionally turning a number already in the text into
its mark), change it, refresh a network count, remove it (its marks become its last value).
Other members of the organization get 403, other organizations 404."""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.core.access import Policy, active_role, policy, signed_in_user
from salvaguarda.core.forms import RuleForm
from salvaguarda.core.widgets import DateInput
from salvaguarda.letters import figures, measures, queries, queries_figures, services_figures
from salvaguarda.letters.models import Figure, Letter


class FigureForm(RuleForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of figure"), choices=Figure.Kind.choices, widget=forms.RadioSelect
    )
    measure = forms.ChoiceField(
        label=gettext_lazy("Count of the network's own data"),
        required=False,
        help_text=gettext_lazy(
            "For a count of the network: its value and date are taken now, from this "
            "organization's records."
        ),
    )
    label = forms.CharField(
        label=gettext_lazy("What it counts"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Empty for a count of the network: the count's name is used."),
    )
    key = forms.CharField(
        label=gettext_lazy("Mark"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "The name the text uses, as in {{cifra:returns-2019}}. Empty: made from what it counts."
        ),
    )
    value = forms.CharField(
        label=gettext_lazy("Value"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("For an outside figure, such as 71,071 or 12.5."),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("For an outside figure: who published it, and where."),
    )
    source_url = forms.CharField(
        label=gettext_lazy("Address of the source"), max_length=500, required=False
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("For an outside figure: the date it holds for."),
    )
    written = forms.CharField(
        label=gettext_lazy("The number as the text writes it now"),
        max_length=30,
        required=False,
        help_text=gettext_lazy(
            "Optional. Wherever a version writes this number (71,071, 71071, 71 071 or "
            "71.071), the figure's mark takes its place."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "—"), *measures.choices()]  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(figure: Figure) -> dict[str, Any]:
        return {
            "kind": figure.kind,
            "measure": figure.measure,
            "label": figure.label,
            "key": figure.key,
            "value": figures.written(figure.value) if figure.kind == Figure.Kind.OUTSIDE else "",
            "source": figure.source,
            "source_url": figure.source_url,
            "as_of": figure.as_of,
        }


def _editable(request: HttpRequest, letter_uuid: uuid.UUID) -> Letter:
    return queries.letter_to_edit(request.user, active_role(request), letter_uuid)


def _back(letter: Letter) -> HttpResponse:
    response = redirect("letters:detail", letter_uuid=letter.uuid)
    response["Location"] += "#h-figures"
    return response


def _saved(request: HttpRequest, written: services_figures.Written) -> None:
    if written.marked:
        where = ", ".join(f"{lang.upper()} ({n})" for lang, n in written.marked.items())
        messages.success(
            request,
            _("The figure was saved; its mark took the number's place in %(where)s.")
            % {"where": where},
        )
    else:
        messages.success(request, _("The figure was saved."))


def _form_page(
    request: HttpRequest, letter: Letter, form: FigureForm, figure: Figure | None
) -> HttpResponse:
    return render(
        request, "letters/figure_form.html", {"letter": letter, "form": form, "figure": figure}
    )


@policy(Policy.MEMBER)
def figure_add(request: HttpRequest, letter_uuid: uuid.UUID) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    form = FigureForm(
        request.POST if request.method == "POST" else None,
        initial={"kind": Figure.Kind.NETWORK},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        written = data.pop("written")
        try:
            saved = services_figures.figure_add(
                by=signed_in_user(request), letter=letter, data=data, written=written
            )
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            _saved(request, saved)
            return _back(letter)
    return _form_page(request, letter, form, None)


@policy(Policy.MEMBER)
def figure_edit(
    request: HttpRequest, letter_uuid: uuid.UUID, figure_uuid: uuid.UUID
) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    figure = queries_figures.figure_of(letter, figure_uuid)
    form = FigureForm(
        request.POST if request.method == "POST" else None, initial=FigureForm.initial_of(figure)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        written = data.pop("written")
        try:
            saved = services_figures.figure_update(
                by=signed_in_user(request), figure=figure, data=data, written=written
            )
        except ValidationError as exc:
            form.add_rule_errors(exc)
        else:
            _saved(request, saved)
            return _back(letter)
    return _form_page(request, letter, form, figure)


@policy(Policy.MEMBER)
def figure_refresh(
    request: HttpRequest, letter_uuid: uuid.UUID, figure_uuid: uuid.UUID
) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    figure = queries_figures.figure_of(letter, figure_uuid)
    if request.method == "POST":
        try:
            services_figures.figure_refresh(by=signed_in_user(request), figure=figure)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("“%(label)s” was counted again: %(value)s.")
                % {"label": figure.label, "value": figures.written(figure.value)},
            )
    return _back(letter)


@policy(Policy.MEMBER)
def figure_remove(
    request: HttpRequest, letter_uuid: uuid.UUID, figure_uuid: uuid.UUID
) -> HttpResponse:
    letter = _editable(request, letter_uuid)
    figure = queries_figures.figure_of(letter, figure_uuid)
    if request.method == "POST":
        try:
            services_figures.figure_remove(by=signed_in_user(request), figure=figure)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The figure was removed; the text keeps its value."))
        return _back(letter)
    return render(
        request,
        "letters/figure_remove.html",
        {
            "letter": letter,
            "figure": figure,
            "mark": figures.mark(figure.key),
            "written": figures.written(figure.value),
        },
    )


FIGURE = "<uuid:letter_uuid>/cifras/<uuid:figure_uuid>/"

urlpatterns = [
    path("<uuid:letter_uuid>/cifras/nueva/", figure_add, name="figure_add"),
    path(FIGURE, figure_edit, name="figure_edit"),
    path(FIGURE + "actualizar/", figure_refresh, name="figure_refresh"),
    path(FIGURE + "quitar/", figure_remove, name="figure_remove"),
]
