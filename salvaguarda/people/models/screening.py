"""A screening with a gender, childhood and disability perspective, and the needs it finds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import EncryptedJSONField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.people.models.person import Person


class Screening(OrgScopedModel):
    """Answers to one version of the questionnaire, stored raw (encrypted) with what they gave."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="screenings")
    questionnaire = models.CharField(_("questionnaire version"), max_length=16)
    answers = EncryptedJSONField(_("answers"))
    screened_on = models.DateField(_("screened on"))
    language = models.CharField(_("language of the screening"), max_length=3, blank=True)
    # The age band the questions were chosen for (people.screening.AgeBand): from the birth
    # date on the day of the screening, or given by the caseworker; "" before version 2026-2.
    age_band = models.CharField(_("age band"), max_length=8, blank=True)
    # Derived when saved, so lists can filter without decrypting the answers.
    has_disability = models.BooleanField(
        _("disability (Washington Group or Child Functioning Module cut-off)"), null=True
    )
    priority = models.CharField(_("priority"), max_length=8, blank=True)
    # The child-protection flags raised (people.screening.Flag values), for a child.
    protection_flags = models.JSONField(_("child-protection flags"), default=list, blank=True)

    class Meta:
        ordering = ["-screened_on", "-created_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.screened_on}"


class SpecificNeed(OrgScopedModel):
    """A UNHCR specific-needs code (DOMAIN.md 3.2) found by a screening or recorded by hand."""

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        STANDARD = "standard", _("Standard")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="needs")
    screening = models.ForeignKey(
        Screening, on_delete=models.CASCADE, related_name="needs", null=True, blank=True
    )
    code = models.CharField(_("need"), max_length=8)
    subcode = models.CharField(_("detail"), max_length=8, blank=True)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    # The answers (question keys and values) that caused it: as sensitive as the answers.
    reasons = EncryptedJSONField(_("why"))
    identified_on = models.DateField(_("identified on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)

    class Meta:
        ordering = ["code", "subcode"]
        verbose_name = _("specific need")
        verbose_name_plural = _("specific needs")
        indexes = [
            models.Index(fields=["organization", "code", "person"], name="need_org_code_person")
        ]

    def __str__(self) -> str:
        return f"{self.code}-{self.subcode}" if self.subcode else self.code
