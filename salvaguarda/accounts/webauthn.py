"""Security keys and passkeys (WebAuthn), an optional second factor besides the authenticator app.

The app's TOTP stays the first factor every account sets up; keys are added from the Security
page and can then replace the code after the password. The relying party is the host name the
browser used (without the port), which Django has already checked against ALLOWED_HOSTS.
Browsers refuse WebAuthn on IP addresses: it works on `localhost` and on the real domain.

Each ceremony's challenge is kept in the session, bound to its purpose and account, used once
and valid for CHALLENGE_SECONDS. Failed sign-ins with a key count against the authenticator
app's lock, like wrong codes.
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from salvaguarda.accounts import mfa, queries, services
from salvaguarda.accounts.models import SecurityKey, TOTPDevice, User
from salvaguarda.core import audit

CHALLENGE_KEY = "salvaguarda_webauthn"
CHALLENGE_SECONDS = 300
REGISTER = "register"
AUTHENTICATE = "authenticate"
KNOWN_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)
# What a malformed or forged answer from the browser raises while it is parsed and checked.
BAD_ANSWER = (WebAuthnException, ValueError, TypeError, KeyError, AttributeError)


class SecurityKeyError(Exception):
    """A WebAuthn step was refused; the message is translated and safe to show."""


def relying_party(request: HttpRequest) -> tuple[str, str]:
    """(RP ID, expected origin) of this request: its host name, and scheme://host[:port].

    `get_host()` refuses hosts outside ALLOWED_HOSTS (DisallowedHost, a 400).
    """
    host = request.get_host()
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    name = name.strip("[]").lower()
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise SecurityKeyError(
            _("Security keys only work when the site is opened by its name, not by an IP address.")
        )
    return name, f"{request.scheme}://{host}"


def _descriptors(keys: list[SecurityKey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=bytes(key.credential_id),
            transports=[AuthenticatorTransport(t) for t in key.transports if t in KNOWN_TRANSPORTS],
        )
        for key in keys
    ]


def _remember(request: HttpRequest, purpose: str, user: User, challenge: bytes) -> None:
    request.session[CHALLENGE_KEY] = {
        "purpose": purpose,
        "user": str(user.uuid),
        "challenge": bytes_to_base64url(challenge),
        "at": timezone.now().timestamp(),
    }


def _take_challenge(request: HttpRequest, purpose: str, user: User) -> bytes:
    """The challenge this session was given for `purpose`; it is gone after this call."""
    kept = request.session.pop(CHALLENGE_KEY, None)
    if (
        not isinstance(kept, dict)
        or kept.get("purpose") != purpose
        or kept.get("user") != str(user.uuid)
        or timezone.now().timestamp() - float(kept.get("at", 0)) > CHALLENGE_SECONDS
    ):
        raise SecurityKeyError(_("The request expired. Try again."))
    return base64url_to_bytes(str(kept["challenge"]))


# --- Adding a key (signed in) -----------------------------------------------------------------


def registration_options(request: HttpRequest, user: User) -> str:
    """Options (JSON) for `navigator.credentials.create()`; the account's keys are excluded."""
    if not queries.has_authenticator(user):  # the app stays the factor every account has
        raise SecurityKeyError(_("Set up the authenticator app before adding a security key."))
    rp_id, _origin = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.SALVAGUARDA_TOTP_ISSUER,
        user_id=user.uuid.bytes,  # a stable handle that says nothing about the person
        user_name=user.email,
        user_display_name=user.full_name or user.email,
        timeout=CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(queries.security_keys_of(user)),
    )
    _remember(request, REGISTER, user, options.challenge)
    return options_to_json(options)


def _transports(credential: dict[str, Any]) -> list[str]:
    response = credential.get("response")
    found = response.get("transports") if isinstance(response, dict) else None
    if not isinstance(found, list):
        return []
    return sorted({t for t in found if isinstance(t, str) and t in KNOWN_TRANSPORTS})


