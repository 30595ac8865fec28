"""Field rules of returns, documents, consents and safeguards.

Forms call these to put a translated message next to the field; the services call them again,
so a write that does not come through a form (the API, a command) is held to the same rules.
Each `*_errors` function returns `{field name: [ValidationError, ...]}`, empty when all is well,
and skips the checks whose values are missing (the form has already said they are required).
"""

import datetime
import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salvaguarda.people import validation, vocab
from salvaguarda.people.models import Consent, Person, ReturnEvent, SafeguardCheck

Errors = dict[str, list[ValidationError]]


class ExclusionGround(models.TextChoices):
    """DOMAIN.md 3.4: who was not to be returned under MPP (CBP 2019 and Mexico's conditions)."""

    UNACCOMPANIED_CHILD = "unaccompanied_child", gettext_lazy("Unaccompanied child")
    PHYSICAL_HEALTH = "physical_health", gettext_lazy("Physical health condition")
    MENTAL_HEALTH = "mental_health", gettext_lazy("Mental health condition")
    PREGNANCY = "pregnancy", gettext_lazy("Pregnancy")
    OLDER_PERSON = "older_person", gettext_lazy("Older person")
    LGBTIQ = "lgbtiq", gettext_lazy("LGBTIQ+ person")
    INDIGENOUS_MONOLINGUAL = (
        "indigenous_monolingual",
        gettext_lazy("Monolingual speaker of an Indigenous language"),
    )
    FEAR_OF_MEXICO = "fear_of_mexico", gettext_lazy("Fear of persecution or torture in Mexico")
    OTHER = "other", gettext_lazy("Other ground")


def reception_document_choices() -> list[tuple[str, str]]:
    """What INM handed over at reception (`ReturnEvent.RECEPTION_DOCUMENTS`), labelled."""
    labels = {
        "none": _("None"),
        "FMM": vocab.DOCUMENT_TYPES.label("FMM"),
        "TVRH": vocab.DOCUMENT_TYPES.label("TVRH"),
        "other": _("Other document"),
    }
    return [(code, labels[code]) for code in ReturnEvent.RECEPTION_DOCUMENTS]


# The dates a program ran (DOMAIN.md 1.1, confirmed facts only): a return under it outside
# them cannot have happened. MPP1 has no end here: returns after hearings went on for a while.
PHASE_WINDOWS: dict[str, tuple[datetime.date | None, datetime.date | None]] = {
    "MPP1": (datetime.date(2019, 1, 29), None),
    "MPP1_WINDDOWN": (datetime.date(2021, 2, 19), None),
    "MPP2": (datetime.date(2021, 12, 6), datetime.date(2022, 8, 8)),
}

# Documents that count as "migration document issued" on the safeguards checklist.
MIGRATION_DOCUMENT_TYPES = frozenset(
    {"FMM", "TVRH", "RES_TEMP", "RES_PERM", "COMAR_CONSTANCIA", "CURP_TEMP", "CURP_PERM"}
)
CURP_TYPES = frozenset({"CURP_TEMP", "CURP_PERM"})
# The documents given at a return that are Mexican migration documents (DOMAIN.md 5).
MIGRATION_RECEPTION_DOCUMENTS = ("FMM", "TVRH")

# RENAPO's structure: initials (the second one a vowel or X), date of birth (YYMMDD), sex
# (H, M or X), state of birth (NE: born abroad), inner consonants, a character that tells the
# century (a digit before 2000, a letter from 2000) and a check digit.
CURP = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}"
    r"(?P<yy>\d{2})(?P<mm>0[1-9]|1[0-2])(?P<dd>0[1-9]|[12]\d|3[01])"
    r"[HMX]"
    r"(?:AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS"
    r"|TL|VZ|YN|ZS|NE)"
    r"[B-DF-HJ-NP-TV-Z]{3}"
    r"(?P<century>[0-9A-Z])\d$"
)
_CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"


def curp_check_digit(value: str) -> int:
    """RENAPO's check digit of the first 17 characters."""
    total = sum(_CURP_ALPHABET.index(ch) * (18 - i) for i, ch in enumerate(value[:17]))
    return (10 - total % 10) % 10


def curp(value: str) -> str:
    """An 18-character CURP of the official structure, upper case, without spaces."""
    code = re.sub(r"[\s\-.]", "", value).upper()
    match = CURP.match(code)
    if match is None:
        raise ValidationError(
            _(
                "A CURP has 18 characters: 4 letters, the date of birth as 6 digits, H, M or X, "
                "2 letters of the state (NE if born abroad), 3 consonants and 2 more "
                "characters. For example: HEGG560427MVZRRL04."
            ),
            code="curp",
        )
    century = 1900 if match["century"].isdigit() else 2000
    try:
        datetime.date(century + int(match["yy"]), int(match["mm"]), int(match["dd"]))
    except ValueError as exc:
        raise ValidationError(
            _("The date of birth in this CURP (characters 5 to 10) is not a real date."),
            code="curp_date",
        ) from exc
    if curp_check_digit(code) != int(code[17]):
        raise ValidationError(
            _("The last digit of this CURP does not match the others: check it for a typo."),
            code="curp_check_digit",
        )
    return code


