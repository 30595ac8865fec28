"""The network's service directory, shaped after Open Referral's HSDS 3.0.

Tables and their HSDS names: `Provider` (organization), `Service` (service), `Location`
(location, with its address), `ServiceAtLocation` (service_at_location), `Phone` (phone),
`Schedule` (schedule), `ServiceLanguage` (language), `RequiredDocument` (required_document).
A row's `uuid` is its HSDS `id`. The directory's own code lists (a service's category, who it
is for, how to refer) are exported as HSDS taxonomies (`attribute` + `taxonomy_term`).

**The directory holds no case data.** It describes institutions and what they offer, never a
person, so it is deliberately NOT an `OrgScopedModel`: it is outside the organization scope and
PostgreSQL's row-level security of case data, and every signed-in member of the network reads
all of it. Writes are limited instead (`queries.may_maintain`): a network administrator changes
any entry; an organization's coordinators, lawyers and caseworkers only the providers their
organization maintains (its own entry, and outside institutions it added). Every write is
audited (`services.py`), like case data.
"""

from uuid import uuid4

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Category(models.TextChoices):
    """What a service offers (issue 17's list). Exported as the taxonomy `service_category`."""

    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    GBV_RESPONSE = "gbv_response", _("Gender-based violence response")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food")
    LEGAL_US_CASE = "legal_us_case", _("Legal advice on the U.S. case")
    LEGAL_MEXICAN_STATUS = "legal_mexican_status", _("Legal advice on Mexican status")
    MIGRATION_DOCUMENTS = "migration_documents", _("Migration documents")
    SCHOOL_ENROLMENT = "school_enrolment", _("School enrolment")
    WORK_TRAINING = "work_training", _("Work and training")
    CASH = "cash", _("Cash assistance")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class Group(models.TextChoices):
    """Who a service is for, besides age and nationality. Taxonomy `eligibility`."""

    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children and adolescents")
    UNACCOMPANIED_CHILDREN = "unaccompanied_children", _("Unaccompanied children")
    FAMILIES = "families", _("Families")
    LGBTIQ = "lgbtiq", _("LGBTIQ+ people")
    DISABILITY = "disability", _("People with disabilities")
    OLDER_PEOPLE = "older_people", _("Older people")
    MEN = "men", _("Men")


class Channel(models.TextChoices):
    """How to refer someone. Taxonomy `referral_channel`."""

    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    EMAIL = "email", _("By e-mail")
    APP = "app", _("Through Salvaguarda")


class DirectoryRecord(models.Model):
    """Identity and attribution of every directory row (no organization scope: see above)."""

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        abstract = True


