import datetime

import time_machine
from django.test import TestCase
from django.urls import reverse

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, sign_in
from salvaguarda.referrals.directory import services
from salvaguarda.referrals.directory.models import Provider, Service
from salvaguarda.referrals.tests.factories import clinic_data, editor, make_service


def form_body(**changes: object) -> dict[str, object]:
    """The POST body of the service form for `clinic_data`."""
    data = clinic_data(**changes)
    body = {k: v for k, v in data.items() if v is not None and k != "required_documents"}
    body["documents"] = "\n".join(data["required_documents"])
    return body


class DirectoryPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.service = make_service(editor(cls.cast.caseworker))

    def test_every_member_reads_the_directory_and_an_entry(self) -> None:
        for user in self.cast.everyone().values():
            client = sign_in(self.client_class(), user)
            found = client.get(reverse("referrals:directory"), {"city": "tijuana"})
            self.assertContains(found, "Consulta general")
            detail = client.get(reverse("referrals:service_detail", args=[self.service.uuid]))
            self.assertContains(detail, "Centro de Salud Sánchez Taboada")

    def test_the_search_keeps_out_what_does_not_match(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        found = client.get(reverse("referrals:directory"), {"category": "school_enrolment"})
        self.assertNotContains(found, "Consulta general")
        self.assertContains(found, "Ningún servicio cumple estos filtros.")

    def test_the_name_search_ignores_accents_and_case(self) -> None:
        by = editor(self.cast.caseworker)
        clinic = make_service(by, name="Clínica de atención a migrantes")
        client = sign_in(self.client_class(), self.cast.analyst)
        for text in ("CLINICA", "clinica", "Clínica", "ATENCIÓN A MIGRANTES"):
            found = client.get(reverse("referrals:directory"), {"text": text})
            self.assertContains(found, clinic.name, msg_prefix=text)
            self.assertNotContains(found, "Consulta general", msg_prefix=text)
        # The provider's name counts too: the clinic's institution is "IMSS-Bienestar Tijuana".
        found = client.get(reverse("referrals:directory"), {"text": "imss bienestar"})
        self.assertContains(found, "Consulta general")
        # A rename keeps the folded column: the old name no longer finds it.
        services.service_update(
            editor=by, service=clinic, data=clinic_data(name="Albergue Sagrado Corazón")
        )
        self.assertNotContains(
            client.get(reverse("referrals:directory"), {"text": "clinica"}), "Albergue Sagrado"
        )
        self.assertContains(
            client.get(reverse("referrals:directory"), {"text": "corazon"}), "Albergue Sagrado"
        )

    def test_an_invalid_filter_shows_no_services(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        found = client.get(reverse("referrals:directory"), {"city": "Tijuana"})
        self.assertEqual(found.status_code, 200)
        self.assertContains(found, "Corrija los filtros de arriba para ver los servicios.")
        self.assertNotContains(found, "Consulta general")

    def test_the_needs_checking_intro_names_whose_services_are_listed(self) -> None:
        own = "Servicios que mantiene su organización"
        network = "Servicios de la red que nadie ha verificado"
        admin = sign_in(self.client_class(), self.cast.network_admin)
        page = admin.get(reverse("referrals:needs_checking"))
        self.assertContains(page, network)
        self.assertNotContains(page, own)
        member = sign_in(self.client_class(), self.cast.coordinator)
        page = member.get(reverse("referrals:needs_checking"))
        self.assertContains(page, own)
        self.assertNotContains(page, network)

    def test_a_caseworker_adds_a_service_of_their_organization(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.post(
            reverse("referrals:service_create"),
            form_body(provider="own", name="Albergue para familias", category="shelter"),
        )
        service = Service.objects.get(name="Albergue para familias")
        self.assertRedirects(response, reverse("referrals:service_detail", args=[service.uuid]))
        self.assertEqual(service.provider.network_organization, self.cast.org)
        self.assertEqual(
            [d.document for d in service.required_documents.order_by("id")],
            ["CURP o documento migratorio", "Comprobante de domicilio"],
        )

    def test_a_wrong_answer_is_shown_next_to_its_field(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.post(
            reverse("referrals:service_create"),
            form_body(provider="own", location_type="physical", location_address_1=""),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Un lugar necesita su calle y número.")
        self.assertFalse(Provider.objects.filter(network_organization=self.cast.org).exists())

    def test_an_analyst_reads_but_does_not_write(self) -> None:
        client = sign_in(self.client_class(), self.cast.analyst)
        for name in (
            "referrals:service_create",
            "referrals:provider_create",
            "referrals:needs_checking",
        ):
            self.assertEqual(client.get(reverse(name)).status_code, 404, name)
        edit = reverse("referrals:service_edit", args=[self.service.uuid])
        self.assertEqual(client.post(edit, form_body(name="Cambiado")).status_code, 404)
        self.assertNotContains(
            client.get(reverse("referrals:service_detail", args=[self.service.uuid])),
            "Verificado hoy",
        )
        self.assertContains(
            sign_in(self.client_class(), self.cast.caseworker).get(
                reverse("referrals:service_detail", args=[self.service.uuid])
            ),
            "Verificado hoy",
        )

    def test_another_organization_cannot_change_the_entry(self) -> None:
        client = sign_in(self.client_class(), self.cast.outsider)
        edit = reverse("referrals:service_edit", args=[self.service.uuid])
        verify = reverse("referrals:service_verify", args=[self.service.uuid])
        self.assertEqual(client.get(edit).status_code, 404)
        self.assertEqual(client.post(edit, form_body(name="Cambiado")).status_code, 404)
        self.assertEqual(client.post(verify).status_code, 404)
        self.service.refresh_from_db()
        self.assertEqual(
            (self.service.name, self.service.last_verified), ("Consulta general", None)
        )

    def test_a_network_administrator_edits_any_entry(self) -> None:
        client = sign_in(self.client_class(), self.cast.network_admin)
        edit = reverse("referrals:service_edit", args=[self.service.uuid])
        self.assertContains(client.get(edit), "Centro de Salud Sánchez Taboada")
        body = form_body(provider=str(self.service.provider.uuid), name="Consulta y vacunas")
        self.assertEqual(client.post(edit, body).status_code, 302)
        self.service.refresh_from_db()
        self.assertEqual(self.service.name, "Consulta y vacunas")

    @time_machine.travel(datetime.datetime(2026, 12, 7, 18, tzinfo=datetime.UTC), tick=False)
    def test_needs_checking_and_verified_today(self) -> None:
        client = sign_in(self.client_class(), self.cast.coordinator)
        listed = client.get(reverse("referrals:needs_checking"))
        self.assertContains(listed, "Consulta general")
        response = client.post(
            reverse("referrals:service_verify", args=[self.service.uuid]), {"next": "checking"}
        )
        self.assertRedirects(response, reverse("referrals:needs_checking"))
        self.service.refresh_from_db()
        self.assertEqual(self.service.last_verified, datetime.date(2026, 12, 7))
        self.assertNotContains(client.get(reverse("referrals:needs_checking")), "Consulta general")
        self.assertTrue(
            AuditEvent.objects.filter(
                object_uuid=self.service.uuid, fields=["last_verified"]
            ).exists()
        )

    def test_verifying_is_a_post(self) -> None:
        client = sign_in(self.client_class(), self.cast.coordinator)
        verify = reverse("referrals:service_verify", args=[self.service.uuid])
        self.assertEqual(client.get(verify).status_code, 405)

    def test_the_pages_are_in_spanish_first_and_in_english(self) -> None:
        client = sign_in(self.client_class(), self.cast.caseworker)
        page = client.get(reverse("referrals:directory"))
        self.assertContains(
            page, "<title>Directorio de servicios · Salvaguarda</title>", html=False
        )
        self.assertContains(page, "Niñas, niños y adolescentes")
        client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
        page = client.get(reverse("referrals:service_detail", args=[self.service.uuid]))
        self.assertContains(page, "Children and adolescents")
        self.assertContains(page, "General medical consultation, free")

    def test_a_document_line_longer_than_kept_is_refused_and_shown_again(self) -> None:
        # A new user pasted a paragraph as one "document" line: 299 characters.
        long_line = (
            "Constancia de situación migratoria expedida por el Instituto Nacional de Migración "
            "o, en su caso, la constancia de solicitud de reconocimiento de la condición de "
            "refugiado emitida por la COMAR, con fotografía, nombre completo, nacionalidad y "
            "fecha de expedición no mayor a tres meses, en original y dos copias legibles."
        )
        self.assertGreater(len(long_line), 200)
        client = sign_in(self.client_class(), self.cast.caseworker)
        response = client.post(
            reverse("referrals:service_create"),
            form_body(
                provider="own",
                name="Trámite de CURP temporal",
                required_documents=["Acta de nacimiento", long_line],
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Un documento tiene a lo más 200 caracteres por línea")
        self.assertContains(response, "dos copias legibles.")
        self.assertFalse(Service.objects.filter(name="Trámite de CURP temporal").exists())
