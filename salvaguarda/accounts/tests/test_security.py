from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client, TestCase
from django.urls import reverse

from salvaguarda.accounts import mfa
from salvaguarda.accounts.models import TOTPDevice, User, UserSession
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import PASSWORD, Cast, sign_in

NOW = datetime(2026, 11, 23, 18, 0, 0, tzinfo=UTC)
NEW_PASSWORD = "una contraseña nueva y bastante larga"


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:security")).status_code == 200


@time_machine.travel(NOW, tick=False)
class SecurityPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.user = cls.cast.caseworker
        secret = mfa.new_secret()
        TOTPDevice.objects.create(
            user=cls.user, sealed_secret=mfa.seal_secret(cls.user, secret), confirmed_at=NOW
        )

    def change(self, client: Client, current: str = PASSWORD, new: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
        return client.post(
            reverse("accounts:security"),
            {"current": current, "password1": new, "password2": new},
        )

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for name in ("security", "recovery_codes_regenerate"):
            response = self.client.post(reverse(f"accounts:{name}"))
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    # --- Password -----------------------------------------------------------------------------

    def test_changing_the_password_keeps_this_session_and_ends_the_others(self) -> None:
        here = sign_in(Client(), self.user)
        elsewhere = sign_in(Client(), self.user)
        colleague = sign_in(Client(), self.cast.legal)
        response = self.change(here)
        self.assertRedirects(response, reverse("accounts:security"))
        self.assertTrue(User.objects.get(pk=self.user.pk).check_password(NEW_PASSWORD))
        for _ in range(2):  # still signed in on the next requests, not only the first
            self.assertEqual(here.get(reverse("people:list")).status_code, 200)
        self.assertFalse(is_signed_in(elsewhere))
        self.assertTrue(is_signed_in(colleague))
        self.assertEqual(
            UserSession.objects.filter(user=self.user, ended_at__isnull=True).count(), 1
        )
        event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
        self.assertEqual(event.actor, self.user)

    def test_a_wrong_current_password_changes_nothing(self) -> None:
        here = sign_in(Client(), self.user)
        elsewhere = sign_in(Client(), self.user)
        response = self.change(here, current="not my password at all")
        self.assertEqual(response.status_code, 200)
        self.assertIn("current", response.context["form"].errors)
        self.assertTrue(User.objects.get(pk=self.user.pk).check_password(PASSWORD))
        self.assertTrue(is_signed_in(elsewhere))
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_CHANGED))

    def test_a_session_cannot_be_used_to_guess_the_password(self) -> None:
        here = sign_in(Client(), self.user)
        for _ in range(5):
            self.change(here, current="a wrong guess of the password")
        refused = self.change(here)  # even the right password is held back for a while
        self.assertIn("current", refused.context["form"].errors)
        self.assertTrue(User.objects.get(pk=self.user.pk).check_password(PASSWORD))
        with time_machine.travel(NOW + timedelta(minutes=16), tick=False):
            self.assertEqual(self.change(sign_in(Client(), self.user)).status_code, 302)
        self.assertTrue(User.objects.get(pk=self.user.pk).check_password(NEW_PASSWORD))

    def test_a_weak_or_mistyped_new_password_is_refused(self) -> None:
        here = sign_in(Client(), self.user)
        self.assertIn("password1", self.change(here, new="corta").context["form"].errors)
        mistyped = here.post(
            reverse("accounts:security"),
            {"current": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
        )
        self.assertIn("password2", mistyped.context["form"].errors)
        self.assertTrue(User.objects.get(pk=self.user.pk).check_password(PASSWORD))

    # --- Authenticator ------------------------------------------------------------------------

    def test_the_page_links_to_replacing_the_authenticator(self) -> None:
        response = sign_in(Client(), self.user).get(reverse("accounts:security"))
        self.assertTrue(response.context["has_authenticator"])
        self.assertContains(response, f'href="{reverse("accounts:enroll")}"')
        without = sign_in(Client(), self.cast.legal).get(reverse("accounts:security"))
        self.assertFalse(without.context["has_authenticator"])

    def test_replacing_the_authenticator_keeps_this_session_and_ends_the_others(self) -> None:
        here = sign_in(Client(), self.user)
        elsewhere = sign_in(Client(), self.user)
        self.assertContains(here.get(reverse("accounts:enroll")), "<svg")
        sealed = bytes.fromhex(here.session["salvaguarda_enrolling"])
        secret = mfa.open_secret(TOTPDevice(user=self.user, sealed_secret=sealed))
        done = here.post(
            reverse("accounts:enroll"), {"code": mfa.code_at(secret, NOW), "current": PASSWORD}
        )
        self.assertEqual(len(done.context["codes"]), mfa.RECOVERY_CODE_COUNT)
        self.assertEqual(mfa.open_secret(TOTPDevice.objects.get(user=self.user)), secret)
        self.assertEqual(here.get(reverse("people:list")).status_code, 200)
        self.assertFalse(is_signed_in(elsewhere))

    # --- Recovery codes -----------------------------------------------------------------------

    def test_the_page_shows_how_many_recovery_codes_are_unused(self) -> None:
        codes = mfa.new_recovery_codes(self.user)
        mfa.use_recovery_code(self.user, codes[0])
        response = sign_in(Client(), self.user).get(reverse("accounts:security"))
        self.assertEqual(response.context["recovery_codes_left"], mfa.RECOVERY_CODE_COUNT - 1)
        self.assertContains(response, str(mfa.RECOVERY_CODE_COUNT - 1))

    def test_new_recovery_codes_are_shown_once_and_replace_the_old_ones(self) -> None:
        old = mfa.new_recovery_codes(self.user)
        here = sign_in(Client(), self.user)
        elsewhere = sign_in(Client(), self.user)
        response = here.post(
            reverse("accounts:recovery_codes_regenerate"), {"codes-current": PASSWORD}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "accounts/recovery_codes.html")
        codes = response.context["codes"]
        self.assertEqual(len(codes), mfa.RECOVERY_CODE_COUNT)
        for code in codes:
            self.assertContains(response, code)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertFalse(mfa.use_recovery_code(self.user, old[0]))
        self.assertTrue(mfa.use_recovery_code(self.user, codes[0]))
        security = here.get(reverse("accounts:security"))
        self.assertEqual(security.status_code, 200)  # this session stays
        for code in codes:
            self.assertNotContains(security, code)
        self.assertFalse(is_signed_in(elsewhere))
        event = AuditEvent.objects.get(action=AuditEvent.Action.FACTOR_CHANGED)
        self.assertEqual(event.actor, self.user)
        self.assertEqual(event.detail, {"recovery_codes": "regenerated"})

    def test_a_session_without_the_password_cannot_replace_the_authenticator(self) -> None:
        before = TOTPDevice.objects.get(user=self.user).sealed_secret
        here = sign_in(Client(), self.user)
        here.get(reverse("accounts:enroll"))
        sealed = bytes.fromhex(here.session["salvaguarda_enrolling"])
        secret = mfa.open_secret(TOTPDevice(user=self.user, sealed_secret=sealed))
        response = here.post(
            reverse("accounts:enroll"), {"code": mfa.code_at(secret, NOW), "current": "wrong"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].has_error("current"))
        self.assertEqual(TOTPDevice.objects.get(user=self.user).sealed_secret, before)

    def test_a_session_without_the_password_cannot_make_new_recovery_codes(self) -> None:
        old = mfa.new_recovery_codes(self.user)
        here = sign_in(Client(), self.user)
        response = here.post(reverse("accounts:recovery_codes_regenerate"), {"codes-current": "x"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "accounts/security.html")
        self.assertTrue(response.context["codes_form"].has_error("current"))
        self.assertTrue(mfa.use_recovery_code(self.user, old[0]))

    def test_recovery_codes_are_only_made_on_post(self) -> None:
        client = sign_in(Client(), self.user)
        response = client.get(reverse("accounts:recovery_codes_regenerate"))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(mfa.unused_recovery_codes(self.user), 0)