def document_number(doc_type: str, number: str) -> str:
    """The number as stored: a checked CURP for CURP documents, otherwise trimmed."""
    number = (number or "").strip()
    if doc_type in CURP_TYPES:
        if not number:
            raise ValidationError(
                _("Write the CURP: it is what this document is."), code="required"
            )
        return curp(number)
    return number


def born_on(person: Person) -> datetime.date | None:
    """The date of birth when it is exact; an estimated one cannot refuse another date."""
    born = person.date_of_birth
    if person.birth_precision != Person.BirthPrecision.EXACT or not isinstance(born, datetime.date):
        return None
    return born


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _add(errors: Errors, field: str, error: ValidationError) -> None:
    errors.setdefault(field, []).append(error)


def _past_date(
    errors: Errors, field: str, value: Any, today: datetime.date, born: datetime.date | None
) -> datetime.date | None:
    """Not in the future, not before the person was born. The date if it passed, else None."""
    if not isinstance(value, datetime.date):
        return None
    try:
        validation.not_future(value, today)
    except ValidationError as exc:
        _add(errors, field, exc)
        return None
    if born is not None and value < born:
        _add(
            errors,
            field,
            ValidationError(
                _("This date is before the person's date of birth (%(born)s).")
                % {"born": _day(born)},
                code="before_birth",
            ),
        )
        return None
    return value


def _in_vocabulary(errors: Errors, field: str, value: Any, vocabulary: Any) -> None:
    if value in (None, ""):
        return
    try:
        validation.in_vocabulary(value, vocabulary)
    except ValidationError as exc:
        _add(errors, field, exc)


def _subset(errors: Errors, field: str, values: Any, allowed: Any) -> None:
    wrong = [v for v in values or [] if v not in allowed]
    if wrong:
        _add(
            errors,
            field,
            ValidationError(
                _("“%(value)s” is not one of the allowed values.") % {"value": wrong[0]},
                code="choice",
            ),
        )


def default_city(return_point: str) -> str:
    """The Mexican city a U.S. port returns people to (DOMAIN.md 1.3), or ''."""
    term = vocab.RETURN_POINTS.terms.get(return_point)
    return (term.extra.get("mexican_city") or "") if term else ""


def return_errors(
    values: Mapping[str, Any],
    *,
    today: datetime.date,
    born: datetime.date | None,
    time_zone: datetime.tzinfo,
) -> Errors:
    """The rules of a return. `time_zone` is the organization's: it tells the tear sheet's day."""
    errors: Errors = {}
    phase = values.get("program_phase")
    _in_vocabulary(errors, "program_phase", phase, vocab.PROGRAM_PHASES)
    _in_vocabulary(errors, "return_point", values.get("return_point"), vocab.RETURN_POINTS)
    _in_vocabulary(errors, "mexican_city", values.get("mexican_city"), vocab.CITIES)
    if values.get("return_point") and not values.get("mexican_city"):
        _add(
            errors,
            "mexican_city",
            ValidationError(
                _("Choose the Mexican city: this port has no usual city of return."),
                code="required",
            ),
        )

    returned_on = values.get("returned_on")
    if not isinstance(returned_on, datetime.date):
        returned_on = None
    checked = _past_date(errors, "returned_on", returned_on, today, born)
    if checked is not None and phase in PHASE_WINDOWS:
        start, end = PHASE_WINDOWS[phase]
        label = vocab.PROGRAM_PHASES.label(phase)
        if start and checked < start:
            _add(
                errors,
                "returned_on",
                ValidationError(
                    _(
                        "Returns under %(program)s began on %(start)s: check the date or "
                        "the program."
                    )
                    % {"program": label, "start": _day(start)},
                    code="before_program",
                ),
            )
        elif end and checked > end:
            _add(
                errors,
                "returned_on",
                ValidationError(
                    _("%(program)s ended on %(end)s: check the date or the program.")
                    % {"program": label, "end": _day(end)},
                    code="after_program",
                ),
            )

    nta_date = _past_date(errors, "nta_date", values.get("nta_date"), today, born)
    if nta_date is not None and returned_on is not None and nta_date > returned_on:
        _add(
            errors,
            "nta_date",
            ValidationError(
                _(
                    "The Notice to Appear is issued before the return or on its day, and "
                    "this date is after the return (%(returned_on)s)."
                )
                % {"returned_on": _day(returned_on)},
                code="nta_after_return",
            ),
        )

    report_back_at = values.get("report_back_at")
    if isinstance(report_back_at, datetime.datetime) and returned_on is not None:
        day = timezone.localtime(report_back_at, time_zone).date()
        if day <= returned_on:
            _add(
                errors,
                "report_back_at",
                ValidationError(
                    _(
                        "The day to report back must come after the day of the return "
                        "(%(returned_on)s)."
                    )
                    % {"returned_on": _day(returned_on)},
                    code="report_before_return",
                ),
            )

    _subset(
        errors,
        "reception_documents",
        values.get("reception_documents"),
        ReturnEvent.RECEPTION_DOCUMENTS,
    )
    documents = values.get("reception_documents") or []
    if "none" in documents and len(documents) > 1:
        _add(
            errors,
            "reception_documents",
            ValidationError(
                _("“None” cannot be chosen together with a document."), code="none_and_other"
            ),
        )

    grounds = values.get("exclusion_claimed") or []
    _subset(errors, "exclusion_claimed", grounds, ExclusionGround.values)
    outcome = values.get("exclusion_outcome") or ""
    if grounds and outcome == ReturnEvent.ExclusionOutcome.NOT_CLAIMED:
        _add(
            errors,
            "exclusion_outcome",
            ValidationError(
                _(
                    "An exclusion was claimed: choose its outcome (“Pending” or “Outcome not "
                    "known” if you do not know it)."
                ),
                code="outcome_missing",
            ),
        )
    elif outcome and not grounds and "exclusion_claimed" not in errors:
        _add(
            errors,
            "exclusion_claimed",
            ValidationError(
                _(
                    "Choose the grounds of exclusion that were claimed, or set the outcome "
                    "to “Not claimed”."
                ),
                code="grounds_missing",
            ),
        )
    return errors


