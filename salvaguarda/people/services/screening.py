"""Writes of screenings: the raw answers, what they give, and the needs of the person."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.core import audit
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people import screening as questionnaire
from salvaguarda.people import vocab
from salvaguarda.people.models import Person, SafeguardCheck, Screening, SpecificNeed
from salvaguarda.people.queries_screening import age_band_on
from salvaguarda.people.services.records import safeguard_mark_once


def _band(
    person: Person, screened_on: datetime.date, age_band: str
) -> tuple[questionnaire.AgeBand | None, list[str]]:
    """The age band of the person on the day of the screening, or why it is not known."""
    known = age_band_on(person, screened_on)
    if known is not None:
        if age_band and age_band != known:
            label = questionnaire.AGE_BAND_LABELS[known]
            message = _(
                "The date of birth on the file puts the person in the band “%(band)s” on the "
                "day of the screening."
            )
            return None, [message % {"band": label}]
        return known, []
    if not age_band:
        return None, [_("The person's age is not recorded: choose their age band first.")]
    if age_band not in set(questionnaire.AgeBand):
        return None, [_("Choose an age band from the list.")]
    return questionnaire.AgeBand(age_band), []


def _validated(
    person: Person,
    answers: dict[str, Any],
    *,
    screened_on: datetime.date,
    language: str,
    age_band: str,
) -> tuple[questionnaire.AgeBand, dict[str, questionnaire.Value]]:
    """The age band and the answers to store; every problem is reported at once."""
    errors: dict[str, list[Any]] = {}
    if screened_on > timezone.localdate():
        errors["screened_on"] = [_("The date of the screening cannot be in the future.")]
    if language and language not in vocab.LANGUAGES:
        errors["language"] = [_("Choose a language from the list.")]
    band, band_errors = _band(person, screened_on, age_band)
    if band is None:
        errors["age_band"] = band_errors
        raise ValidationError(errors)
    respondent = questionnaire.Respondent(band=band, sex=person.sex)
    try:
        cleaned = questionnaire.clean_answers(answers, respondent)
    except ValidationError as error:
        raise ValidationError(error.update_error_dict(errors)) from None
    if errors:
        raise ValidationError(errors)
    return band, cleaned


def needs_priority(person: Person, *, screened: bool | None = None) -> str:
    """The person's overall priority: the most pressing of their open specific needs (those
    of their current screening and those recorded by hand), "standard" when none is open.

    Someone never screened and with no open need has none ("", not screened yet); pass
    `screened` when it is known, to spare the query that finds it out.
    """
    needs = list(
        SpecificNeed.objects.filter(person=person, resolved_on__isnull=True).only(
            "code", "subcode", "priority"
        )
    )
    if not needs:
        if screened is None:
            screened = Screening.objects.filter(person=person).exists()
        if not screened:
            return str(Person.Priority.NOT_SCREENED)
    return questionnaire.overall_priority(needs)


@transaction.atomic
def screening_record(
    *,
    by: Any,
    person: Person,
    answers: dict[str, Any],
    screened_on: datetime.date,
    language: str,
    age_band: str = "",
) -> Screening:
    """Store a screening and make its needs the person's current screening needs.

    The questions are those of the person's age band on the day of the screening: from the
    birth date, or `age_band` when the file has none. Raises ValidationError (nothing saved) if
    an answer is not one the questionnaire offers this person. Needs derived from earlier
    screenings are replaced (soft-deleted); needs recorded by hand (without a screening) are
    kept. The person's priority becomes the most pressing of their open needs, screened or
    recorded by hand; a child's answer on whom they travel with updates the file's child status.
    """
    if current_organization_id() != person.organization_id:
        raise PermissionError("The person is not in the current organization scope.")
    band, cleaned = _validated(
        person, answers, screened_on=screened_on, language=language, age_band=age_band
    )
    age = person.age_on(screened_on)
    child_status = person.child_status
    if band is not questionnaire.AgeBand.ADULT:
        child_status = questionnaire.child_status_of(
            cleaned, questionnaire.PersonFacts(child_status=person.child_status)
        )
    facts = questionnaire.PersonFacts(age=age, sex=person.sex, child_status=child_status, band=band)
    derived = questionnaire.derive_needs(cleaned, person_facts=facts)
    functioning = questionnaire.functioning(band, cleaned)
    screening = Screening.objects.create(
        organization_id=person.organization_id,
        created_by=by,
        modified_by=by,
        person=person,
        questionnaire=questionnaire.QUESTIONNAIRE_VERSION,
        answers=cleaned,
        screened_on=screened_on,
        language=language,
        age_band=band,
        has_disability=None if functioning is None else functioning.disability,
        priority=questionnaire.overall_priority(derived),
        protection_flags=questionnaire.protection_flags(cleaned, facts),
    )
    audit.record(
        action=audit.Action.CREATE,
        actor=by,
        organization_id=person.organization_id,
        obj=screening,
        fields=questionnaire.sections_answered(cleaned),
        detail={"questionnaire": questionnaire.QUESTIONNAIRE_VERSION},
    )

    now = timezone.now()
    SpecificNeed.objects.filter(person=person, screening__isnull=False).update(
        deleted_at=now, modified_at=now, modified_by=by
    )
    # A need already open by hand stays the one on the file (its priority and note kept).
    by_hand = set(
        SpecificNeed.objects.filter(
            person=person, screening__isnull=True, resolved_on__isnull=True
        ).values_list("code", "subcode")
    )
    rows = []
    for need in derived:
        if (need.code, need.subcode) in by_hand:
            continue
        row = SpecificNeed(
            organization_id=person.organization_id,
            created_by=by,
            modified_by=by,
            person=person,
            screening=screening,
            code=need.code,
            subcode=need.subcode,
            priority=need.priority,
            identified_on=screened_on,
        )
        row.reasons = list(need.reasons)  # encrypted JSON (the stubs type it as text)
        rows.append(row)
    SpecificNeed.objects.bulk_create(rows)

    changed = []
    priority = needs_priority(person, screened=True)
    if person.priority != priority:
        person.priority = priority
        changed.append("priority")
    if person.child_status != child_status:
        person.child_status = child_status
        changed.append("child_status")
    if changed:
        person.modified_by = by
        person.save(update_fields=[*changed, "modified_by", "modified_at"])
        audit.record(
            action=audit.Action.UPDATE,
            actor=by,
            organization_id=person.organization_id,
            obj=person,
            fields=changed,
        )

    safeguard_mark_once(
        by=by, person=person, item=SafeguardCheck.Item.SCREENING_DONE, done_on=screened_on
    )
    return screening
