import hashlib
from datetime import timedelta

import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from salvaguarda.accounts import api_tokens, services
from salvaguarda.accounts.models import ApiToken, Membership, Role, User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import PASSWORD, Cast, make_person, member, sign_in

PEOPLE = "/api/v1/people"


def bearer(secret: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


class TokenPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.user = cls.cast.caseworker
        cls.membership = cls.user.memberships.get()

    def make(self, client: Client, *, password: str = PASSWORD, name: str = "Informe mensual"):  # type: ignore[no-untyped-def]
        return client.post(
            reverse("accounts:token_list"), {"name": name, "days": "30", "current": password}
        )

    def test_the_security_page_links_to_the_tokens(self) -> None:
        page = sign_in(Client(), self.user).get(reverse("accounts:security"))
        self.assertContains(page, reverse("accounts:token_list"))

    def test_a_token_is_shown_once_and_only_its_hash_is_stored(self) -> None:
        client = sign_in(Client(), self.user)
        response = self.make(client)
        self.assertEqual(response.status_code, 200)
        secret = response.context["secret"]
        self.assertTrue(secret.startswith("sgt_"))
        self.assertGreaterEqual(len(secret), 40)  # 32 random bytes
        self.assertContains(response, secret)
        token = ApiToken.objects.get()
        self.assertEqual(token.token_hash, hashlib.sha256(secret.encode()).hexdigest())
        self.assertEqual((token.user, token.membership), (self.user, self.membership))
        self.assertEqual(token.prefix, secret[:10])
        self.assertAlmostEqual(
            token.expires_at, timezone.now() + timedelta(days=30), delta=timedelta(minutes=1)
        )
        with connection.cursor() as cursor:  # nowhere in the table, as a dump would show it
            cursor.execute("SELECT * FROM accounts_apitoken")
            self.assertNotIn(secret, repr(cursor.fetchall()))
        listing = client.get(reverse("accounts:token_list"))
        self.assertNotContains(listing, secret)
        self.assertContains(listing, token.prefix)
        self.assertContains(listing, "Informe mensual")
        event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_CREATED)
        self.assertEqual((event.actor, event.organization), (self.user, self.cast.org))
        self.assertEqual(event.object_uuid, token.uuid)
        self.assertNotIn(secret, repr(event.detail))
        # The token works at once.
        self.assertEqual(Client().get(PEOPLE, **bearer(secret)).status_code, 200)

    def test_making_a_token_needs_the_current_password(self) -> None:
        response = self.make(sign_in(Client(), self.user), password="not the password")
        self.assertEqual(response.status_code, 200)
        self.assertIn("current", response.context["form"].errors)
        self.assertNotIn("secret", response.context)
        self.assertFalse(ApiToken.objects.exists())
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.API_TOKEN_CREATED))

    def test_the_owner_revokes_a_token_and_it_stops_working(self) -> None:
        client = sign_in(Client(), self.user)
        secret = self.make(client).context["secret"]
        token = ApiToken.objects.get()
        response = client.post(reverse("accounts:token_revoke", args=[token.uuid]))
        self.assertRedirects(response, reverse("accounts:token_list"))
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_REVOKED)
        self.assertEqual((event.actor, event.object_uuid), (self.user, token.uuid))
        refused = Client().get(PEOPLE, **bearer(secret))
        self.assertEqual(refused.status_code, 401)
        self.assertIn("invalid_token", refused["WWW-Authenticate"])

    def test_revoking_needs_a_post(self) -> None:
        token, _secret = api_tokens.api_token_create(
            by=self.user, membership=self.membership, name="x", days=90
        )
        client = sign_in(Client(), self.user)
        self.assertEqual(
            client.get(reverse("accounts:token_revoke", args=[token.uuid])).status_code, 405
        )
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_nobody_else_sees_or_revokes_a_token(self) -> None:
        token, _secret = api_tokens.api_token_create(
            by=self.user, membership=self.membership, name="Guion del albergue", days=90
        )
        for other in (self.cast.coordinator, self.cast.outsider):
            client = sign_in(Client(), other)
            self.assertNotContains(client.get(reverse("accounts:token_list")), "Guion del albergue")
            response = client.post(reverse("accounts:token_revoke", args=[token.uuid]))
            self.assertEqual(response.status_code, 404)
        token.refresh_from_db()
        self.assertIsNone(token.revoked_at)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        response = Client().get(reverse("accounts:token_list"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))


class TokenAuthenticationTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.user = cls.cast.caseworker
        cls.membership = cls.user.memberships.get()
        cls.person = make_person(cls.cast.org, cls.user, given_names="Rosa", first_surname="Mejía")
        cls.other_person = make_person(
            cls.cast.other_org, cls.cast.outsider, given_names="Brenda", first_surname="Lara"
        )

    def token(
        self, user: User | None = None, membership: Membership | None = None
    ) -> tuple[ApiToken, str]:
        user = user or self.user
        membership = membership or user.memberships.get()
        return api_tokens.api_token_create(by=user, membership=membership, name="t", days=90)

    def test_a_token_reads_its_organization_and_creates_no_session(self) -> None:
        token, secret = self.token()
        client = Client()
        response = client.get(PEOPLE, **bearer(secret))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([p["uuid"] for p in response.json()["results"]], [str(self.person.uuid)])
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertFalse(response.cookies)
        self.assertFalse(Session.objects.exists())
        token.refresh_from_db()
        self.assertIsNotNone(token.last_used_at)
        event = AuditEvent.objects.filter(action=AuditEvent.Action.LIST).latest("sequence")
        self.assertEqual((event.actor, event.organization), (self.user, self.cast.org))

    def test_a_token_acts_in_its_own_organization_only(self) -> None:
        # The same account is a member of both organizations; its token for B sees B alone.
        both = member(self.cast.org, Role.CASEWORKER)
        in_b = Membership.objects.create(
            user=both, organization=self.cast.other_org, role=Role.LEGAL
        )
        _token, secret = api_tokens.api_token_create(by=both, membership=in_b, name="B", days=7)
        listing = Client().get(PEOPLE, **bearer(secret)).json()["results"]
        self.assertEqual([p["uuid"] for p in listing], [str(self.other_person.uuid)])
        self.assertEqual(
            Client().get(f"{PEOPLE}/{self.person.uuid}", **bearer(secret)).status_code, 404
        )
        self.assertEqual(
            Client().get(f"{PEOPLE}/{self.other_person.uuid}", **bearer(secret)).status_code, 200
        )

    def test_a_token_of_another_organization_never_reads_this_one(self) -> None:
        _token, secret = self.token(self.cast.outsider)
        response = Client().get(f"{PEOPLE}/{self.person.uuid}", **bearer(secret))
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Rosa", response.content.decode())
        self.assertFalse(
            AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_uuid=self.person.uuid)
        )

    def test_the_token_wins_over_a_session_cookie_and_leaves_the_session_alone(self) -> None:
        _token, secret = self.token(self.cast.outsider)
        browser = sign_in(Client(), self.user)
        session_key = browser.session.session_key
        response = browser.get(f"{PEOPLE}/{self.person.uuid}", **bearer(secret))
        self.assertEqual(response.status_code, 404)  # the outsider's token, not the session
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertEqual(browser.get(f"{PEOPLE}/{self.person.uuid}").status_code, 200)
        self.assertEqual(browser.session.session_key, session_key)

    def test_a_bad_token_never_falls_back_to_the_session(self) -> None:
        browser = sign_in(Client(), self.user)
        response = browser.get(PEOPLE, **bearer("sgt_not-a-real-token"))
        self.assertEqual(response.status_code, 401)
        self.assertIn("invalid_token", response["WWW-Authenticate"])
        self.assertNotIn("results", response.json())
        self.assertEqual(browser.get(PEOPLE).status_code, 200)  # the session itself still works

    def test_refused_tokens(self) -> None:
        cases = {
            "revoked": lambda t: ApiToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()),
            "expired": lambda t: ApiToken.objects.filter(pk=t.pk).update(
                expires_at=timezone.now() - timedelta(seconds=1)
            ),
            "membership inactive": lambda t: Membership.objects.filter(pk=t.membership_id).update(
                is_active=False
            ),
            "account inactive": lambda t: User.objects.filter(pk=t.user_id).update(is_active=False),
            "password changed": lambda t: services.rotate_security_stamp(
                User.objects.get(pk=t.user_id)
            ),
        }
        for case, spoil in cases.items():
            with self.subTest(case):
                user = member(self.cast.org, Role.CASEWORKER)
                token, secret = self.token(user)
                self.assertEqual(Client().get(PEOPLE, **bearer(secret)).status_code, 200)
                spoil(token)
                response = Client().get(PEOPLE, **bearer(secret))
                self.assertEqual(response.status_code, 401, case)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertIn("invalid_token", response["WWW-Authenticate"])
        for garbage in ("", "sgt_", "sgt_" + "x" * 43, "Basic dXNlcjpwYXNz"):
            with self.subTest(garbage=garbage):
                response = Client().get(PEOPLE, HTTP_AUTHORIZATION=f"Bearer {garbage}")
                self.assertEqual(response.status_code, 401)

    def test_a_token_expires_after_its_days(self) -> None:
        _token, secret = api_tokens.api_token_create(
            by=self.user, membership=self.membership, name="week", days=7
        )
        with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
            self.assertEqual(Client().get(PEOPLE, **bearer(secret)).status_code, 401)

    def test_a_token_follows_the_role_of_its_membership(self) -> None:
        token, secret = self.token()
        Membership.objects.filter(pk=token.membership_id).update(role=Role.ANALYST)
        # (A role change by a coordinator also rotates the stamp; here only the role changes.)
        self.assertEqual(Client().get(PEOPLE, **bearer(secret)).status_code, 404)

    def test_token_requests_need_no_csrf_token(self) -> None:
        _token, secret = self.token()
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            f"{PEOPLE}/{self.person.uuid}/contacts",
            {"kind": "whatsapp", "number": "+52 664 123 4567"},
            content_type="application/json",
            **bearer(secret),
        )
        self.assertEqual(response.status_code, 201, response.content)

    def test_tokens_do_not_open_pages(self) -> None:
        _token, secret = self.token()
        response = Client().get(reverse("people:list"), **bearer(secret))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
