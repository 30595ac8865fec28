"""Security keys and passkeys, checked for real: a software authenticator (an EC P-256 key made
here) answers the server's challenges as a browser and a key would, and py_webauthn verifies."""

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import cbor2
import time_machine
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import SecurityKey, TOTPDevice, User, UserSession
from salvaguarda.accounts.webauthn import CHALLENGE_KEY
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import PASSWORD, Cast, sign_in

NOW = datetime(2026, 11, 23, 18, 0, 0, tzinfo=UTC)
ORIGIN = "http://testserver"
FLAG_UP, FLAG_UV, FLAG_AT = 0x01, 0x04, 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftwareKey:
    """An authenticator in software: what a security key and the browser would send."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(32)
        self.counter = 0

    def cose_public_key(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    @staticmethod
    def client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict[str, Any], *, origin: str = ORIGIN) -> dict[str, Any]:
        """The answer to `navigator.credentials.create()`, attestation format "none"."""
        rp_id_hash = hashlib.sha256(options["rp"]["id"].encode()).digest()
        authenticator_data = (
            rp_id_hash
            + bytes([FLAG_UP | FLAG_UV | FLAG_AT])
            + self.counter.to_bytes(4, "big")
            + bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self.cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        client_data = self.client_data("webauthn.create", options["challenge"], origin)
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["usb", "not-a-transport"],
            },
        }

    def get(
        self,
        options: dict[str, Any],
        *,
        origin: str = ORIGIN,
        challenge: str | None = None,
        counter: int | None = None,
    ) -> dict[str, Any]:
        """The answer to `navigator.credentials.get()`: a signature over the challenge."""
        self.counter = self.counter + 1 if counter is None else counter
        rp_id_hash = hashlib.sha256(options["rpId"].encode()).digest()
        authenticator_data = (
            rp_id_hash + bytes([FLAG_UP | FLAG_UV]) + self.counter.to_bytes(4, "big")
        )
        client_data = self.client_data("webauthn.get", challenge or options["challenge"], origin)
        signature = self.private.sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(authenticator_data),
                "signature": b64url(signature),
            },
        }


def post_json(client: Client, name: str, body: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(
        reverse(f"accounts:{name}", kwargs=kwargs or None),
        json.dumps(body),
        content_type="application/json",
    )


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:security")).status_code == 200


@time_machine.travel(NOW, tick=False)
class SecurityKeyTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.user = cls.cast.caseworker
        cls.other = cls.cast.legal
        for user in (cls.user, cls.other):
            TOTPDevice.objects.create(
                user=user, sealed_secret=mfa.seal_secret(user, mfa.new_secret()), confirmed_at=NOW
            )

    # --- Helpers ------------------------------------------------------------------------------

    def fields(self, password: str = PASSWORD, name: str = "Llave azul") -> dict[str, str]:
        return {"key-name": name, "key-current": password}

    def add_key(self, client: Client, key: SoftwareKey, **fields: str) -> Any:
        options = post_json(client, "security_key_registration_options", self.fields(**fields))
        self.assertEqual(options.status_code, 200, options.content)
        answer = key.create(options.json())
        return post_json(
            client, "security_key_register", {**self.fields(**fields), "credential": answer}
        )

    def registered(self, user: User) -> SoftwareKey:
        key = SoftwareKey()
        response = self.add_key(sign_in(Client(), user), key)
        self.assertEqual(response.status_code, 200, response.content)
        user.refresh_from_db()  # the security stamp changed; later sign-ins must use the new one
        return key

    def pending(self, user: User) -> Client:
        """A browser that passed the password step, and waits for the second factor."""
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"email": user.email, "password": PASSWORD}
        )
        self.assertRedirects(
            response, reverse("accounts:second_factor") + "?next=/", fetch_redirect_response=False
        )
        return client

    def sign_in_options(self, client: Client) -> dict[str, Any]:
        response = post_json(client, "security_key_sign_in_options", {})
        self.assertEqual(response.status_code, 200, response.content)
        return dict(response.json())

    def answer(self, client: Client, credential: dict[str, Any]) -> Any:
        return post_json(client, "security_key_sign_in", {"credential": credential})

    def device(self, user: User) -> TOTPDevice:
        return TOTPDevice.objects.get(user=user)

    # --- Adding a key -------------------------------------------------------------------------

    def test_adding_a_key_needs_the_current_password(self) -> None:
        client = sign_in(Client(), self.user)
        refused = post_json(client, "security_key_registration_options", self.fields("wrong"))
        self.assertEqual(refused.status_code, 400)
        self.assertIn("key-current", refused.json()["fields"])
        self.assertNotIn(CHALLENGE_KEY, client.session)
        # Nor can the last step be taken without it, even with a valid answer from the key.
        key = SoftwareKey()
        options = post_json(client, "security_key_registration_options", self.fields()).json()
        answer = key.create(options)
        refused = post_json(
            client, "security_key_register", {**self.fields("wrong"), "credential": answer}
        )
        self.assertEqual(refused.status_code, 400)
        self.assertIn("key-current", refused.json()["fields"])
        self.assertFalse(SecurityKey.objects.exists())

    def test_the_authenticator_app_comes_first(self) -> None:
        client = sign_in(Client(), self.cast.analyst)  # signed in, but no app set up
        response = post_json(client, "security_key_registration_options", self.fields())
        self.assertEqual(response.status_code, 400)
        self.assertNotIn(CHALLENGE_KEY, client.session)

    def test_adding_a_key_keeps_it_and_tells_the_audit_trail(self) -> None:
        client = sign_in(Client(), self.user)
        key = SoftwareKey()
        response = self.add_key(client, key)
        self.assertEqual(response.json(), {"redirect": reverse("accounts:security")})
        stored = SecurityKey.objects.get()
        self.assertEqual(
            (stored.user, stored.name, bytes(stored.credential_id), stored.transports),
            (self.user, "Llave azul", key.credential_id, ["usb"]),
        )
        event = AuditEvent.objects.get(action=AuditEvent.Action.FACTOR_CHANGED)
        self.assertEqual((event.actor, event.object_uuid), (self.user, stored.uuid))
        self.assertEqual(event.detail, {"security_key": "added"})
        page = client.get(reverse("accounts:security"))
        self.assertContains(page, "Llave azul")
        self.assertContains(page, reverse("accounts:security_key_remove", args=[stored.uuid]))

    def test_the_options_ask_for_a_passkey_and_exclude_the_accounts_keys(self) -> None:
        key = self.registered(self.user)
        client = sign_in(Client(), self.user)
        options = post_json(client, "security_key_registration_options", self.fields()).json()
        self.assertEqual(options["rp"]["id"], "testserver")
        self.assertEqual(unb64url(options["user"]["id"]), self.user.uuid.bytes)
        self.assertEqual(options["authenticatorSelection"]["residentKey"], "preferred")
        self.assertEqual(options["authenticatorSelection"]["userVerification"], "preferred")
        excluded = [unb64url(item["id"]) for item in options["excludeCredentials"]]
        self.assertEqual(excluded, [key.credential_id])

    def test_adding_a_key_ends_the_other_sessions(self) -> None:
        here = sign_in(Client(), self.user)
        elsewhere = sign_in(Client(), self.user)
        colleague = sign_in(Client(), self.other)
        self.assertEqual(self.add_key(here, SoftwareKey()).status_code, 200)
        self.assertTrue(is_signed_in(here))
        self.assertTrue(is_signed_in(here))  # not only at the first request
        self.assertFalse(is_signed_in(elsewhere))
        self.assertTrue(is_signed_in(colleague))
        self.assertEqual(
            UserSession.objects.filter(user=self.user, ended_at__isnull=True).count(), 1
        )

    def test_a_registration_from_another_origin_is_refused(self) -> None:
        client = sign_in(Client(), self.user)
        options = post_json(client, "security_key_registration_options", self.fields()).json()
        answer = SoftwareKey().create(options, origin="https://evil.example")
        response = post_json(
            client, "security_key_register", {**self.fields(), "credential": answer}
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(SecurityKey.objects.exists())

    def test_a_registration_challenge_expires_after_five_minutes(self) -> None:
        client = sign_in(Client(), self.user)
        options = post_json(client, "security_key_registration_options", self.fields()).json()
        answer = SoftwareKey().create(options)
        with time_machine.travel(NOW + timedelta(minutes=5, seconds=1), tick=False):
            response = post_json(
                client, "security_key_register", {**self.fields(), "credential": answer}
            )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(SecurityKey.objects.exists())

    def test_the_same_key_cannot_be_added_twice(self) -> None:
        key = self.registered(self.user)
        response = self.add_key(sign_in(Client(), self.other), key)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(SecurityKey.objects.count(), 1)

    @override_settings(ALLOWED_HOSTS=["127.0.0.1"])
    def test_keys_are_refused_on_an_ip_address(self) -> None:
        client = sign_in(Client(HTTP_HOST="127.0.0.1"), self.user)
        response = post_json(client, "security_key_registration_options", self.fields())
        self.assertEqual(response.status_code, 400)
        self.assertIn("IP", response.json()["error"])

    # --- Removing a key -----------------------------------------------------------------------

    def test_removing_a_key_needs_the_password_and_ends_the_other_sessions(self) -> None:
        self.registered(self.user)
        stored = SecurityKey.objects.get()
        url = reverse("accounts:security_key_remove", args=[stored.uuid])
        here = sign_in(Client(), self.user)
        elsewhere = sign_in(Client(), self.user)
        refused = here.post(url, {"remove-current": "wrong"})
        self.assertEqual(refused.status_code, 200)
        self.assertTemplateUsed(refused, "accounts/security.html")
        self.assertTrue(SecurityKey.objects.exists())
        self.assertTrue(is_signed_in(elsewhere))
        self.assertRedirects(here.post(url, {"remove-current": PASSWORD}), "/cuenta/seguridad/")
        self.assertFalse(SecurityKey.objects.exists())
        self.assertFalse(is_signed_in(elsewhere))
        self.assertTrue(is_signed_in(here))
        removed = (
            AuditEvent.objects.filter(action=AuditEvent.Action.FACTOR_CHANGED).order_by("pk").last()
        )
        assert removed is not None
        self.assertEqual(removed.detail, {"security_key": "removed"})

    def test_removing_another_accounts_key_is_not_found(self) -> None:
        self.registered(self.other)
        stored = SecurityKey.objects.get()
        client = sign_in(Client(), self.user)
        response = client.post(
            reverse("accounts:security_key_remove", args=[stored.uuid]),
            {"remove-current": PASSWORD},
        )
        self.assertEqual(response.status_code, 404)
        self.assertTrue(SecurityKey.objects.exists())

    # --- Signing in with a key ----------------------------------------------------------------

    def test_the_second_factor_page_offers_a_key_only_to_accounts_with_one(self) -> None:
        page = self.pending(self.user).get(reverse("accounts:second_factor"))
        self.assertNotContains(page, "use-security-key")
        self.assertNotContains(page, "webauthn.js")
        self.registered(self.user)
        page = self.pending(self.user).get(reverse("accounts:second_factor"))
        self.assertContains(page, 'id="use-security-key"')
        self.assertContains(page, "webauthn.js")

    def test_a_registered_key_signs_the_pending_user_in(self) -> None:
        key = self.registered(self.user)
        client = self.pending(self.user)
        self.assertFalse(is_signed_in(client))
        options = self.sign_in_options(client)
        allowed = [unb64url(item["id"]) for item in options["allowCredentials"]]
        self.assertEqual(allowed, [key.credential_id])
        response = self.answer(client, key.get(options))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json(), {"redirect": "/"})
        self.assertEqual(client.get(reverse("people:list")).status_code, 200)
        stored = SecurityKey.objects.get()
        self.assertEqual((stored.sign_count, stored.last_used_at), (1, NOW))
        self.assertTrue(AuditEvent.objects.filter(action="login", actor=self.user).exists())

    def test_only_a_pending_user_may_use_a_key(self) -> None:
        key = self.registered(self.user)
        client = Client()
        response = post_json(client, "security_key_sign_in_options", {})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["redirect"], reverse("accounts:login"))
        self.assertEqual(
            self.answer(client, key.get({"rpId": "testserver", "challenge": "x"})).status_code, 400
        )
        self.assertFalse(is_signed_in(client))

    def test_a_replayed_answer_is_refused(self) -> None:
        key = self.registered(self.user)
        client = self.pending(self.user)
        answer = key.get(self.sign_in_options(client))
        self.assertEqual(self.answer(client, answer).status_code, 200)
        client.post(reverse("accounts:logout"))
        # The same answer again: in the same sign-in, and in the next one.
        client = self.pending(self.user)
        self.assertEqual(self.answer(client, answer).status_code, 400)
        self.sign_in_options(client)
        self.assertEqual(self.answer(client, answer).status_code, 400)
        self.assertFalse(is_signed_in(client))

    def test_a_challenge_this_session_was_not_given_is_refused(self) -> None:
        key = self.registered(self.user)
        client = self.pending(self.user)
        options = self.sign_in_options(client)
        forged = key.get(options, challenge=b64url(secrets.token_bytes(64)))
        self.assertEqual(self.answer(client, forged).status_code, 400)
        # Nor one given to another browser.
        other_browser = self.pending(self.user)
        theirs = self.sign_in_options(other_browser)
        client = self.pending(self.user)
        self.sign_in_options(client)
        self.assertEqual(self.answer(client, key.get(theirs)).status_code, 400)
        self.assertFalse(is_signed_in(client))

    def test_an_answer_for_another_origin_is_refused(self) -> None:
        key = self.registered(self.user)
        client = self.pending(self.user)
        answer = key.get(self.sign_in_options(client), origin="https://phishing.example")
        response = self.answer(client, answer)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(is_signed_in(client))

    def test_another_accounts_key_is_refused(self) -> None:
        self.registered(self.user)
        theirs = self.registered(self.other)
        client = self.pending(self.user)
        response = self.answer(client, theirs.get(self.sign_in_options(client)))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(is_signed_in(client))

    def test_a_sign_count_that_goes_back_is_refused(self) -> None:
        key = self.registered(self.user)
        SecurityKey.objects.update(sign_count=10)
        client = self.pending(self.user)
        for counter in (5, 10):  # lower, and equal
            response = self.answer(client, key.get(self.sign_in_options(client), counter=counter))
            self.assertEqual(response.status_code, 400)
        self.assertFalse(is_signed_in(client))
        self.assertEqual(SecurityKey.objects.get().sign_count, 10)
        response = self.answer(client, key.get(self.sign_in_options(client), counter=11))
        self.assertEqual(response.status_code, 200)

    def test_failed_answers_count_like_wrong_codes_and_are_audited(self) -> None:
        key = self.registered(self.user)
        client = self.pending(self.user)
        for _ in range(mfa.FREE_FAILURES):
            bad = key.get(self.sign_in_options(client), origin="https://phishing.example")
            self.assertEqual(self.answer(client, bad).status_code, 400)
        self.assertEqual(self.device(self.user).failure_count, mfa.FREE_FAILURES)
        self.assertTrue(mfa.is_locked(self.device(self.user)))
        failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor=self.user)
        self.assertEqual(failures.count(), mfa.FREE_FAILURES)
        self.assertEqual(
            failures.first().detail,  # type: ignore[union-attr]
            {"step": "second_factor", "method": "security_key"},
        )

    def test_a_locked_second_factor_refuses_the_key(self) -> None:
        key = self.registered(self.user)
        client = self.pending(self.user)
        options = self.sign_in_options(client)
        TOTPDevice.objects.filter(user=self.user).update(locked_until=NOW + timedelta(minutes=1))
        response = self.answer(client, key.get(options))
        self.assertEqual(response.status_code, 400)
        self.assertIn("error", response.json())
        self.assertFalse(is_signed_in(client))
        self.assertEqual(post_json(client, "security_key_sign_in_options", {}).status_code, 400)
        with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
            client = self.pending(self.user)
            response = self.answer(client, key.get(self.sign_in_options(client)))
            self.assertEqual(response.status_code, 200)

    def test_a_malformed_answer_is_refused_without_an_error(self) -> None:
        self.registered(self.user)
        client = self.pending(self.user)
        self.sign_in_options(client)
        for body in ({"credential": {"id": 1, "response": []}}, {"credential": "x"}, {}):
            response = post_json(client, "security_key_sign_in", body)
            self.assertEqual(response.status_code, 400)
        response = client.post(
            reverse("accounts:security_key_sign_in"), "not json", content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
