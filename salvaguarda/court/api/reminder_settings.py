"""The organization's reminder settings through the API: when hearing reminders go out, and
the text of each message in each language (the organization's own or the default).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from salvaguarda.core.access import Policy, policy, signed_in_user
from salvaguarda.court import reminder_texts, reminders
from salvaguarda.court.api.base import REFUSALS, renamed_errors, router
from salvaguarda.court.api.schemas import ReminderSettingsIn, ReminderSettingsOut, ReminderTextIn
from salvaguarda.court.models import ReminderText


def _reminder_settings() -> dict[str, Any]:
    days, send_hour = reminders.plan_current()
    own = {(row.language, row.kind): row.text for row in ReminderText.objects.all()}
    languages = list(reminder_texts.LANGUAGES)
    languages += sorted({language for language, _kind in own} - set(languages))
    texts = []
    for language in languages:
        for kind in ReminderText.Kind.values:
            default = reminder_texts.DEFAULT_TEXTS.get(language, {}).get(kind, "")
            texts.append(
                {
                    "language": language,
                    "kind": kind,
                    "text": own.get((language, kind)) or reminder_texts.text_for(language, kind),
                    "own": (language, kind) in own,
                    "default": default,
                }
            )
    return {
        "plan": {"days_before": list(days), "send_hour": send_hour},
        "texts": texts,
        "placeholders": list(reminder_texts.PLACEHOLDERS),
        "max_length": reminder_texts.MAX_TEXT_LENGTH,
    }


# --- Reminder settings -------------------------------------------------------------------------


@router.get("/court/reminder-settings", response={200: ReminderSettingsOut, **REFUSALS})
@policy(Policy.COORDINATOR)
def court_reminder_settings_get(request: HttpRequest) -> Any:
    """When the organization's hearing reminders go out (days before the hearing, hour on the
    person's clock), and the text of each message in each language: the organization's own
    (`own`) or the default."""
    return _reminder_settings()


@router.put("/court/reminder-settings", response={200: ReminderSettingsOut, **REFUSALS})
@policy(Policy.COORDINATOR)
def court_reminder_settings_put(request: HttpRequest, payload: ReminderSettingsIn) -> Any:
    """Set the plan (if `plan` is sent) and the texts sent (an empty or null `text` goes back
    to the default); the others are left as they are. All of it is saved, or nothing. Pending
    reminders of coming hearings follow a new plan."""
    by = signed_in_user(request)
    errors: dict[str, list[Any]] = {}

    def collect(write: Callable[[], Any], prefix: str) -> None:
        try:
            write()
        except ValidationError as exc:
            renamed = renamed_errors(exc, {}, prefix)
            if hasattr(renamed, "error_dict"):
                errors.update(renamed.error_dict)
            else:
                errors.setdefault(prefix.rstrip(".") or "__all__", []).extend(renamed.error_list)

    with transaction.atomic():
        plan = payload.plan
        if plan is not None:
            collect(
                lambda: reminders.reminder_plan_set(
                    by=by, days_before=plan.days_before, send_hour=plan.send_hour
                ),
                "plan.",
            )
        for position, item in enumerate(payload.texts):

            def write(item: ReminderTextIn = item) -> Any:
                if item.text:
                    return reminder_texts.reminder_text_set(
                        by=by, language=item.language, kind=item.kind, text=item.text
                    )
                return reminder_texts.reminder_text_reset(
                    by=by, language=item.language, kind=item.kind
                )

            collect(write, f"texts.{position}.")
        if errors:
            raise ValidationError(errors)
    return _reminder_settings()
