"""Documented violations: incidents with their acts, victims, perpetrators, evidence files,
consents per use and complaints (DOMAIN.md section 2).

Acts, perpetrator types, degrees of involvement and victim statuses are HURIDOCS codes (the
lists in `vocabularies/`, with our local short lists mapped onto them); gender-based violence is
also classified with one GBVIMS core type per incident, by the act only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import EncryptedJSONField, EncryptedTextField
from salvaguarda.core.models import OrgScopedModel
from salvaguarda.incidents.files import hidden
from salvaguarda.people.models import Answer, Person, ReturnEvent

COARSE_DIGITS = 1


class Incident(OrgScopedModel):
    """One event in which one or more people suffered one or more acts."""

    class DatePrecision(models.TextChoices):
        EXACT = "exact", _("Exact day")
        MONTH = "month", _("Month")
        YEAR = "year", _("Year")
        RANGE = "range", _("Between two dates")

    class Source(models.TextChoices):
        DIRECT = "direct_testimony", _("Direct testimony")
        WITNESS = "witness", _("Witness")
        THIRD_PARTY = "third_party", _("Third party")
        MEDIA = "media", _("Media")
        OFFICIAL = "official_document", _("Official document")

    reference = models.CharField(_("reference"), max_length=16, editable=False)
    date_precision = models.CharField(
        _("precision of the date"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.EXACT,
    )
    occurred_from = models.DateField(_("happened on or from"))
    occurred_to = models.DateField(_("happened until"))
    country = models.CharField(_("country"), max_length=3, default="MEX")
    state = models.CharField(_("state"), max_length=2, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    municipality_key = models.CharField(max_length=120, blank=True, editable=False)
    locality = models.CharField(_("locality or neighbourhood"), max_length=160, blank=True)
    place_type = models.CharField(_("kind of place"), max_length=24, blank=True)
    place_detail = models.CharField(_("the place, in a few words"), max_length=160, blank=True)
    coordinates = EncryptedJSONField(_("coordinates"))
    summary = EncryptedTextField(_("summary"))
    testimony = EncryptedTextField(_("testimony"))
    source = models.CharField(_("source"), max_length=24, choices=Source.choices)
    documented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("documented by"),
    )
    documented_on = models.DateField(_("documented on"))
    return_event = models.ForeignKey(
        ReturnEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("return it followed"),
    )
    return_point = models.CharField(_("port of return"), max_length=8, blank=True)
    days_since_return = models.PositiveIntegerField(_("days since the return"), null=True)
    caused_missed_hearing = models.CharField(
        _("made the person miss a hearing"),
        max_length=8,
        choices=Answer.choices,
        blank=True,
    )
    gbv_type = models.CharField(_("gender-based violence (GBVIMS type)"), max_length=48, blank=True)

    class Meta:
        ordering = ["-occurred_from", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"], name="one_incident_reference_per_org"
            ),
            models.CheckConstraint(
                condition=models.Q(occurred_to__gte=models.F("occurred_from")),
                name="incident_period_in_order",
            ),
        ]
        # Newest first, ties by id, with or without a place: the list walks one of these in
        # its order and stops at the page's end.
        indexes = [
            models.Index(
                fields=["organization", "-occurred_from", "-id"], name="incident_org_date"
            ),
            models.Index(
                fields=["organization", "state", "-occurred_from", "-id"],
                name="incident_org_state_date",
            ),
            models.Index(
                fields=["organization", "state", "municipality_key", "-occurred_from", "-id"],
                name="incident_org_place_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def coarse_coordinates(self) -> tuple[float, float] | None:
        """The coordinates rounded to a tenth of a degree (about 11 km): enough to place the
        incident on a map, not a house. What pages and public exports show."""
        if not self.coordinates:
            return None
        return (
            round(float(self.coordinates["lat"]), COARSE_DIGITS),
            round(float(self.coordinates["lon"]), COARSE_DIGITS),
        )


class Act(OrgScopedModel):
    """One act suffered in the incident: a HURIDOCS Types of Acts code, and our short-list
    code when it was picked from the short list."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="acts")
    huridocs = models.CharField(_("act (HURIDOCS)"), max_length=12)
    common = models.CharField(_("act (short list)"), max_length=32, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("act")
        verbose_name_plural = _("acts")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "huridocs", "common"], name="one_act_per_code"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "huridocs"], name="act_org_huridocs"),
            models.Index(fields=["organization", "common"], name="act_org_common"),
        ]

    def __str__(self) -> str:
        return self.common or self.huridocs


