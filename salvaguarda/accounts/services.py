"""Account actions: sign-in steps, second factors, sessions, organizations and members."""

import hashlib
import secrets
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import password_validation
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salvaguarda.accounts import mfa, queries, throttle
from salvaguarda.accounts.addresses import client_address as client_address
from salvaguarda.accounts.models import (
    Invitation,
    Membership,
    Organization,
    Role,
    TOTPDevice,
    User,
    UserSession,
)
from salvaguarda.accounts.queries import ACTIVE_MEMBERSHIP_SESSION_KEY
from salvaguarda.core import audit, keys

PENDING_USER_KEY = "salvaguarda_pending_user"
PENDING_AT_KEY = "salvaguarda_pending_at"
SIGNED_IN_AT_KEY = "salvaguarda_signed_in_at"
PENDING_SECONDS = 300


class LoginError(Exception):
    pass


def password_step(request: HttpRequest, email: str, password: str) -> User:
    """First step: check the password. The user is not signed in until the second factor."""
    address = client_address(request)
    attempt = throttle.attempt(email, address)  # counted before the password is checked
    if attempt.blocked:
        raise LoginError(_("Too many failed attempts. Wait a few minutes and try again."))
    user = auth.authenticate(request, username=email.strip().lower(), password=password)
    if user is None:
        known = User.objects.filter(email=email.strip().lower()).first()
        audit.record(action=audit.Action.LOGIN_FAILED, actor=known, detail={"step": "password"})
        # Same answer whether or not the account exists.
        raise LoginError(_("The e-mail or the password is not correct."))
    throttle.clear(email, address, attempt)
    request.session.cycle_key()
    request.session[PENDING_USER_KEY] = str(user.uuid)
    request.session[PENDING_AT_KEY] = timezone.now().timestamp()
    return user


def pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password step in the last few minutes, if any."""
    user_uuid = request.session.get(PENDING_USER_KEY)
    started = request.session.get(PENDING_AT_KEY, 0)
    if not user_uuid or timezone.now().timestamp() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(uuid=user_uuid, is_active=True).first()


def second_factor_step(request: HttpRequest, user: User, code: str) -> None:
    """Second step: a TOTP code or a recovery code. On success the user is signed in."""
    device = queries.confirmed_authenticator(user)
    if device is None:
        raise LoginError(_("This account has no second factor yet."))
    if mfa.is_locked(device):
        raise LoginError(_("Too many wrong codes. Wait a few minutes and try again."))
    cleaned = code.strip()
    if cleaned.isdigit():
        accepted = mfa.verify(device, cleaned)
    else:
        accepted = mfa.use_recovery_code(user, cleaned)
        if not accepted:
            mfa.register_failure(device)
    if not accepted:
        audit.record(action=audit.Action.LOGIN_FAILED, actor=user, detail={"step": "second_factor"})
        raise LoginError(_("The code is not correct or was already used."))
    if not cleaned.isdigit():
        audit.record(
            action=audit.Action.FACTOR_CHANGED, actor=user, detail={"recovery_code_used": True}
        )
    sign_in(request, user)


def start_enrollment(request: HttpRequest, user: User) -> bytes:
    """A new TOTP secret for the pending user; kept sealed in the session until confirmed."""
    secret = mfa.new_secret()
    request.session["salvaguarda_enrolling"] = mfa.seal_secret(user, secret).hex()
    return secret


def enrollment_secret(request: HttpRequest, user: User) -> bytes | None:
    sealed = request.session.get("salvaguarda_enrolling")
    if not sealed:
        return None
    device = TOTPDevice(user=user, sealed_secret=bytes.fromhex(sealed))
    return mfa.open_secret(device)


def confirm_enrollment(request: HttpRequest, user: User, code: str) -> list[str]:
    """Confirm the authenticator with a first code, replacing any previous one.

    Returns new recovery codes, to be shown once.
    """
    secret = enrollment_secret(request, user)
    if secret is None:
        raise LoginError(_("The enrollment expired. Start again."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, sealed_secret=mfa.seal_secret(user, secret))
        if not mfa.verify(device, code):
            transaction.set_rollback(True)
            raise LoginError(
                _("The code is not correct. Check the time on your phone and try again.")
            )
        device.confirmed_at = timezone.now()
        device.save(update_fields=["confirmed_at"])
        codes = mfa.new_recovery_codes(user)
        rotate_security_stamp(user)
        audit.record(action=audit.Action.FACTOR_CHANGED, actor=user, detail={"totp": "enrolled"})
    del request.session["salvaguarda_enrolling"]
    return codes


def sign_in(request: HttpRequest, user: User) -> None:
    for key in (PENDING_USER_KEY, PENDING_AT_KEY):
        request.session.pop(key, None)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    now = timezone.now()
    request.session[SIGNED_IN_AT_KEY] = now.timestamp()
    request.session.save()
    UserSession.objects.create(
        user=user,
        session_key=request.session.session_key or "",
        started_at=now,
        last_seen_at=now,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )
    if user.language:
        translation.activate(user.language)
    audit.record(action=audit.Action.LOGIN, actor=user)


def sign_out(request: HttpRequest) -> None:
    user = request.user if request.user.is_authenticated else None
    key = request.session.session_key
    if key:
        UserSession.objects.filter(session_key=key).update(ended_at=timezone.now())
    if user is not None:
        audit.record(action=audit.Action.LOGOUT, actor=user)
    auth.logout(request)


def end_session(*, user: User, session_id: int) -> None:
    found = UserSession.objects.filter(user=user, pk=session_id, ended_at__isnull=True).first()
    if found is None:
        return
    SessionStore(session_key=found.session_key).delete()
    found.ended_at = timezone.now()
    found.save(update_fields=["ended_at"])
    audit.record(action=audit.Action.SESSION_ENDED, actor=user)


def end_all_sessions(user: User, *, except_key: str | None = None) -> int:
    """End the account's open sessions (but the one with `except_key`); return how many ended."""
    ended = 0
    for found in UserSession.objects.filter(user=user, ended_at__isnull=True):
        if found.session_key != except_key:
            SessionStore(session_key=found.session_key).delete()
            found.ended_at = timezone.now()
            found.save(update_fields=["ended_at"])
            ended += 1
    return ended


