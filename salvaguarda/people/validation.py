"""Field rules of reception: each raises a ValidationError with a translated message."""

import datetime
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salvaguarda.lib.vocabularies import Vocabulary
from salvaguarda.people import vocab

MAX_AGE = 120
A_NUMBER = re.compile(r"^\d{8,9}$")
# Where a number typed without a country code most likely comes from (reception is in Mexico).
DEFAULT_PHONE_REGION = "MX"


def a_number(value: str) -> str:
    """DOMAIN.md 1.4: 'A' and 8 or 9 digits, stored as 9 digits ('A12345678' -> '012345678')."""
    digits = re.sub(r"[\s\-.]", "", value.strip()).upper().removeprefix("A")
    if not A_NUMBER.match(digits):
        raise ValidationError(
            _("An A-number is the letter A followed by 8 or 9 digits, for example A012345678."),
            code="a_number",
        )
    return digits.zfill(9)


def phone_number(value: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """A number that can exist, in E.164 ('+5216641234567')."""
    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("This is not a phone number. Write it with its country code, e.g. +52 664 123 4567."),
            code="phone",
        ) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            _("This phone number cannot exist. Check the digits and the country code."),
            code="phone",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def date_of_birth(value: datetime.date, today: datetime.date) -> datetime.date:
    if value > today:
        raise ValidationError(_("A date of birth cannot be in the future."), code="future")
    if today.year - value.year > MAX_AGE:
        raise ValidationError(
            _("A date of birth more than %(years)s years ago is not possible.")
            % {"years": MAX_AGE},
            code="too_old",
        )
    return value


# No record of the people received starts before this: an older date is a typing slip (and
# would overflow the date arithmetic of the services, such as "the day before").
EARLIEST_DATE = datetime.date(1900, 1, 1)


def not_future(value: datetime.date, today: datetime.date) -> datetime.date:
    if value < EARLIEST_DATE:
        raise ValidationError(_("Enter a valid date."), code="too_old")
    if value > today:
        raise ValidationError(_("This date cannot be in the future."), code="future")
    return value


def in_vocabulary(value: str, vocabulary: Vocabulary) -> str:
    if value not in vocabulary:
        raise ValidationError(
            _("“%(value)s” is not one of the allowed values.") % {"value": value}, code="choice"
        )
    return value


LANGUAGE_CODE = re.compile(r"^[a-z]{3}$")


def language_code(value: str) -> str:
    """A language of the list, or any other ISO 639-3 code (three lower-case letters)."""
    code = value.strip().lower()
    if code not in vocab.LANGUAGES and not LANGUAGE_CODE.match(code):
        raise ValidationError(
            _("“%(value)s” is not an ISO 639-3 language code (three letters, e.g. mam).")
            % {"value": value},
            code="language",
        )
    return code
