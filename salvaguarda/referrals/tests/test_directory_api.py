from django.test import TestCase, override_settings

from salvaguarda.core.tests.helpers import ApiCalls, Cast
from salvaguarda.referrals.tests.factories import editor, make_provider, make_service


@override_settings(SALVAGUARDA_API_RATE_PER_TOKEN=0, SALVAGUARDA_API_RATE_PER_ADDRESS=0)
class DirectoryApiTest(ApiCalls, TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        by = editor(cls.cast.caseworker)
        cls.clinic = make_service(by)
        school = make_provider(by, name="Escuela Primaria Benito Juárez", kind="sep_school")
        cls.school = make_service(
            by,
            school,
            name="Inscripción escolar",
            category="school_enrolment",
            groups=["children"],
            location_city="ciudad_juarez",
        )

    def setUp(self) -> None:
        # A member of another organization, with the least role: the directory is everyone's.
        self.secret = self.token_for(self.cast.outsider)

    def test_it_searches_by_category_and_city(self) -> None:
        response = self.call("get", "/directory/services?category=health&city=tijuana")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual([r["name"] for r in body["results"]], ["Consulta general"])
        self.assertEqual(body["results"][0]["cities"], ["tijuana"])
        self.assertFalse(body["has_next"])
        found = self.call("get", "/directory/services?group=children&city=ciudad_juarez").json()
        self.assertEqual([r["name"] for r in found["results"]], ["Inscripción escolar"])

    def test_the_name_search_ignores_accents_and_case(self) -> None:
        for text in ("juarez", "JUÁREZ", "Juárez", "inscripcion"):
            found = self.call("get", f"/directory/services?text={text}").json()
            self.assertEqual([r["name"] for r in found["results"]], ["Inscripción escolar"], text)

    def test_an_unknown_code_is_refused_on_its_field(self) -> None:
        response = self.call("get", "/directory/services?category=haircuts")
        self.assertEqual(response.status_code, 422)
        self.assertIn("category", response.json()["errors"])

    def test_one_entry_with_its_place_hours_and_documents(self) -> None:
        response = self.call("get", f"/directory/services/{self.clinic.uuid}")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["places"][0]["city"], "tijuana")
        self.assertEqual(body["schedules"][0]["days"], ["MO", "TU", "WE", "TH", "FR"])
        self.assertIn("Comprobante de domicilio", body["required_documents"])
        self.assertEqual(body["phones"], ["664 123 4567"])

    def test_an_unknown_entry_is_404(self) -> None:
        response = self.call("get", "/directory/services/00000000-0000-4000-8000-000000000000")
        self.assertEqual(response.status_code, 404)

    def test_anonymous_requests_are_refused(self) -> None:
        self.assertEqual(self.call("get", "/directory/services", secret="wrong").status_code, 401)