def end_other_sessions(request: HttpRequest, user: User) -> int:
    """End every session of the account except this browser's one."""
    ended = end_all_sessions(user, except_key=request.session.session_key)
    audit.record(action=audit.Action.SESSION_ENDED, actor=user, detail={"count": ended})
    return ended


def rotate_security_stamp(user: User) -> None:
    """Invalidate every session of the account at its next request."""
    user.security_stamp = uuid.uuid4()
    user.save(update_fields=["security_stamp"])


def after_credential_change(request: HttpRequest, user: User) -> None:
    """Keep the current session, end every other one."""
    rotate_security_stamp(user)
    previous_key = request.session.session_key
    auth.update_session_auth_hash(request, user)  # also gives the session a new key
    current_key = request.session.session_key
    if previous_key and current_key and previous_key != current_key:
        # The tracked row must follow the new key, or the session-policy middleware would end
        # the current session at its next request.
        UserSession.objects.filter(user=user, session_key=previous_key).update(
            session_key=current_key
        )
    end_all_sessions(user, except_key=current_key)


def change_password(request: HttpRequest, user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.save(update_fields=["password"])
    after_credential_change(request, user)
    audit.record(action=audit.Action.PASSWORD_CHANGED, actor=user)


@transaction.atomic
def recovery_codes_regenerate(request: HttpRequest, user: User) -> list[str]:
    """Replace the account's recovery codes (shown once) and end its other sessions."""
    codes = mfa.new_recovery_codes(user)
    audit.record(
        action=audit.Action.FACTOR_CHANGED, actor=user, detail={"recovery_codes": "regenerated"}
    )
    after_credential_change(request, user)
    return codes


def choose_organization(request: HttpRequest, membership_uuid: str) -> Membership:
    if not request.user.is_authenticated:
        raise PermissionDenied
    try:
        uuid.UUID(membership_uuid)
    except ValueError:  # a malformed value would otherwise fail in the query (a 500)
        raise PermissionDenied from None
    membership = Membership.objects.filter(
        uuid=membership_uuid, user=request.user, is_active=True, organization__is_active=True
    ).first()
    if membership is None:
        raise PermissionDenied
    request.session[ACTIVE_MEMBERSHIP_SESSION_KEY] = str(membership.uuid)
    return membership


def set_language(request: HttpRequest, language: str) -> None:
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])


# --- Organizations and members ---------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Network administrators are named outside the app (by the operators), never by a coordinator.
ASSIGNABLE_ROLES = frozenset(Role.values) - {Role.NETWORK_ADMIN}


def _check_role(role: str) -> None:
    if role not in ASSIGNABLE_ROLES:
        raise ValidationError(_("Unknown role."))


def _send_invitation(membership: Membership, token: str) -> None:
    link = settings.SALVAGUARDA_BASE_URL + reverse("accounts:invitation", args=[token])
    with translation.override(membership.user.language or settings.LANGUAGE_CODE):
        send_mail(
            subject=_("Your Salvaguarda account"),
            message=render_to_string(
                "accounts/email_invitation.txt", {"membership": membership, "link": link}
            ),
            from_email=None,
            recipient_list=[membership.user.email],
        )


