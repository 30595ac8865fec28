"""Signatures collected on a letter's public page: asked for without an account, confirmed by an
e-mailed link, counted only once an editor approved or merged them; withdrawn by the signer;
the limits against spam; the editors' part; isolation, encryption, audit; and the API."""

import datetime
import re
from io import StringIO
from typing import Any
from unittest import skipUnless

import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import ApiCalls, raw, sign_in
from salvaguarda.core.tests.test_rls import PROBE_ROLE, ensure_probe_role
from salvaguarda.core.writes import update
from salvaguarda.letters import queries, queries_signing, services, services_signing
from salvaguarda.letters.models import Letter, Signatory, SignatureRequest, SignOnPage
from salvaguarda.letters.tests.letters import SPANISH, ImportedLetterTestCase

Status = SignatureRequest.Status
ORGANIZATION = {
    "kind": "organization",
    "name": "Albergue Las Palmas",
    "acronym": "ALP",
    "country": "México",
    "organization_kind": "shelter",
    "contact_name": "Rosa Contacto",
    "email": "rosa@laspalmas.example.org",
    "authorized": "on",
    "language": "es",
}
COALITION = {
    "kind": "coalition",
    "name": "Red Sur",
    "members": "Casa Uno\n  Casa   Dos \n\nCasa Tres\n",
    "contact_name": "Tomás Enlace",
    "email": "enlace@redsur.example.org",
    "authorized": "on",
}
PERSON = {
    "kind": "individual",
    "name": "Lucía Pérez",
    "title": "investigadora",
    "affiliation": "Colegio de la Frontera Norte",
    "email": "lucia@example.org",
}
# 2026-03-10 22:00 in Tijuana (PDT, UTC-7): still the 10th there, already the 11th in UTC.
LATE_ON_THE_10TH = datetime.datetime(2026, 3, 11, 5, 0, tzinfo=datetime.UTC)
EARLY_ON_THE_11TH = datetime.datetime(2026, 3, 11, 8, 0, tzinfo=datetime.UTC)


class SigningTestCase(ImportedLetterTestCase):
    """An open two-language letter imported by the lawyer (its editor), with its public page."""

    importer = "legal"

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        with organization_scope(cls.cast.org.pk):
            update(cls.letter, by=cls.cast.legal, values={"status": Letter.Status.OPEN})
            cls.page = services_signing.sign_on_page_open(by=cls.cast.legal, letter=cls.letter)

    def setUp(self) -> None:
        self.url = reverse("signing:sign", args=[self.page.token])

    def sign(self, data: dict[str, Any], client: Client | None = None, **extra: Any) -> Any:
        """POST the public form (anonymous by default); the e-mails of the commit are sent."""
        with self.captureOnCommitCallbacks(execute=True):
            return (client or self.client).post(self.url, data, **extra)

    def link(self, purpose: str, message: int = -1) -> str:
        word = {"confirm": "confirmar", "withdraw": "retirar"}[purpose]
        found = re.search(rf"(/firmar/{word}/\S+/)", mail.outbox[message].body)
        assert found is not None, mail.outbox[message].body
        return found[1]

    def requests(self) -> list[SignatureRequest]:
        with organization_scope(self.cast.org.pk):
            rows = list(SignatureRequest.objects.order_by("id"))
            for row in rows:
                _ = (row.email, row.contact_name)  # decrypted inside the scope
            return rows

    def request_(self) -> SignatureRequest:
        found = self.requests()
        self.assertEqual(len(found), 1)
        return found[0]

    def signed_and_confirmed(self, data: dict[str, Any]) -> SignatureRequest:
        self.sign(data)
        self.client.post(self.link("confirm"))
        return self.requests()[-1]

    def editor(self, user: Any = None) -> Client:
        return sign_in(Client(), user or self.cast.legal)

    def action(self, name: str, signature: SignatureRequest) -> str:
        return reverse(f"signing:{name}", args=[self.letter.uuid, signature.uuid])

    def set_status(self, status: str, **values: Any) -> None:
        with organization_scope(self.cast.org.pk):
            update(self.letter, by=self.cast.legal, values={"status": status, **values})


