"""Referrals: a person sent to a service of the directory, inside an organization, to another
organization of the network, or to an outside provider.

A referral is a `core.sharing.SharedRecord`: the row belongs to the organization that refers
and, when the service is another member's, is shared with that member (`recipient`). What the
person agreed to share is copied into it at the moment of referral, encrypted under the
recipient's key (`shared`, `reason`); the row never points into the sender's file. Which person
of the sender it was, and under which consent, is the sender's own record (`ReferredPerson`),
which the recipient never sees.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salvaguarda.core.fields import EncryptedJSONField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.core.sharing import KEY_OWNER, SharedRecord
from salvaguarda.people.models import Consent, Person
from salvaguarda.referrals.directory.models import Service


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine: an answer within 10 days")
    PRIORITY = "priority", _("Priority: an answer within 3 days")
    EMERGENCY = "emergency", _("Emergency: the same day (24 hours)")


# How long the receiving organization has to answer (accept, decline or ask for more).
ANSWER_WITHIN = {
    Urgency.ROUTINE: datetime.timedelta(days=10),
    Urgency.PRIORITY: datetime.timedelta(days=3),
    Urgency.EMERGENCY: datetime.timedelta(hours=24),
}


class Status(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    INFO_REQUESTED = "info_requested", _("More information asked")
    ACCEPTED = "accepted", pgettext_lazy("a referral", "Accepted")
    DECLINED = "declined", pgettext_lazy("a referral", "Declined")
    CLOSED = "closed", pgettext_lazy("a referral", "Closed with its outcome")
    CANCELLED = "cancelled", pgettext_lazy("a referral", "Cancelled")


OPEN = (Status.SENT, Status.INFO_REQUESTED, Status.ACCEPTED)


class DeclineReason(models.TextChoices):
    NO_CAPACITY = "no_capacity", _("No capacity now")
    NOT_ELIGIBLE = "not_eligible", _("The person does not meet the service's criteria")
    NOT_OFFERED = "not_offered", _("We no longer offer this service")
    OTHER = "other", _("Other reason")


class Outcome(models.TextChoices):
    RECEIVED = "received", _("Service received")
    PARTLY = "partly", _("Service partly received")
    NOT_RECEIVED = "not_received", _("Service not received")


class Barrier(models.TextChoices):
    """Why the service was not (fully) received."""

    NO_DOCUMENTS = "no_documents", _("Refused for lack of documents")
    DISCRIMINATION = "discrimination", _("Discrimination")
    NO_CAPACITY = "no_capacity", _("No capacity")
    DID_NOT_GO = "did_not_go", _("The person did not go")
    MOVED_ON = "moved_on", _("The person moved on")
    RETURNED_TO_US = "returned_to_us", _("Returned to the U.S.")
    OTHER = "other", _("Other")


class Referral(SharedRecord):
    """One referral, as both sides see it (a third organization never does)."""

    reference = models.CharField(_("reference"), max_length=16, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("service")
    )
    urgency = models.CharField(
        _("urgency"), max_length=12, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    answer_due_at = models.DateTimeField(_("answer due by"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT
    )
    status_changed_at = models.DateTimeField(_("status changed at"))
    # What crossed: the codes of the fields the person agreed to share (not identifying) and
    # their values, sealed under the recipient's key. Emptied when the consent is revoked.
    shared_fields = models.JSONField(_("fields shared"), default=list, blank=True)
    shared = EncryptedJSONField(_("data shared"), key_owner=KEY_OWNER)
    reason = EncryptedTextField(_("need"), key_owner=KEY_OWNER)
    withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    # When what crossed was erased because the referral ended unserved (declined, cancelled):
    # the receiving organization has no more need of it.
    erased_at = models.DateTimeField(_("shared data erased at"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=16, choices=DeclineReason.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    barrier = models.CharField(
        _("why not (fully) received"), max_length=16, choices=Barrier.choices, blank=True
    )
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    # Who follows it on each side (the sender's is reminded when no answer comes in time).
    sender_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("responsible caseworker"),
    )
    receiver_caseworker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible at the receiving organization"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["recipient", "status", "answer_due_at"], name="referral_received"),
            models.Index(fields=["organization", "status", "answer_due_at"], name="referral_sent"),
            # The lists, newest first, a page at a time (bench/referrals.py: without them the
            # received list sorted every referral an organization ever received).
            models.Index(
                fields=["recipient", "-created_at", "-id"], name="referral_received_recent"
            ),
            models.Index(
                fields=["organization", "-created_at", "-id"], name="referral_sent_recent"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"], name="one_referral_per_reference"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def is_overdue(self, now: datetime.datetime) -> bool:
        return self.status == Status.SENT and self.answer_due_at < now

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class ReferralStep(SharedRecord):
    """One step of a referral's history, seen by both sides: who did what, with its note
    (sealed like what crossed)."""

    class Kind(models.TextChoices):
        SENT = "sent", pgettext_lazy("a referral step", "Referred")
        INFO_REQUESTED = "info_requested", _("Asked for more information")
        INFO_GIVEN = "info_given", _("Gave more information")
        ACCEPTED = "accepted", pgettext_lazy("a referral step", "Accepted")
        DECLINED = "declined", pgettext_lazy("a referral step", "Declined")
        CLOSED = "closed", _("Recorded the outcome")
        CANCELLED = "cancelled", pgettext_lazy("a referral step", "Cancelled")
        WITHDRAWN = "withdrawn", _("Consent withdrawn: the shared data were erased")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=16, choices=Kind.choices)
    by_recipient = models.BooleanField(default=False)
    note = EncryptedTextField(_("note"), key_owner=KEY_OWNER)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")

    def __str__(self) -> str:
        return self.kind


class ReferredPerson(OrgScopedModel):
    """The sender's own record of a referral: which of its people, under which consent. The
    recipient never sees it (it is not a shared record)."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="referrals")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referred person")
        verbose_name_plural = _("referred people")

    def __str__(self) -> str:
        return str(self.referral_id)
