"""The referral pages as the two organizations use them: a shelter refers a mother to a clinic
of another member with her consent for three fields; the clinic answers; the shelter follows."""

from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, OrganizationFactory, make_person, member, sign_in
from salvaguarda.people.models import Consent
from salvaguarda.people.queries_records import omission_counts, safeguard_status
from salvaguarda.referrals.referring.models import Referral, ReferredPerson
from salvaguarda.referrals.tests.factories import editor, make_service, member_service


class ReferralPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.clinic_worker = cls.cast.outsider  # a coordinator of the clinic (organization B)
        cls.service = member_service(
            cls.clinic_worker, cls.cast.other_org, name="Atención psicológica"
        )
        cls.mother = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="María Guadalupe",
            first_surname="Hernández",
            second_surname="Ixcoy",
            preferred_language="spa",
        )

    def refer(self, service: object = None, **changes: object) -> object:
        client = sign_in(self.client_class(), self.cast.caseworker)
        url = reverse("referrals:referral_new", args=[self.mother.uuid])
        data = {
            "urgency": "priority",
            "reason": "Crisis de ansiedad después del retorno; pide hablar con una psicóloga.",
            "share": ["given_names", "age_band", "language"],
            "consent": "on",
            "consent_given_by": "self",
            "consent_language": "spa",
            **changes,
        }
        service = service or self.service
        return client.post(f"{url}?servicio={service.uuid}", data)  # type: ignore[attr-defined]

    def test_the_file_offers_to_refer_and_the_choice_lists_directory_services(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        page = client.get(reverse("people:detail", args=[self.mother.uuid]))
        choose = reverse("referrals:referral_new", args=[self.mother.uuid])
        self.assertContains(page, choose)
        listed = client.get(choose, {"category": "health"})
        self.assertContains(listed, "Atención psicológica")
        self.assertContains(listed, f"?servicio={self.service.uuid}")
        form = client.get(choose, {"servicio": str(self.service.uuid)})
        self.assertContains(form, "Atención psicológica")
        self.assertContains(form, 'name="consent"')

    def test_without_consent_nothing_is_saved_and_the_form_keeps_what_was_typed(self) -> None:
        response = self.refer(consent="")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Crisis de ansiedad", status_code=422)
        self.assertContains(response, "consentimiento", status_code=422)
        with organization_scope(self.cast.org.pk):
            self.assertFalse(Referral.objects.exists())
            self.assertFalse(Consent.objects.filter(purpose="referral").exists())

    def test_a_missing_need_and_a_missing_consent_are_said_together(self) -> None:
        response = self.refer(consent="", reason="")
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "Este campo es obligatorio", status_code=422)
        self.assertContains(response, "Sin el consentimiento", status_code=422)

    def test_a_referral_to_an_outside_provider_offers_no_note_for_another_organization(
        self,
    ) -> None:
        outside = make_service(editor(self.cast.coordinator), name="Consulta general")
        client = sign_in(self.client_class(), self.cast.caseworker)
        form = client.get(
            reverse("referrals:referral_new", args=[self.mother.uuid]),
            {"servicio": str(outside.uuid)},
        )
        self.assertContains(form, "No se envía nada: marque lo que la persona acepta")
        self.assertNotContains(form, "La organización que recibe lo lee")
        detail = self.refer(outside)
        page = sign_in(self.client_class(), self.cast.caseworker).get(detail["Location"])  # type: ignore[index]
        self.assertContains(page, "Una institución fuera de la red")
        self.assertNotContains(page, "Nota para la otra organización")
        self.assertContains(page, 'name="note"')

    def test_revoking_a_referral_consent_warns_what_it_erases(self) -> None:
        self.refer()
        with organization_scope(self.cast.org.pk):
            consent = Consent.objects.get(purpose="referral")
        client = sign_in(self.client_class(), self.cast.caseworker)
        page = client.get(reverse("people:consent_revoke", args=[self.mother.uuid, consent.uuid]))
        self.assertContains(page, 'data-testid="revoke-referral-warning"')
        self.assertContains(page, "cancela la canalización")

    def test_the_clinic_answers_and_the_shelter_sees_the_outcome(self) -> None:
        response = self.refer()
        with organization_scope(self.cast.org.pk):
            referral = Referral.objects.get()
            self.assertEqual(ReferredPerson.objects.get().person, self.mother)
        detail = reverse("referrals:referral_detail", args=[referral.uuid])
        self.assertRedirects(response, detail)

        clinic = sign_in(self.client_class(), self.clinic_worker)
        received = clinic.get(reverse("referrals:referral_list"))
        self.assertContains(received, referral.reference)
        self.assertNotContains(received, "María Guadalupe")  # lists show no personal data
        opened = clinic.get(detail)
        self.assertContains(opened, "María Guadalupe")
        self.assertContains(opened, "Crisis de ansiedad")
        self.assertNotContains(opened, "Hernández")  # not agreed to be shared
        self.assertNotContains(opened, reverse("people:detail", args=[self.mother.uuid]))
        reads = AuditEvent.objects.filter(object_uuid=referral.uuid, action="view")
        self.assertEqual(
            set(reads.values_list("organization_id", flat=True)),
            {self.cast.org.pk, self.cast.other_org.pk},
        )

        step = reverse("referrals:referral_step", args=[referral.uuid])
        self.assertRedirects(clinic.post(step, {"kind": "accepted", "note": ""}), detail)
        outcome = reverse("referrals:referral_outcome", args=[referral.uuid])
        refused = clinic.post(outcome, {"outcome": "partly", "barrier": ""})
        self.assertEqual(refused.status_code, 422)
        self.assertRedirects(
            clinic.post(outcome, {"outcome": "partly", "barrier": "no_capacity"}), detail
        )

        shelter = sign_in(self.client_class(), self.cast.caseworker)
        seen = shelter.get(detail)
        self.assertContains(seen, "Servicio recibido en parte")
        self.assertContains(seen, "Hernández")  # the sender sees its own person
        file = shelter.get(reverse("people:detail", args=[self.mother.uuid]))
        self.assertContains(file, referral.reference)

        # The completed referral ticks "Referrals made" on her checklist, with a link to it.
        with organization_scope(self.cast.org.pk):
            lines = {line.item: line for line in safeguard_status(self.mother)}
            made = lines["referrals_made"]
            self.assertFalse(made.is_omission)
            self.assertIsNone(made.check)  # derived, not typed
            self.assertIn(referral.reference, made.proof.text)
            self.assertEqual(omission_counts()["referrals_made"], 0)
        checklist = file.content.decode().split('id="h-safeguards"')[1]
        self.assertIn(detail, checklist)

    def test_a_third_organization_gets_404_everywhere(self) -> None:
        self.refer()
        with organization_scope(self.cast.org.pk):
            referral = Referral.objects.get()
        third = OrganizationFactory(short_name="OTR", name="Otra")
        outsider = sign_in(self.client_class(), member(third, "coordinator"))
        for name in ("referral_detail", "referral_outcome"):
            url = reverse(f"referrals:{name}", args=[referral.uuid])
            self.assertEqual(outsider.get(url).status_code, 404, name)
        step = reverse("referrals:referral_step", args=[referral.uuid])
        self.assertEqual(outsider.post(step, {"kind": "accepted"}).status_code, 404)
        listed = outsider.get(reverse("referrals:referral_list"), {"lista": "enviadas"})
        self.assertNotContains(listed, referral.reference)

    def test_the_sender_cannot_answer_its_own_referral_to_another_member(self) -> None:
        self.refer()
        with organization_scope(self.cast.org.pk):
            referral = Referral.objects.get()
        shelter = sign_in(self.client_class(), self.cast.caseworker)
        step = reverse("referrals:referral_step", args=[referral.uuid])
        response = shelter.post(step, {"kind": "accepted"})
        self.assertEqual(response.status_code, 422)
        self.assertContains(response, "organización que recibe", status_code=422)
        with organization_scope(self.cast.org.pk):
            self.assertEqual(Referral.objects.get().status, "sent")
