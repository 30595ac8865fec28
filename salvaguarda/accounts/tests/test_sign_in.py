from datetime import timedelta

import time_machine
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import Role, TOTPDevice, User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import PASSWORD, Cast, OrganizationFactory, member, sign_in

NOW = timezone.datetime(2026, 11, 23, 18, 0, 0, tzinfo=timezone.UTC)


def enroll(user: User) -> bytes:
    secret = mfa.new_secret()
    TOTPDevice.objects.create(
        user=user, sealed_secret=mfa.seal_secret(user, secret), confirmed_at=NOW
    )
    return secret


@time_machine.travel(NOW, tick=False)
class SignInTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = OrganizationFactory()
        cls.user = member(cls.org, Role.CASEWORKER, email="ana@example.org")
        cls.secret = enroll(cls.user)

    def password(self, email: str = "ana@example.org", password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("accounts:login"), {"email": email, "password": password}, **extra
        )

    def code(self, code: str):  # type: ignore[no-untyped-def]
        return self.client.post(reverse("accounts:second_factor"), {"code": code})

    def test_password_alone_does_not_sign_in(self) -> None:
        response = self.password()
        self.assertRedirects(
            response, reverse("accounts:second_factor") + "?next=/", fetch_redirect_response=False
        )
        self.assertRedirects(
            self.client.get(reverse("people:list")),
            reverse("accounts:login") + "?next=/personas/",
            fetch_redirect_response=False,
        )

    def test_password_and_code_sign_in(self) -> None:
        self.password()
        response = self.code(mfa.code_at(self.secret, NOW))
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(action="login", actor=self.user).exists())

    def test_a_code_cannot_be_used_twice(self) -> None:
        code = mfa.code_at(self.secret, NOW)
        self.password()
        self.code(code)
        self.client.post(reverse("accounts:logout"))
        self.password()
        response = self.code(code)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ya se usó")

    def test_a_code_from_the_previous_step_is_accepted_once(self) -> None:
        self.password()
        response = self.code(mfa.code_at(self.secret, NOW - timedelta(seconds=30)))
        self.assertEqual(response.status_code, 302)

    def test_a_code_from_long_ago_is_refused(self) -> None:
        self.password()
        response = self.code(mfa.code_at(self.secret, NOW - timedelta(minutes=5)))
        self.assertEqual(response.status_code, 200)

    def test_repeated_wrong_codes_lock_the_factor_for_a_while(self) -> None:
        self.password()
        for _ in range(3):
            self.code("000000" if mfa.code_at(self.secret, NOW) != "000000" else "111111")
        response = self.code(mfa.code_at(self.secret, NOW))
        self.assertContains(response, "Demasiados códigos incorrectos")
        with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
            self.password()
            self.assertEqual(
                self.code(mfa.code_at(self.secret, NOW + timedelta(minutes=2))).status_code, 302
            )

    def test_a_recovery_code_works_once(self) -> None:
        codes = mfa.new_recovery_codes(self.user)
        self.password()
        self.assertEqual(self.code(codes[0].lower()).status_code, 302)
        self.client.post(reverse("accounts:logout"))
        self.password()
        self.assertEqual(self.code(codes[0]).status_code, 200)

    def test_guessing_recovery_codes_locks_the_factor_too(self) -> None:
        self.password()
        for _ in range(3):
            self.code("AAAAA-BBBBB")
        response = self.code(mfa.code_at(self.secret, NOW))
        self.assertContains(response, "Demasiados códigos incorrectos")

    def test_the_answer_is_the_same_for_unknown_accounts_and_wrong_passwords(self) -> None:
        unknown = self.password(email="nobody@example.org")
        wrong = self.password(password="not the password at all")
        self.assertEqual(unknown.status_code, wrong.status_code)
        self.assertEqual(
            unknown.context["form"].non_field_errors(), wrong.context["form"].non_field_errors()
        )

    @override_settings(SALVAGUARDA_LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS=3)
    def test_guessing_from_one_address_is_throttled_without_locking_the_account(self) -> None:
        for _ in range(3):
            self.password(password="wrong password guess")
        blocked = self.password()
        self.assertContains(blocked, "Demasiados intentos fallidos")
        other_address = self.password(REMOTE_ADDR="10.1.2.3")
        self.assertEqual(other_address.status_code, 302)

    @override_settings(SALVAGUARDA_LOGIN_FAILURES_PER_ADDRESS=4)
    def test_guessing_many_accounts_from_one_address_is_throttled(self) -> None:
        for n in range(4):
            self.password(email=f"guess{n}@example.org")
        self.assertContains(self.password(), "Demasiados intentos fallidos")

    def test_failures_expire_after_the_window(self) -> None:
        for _ in range(5):
            self.password(password="wrong password guess")
        self.assertContains(self.password(), "Demasiados intentos fallidos")
        with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
            self.assertEqual(self.password().status_code, 302)

    def test_the_code_page_needs_a_fresh_password_step(self) -> None:
        self.password()
        with time_machine.travel(NOW + timedelta(minutes=6), tick=False):
            response = self.client.get(reverse("accounts:second_factor"))
            self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)

    def test_an_account_without_a_factor_must_enroll_before_signing_in(self) -> None:
        newcomer = member(self.org, Role.CASEWORKER, email="nuevo@example.org")
        response = self.password(email="nuevo@example.org")
        self.assertRedirects(
            response, reverse("accounts:enroll") + "?next=/", fetch_redirect_response=False
        )
        page = self.client.get(reverse("accounts:enroll"))
        self.assertContains(page, "<svg")
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 302)
        secret = mfa.open_secret(
            TOTPDevice(
                user=newcomer,
                sealed_secret=bytes.fromhex(self.client.session["salvaguarda_enrolling"]),
            )
        )
        done = self.client.post(reverse("accounts:enroll"), {"code": mfa.code_at(secret, NOW)})
        self.assertEqual(len(done.context["codes"]), 10)
        self.assertEqual(self.client.get(reverse("people:list")).status_code, 200)

    def test_a_wrong_enrollment_code_keeps_the_same_secret(self) -> None:
        member(self.org, Role.CASEWORKER, email="nuevo@example.org")
        self.password(email="nuevo@example.org")
        self.client.get(reverse("accounts:enroll"))
        sealed = self.client.session["salvaguarda_enrolling"]
        response = self.client.post(reverse("accounts:enroll"), {"code": "12345"})
        self.assertContains(response, "Escriba los 6 dígitos")
        self.assertEqual(self.client.session["salvaguarda_enrolling"], sealed)

    def test_next_cannot_send_people_to_another_site(self) -> None:
        self.client.post(
            reverse("accounts:login") + "?next=https://evil.example/",
            {"email": "ana@example.org", "password": PASSWORD},
        )
        response = self.code(mfa.code_at(self.secret, NOW))
        self.assertRedirects(response, "/", fetch_redirect_response=False)


class SessionLimitsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_a_session_ends_after_thirty_idle_minutes(self) -> None:
        with time_machine.travel(NOW, tick=False):
            client = sign_in(self.client, self.cast.caseworker)
        with time_machine.travel(NOW + timedelta(minutes=29), tick=False):
            self.assertEqual(client.get(reverse("people:list")).status_code, 200)
        with time_machine.travel(NOW + timedelta(minutes=60), tick=False):
            self.assertEqual(client.get(reverse("people:list")).status_code, 302)

    def test_activity_renews_the_idle_expiry_once_a_minute(self) -> None:
        from django.contrib.sessions.models import Session

        with time_machine.travel(NOW, tick=False):
            client = sign_in(self.client, self.cast.caseworker)
            client.get(reverse("people:list"))  # the first page keeps the CSRF secret
            key = client.session.session_key
            signed_in = Session.objects.get(session_key=key).expire_date
        with time_machine.travel(NOW + timedelta(seconds=50), tick=False):
            client.get(reverse("people:list"))
            self.assertEqual(Session.objects.get(session_key=key).expire_date, signed_in)
        with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
            client.get(reverse("people:list"))
            renewed = Session.objects.get(session_key=key).expire_date
        self.assertEqual(renewed, signed_in + timedelta(minutes=2))

    def test_a_session_ends_after_twelve_hours_even_when_active(self) -> None:
        with time_machine.travel(NOW, tick=False):
            client = sign_in(self.client, self.cast.caseworker)
        for minutes in range(20, 12 * 60, 20):
            with time_machine.travel(NOW + timedelta(minutes=minutes), tick=False):
                self.assertEqual(client.get(reverse("people:list")).status_code, 200, minutes)
        with time_machine.travel(NOW + timedelta(hours=12, minutes=1), tick=False):
            self.assertEqual(client.get(reverse("people:list")).status_code, 302)

    def test_logout_ends_the_session_and_clears_site_data(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        key = client.session.session_key
        response = client.post(reverse("accounts:logout"))
        self.assertEqual(response["Clear-Site-Data"], '"cache", "cookies", "storage"')
        from django.contrib.sessions.models import Session

        self.assertFalse(Session.objects.filter(session_key=key).exists())
        self.assertEqual(client.get(reverse("people:list")).status_code, 302)

    def test_quick_exit_ends_the_session_and_leaves(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        response = client.post(reverse("accounts:quick_exit"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("https://"))
        self.assertIn("storage", response["Clear-Site-Data"])
        self.assertEqual(client.get(reverse("people:list")).status_code, 302)

    def test_deactivating_an_account_ends_its_sessions(self) -> None:
        client = sign_in(self.client, self.cast.caseworker)
        user = self.cast.caseworker
        user.is_active = False
        user.save()
        self.assertEqual(client.get(reverse("people:list")).status_code, 302)

    def test_a_security_stamp_change_ends_every_session(self) -> None:
        from salvaguarda.accounts.services import rotate_security_stamp

        client = sign_in(self.client, self.cast.caseworker)
        rotate_security_stamp(self.cast.caseworker)
        self.assertEqual(client.get(reverse("people:list")).status_code, 302)


class OrganizationSwitchTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.cast.legal.memberships.create(organization=cls.cast.other_org, role=Role.ANALYST)

    def test_the_active_organization_shows_on_every_page_and_can_be_switched(self) -> None:
        client = sign_in(self.client, self.cast.legal)
        self.assertContains(client.get("/"), 'data-testid="active-organization">TIJ')
        other = self.cast.legal.memberships.get(organization=self.cast.other_org)
        client.post(reverse("accounts:switch_organization"), {"membership": str(other.uuid)})
        page = client.get("/")
        self.assertContains(page, 'data-testid="active-organization">MTY')
        self.assertEqual(client.get(reverse("people:list")).status_code, 404)  # analyst there

    def test_it_refuses_a_membership_of_someone_else(self) -> None:
        client = sign_in(self.client, self.cast.legal)
        foreign = self.cast.outsider.memberships.get()
        response = client.post(
            reverse("accounts:switch_organization"), {"membership": str(foreign.uuid)}
        )
        self.assertEqual(response.status_code, 403)
        self.assertContains(client.get("/"), 'data-testid="active-organization">TIJ')


class LanguageTest(TestCase):
    def test_spanish_is_the_default_and_english_can_be_chosen(self) -> None:
        page = self.client.get(reverse("accounts:login"))
        self.assertContains(page, '<html lang="es">')
        response = self.client.post(
            reverse("accounts:set_language"), {"language": "en", "next": "/cuenta/entrar/"}
        )
        self.assertRedirects(response, "/cuenta/entrar/", fetch_redirect_response=False)
        self.assertContains(self.client.get(reverse("accounts:login")), '<html lang="en">')

    def test_a_signed_in_user_keeps_the_language_in_the_account(self) -> None:
        cast = Cast.build()
        client = sign_in(self.client, cast.caseworker)
        client.post(reverse("accounts:set_language"), {"language": "en"})
        cast.caseworker.refresh_from_db()
        self.assertEqual(cast.caseworker.language, "en")
