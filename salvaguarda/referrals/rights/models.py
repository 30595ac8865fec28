"""Access to rights, per person (issue 17 §3; DOMAIN.md §4): health, school, work, mental
health and services for gender-based violence, each with a state and its history.

A `RightRecord` is one observation — on a day, the person has access, is in process, met a
barrier (and which), or does not need it — never edited in place: the latest one of a right is
its current state, and the earlier ones are its history. What identifies the person or a place
(the school's name, a clinic, a workplace) is in the encrypted `details` and `note`; the state,
the barrier and the day are plain columns, so that indicators count them (§4).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salvaguarda.core.fields import EncryptedJSONField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.people.models import Person


class Right(models.TextChoices):
    HEALTH = "health", _("Health care")
    SCHOOL = "school", _("School")
    WORK = "work", _("Work")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    GBV = "gbv", _("Services for gender-based violence")


class State(models.TextChoices):
    ACCESS = "access", _("Has access")
    PENDING = "pending", pgettext_lazy("a right", "In process")
    BARRIER = "barrier", _("Met a barrier")
    NOT_NEEDED = "not_needed", _("Does not need it now")


class Barrier(models.TextChoices):
    """What stood in the way (DOMAIN.md §4)."""

    DOCUMENT_ASKED = "document_asked", _("A document was asked for")
    FEE = "fee", _("A fee or cost")
    DISCRIMINATION = "discrimination", _("Discrimination")
    NO_PLACE = "no_place", _("No place or appointment available")
    LANGUAGE = "language", _("Language")
    DISTANCE = "distance", _("Distance or transport")
    OTHER = "other", _("Other")


class RightRecord(OrgScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rights")
    right = models.CharField(_("right"), max_length=16, choices=Right.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices)
    barrier = models.CharField(_("barrier"), max_length=16, choices=Barrier.choices, blank=True)
    as_of = models.DateField(_("on"))
    # The right's own facts (`rights/details.py`): the school and grade, the clinic, whether
    # affiliated to IMSS-Bienestar and the last attention, whether working.
    details = EncryptedJSONField(_("details"))
    note = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("access to a right")
        verbose_name_plural = _("access to rights")
        indexes = [
            models.Index(fields=["person", "right", "-as_of"], name="right_person_latest"),
            models.Index(fields=["organization", "right", "state", "as_of"], name="right_state"),
        ]

    def __str__(self) -> str:
        return f"{self.right}: {self.state}"
