"""Factories, the cast of personas, and sign-in helpers shared by every app's tests."""

import json
from dataclasses import dataclass
from typing import Any
from unittest import mock

import factory
from django.db import connection
from django.test import Client
from django.utils import timezone

from salvaguarda.accounts import api_tokens
from salvaguarda.accounts.models import Membership, Organization, Role, User, UserSession
from salvaguarda.accounts.queries import ACTIVE_MEMBERSHIP_SESSION_KEY
from salvaguarda.accounts.services import SIGNED_IN_AT_KEY
from salvaguarda.core import keys
from salvaguarda.core.models import AuditEvent
from salvaguarda.core.scoping import organization_scope
from salvaguarda.people.models import Person
from salvaguarda.people.services import person_register

PASSWORD = "a long and unusual passphrase"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organización {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organization.Kind.SHELTER
    city = "Tijuana"
    state = "Baja California"
    time_zone = "America/Tijuana"

    @factory.post_generation
    def data_key(obj: Organization, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            keys.create_data_key(obj.pk)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Persona {n}")
    password = factory.django.Password(PASSWORD)


def member(organization: Organization, role: str, **user_fields: Any) -> User:
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organization=organization, role=role)
    return user


def make_person(organization: Organization, by: User, **data: Any) -> Person:
    data.setdefault("given_names", "Nombre")
    with organization_scope(organization.pk):
        return person_register(by=by, data=data)


def audit_fails(error: Exception) -> Any:
    """The audit trail refuses every new entry (they are inserted in batches)."""
    return mock.patch.object(AuditEvent.objects, "bulk_create", side_effect=error)


def registration(*members: dict[str, str], **arrival: str) -> dict[str, str]:
    """The POST body of the registration page for these members."""
    data = {
        "member-TOTAL_FORMS": str(len(members)),
        "member-INITIAL_FORMS": "0",
        "member-MIN_NUM_FORMS": "1",
        "member-MAX_NUM_FORMS": "1000",
        "city": "tijuana",
        "consent": "on",
        "consent_language": "spa",
        **arrival,
    }
    for index, fields in enumerate(members):
        data.update({f"member-{index}-{name}": value for name, value in fields.items()})
    return data


@dataclass
class Cast:
    """Every role of organization A, and an outsider (a coordinator) of organization B."""

    org: Organization
    other_org: Organization
    caseworker: User
    legal: User
    coordinator: User
    analyst: User
    network_admin: User
    outsider: User

    @classmethod
    def build(cls) -> "Cast":
        org = OrganizationFactory(short_name="TIJ", name="Albergue A")
        other = OrganizationFactory(
            short_name="MTY", name="Clínica B", time_zone="America/Monterrey"
        )
        network = OrganizationFactory(short_name="RED", name="Red")
        return cls(
            org=org,
            other_org=other,
            caseworker=member(org, Role.CASEWORKER),
            legal=member(org, Role.LEGAL),
            coordinator=member(org, Role.COORDINATOR),
            analyst=member(org, Role.ANALYST),
            network_admin=member(network, Role.NETWORK_ADMIN),
            outsider=member(other, Role.COORDINATOR),
        )

    def everyone(self) -> dict[str, User]:
        return {
            "caseworker": self.caseworker,
            "legal": self.legal,
            "coordinator": self.coordinator,
            "analyst": self.analyst,
            "network_admin": self.network_admin,
            "outsider": self.outsider,
        }


def sign_in(client: Client, user: User, membership: Membership | None = None) -> Client:
    """What a full sign-in (password and second factor) leaves in the session."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    now = timezone.now()
    session[SIGNED_IN_AT_KEY] = now.timestamp()
    if membership is not None:
        session[ACTIVE_MEMBERSHIP_SESSION_KEY] = str(membership.uuid)
    session.save()
    UserSession.objects.create(
        user=user, session_key=session.session_key, started_at=now, last_seen_at=now
    )
    return client


def stored(person: Person, column: str) -> str:
    """The value as the database holds it (read past the ORM, as a database dump would)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM people_person WHERE id = %s", [person.pk])  # noqa: S608
        return str(cursor.fetchone()[0])


class ApiCalls:
    """Requests to the REST API with a token (`self.secret` by default) or a session."""

    API = "/api/v1"
    secret: str

    @staticmethod
    def token_for(user: User) -> str:
        _token, secret = api_tokens.api_token_create(
            by=user, membership=user.memberships.get(), name="tests", days=90
        )
        return secret

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        secret: str | None = None,
        client: Client | None = None,
        **headers: str,
    ) -> Any:
        """A request with `self.secret`'s token, or `secret`'s, or `client`'s session."""
        if client is None:
            client = Client()
            secret = secret or self.secret
        if secret:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
        kwargs: dict[str, Any] = dict(headers)
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(client, method)(self.API + path, **kwargs)


class InOrganizationScope:
    """Each test runs inside `self.cast.org`'s scope, as a page of that organization would."""

    cast: Cast

    def setUp(self) -> None:
        super().setUp()  # type: ignore[misc]
        self._scope = organization_scope(self.cast.org.pk)
        self._scope.__enter__()

    def tearDown(self) -> None:
        self._scope.__exit__(None, None, None)
        super().tearDown()  # type: ignore[misc]


def raw(table: str, column: str, pk: int) -> str:
    """A column as the database holds it (read past the ORM, as a dump would show it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])
