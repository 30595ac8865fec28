"""U.S. immigration cases, their hearings, representation and outcomes, and hearing reminders.

DOMAIN.md section 1. Moments are stored in UTC and shown in the court's time zone (from
`vocabularies/courts.csv`) and in the person's (from the city where they stay).
"""

from typing import ClassVar
from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salvaguarda.core.fields import EncryptedJSONField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.core.scoping import current_organization_id
from salvaguarda.people.models import Person

ALIVE = models.Q(deleted_at__isnull=True)


class ImmigrationCase(OrgScopedModel):
    """A person's removal proceedings (INA §240). Family members may ride on a lead case:
    their hearings are the lead case's hearings."""

    class Relief(models.TextChoices):
        ASYLUM = "asylum", _("Asylum")
        WITHHOLDING = "withholding", _("Withholding of removal")
        CAT = "cat", _("Protection under the Convention against Torture")
        OTHER = "other", _("Other relief")

    class Outcome(models.TextChoices):
        PENDING_FIRST_HEARING = "pending_first_hearing", _("Pending: no hearing held yet")
        PENDING = "pending", _("Pending")
        RELIEF_GRANTED = "relief_granted", _("Relief granted")
        REMOVAL_ORDER = "removal_order", _("Removal order")
        VOLUNTARY_DEPARTURE = "voluntary_departure", _("Voluntary departure")
        TERMINATED = "terminated", _("Terminated")
        ADMIN_CLOSED = "admin_closed", _("Administratively closed")
        TRANSFERRED = "transferred_non_mpp_court", _("Transferred to a non-MPP court")
        REOPENED = "reopened", _("Reopened")
        APPEALED = "appealed", _("Appealed")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="immigration_cases")
    lead_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="riders",
        verbose_name=_("lead case (of the family member who heads it)"),
    )
    program_phase = models.CharField(_("program or mechanism"), max_length=24, blank=True)
    court = models.CharField(_("immigration court"), max_length=16)
    relief_sought = models.JSONField(_("relief sought"), default=list, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=32,
        choices=Outcome.choices,
        default=Outcome.PENDING_FIRST_HEARING,
    )
    relief_granted = models.CharField(
        _("relief granted"), max_length=16, choices=Relief.choices, blank=True
    )
    in_absentia = models.BooleanField(_("ordered in absentia"), default=False)
    outcome_on = models.DateField(_("date of the outcome"), null=True, blank=True)
    status_checked_at = models.DateTimeField(_("status last checked"), null=True, blank=True)
    status_check_result = EncryptedTextField(_("what the status check said"))
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("immigration case")
        verbose_name_plural = _("immigration cases")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=ALIVE, name="one_case_per_person")
        ]
        indexes = [
            models.Index(fields=["organization", "outcome"], name="case_org_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.court} {self.outcome}"

    @property
    def hearing_case(self) -> "ImmigrationCase":
        """The case whose hearings this person attends: the lead case of a rider."""
        return self.lead_case if self.lead_case_id else self  # type: ignore[return-value]


class NonRefoulementInterview(OrgScopedModel):
    """A USCIS interview on fear of Mexico (DOMAIN.md 1.2, step 3)."""

    class Result(models.TextChoices):
        PENDING = "", _("Result not known yet")
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")
        ADMIN_CLOSED = "administratively_closed", _("Administratively closed")

    case = models.ForeignKey(ImmigrationCase, on_delete=models.CASCADE, related_name="interviews")
    interviewed_on = models.DateField(_("date of the interview"))
    result = models.CharField(_("result"), max_length=24, choices=Result.choices, blank=True)

    class Meta:
        ordering = ["-interviewed_on", "-id"]
        verbose_name = _("non-refoulement interview")
        verbose_name_plural = _("non-refoulement interviews")

    def __str__(self) -> str:
        return f"{self.interviewed_on} {self.result}"


class Representation(OrgScopedModel):
    """An attorney or accredited representative on the case, from when to when."""

    class Kind(models.TextChoices):
        ATTORNEY = "attorney", _("Attorney")
        ACCREDITED = "accredited_representative", _("Accredited representative")

    FORMS = ("G-28", "EOIR-28")

    case = models.ForeignKey(
        ImmigrationCase, on_delete=models.CASCADE, related_name="representations"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    representative = models.CharField(_("name of the representative"), max_length=160)
    firm = models.CharField(_("organization or firm"), max_length=160, blank=True)
    forms_filed = models.JSONField(_("forms filed"), default=list, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        indexes = [models.Index(fields=["case", "until"], name="representation_case_until")]

    def __str__(self) -> str:
        return self.representative


class Hearing(OrgScopedModel):
    """One hearing of a (lead) case. Moving or cancelling it is kept in `HearingChange`."""

    class Kind(models.TextChoices):
        MASTER = "master", _("Master calendar hearing")
        INDIVIDUAL = "individual", _("Individual (merits) hearing")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("By video")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Attendance(models.TextChoices):
        PENDING = "", _("Not held yet")
        ATTENDED = "attended", _("Attended")
        MISSED = "missed", _("Missed")
        RESCHEDULED = "rescheduled", _("Rescheduled by the court")
        CONTINUED = "continued", _("Continued to another date")

    class MissedReason(models.TextChoices):
        NONE = "", _("—")
        NO_TRANSPORT = "no_transport", _("No transport or money to travel")
        INSECURITY = "insecurity", _("Insecurity on the way (threats, kidnapping)")
        ILLNESS = "illness", _("Illness or medical emergency")
        NOT_INFORMED = "not_informed", _("Was not informed of the hearing")
        WRONG_DATE = "wrong_date", _("Wrong date, time or place on the documents")
        TURNED_AWAY = "turned_away", _("Turned away at the port")
        OTHER = "other", _("Other reason")

    case = models.ForeignKey(ImmigrationCase, on_delete=models.CASCADE, related_name="hearings")
    court = models.CharField(_("immigration court"), max_length=16)
    starts_at = models.DateTimeField(_("date and time"))
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    mode = models.CharField(
        _("in person or by video"), max_length=16, choices=Mode.choices, default=Mode.IN_PERSON
    )
    port = models.CharField(_("port where to report"), max_length=8, blank=True)
    report_at = models.DateTimeField(_("when to report at the port"), null=True, blank=True)
    report_place = models.CharField(_("where to report (tear sheet)"), max_length=160, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    attendance = models.CharField(
        _("attendance"), max_length=16, choices=Attendance.choices, blank=True
    )
    missed_reason = models.CharField(
        _("why it was missed"), max_length=16, choices=MissedReason.choices, blank=True
    )
    plan_confirmed = models.BooleanField(
        _("plan to attend confirmed (transport, accompaniment)"), default=False
    )
    result_notes = EncryptedTextField(_("result notes"))
    # Bumped when the hearing moves: reminders of an earlier version are cancelled.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="hearing_org_start"),
            models.Index(
                fields=["organization", "court", "starts_at"], name="hearing_org_court_start"
            ),
            models.Index(
                fields=["organization", "port", "starts_at"], name="hearing_org_port_start"
            ),
            models.Index(fields=["case", "starts_at"], name="hearing_case_start"),
        ]

    def __str__(self) -> str:
        return f"{self.court} {self.starts_at:%Y-%m-%d %H:%M}"


class HearingChange(OrgScopedModel):
    """One step of a hearing's history: scheduled, moved, cancelled, attendance recorded."""

    class Change(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MOVED = "moved", _("Moved to another date or time")
        EDITED = "edited", _("Details changed")
        CANCELLED = "cancelled", _("Cancelled")
        ATTENDANCE = "attendance", _("Attendance recorded")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="changes")
    change = models.CharField(_("change"), max_length=16, choices=Change.choices)
    previous_starts_at = models.DateTimeField(_("previous date and time"), null=True, blank=True)
    starts_at = models.DateTimeField(_("new date and time"), null=True, blank=True)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    reason = EncryptedTextField(_("reason"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hearing change")
        verbose_name_plural = _("hearing changes")

    def __str__(self) -> str:
        return self.change


class Reminder(OrgScopedModel):
    """One message before a hearing. The row is the queue: a worker sends it at most once.

    pending → sending (claimed by one worker) → sent | failed; cancelled when the hearing
    moves or is cancelled, or consent or channel is gone. A reminder left in `sending` by a
    worker that stopped is never sent again: it is marked failed (outcome unknown).
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("reminder", "Scheduled")
        SENDING = "sending", pgettext_lazy("reminder", "Being sent")
        SENT = "sent", pgettext_lazy("reminder", "Sent")
        FAILED = "failed", pgettext_lazy("reminder", "Failed")
        CANCELLED = "cancelled", pgettext_lazy("reminder", "Cancelled")

    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    days_before = models.PositiveSmallIntegerField(_("days before the hearing"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=3)
    due_at = models.DateTimeField(_("to be sent at"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_reference = models.CharField(max_length=64, blank=True)
    delivery_status = models.CharField(_("delivery status"), max_length=32, blank=True)
    error = models.CharField(_("error"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["hearing", "person", "version", "days_before"],
                name="one_reminder_per_step",
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_status_due"),
            models.Index(fields=["hearing", "status"], name="reminder_hearing_status"),
        ]

    def __str__(self) -> str:
        return f"{self.hearing_id} -{self.days_before}d {self.status}"


class ReminderPlan(OrgScopedModel):
    """When an organization's reminders go out: days before the hearing, at what hour."""

    DEFAULT_DAYS = (7, 2, 1)
    DEFAULT_HOUR = 10

    days_before = models.JSONField(_("days before the hearing"), default=list)
    send_hour = models.PositiveSmallIntegerField(
        _("hour of the day (the person's local time)"), default=DEFAULT_HOUR
    )

    class Meta:
        verbose_name = _("reminder plan")
        verbose_name_plural = _("reminder plans")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=ALIVE, name="one_reminder_plan_per_org"
            )
        ]

    def __str__(self) -> str:
        return ",".join(str(d) for d in self.days_before)


class ReminderText(OrgScopedModel):
    """An organization's own wording of one reminder in one language (else the default)."""

    class Kind(models.TextChoices):
        AHEAD = "ahead", _("Days before")
        DAY_BEFORE = "day_before", _("The day before, with the reporting instructions")

    language = models.CharField(_("language"), max_length=3)
    kind = models.CharField(_("message"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["language", "kind"]
        verbose_name = _("reminder text")
        verbose_name_plural = _("reminder texts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "language", "kind"],
                condition=ALIVE,
                name="one_reminder_text_per_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.kind}"


class HearingImport(OrgScopedModel):
    """A hearing list uploaded from CSV or Excel: previewed, then applied all at once."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("Previewed")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused: the file has errors")

    file_name = models.CharField(_("file"), max_length=160)
    file_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED
    )
    mapping = models.JSONField(_("columns"), default=dict)
    # The rows as read, kept encrypted between the preview and the apply (A-numbers in them).
    rows = EncryptedJSONField()
    report = models.JSONField(_("row by row"), default=list)
    counts = models.JSONField(default=dict)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("hearing import")
        verbose_name_plural = _("hearing imports")

    def __str__(self) -> str:
        return self.file_name


class CalendarFeed(models.Model):
    """A secret iCalendar address of one member. Only a SHA-256 hash of its secret is kept."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    shows_names = models.BooleanField(_("show names in event titles"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


class _OrganizationRows(models.Manager["HearingRisk"]):
    """Rows of the current organization scope only (as `ScopedManager`, without soft deletion)."""

    def get_queryset(self) -> models.QuerySet["HearingRisk"]:
        org_id = current_organization_id()
        if org_id is None:
            return super().get_queryset().none()
        return super().get_queryset().filter(organization_id=org_id)


class HearingRisk(models.Model):
    """Why a coming hearing may be missed, kept by the services that change its reasons
    (`court/risk.py`) so that the at-risk list reads an index instead of scoring every hearing.

    One row per scheduled hearing not yet held that was in the future when it was computed.
    The reasons hold for the days from `valid_from` up to `valid_until` (excluded; none: until
    something changes): a representation that ends or a move that stops being recent changes
    them on a known day, and a row out of its days is scored again when read.
    """

    hearing = models.OneToOneField(
        Hearing, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    starts_at = models.DateTimeField()
    court = models.CharField(max_length=16)
    port = models.CharField(max_length=8, blank=True)
    # One bit per reason of `risk.Reason.ALL` (the plan's reason apart: it depends on the day).
    reasons = models.PositiveSmallIntegerField()
    plan_open = models.BooleanField()
    score = models.PositiveSmallIntegerField()  # reasons, beyond the plan's days
    near_score = models.PositiveSmallIntegerField()  # reasons, the plan's counted
    valid_from = models.DateField()
    valid_until = models.DateField(null=True)

    objects: ClassVar[_OrganizationRows] = _OrganizationRows()
    unscoped: ClassVar[models.Manager["HearingRisk"]] = models.Manager()

    class Meta:
        base_manager_name = "unscoped"
        indexes = [
            models.Index(fields=["organization", "starts_at"], name="hearing_risk_org_start"),
            models.Index(
                fields=["organization", "court", "starts_at"], name="hearing_risk_org_court"
            ),
            models.Index(
                fields=["organization", "port", "starts_at"], name="hearing_risk_org_port"
            ),
            models.Index(
                fields=["organization", "valid_until"],
                condition=models.Q(valid_until__isnull=False),
                name="hearing_risk_org_until",
            ),
            models.Index(fields=["organization", "valid_from"], name="hearing_risk_org_from"),
        ]

    def __str__(self) -> str:
        return f"risk of hearing {self.hearing_id}: {self.score}"


class HearingRiskRebuild(models.Model):
    """An organization whose `HearingRisk` rows are not complete yet (hearings written before
    the rows existed): its at-risk list scores every hearing until `risk.rebuild` has run."""

    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"hearing risk to rebuild for {self.organization_id}"
