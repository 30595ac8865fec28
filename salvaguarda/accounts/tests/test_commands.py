from io import StringIO
from urllib.parse import urlsplit

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from salvaguarda.accounts.models import Membership, Organization, Role, User
from salvaguarda.core.scoping import organization_scope
from salvaguarda.incidents.models import Incident
from salvaguarda.letters.models import Letter, SignOnPage
from salvaguarda.people.models import Person


class SeedDemoTest(TestCase):
    def test_it_creates_the_network_with_every_role_and_prints_how_to_sign_in(self) -> None:
        with self.settings(VAR_DIR=self.tmp_dir()):
            out = StringIO()
            call_command("seed_demo", "--if-empty", stdout=out)
            again = StringIO()
            call_command("seed_demo", "--if-empty", stdout=again)
        cities = set(Organization.objects.values_list("city", flat=True))
        for city in (
            "Tijuana",
            "Mexicali",
            "Ciudad Juárez",
            "Nuevo Laredo",
            "Reynosa",
            "Matamoros",
            "Piedras Negras",
            "Monterrey",
        ):
            self.assertIn(city, cities)
        self.assertEqual(set(Membership.objects.values_list("role", flat=True)), set(Role.values))
        self.assertIn("demo_code", out.getvalue())
        self.assertIn("legal.tij@demo.example.org", out.getvalue())
        self.assertEqual(Organization.objects.count(), 9)  # the second run changed nothing
        self.assertIn("Password", again.getvalue())
        tijuana = Organization.objects.get(short_name="TIJ")
        with organization_scope(tijuana.pk):
            self.assertTrue(Person.objects.exists())
            self.assertTrue(all(p.given_names for p in Person.objects.all()))
            self.assertTrue(Incident.objects.filter(consents__purpose="statistics").exists())
        with organization_scope(Organization.objects.get(short_name="CJS").pk):
            letter = Letter.objects.get()
            self.assertEqual((letter.status, letter.versions.count()), ("open", 2))
            self.assertTrue(SignOnPage.objects.filter(letter=letter).exists())

    def test_demo_codes_are_printed_in_development_only(self) -> None:
        with self.settings(VAR_DIR=self.tmp_dir()):
            call_command("seed_demo", stdout=StringIO())
        out = StringIO()
        call_command("demo_code", "caso.tij@demo.example.org", stdout=out)
        self.assertRegex(out.getvalue(), r"^\d{6}  caso\.tij@demo\.example\.org")
        with override_settings(DEVELOPMENT=False), self.assertRaises(CommandError):
            call_command("demo_code", stdout=StringIO())
        with override_settings(DEVELOPMENT=False), self.assertRaises(CommandError):
            call_command("seed_demo", stdout=StringIO())

    def tmp_dir(self) -> str:
        import tempfile

        return tempfile.mkdtemp()


class BootstrapNetworkTest(TestCase):
    args = [
        "--name",
        "Red",
        "--short-name",
        "RED",
        "--city",
        "Tijuana",
        "--state",
        "BC",
        "--email",
        "Admin@Example.org",
        "--full-name",
        "Admin",
    ]

    def test_it_creates_the_network_admin_once_with_a_one_time_link(self) -> None:
        out = StringIO()
        call_command("bootstrap_network", *self.args, stdout=out)
        admin = User.objects.get(email="admin@example.org")
        self.assertFalse(admin.has_usable_password())
        self.assertEqual(admin.memberships.get().role, Role.NETWORK_ADMIN)
        link = out.getvalue().strip().splitlines()[-1]
        self.assertEqual(self.client.get(urlsplit(link).path).status_code, 200)
        with self.assertRaises(CommandError):
            call_command(
                "bootstrap_network",
                *self.args[:-4],
                "--email",
                "b@example.org",
                "--full-name",
                "B",
                stdout=StringIO(),
            )
