"""Sign-on letters: one text in several languages, its addressees, and its signatories in order
(organizations, coalitions with their members, individuals); the figures it cites, stored once;
and the signatures asked for on its public page, waiting for an editor."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import BlindIndexField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel


class Letter(OrgScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for signatures")
        CLOSED = "closed", _("Closed")
        SENT = "sent", _("Sent or published")

    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    deadline = models.DateField(_("deadline for signatures"), null=True, blank=True)
    date = models.DateField(
        _("date of the letter"),
        null=True,
        blank=True,
        help_text=_("Written in each version in its language; empty keeps each version's own."),
    )
    lead_organizations = models.ManyToManyField(
        "accounts.Organization",
        blank=True,
        related_name="+",
        verbose_name=_("lead organizations"),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("editors")
    )
    reference_language = models.CharField(_("reference language"), max_length=2, default="es")
    import_report = models.JSONField(_("import report"), default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("sign-on letter")
        verbose_name_plural = _("sign-on letters")

    def __str__(self) -> str:
        return self.subject


class LetterVersion(OrgScopedModel):
    """The letter in one language: its own subject, date line, addressees and paragraphs.
    `in_step_fingerprints` are the paragraphs' fingerprints when an editor last confirmed the
    versions say the same (`alignment.changed_since` compares them)."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=2)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    date_text = models.CharField(_("date"), max_length=120, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    addressees = models.JSONField(_("addressees"), default=list, blank=True)
    # The line under the addressees as the version writes it ("Presente", "PRESENTES").
    formula = models.CharField(_("formula under the addressees"), max_length=60, blank=True)
    paragraphs = models.JSONField(_("paragraphs"), default=list, blank=True)
    # The version's own signatory lists as it writes them (see `queries.version_lists`): the
    # headings, and each entry as written with the signatory row it stands for.
    signatory_lists = models.JSONField(default=dict, blank=True, editable=False)
    in_step_at = models.DateTimeField(_("in step as of"), null=True, blank=True)
    in_step_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed in step by"),
    )
    in_step_fingerprints = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("language version")
        verbose_name_plural = _("language versions")
        constraints = [
            models.UniqueConstraint(fields=["letter", "language"], name="one_version_per_language")
        ]

    def __str__(self) -> str:
        return self.language


ORGANIZATION_KINDS = [
    ("shelter", _("Shelter")),
    ("legal_clinic", _("Legal clinic")),
    ("human_rights_center", _("Human-rights center")),
    ("network", _("Network or coalition")),
    ("families_committee", _("Families' committee")),
    ("humanitarian_agency", _("Humanitarian agency")),
    ("faith_based", _("Faith-based organization")),
    ("academic", _("University or research center")),
    ("other", _("Other")),
]


class Signatory(OrgScopedModel):
    """An organization, a coalition (its members point to it) or an individual, in the order
    they sign. Numbers are computed from `position`, never typed."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", _("Organization")
        COALITION = "coalition", _("Coalition or network")
        INDIVIDUAL = "individual", _("Individual")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="signatories")
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    coalition = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("signs inside the coalition"),
    )
    directory_organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization of the network"),
    )
    organization_kind = models.CharField(
        _("kind of organization"), max_length=24, choices=ORGANIZATION_KINDS, blank=True
    )
    contact_name = EncryptedTextField(_("contact person"), blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), blank=True)
    representative = EncryptedTextField(
        _("representative who signs"),
        blank=True,
        help_text=_("The person authorized to sign on the organization's behalf."),
    )
    representative_verified_at = models.DateTimeField(
        _("representative verified on"), null=True, blank=True
    )
    representative_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("representative verified by"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.name


class Figure(OrgScopedModel):
    """A figure the letter cites, stored once: every version shows the same value where its text
    holds the figure's mark. A count from the network's own data, or an outside figure with its
    source and date."""

    class Kind(models.TextChoices):
        NETWORK = "network", _("Count from the network's own data")
        OUTSIDE = "outside", _("Outside figure")

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="figures")
    key = models.SlugField(_("mark"), max_length=40)
    label = models.CharField(_("what it counts"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    measure = models.CharField(_("count"), max_length=40, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    source_url = models.URLField(_("address of the source"), max_length=500, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("cited figure")
        verbose_name_plural = _("cited figures")
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "key"],
                condition=models.Q(deleted_at__isnull=True),
                name="one_figure_per_mark",
            )
        ]

    def __str__(self) -> str:
        return self.label


class SignOnPage(models.Model):
    """The public page where a letter collects signatures, found by its random token. Not case
    data: it only says which organization's letter the token opens, so the public page can
    enter that organization's scope (and read the letter) without an account."""

    token = models.CharField(max_length=43, unique=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    letter = models.OneToOneField(Letter, on_delete=models.CASCADE, related_name="sign_on_page")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"sign-on page {self.pk}"


class SignatureRequest(OrgScopedModel):
    """A signature asked for on the public page: it counts once its e-mail address is confirmed
    and an editor approved it (or merged it into a signatory already listed). Asked for by
    someone without an account, so it has no author until an editor decides."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("Waiting for the e-mail confirmation")
        PENDING = "pending", _("Waiting for an editor")
        APPROVED = "approved", _("Approved")
        MERGED = "merged", _("Merged into a signatory")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # No author while it waits: the signer has no account (the base requires one).
    created_by = models.ForeignKey(  # type: ignore[assignment]
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    modified_by = models.ForeignKey(  # type: ignore[assignment]
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="requests")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    kind = models.CharField(_("signs as"), max_length=16, choices=Signatory.Kind.choices)
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=60, blank=True)
    country = models.CharField(_("country"), max_length=80, blank=True)
    organization_kind = models.CharField(
        _("kind of organization"), max_length=24, choices=ORGANIZATION_KINDS, blank=True
    )
    members = models.JSONField(_("member organizations"), default=list, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    contact_name = EncryptedTextField(_("contact person"), blank=True)
    email = EncryptedTextField(_("e-mail"))
    email_index = BlindIndexField(source="email")
    address_key = models.CharField(max_length=64, db_index=True, editable=False)
    language = models.CharField(_("language"), max_length=2, default="es")
    confirm_digest = models.CharField(max_length=64, unique=True, editable=False)
    withdraw_digest = models.CharField(max_length=64, unique=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    signatory = models.ForeignKey(
        Signatory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("signatory"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("signature request")
        verbose_name_plural = _("signature requests")
        indexes = [models.Index(fields=["letter", "status"])]

    def __str__(self) -> str:
        return self.name
