"""Where hearing reminders go out: pluggable senders chosen by the settings.

- `console` (the default): one line to the `salvaguarda.reminders` logger and to standard
  output, with the number masked to its last three digits. For development, demos and
  benchmarks; nothing leaves the machine.
- `twilio`: a Twilio-compatible HTTP API (the 2010-04-01 Messages resource), through the
  standard library. SMS and WhatsApp ("whatsapp:+…" in To and From). The base address comes
  only from `REMINDER_API_URL`: no provider is built in.

A sender never raises for a refused or failed message: it answers a `Delivery` whose `error` is
short and identifies nobody (the HTTP status and the provider's error code, never the number
nor the provider's message, which may quote the number).
"""

import base64
import json
import logging
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib import error as urlerror
from urllib import parse, request

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("salvaguarda.reminders")

CONSOLE = "console"
TWILIO = "twilio"
CHANNELS = (CONSOLE, TWILIO)
SMS = "sms"
WHATSAPP = "whatsapp"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# The provider's answer is small; never read more than this.
MAX_ANSWER_BYTES = 64 * 1024


@dataclass(frozen=True)
class Delivery:
    """What a sender answered: accepted (with the provider's reference and status) or not."""

    ok: bool
    reference: str = ""
    status: str = ""
    error: str = ""


class Sender(Protocol):
    def send(self, *, channel: str, to: str, body: str) -> Delivery: ...


def mask(number: str) -> str:
    """'+5216641234567' → '***567': enough to tell two phones apart, not to call one."""
    digits = [c for c in number if c.isdigit()]
    return "***" + "".join(digits[-3:])


class ConsoleSender:
    """Writes the message instead of sending it (the number masked)."""

    def send(self, *, channel: str, to: str, body: str) -> Delivery:
        line = f"reminder {channel} to {mask(to)}: {body}"
        logger.info(line)
        print(line, file=sys.stdout, flush=True)
        return Delivery(ok=True, reference=f"console-{uuid.uuid4().hex[:16]}", status="logged")