class Provider(DirectoryRecord):
    """An organization that delivers services (HSDS `organization`): a member of the network
    or an outside institution."""

    class Kind(models.TextChoices):
        NETWORK_MEMBER = "network_member", _("Organization of the network")
        INM = "inm", _("INM office")
        COMAR = "comar", _("COMAR office")
        IMSS_BIENESTAR = "imss_bienestar", _("IMSS-Bienestar clinic or hospital")
        HEALTH_OTHER = "health_other", _("Other public health service")
        SEP_SCHOOL = "sep_school", _("SEP school or education office")
        DIF = "dif", _("DIF or Child Protection Office (Procuraduría de Protección de NNA)")
        FISCALIA = "fiscalia", _("Public prosecutor (Fiscalía)")
        HUMAN_RIGHTS_COMMISSION = (
            "human_rights_commission",
            _("CNDH or state human-rights commission"),
        )
        CONSULATE = "consulate", _("Consulate")
        EMPLOYMENT = "employment", _("Employment service")
        NGO = "ngo", _("Non-governmental organization")
        UN_PARTNER = "un_partner", _("UNHCR or IOM partner")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    # `name` folded (lib.normalize.fold_text: lower case, no accents), kept by every write of
    # the name, so the search finds "Juárez" from "juarez" on SQLite and PostgreSQL alike.
    name_folded = models.CharField(max_length=200, blank=True, editable=False)
    alternate_name = models.CharField(_("short or other name"), max_length=100, blank=True)
    kind = models.CharField(_("kind of institution"), max_length=32, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # The member of the network this provider is, if it is one (one entry per member).
    network_organization = models.OneToOneField(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_provider",
    )
    # The organization that keeps this entry up to date (besides the network administrators):
    # the member itself, or the member that added an outside institution. None: the
    # network administrators only.
    maintainer = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maintained_providers",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class Service(DirectoryRecord):
    """What a provider offers (HSDS `service`)."""

    class Status(models.TextChoices):
        # HSDS 3.0's values, as written in the standard.
        ACTIVE = "active", pgettext_lazy("a service", "Active")
        TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")
        INACTIVE = "inactive", pgettext_lazy("a service", "Inactive")
        DEFUNCT = "defunct", _("Closed for good")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        FEE = "fee", _("Has a cost")
        UNKNOWN = "unknown", _("Not known")

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="services", verbose_name=_("provider")
    )
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, blank=True, editable=False)  # as Provider's
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    description_es = models.TextField(_("description in Spanish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    eligibility_description = models.TextField(_("who may use it"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # Codes of people/vocabularies/countries.csv; empty: any nationality.
    nationalities = models.JSONField(_("only for nationals of"), default=list, blank=True)
    cost = models.CharField(_("cost"), max_length=8, choices=Cost.choices, default=Cost.FREE)
    fees_description = models.CharField(_("cost details"), max_length=300, blank=True)
    referral_channels = models.JSONField(_("how to refer"), default=list, blank=True)
    application_process = models.TextField(_("how to refer, step by step"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # HSDS `assured_date`: the day someone checked the entry with the provider.
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [
            models.Index(fields=["category", "status"], name="service_by_category"),
            # A category's services in the order the search shows them (bench/referrals.py).
            models.Index(fields=["category", "name", "id"], name="service_by_category_name"),
            models.Index(fields=["status", "last_verified"], name="service_by_verification"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minimum_age__isnull=True)
                | models.Q(maximum_age__isnull=True)
                | models.Q(minimum_age__lte=models.F("maximum_age")),
                name="service_ages_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def description(self, language: str) -> str:
        """The description in `language` ("es" or "en"), else the other one."""
        first, second = (
            (self.description_en, self.description_es)
            if language.startswith("en")
            else (self.description_es, self.description_en)
        )
        return first or second

    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.referral_channels if c in Channel.values]


class ServiceEligibility(models.Model):
    """One group a service is for (indexed by group, for the directory's search)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="eligibility")
    group = models.CharField(_("for"), max_length=32, choices=Group.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "group"], name="one_group_per_service")
        ]
        indexes = [models.Index(fields=["group", "service"], name="eligibility_by_group")]

    def __str__(self) -> str:
        return self.group


class ServiceLanguage(DirectoryRecord):
    """A language the service is given in (HSDS `language`; code of languages.csv)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="one_language_per_service")
        ]
        indexes = [models.Index(fields=["code", "service"], name="language_by_code")]

    def __str__(self) -> str:
        return self.code


class Location(DirectoryRecord):
    """Where services are given (HSDS `location` and its physical `address`)."""

    class Type(models.TextChoices):
        PHYSICAL = "physical", _("A place")
        VIRTUAL = "virtual", _("Remote (phone or online)")

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="locations")
    location_type = models.CharField(
        _("kind of place"), max_length=10, choices=Type.choices, default=Type.PHYSICAL
    )
    name = models.CharField(_("name of the place"), max_length=200, blank=True)
    address_1 = models.CharField(_("street and number"), max_length=200, blank=True)
    address_2 = models.CharField(_("neighbourhood (colonia)"), max_length=200, blank=True)
    # A code of people/vocabularies/cities.csv.
    city = models.CharField(_("city"), max_length=32, db_index=True)
    state_province = models.CharField(_("state"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    country = models.CharField(_("country"), max_length=2, default="MX")
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    transportation = models.CharField(_("how to get there"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name or self.address_1 or self.city


class ServiceAtLocation(DirectoryRecord):
    """A service given at a location (HSDS `service_at_location`)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_at")
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="one_link_per_place")
        ]
        indexes = [models.Index(fields=["location", "service"], name="service_at_by_location")]

    def __str__(self) -> str:
        return f"{self.service_id}@{self.location_id}"


class Phone(DirectoryRecord):
    """A phone number of a service, a location or a provider (HSDS `phone`)."""

    class Type(models.TextChoices):
        VOICE = "voice", _("Calls")
        CELL = "cell", _("Mobile")
        TEXT = "text", _("Messages")
        FAX = "fax", _("Fax")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, null=True, blank=True, related_name="phones"
    )
    number = models.CharField(_("number"), max_length=40)
    extension = models.PositiveIntegerField(_("extension"), null=True, blank=True)
    type = models.CharField(_("kind"), max_length=8, choices=Type.choices, default=Type.VOICE)
    description = models.CharField(_("description"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.number


class Schedule(DirectoryRecord):
    """When a service is open, weekly (HSDS `schedule` with `freq` WEEKLY)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    # RFC 5545 days, comma-separated: "MO,TU,WE,TH,FR".
    byday = models.CharField(_("days"), max_length=40, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    description = models.CharField(_("hours, as written"), max_length=300, blank=True)

    def __str__(self) -> str:
        return self.description or self.byday

    def days(self) -> list[str]:
        return [d for d in self.byday.split(",") if d]


class RequiredDocument(DirectoryRecord):
    """A document the service asks for (HSDS `required_document`)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.CharField(_("document"), max_length=200)

    def __str__(self) -> str:
        return self.document


class DirectoryImport(models.Model):
    """An HSDS package uploaded to be read into the directory, run by the task worker
    (`hsds_import.package_import`): all of it is imported, or none of it and its problems are
    listed. Kept for the organization of the member who sent it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the worker")
        RUNNING = "running", _("Being checked")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Refused: the package has problems")
        FAILED = "failed", _("Failed: nothing was imported")

    uuid = models.UUIDField(default=uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Whether the sender was a network administrator (their entries keep their keepers).
    as_network_admin = models.BooleanField(default=False)
    file_name = models.CharField(_("file"), max_length=200)
    # The package until it is read (emptied then): directory data only, no case data.
    content = models.BinaryField(default=b"")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("directory import")
        verbose_name_plural = _("directory imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)
