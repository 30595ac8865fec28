"""The senders of reminders: the console masks the number; the Twilio-compatible sender speaks
HTTP to a real local server; a refused message leaves an error that identifies nobody."""

import base64
import contextlib
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.court import channels, reminders
from salvaguarda.court.models import Reminder
from salvaguarda.court.tests.test_reminders import NUMBER, ReminderTestCase, at, console

SID = "AC0123456789abcdef"
TOKEN = "a-secret-token"


class FakeProvider:
    """A Twilio-compatible Messages endpoint on 127.0.0.1 that records what it receives."""

    def __init__(self, status: int = 201, answer: dict[str, Any] | None = None) -> None:
        self.status = status
        self.answer = answer if answer is not None else {"sid": "SM42", "status": "queued"}
        self.received: list[dict[str, Any]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                provider.received.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "form": parse_qs(self.rfile.read(length).decode("utf-8")),
                    }
                )
                body = json.dumps(provider.answer).encode()
                self.send_response(provider.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeProvider":
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def twilio(url: str, **changes: Any) -> dict[str, Any]:
    values = {
        "SALVAGUARDA_REMINDER_CHANNEL": "twilio",
        "SALVAGUARDA_REMINDER_API_URL": url,
        "SALVAGUARDA_REMINDER_ACCOUNT_SID": SID,
        "SALVAGUARDA_REMINDER_AUTH_TOKEN": TOKEN,
        "SALVAGUARDA_REMINDER_SMS_FROM": "+15550001111",
        "SALVAGUARDA_REMINDER_WHATSAPP_FROM": "+15550002222",
        "SALVAGUARDA_REMINDER_TIMEOUT_SECONDS": 5,
    }
    values.update(changes)
    return values


@contextlib.contextmanager
def configured(url: str, **changes: Any) -> Iterator[channels.Sender]:
    with override_settings(**twilio(url, **changes)):
        yield channels.sender()


class TwilioSenderTest(SimpleTestCase):
    def test_an_sms_is_posted_as_a_form_with_basic_auth_to_the_messages_resource(self) -> None:
        with FakeProvider() as provider, configured(provider.url + "/") as sender:
            delivery = sender.send(channel="sms", to=NUMBER, body="Mañana, audiencia.")
        self.assertEqual(delivery, channels.Delivery(ok=True, reference="SM42", status="queued"))
        [received] = provider.received
        self.assertEqual(received["method"], "POST")
        self.assertEqual(received["path"], f"/2010-04-01/Accounts/{SID}/Messages.json")
        self.assertEqual(received["content_type"], "application/x-www-form-urlencoded")
        scheme, credentials = received["authorization"].split(" ")
        self.assertEqual(scheme, "Basic")
        self.assertEqual(base64.b64decode(credentials).decode(), f"{SID}:{TOKEN}")
        self.assertEqual(
            received["form"],
            {"To": [NUMBER], "From": ["+15550001111"], "Body": ["Mañana, audiencia."]},
        )

    def test_whatsapp_numbers_carry_the_whatsapp_prefix(self) -> None:
        with FakeProvider() as provider, configured(provider.url) as sender:
            sender.send(channel="whatsapp", to=NUMBER, body="Hola")
        form = provider.received[0]["form"]
        self.assertEqual(form["To"], [f"whatsapp:{NUMBER}"])
        self.assertEqual(form["From"], ["whatsapp:+15550002222"])

    def test_a_refused_message_fails_with_the_status_and_code_but_not_the_number(self) -> None:
        answer = {
            "code": 21211,
            "message": f"The 'To' number {NUMBER} is not a valid phone number.",
            "status": 400,
        }
        with FakeProvider(400, answer) as provider, configured(provider.url) as sender:
            delivery = sender.send(channel="sms", to=NUMBER, body="Hola")
        self.assertFalse(delivery.ok)
        self.assertEqual(delivery.error, "HTTP 400, provider error 21211")
        self.assertNotIn(NUMBER[-7:], repr(delivery))

    def test_a_server_that_does_not_answer_is_a_network_error(self) -> None:
        provider = FakeProvider()
        url = provider.url
        provider.server.server_close()  # nobody listens there any more
        with configured(url) as sender:
            delivery = sender.send(channel="sms", to=NUMBER, body="Hola")
        self.assertFalse(delivery.ok)
        self.assertTrue(delivery.error.startswith("network error ("), delivery.error)

    def test_a_channel_without_its_sender_number_fails_without_calling_out(self) -> None:
        with FakeProvider() as provider:
            with configured(provider.url, SALVAGUARDA_REMINDER_WHATSAPP_FROM="") as sender:
                delivery = sender.send(channel="whatsapp", to=NUMBER, body="Hola")
        self.assertEqual(delivery.error, "no sender number configured for whatsapp")
        self.assertEqual(provider.received, [])


class ConsoleSenderTest(SimpleTestCase):
    def test_the_console_shows_the_body_and_only_the_last_three_digits(self) -> None:
        with (
            console() as printed,
            self.assertLogs("salvaguarda.reminders", "INFO") as logged,
        ):
            delivery = channels.ConsoleSender().send(channel="sms", to=NUMBER, body="Hola")
        self.assertTrue(delivery.ok)
        self.assertEqual(printed.getvalue(), "reminder sms to ***567: Hola\n")
        self.assertEqual(logged.records[0].getMessage(), "reminder sms to ***567: Hola")
        self.assertEqual(channels.mask("+52 664 123-4567"), "***567")


class ConfigurationTest(SimpleTestCase):
    def test_the_console_needs_nothing(self) -> None:
        self.assertEqual(channels.configuration_problems(), [])
        self.assertIsInstance(channels.sender(), channels.ConsoleSender)

    def test_an_incomplete_twilio_configuration_is_refused_clearly(self) -> None:
        cases = {
            "REMINDER_API_URL is required": {"SALVAGUARDA_REMINDER_API_URL": ""},
            "REMINDER_ACCOUNT_SID": {"SALVAGUARDA_REMINDER_ACCOUNT_SID": ""},
            "REMINDER_AUTH_TOKEN": {"SALVAGUARDA_REMINDER_AUTH_TOKEN": ""},
            "REMINDER_SMS_FROM or REMINDER_WHATSAPP_FROM": {
                "SALVAGUARDA_REMINDER_SMS_FROM": "",
                "SALVAGUARDA_REMINDER_WHATSAPP_FROM": "",
            },
            "must use https": {"SALVAGUARDA_REMINDER_API_URL": "http://api.example.org"},
            "must be an https:// address": {"SALVAGUARDA_REMINDER_API_URL": "ftp://x"},
        }
        for expected, changes in cases.items():
            with (
                self.subTest(expected),
                override_settings(**twilio("https://api.example.org", **changes)),
            ):
                [problem] = channels.configuration_problems()
                self.assertIn(expected, problem)
                with self.assertRaisesMessage(ImproperlyConfigured, expected):
                    channels.sender()
                [error] = channels.check_reminder_channel()
                self.assertEqual(error.id, "court.E001")
        with override_settings(**twilio("https://api.example.org")):
            self.assertEqual(channels.configuration_problems(), [])

    def test_the_app_refuses_to_start_with_twilio_half_configured(self) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SALVAGUARDA_", "DATABASE_URL", "REMINDER_"))
        }
        with tempfile.TemporaryDirectory() as tmp:
            env.update(
                {
                    "SALVAGUARDA_ENV": "development",
                    "SALVAGUARDA_VAR_DIR": tmp,
                    "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
                    "REMINDER_CHANNEL": "twilio",
                    "REMINDER_ACCOUNT_SID": SID,
                }
            )
            started = subprocess.run(
                [sys.executable, "manage.py", "check"],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
        self.assertNotEqual(started.returncode, 0)
        self.assertIn("REMINDER_API_URL", started.stderr)


class SendThroughTheProviderTest(ReminderTestCase):
    def test_a_refused_reminder_is_failed_with_a_non_identifying_error(self) -> None:
        [seven, *_] = reminders.reminders_schedule(self.hearing())
        answer = {"code": 21614, "message": f"{NUMBER} is not a mobile number", "status": 400}
        with FakeProvider(400, answer) as provider, override_settings(**twilio(provider.url)):
            with at(seven.due_at):
                status = reminders.reminder_send(self.cast.org.pk, seven.pk)
        self.assertEqual(status, Reminder.Status.FAILED)
        seven.refresh_from_db()
        self.assertEqual(seven.error, "HTTP 400, provider error 21614")
        self.assertIsNone(seven.sent_at)
        [received] = provider.received
        self.assertIn("en 7 días", received["form"]["Body"][0])
        event = AuditEvent.objects.filter(object_uuid=seven.uuid).get()
        self.assertNotIn(NUMBER[-7:], json.dumps([event.fields, event.detail]))

    def test_an_accepted_reminder_keeps_the_providers_reference_and_status(self) -> None:
        [seven, *_] = reminders.reminders_schedule(self.hearing())
        with FakeProvider() as provider, override_settings(**twilio(provider.url)):
            with at(seven.due_at + datetime.timedelta(minutes=2)):
                self.assertEqual(reminders.reminders_dispatch_due(), 1)
        with organization_scope(self.cast.org.pk):
            seven.refresh_from_db()
        self.assertEqual(
            (seven.status, seven.provider_reference, seven.delivery_status),
            ("sent", "SM42", "queued"),
        )
        self.assertEqual(provider.received[0]["form"]["To"], [NUMBER])

    def test_a_misconfigured_channel_stops_before_claiming(self) -> None:
        [seven, *_] = reminders.reminders_schedule(self.hearing())
        with override_settings(**twilio("")), at(seven.due_at):
            with self.assertRaises(ImproperlyConfigured):
                reminders.reminder_send(self.cast.org.pk, seven.pk)
        seven.refresh_from_db()
        self.assertEqual(seven.status, Reminder.Status.PENDING)  # still to be sent, not lost
