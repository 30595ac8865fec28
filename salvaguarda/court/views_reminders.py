"""The coordinator's page of hearing reminders: when they go out, and their words per language."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import reminder_texts, reminders
from salvaguarda.court.models import ReminderText
from salvaguarda.people import vocab as people_vocab

Kind = ReminderText.Kind


class PlanForm(forms.Form):
    days_before = forms.CharField(
        label=gettext_lazy("Days before the hearing"),
        help_text=gettext_lazy("Whole numbers separated by commas, e.g. 7, 2, 1."),
        max_length=60,
    )
    send_hour = forms.TypedChoiceField(
        label=gettext_lazy("Hour of sending (the person's local time)"),
        choices=[(hour, f"{hour:02d}:00") for hour in reminders.SEND_HOURS],
        coerce=int,
    )

    def clean_days_before(self) -> list[int]:
        raw = self.cleaned_data["days_before"]
        parts = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        try:
            return [int(part) for part in parts]
        except ValueError:
            raise ValidationError(
                _("Write whole numbers separated by commas, e.g. 7, 2, 1."), code="invalid"
            ) from None


class TextForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
    )


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@dataclass
class TextSlot:
    """One message in one language on the page."""

    language: str
    kind: str
    label: str
    form: TextForm
    default: str
    own: bool
    preview: str
    length: int

    @property
    def prefix(self) -> str:
        return f"{self.language}-{self.kind}"


@dataclass
class LanguageSection:
    language: str
    label: str
    has_default: bool
    slots: list[TextSlot]


def _preview(text: str, language: str, days: int) -> str:
    values = reminder_texts.message_values(
        reminder_texts.sample_facts(), language=language, days=days
    )
    try:
        return reminder_texts.render(text, values)
    except (KeyError, ValueError, IndexError):
        return ""


def _example_days(kind: str, days: tuple[int, ...]) -> int:
    """The number of days a preview shows: the plan's first step for AHEAD, 1 the day before."""
    if kind == Kind.DAY_BEFORE:
        return 1
    ahead = [day for day in days if day > 1]
    return ahead[0] if ahead else 7


def _shown_languages(extra: str) -> list[str]:
    own = set(ReminderText.objects.values_list("language", flat=True))
    shown = list(reminder_texts.LANGUAGES)
    shown += sorted(code for code in own if code not in shown)
    if extra in people_vocab.LANGUAGES and extra not in shown:
        shown.append(extra)
    return shown


# A text form posted again: (language, kind, the form, the text as typed).
Bound = tuple[str, str, TextForm, str]


def _sections(extra: str, bound: Bound | None, days: tuple[int, ...]) -> list[LanguageSection]:
    """Every language shown, each with its two messages (one of them maybe as typed)."""
    own = {
        (row.language, row.kind): row.text
        for row in ReminderText.objects.only("language", "kind", "text")
    }
    sections = []
    for language in _shown_languages(extra):
        slots = []
        for kind, label in Kind.choices:
            default = reminder_texts.DEFAULT_TEXTS.get(language, {}).get(kind, "")
            current = (
                own.get((language, kind))
                or default
                or own.get((reminder_texts.FALLBACK_LANGUAGE, kind))
                or reminder_texts.default_text(reminder_texts.FALLBACK_LANGUAGE, kind)
            )
            example = _example_days(kind, days)
            if bound is not None and bound[:2] == (language, kind):
                form, typed = bound[2], bound[3]
                preview = "" if form.errors else _preview(typed, language, example)
                length = len(typed)
            else:
                form = TextForm(prefix=f"{language}-{kind}", initial={"text": current})
                preview = _preview(current, language, example)
                length = len(current)
            slots.append(
                TextSlot(
                    language=language,
                    kind=kind,
                    label=str(label),
                    form=form,
                    default=default,
                    own=(language, kind) in own,
                    preview=preview,
                    length=length,
                )
            )
        sections.append(
            LanguageSection(
                language=language,
                label=people_vocab.LANGUAGES.label(language),
                has_default=language in reminder_texts.DEFAULT_TEXTS,
                slots=slots,
            )
        )
    return sections


def _back(language: str) -> HttpResponse:
    url = reverse("court:reminder_settings")
    if language and language not in reminder_texts.LANGUAGES:
        url += f"?language={language}"
    return redirect(f"{url}#text-{language}")


def _text_post(request: HttpRequest) -> tuple[HttpResponse | None, Bound | None]:
    """Save, preview or reset one text. Returns a redirect, or the bound form to show again."""
    by = signed_in_user(request)
    action = request.POST.get("action", "")
    language = request.POST.get("language", "")
    kind = request.POST.get("kind", "")
    if action not in {"text", "preview", "reset"}:
        return redirect("court:reminder_settings"), None
    if language not in people_vocab.LANGUAGES or kind not in Kind.values:
        messages.error(request, _("Choose a language and a message of the list."))
        return redirect("court:reminder_settings"), None
    form = TextForm(request.POST, prefix=f"{language}-{kind}")
    if action == "reset":
        if reminder_texts.reminder_text_reset(by=by, language=language, kind=kind):
            messages.success(request, _("The message is back to the default text."))
        return _back(language), None
    if not form.is_valid():
        return None, (language, kind, form, "")
    typed = form.cleaned_data["text"].replace("\r\n", "\n").strip()
    if action == "preview":
        for error in reminder_texts.text_errors(typed):
            form.add_error("text", error)
        return None, (language, kind, form, typed)
    try:
        reminder_texts.reminder_text_set(by=by, language=language, kind=kind, text=typed)
    except ValidationError as exc:
        _add_errors(form, exc)
        return None, (language, kind, form, typed)
    messages.success(request, _("The message was saved. New reminders will use it."))
    return _back(language), None


@policy(Policy.COORDINATOR)
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """When reminders go out, and the text of each message in each language."""
    days, send_hour = reminders.plan_current()
    plan_initial = {"days_before": ", ".join(str(d) for d in days), "send_hour": send_hour}
    plan_form = PlanForm(initial=plan_initial)
    bound: Bound | None = None
    extra = request.GET.get("language", "") or request.POST.get("language", "")
    if request.method == "POST" and request.POST.get("action") == "plan":
        plan_form = PlanForm(request.POST)
        if plan_form.is_valid():
            try:
                reminders.reminder_plan_set(
                    by=signed_in_user(request),
                    days_before=plan_form.cleaned_data["days_before"],
                    send_hour=plan_form.cleaned_data["send_hour"],
                )
            except ValidationError as exc:
                _add_errors(plan_form, exc)
            else:
                messages.success(
                    request,
                    _("The plan was saved. The reminders of coming hearings follow it."),
                )
                return redirect("court:reminder_settings")
    elif request.method == "POST":
        response, bound = _text_post(request)
        if response is not None:
            return response
    return render(
        request,
        "court/reminder_settings.html",
        {
            "plan_form": plan_form,
            "days": days,
            "send_hour": send_hour,
            "sections": _sections(extra, bound, days),
            "bound": bound,
            "placeholders": [f"{{{name}}}" for name in reminder_texts.PLACEHOLDERS],
            "max_length": reminder_texts.MAX_TEXT_LENGTH,
            "languages": people_vocab.LANGUAGES.choices(),
        },
    )


urlpatterns: list[URLPattern] = [
    path("recordatorios/", reminder_settings, name="reminder_settings"),
]
