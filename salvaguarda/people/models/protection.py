"""Consent per purpose, and the safeguards checklist the Supreme Court's ruling asks for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.people.models.person import Person


class Consent(OrgScopedModel):
    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("Registration of their data")
        SHARING = "sharing", _("Sharing with a named organization")
        STATISTICS = "statistics", _("Anonymous statistics")
        REMINDERS = "reminders", _("Contact for reminders")
        TESTIMONY = "testimony", _("Use of their testimony")
        REFERRAL = "referral", _("Referral to a service, with the data they chose to share")

    class GivenBy(models.TextChoices):
        SELF = "self", _("The person")
        CAREGIVER = "caregiver", _("Their parent or caregiver, for a child")
        GUARDIAN = "guardian", _("Their legal representative")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    recipient = models.CharField(
        _("organization it may be shared with"), max_length=160, blank=True
    )
    given_at = models.DateTimeField(_("given at"))
    given_by = models.CharField(
        _("given by"), max_length=16, choices=GivenBy.choices, default=GivenBy.SELF
    )
    language = models.CharField(_("language in which it was explained"), max_length=3)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["purpose", "-given_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["person", "purpose"], name="consent_person_purpose"),
        ]

    def __str__(self) -> str:
        return self.purpose

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SafeguardCheck(OrgScopedModel):
    """One safeguard of the checklist done for a person, with when and who (DOMAIN.md 5).

    A missing row is an omission: the network counts omissions by counting what is not here.
    """

    class Item(models.TextChoices):
        INFORMED_OF_STATUS = "informed_of_status", _("Informed of their legal stay status")
        MIGRATION_DOCUMENT = "migration_document", _("Migration document issued")
        SCREENING_DONE = "screening_done", _("Screening done")
        US_CASE_INFORMATION = "us_case_information", _("Legal information on their U.S. case")
        REFERRALS_MADE = "referrals_made", _("Referrals made")
        # Only for a child of school age, and for someone with a disability recorded
        # (people.safeguard_applies).
        CHILD_SCHOOLING = "child_schooling", _("School place for a child")
        DISABILITY_ACCOMMODATION = "disability_accommodation", _("Accommodation of a disability")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="safeguards")
    item = models.CharField(_("safeguard"), max_length=24, choices=Item.choices)
    done_on = models.DateField(_("done on"))
    note = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["item"]
        verbose_name = _("safeguard")
        verbose_name_plural = _("safeguards")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "item"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_safeguard_per_item",
            )
        ]

    def __str__(self) -> str:
        return self.item
