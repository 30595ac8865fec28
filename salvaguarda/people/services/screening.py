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
from salvaguarda.people.services.records import safeguard_mark_once


def _validated(
    answers: dict[str, Any], *, screened_on: datetime.date, language: str
) -> dict[str, questionnaire.Value]:
    """The answers to store; every problem (answers, date, language) is reported at once."""
    errors: dict[str, list[Any]] = {}
    if screened_on > timezone.localdate():
        errors["screened_on"] = [_("The date of the screening cannot be in the future.")]
    if language and language not in vocab.LANGUAGES:
        errors["language"] = [_("Choose a language from the list.")]
    try:
        cleaned = questionnaire.clean_answers(answers)
    except ValidationError as error:
        raise ValidationError(error.update_error_dict(errors)) from None
    if errors:
        raise ValidationError(errors)
    return cleaned


def person_facts(person: Person, on: datetime.date) -> questionnaire.PersonFacts:
    """What the person file says that the needs rules take into account."""
    return questionnaire.PersonFacts(
        age=person.age_on(on), sex=person.sex, child_status=person.child_status
    )


@transaction.atomic
def screening_record(
    *,
    by: Any,
    person: Person,
    answers: dict[str, Any],
    screened_on: datetime.date,
    language: str,
) -> Screening:
    """Store a screening and make its needs the person's current screening needs.

    Raises ValidationError (nothing saved) if an answer is not one the questionnaire offers.
    Needs derived from earlier screenings are replaced (soft-deleted); needs recorded by hand
    (without a screening) are kept. The person's priority becomes the most pressing of their
    open needs, screened or recorded by hand.
    """
    if current_organization_id() != person.organization_id:
        raise PermissionError("The person is not in the current organization scope.")
    cleaned = _validated(answers, screened_on=screened_on, language=language)

    derived = questionnaire.derive_needs(cleaned, person_facts=person_facts(person, screened_on))
    screening = Screening.objects.create(
        organization_id=person.organization_id,
        created_by=by,
        modified_by=by,
        person=person,
        questionnaire=questionnaire.QUESTIONNAIRE_VERSION,
        answers=cleaned,
        screened_on=screened_on,
        language=language,
        has_disability=questionnaire.wg_disability(cleaned),
        priority=questionnaire.overall_priority(derived),
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
    rows = []
    for need in derived:
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

    open_manual = SpecificNeed.objects.filter(
        person=person, screening__isnull=True, resolved_on__isnull=True
    ).only("code", "subcode", "priority")
    priority = questionnaire.overall_priority([*derived, *open_manual])
    if person.priority != priority:
        person.priority = priority
        person.modified_by = by
        person.save(update_fields=["priority", "modified_by", "modified_at"])
        audit.record(
            action=audit.Action.UPDATE,
            actor=by,
            organization_id=person.organization_id,
            obj=person,
            fields=["priority"],
        )

    safeguard_mark_once(
        by=by, person=person, item=SafeguardCheck.Item.SCREENING_DONE, done_on=screened_on
    )
    return screening
