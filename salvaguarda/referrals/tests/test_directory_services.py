import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import TestCase

from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.referrals.directory import queries, services
from salvaguarda.referrals.directory.models import Location, Provider, Service
from salvaguarda.referrals.tests.factories import clinic_data, editor, make_provider, make_service


class ServiceWritesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.caseworker = editor(cls.cast.caseworker)
        cls.outsider = editor(cls.cast.outsider)
        cls.admin = editor(cls.cast.network_admin)

    def test_it_creates_a_service_with_its_place_hours_phone_and_lists(self) -> None:
        service = make_service(self.caseworker)
        service = queries.service_get(service.uuid)
        self.assertEqual(service.provider.maintainer, self.cast.org)
        self.assertEqual(sorted(e.group for e in service.eligibility.all()), ["children", "women"])
        self.assertEqual([lang.code for lang in service.languages.all()], ["spa"])
        self.assertEqual(
            [d.document for d in service.required_documents.order_by("id")],
            ["CURP o documento migratorio", "Comprobante de domicilio"],
        )
        schedule = service.schedules.get()
        self.assertEqual(schedule.days(), ["MO", "TU", "WE", "TH", "FR"])
        self.assertEqual(service.phones.get().number, "664 123 4567")
        place = service.at_locations.get().location
        self.assertEqual((place.city, place.postal_code), ("tijuana", "22650"))

    def test_it_audits_the_names_of_the_fields_in_the_writers_organization(self) -> None:
        service = make_service(self.caseworker)
        event = AuditEvent.objects.get(object_uuid=service.uuid, action="create")
        self.assertEqual(event.organization_id, self.cast.org.pk)
        self.assertEqual(event.actor_id, self.cast.caseworker.pk)
        self.assertIn("category", event.fields)
        self.assertNotIn("Consulta general", str(event.detail) + str(event.fields))

    def test_it_refuses_bad_values_by_field_and_saves_nothing(self) -> None:
        provider = make_provider(self.caseworker)
        bad = clinic_data(
            category="haircuts",
            location_city="atlantis",
            languages=["spa", "klingon"],
            groups=["martians"],
            minimum_age=18,
            maximum_age=5,
            location_address_1="",
        )
        with self.assertRaises(ValidationError) as raised:
            services.service_create(editor=self.caseworker, provider=provider, data=bad)
        self.assertEqual(
            set(raised.exception.message_dict),
            {
                "category",
                "location_city",
                "languages",
                "groups",
                "maximum_age",
                "location_address_1",
            },
        )
        self.assertFalse(Service.objects.exists())
        self.assertFalse(Location.objects.exists())

    def test_a_remote_service_needs_no_street(self) -> None:
        service = make_service(self.caseworker, location_type="virtual", location_address_1="")
        self.assertEqual(service.at_locations.get().location.location_type, "virtual")

    def test_another_organization_may_not_change_the_entry(self) -> None:
        service = make_service(self.caseworker)
        with self.assertRaises(Http404):
            services.service_update(
                editor=self.outsider, service=service, data=clinic_data(name="Cambiado")
            )
        with self.assertRaises(Http404):
            services.service_verify(
                editor=self.outsider, service=service, on=datetime.date(2026, 1, 5)
            )
        service.refresh_from_db()
        self.assertEqual(service.name, "Consulta general")
        self.assertIsNone(service.last_verified)

    def test_a_network_administrator_changes_any_entry(self) -> None:
        service = make_service(self.caseworker)
        changed = services.service_update(
            editor=self.admin,
            service=service,
            data=clinic_data(name="Consulta general y vacunas", languages=["spa", "hat"]),
        )
        self.assertEqual(changed, ["name", "languages"])
        service.refresh_from_db()
        self.assertEqual(service.name, "Consulta general y vacunas")
        event = AuditEvent.objects.get(object_uuid=service.uuid, action="update")
        self.assertEqual(event.fields, ["languages", "name"])

    def test_an_unchanged_form_writes_nothing(self) -> None:
        service = make_service(self.caseworker)
        self.assertEqual(
            services.service_update(editor=self.caseworker, service=service, data=clinic_data()),
            [],
        )
        self.assertFalse(AuditEvent.objects.filter(action="update").exists())

    def test_a_member_organization_gets_one_entry_it_keeps(self) -> None:
        first = services.member_provider(editor=self.caseworker, organization=self.cast.org)
        again = services.member_provider(editor=self.caseworker, organization=self.cast.org)
        self.assertEqual(first, again)
        self.assertEqual(
            (first.kind, first.maintainer, first.network_organization),
            (Provider.Kind.NETWORK_MEMBER, self.cast.org, self.cast.org),
        )

    def test_no_one_declares_an_outside_institution_a_member(self) -> None:
        with self.assertRaises(ValidationError) as raised:
            make_provider(self.caseworker, kind="network_member")
        self.assertIn("kind", raised.exception.message_dict)

    def test_verifying_records_the_day_and_who(self) -> None:
        service = make_service(self.caseworker)
        services.service_verify(
            editor=self.caseworker, service=service, on=datetime.date(2026, 3, 2)
        )
        service.refresh_from_db()
        self.assertEqual(service.last_verified, datetime.date(2026, 3, 2))
        self.assertEqual(service.verified_by, self.cast.caseworker)


class DirectorySearchTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = editor(cls.cast.caseworker)
        clinic = make_provider(by)
        cls.clinic = make_service(by, clinic)
        cls.mental = make_service(
            by,
            clinic,
            name="Atención psicológica",
            category="mental_health",
            groups=["lgbtiq"],
            languages=["spa", "eng"],
        )
        school = make_provider(by, name="Escuela Primaria Benito Juárez", kind="sep_school")
        cls.school = make_service(
            by,
            school,
            name="Inscripción escolar",
            category="school_enrolment",
            groups=["children"],
            minimum_age=6,
            maximum_age=12,
            location_city="ciudad_juarez",
            location_address_1="Calle Ejemplo 10",
        )
        cls.closed = make_service(by, clinic, name="Vacunación (cerrada)", status="defunct")

    def names(self, **filters: str) -> list[str]:
        page = queries.directory_search(queries.DirectoryFilters(**filters))  # type: ignore[arg-type]
        return [s.name for s in page.services]

    def test_it_filters_by_category_city_group_and_language(self) -> None:
        self.assertEqual(self.names(category="health"), ["Consulta general"])
        self.assertEqual(self.names(city="ciudad_juarez"), ["Inscripción escolar"])
        self.assertEqual(self.names(group="children"), ["Consulta general", "Inscripción escolar"])
        self.assertEqual(self.names(language="eng"), ["Atención psicológica"])
        self.assertEqual(self.names(category="health", city="ciudad_juarez"), [])
        self.assertEqual(self.names(text="benito"), ["Inscripción escolar"])

    def test_closed_services_are_left_out(self) -> None:
        self.assertNotIn("Vacunación (cerrada)", self.names())

    def test_a_page_has_a_bounded_number_of_queries(self) -> None:
        # The services, then eligibility, languages and places (one query each), whatever the
        # number of services on the page.
        with self.assertNumQueries(4):
            page = queries.directory_search(queries.DirectoryFilters(city="tijuana"))
            for service in page.services:
                list(service.eligibility.all())
                list(service.languages.all())
                [link.location.city for link in service.at_locations.all()]

    def test_needs_checking_lists_what_was_not_verified_in_six_months(self) -> None:
        by = editor(self.cast.caseworker)
        today = datetime.date(2026, 12, 7)
        services.service_verify(editor=by, service=self.clinic, on=datetime.date(2026, 11, 1))
        services.service_verify(editor=by, service=self.school, on=datetime.date(2026, 5, 1))
        page = queries.needs_checking(by, today=today)
        self.assertEqual(
            [s.name for s in page.services], ["Atención psicológica", "Inscripción escolar"]
        )
        self.assertEqual(
            queries.needs_checking(editor(self.cast.outsider), today=today).services, []
        )
        self.assertEqual(
            len(queries.needs_checking(editor(self.cast.network_admin), today=today).services), 2
        )