@transaction.atomic
def security_key_add(
    request: HttpRequest, user: User, *, name: str, credential: dict[str, Any]
) -> SecurityKey:
    """Verify the browser's answer and keep the new key; the account's other sessions end."""
    challenge = _take_challenge(request, REGISTER, user)
    rp_id, origin = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except BAD_ANSWER as error:
        raise SecurityKeyError(_("The security key could not be added. Try again.")) from error
    if SecurityKey.objects.filter(credential_id=verified.credential_id).exists():
        raise SecurityKeyError(_("This security key is already registered."))
    key = SecurityKey.objects.create(
        user=user,
        name=name,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=_transports(credential),
    )
    audit.record(
        action=audit.Action.FACTOR_CHANGED,
        actor=user,
        obj=key,
        detail={"security_key": "added"},
    )
    services.after_credential_change(request, user)
    return key


@transaction.atomic
def security_key_remove(request: HttpRequest, user: User, key: SecurityKey) -> None:
    """Remove one of the account's keys; the account's other sessions end."""
    if key.user_id != user.pk:  # the accessor already guarantees it; never trust one layer
        raise SecurityKeyError(_("The security key was not found."))
    audit.record(
        action=audit.Action.FACTOR_CHANGED,
        actor=user,
        obj=key,
        detail={"security_key": "removed"},
    )
    key.delete()
    services.after_credential_change(request, user)


# --- Signing in with a key (after the password) -----------------------------------------------


def _device(user: User) -> TOTPDevice:
    device = queries.confirmed_authenticator(user)
    if device is None:
        raise SecurityKeyError(_("This account has no second factor yet."))
    if mfa.is_locked(device):
        raise SecurityKeyError(_("Too many failed attempts. Wait a few minutes and try again."))
    return device


def authentication_options(request: HttpRequest, user: User) -> str:
    """Options (JSON) for `navigator.credentials.get()`, allowing only this account's keys."""
    _device(user)
    keys = queries.security_keys_of(user)
    if not keys:
        raise SecurityKeyError(_("This account has no security key."))
    rp_id, _origin = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        timeout=CHALLENGE_SECONDS * 1000,
        allow_credentials=_descriptors(keys),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _remember(request, AUTHENTICATE, user, options.challenge)
    return options_to_json(options)


class _Refused(Exception):
    pass


def _verify_assertion(
    request: HttpRequest, user: User, credential: dict[str, Any]
) -> tuple[SecurityKey, int]:
    challenge = _take_challenge(request, AUTHENTICATE, user)
    rp_id, origin = relying_party(request)
    parsed = parse_authentication_credential_json(credential)
    key = SecurityKey.objects.filter(user=user, credential_id=parsed.raw_id).first()
    if key is None:  # unknown, or another account's key
        raise _Refused
    verified = verify_authentication_response(
        credential=parsed,
        expected_challenge=challenge,
        expected_rp_id=rp_id,
        expected_origin=origin,
        credential_public_key=bytes(key.public_key),
        credential_current_sign_count=key.sign_count,
    )
    return key, verified.new_sign_count


def sign_in_with_key(request: HttpRequest, user: User, credential: dict[str, Any]) -> None:
    """Second step with a security key instead of a code. On success the user is signed in."""
    device = _device(user)
    try:
        key, new_count = _verify_assertion(request, user, credential)
        # py_webauthn refuses a counter that does not grow (when the key keeps one: a lower or
        # equal value means a cloned key). The update is conditional, so that two answers
        # checked at the same time against the same counter cannot both pass.
        updated = SecurityKey.objects.filter(pk=key.pk, sign_count=key.sign_count).update(
            sign_count=new_count, last_used_at=timezone.now()
        )
        if not updated:
            raise _Refused
    except (SecurityKeyError, _Refused, *BAD_ANSWER) as error:
        mfa.register_failure(device)
        audit.record(
            action=audit.Action.LOGIN_FAILED,
            actor=user,
            detail={"step": "second_factor", "method": "security_key"},
        )
        if isinstance(error, SecurityKeyError):
            raise
        raise SecurityKeyError(_("The security key was not accepted.")) from error
    mfa.register_success(device)
    services.sign_in(request, user)
