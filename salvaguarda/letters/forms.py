"""Forms of the letter pages: importing, a paragraph, the letter's own fields, a version's
heading and addressees, and a signatory added or changed by hand."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.forms import RuleForm
from salvaguarda.core.widgets import DateInput
from salvaguarda.letters import languages as languages_named
from salvaguarda.letters.models import ORGANIZATION_KINDS, Letter, LetterVersion, Signatory


class ImportForm(RuleForm):
    """Each language version pasted as plain text or Markdown, and the one chosen as the
    reference (the first one filled when none is chosen)."""

    es = forms.CharField(label=_("Spanish version"), required=False, widget=forms.Textarea)
    en = forms.CharField(label=_("English version"), required=False, widget=forms.Textarea)
    pt = forms.CharField(label=_("Portuguese version"), required=False, widget=forms.Textarea)
    fr = forms.CharField(label=_("French version"), required=False, widget=forms.Textarea)
    reference = forms.ChoiceField(
        label=_("Reference version"),
        required=False,
        choices=[
            ("", _("The first one filled")),
            *languages_named.NAMES.items(),
        ],
        help_text=_(
            "Las demás versiones se comparan con ella. Cada versión conserva su propia lista de "
            "firmantes, con sus números y su ortografía."
        ),
    )


class ParagraphForm(RuleForm):
    text = forms.CharField(
        label=_("Paragraph"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown is kept as written. Leave it empty to remove the paragraph."),
    )


class NewVersionForm(RuleForm):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=list(languages_named.NAMES.items()),
    )
    text = forms.CharField(
        label=_("The letter in this language"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text or Markdown, as for an import. Its signatory lists, if it has them, are "
            "only compared with the letter's."
        ),
    )


def network_organizations() -> Any:
    return Organization.objects.filter(is_active=True).order_by("name")


class LetterForm(RuleForm):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    reference_language = forms.ChoiceField(
        label=_("Reference version"),
        required=False,
        help_text=_(
            "The other versions are compared with it, and the letter's signatories are read "
            "as it writes them. Changing it aligns the versions again."
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Letter.Status.choices)
    date = forms.DateField(
        label=_("Date of the letter"),
        required=False,
        widget=DateInput(),
        help_text=_("Written in each version in its language; empty keeps each version's own."),
    )
    deadline = forms.DateField(
        label=_("Deadline for signatures"), required=False, widget=DateInput()
    )
    lead_organizations = forms.ModelMultipleChoiceField(
        label=_("Lead organizations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    editors = forms.ModelMultipleChoiceField(
        label=_("Editors"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only they and the coordinators change the letter. With none, any member does."
        ),
    )

    def __init__(
        self, *args: Any, organization_id: int, languages: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference_language"].choices = [  # type: ignore[attr-defined]
            (code, languages_named.NAMES.get(code, code)) for code in languages
        ]
        self.fields["lead_organizations"].queryset = network_organizations()  # type: ignore[attr-defined]
        self.fields["editors"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            memberships__organization_id=organization_id, memberships__is_active=True
        ).order_by("full_name")
        self.fields["editors"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]

    @staticmethod
    def initial_of(letter: Letter) -> dict[str, Any]:
        return {
            "subject": letter.subject,
            "reference_language": letter.reference_language,
            "status": letter.status,
            "date": letter.date,
            "deadline": letter.deadline,
            "lead_organizations": list(letter.lead_organizations.all()),
            "editors": list(letter.editors.all()),
        }


def addressees_from_text(text: str) -> list[dict[str, str]]:
    """One addressee per block of lines (blocks apart by an empty line): the name, then the
    title, then the institution (further lines join the institution)."""
    found = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if lines:
            found.append(
                {
                    "name": lines[0],
                    "title": lines[1] if len(lines) > 1 else "",
                    "institution": ", ".join(lines[2:]),
                }
            )
    return found


def addressees_as_text(addressees: list[dict[str, str]]) -> str:
    return "\n\n".join(
        "\n".join(a.get(part, "") for part in ("name", "title", "institution") if a.get(part))
        for a in addressees
    )


class VersionForm(RuleForm):
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    date_text = forms.CharField(
        label=_("Date as this version writes it"),
        max_length=120,
        required=False,
        help_text=_("Used when the letter has no date of its own."),
    )
    addressees = forms.CharField(
        label=_("Addressees"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One addressee per block: the name, then the title, then the institution, each on "
            "its own line; an empty line between addressees."
        ),
    )
    formula = forms.CharField(
        label=_("Line under the addressees"),
        max_length=60,
        required=False,
        help_text=_("As the letter writes it, e.g. “Presente” or “PRESENTES”; it is printed."),
    )

    def clean_addressees(self) -> list[dict[str, str]]:
        return addressees_from_text(self.cleaned_data["addressees"])

    @staticmethod
    def initial_of(version: LetterVersion) -> dict[str, Any]:
        return {
            "subject": version.subject,
            "place": version.place,
            "date_text": version.date_text,
            "addressees": addressees_as_text(version.addressees),
            "formula": version.formula,
        }


class SignatoryForm(RuleForm):
    kind = forms.ChoiceField(label=_("Signs as"), choices=Signatory.Kind.choices)
    directory_organization = forms.ModelChoiceField(
        label=_("Organization of the network"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("Its name, acronym, country and kind are filled in unless you write them."),
    )
    coalition = forms.ModelChoiceField(
        label=_("Signs inside the coalition"),
        queryset=Signatory.objects.none(),
        required=False,
        empty_label="—",
        to_field_name="uuid",
    )
    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    acronym = forms.CharField(label=_("Acronym"), max_length=60, required=False)
    country = forms.CharField(label=_("Country"), max_length=80, required=False)
    organization_kind = forms.ChoiceField(
        label=_("Kind of organization"),
        choices=[("", "—"), *ORGANIZATION_KINDS],
        required=False,
    )
    title = forms.CharField(label=_("Title or position"), max_length=200, required=False)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=300, required=False)
    contact_name = forms.CharField(label=_("Contact person"), required=False)
    contact_email = forms.CharField(label=_("Contact e-mail"), required=False)
    representative = forms.CharField(
        label=_("Representative who signs"),
        required=False,
        help_text=_("The person authorized to sign on the organization's behalf."),
    )
    verified = forms.BooleanField(
        label=_("I verified that this representative may sign for the organization"),
        required=False,
    )

    def __init__(self, *args: Any, letter: Letter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["directory_organization"].queryset = network_organizations()  # type: ignore[attr-defined]
        self.fields["directory_organization"].label_from_instance = (  # type: ignore[attr-defined]
            lambda org: f"{org.name} ({org.short_name})"
        )
        self.fields["coalition"].queryset = letter.signatories.filter(  # type: ignore[attr-defined]
            kind=Signatory.Kind.COALITION
        )

    @staticmethod
    def initial_of(signatory: Signatory) -> dict[str, Any]:
        return {
            "kind": signatory.kind,
            "directory_organization": signatory.directory_organization,
            "coalition": signatory.coalition.uuid if signatory.coalition else None,
            "name": signatory.name,
            "acronym": signatory.acronym,
            "country": signatory.country,
            "organization_kind": signatory.organization_kind,
            "title": signatory.title,
            "affiliation": signatory.affiliation,
            "contact_name": signatory.contact_name,
            "contact_email": signatory.contact_email,
            "representative": signatory.representative,
            "verified": signatory.representative_verified_at is not None,
        }
