"""Reads of the service directory, and who may change which entry.

Every member of the network reads the whole directory (it holds no case data: see
`models.py`); `Editor` says who may write, and `service_get_for_edit` refuses with 404 an entry
the account may not change, as case data refuses a record of another organization.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest

from salvaguarda.accounts.models import Organization, Role, User
from salvaguarda.core.access import CASE_ROLES
from salvaguarda.lib.normalize import fold_text
from salvaguarda.referrals.directory.models import (
    Provider,
    Service,
    ServiceAtLocation,
    ServiceEligibility,
    ServiceLanguage,
)

PAGE_SIZE = 25
# An entry not checked with its provider for this long is listed as needing a check.
VERIFICATION_DAYS = 183
OPEN_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


@dataclass(frozen=True)
class Editor:
    """An account that may change directory entries, in its active organization."""

    user: User
    organization: Organization
    is_network_admin: bool

    def may_maintain(self, provider: Provider) -> bool:
        """A network administrator changes any entry; others their organization's only."""
        return self.is_network_admin or provider.maintainer_id == self.organization.pk


def editor_of(request: HttpRequest) -> Editor | None:
    """The request's account as an editor of the directory, or None (an analyst, no role)."""
    membership = getattr(request, "membership", None)
    if membership is None or not request.user.is_authenticated:
        return None
    if membership.role == Role.NETWORK_ADMIN:
        return Editor(request.user, membership.organization, is_network_admin=True)
    if membership.role in CASE_ROLES:
        return Editor(request.user, membership.organization, is_network_admin=False)
    return None


def editor_required(request: HttpRequest) -> Editor:
    editor = editor_of(request)
    if editor is None:
        raise Http404
    return editor


def providers_for(editor: Editor) -> QuerySet[Provider]:
    """The providers whose services `editor` may add and change."""
    providers = Provider.objects.all()
    if not editor.is_network_admin:
        providers = providers.filter(maintainer_id=editor.organization.pk)
    return providers.order_by("name")


def own_provider(organization: Organization) -> Provider | None:
    """The directory entry of a member organization, if it has one."""
    return Provider.objects.filter(network_organization=organization).first()


def _with_parts(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("provider").prefetch_related(
        "eligibility",
        "languages",
        Prefetch(
            "at_locations",
            queryset=ServiceAtLocation.objects.select_related("location").order_by("id"),
        ),
    )


def service_get(service_uuid: uuid.UUID) -> Service:
    """Any entry of the directory, with its parts; 404 if there is none."""
    found = (
        _with_parts(Service.objects.filter(uuid=service_uuid))
        .prefetch_related("phones", "schedules", "required_documents")
        .first()
    )
    if found is None:
        raise Http404
    return found


def service_get_for_edit(editor: Editor, service_uuid: uuid.UUID) -> Service:
    """An entry `editor` may change; 404 for any other (as if it did not exist)."""
    service = service_get(service_uuid)
    if not editor.may_maintain(service.provider):
        raise Http404
    return service


@dataclass(frozen=True)
class DirectoryFilters:
    category: str = ""
    city: str = ""
    group: str = ""
    language: str = ""
    text: str = ""
    include_closed: bool = False


@dataclass
class DirectoryPage:
    services: list[Service]
    number: int
    has_next: bool
    cities: dict[int, list[str]] = field(default_factory=dict)


def directory_search(filters: DirectoryFilters, *, page: int = 1) -> DirectoryPage:
    """Services matching every filter given, by name, a page at a time.

    Each filter is an EXISTS on an indexed column (`service_by_category`, `Location.city`,
    `eligibility_by_group`, `language_by_code`), so no filter multiplies the rows.
    """
    services = Service.objects.all()
    if not filters.include_closed:
        services = services.filter(status__in=OPEN_STATUSES)
    if filters.category:
        services = services.filter(category=filters.category)
    if filters.city:
        # Joined, not "location in (the city's places)": that checked every place of the city
        # for each service of the category (bench/referrals.py).
        services = services.filter(
            Exists(
                ServiceAtLocation.objects.filter(
                    service=OuterRef("pk"), location__city=filters.city
                )
            )
        )
    if filters.group:
        services = services.filter(
            Exists(ServiceEligibility.objects.filter(service=OuterRef("pk"), group=filters.group))
        )
    if filters.language:
        services = services.filter(
            Exists(ServiceLanguage.objects.filter(service=OuterRef("pk"), code=filters.language))
        )
    folded = fold_text(filters.text)
    if folded:
        # On the folded names: "juarez" finds "Juárez", "CLINICA" finds "Clínica", on both engines.
        services = services.filter(
            Q(name_folded__contains=folded) | Q(provider__name_folded__contains=folded)
        )
    start = (page - 1) * PAGE_SIZE
    found = list(_with_parts(services.order_by("name", "id"))[start : start + PAGE_SIZE + 1])
    return DirectoryPage(found[:PAGE_SIZE], page, len(found) > PAGE_SIZE)


def needs_checking(editor: Editor, *, today: datetime.date, page: int = 1) -> DirectoryPage:
    """Open entries `editor` keeps that nobody checked in `VERIFICATION_DAYS` (or ever),
    the longest unchecked first."""
    since = today - datetime.timedelta(days=VERIFICATION_DAYS)
    services = Service.objects.filter(status__in=OPEN_STATUSES).filter(
        Q(last_verified__isnull=True) | Q(last_verified__lt=since)
    )
    if not editor.is_network_admin:
        services = services.filter(provider__maintainer_id=editor.organization.pk)
    ordered = services.order_by(F("last_verified").asc(nulls_first=True), "name", "id")
    start = (page - 1) * PAGE_SIZE
    found = list(_with_parts(ordered)[start : start + PAGE_SIZE + 1])
    return DirectoryPage(found[:PAGE_SIZE], page, len(found) > PAGE_SIZE)


def is_stale(service: Service, today: datetime.date) -> bool:
    if service.last_verified is None:
        return True
    return (today - service.last_verified).days > VERIFICATION_DAYS