class Victim(OrgScopedModel):
    """A person who suffered the incident or witnessed it: a registered person, or someone
    known only by sex, age band and nationality. Sex, age band and nationality are kept for
    both (as at the incident) so figures never need an identifying field."""

    class Role(models.TextChoices):
        VICTIM = "victim", _("Victim")
        WITNESS = "witness", _("Witness")

    class AgeBand(models.TextChoices):
        UNKNOWN = "", _("Age not known")
        CHILD_0_11 = "0-11", _("0 to 11 years")
        CHILD_12_17 = "12-17", _("12 to 17 years")
        ADULT_18_25 = "18-25", _("18 to 25 years")
        ADULT_26_40 = "26-40", _("26 to 40 years")
        ADULT_41_60 = "41-60", _("41 to 60 years")
        ADULT_61 = "61+", _("61 years or more")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="victims")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_victims",
        verbose_name=_("registered person"),
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.VICTIM)
    sex = models.CharField(
        _("sex"), max_length=16, choices=Person.Sex.choices, default=Person.Sex.NOT_RECORDED
    )
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    status = models.CharField(_("status as victim (HURIDOCS)"), max_length=12, blank=True)
    # Anonymous victims saved from the one-flow form's optional section left untouched (a
    # form that pre-selected "victim" and "female"), found by migration 0005: a coordinator
    # confirms their removal or keeps them (the incidents' review page).
    to_review = models.BooleanField(_("to be reviewed by a coordinator"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("victim or witness")
        verbose_name_plural = _("victims and witnesses")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "person"],
                condition=models.Q(person__isnull=False, deleted_at__isnull=True),
                name="one_victim_row_per_person",
            )
        ]
        indexes = [
            # The coordinators' notice counts these on every opening of the incident list.
            models.Index(
                fields=["organization"],
                condition=models.Q(to_review=True),
                name="victim_org_to_review",
            )
        ]

    def __str__(self) -> str:
        return self.role