@transaction.atomic
def member_invite(
    *, by: User, organization: Organization, email: str, full_name: str, role: str
) -> Membership:
    """Add a person to the organization; new accounts get an e-mailed link to set a password."""
    _check_role(role)
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    new_account = user is None
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role, "created_by": by}
    )
    if not created:
        if membership.is_active:
            raise ValidationError(_("This person is already a member of the organization."))
        membership.is_active = True
        membership.role = role
        membership.save(update_fields=["is_active", "role"])
    if new_account or not user.has_usable_password():
        token = _new_invitation(membership, by=by)
        # Only once the invitation is committed: a rolled-back one must not mail a dead link.
        transaction.on_commit(partial(_send_invitation, membership, token))
    audit.record(
        action=audit.Action.MEMBER_INVITED,
        actor=by,
        organization_id=organization.pk,
        obj=membership,
        detail={"role": role},
    )
    return membership


def _new_invitation(membership: Membership, *, by: User) -> str:
    """Store a one-time invitation (its hash only) and return the token for the link."""
    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        membership=membership,
        token_hash=_token_hash(token),
        created_by=by,
        expires_at=timezone.now() + timedelta(days=settings.SALVAGUARDA_INVITATION_DAYS),
    )
    return token


def organization_with_key(data: dict[str, str]) -> Organization:
    """A new organization, with the data key its encrypted records need from the start."""
    organization = Organization.objects.create(**data)
    keys.create_data_key(organization.pk)
    return organization


def invitation_for(token: str) -> Invitation | None:
    """An unused, unexpired invitation to a membership, account and organization still active."""
    return (
        Invitation.objects.select_related("membership__user", "membership__organization")
        .filter(
            token_hash=_token_hash(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
            membership__is_active=True,
            membership__user__is_active=True,
            membership__organization__is_active=True,
        )
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Set the account's first password. The link works once; the account's other links die."""
    now = timezone.now()
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None or locked.expires_at <= now:
        raise ValidationError(_("This invitation was already used or has expired."))
    user = invitation.membership.user
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    Invitation.objects.filter(membership__user=user, accepted_at__isnull=True).exclude(
        pk=invitation.pk
    ).update(expires_at=now)
    audit.record(
        action=audit.Action.PASSWORD_CHANGED,
        actor=user,
        organization_id=invitation.membership.organization_id,
        obj=invitation.membership,
        detail={"invitation": "accepted"},
    )
    return user


def _guard_self(by: User, membership: Membership) -> None:
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot change your own membership."))
    if membership.role == Role.NETWORK_ADMIN:
        # Coordinators manage their staff; the network's administrators are not theirs to change.
        raise ValidationError(_("A network administrator's membership cannot be changed here."))


@transaction.atomic
def member_change_role(*, by: User, membership: Membership, role: str) -> Membership:
    _guard_self(by, membership)
    _check_role(role)
    membership.role = role
    membership.save(update_fields=["role"])
    rotate_security_stamp(membership.user)
    end_all_sessions(membership.user)
    audit.record(
        action=audit.Action.ROLE_CHANGED,
        actor=by,
        organization_id=membership.organization_id,
        obj=membership,
        detail={"role": role},
    )
    return membership


@transaction.atomic
def member_deactivate(*, by: User, membership: Membership) -> Membership:
    _guard_self(by, membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    membership.invitations.filter(accepted_at__isnull=True).update(expires_at=timezone.now())
    rotate_security_stamp(membership.user)
    end_all_sessions(membership.user)
    audit.record(
        action=audit.Action.MEMBER_DEACTIVATED,
        actor=by,
        organization_id=membership.organization_id,
        obj=membership,
    )
    return membership


@transaction.atomic
def organization_create(
    *, by: User, data: dict[str, str], coordinator_email: str, coordinator_name: str
) -> Organization:
    """A network admin creates an organization, its data key, and invites its first coordinator."""
    organization = organization_with_key(data)
    audit.record(action=audit.Action.ORGANIZATION_CREATED, actor=by, obj=organization)
    member_invite(
        by=by,
        organization=organization,
        email=coordinator_email,
        full_name=coordinator_name,
        role=Role.COORDINATOR,
    )
    return organization


@transaction.atomic
def network_bootstrap(*, data: dict[str, str], email: str, full_name: str) -> str:
    """First run of a deployment: the network's organization and its first administrator.

    Returns the path of the invitation link, which the operator hands to that person.
    """
    if Membership.objects.filter(role=Role.NETWORK_ADMIN).exists():
        raise ValidationError(_("The network already has an administrator."))
    organization = organization_with_key(data)
    user = User.objects.create_user(email=email, password=None, full_name=full_name)
    membership = Membership.objects.create(
        user=user, organization=organization, role=Role.NETWORK_ADMIN
    )
    token = _new_invitation(membership, by=user)
    audit.record(action=audit.Action.ORGANIZATION_CREATED, obj=organization)
    return reverse("accounts:invitation", args=[token])
