from django.contrib.sessions.models import Session
from django.test import Client, TestCase
from django.urls import reverse

from salvaguarda.accounts.models import User, UserSession
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, UserFactory, sign_in


def browser(user: User, user_agent: str) -> Client:
    """A signed-in browser whose tracked session shows `user_agent`."""
    client = sign_in(Client(), user)
    UserSession.objects.filter(pk=tracked(client).pk).update(user_agent=user_agent)
    return client


def tracked(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def is_signed_in(client: Client) -> bool:
    return client.get(reverse("accounts:session_list")).status_code == 200


class SessionPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for name in ("session_list", "session_end", "session_end_others"):
            response = self.client.post(reverse(f"accounts:{name}"))
            self.assertEqual(response.status_code, 302, name)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_the_list_shows_open_sessions_and_marks_this_browser(self) -> None:
        phone = browser(self.cast.caseworker, "Mozilla/5.0 (Android 14) Firefox/140.0")
        laptop = browser(self.cast.caseworker, "Mozilla/5.0 (X11; Linux) Chrome/139.0")
        browser(self.cast.legal, "Someone Else's Browser/1.0")
        ended = browser(self.cast.caseworker, "An Ended Browser/1.0")
        ended.post(reverse("accounts:logout"))
        response = laptop.get(reverse("accounts:session_list"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Firefox/140.0")
        self.assertContains(response, "Chrome/139.0")
        self.assertNotContains(response, "Someone Else")
        self.assertNotContains(response, "An Ended Browser")
        marks = {session.pk: current for session, current in response.context["sessions"]}
        self.assertEqual(marks, {tracked(laptop).pk: True, tracked(phone).pk: False})
        self.assertContains(response, '<tr aria-current="true">', count=1)
        self.assertNotContains(response, laptop.session.session_key)
        self.assertNotContains(response, phone.session.session_key)

    def test_a_signed_in_account_without_an_organization_sees_its_sessions(self) -> None:
        client = sign_in(Client(), UserFactory())
        self.assertEqual(client.get(reverse("accounts:session_list")).status_code, 200)

    def test_ending_another_session_signs_that_browser_out(self) -> None:
        phone = browser(self.cast.caseworker, "Phone")
        laptop = browser(self.cast.caseworker, "Laptop")
        phone_session = tracked(phone)
        response = laptop.post(reverse("accounts:session_end"), {"session": phone_session.pk})
        self.assertRedirects(response, reverse("accounts:session_list"))
        self.assertFalse(Session.objects.filter(session_key=phone_session.session_key).exists())
        phone_session.refresh_from_db()
        self.assertIsNotNone(phone_session.ended_at)
        self.assertFalse(is_signed_in(phone))
        self.assertTrue(is_signed_in(laptop))
        self.assertEqual(laptop.get(reverse("people:list")).status_code, 200)
        event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
        self.assertEqual(event.actor, self.cast.caseworker)

    def test_a_session_of_someone_else_cannot_be_ended(self) -> None:
        mine = browser(self.cast.caseworker, "Mine")
        theirs = browser(self.cast.legal, "Theirs")
        response = mine.post(reverse("accounts:session_end"), {"session": tracked(theirs).pk})
        self.assertEqual(response.status_code, 404)
        self.assertTrue(is_signed_in(theirs))
        self.assertIsNone(tracked(theirs).ended_at)
        self.assertFalse(AuditEvent.objects.filter(action=AuditEvent.Action.SESSION_ENDED))

    def test_a_missing_or_malformed_session_id_gives_404(self) -> None:
        client = browser(self.cast.caseworker, "Mine")
        for value in ("", "abc", "-1", "１", "99999999999999999999999999", "0"):
            response = client.post(reverse("accounts:session_end"), {"session": value})
            self.assertEqual(response.status_code, 404, value)
        self.assertEqual(client.post(reverse("accounts:session_end")).status_code, 404)
        self.assertTrue(is_signed_in(client))

    def test_ending_only_needs_a_post(self) -> None:
        client = browser(self.cast.caseworker, "Mine")
        self.assertEqual(client.get(reverse("accounts:session_end")).status_code, 405)
        self.assertEqual(client.get(reverse("accounts:session_end_others")).status_code, 405)

    def test_ending_this_browsers_own_session_signs_out(self) -> None:
        client = browser(self.cast.caseworker, "Mine")
        own = tracked(client)
        response = client.post(reverse("accounts:session_end"), {"session": own.pk})
        self.assertEqual(response.status_code, 200)
        self.assertIn("storage", response["Clear-Site-Data"])
        self.assertFalse(is_signed_in(client))
        own.refresh_from_db()
        self.assertIsNotNone(own.ended_at)

    def test_ending_every_other_session_keeps_this_one(self) -> None:
        here = browser(self.cast.caseworker, "Here")
        others = [browser(self.cast.caseworker, f"Other {n}") for n in range(2)]
        colleague = browser(self.cast.legal, "Colleague")
        response = here.post(reverse("accounts:session_end_others"))
        self.assertRedirects(response, reverse("accounts:session_list"))
        for other in others:
            self.assertFalse(is_signed_in(other))
        self.assertTrue(is_signed_in(here))
        self.assertTrue(is_signed_in(colleague))
        self.assertEqual(
            UserSession.objects.filter(user=self.cast.caseworker, ended_at__isnull=True).count(), 1
        )
        event = AuditEvent.objects.get(action=AuditEvent.Action.SESSION_ENDED)
        self.assertEqual(event.actor, self.cast.caseworker)
        self.assertEqual(event.detail, {"count": 2})

    def test_the_footer_links_to_sessions_and_security(self) -> None:
        page = browser(self.cast.analyst, "Mine").get("/")
        self.assertContains(page, f'href="{reverse("accounts:session_list")}"')
        self.assertContains(page, f'href="{reverse("accounts:security")}"')