class _NoRedirects(request.HTTPRedirectHandler):
    """A redirect is an error: never resend the credentials or the message elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _provider_code(answer: bytes) -> str:
    try:
        found = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return ""
    code = found.get("code") if isinstance(found, dict) else None
    return str(code)[:16] if isinstance(code, int | str) and str(code).isalnum() else ""


class TwilioSender:
    """POST To, From, Body to {api_url}/2010-04-01/Accounts/{sid}/Messages.json (basic auth)."""

    def __init__(
        self,
        *,
        api_url: str,
        account_sid: str,
        auth_token: str,
        sms_from: str,
        whatsapp_from: str,
        timeout: float,
    ) -> None:
        self.url = (
            f"{api_url.rstrip('/')}/2010-04-01/Accounts/{parse.quote(account_sid, safe='')}"
            "/Messages.json"
        )
        credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode("ascii")
        self.authorization = f"Basic {credentials}"
        self.senders = {SMS: sms_from, WHATSAPP: whatsapp_from}
        self.timeout = timeout
        self.opener = request.build_opener(_NoRedirects)

    @staticmethod
    def _address(channel: str, number: str) -> str:
        if channel == WHATSAPP and not number.startswith("whatsapp:"):
            return f"whatsapp:{number}"
        return number

    def send(self, *, channel: str, to: str, body: str) -> Delivery:
        sender = self.senders.get(channel, "")
        if not sender:
            return Delivery(ok=False, error=f"no sender number configured for {channel}")
        form = parse.urlencode(
            {
                "To": self._address(channel, to),
                "From": self._address(channel, sender),
                "Body": body,
            }
        ).encode("utf-8")
        outgoing = request.Request(self.url, data=form, method="POST")  # noqa: S310 (checked)
        outgoing.add_header("Authorization", self.authorization)
        outgoing.add_header("Content-Type", "application/x-www-form-urlencoded")
        outgoing.add_header("Accept", "application/json")
        try:
            with self.opener.open(outgoing, timeout=self.timeout) as response:
                answer = response.read(MAX_ANSWER_BYTES)
        except urlerror.HTTPError as exc:
            code = _provider_code(exc.read(MAX_ANSWER_BYTES) if exc.fp else b"")
            error = f"HTTP {exc.code}" + (f", provider error {code}" if code else "")
            return Delivery(ok=False, error=error)
        except (urlerror.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            name = type(reason).__name__ if isinstance(reason, BaseException) else "URLError"
            return Delivery(ok=False, error=f"network error ({name})")
        try:
            found = json.loads(answer.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            found = {}
        if not isinstance(found, dict):
            found = {}
        # Accepted (2xx): the provider has the message even if its answer says little.
        return Delivery(
            ok=True,
            reference=str(found.get("sid") or "")[:64],
            status=str(found.get("status") or "accepted")[:32],
        )


# --- configuration -------------------------------------------------------------------------------


def configuration_problems() -> list[str]:
    """What is wrong with the reminder channel's settings (empty if nothing)."""
    channel = settings.SALVAGUARDA_REMINDER_CHANNEL
    if channel not in CHANNELS:
        return [f"REMINDER_CHANNEL must be one of {', '.join(CHANNELS)}, not {channel!r}."]
    if channel != TWILIO:
        return []
    problems = []
    url = settings.SALVAGUARDA_REMINDER_API_URL
    parts = parse.urlsplit(url)
    if not url:
        problems.append("REMINDER_API_URL is required for the twilio channel.")
    elif not parts.hostname or parts.scheme not in {"https", "http"}:
        problems.append("REMINDER_API_URL must be an https:// address.")
    elif parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
        problems.append(
            "REMINDER_API_URL must use https:// (plain http only to this machine, 127.0.0.1)."
        )
    if not settings.SALVAGUARDA_REMINDER_ACCOUNT_SID:
        problems.append("REMINDER_ACCOUNT_SID is required for the twilio channel.")
    if not settings.SALVAGUARDA_REMINDER_AUTH_TOKEN:
        problems.append(
            "REMINDER_AUTH_TOKEN (or REMINDER_AUTH_TOKEN_FILE) is required for the twilio channel."
        )
    if not (settings.SALVAGUARDA_REMINDER_SMS_FROM or settings.SALVAGUARDA_REMINDER_WHATSAPP_FROM):
        problems.append(
            "REMINDER_SMS_FROM or REMINDER_WHATSAPP_FROM (or both) is required for the twilio "
            "channel."
        )
    if settings.SALVAGUARDA_REMINDER_TIMEOUT_SECONDS <= 0:
        problems.append("REMINDER_TIMEOUT_SECONDS must be more than 0.")
    return problems


def sender() -> Sender:
    """The sender the settings choose; ImproperlyConfigured if they are incomplete."""
    problems = configuration_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems) + " See docs/configuration.md.")
    if settings.SALVAGUARDA_REMINDER_CHANNEL == CONSOLE:
        return ConsoleSender()
    return TwilioSender(
        api_url=settings.SALVAGUARDA_REMINDER_API_URL,
        account_sid=settings.SALVAGUARDA_REMINDER_ACCOUNT_SID,
        auth_token=settings.SALVAGUARDA_REMINDER_AUTH_TOKEN,
        sms_from=settings.SALVAGUARDA_REMINDER_SMS_FROM,
        whatsapp_from=settings.SALVAGUARDA_REMINDER_WHATSAPP_FROM,
        timeout=settings.SALVAGUARDA_REMINDER_TIMEOUT_SECONDS,
    )


@register()
def check_reminder_channel(
    *, app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    """`manage.py check` (and every start) refuses an incomplete reminder channel."""
    return [
        Error(problem, hint="See docs/configuration.md (Hearing reminders).", id="court.E001")
        for problem in configuration_problems()
    ]
