"""People, the family groups they arrive in, how to reach them and where they stay."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from salvaguarda.core.fields import (
    BlindIndexField,
    EncryptedDateField,
    EncryptedTextField,
)
from salvaguarda.core.models import OrgScopedModel

ADULT_AGE = 18


class Household(OrgScopedModel):
    """A family group as it arrived together. Holds no identifying data of its own."""

    reference = models.CharField(_("reference"), max_length=16, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("family group")
        verbose_name_plural = _("family groups")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"], name="household_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Person(OrgScopedModel):
    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        INTERSEX = "intersex", _("Intersex")
        NOT_RECORDED = "not_recorded", _("Not recorded")

    class BirthPrecision(models.TextChoices):
        EXACT = "exact", _("Exact date")
        MONTH = "month", _("Month and year")
        YEAR = "year", _("Year only")
        ESTIMATED = "estimated", _("Estimated from the age given")

    class Relationship(models.TextChoices):
        """Relationship to the person who heads the family group."""

        HEAD = "head", _("Heads the family group")
        PARTNER = "partner", _("Spouse or partner")
        CHILD = "child", _("Daughter or son")
        STEPCHILD = "stepchild", _("Stepdaughter or stepson")
        GRANDCHILD = "grandchild", _("Granddaughter or grandson")
        SIBLING = "sibling", _("Sister or brother")
        PARENT = "parent", _("Mother or father")
        GRANDPARENT = "grandparent", _("Grandmother or grandfather")
        NIBLING = "nibling", _("Niece or nephew")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        UNRELATED = "unrelated", _("Not related")

    class ChildStatus(models.TextChoices):
        """DOMAIN.md 3.5: whether a child travels with a parent or legal guardian."""

        NOT_A_CHILD = "", _("Not a child")
        ACCOMPANIED = "accompanied", _("Accompanied child")
        SEPARATED = "separated", _("Separated child")
        UNACCOMPANIED = "unaccompanied", _("Unaccompanied child")

    class Indigenous(models.TextChoices):
        YES = "yes", _("Identifies as Indigenous")
        NO = "no", _("Does not identify as Indigenous")
        NOT_ASKED = "", _("Not asked or prefers not to say")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        STANDARD = "standard", _("Standard")
        NOT_SCREENED = "", _("Not screened yet")

    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", null=True, blank=True
    )
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=Relationship.choices, default=Relationship.HEAD
    )
    is_legal_guardian = models.BooleanField(
        _("legal guardian or usual caregiver of the children of the group"), default=False
    )

    # Identifying: encrypted, never shown to analysts, never copied into the audit.
    given_names = EncryptedTextField(_("given names"))
    first_surname = EncryptedTextField(_("first surname"))
    second_surname = EncryptedTextField(_("second surname"))
    other_names = EncryptedTextField(_("other names or nicknames"))
    gender_identity = EncryptedTextField(_("gender identity (self-described)"))
    date_of_birth = EncryptedDateField(_("date of birth"))
    indigenous_people = EncryptedTextField(_("Indigenous people or community"))
    a_number = EncryptedTextField(_("U.S. A-number"))
    a_number_index = BlindIndexField(source="a_number", normalizer="identifier")

    # Not identifying alone; kept in clear because lists filter and count by them.
    reference = models.CharField(_("reference"), max_length=16, editable=False)
    sex = models.CharField(_("sex"), max_length=16, choices=Sex.choices, default=Sex.NOT_RECORDED)
    birth_precision = models.CharField(
        _("precision of the date of birth"),
        max_length=16,
        choices=BirthPrecision.choices,
        default=BirthPrecision.EXACT,
    )
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    other_nationalities = models.JSONField(_("other nationalities"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=3, blank=True)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    indigenous = models.CharField(
        _("Indigenous self-identification"),
        max_length=8,
        choices=Indigenous.choices,
        blank=True,
        default=Indigenous.NOT_ASKED,
    )
    current_city = models.CharField(_("current city"), max_length=32, blank=True)
    child_status = models.CharField(
        _("child status"), max_length=16, choices=ChildStatus.choices, blank=True
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, blank=True, db_index=True
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "reference"], name="person_reference_unique"
            )
        ]
        indexes = [
            models.Index(fields=["organization", "-id"], name="person_org_newest"),
            models.Index(fields=["organization", "current_city"], name="person_org_city"),
            models.Index(fields=["organization", "nationality"], name="person_org_nationality"),
        ]

    def __str__(self) -> str:
        return self.reference

    IDENTIFYING_FIELDS = (
        "given_names",
        "first_surname",
        "second_surname",
        "other_names",
        "gender_identity",
        "date_of_birth",
        "indigenous_people",
        "a_number",
    )

    @property
    def full_name(self) -> str:
        parts = (self.given_names, self.first_surname, self.second_surname)
        return " ".join(str(p) for p in parts if p)

    def age_on(self, day: datetime.date) -> int | None:
        born = self.date_of_birth
        if not isinstance(born, datetime.date):
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def is_child_on(self, day: datetime.date) -> bool:
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE


class ContactChannel(OrgScopedModel):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone (calls and SMS)")
        WHATSAPP = "whatsapp", _("WhatsApp")
        SIGNAL = "signal", _("Signal")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("channel"), max_length=16, choices=Kind.choices)
    number = EncryptedTextField(_("number (E.164)"))
    number_index = BlindIndexField(source="number", normalizer="identifier")
    is_preferred = models.BooleanField(_("preferred channel"), default=False)

    class Meta:
        ordering = ["-is_preferred", "created_at"]
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")

    def __str__(self) -> str:
        return self.get_kind_display()


class PersonLocation(OrgScopedModel):
    """Where the person stays, with history: the newest row without an end is the current one."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="locations")
    city = models.CharField(_("city"), max_length=32)
    shelter = EncryptedTextField(_("shelter or address"))
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-since", "-created_at"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.city


class NameToken(models.Model):
    """One keyed hash of a name term of a person (or of its phonetic key, of the full name a
    nickname stands for, of the birth date), for search; see `salvaguarda.people.search`.

    64-bit truncated HMACs keep the table small; a collision only adds a candidate that the
    ranking pushes down. What these tokens reveal is written in docs/security.md.
    """

    class Kind(models.IntegerChoices):
        EXACT = 1, _("Exact token")
        PHONETIC = 2, _("Phonetic key")
        ALIAS = 3, _("Full name of a nickname")
        BIRTH = 4, _("Birth date")
        PAIR = 5, _("Two words, or a word and the birth year")

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_tokens")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    token = models.BigIntegerField()
    # Which of the person's name words the term stands for, one bit each (0: the birth date).
    word_mask = models.PositiveSmallIntegerField(default=0)
    # The keyed letter pairs of a single word (EXACT rows only), for graded typo tolerance.
    grams = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "token", "person"], name="nametoken_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.kind}"
