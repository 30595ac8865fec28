import uuid

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from salvaguarda.accounts.models import Membership, Organization, Role
from salvaguarda.core.models import AuditEvent, OrganizationKey
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in

CANARY = "Canarioorg" + uuid.uuid4().hex[:8]


def organization_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Casa del Migrante Reynosa",
        "short_name": "REY",
        "kind": Organization.Kind.SHELTER,
        "city": "Reynosa",
        "state": "Tamaulipas",
        "country": "MX",
        "time_zone": "America/Matamoros",
        "coordinator_name": "Primera Coordinadora",
        "coordinator_email": "coordinacion@rey.example.org",
    }
    data.update(changes)
    return data


class OrganizationPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(cls.cast.org, cls.cast.caseworker, given_names=CANARY)

    def admin(self) -> Client:
        return sign_in(self.client, self.cast.network_admin)

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for url in (reverse("accounts:organization_list"), reverse("accounts:organization_create")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_other_roles_get_404(self) -> None:
        for user in (
            self.cast.coordinator,
            self.cast.caseworker,
            self.cast.legal,
            self.cast.analyst,
            self.cast.outsider,
        ):
            client = sign_in(Client(), user)
            self.assertEqual(client.get(reverse("accounts:organization_list")).status_code, 404)
            response = client.post(reverse("accounts:organization_create"), organization_data())
            self.assertEqual(response.status_code, 404)
        self.assertFalse(Organization.objects.filter(short_name="REY").exists())

    def test_network_admin_lists_the_organizations_with_their_active_members(self) -> None:
        response = self.admin().get(reverse("accounts:organization_list"))
        self.assertEqual(response.status_code, 200)
        for organization in (self.cast.org, self.cast.other_org):
            self.assertContains(response, organization.name)
        counts = {o.short_name: o.member_count for o in response.context["organizations"]}
        self.assertEqual(counts, {"TIJ": 4, "MTY": 1, "RED": 1})
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.LIST, object_type="accounts.organization"
        )
        self.assertEqual(event.actor, self.cast.network_admin)

    def test_the_menu_links_to_the_organizations_for_network_admins_only(self) -> None:
        url = reverse("accounts:organization_list")
        self.assertContains(self.admin().get("/"), f'href="{url}"')
        self.assertNotContains(sign_in(Client(), self.cast.coordinator).get("/"), f'href="{url}"')

    def test_network_admin_never_sees_case_data(self) -> None:
        client = self.admin()
        pages = [
            client.get(reverse("accounts:organization_list")),
            client.get(reverse("accounts:organization_create")),
            client.get("/"),
        ]
        for page in pages:
            self.assertEqual(page.status_code, 200)
            self.assertNotContains(page, CANARY)
            self.assertNotContains(page, self.person.reference)
        self.assertEqual(client.get(reverse("people:list")).status_code, 404)
        self.assertEqual(
            client.get(reverse("people:detail", args=[self.person.uuid])).status_code, 404
        )

    def test_network_admin_creates_an_organization_and_invites_its_first_coordinator(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):  # the e-mail leaves on commit
            response = self.admin().post(
                reverse("accounts:organization_create"), organization_data()
            )
        self.assertRedirects(response, reverse("accounts:organization_list"))
        organization = Organization.objects.get(short_name="REY")
        self.assertEqual(organization.time_zone, "America/Matamoros")
        self.assertTrue(OrganizationKey.objects.filter(organization=organization, is_active=True))
        coordinator = Membership.objects.get(organization=organization)
        self.assertEqual(coordinator.role, Role.COORDINATOR)
        self.assertEqual(coordinator.user.email, "coordinacion@rey.example.org")
        self.assertEqual(coordinator.user.full_name, "Primera Coordinadora")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["coordinacion@rey.example.org"])
        created = AuditEvent.objects.get(action=AuditEvent.Action.ORGANIZATION_CREATED)
        self.assertEqual(created.actor, self.cast.network_admin)
        self.assertEqual(created.object_uuid, organization.uuid)
        invited = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_INVITED)
        self.assertEqual(invited.organization, organization)
        self.assertEqual(invited.detail, {"role": Role.COORDINATOR})

    def test_an_unknown_time_zone_is_refused(self) -> None:
        response = self.admin().post(
            reverse("accounts:organization_create"), organization_data(time_zone="Mars/Olympus")
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("time_zone", response.context["form"].errors)
        self.assertFalse(Organization.objects.filter(short_name="REY").exists())
        self.assertEqual(mail.outbox, [])

    def test_a_short_name_already_taken_is_refused(self) -> None:
        response = self.admin().post(
            reverse("accounts:organization_create"), organization_data(short_name="TIJ")
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("short_name", response.context["form"].errors)
        self.assertEqual(Organization.objects.filter(short_name="TIJ").count(), 1)
        self.assertContains(response, 'value="Casa del Migrante Reynosa"')
