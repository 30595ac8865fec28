"""Sign-on letters: one text in several languages, its addressees, and its signatories in order
(organizations, coalitions with their members, individuals)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
    paragraphs = models.JSONField(_("paragraphs"), default=list, blank=True)
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

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.name