def document_errors(
    values: Mapping[str, Any], *, today: datetime.date, born: datetime.date | None
) -> Errors:
    """The rules of an identity or migration document (the number is checked by the caller)."""
    errors: Errors = {}
    _in_vocabulary(errors, "doc_type", values.get("doc_type"), vocab.DOCUMENT_TYPES)
    issued_on = _past_date(errors, "issued_on", values.get("issued_on"), today, born)
    expires_on = values.get("expires_on")
    if issued_on is not None and isinstance(expires_on, datetime.date) and expires_on < issued_on:
        _add(
            errors,
            "expires_on",
            ValidationError(
                _("A document cannot expire before it was issued (%(issued_on)s).")
                % {"issued_on": _day(issued_on)},
                code="expires_before_issue",
            ),
        )
    return errors


def consent_errors(values: Mapping[str, Any], *, now: datetime.datetime, person: Person) -> Errors:
    """The rules of a consent: a purpose, a recipient for sharing, a past moment."""
    errors: Errors = {}
    purpose = values.get("purpose")
    if purpose and purpose not in Consent.Purpose.values:
        _add(
            errors,
            "purpose",
            ValidationError(
                _("“%(value)s” is not one of the allowed values.") % {"value": purpose},
                code="choice",
            ),
        )
    if purpose == Consent.Purpose.SHARING and not (values.get("recipient") or "").strip():
        _add(
            errors,
            "recipient",
            ValidationError(
                _("Name the organization the data may be shared with."), code="required"
            ),
        )
    language = values.get("language")
    if language:
        try:
            validation.language_code(language)
        except ValidationError as exc:
            _add(errors, "language", exc)
    given_at = values.get("given_at")
    if isinstance(given_at, datetime.datetime):
        if given_at > now:
            _add(
                errors,
                "given_at",
                ValidationError(_("A consent cannot be given in the future."), code="future"),
            )
        born = born_on(person)
        if born is not None and given_at.date() < born:
            _add(
                errors,
                "given_at",
                ValidationError(
                    _("This date is before the person's date of birth (%(born)s).")
                    % {"born": _day(born)},
                    code="before_birth",
                ),
            )
        elif (
            values.get("given_by") == Consent.GivenBy.CAREGIVER
            and born is not None
            and not person.is_child_on(given_at.date())
        ):
            _add(
                errors,
                "given_by",
                ValidationError(
                    _(
                        "The person is an adult: a parent or caregiver cannot consent for "
                        "them. Choose the person or their legal representative."
                    ),
                    code="adult",
                ),
            )
    return errors


def safeguard_errors(
    values: Mapping[str, Any], *, today: datetime.date, born: datetime.date | None
) -> Errors:
    errors: Errors = {}
    item = values.get("item")
    if item and item not in SafeguardCheck.Item.values:
        _add(
            errors,
            "item",
            ValidationError(
                _("“%(value)s” is not one of the allowed values.") % {"value": item},
                code="choice",
            ),
        )
    _past_date(errors, "done_on", values.get("done_on"), today, born)
    return errors
