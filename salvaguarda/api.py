"""The REST API, version 1, mounted at /api/v1/ (OpenAPI document at /api/v1/openapi.json).

It does what the pages do, through the same service and query functions, under the same rules:

- Who: a signed-in browser session (unsafe methods need the CSRF token, as forms do), or an API
  token (`Authorization: Bearer <token>`, resolved by `ApiTokenMiddleware` before the scope
  middleware). Either way the request runs in one organization's scope, with one role, exactly
  like a page request. Anonymous requests get 401 (JSON), never a redirect to the sign-in page.
  The public operations of a letter's sign-on page (`Policy.PUBLIC`) need no account at all.
- What: every operation declares its access policy with `@policy(...)`, like every view. It is
  enforced twice: at the URL (each generated URL pattern carries its operation's policy, so
  `AccessPolicyMiddleware` and the URL isolation test see it) and inside the operation (its
  auth classes refuse the role). A refused role gets 404, as on the pages. An operation without
  a policy stops the project from starting.
- Errors: a value that breaks a rule answers 422 `{"errors": {"field": ["message", ...]}}`, in
  the language of the request; nothing is half-saved (each service runs in one transaction).

No page serves interactive documentation: ninja's default one loads its assets from a CDN.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.defaults import page_not_found
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from salvaguarda.accounts.middleware import api_refusal
from salvaguarda.core.access import Policy, policy_of, role_allows
from salvaguarda.court.api import router as court_router
from salvaguarda.incidents.api import router as incidents_router
from salvaguarda.letters.api import router as letters_router
from salvaguarda.letters.api_figures import router as figures_router
from salvaguarda.letters.api_signing import router as signing_router
from salvaguarda.people.api import router as people_router
from salvaguarda.referrals.directory.api import router as directory_router
from salvaguarda.referrals.referring.api import router as referrals_router
from salvaguarda.referrals.rights.api import router as rights_router

NAMESPACE = "api-v1"
# The JSON key of errors that concern the whole request rather than one field.
WHOLE_REQUEST = NON_FIELD_ERRORS


# --- Authentication and the access policy of each operation -----------------------------------


def _allowed(request: HttpRequest, required: Policy) -> Any:
    """The account, if the role of the request's membership meets `required`; 404 otherwise."""
    membership = getattr(request, "membership", None)
    if not role_allows(membership.role if membership else None, required):
        raise Http404
    return request.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a token made on the account's token page.

    ApiTokenMiddleware has already checked the token (a bad one never gets this far) and set
    the request's account, membership and organization scope from it.
    """

    def __init__(self, required: Policy) -> None:
        self.required = required
        super().__init__()

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if getattr(request, "api_token", None) is None:
            return None
        return _allowed(request, self.required)


class SessionAuth(APIKeyCookie):
    """The session of a signed-in browser. Unsafe methods need the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, required: Policy) -> None:
        self.required = required
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> Any:
        if getattr(request, "api_token", None) is not None:
            return None  # a token request never falls back to a session
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if check_csrf(request) is not None:
            raise HttpError(
                403, _("CSRF check failed: send the CSRF token in the X-CSRFToken header.")
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if not request.user.is_authenticated:
            return None
        return _allowed(request, self.required)


def requires(required: Policy) -> list[AuthBase]:
    return [TokenAuth(required), SessionAuth(required)]


def _protect(router: Router) -> dict[str, Policy]:
    """Give each operation of `router` the auth classes of its declared policy.

    Returns the policy of each operation by URL name. Fails if an operation declares no policy,
    or if two operations of one path declare different ones (Django resolves a path to one
    pattern whatever the method, so the URL-level check could only see one of them).
    """
    by_name: dict[str, Policy] = {}
    for route, path_view in router.path_operations.items():
        policies = set()
        for operation in path_view.operations:
            required = policy_of(operation.view_func)
            if required is None:
                raise ImproperlyConfigured(
                    f"The API operation {operation.view_func!r} declares no access policy."
                )
            # A public operation (a letter's sign-on page) needs no account, so no auth at all:
            # nothing is checked, CSRF included (it acts on no session).
            auth = requires(required) if required is not Policy.PUBLIC else []
            operation.auth_param = auth or None
            operation.auth_callbacks = auth
            name = getattr(operation, "url_name", None) or operation.view_func.__name__
            by_name[name] = required
            policies.add(required)
        if len(policies) > 1:
            raise ImproperlyConfigured(f"The API path {route} mixes access policies.")
    return by_name


# --- Errors -----------------------------------------------------------------------------------


def _input_message(error: dict[str, Any]) -> str:
    """A translated message for one pydantic error (pydantic's own are in English only)."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind == "salvaguarda":  # a rule of `validation`, already translated
        return str(error.get("msg", ""))
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("date"):
        return _("Enter a valid date.")
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("Enter a valid date/time.")
    if kind.startswith("int") or kind.startswith("float"):
        return _("Enter a whole number.")
    if kind.startswith("bool"):
        return _("Enter true or false.")
    if kind in ("enum", "literal_error"):
        return _("Select a valid choice. That choice is not one of the available choices.")
    if kind.startswith("uuid"):
        return _("Enter a valid UUID.")
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Enter a list of values.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Enter an object (a JSON object with named fields).")
    if kind == "string_type":
        return _("Enter a text.")
    if kind == "string_too_long":
        limit = int(context.get("max_length", 0))
        return ngettext(
            "Write at most %(limit)d character.", "Write at most %(limit)d characters.", limit
        ) % {"limit": limit}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(limit)s.") % {
            "limit": context.get("ge", context.get("gt"))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(limit)s.") % {
            "limit": context.get("le", context.get("lt"))
        }
    if kind == "extra_forbidden":
        return _("This field is not part of the API.")
    if kind == "json_invalid":
        return _("The body of the request is not valid JSON.")
    return _("Enter a valid value.")


def _field_name(location: Iterable[Any]) -> str:
    """`("body", "payload", "members", 0, "a_number")` → `"members.0.a_number"`."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
    if parts and parts[0] in ("payload", "filters"):
        parts = parts[1:]
    return ".".join(parts) or WHOLE_REQUEST


def input_errors(errors: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for error in errors:
        found.setdefault(_field_name(error.get("loc", ())), []).append(_input_message(error))
    return found


def rule_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """The messages of a service's ValidationError, by field (`__all__` for the whole request)."""
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {WHOLE_REQUEST: list(exc.messages)}


# --- The API ----------------------------------------------------------------------------------


# The answer past a rate limit (accounts/api_limits.py), before any operation runs.
TOO_MANY_REQUESTS = {
    "description": "Too Many Requests: past a rate limit of the API (per token or per address).",
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before sending more requests.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"detail": {"type": "string"}},
                "required": ["detail"],
            }
        }
    },
}


