import re
from datetime import UTC, datetime, timedelta

import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from salvaguarda.accounts import services
from salvaguarda.accounts.models import Invitation, Membership, Role, User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast

NOW = datetime(2026, 11, 23, 18, 0, 0, tzinfo=UTC)
NEW_PASSWORD = "otra frase larga y poco común"


def last_invitation_path() -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body)
    assert found is not None, mail.outbox[-1].body
    return found.group(1)


@time_machine.travel(NOW, tick=False)
class InvitationTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):  # the e-mail leaves on commit
            self.membership = services.member_invite(
                by=self.cast.coordinator,
                organization=self.cast.org,
                email="invitada@example.org",
                full_name="Persona Invitada",
                role=Role.LEGAL,
            )
        self.path = last_invitation_path()

    def accept(self, password: str = NEW_PASSWORD, again: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(self.path, {"password1": password, "password2": again or password})

    def test_the_e_mail_links_to_the_invitation_page(self) -> None:
        self.assertEqual(mail.outbox[0].to, ["invitada@example.org"])
        self.assertIn(settings.SALVAGUARDA_BASE_URL + self.path, mail.outbox[0].body)
        token = self.path.rstrip("/").rsplit("/", 1)[-1]
        self.assertEqual(self.path, reverse("accounts:invitation", kwargs={"token": token}))
        self.assertGreaterEqual(len(token), 40)
        stored = Invitation.objects.get(membership=self.membership)
        self.assertNotIn(token, stored.token_hash)  # only a hash is kept

    def test_the_page_shows_the_organization_and_the_role(self) -> None:
        response = self.client.get(self.path)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.cast.org.name)
        self.assertEqual(response.context["membership"], self.membership)
        self.assertContains(response, self.membership.get_role_display())
        self.assertContains(response, 'autocomplete="new-password"')

    def test_accepting_sets_a_usable_password_and_leads_to_sign_in(self) -> None:
        response = self.accept()
        self.assertRedirects(response, reverse("accounts:login"), fetch_redirect_response=False)
        self.assertEqual(len(list(get_messages(response.wsgi_request))), 1)
        user = User.objects.get(email="invitada@example.org")
        self.assertTrue(user.has_usable_password())
        self.assertTrue(user.check_password(NEW_PASSWORD))
        signed = self.client.post(
            reverse("accounts:login"), {"email": "invitada@example.org", "password": NEW_PASSWORD}
        )
        self.assertRedirects(
            signed, reverse("accounts:enroll") + "?next=/", fetch_redirect_response=False
        )
        event = AuditEvent.objects.get(action=AuditEvent.Action.PASSWORD_CHANGED)
        self.assertEqual(event.actor, user)
        self.assertEqual(event.organization, self.cast.org)

    def test_the_link_works_once(self) -> None:
        self.accept()
        self.assertEqual(self.client.get(self.path).status_code, 404)
        self.assertEqual(self.accept("yet another long passphrase").status_code, 404)
        user = User.objects.get(email="invitada@example.org")
        self.assertTrue(user.check_password(NEW_PASSWORD))

    def test_an_expired_link_gives_404(self) -> None:
        days = settings.SALVAGUARDA_INVITATION_DAYS
        with time_machine.travel(NOW + timedelta(days=days, minutes=-1), tick=False):
            self.assertEqual(self.client.get(self.path).status_code, 200)
        with time_machine.travel(NOW + timedelta(days=days, minutes=1), tick=False):
            self.assertEqual(self.client.get(self.path).status_code, 404)
            self.assertEqual(self.accept().status_code, 404)
        self.assertFalse(User.objects.get(email="invitada@example.org").has_usable_password())

    def test_an_unknown_token_gives_404(self) -> None:
        response = self.client.get(reverse("accounts:invitation", kwargs={"token": "inventado"}))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.post(response.wsgi_request.path).status_code, 404)

    def test_different_passwords_reshow_the_form(self) -> None:
        response = self.accept(again="something else entirely")
        self.assertEqual(response.status_code, 200)
        self.assertIn("password2", response.context["form"].errors)
        self.assertFalse(User.objects.get(email="invitada@example.org").has_usable_password())

    def test_a_short_password_is_refused(self) -> None:
        response = self.accept("corta")
        self.assertEqual(response.status_code, 200)
        self.assertIn("password1", response.context["form"].errors)
        self.assertEqual(self.client.get(self.path).status_code, 200)

    def test_the_link_of_a_deactivated_membership_gives_404(self) -> None:
        services.member_deactivate(by=self.cast.coordinator, membership=self.membership)
        self.assertEqual(self.client.get(self.path).status_code, 404)

    def test_accepting_one_invitation_voids_the_others_of_the_same_account(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            services.member_invite(
                by=self.cast.outsider,
                organization=self.cast.other_org,
                email="invitada@example.org",
                full_name="Persona Invitada",
                role=Role.CASEWORKER,
            )
        second = last_invitation_path()
        self.assertNotEqual(second, self.path)
        self.accept()
        self.assertEqual(self.client.get(second).status_code, 404)
        self.assertEqual(
            Membership.objects.filter(user__email="invitada@example.org", is_active=True).count(),
            2,
        )
