"""The coordinator's page of reminders: the plan, the texts per language, previews, resets."""

from django.conf import settings
from django.test import Client, TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.court import reminder_texts, reminders
from salvaguarda.court.models import ReminderPlan, ReminderText


class ReminderSettingsPageTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def setUp(self) -> None:
        self.url = reverse("court:reminder_settings")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    def page(self) -> Client:
        return sign_in(self.client, self.cast.coordinator)

    def in_scope(self) -> organization_scope:  # type: ignore[valid-type]
        return organization_scope(self.cast.org.pk)

    def test_only_a_coordinator_reaches_the_page(self) -> None:
        for name, user in self.cast.everyone().items():
            with self.subTest(name):
                self.client.logout()
                sign_in(self.client, user)
                expected = 200 if name in {"coordinator", "outsider"} else 404
                self.assertEqual(self.client.get(self.url).status_code, expected)
                self.assertEqual(
                    self.client.post(self.url, {"action": "plan"}).status_code, expected
                )
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)  # to sign in

    def test_the_page_shows_every_default_language_with_a_preview(self) -> None:
        client = self.page()
        response = client.get(self.url)
        self.assertContains(response, 'value="7, 2, 1"')
        for language in ("spa", "eng", "hat", "por", "fra"):
            self.assertContains(response, f'id="text-{language}"')
        # The Spanish preview of the day before, for the made-up Brownsville hearing.
        self.assertContains(response, "Dónde presentarse: Puente Nuevo (Gateway), lado mexicano")
        self.assertContains(response, "(hora de la corte)")

    def test_a_coordinator_sets_the_plan_and_it_is_audited(self) -> None:
        client = self.page()
        response = client.post(
            self.url, {"action": "plan", "days_before": "1, 10,3", "send_hour": "9"}
        )
        self.assertRedirects(response, self.url)
        with self.in_scope():
            plan = ReminderPlan.objects.get()
            self.assertEqual((plan.days_before, plan.send_hour), ([10, 3, 1], 9))
            self.assertEqual(reminders.plan_current(), ((10, 3, 1), 9))
        event = AuditEvent.objects.filter(object_uuid=plan.uuid).get()
        self.assertEqual((event.action, event.actor), ("create", self.cast.coordinator))

    def test_a_bad_plan_is_shown_again_with_what_was_typed_and_a_reason(self) -> None:
        client = self.page()
        for typed, hour, reason in [
            ("7, dos", "10", "Write whole numbers separated by commas"),
            ("45, 2", "10", "Each day must be a whole number from 1 to 30."),
            ("7, 2", "3", "Select a valid choice."),
        ]:
            with self.subTest(typed):
                response = client.post(
                    self.url, {"action": "plan", "days_before": typed, "send_hour": hour}
                )
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'value="{typed}"')
                self.assertContains(response, reason)
        with self.in_scope():
            self.assertFalse(ReminderPlan.objects.exists())

    def test_a_text_with_an_unknown_placeholder_is_refused_and_kept_as_typed(self) -> None:
        client = self.page()
        typed = "Hola {name}: audiencia el {date} a las {time}."
        response = client.post(
            self.url,
            {"action": "text", "language": "spa", "kind": "ahead", "spa-ahead-text": typed},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "{name} is not a value a reminder can fill in.")
        self.assertContains(response, typed)
        with self.in_scope():
            self.assertFalse(ReminderText.objects.exists())

    def test_the_spanish_page_explains_the_refusals_in_spanish(self) -> None:
        client = self.page()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
        response = client.post(
            self.url, {"action": "plan", "days_before": "7, 2", "send_hour": "3"}
        )
        self.assertContains(response, "Escoja una opción válida")
        self.assertContains(response, 'value="7, 2"')
        self.assertContains(response, '<html lang="es">')

    def test_a_coordinator_saves_previews_and_resets_a_text(self) -> None:
        client = self.page()
        own = "Recuerde: {date}, {time} (hora de la corte), {court}. Faltan {days} días."
        preview = client.post(
            self.url,
            {"action": "preview", "language": "spa", "kind": "ahead", "spa-ahead-text": own},
        )
        self.assertContains(preview, "Recuerde: lunes")
        self.assertContains(preview, "Faltan 7 días.")
        with self.in_scope():
            self.assertFalse(ReminderText.objects.exists())  # a preview saves nothing
        saved = client.post(
            self.url,
            {"action": "text", "language": "spa", "kind": "ahead", "spa-ahead-text": own},
        )
        self.assertRedirects(saved, f"{self.url}#text-spa", fetch_redirect_response=False)
        with self.in_scope():
            self.assertEqual(reminder_texts.text_for("spa", "ahead"), own)
        self.assertContains(client.get(self.url), "text of this organization")
        client.post(self.url, {"action": "reset", "language": "spa", "kind": "ahead"})
        with self.in_scope():
            self.assertEqual(
                reminder_texts.text_for("spa", "ahead"),
                reminder_texts.DEFAULT_TEXTS["spa"]["ahead"],
            )
        actions = AuditEvent.objects.filter(object_type="court.remindertext")
        self.assertEqual(
            list(actions.order_by("sequence").values_list("action", flat=True)),
            ["create", "delete"],
        )

    def test_another_language_can_be_given_its_own_texts(self) -> None:
        client = self.page()
        self.assertNotContains(client.get(self.url), 'id="text-quc"')
        page = client.get(self.url, {"language": "quc"})
        self.assertContains(page, 'id="text-quc"')
        self.assertContains(page, "these people receive the Spanish text")
        response = client.post(
            self.url,
            {
                "action": "text",
                "language": "quc",
                "kind": "day_before",
                "quc-day_before-text": "Chwe'q: {date}, {time}. {report_place} {report_time}.",
            },
        )
        self.assertRedirects(
            response, f"{self.url}?language=quc#text-quc", fetch_redirect_response=False
        )
        self.assertContains(client.get(self.url), 'id="text-quc"')  # now shown for good

    def test_an_outsider_changes_only_their_own_organization(self) -> None:
        sign_in(self.client, self.cast.outsider)
        self.client.post(
            self.url,
            {"action": "text", "language": "spa", "kind": "ahead", "spa-ahead-text": "{date}"},
        )
        with self.in_scope():
            self.assertFalse(ReminderText.objects.exists())
        with organization_scope(self.cast.other_org.pk):
            self.assertEqual(ReminderText.objects.get().text, "{date}")
