"""The reminder of an unanswered referral: an e-mail to the caseworker who referred, once the
answer is overdue (emergency 24 hours, priority 3 days, routine 10 days).

Each referral to a member of the network queues its own check at its deadline
(`services._remind_later`); the periodic upkeep of the task worker sweeps every organization for
any whose check was lost (a queue emptied, a worker down at the time). The e-mail holds no data
of the person: the reference, the service and a link.
"""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization
from salvaguarda.core.scoping import organization_scope
from salvaguarda.referrals.referring.models import Referral, Status

logger = logging.getLogger(__name__)


def _due(organization_id: int, now: datetime.datetime) -> QuerySet[Referral]:
    return Referral.objects.filter(
        organization_id=organization_id,
        recipient__isnull=False,
        status=Status.SENT,
        reminded_at__isnull=True,
        answer_due_at__lte=now,
    )


def _mail(referral: Referral) -> None:
    user = referral.sender_caseworker
    link = settings.SALVAGUARDA_BASE_URL.rstrip("/") + reverse(
        "referrals:referral_detail", kwargs={"referral_uuid": referral.uuid}
    )
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Referral %(reference)s has no answer yet") % {"reference": referral.reference}
        body = _(
            "The referral %(reference)s to “%(service)s” (%(organization)s) was due an answer "
            "by %(due)s and has none. Call them, or refer the person to another service:\n\n"
            "%(link)s\n"
        ) % {
            "reference": referral.reference,
            "service": referral.service.name,
            "organization": referral.recipient.name if referral.recipient else "",
            # In the time of the organization that referred, which the caseworker lives in.
            "due": timezone.localtime(
                referral.answer_due_at, ZoneInfo(referral.organization.time_zone)
            ).strftime("%d/%m/%Y %H:%M"),
            "link": link,
        }
    try:
        send_mail(subject, body, None, [user.email])
    except OSError as exc:  # an SMTP error: the next sweep tries again
        logger.warning("A referral reminder could not be sent (%s).", type(exc).__name__)
        raise


def referral_remind(
    organization_id: int, referral_id: int, *, now: datetime.datetime | None = None
) -> str:
    """Remind the referring caseworker once, if the referral is still unanswered and due."""
    now = now or timezone.now()
    with organization_scope(organization_id):
        referral = (
            _due(organization_id, now)
            .filter(pk=referral_id)
            .select_related("service", "organization", "recipient", "sender_caseworker")
            .first()
        )
        if referral is None:
            return "nothing to remind"
        try:
            _mail(referral)
        except OSError:
            return "not sent"
        Referral.objects.filter(pk=referral.pk).update(reminded_at=now)
        return "reminded"


def referrals_remind_overdue(now: datetime.datetime | None = None) -> int:
    """Every organization's overdue referrals not reminded yet (the periodic sweep)."""
    now = now or timezone.now()
    sent = 0
    for organization_id in Organization.objects.values_list("pk", flat=True):
        with organization_scope(organization_id):
            due = list(_due(organization_id, now).values_list("pk", flat=True))
        sent += sum(referral_remind(organization_id, pk, now=now) == "reminded" for pk in due)
    return sent
