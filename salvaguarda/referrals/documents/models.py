"""Mexican migration documents as procedures, and the refugee claim before COMAR (issue 17 §3;
DOMAIN.md §4).

A `DocumentProcedure` follows one application for a Mexican document (FMM, TVRH, a CURP, the
COMAR proof, a residence card): applied on, at which office, decided on, and the document it
gave, which is then recorded among the person's documents (their expiry warns on the file). A
Mexican status may harm the U.S. asylum case ("firm resettlement", DOMAIN.md §4): the advice
given is recorded before a TVRH, a residence card or a COMAR claim is sought.

A `ComarStep` is one step of the person's refugee claim (filed, interview, decision, appeal),
never edited: the latest is where the claim stands, the rest its history.

An `ExpiryReminder` remembers that a document's coming expiry was e-mailed (`reminders.py`).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salvaguarda.core.fields import EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.people.models import IdentityDocument, Person

# The documents whose procedure is followed here, and those that need the firm-resettlement
# advice first (a Mexican status: DOMAIN.md §4).
PROCEDURE_TYPES = (
    "FMM",
    "TVRH",
    "CURP_TEMP",
    "CURP_PERM",
    "COMAR_CONSTANCIA",
    "RES_TEMP",
    "RES_PERM",
)
NEEDS_ADVICE = frozenset({"TVRH", "COMAR_CONSTANCIA", "RES_TEMP", "RES_PERM"})


class DocumentProcedure(OrgScopedModel):
    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("a document", "Applied for")
        ISSUED = "issued", pgettext_lazy("a document", "Issued")
        REFUSED = "refused", pgettext_lazy("a document", "Refused")
        WITHDRAWN = "withdrawn", pgettext_lazy("a document", "Withdrawn")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="procedures")
    doc_type = models.CharField(_("document"), max_length=24)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    applied_on = models.DateField(_("applied on"))
    office = models.CharField(_("office"), max_length=120, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # The firm-resettlement advice, given before a Mexican status is sought.
    advice_given_on = models.DateField(
        _("firm-resettlement advice given on"), null=True, blank=True
    )
    document = models.ForeignKey(
        IdentityDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document issued"),
    )
    note = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("document procedure")
        verbose_name_plural = _("document procedures")
        indexes = [
            models.Index(fields=["organization", "doc_type", "status"], name="procedure_by_type")
        ]

    def __str__(self) -> str:
        return self.doc_type


class ComarStep(OrgScopedModel):
    class Stage(models.TextChoices):
        # In the order a claim goes through them (`ORDER`): a step may not go back.
        FILED = "filed", _("Claim filed")
        INTERVIEW_SCHEDULED = "interview_scheduled", _("Interview scheduled")
        INTERVIEWED = "interviewed", _("Interviewed")
        RECOGNIZED = "recognized", _("Recognized as a refugee")
        COMPLEMENTARY = "complementary", _("Complementary protection granted")
        REFUSED = "refused", _("Claim refused")
        APPEAL_FILED = "appeal_filed", _("Appeal filed (recurso de revisión)")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        ABANDONED = "abandoned", _("Abandoned or withdrawn")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="comar_steps")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    on = models.DateField(_("on"))
    office = models.CharField(_("COMAR office"), max_length=120, blank=True)
    next_date = models.DateField(
        _("next date (interview, sign-in, deadline)"), null=True, blank=True
    )
    # The firm-resettlement advice, given before the claim is filed (recorded on its filing).
    advice_given_on = models.DateField(
        _("firm-resettlement advice given on"), null=True, blank=True
    )
    note = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("step of the refugee claim")
        verbose_name_plural = _("steps of the refugee claim")
        indexes = [models.Index(fields=["person", "-on"], name="comar_person_latest")]

    def __str__(self) -> str:
        return self.stage


class ExpiryReminder(OrgScopedModel):
    """One e-mail reminder of a migration document's expiry, `days_before` days ahead (30, then
    7), sent once: the row is written before the e-mail goes. It keeps the expiry date it was
    about, so a renewed document (a later `expires_on`) is reminded again. `created_by` is the
    member it was sent to (the sweep has no user of its own)."""

    document = models.ForeignKey(
        IdentityDocument, on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )
    expires_on = models.DateField(_("expires on"))
    days_before = models.PositiveSmallIntegerField(_("days before the expiry"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "expires_on", "days_before"], name="expiry_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before} days before {self.expires_on}"


# How far each step takes a claim: a new step may repeat its stage's level (an interview
# scheduled again) but not go back (an interview after the decision); abandoning ends any.
ORDER: dict[str, int] = {
    ComarStep.Stage.FILED: 0,
    ComarStep.Stage.INTERVIEW_SCHEDULED: 1,
    ComarStep.Stage.INTERVIEWED: 2,
    ComarStep.Stage.RECOGNIZED: 3,
    ComarStep.Stage.COMPLEMENTARY: 3,
    ComarStep.Stage.REFUSED: 3,
    ComarStep.Stage.APPEAL_FILED: 4,
    ComarStep.Stage.APPEAL_DECIDED: 5,
}