class SigningFlowTests(SigningTestCase):
    def test_an_organization_signs_confirms_and_is_added_at_the_end_by_an_editor(self) -> None:
        page = self.client.get(self.url)
        self.assertContains(page, "Protección para personas devueltas")
        self.assertContains(page, 'data-testid="sign-form"')

        answer = self.sign(ORGANIZATION)
        self.assertContains(answer, 'data-testid="answer-sent"')
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["rosa@laspalmas.example.org"])
        self.assertIn("Protección para personas devueltas", mail.outbox[0].subject)
        signature = self.request_()
        self.assertEqual((signature.status, signature.kind), (Status.UNCONFIRMED, "organization"))

        # Nothing counts yet; a mail scanner opening the link (GET) confirms nothing.
        before = self.names()
        confirm = self.client.get(self.link("confirm"))
        self.assertContains(confirm, 'data-testid="confirm"')
        self.assertEqual(self.request_().status, Status.UNCONFIRMED)
        self.assertNotContains(self.editor().get(self.detail()), 'data-testid="pending-signature"')

        self.client.post(self.link("confirm"))
        signature = self.request_()
        self.assertEqual(signature.status, Status.PENDING)
        self.assertIsNotNone(signature.confirmed_at)
        self.assertEqual(self.names(), before)  # still not on the letter
        self.assertNotContains(self.client.get(self.url), "Albergue Las Palmas")

        editor = self.editor()
        detail = editor.get(self.detail())
        self.assertContains(detail, 'data-testid="pending-signature"')
        self.assertContains(detail, "rosa@laspalmas.example.org")
        response = editor.post(self.action("approve", signature))
        self.assertRedirects(response, self.detail() + "#h-signing", fetch_redirect_response=False)

        organizations, individuals = self.names()
        self.assertEqual(organizations[:-1], before[0])
        self.assertEqual(organizations[-1], f"{len(organizations)}. Albergue Las Palmas")
        self.assertEqual(individuals, before[1])
        signature = self.request_()
        self.assertEqual(
            (signature.status, signature.decided_by), (Status.APPROVED, self.cast.legal)
        )
        with organization_scope(self.cast.org.pk):
            signatory = Signatory.objects.get(pk=signature.signatory_id)
            self.assertEqual(
                (signatory.acronym, signatory.country, signatory.organization_kind),
                ("ALP", "México", "shelter"),
            )
            self.assertEqual(signatory.contact_email, "rosa@laspalmas.example.org")
            self.assertEqual(signatory.representative, "Rosa Contacto")
            self.assertEqual(signatory.representative_verified_by, self.cast.legal)
            self.assertIsNotNone(signatory.representative_verified_at)
        public = self.client.get(self.url)
        self.assertContains(public, f"{len(organizations)}. Albergue Las Palmas (ALP), México")

    def test_a_coalition_signs_with_its_members_one_per_line(self) -> None:
        signature = self.signed_and_confirmed(COALITION)
        self.assertEqual(signature.members, ["Casa Uno", "Casa Dos", "Casa Tres"])
        self.scoped(services_signing.signature_approve, by=self.cast.legal, signature=signature)
        with organization_scope(self.cast.org.pk):
            organizations, _ = queries.numbered(list(self.letter.signatories.all()))
        last = organizations[-1]
        self.assertEqual((last.signatory.name, last.signatory.kind), ("Red Sur", "coalition"))
        self.assertEqual([m.name for m in last.members], ["Casa Uno", "Casa Dos", "Casa Tres"])

    def test_a_person_signs_with_a_name_and_needs_no_contact_person(self) -> None:
        signature = self.signed_and_confirmed(PERSON)
        self.assertFalse(signature.contact_name)
        before = self.names()
        self.scoped(services_signing.signature_approve, by=self.cast.legal, signature=signature)
        organizations, individuals = self.names()
        self.assertEqual(organizations, before[0])
        self.assertEqual(individuals[-1], f"{len(individuals)}. Lucía Pérez")
        with organization_scope(self.cast.org.pk):
            signatory = Signatory.objects.get(name="Lucía Pérez")
            self.assertEqual(signatory.title, "investigadora")
            self.assertFalse(signatory.representative)
            self.assertEqual(signatory.contact_email, "lucia@example.org")

    def test_the_letter_is_shown_in_the_visitors_language_with_a_switch(self) -> None:
        spanish = self.client.get(self.url)
        self.assertContains(spanish, '<html lang="es">')
        self.assertContains(spanish, 'href="?lang=en"')
        english = self.client.get(self.url + "?lang=en")
        self.assertContains(english, "Protection for returned people")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, "Signatory organizations")
        self.assertNotContains(english, "Protección para personas devueltas")

    def test_the_confirmation_goes_in_the_language_of_the_version_read(self) -> None:
        self.sign({**PERSON, "language": "en"})
        self.assertIn("Protection for returned people", mail.outbox[0].subject)
        self.assertEqual(self.request_().language, "en")
        self.assertIn("Confirm your signature", mail.outbox[0].subject)

    def test_a_signed_in_visitor_of_another_organization_signs_like_anyone(self) -> None:
        outsider = self.editor(self.cast.outsider)
        self.assertContains(outsider.get(self.url), 'data-testid="sign-form"')
        self.assertContains(self.sign(PERSON, client=outsider), 'data-testid="answer-sent"')
        self.assertEqual(outsider.post(self.link("confirm")).status_code, 200)
        self.assertEqual(self.request_().status, Status.PENDING)
        # Their own organization's pages still work in the same session.
        self.assertEqual(outsider.get(reverse("letters:list")).status_code, 200)

    def test_the_editor_opens_the_public_page_once(self) -> None:
        with organization_scope(self.cast.org.pk):
            other = services.letter_import(
                by=self.cast.legal, organization=self.cast.org, texts={"es": SPANISH}
            )
        editor = self.editor()
        detail = reverse("letters:detail", args=[other.uuid])
        self.assertContains(editor.get(detail), 'data-testid="open-sign-on"')
        for _ in range(2):
            editor.post(reverse("signing:open", args=[other.uuid]))
        page = SignOnPage.objects.get(letter=other)
        self.assertEqual(len(page.token), 43)
        self.assertContains(editor.get(detail), queries_signing.public_link(page))
        opened = AuditEvent.objects.filter(
            action="update", object_uuid=other.uuid, fields=["sign_on_page"]
        )
        self.assertEqual([e.actor_id for e in opened], [self.cast.legal.pk])

    def detail(self) -> str:
        return reverse("letters:detail", args=[self.letter.uuid])


