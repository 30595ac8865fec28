"""Each return to Mexico, and the identity and migration documents a person holds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import BlindIndexField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.people.models.person import Person


class Answer(models.TextChoices):
    """A yes/no question where 'not known' is an honest and frequent answer."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "", _("Not known")


class ReturnEvent(OrgScopedModel):
    """One return to Mexico (DOMAIN.md 1.2–1.3): a person may have several."""

    class ReceivedBy(models.TextChoices):
        INM = "inm", _("National Migration Institute (INM)")
        STATE = "state", _("State authority")
        MUNICIPAL = "municipal", _("Municipal authority")
        CIVIL_SOCIETY = "civil_society", _("Civil society organization")
        NOBODY = "nobody", _("Nobody")
        UNKNOWN = "", _("Not known")

    class ExclusionOutcome(models.TextChoices):
        NOT_CLAIMED = "", _("Not claimed")
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted: excluded from the program")
        REFUSED = "refused", _("Refused: returned anyway")
        UNKNOWN = "unknown", _("Outcome not known")

    RECEPTION_DOCUMENTS = ("none", "FMM", "TVRH", "other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="returns")
    program_phase = models.CharField(_("program or mechanism"), max_length=24)
    returned_on = models.DateField(_("date of return"))
    return_point = models.CharField(_("U.S. port of return"), max_length=8)
    mexican_city = models.CharField(_("Mexican city of return"), max_length=32)
    report_back_at = models.DateTimeField(
        _("when to report back (tear sheet)"), null=True, blank=True
    )
    report_back_place = models.CharField(
        _("where to report back (tear sheet)"), max_length=120, blank=True
    )
    nta_date = models.DateField(_("date of the Notice to Appear"), null=True, blank=True)
    received_by = models.CharField(
        _("received on the Mexican side by"),
        max_length=16,
        choices=ReceivedBy.choices,
        blank=True,
    )
    reception_documents = models.JSONField(
        _("documents given at reception"), default=list, blank=True
    )
    informed_of_rights = models.CharField(
        _("informed of their rights"), max_length=3, choices=Answer.choices, blank=True
    )
    offered_screening = models.CharField(
        _("offered a screening"), max_length=3, choices=Answer.choices, blank=True
    )
    fear_of_mexico = models.CharField(
        _("said they fear remaining in Mexico"),
        max_length=3,
        choices=Answer.choices,
        blank=True,
    )
    exclusion_claimed = models.JSONField(
        _("MPP exclusion grounds claimed"), default=list, blank=True
    )
    exclusion_outcome = models.CharField(
        _("outcome of the exclusion claim"),
        max_length=16,
        choices=ExclusionOutcome.choices,
        blank=True,
    )
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-returned_on", "-created_at"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        indexes = [
            models.Index(fields=["organization", "returned_on"], name="return_org_date"),
            models.Index(
                fields=["organization", "program_phase", "person"], name="return_org_phase_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_phase} {self.returned_on}"


class IdentityDocument(OrgScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    doc_type = models.CharField(_("document"), max_length=24)
    number = EncryptedTextField(_("number"))
    number_index = BlindIndexField(source="number", normalizer="identifier")
    issuer = models.CharField(_("issued by"), max_length=120, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    holds_original = models.BooleanField(_("the person holds the original"), default=True)

    class Meta:
        ordering = ["expires_on", "-created_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [
            models.Index(fields=["organization", "expires_on"], name="document_org_expiry"),
        ]

    def __str__(self) -> str:
        return self.doc_type
