"""Writes of document procedures and of the refugee claim's steps: checked again whatever calls
them, audited, all or nothing. A procedure decided "issued" records the document itself among
the person's documents (so the checklist's "migration document" and the expiry warning see it).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core.writes import Errors, create, update
from salvaguarda.people.models import Person
from salvaguarda.people.services import records as people_records
from salvaguarda.referrals import checks
from salvaguarda.referrals.documents.models import (
    NEEDS_ADVICE,
    ORDER,
    PROCEDURE_TYPES,
    ComarStep,
    DocumentProcedure,
)

MAX_OFFICE = 120
Status = DocumentProcedure.Status


@transaction.atomic
def procedure_start(*, by: User, person: Person, data: Mapping[str, Any]) -> DocumentProcedure:
    """An application for a Mexican document: `doc_type`, `applied_on`, `office`,
    `advice_given_on` (the firm-resettlement advice: required before a Mexican status), `note`."""
    errors: Errors = {}
    doc_type = data.get("doc_type") or ""
    if doc_type not in PROCEDURE_TYPES:
        checks.add(errors, "doc_type", _("Choose the document applied for."), "required")
    applied_on = checks.day(errors, "applied_on", data.get("applied_on"), person, required=True)
    advice = checks.day(
        errors, "advice_given_on", data.get("advice_given_on"), person, required=False
    )
    if doc_type in NEEDS_ADVICE and advice is None and "advice_given_on" not in errors:
        checks.add(
            errors,
            "advice_given_on",
            _(
                "A Mexican status may harm the asylum case in the U.S. (firm resettlement): "
                "give the person that advice, and record when, before applying."
            ),
            "advice_required",
        )
    if advice and applied_on and advice > applied_on:
        checks.add(
            errors,
            "advice_given_on",
            _("The advice comes before the application, not after it."),
            "after_application",
        )
    office = checks.text(errors, "office", data.get("office"), MAX_OFFICE)
    note = checks.text(errors, "note", data.get("note"), checks.MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    return create(
        DocumentProcedure,
        by=by,
        org_id=person.organization_id,
        person=person,
        doc_type=doc_type,
        applied_on=applied_on,
        office=office,
        advice_given_on=advice,
        note=note or None,
    )


@transaction.atomic
def procedure_decide(
    *, by: User, procedure: DocumentProcedure, data: Mapping[str, Any]
) -> DocumentProcedure:
    """The answer to an application: `status` (issued, refused, withdrawn), `decided_on`, and for
    an issued document its `number` and `expires_on` (recorded among the person's documents)."""
    person = procedure.person
    errors: Errors = {}
    if procedure.status != Status.APPLIED:
        checks.add(errors, "status", _("This application was already decided."), "decided")
    status = data.get("status") or ""
    if status not in (Status.ISSUED, Status.REFUSED, Status.WITHDRAWN):
        checks.add(errors, "status", _("Choose the answer."), "required")
    decided_on = checks.day(errors, "decided_on", data.get("decided_on"), person, required=True)
    if decided_on and decided_on < procedure.applied_on:
        checks.add(
            errors, "decided_on", _("The answer cannot come before the application."), "early"
        )
    if errors:
        raise ValidationError(errors)
    document = None
    if status == Status.ISSUED:
        document = people_records.document_record(
            by=by,
            person=person,
            data={
                "doc_type": procedure.doc_type,
                "number": data.get("number") or "",
                "issuer": procedure.office,
                "issued_on": decided_on,
                "expires_on": data.get("expires_on"),
                "holds_original": True,
            },
        )
    update(
        procedure,
        by=by,
        values={"status": status, "decided_on": decided_on, "document": document},
    )
    return procedure


@transaction.atomic
def comar_step_record(*, by: User, person: Person, data: Mapping[str, Any]) -> ComarStep:
    """One step of the person's refugee claim: `stage`, `on`, `office`, `next_date`, `note`."""
    errors: Errors = {}
    stage = data.get("stage") or ""
    if stage not in ComarStep.Stage.values:
        checks.add(errors, "stage", _("Choose the step."), "required")
    on = checks.day(errors, "on", data.get("on"), person, required=True)
    next_date = data.get("next_date") or None
    if next_date is not None and (
        not isinstance(next_date, datetime.date) or (on and next_date < on)
    ):
        checks.add(errors, "next_date", _("The next date comes after this step."), "early")
    latest = ComarStep.objects.filter(person=person).order_by("-on", "-id").first()
    advice = checks.day(
        errors, "advice_given_on", data.get("advice_given_on"), person, required=False
    )
    if latest is None and stage and stage != ComarStep.Stage.FILED:
        checks.add(errors, "stage", _("Record first when the claim was filed."), "not_filed")
    elif latest is None and stage == ComarStep.Stage.FILED:
        if advice is None and "advice_given_on" not in errors:
            checks.add(
                errors,
                "advice_given_on",
                _(
                    "A refugee claim in Mexico may harm the asylum case in the U.S. (firm "
                    "resettlement): give the person that advice, and record when, before filing."
                ),
                "advice_required",
            )
        elif advice and on and advice > on:
            checks.add(
                errors,
                "advice_given_on",
                _("The advice comes before the filing, not after it."),
                "after_filing",
            )
    elif latest is not None and stage in ComarStep.Stage.values:
        if on and on < latest.on:
            checks.add(
                errors,
                "on",
                _("The claim's last step is of %(day)s: a new step cannot come before it.")
                % {"day": date_format(latest.on, "SHORT_DATE_FORMAT")},
                "before_last",
            )
        # Interviews may be scheduled and held again; a decision, an appeal or the filing come
        # once; nothing follows an abandoned claim.
        repeatable = (ComarStep.Stage.INTERVIEW_SCHEDULED, ComarStep.Stage.INTERVIEWED)
        level, last = ORDER.get(stage, 99), ORDER.get(latest.stage, 99)
        going_back = latest.stage == ComarStep.Stage.ABANDONED or (
            stage != ComarStep.Stage.ABANDONED
            and (level < last or (level == last and stage not in repeatable))
        )
        if going_back:
            checks.add(
                errors,
                "stage",
                _("The claim is at “%(stage)s”: this step would take it back.")
                % {"stage": latest.get_stage_display()},
                "going_back",
            )
        elif stage == latest.stage and on == latest.on:
            checks.add(errors, "stage", _("This step was already recorded that day."), "duplicate")
    office = checks.text(errors, "office", data.get("office"), MAX_OFFICE)
    note = checks.text(errors, "note", data.get("note"), checks.MAX_NOTE)
    if errors:
        raise ValidationError(errors)
    return create(
        ComarStep,
        by=by,
        org_id=person.organization_id,
        person=person,
        stage=stage,
        on=on,
        office=office,
        next_date=next_date,
        advice_given_on=advice if latest is None else None,
        note=note or None,
    )