class WithdrawalTests(SigningTestCase):
    def test_a_request_is_withdrawn_before_it_is_confirmed(self) -> None:
        self.sign(ORGANIZATION)
        self.assertContains(self.client.get(self.link("withdraw")), 'data-testid="withdraw"')
        self.assertEqual(self.request_().status, Status.UNCONFIRMED)
        self.client.post(self.link("withdraw"))
        self.assertEqual(self.request_().status, Status.WITHDRAWN)
        self.client.post(self.link("confirm"))
        self.assertEqual(self.request_().status, Status.WITHDRAWN)

    def test_a_signature_withdrawn_after_approval_leaves_the_letter(self) -> None:
        signature = self.signed_and_confirmed(COALITION)
        before = self.names()
        signatory = self.scoped(
            services_signing.signature_approve, by=self.cast.legal, signature=signature
        )
        self.assertNotEqual(self.names(), before)
        response = self.client.post(self.link("withdraw"))
        self.assertContains(response, 'data-testid="link-state"')
        self.assertEqual(self.names(), before)  # the coalition and its members are gone
        signature = self.request_()
        self.assertEqual((signature.status, signature.signatory_id), (Status.WITHDRAWN, None))
        removed = AuditEvent.objects.get(action="delete", object_uuid=signatory.uuid)
        self.assertIsNone(removed.actor_id)
        self.assertEqual(removed.detail, {"withdrawn": str(signature.uuid)})

    def test_others_who_signed_through_a_withdrawn_signatory_wait_again(self) -> None:
        first = self.signed_and_confirmed(ORGANIZATION)
        second = self.signed_and_confirmed(
            {**ORGANIZATION, "contact_name": "Otra Persona", "email": "otra@laspalmas.example.org"}
        )
        signatory = self.scoped(
            services_signing.signature_approve, by=self.cast.legal, signature=first
        )
        self.scoped(
            services_signing.signature_merge,
            by=self.cast.legal,
            signature=second,
            into=signatory,
        )
        self.client.post(self.link("withdraw", message=0))  # the first signer's e-mail
        statuses = {r.pk: (r.status, r.signatory_id) for r in self.requests()}
        self.assertEqual(statuses[first.pk], (Status.WITHDRAWN, None))
        self.assertEqual(statuses[second.pk], (Status.PENDING, None))

    def test_a_merge_or_a_removal_by_an_editor_carries_the_signatures_along(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        added = self.scoped(
            services_signing.signature_approve, by=self.cast.legal, signature=signature
        )
        with organization_scope(self.cast.org.pk):
            kept = Signatory.objects.filter(coalition=None, kind="organization").first()
        self.scoped(services.signatory_merge, by=self.cast.legal, keep=kept, duplicate=added)
        self.assertEqual(
            (self.request_().status, self.request_().signatory_id), (Status.APPROVED, kept.pk)
        )
        self.scoped(services.signatory_remove, by=self.cast.legal, signatory=kept)
        self.assertEqual(
            (self.request_().status, self.request_().signatory_id), (Status.PENDING, None)
        )

    def test_a_signature_cannot_be_withdrawn_once_the_letter_is_sent(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        self.scoped(services_signing.signature_approve, by=self.cast.legal, signature=signature)
        self.set_status(Letter.Status.SENT)
        before = self.names()
        self.assertNotContains(self.client.get(self.link("withdraw")), 'data-testid="withdraw"')
        response = self.client.post(self.link("withdraw"))
        self.assertContains(response, 'data-testid="link-error"')
        self.assertEqual(self.names(), before)
        self.assertEqual(self.request_().status, Status.APPROVED)

    def test_a_confirmation_link_expires(self) -> None:
        with time_machine.travel(LATE_ON_THE_10TH, tick=False):
            self.sign(ORGANIZATION)
        with time_machine.travel(LATE_ON_THE_10TH + datetime.timedelta(days=8), tick=False):
            response = self.client.post(self.link("confirm"))
            self.assertContains(response, 'data-testid="link-error"')
            self.assertEqual(self.request_().status, Status.UNCONFIRMED)
            # An expired request holds the address no more: signing again is a new request.
            self.sign(ORGANIZATION)
            self.assertEqual(len(self.requests()), 2)
            self.client.post(self.link("confirm"))
            self.assertEqual(self.requests()[-1].status, Status.PENDING)

    def test_a_link_that_names_no_request_is_404(self) -> None:
        self.sign(ORGANIZATION)
        good = self.link("confirm")
        self.assertEqual(self.client.get(good[:-5] + "xxxx/").status_code, 404)
        self.assertEqual(self.client.get("/firmar/confirmar/9999.abc/").status_code, 404)
        self.assertEqual(self.client.get("/firmar/retirar/nada/").status_code, 404)
        self.assertEqual(self.client.get("/firmar/no-existe/").status_code, 404)


class SpamTests(SigningTestCase):
    def test_each_kind_needs_its_own_fields_and_what_was_typed_is_shown_again(self) -> None:
        cases = [
            (
                {**ORGANIZATION, "contact_name": "", "authorized": ""},
                {"contact_name", "authorized"},
            ),
            ({**PERSON, "name": ""}, {"name"}),
            ({**COALITION, "members": "\n".join(f"Casa {n}" for n in range(101))}, {"members"}),
            ({**PERSON, "email": "no es un correo"}, {"email"}),
            ({**PERSON, "kind": "robot"}, {"kind"}),
        ]
        for data, fields in cases:
            response = self.sign(data)
            self.assertEqual(set(response.context["form"].errors), fields, data)
        response = self.sign({**ORGANIZATION, "contact_name": ""})
        self.assertContains(response, 'value="Albergue Las Palmas"')
        response = self.sign({**PERSON, "email": "no es un correo"})
        self.assertContains(response, "Introduzca una dirección de correo electrónico válida.")
        self.assertEqual(self.requests(), [])
        self.assertEqual(mail.outbox, [])

    def test_oversize_input_is_refused(self) -> None:
        response = self.sign({**ORGANIZATION, "name": "A" * 301})
        self.assertContains(response, "tiene 301")
        self.assertEqual(self.sign({**COALITION, "members": "x" * 70_000}).status_code, 413)
        with self.assertRaises(Exception) as raised:
            self.scoped(
                services_signing.signature_request,
                page=self.page,
                letter=self.letter,
                data={**COALITION, "members": ["x" * 301]},
                address="192.0.2.9",
            )
        self.assertIn("members", raised.exception.message_dict)  # type: ignore[attr-defined]
        self.assertEqual(self.requests(), [])

    def test_a_filled_honeypot_is_answered_as_a_success_and_dropped(self) -> None:
        response = self.sign({**ORGANIZATION, "website": "http://spam.example"})
        self.assertContains(response, 'data-testid="answer-sent"')
        self.assertEqual(self.requests(), [])
        self.assertEqual(mail.outbox, [])

    def test_an_address_that_already_signed_gets_the_same_answer_and_no_second_request(
        self,
    ) -> None:
        with time_machine.travel(LATE_ON_THE_10TH, tick=False):
            first = self.sign(ORGANIZATION)
            again = self.sign({**ORGANIZATION, "email": "ROSA@laspalmas.example.org"})
        self.assertEqual(first.status_code, again.status_code)
        self.assertContains(again, 'data-testid="answer-sent"')
        self.assertEqual(len(self.requests()), 1)
        self.assertEqual(len(mail.outbox), 1)
        old = self.link("confirm")
        # An hour later the unconfirmed request gets new links; the old ones stop working.
        with time_machine.travel(LATE_ON_THE_10TH + datetime.timedelta(hours=2), tick=False):
            self.sign(ORGANIZATION)
            self.assertEqual(len(self.requests()), 1)
            self.assertEqual(len(mail.outbox), 2)
            self.assertEqual(self.client.post(old).status_code, 404)
            self.client.post(self.link("confirm"))
        self.assertEqual(self.request_().status, Status.PENDING)
        # Once confirmed, nothing more is sent to it.
        self.sign(ORGANIZATION)
        self.assertEqual(len(mail.outbox), 2)

    @override_settings(SALVAGUARDA_SIGN_ON_PER_ADDRESS_PER_HOUR=2)
    def test_one_address_is_limited_per_hour(self) -> None:
        with time_machine.travel(LATE_ON_THE_10TH, tick=False):
            for n in range(2):
                self.assertEqual(
                    self.sign({**PERSON, "email": f"p{n}@example.org"}).status_code, 200
                )
            limited = self.sign({**PERSON, "email": "p3@example.org"})
            self.assertEqual(limited.status_code, 429)
            self.assertContains(limited, 'data-testid="answer-limited"', status_code=429)
            other = self.sign({**PERSON, "email": "p4@example.org"}, REMOTE_ADDR="192.0.2.50")
            self.assertEqual(other.status_code, 200)
        with time_machine.travel(LATE_ON_THE_10TH + datetime.timedelta(minutes=61), tick=False):
            self.assertEqual(self.sign({**PERSON, "email": "p5@example.org"}).status_code, 200)
        self.assertEqual(len(self.requests()), 4)

    @override_settings(SALVAGUARDA_SIGN_ON_PER_LETTER_PER_HOUR=2)
    def test_one_letter_is_limited_per_hour(self) -> None:
        for n in range(3):
            response = self.sign(
                {**PERSON, "email": f"p{n}@example.org"}, REMOTE_ADDR=f"192.0.2.{n + 1}"
            )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self.requests()), 2)

    def test_the_address_is_kept_only_as_a_keyed_hash(self) -> None:
        self.sign(ORGANIZATION, REMOTE_ADDR="203.0.113.77")
        signature = self.request_()
        self.assertRegex(signature.address_key, r"^[0-9a-f]{64}$")
        self.assertEqual(signature.address_key, services_signing.address_key("203.0.113.77"))
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM letters_signaturerequest WHERE id = %s", [signature.pk])
            row = " ".join(str(value) for value in cursor.fetchone())
        self.assertNotIn("203.0.113.77", row)

    def test_a_closed_letter_or_a_passed_deadline_collects_nothing(self) -> None:
        self.set_status(Letter.Status.CLOSED)
        page = self.client.get(self.url)
        self.assertContains(page, 'data-testid="not-collecting"')
        self.assertNotContains(page, 'data-testid="sign-form"')
        self.sign(ORGANIZATION)
        self.set_status(Letter.Status.OPEN, deadline=datetime.date(2026, 3, 10))
        # The deadline is a day in the organization's time zone (Tijuana).
        with time_machine.travel(LATE_ON_THE_10TH, tick=False):
            self.assertContains(self.client.get(self.url), 'data-testid="sign-form"')
        with time_machine.travel(EARLY_ON_THE_11TH, tick=False):
            self.assertContains(self.client.get(self.url), 'data-testid="not-collecting"')
            self.sign(ORGANIZATION)
        self.assertEqual(self.requests(), [])
        with self.assertRaises(Exception) as raised:
            with time_machine.travel(EARLY_ON_THE_11TH, tick=False):
                self.scoped(
                    services_signing.signature_request,
                    page=self.page,
                    letter=self.letter,
                    data=ORGANIZATION,
                    address="192.0.2.9",
                )
        self.assertIn("ya no recibe firmas", str(raised.exception))

    def test_a_draft_shows_neither_its_text_nor_a_form(self) -> None:
        self.set_status(Letter.Status.DRAFT)
        page = self.client.get(self.url)
        self.assertContains(page, 'data-testid="not-collecting"')
        self.assertNotContains(page, "Protección para personas devueltas")
        self.assertNotContains(page, 'data-testid="sign-form"')