class _OpenAPIDocument(OpenAPISchema):
    """The OpenAPI document, refusing two different schemas under one name.

    ninja builds each operation's schemas separately and files them by their class's name, so
    two classes of one name (a `Kind` of hearings and one of contacts) would silently share one
    entry, and the document would describe one of them wrongly. Name them apart instead
    (`type HearingKind = Hearing.Kind`, or a class name of their own).
    """

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, schema in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != schema:
                raise ImproperlyConfigured(
                    f"Two different schemas are named {name!r} in the OpenAPI document."
                )
        super().add_schema_definitions(definitions)

    def responses(self, operation: Operation) -> dict[int, Any]:
        """The operation's answers, and the rate limits' 429 that any of them may get."""
        found = super().responses(operation)
        found.setdefault(429, TOO_MANY_REQUESTS)
        return found


class _API(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _OpenAPIDocument(self, path_prefix)


api = _API(
    title="Salvaguarda",
    version="1",
    description=(
        "Case files of the people an organization receives. Authenticate with a token "
        "(`Authorization: Bearer <token>`, made on the account's token page) or a signed-in "
        "session (unsafe methods need the X-CSRFToken header). Every read and write is "
        "audited. Names are never sent in URLs: search with POST /people/search."
    ),
    urls_namespace=NAMESPACE,
    docs_url=None,
)


@api.exception_handler(InputError)
def _invalid_input(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, {"errors": input_errors(exc.errors)}, status=422)


@api.exception_handler(DjangoValidationError)
def _rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return api.create_response(request, {"errors": rule_errors(exc)}, status=422)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api_refusal(404)


@api.exception_handler(PermissionDenied)
def _not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """A record of the organization that this account may read but not change."""
    return api.create_response(
        request, {"detail": _("Your account may read this but not change it.")}, status=403
    )


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api_refusal(401)


OPERATION_POLICIES = {
    **_protect(people_router),
    **_protect(court_router),
    **_protect(incidents_router),
    **_protect(letters_router),
    **_protect(figures_router),
    **_protect(signing_router),
    **_protect(directory_router),
    **_protect(referrals_router),
    **_protect(rights_router),
}
api.add_router("/", people_router, tags=["people"])
api.add_router("/", court_router, tags=["court"])
api.add_router("/", incidents_router, tags=["incidents"])
api.add_router("/", letters_router, tags=["letters"])
api.add_router("/", figures_router, tags=["letters"])
api.add_router("/", signing_router, tags=["sign-on"])
api.add_router("/", directory_router, tags=["directory"])
api.add_router("/", referrals_router, tags=["referrals"])
api.add_router("/", rights_router, tags=["rights"])


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The project's 404: an address under /api/ that no operation has (an index that is not a
    number, a path part with a slash in it) is answered in JSON, as the API's own 404s are."""
    if request.path_info.startswith("/api/"):
        return api_refusal(404)
    return page_not_found(request, exception)


def api_root(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"version": api.version, "openapi": reverse(f"{NAMESPACE}:openapi-json")})


# The pages of the API itself (the OpenAPI document, the root) are for any member.
OWN_PAGES = {"openapi-json": Policy.MEMBER, "api-root": Policy.MEMBER}


def _patterns() -> list[URLPattern]:
    generated, _app, _namespace = api.urls
    patterns: list[URLPattern] = []
    for entry in generated:
        if isinstance(entry, URLResolver):
            raise ImproperlyConfigured("The API has no nested URL configurations.")
        if entry.name == "api-root":
            entry = path("", api_root, name="api-root")
        required = OPERATION_POLICIES.get(entry.name or "") or OWN_PAGES.get(entry.name or "")
        if required is None:
            raise ImproperlyConfigured(f"The API URL {entry.name!r} has no access policy.")
        # Read by AccessPolicyMiddleware (and the URL isolation test), and by ApiTokenMiddleware,
        # which answers refusals of API views in JSON.
        setattr(entry.callback, "access_policy", required)  # noqa: B010
        setattr(entry.callback, "api_view", True)  # noqa: B010
        patterns.append(entry)
    return patterns


urls = (_patterns(), "ninja", NAMESPACE)
