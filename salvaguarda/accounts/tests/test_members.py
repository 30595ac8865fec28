import re

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salvaguarda.accounts import services
from salvaguarda.accounts.models import Invitation, Membership, Role, User
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.tests.helpers import Cast, member, sign_in


def invitation_path(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found is not None, message.body
    return found.group(1)


class MemberPagesTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()

    def membership(self, user: User) -> Membership:
        return user.memberships.get()

    def coordinator(self) -> Client:
        return sign_in(self.client, self.cast.coordinator)

    def coordinator_urls(self) -> list[str]:
        target = self.membership(self.cast.caseworker).uuid
        return [
            reverse("accounts:member_list"),
            reverse("accounts:member_invite"),
            reverse("accounts:member_role", kwargs={"membership_uuid": target}),
            reverse("accounts:member_deactivate", kwargs={"membership_uuid": target}),
        ]

    # --- Who may come in ----------------------------------------------------------------------

    def test_anonymous_visitors_are_sent_to_sign_in(self) -> None:
        for url in self.coordinator_urls():
            for method in (self.client.get, self.client.post):
                response = method(url)
                self.assertEqual(response.status_code, 302, url)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")), url)

    def test_roles_other_than_coordinator_get_404(self) -> None:
        for user in (
            self.cast.caseworker,
            self.cast.legal,
            self.cast.analyst,
            self.cast.network_admin,
        ):
            client = sign_in(Client(), user)
            for url in self.coordinator_urls():
                self.assertEqual(client.get(url).status_code, 404, (user, url))
                self.assertEqual(client.post(url, {"role": Role.COORDINATOR}).status_code, 404)
        self.assertEqual(self.membership(self.cast.caseworker).role, Role.CASEWORKER)
        self.assertTrue(self.membership(self.cast.caseworker).is_active)

    def test_coordinator_cannot_deactivate_a_member_of_another_organization(self) -> None:
        client = sign_in(self.client, self.cast.outsider)  # a coordinator, of organization B
        target = self.membership(self.cast.caseworker)
        deactivate = reverse("accounts:member_deactivate", kwargs={"membership_uuid": target.uuid})
        change = reverse("accounts:member_role", kwargs={"membership_uuid": target.uuid})
        self.assertEqual(client.post(deactivate).status_code, 404)
        self.assertEqual(client.post(change, {"role": Role.ANALYST}).status_code, 404)
        target.refresh_from_db()
        self.assertTrue(target.is_active)
        self.assertEqual(target.role, Role.CASEWORKER)

    def test_an_unknown_membership_gives_404(self) -> None:
        client = self.coordinator()
        url = reverse(
            "accounts:member_deactivate",
            kwargs={"membership_uuid": "00000000-0000-4000-8000-000000000000"},
        )
        self.assertEqual(client.post(url).status_code, 404)

    # --- The list -----------------------------------------------------------------------------

    def test_coordinator_sees_the_members_of_the_organization_only(self) -> None:
        sign_in(Client(), self.cast.caseworker)  # gives the caseworker a last sign-in
        response = self.coordinator().get(reverse("accounts:member_list"))
        self.assertEqual(response.status_code, 200)
        for user in (self.cast.caseworker, self.cast.legal, self.cast.analyst):
            self.assertContains(response, user.email)
            self.assertContains(response, user.full_name)
        self.assertNotContains(response, self.cast.outsider.email)
        self.assertNotContains(response, self.cast.network_admin.email)
        rows = {row.membership.user_id: row.membership for row in response.context["rows"]}
        self.assertIsNotNone(rows[self.cast.caseworker.pk].last_sign_in)
        self.assertIsNone(rows[self.cast.analyst.pk].last_sign_in)

    def test_listing_the_members_is_audited_without_their_names(self) -> None:
        self.coordinator().get(reverse("accounts:member_list"))
        event = AuditEvent.objects.get(
            action=AuditEvent.Action.LIST, object_type="accounts.membership"
        )
        self.assertEqual(event.actor, self.cast.coordinator)
        self.assertEqual(event.organization, self.cast.org)
        self.assertEqual(event.detail, {"count": 4})
        self.assertNotIn(self.cast.caseworker.email, str(event.detail))

    def test_the_list_runs_the_same_number_of_queries_for_more_members(self) -> None:
        client = self.coordinator()
        client.get(reverse("accounts:member_list"))  # warm up
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("accounts:member_list"))
        for _ in range(5):
            sign_in(Client(), member(self.cast.org, Role.CASEWORKER))
        with CaptureQueriesContext(connection) as many:
            response = client.get(reverse("accounts:member_list"))
        self.assertEqual(len(response.context["rows"]), 9)
        self.assertEqual(len(many), len(few))

    def test_the_menu_links_to_the_members_for_coordinators_only(self) -> None:
        url = reverse("accounts:member_list")
        self.assertContains(self.coordinator().get("/"), f'href="{url}"')
        self.assertNotContains(sign_in(Client(), self.cast.caseworker).get("/"), f'href="{url}"')

    # --- Inviting -----------------------------------------------------------------------------

    def test_coordinator_invites_a_new_person_who_receives_a_working_link(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):  # the e-mail leaves on commit
            response = self.coordinator().post(
                reverse("accounts:member_invite"),
                {"full_name": "Nueva Persona", "email": "Nueva@Example.org", "role": Role.LEGAL},
            )
        self.assertRedirects(response, reverse("accounts:member_list"))
        membership = Membership.objects.get(user__email="nueva@example.org")
        self.assertEqual(membership.organization, self.cast.org)
        self.assertEqual(membership.role, Role.LEGAL)
        self.assertEqual(membership.created_by, self.cast.coordinator)
        self.assertFalse(membership.user.has_usable_password())
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["nueva@example.org"])
        page = Client().get(invitation_path(mail.outbox[0]))
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, self.cast.org.name)
        event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_INVITED)
        self.assertEqual(event.actor, self.cast.coordinator)
        self.assertEqual(event.object_uuid, membership.uuid)
        self.assertEqual(event.detail, {"role": Role.LEGAL})

    def test_an_existing_account_is_added_without_an_invitation(self) -> None:
        response = self.coordinator().post(
            reverse("accounts:member_invite"),
            {"full_name": "x", "email": self.cast.outsider.email, "role": Role.ANALYST},
        )
        self.assertRedirects(response, reverse("accounts:member_list"))
        self.assertTrue(
            self.cast.outsider.memberships.filter(organization=self.cast.org, role=Role.ANALYST)
        )
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Invitation.objects.exists())

    def test_inviting_a_current_member_again_reshows_the_form_with_an_error(self) -> None:
        response = self.coordinator().post(
            reverse("accounts:member_invite"),
            {"full_name": "x", "email": self.cast.caseworker.email, "role": Role.ANALYST},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].non_field_errors())
        self.assertContains(response, "errorlist")
        self.assertEqual(self.membership(self.cast.caseworker).role, Role.CASEWORKER)
        self.assertEqual(mail.outbox, [])

    def test_a_bad_e_mail_reshows_the_form_with_what_was_typed(self) -> None:
        response = self.coordinator().post(
            reverse("accounts:member_invite"),
            {"full_name": "Nueva Persona", "email": "no-es-correo", "role": Role.LEGAL},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("email", response.context["form"].errors)
        self.assertContains(response, 'value="Nueva Persona"')

    def test_coordinator_cannot_make_anyone_a_network_admin(self) -> None:
        client = self.coordinator()
        response = client.post(
            reverse("accounts:member_invite"),
            {"full_name": "x", "email": "x@example.org", "role": Role.NETWORK_ADMIN},
        )
        self.assertIn("role", response.context["form"].errors)
        target = self.membership(self.cast.caseworker)
        url = reverse("accounts:member_role", kwargs={"membership_uuid": target.uuid})
        response = client.post(url, {"role": Role.NETWORK_ADMIN})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(
            Membership.objects.filter(role=Role.NETWORK_ADMIN, organization=self.cast.org)
        )
        with self.assertRaises(ValidationError):
            services.member_change_role(
                by=self.cast.coordinator, membership=target, role=Role.NETWORK_ADMIN
            )
        with self.assertRaises(ValidationError):
            services.member_invite(
                by=self.cast.coordinator,
                organization=self.cast.org,
                email="y@example.org",
                full_name="y",
                role=Role.NETWORK_ADMIN,
            )

    def test_a_deactivated_member_can_be_invited_back(self) -> None:
        target = self.membership(self.cast.caseworker)
        services.member_deactivate(by=self.cast.coordinator, membership=target)
        response = self.coordinator().post(
            reverse("accounts:member_invite"),
            {"full_name": "x", "email": self.cast.caseworker.email, "role": Role.LEGAL},
        )
        self.assertRedirects(response, reverse("accounts:member_list"))
        target.refresh_from_db()
        self.assertTrue(target.is_active)
        self.assertEqual(target.role, Role.LEGAL)

    # --- Changing roles -----------------------------------------------------------------------

    def test_a_role_change_ends_the_members_sessions(self) -> None:
        member_client = sign_in(Client(), self.cast.caseworker)
        self.assertEqual(member_client.get(reverse("people:list")).status_code, 200)
        target = self.membership(self.cast.caseworker)
        response = self.coordinator().post(
            reverse("accounts:member_role", kwargs={"membership_uuid": target.uuid}),
            {"role": Role.ANALYST},
        )
        self.assertRedirects(response, reverse("accounts:member_list"))
        target.refresh_from_db()
        self.assertEqual(target.role, Role.ANALYST)
        after = member_client.get(reverse("people:list"))
        self.assertEqual(after.status_code, 302)
        self.assertTrue(after["Location"].startswith(reverse("accounts:login")))
        event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED)
        self.assertEqual(event.actor, self.cast.coordinator)
        self.assertEqual(event.organization, self.cast.org)
        self.assertEqual(event.object_uuid, target.uuid)
        self.assertEqual(event.detail, {"role": Role.ANALYST})
        # Signed in again, the new role applies: an analyst reads no case file.
        self.cast.caseworker.refresh_from_db()  # a new security stamp
        again = sign_in(Client(), self.cast.caseworker)
        self.assertEqual(again.get(reverse("people:list")).status_code, 404)

    def test_an_unknown_role_reshows_the_list_with_the_error_on_that_member(self) -> None:
        target = self.membership(self.cast.caseworker)
        response = self.coordinator().post(
            reverse("accounts:member_role", kwargs={"membership_uuid": target.uuid}),
            {"role": "boss"},
        )
        self.assertEqual(response.status_code, 200)
        row = next(r for r in response.context["rows"] if r.membership.pk == target.pk)
        self.assertIn("role", row.role_form.errors)
        self.assertContains(response, "errorlist")
        target.refresh_from_db()
        self.assertEqual(target.role, Role.CASEWORKER)

    def test_coordinator_cannot_change_or_deactivate_their_own_membership(self) -> None:
        client = self.coordinator()
        own = self.membership(self.cast.coordinator)
        change = client.post(
            reverse("accounts:member_role", kwargs={"membership_uuid": own.uuid}),
            {"role": Role.CASEWORKER},
        )
        self.assertEqual(change.status_code, 200)
        row = next(r for r in change.context["rows"] if r.membership.pk == own.pk)
        self.assertTrue(row.role_form.non_field_errors())
        deactivate = client.post(
            reverse("accounts:member_deactivate", kwargs={"membership_uuid": own.uuid})
        )
        self.assertEqual(deactivate.status_code, 200)
        row = next(r for r in deactivate.context["rows"] if r.membership.pk == own.pk)
        self.assertTrue(row.errors)
        own.refresh_from_db()
        self.assertEqual(own.role, Role.COORDINATOR)
        self.assertTrue(own.is_active)
        self.assertEqual(client.get(reverse("accounts:member_list")).status_code, 200)

    # --- Deactivating -------------------------------------------------------------------------

    def test_a_deactivated_member_is_signed_out_and_loses_access(self) -> None:
        member_client = sign_in(Client(), self.cast.caseworker)
        target = self.membership(self.cast.caseworker)
        response = self.coordinator().post(
            reverse("accounts:member_deactivate", kwargs={"membership_uuid": target.uuid})
        )
        self.assertRedirects(response, reverse("accounts:member_list"))
        target.refresh_from_db()
        self.assertFalse(target.is_active)
        self.assertEqual(member_client.get(reverse("people:list")).status_code, 302)
        self.cast.caseworker.refresh_from_db()  # a new security stamp
        again = sign_in(Client(), self.cast.caseworker)
        self.assertEqual(again.get(reverse("people:list")).status_code, 404)
        self.assertIsNone(again.get("/").context["active_membership"])
        event = AuditEvent.objects.get(action=AuditEvent.Action.MEMBER_DEACTIVATED)
        self.assertEqual(event.actor, self.cast.coordinator)
        self.assertEqual(event.object_uuid, target.uuid)

    def test_deactivation_voids_a_pending_invitation(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            membership = services.member_invite(
                by=self.cast.coordinator,
                organization=self.cast.org,
                email="pendiente@example.org",
                full_name="Pendiente",
                role=Role.CASEWORKER,
            )
        path = invitation_path(mail.outbox[0])
        self.assertEqual(Client().get(path).status_code, 200)
        self.coordinator().post(
            reverse("accounts:member_deactivate", kwargs={"membership_uuid": membership.uuid})
        )
        self.assertEqual(Client().get(path).status_code, 404)


class InvitationMailTest(TestCase):
    def test_no_e_mail_leaves_for_an_invitation_that_was_rolled_back(self) -> None:
        cast = Cast.build()
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(RuntimeError):
            with transaction.atomic():
                services.member_invite(
                    by=cast.coordinator,
                    organization=cast.org,
                    email="nadie@example.org",
                    full_name="Nadie",
                    role=Role.CASEWORKER,
                )
                raise RuntimeError("the request failed after the invitation")
        self.assertEqual(mail.outbox, [])
        self.assertFalse(User.objects.filter(email="nadie@example.org").exists())


class NetworkAdministratorMembershipTest(TestCase):
    def test_a_coordinator_cannot_demote_or_deactivate_a_network_administrator(self) -> None:
        cast = Cast.build()
        network = cast.network_admin.memberships.get().organization
        coordinator = member(network, Role.COORDINATOR)
        admin = cast.network_admin.memberships.get()
        with self.assertRaises(ValidationError):
            services.member_change_role(by=coordinator, membership=admin, role=Role.ANALYST)
        with self.assertRaises(ValidationError):
            services.member_deactivate(by=coordinator, membership=admin)
        admin.refresh_from_db()
        self.assertEqual((admin.role, admin.is_active), (Role.NETWORK_ADMIN, True))