class EditorTests(SigningTestCase):
    def test_the_suggested_signatory_is_first_and_a_merge_confirms_it(self) -> None:
        signature = self.signed_and_confirmed(
            {**ORGANIZATION, "name": "Centro de Derechos Humanos Miguel Agustín Pro Juárez, A.C."}
        )
        with organization_scope(self.cast.org.pk):
            prodh = Signatory.objects.get(acronym="Centro Prodh", coalition=None)
            [pending] = queries_signing.pending_for(self.cast.legal, self.letter)
        self.assertEqual(pending.suggested, prodh)
        self.assertEqual(pending.choices[0], prodh)
        self.assertNotIn("individual", {c.kind for c in pending.choices})
        editor = self.editor()
        self.assertContains(editor.get(self.detail()), 'data-testid="suggested"')
        before = self.names()
        editor.post(self.action("merge", signature), {"into": str(prodh.uuid)})
        self.assertEqual(self.names(), before)
        self.assertEqual(self.request_().status, Status.MERGED)
        with organization_scope(self.cast.org.pk):
            prodh.refresh_from_db()
            self.assertEqual(prodh.contact_email, "rosa@laspalmas.example.org")
            self.assertEqual(prodh.representative, "Rosa Contacto")
            self.assertEqual(prodh.representative_verified_by, self.cast.legal)
            self.assertEqual(self.request_().signatory_id, prodh.pk)

    def test_a_person_spelled_differently_is_suggested_and_kinds_do_not_mix(self) -> None:
        signature = self.signed_and_confirmed({**PERSON, "name": "Maria Jose Hernandez"})
        with organization_scope(self.cast.org.pk):
            [pending] = queries_signing.pending_for(self.cast.legal, self.letter)
            organization = Signatory.objects.filter(kind="organization").first()
        assert pending.suggested is not None
        self.assertEqual(pending.suggested.name, "María José Hernández")
        response = self.editor().post(
            self.action("merge", signature), {"into": str(organization.uuid)}, follow=True
        )
        self.assertEqual(self.request_().status, Status.PENDING)
        self.assertContains(response, 'class="error"')

    def test_a_rejected_signature_stays_off_the_letter(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        before = self.names()
        self.editor(self.cast.coordinator).post(self.action("reject", signature))
        self.assertEqual(self.request_().status, Status.REJECTED)
        self.assertEqual(self.names(), before)
        # A decided signature is not decided again.
        self.editor().post(self.action("approve", signature))
        self.assertEqual(self.names(), before)

    def test_the_signer_is_told_of_the_decision_in_their_language(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        with self.captureOnCommitCallbacks(execute=True):
            self.editor().post(self.action("approve", signature))
        told = mail.outbox[-1]
        self.assertEqual(told.to, ["rosa@laspalmas.example.org"])
        self.assertIn("Protección para personas devueltas", told.subject)
        self.assertIn(signature.name, told.body)
        other = self.signed_and_confirmed({**PERSON, "email": "otra@example.org"})
        with self.captureOnCommitCallbacks(execute=True):
            self.editor().post(self.action("reject", other))
        self.assertEqual(mail.outbox[-1].to, ["otra@example.org"])
        self.assertNotEqual(mail.outbox[-1].subject, told.subject)

    def test_a_member_who_is_not_an_editor_gets_403_and_sees_no_contact(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        member = self.editor(self.cast.caseworker)
        detail = member.get(self.detail())
        self.assertNotContains(detail, "rosa@laspalmas.example.org")
        self.assertNotContains(detail, "Rosa Contacto")
        for name in ("approve", "reject", "merge"):
            response = member.post(self.action(name, signature), {"into": str(signature.uuid)})
            self.assertEqual(response.status_code, 403, name)
        self.assertEqual(
            member.post(reverse("signing:open", args=[self.letter.uuid])).status_code, 403
        )
        self.assertEqual(self.request_().status, Status.PENDING)

    def test_another_organization_finds_nothing(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        outsider = self.editor(self.cast.outsider)
        for name in ("approve", "reject", "merge"):
            self.assertEqual(outsider.post(self.action(name, signature)).status_code, 404, name)
        self.assertEqual(
            outsider.post(reverse("signing:open", args=[self.letter.uuid])).status_code, 404
        )
        self.assertEqual(self.request_().status, Status.PENDING)

    def test_the_public_page_shows_no_contact_of_anyone_and_is_not_cached(self) -> None:
        with organization_scope(self.cast.org.pk):
            listed = Signatory.objects.filter(coalition=None).first()
            update(
                listed,
                by=self.cast.legal,
                values={"contact_name": "Contacto Antiguo", "contact_email": "antiguo@example.org"},
            )
        approved = self.signed_and_confirmed(ORGANIZATION)
        self.scoped(services_signing.signature_approve, by=self.cast.legal, signature=approved)
        self.signed_and_confirmed(PERSON)  # still pending
        for path in (self.url, self.url + "?lang=en"):
            page = self.client.get(path)
            for private in (
                "@",
                "Contacto Antiguo",
                "Rosa Contacto",
                "Lucía Pérez",
                "laspalmas",
            ):
                self.assertNotContains(page, private)
            self.assertIn("no-store", page["Cache-Control"])

    def test_contacts_are_encrypted_at_rest(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        for column in ("contact_name", "email"):
            stored = raw("letters_signaturerequest", column, signature.pk)
            self.assertTrue(stored.startswith("sg1."), column)
            self.assertNotIn("rosa", stored.lower())
        signatory = self.scoped(
            services_signing.signature_approve, by=self.cast.legal, signature=signature
        )
        for column in ("contact_name", "contact_email", "representative"):
            stored = raw("letters_signatory", column, signatory.pk)
            self.assertTrue(stored.startswith("sg1."), column)

    def test_every_step_is_audited_without_values(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        editor = self.editor()
        editor.get(self.detail())  # the pending signatures, with their contact, are listed
        editor.post(self.action("approve", signature))
        steps = [
            (e.action, e.actor_id, e.fields)
            for e in AuditEvent.objects.filter(object_uuid=signature.uuid).order_by("sequence")
        ]
        self.assertEqual(steps[0][:2], ("create", None))
        self.assertIn("email", steps[0][2])
        self.assertIn(("update", None, ["confirmed_at", "status"]), steps)
        self.assertEqual(steps[-1][:2], ("update", self.cast.legal.pk))
        listed = AuditEvent.objects.filter(
            action="list", object_type="letters.signaturerequest", actor=self.cast.legal
        )
        self.assertTrue(listed.exists())
        for event in AuditEvent.objects.all():
            self.assertNotIn("rosa", str(event.detail).lower())

    def detail(self) -> str:
        return reverse("letters:detail", args=[self.letter.uuid])


class SigningApiTests(ApiCalls, SigningTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.secret = self.token_for(self.cast.legal)
        self.anonymous = Client(enforce_csrf_checks=True)

    def public(self, method: str, path: str, body: Any = None) -> HttpResponse:
        with self.captureOnCommitCallbacks(execute=True):
            return self.call(method, path, body, client=self.anonymous)  # type: ignore[no-any-return]

    def test_the_public_endpoints_need_no_account(self) -> None:
        read = self.public("get", f"/sign-on/{self.page.token}")
        self.assertEqual(read.status_code, 200, read.content)
        letter = read.json()
        self.assertEqual([v["language"] for v in letter["versions"]], ["es", "en"])
        self.assertTrue(letter["collecting"])
        self.assertEqual(letter["organizations"][0]["number"], "1")
        self.assertNotIn("@", read.content.decode())

        body = {**ORGANIZATION, "authorized": True}
        created = self.public("post", f"/sign-on/{self.page.token}/signatures", body)
        self.assertEqual(created.status_code, 202, created.content)
        self.assertEqual(len(mail.outbox), 1)
        token = self.link("confirm").split("/")[-2]
        confirmed = self.public("post", f"/sign-on/confirm/{token}")
        self.assertEqual(confirmed.json(), {"status": "pending"})
        withdraw = self.link("withdraw").split("/")[-2]
        self.assertEqual(
            self.public("post", f"/sign-on/withdraw/{withdraw}").json(), {"status": "withdrawn"}
        )
        self.assertEqual(self.public("post", "/sign-on/confirm/1.nothing").status_code, 404)
        self.assertEqual(self.public("get", "/sign-on/nothing").status_code, 404)

    def test_a_public_request_is_checked_by_field_and_limited(self) -> None:
        path = f"/sign-on/{self.page.token}/signatures"
        refused = self.public(
            "post", path, {**ORGANIZATION, "contact_name": "", "authorized": False}
        )
        self.assertEqual(refused.status_code, 422)
        self.assertEqual(set(refused.json()["errors"]), {"contact_name", "authorized"})
        too_long = self.public("post", path, {**PERSON, "name": "A" * 301})
        self.assertEqual(set(too_long.json()["errors"]), {"name"})
        with override_settings(SALVAGUARDA_SIGN_ON_PER_ADDRESS_PER_HOUR=1):
            self.assertEqual(self.public("post", path, PERSON).status_code, 202)
            self.assertEqual(self.public("post", path, PERSON).status_code, 429)
        self.assertEqual(len(self.requests()), 1)

    def test_editors_open_list_and_decide(self) -> None:
        with organization_scope(self.cast.org.pk):
            other = services.letter_import(
                by=self.cast.legal, organization=self.cast.org, texts={"es": SPANISH}
            )
        opened = self.call("post", f"/letters/{other.uuid}/sign-on-page")
        self.assertEqual(opened.status_code, 200, opened.content)
        self.assertTrue(opened.json()["url"].endswith(f"/firmar/{opened.json()['token']}/"))

        first = self.signed_and_confirmed(ORGANIZATION)
        second = self.signed_and_confirmed(PERSON)
        listed = self.call("get", f"/letters/{self.letter.uuid}/signature-requests?status=pending")
        self.assertEqual(listed.status_code, 200, listed.content)
        self.assertEqual(
            {row["email"] for row in listed.json()},
            {"rosa@laspalmas.example.org", "lucia@example.org"},
        )
        base = f"/letters/{self.letter.uuid}/signature-requests"
        approved = self.call("post", f"{base}/{first.uuid}/approve")
        self.assertEqual(approved.json()["status"], "approved")
        self.assertIsNotNone(approved.json()["signatory"])
        with organization_scope(self.cast.org.pk):
            person = self.letter.signatories.get(name="María José Hernández")
        merged = self.call("post", f"{base}/{second.uuid}/merge", {"into": str(person.uuid)})
        self.assertEqual(merged.json()["status"], "merged")
        again = self.call("post", f"{base}/{second.uuid}/reject")
        self.assertEqual(again.status_code, 422)

    def test_members_who_do_not_edit_get_403_and_other_organizations_404(self) -> None:
        signature = self.signed_and_confirmed(ORGANIZATION)
        base = f"/letters/{self.letter.uuid}/signature-requests"
        member = self.token_for(self.cast.caseworker)
        outsider = self.token_for(self.cast.outsider)
        for secret, status in ((member, 403), (outsider, 404)):
            self.assertEqual(self.call("get", base, secret=secret).status_code, status)
            response = self.call("post", f"{base}/{signature.uuid}/approve", secret=secret)
            self.assertEqual(response.status_code, status)
        self.assertEqual(self.request_().status, Status.PENDING)
        anonymous = self.call("get", base, client=Client())
        self.assertEqual(anonymous.status_code, 401)


@skipUnless(connection.vendor == "postgresql", "row-level security is a PostgreSQL feature")
class SigningUnderRowLevelSecurityTests(SigningTestCase):
    """The public page enters the letter's organization scope itself: connected as a plain
    role, the database lets it read and write that organization's rows and no other's."""

    def setUp(self) -> None:
        super().setUp()
        ensure_probe_role()
        call_command("grant_app_role", PROBE_ROLE, stdout=StringIO())
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {PROBE_ROLE}")  # until the test's transaction ends

    def test_a_visitor_signs_and_confirms_and_an_editor_approves(self) -> None:
        self.assertContains(self.client.get(self.url), "Protección para personas devueltas")
        self.sign(ORGANIZATION)
        self.client.post(self.link("confirm"))
        signature = self.request_()
        self.assertEqual(signature.status, Status.PENDING)
        self.sign(PERSON, client=self.editor(self.cast.outsider))
        self.assertEqual(len(self.requests()), 2)
        self.editor().post(self.action("approve", signature))
        self.assertEqual(self.names()[0][-1], f"{len(self.names()[0])}. Albergue Las Palmas")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM letters_signaturerequest")
            self.assertEqual(cursor.fetchone()[0], 0)  # outside a scope: nothing at all
