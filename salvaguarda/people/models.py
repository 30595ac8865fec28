"""People registered by an organization. The reception work extends this first case record."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import BlindIndexField, EncryptedDateField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel


class Person(OrgScopedModel):
    given_names = EncryptedTextField(_("given names"))
    family_names = EncryptedTextField(_("surnames"))
    date_of_birth = EncryptedDateField(_("date of birth"))
    given_names_index = BlindIndexField(source="given_names")
    family_names_index = BlindIndexField(source="family_names")
    # A short, non-identifying reference that staff can say aloud or write on paper.
    reference = models.CharField(_("reference"), max_length=16, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"], name="person_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    # Fields that identify the person: never shown to analysts, never copied into the audit.
    IDENTIFYING_FIELDS = ("given_names", "family_names", "date_of_birth")