class Perpetrator(OrgScopedModel):
    """Who did it: a type (HURIDOCS list 24 or one of our local child types), their degree of
    involvement (list 18), how many, and what identifies them (encrypted)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="perpetrators")
    kind = models.CharField(_("type of perpetrator"), max_length=24)
    involvement = models.CharField(_("degree of involvement"), max_length=12, blank=True)
    how_many = models.PositiveSmallIntegerField(_("how many"), null=True, blank=True)
    identifying_details = EncryptedTextField(_("what identifies them"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("perpetrator")
        verbose_name_plural = _("perpetrators")
        indexes = [models.Index(fields=["organization", "kind"], name="perpetrator_org_kind")]

    def __str__(self) -> str:
        return self.kind


class IncidentConsent(OrgScopedModel):
    """What the person who gave the testimony agreed the documentation may be used for.
    Nothing leaves the organization without the matching, unrevoked consent."""

    class Purpose(models.TextChoices):
        STATISTICS = "statistics", _("Anonymous statistics")
        LEGAL_ACTION = "legal_action", _("Legal action")
        ADVOCACY = "public_advocacy", _("Public advocacy, anonymized")
        SHARING = "sharing", _("Sharing with a named organization")

    class GivenBy(models.TextChoices):
        SELF = "self", _("The person")
        CAREGIVER = "caregiver", _("Their parent or caregiver, for a child")
        GUARDIAN = "guardian", _("Their legal representative")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("use"), max_length=16, choices=Purpose.choices)
    recipient = models.CharField(
        _("organization it may be shared with"), max_length=160, blank=True
    )
    recipient_key = models.CharField(max_length=160, blank=True, editable=False)
    given_on = models.DateField(_("given on"))
    given_by = models.CharField(
        _("given by"), max_length=16, choices=GivenBy.choices, default=GivenBy.SELF
    )
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta:
        ordering = ["purpose", "id"]
        verbose_name = _("consent to a use")
        verbose_name_plural = _("consents to uses")
        indexes = [
            models.Index(
                fields=["organization", "purpose", "revoked_on"], name="incident_consent_use"
            )
        ]

    def __str__(self) -> str:
        return self.purpose


class Complaint(OrgScopedModel):
    """A complaint filed with an authority about the incident, and where it stands."""

    class Authority(models.TextChoices):
        FGR = "fgr", _("Federal prosecutor (FGR)")
        STATE_PROSECUTOR = "state_prosecutor", _("State prosecutor")
        CNDH = "cndh", _("National Human Rights Commission (CNDH)")
        STATE_COMMISSION = "state_commission", _("State human rights commission")
        COMAR = "comar", _("Mexican Commission for Refugee Assistance (COMAR)")
        US_AUTHORITY = "us_authority", _("A U.S. authority")
        OTHER = "other", _("Another authority")

    class Status(models.TextChoices):
        FILED = "filed", _("Filed")
        INVESTIGATING = "investigating", _("Under investigation")
        RECOMMENDATION = "recommendation", _("Recommendation or resolution issued")
        NO_RESPONSE = "no_response", _("No response")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="complaints")
    authority = models.CharField(_("authority"), max_length=24, choices=Authority.choices)
    authority_detail = models.CharField(_("which office"), max_length=160, blank=True)
    filed_on = models.DateField(_("filed on"))
    reference_number = EncryptedTextField(_("reference number"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.FILED
    )
    next_step = EncryptedTextField(_("next step"))
    next_step_on = models.DateField(_("date of the next step"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.authority


class EvidenceFile(OrgScopedModel):
    """A photo, recording, video or document, stored encrypted outside any web-served folder
    under a random name with its own key (kept here, encrypted by the organization's key).
    `sha256_at_upload` is the chain of custody; `sha256` is what is stored now (they differ
    only after location metadata was removed from a photo, which is recorded)."""

    class Category(models.TextChoices):
        PHOTO = "photo", _("Photo")
        AUDIO = "audio", _("Audio")
        VIDEO = "video", _("Video")
        DOCUMENT = "document", _("Document")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="files")
    category = models.CharField(_("kind"), max_length=16, choices=Category.choices)
    media_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256_at_upload = models.CharField(_("SHA-256 at upload"), max_length=64)
    sha256 = models.CharField(_("SHA-256 of the file kept"), max_length=64)
    stored_name = models.CharField(max_length=32, unique=True, editable=False)
    file_key = EncryptedTextField()
    original_name = EncryptedTextField(_("name of the file"))
    description = EncryptedTextField(_("description"))
    had_location = models.BooleanField(_("carried location data"), default=False)
    location_removed_at = models.DateTimeField(_("location data removed at"), null=True)
    location_removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("location data removed by"),
    )
    # What the file carries besides what it shows, found at upload (codes of
    # files/hidden.py: active content in a PDF, data after a photo's end); the copy to
    # share leaves it out.
    hidden_content = models.JSONField(_("hidden content found"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.media_type

    def hidden_content_explained(self) -> list[str]:
        """Each finding of `hidden_content`, explained in the interface's language."""
        return [hidden.explanation(code) for code in self.hidden_content]

    def hidden_content_note(self) -> str:
        return hidden.shared_copy_note(list(self.hidden_content))
