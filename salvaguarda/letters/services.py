"""Writes of sign-on letters: importing one that already circulates in several languages, its
own fields and versions, and its signatories added, changed, moved and removed by hand."""

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Membership, Organization, User
from salvaguarda.core import audit
from salvaguarda.core.writes import (
    Errors,
    checked,
    create,
    create_many,
    prepared,
    remove,
    update,
)
from salvaguarda.letters import alignment, member_roles, services_reference, signatory_lists
from salvaguarda.letters.document import ParsedVersion, Problem, Signatory, in_language
from salvaguarda.letters.models import Letter, LetterVersion, SignatureRequest
from salvaguarda.letters.models import Signatory as SignatoryRow
from salvaguarda.letters.reading import dates, parse_version

LANGUAGES = ("es", "en", "pt", "fr")
EMAIL_CHECK = EmailValidator()
MAX_TEXT = 500_000  # characters of one version


def import_report(versions: Mapping[str, ParsedVersion]) -> dict[str, Any]:
    """What the import could not read, by language with line numbers. Drifts (the signatory
    lists' too) and signatories listed twice are found on the letter as it stands
    (`queries.letter_file_for`)."""
    reference = next(iter(versions.values()))
    return {
        "problems": {
            language: [reported(problem) for problem in parsed.problems]
            for language, parsed in versions.items()
        },
        "organizations_read": len(reference.organizations),
    }


def reported(problem: Problem) -> dict[str, Any]:
    """A problem as the import report keeps it: its message as made, and in each interface
    language (``messages``), so that each reader reads it in theirs."""
    return {
        "line": problem.line,
        "code": problem.code,
        "message": in_language(problem.message, translation.get_language() or "es"),
        "messages": {
            code: in_language(problem.message, code) for code, _name in settings.LANGUAGES
        },
    }


def _signatory_rows(by: User, org_id: int, letter: Letter, parsed: ParsedVersion) -> dict[str, Any]:
    """The reference version's signatories, in order (numbers follow from `position`), written
    at once: the organizations, coalitions and individuals, then the coalitions' members.
    A coalition member's role or representative ("Casa X, representada por Ana Ruiz") is its
    title, apart from its name (`member_roles.member_parts`).
    Returns the rows' uuids by place, as `signatory_lists.lists_of` ties them."""
    signing: list[SignatoryRow] = []
    members: list[SignatoryRow] = []
    uuids: dict[str, Any] = {"organizations": [], "members": [], "individuals": []}

    def row(item: Signatory, kind: str, coalition: SignatoryRow | None = None) -> SignatoryRow:
        return SignatoryRow(
            organization_id=org_id,
            letter=letter,
            position=len(signing) + len(members) + 1,
            kind=kind,
            name=item.name[:300],
            acronym=item.acronym[:60],
            country=item.country[:80],
            affiliation=item.affiliation[:300],
            title=item.title[:200],
            coalition=coalition,
        )

    for item in parsed.organizations:
        signing.append(block := row(item, item.kind))
        inside = []
        for written in item.members:
            name, role = member_roles.member_parts(written)  # the role apart, as its title
            member = row(
                Signatory(kind="organization", name=name, title=role), "organization", block
            )
            inside.append(member)
            members.append(member)
        uuids["organizations"].append(str(block.uuid))
        uuids["members"].append([str(m.uuid) for m in inside])
    for item in parsed.individuals:
        signing.append(person := row(item, "individual"))
        uuids["individuals"].append(str(person.uuid))
    create_many(SignatoryRow, signing, by=by)
    create_many(SignatoryRow, members, by=by)  # their coalitions have their ids now
    return uuids


@transaction.atomic
def letter_import(
    *,
    by: User,
    organization: Organization,
    texts: Mapping[str, str],
    reference: str = "",
) -> Letter:
    """Import a letter from its language versions. `reference` is the version the user chose
    as the reference (the first one given when not chosen): the letter's signatories are its
    entries; every other version keeps its own lists as it writes them, tied to those
    signatories, so each version's outputs list its own and the drifts between the lists are
    shown. What could not be read is kept as the letter's import report (a letter with no
    signatories yet is imported, the report giving the line where its list was expected). A
    text that is not a letter, or no text at all, is refused with the lines that could be
    read or not, and nothing is saved."""
    texts = {lang: text for lang, text in texts.items() if text and text.strip()}
    errors: dict[str, list[ValidationError]] = {}
    if reference and reference not in texts:
        errors["reference"] = [
            ValidationError(_("The reference version must be one of the versions given."))
        ]
    elif reference:
        texts = {reference: texts[reference], **texts}
    if not texts:
        errors["texts"] = [
            ValidationError(_("Paste or upload the letter in one language at least."))
        ]
    for language, text in texts.items():
        if found := _text_errors(language, text):
            errors[language] = found
    if errors:
        raise ValidationError(errors)
    versions = {lang: parse_version(text, language=lang) for lang, text in texts.items()}
    for language, parsed in versions.items():
        if any(problem.code == "not_a_letter" for problem in parsed.problems):
            errors.setdefault(language, []).append(
                ValidationError(
                    _(
                        "This text does not look like a letter: it needs body paragraphs, then "
                        "a closing formula or a signatory heading (the list of signatories may "
                        "still be empty)."
                    )
                )
            )
            errors[language].extend(
                ValidationError(str(problem.message))
                for problem in parsed.problems
                if problem.code == "not_a_letter"
                or (problem.line and problem.code != "unplaced_line")
            )
            unread = [
                problem.line for problem in parsed.problems if problem.code == "unplaced_line"
            ]
            if unread:
                errors[language].append(
                    ValidationError(
                        _("Lines that could not be placed: %(lines)s.")
                        % {"lines": _line_numbers(unread)}
                    )
                )
    if errors:
        raise ValidationError(errors)
    reference_language, reference_parsed = next(iter(versions.items()))
    org_id = organization.pk
    letter = create(
        Letter,
        by=by,
        org_id=org_id,
        subject=(reference_parsed.subject or _("Letter without a subject"))[:300],
        reference_language=reference_language,
        # The letter's date, when the versions' date lines name the same day.
        date=dates.agreed_date([parsed.date_text for parsed in versions.values()]),
        import_report=import_report(versions),
    )
    letter.editors.add(by)
    letter.lead_organizations.add(organization)
    rows = _signatory_rows(by, org_id, letter, reference_parsed)
    reference_lists = signatory_lists.lists_of(reference_parsed, None, rows)
    for language, parsed in versions.items():
        create(
            LetterVersion,
            by=by,
            org_id=org_id,
            letter=letter,
            language=language,
            subject=parsed.subject[:300],
            date_text=parsed.date_text[:120],
            place=parsed.place[:120],
            addressees=[asdict(a) for a in parsed.addressees],
            formula=parsed.formula[:60],
            paragraphs=parsed.paragraphs,
            signatory_lists=(
                reference_lists
                if language == reference_language
                else signatory_lists.lists_of(parsed, reference_lists, None)
            ),
        )
    return letter


def _line_numbers(lines: list[int]) -> str:
    """ "3, 4, 7–12" for the lines 3, 4, 7, 8, 9, 10, 11, 12."""
    spans: list[list[int]] = []
    for line in sorted(set(lines)):
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in spans)


def _text_errors(language: str, text: str) -> list[ValidationError]:
    if language not in LANGUAGES:
        return [ValidationError(_("This language is not offered for letters."))]
    if len(text) > MAX_TEXT:
        return [
            ValidationError(
                _("This version is longer than %(count)d characters: is it the letter?")
                % {"count": MAX_TEXT}
            )
        ]
    return []


@transaction.atomic
def version_add(*, by: User, letter: Letter, language: str, text: str) -> LetterVersion:
    """Add a version in another language to a letter already imported (a translation that
    arrives later). Its body, heading and addressees are read as on import; its signatory
    lists, if it has them, are kept as it writes them, tied to the letter's signatories as on
    import (the letter keeps one set of signatories; the drifts between the lists are shown)."""
    errors = _text_errors(language, text)
    if not text.strip():
        errors.append(ValidationError(_("Paste or upload the letter in this language.")))
    elif letter.versions.filter(language=language).exists():
        errors.append(ValidationError(_("The letter already has a version in this language.")))
    if errors:
        raise ValidationError({"text": errors})
    parsed = parse_version(text, language=language)
    if not parsed.paragraphs:
        raise ValidationError(
            {"text": [ValidationError(_("No paragraph of a letter was found in this text."))]}
        )
    reference = letter.versions.filter(language=letter.reference_language).first()
    report = dict(letter.import_report)
    report["problems"] = {
        **report.get("problems", {}),
        language: [reported(p) for p in parsed.problems if p.code != "not_a_letter"],
    }
    update(letter, by=by, values={"import_report": report})
    return create(
        LetterVersion,
        by=by,
        org_id=letter.organization_id,
        letter=letter,
        language=language,
        subject=parsed.subject[:300],
        date_text=parsed.date_text[:120],
        place=parsed.place[:120],
        addressees=[asdict(a) for a in parsed.addressees],
        formula=parsed.formula[:60],
        paragraphs=parsed.paragraphs,
        # A letter imported before versions kept their own lists has none to tie to: this
        # version then lists the letter's signatories, as every version of it does.
        signatory_lists=(
            signatory_lists.lists_of(parsed, reference.signatory_lists, None)
            if reference is not None and reference.signatory_lists
            else {}
        ),
    )


@transaction.atomic
def version_order_follow(*, by: User, version: LetterVersion) -> None:
    """List a version's signatories (and each coalition's members) in the reference version's
    order; an entry only this version lists stays after the entry it followed."""
    letter = version.letter
    reference = letter.versions.filter(language=letter.reference_language).first()
    if reference is None or reference.pk == version.pk:
        return
    lists = dict(version.signatory_lists)
    ref = reference.signatory_lists
    members_order = {
        item["row"]: [m["row"] for m in item.get("members", [])]
        for item in ref.get("organizations", [])
    }
    for key in ("organizations", "individuals"):
        entries = signatory_lists.in_order(
            lists.get(key, []), [item["row"] for item in ref.get(key, [])]
        )
        for entry in entries:
            if entry.get("members") and entry.get("row") in members_order:
                entry["members"] = signatory_lists.in_order(
                    entry["members"], members_order[entry["row"]]
                )
        lists[key] = entries
    update(version, by=by, values={"signatory_lists": lists})


@transaction.atomic
def paragraph_update(*, by: User, version: LetterVersion, index: int, text: str) -> None:
    """Change one paragraph of one language version (an empty text removes it)."""
    paragraphs = list(version.paragraphs)
    if not 0 <= index < len(paragraphs):
        raise ValidationError({"text": [ValidationError(_("This paragraph does not exist."))]})
    if text.strip():
        paragraphs[index] = text.strip()
    else:
        del paragraphs[index]
    update(version, by=by, values={"paragraphs": paragraphs})


@transaction.atomic
def versions_mark_in_step(*, by: User, letter: Letter) -> None:
    """An editor confirms the versions say the same: each keeps its paragraphs' fingerprints,
    so a paragraph changed later in one language is shown."""
    now = timezone.now()
    for version in letter.versions.all():
        update(
            version,
            by=by,
            values={
                "in_step_at": now,
                "in_step_by": by,
                "in_step_fingerprints": [alignment.fingerprint(p) for p in version.paragraphs],
            },
        )


def signatures_follow(
    removed: SignatoryRow, *, by: User | None, into: SignatoryRow | None = None
) -> None:
    """The signatures asked for on the public page that counted through `removed` (approved as
    it, or merged into it), before it leaves the letter: after a merge they count through the
    signatory kept; otherwise they wait for an editor again (their signers did not withdraw)."""
    for signature in SignatureRequest.objects.filter(signatory=removed):
        values: dict[str, Any] = (
            {"signatory": into}
            if into is not None
            else {
                "status": SignatureRequest.Status.PENDING,
                "signatory": None,
                "decided_at": None,
                "decided_by": None,
            }
        )
        for field, value in values.items():
            setattr(signature, field, value)
        signature.modified_by = by
        signature.save(update_fields=[*values, "modified_by", "modified_at"])
        audit.record(
            action=audit.Action.UPDATE,
            actor=by,
            organization_id=signature.organization_id,
            obj=signature,
            fields=list(values),
        )


@transaction.atomic
def signatory_merge(*, by: User, keep: SignatoryRow, duplicate: SignatoryRow) -> None:
    """Keep one of two signatures of the same organization; the other is removed (with its
    members, if it was a coalition's)."""
    if keep.letter_id != duplicate.letter_id or keep.pk == duplicate.pk:
        raise ValidationError(_("These two signatures are not of the same letter."))
    signatures_follow(duplicate, by=by, into=keep)
    remove(duplicate, by=by, detail={"merged_into": str(keep.uuid)})


# --- the letter's own fields and its versions ---------------------------------------------------

LETTER_FIELDS = ("subject", "status", "date", "deadline")
VERSION_FIELDS = ("subject", "place", "date_text", "formula")  # and the addressees, kept in order
ADDRESSEE_PARTS = ("name", "title", "institution")


def _related_set(
    by: User, letter: Letter, field: str, rows: Iterable[Any], current: Iterable[Any]
) -> bool:
    """Set a many-to-many field of the letter; audit it (by name) if it changed."""
    wanted = {row.pk for row in rows}
    if wanted == {row.pk for row in current}:
        return False
    getattr(letter, field).set(wanted)
    audit.record(
        action=audit.Action.UPDATE,
        actor=by,
        organization_id=letter.organization_id,
        obj=letter,
        fields=[field],
    )
    return True


@transaction.atomic
def letter_update(
    *,
    by: User,
    letter: Letter,
    data: Mapping[str, Any],
    lead_organizations: Iterable[Organization] | None = None,
    editors: Iterable[User] | None = None,
) -> Letter:
    """Change the letter's subject, status, date and deadline, its reference version
    (`services_reference.reference_change`), its lead organizations (of the network) and its
    editors (members of its organization; none means any member edits)."""
    values = prepared(LETTER_FIELDS, data, letter, defaults={}, nullable=("date", "deadline"))
    errors: Errors = {}
    editors = list(editors) if editors is not None else None
    if editors is not None:
        members = set(
            Membership.objects.filter(
                organization_id=letter.organization_id, is_active=True
            ).values_list("user_id", flat=True)
        )
        if any(editor.pk not in members for editor in editors):
            errors["editors"] = [ValidationError(_("Editors must be members of the organization."))]
    leads = list(lead_organizations) if lead_organizations is not None else None
    if leads is not None and any(not lead.is_active for lead in leads):
        errors["lead_organizations"] = [
            ValidationError(_("This organization is no longer part of the network."))
        ]
    update(letter, by=by, values=checked(Letter, letter.organization_id, values, errors))
    if data.get("reference_language"):
        services_reference.reference_change(
            by=by, letter=letter, language=data["reference_language"]
        )
    if leads is not None:
        _related_set(by, letter, "lead_organizations", leads, letter.lead_organizations.all())
    if editors is not None:
        _related_set(by, letter, "editors", editors, letter.editors.all())
    return letter


@transaction.atomic
def version_update(*, by: User, version: LetterVersion, data: Mapping[str, Any]) -> None:
    """Change a version's subject, place, date as written and addressees (each a mapping of
    name, title and institution; an addressee needs a name)."""
    values = prepared(VERSION_FIELDS, data, version, defaults={}, nullable=())
    addressees = [
        {part: str(item.get(part, "")).strip()[:300] for part in ADDRESSEE_PARTS}
        for item in data.get("addressees", version.addressees)
    ]
    values["addressees"] = [a for a in addressees if any(a.values())]
    errors: Errors = {}
    if any(not a["name"] for a in values["addressees"]):
        errors["addressees"] = [ValidationError(_("Each addressee needs a name."))]
    update(version, by=by, values=checked(LetterVersion, version.organization_id, values, errors))


# --- signatories by hand ---------------------------------------------------------------------

SIGNATORY_FIELDS = (
    "kind",
    "name",
    "acronym",
    "country",
    "organization_kind",
    "title",
    "affiliation",
    "contact_name",
    "contact_email",
    "representative",
)
ONLY_ORGANIZATIONS = ("acronym", "organization_kind", "representative")
ONLY_INDIVIDUALS = ("title", "affiliation")  # and a coalition member's role, its title
DIRECTORY_KINDS = {"documentation_network": "network"}
COUNTRY_NAMES = {"MX": "México", "US": "Estados Unidos"}


def from_directory(organization: Organization) -> dict[str, str]:
    """A network organization's own details, as a signatory line takes them."""
    return {
        "name": organization.name,
        "acronym": organization.short_name,
        "country": COUNTRY_NAMES.get(organization.country, organization.country),
        "organization_kind": DIRECTORY_KINDS.get(organization.kind, organization.kind),
    }


def _signatory_values(
    data: Mapping[str, Any],
    current: SignatoryRow | None,
    letter: Letter,
    coalition: SignatoryRow | None,
    directory: Organization | None,
) -> tuple[dict[str, Any], Errors]:
    given = dict(data)
    if directory is not None:
        given = {**from_directory(directory), **{k: v for k, v in given.items() if v}}
    if coalition is not None:
        given["kind"] = SignatoryRow.Kind.ORGANIZATION
    values = prepared(
        SIGNATORY_FIELDS,
        given,
        current,
        defaults={"kind": SignatoryRow.Kind.ORGANIZATION},
        nullable=(),
    )
    errors: Errors = {}
    individual = values["kind"] == SignatoryRow.Kind.INDIVIDUAL
    for field in ONLY_ORGANIZATIONS if individual else ONLY_INDIVIDUALS:
        if not (field == "title" and coalition is not None):  # a member's role stays
            values[field] = ""
    if individual and directory is not None:
        errors["directory_organization"] = [
            ValidationError(_("A person signs as an individual, not as an organization."))
        ]
    if coalition is not None and (
        coalition.letter_id != letter.pk or coalition.kind != SignatoryRow.Kind.COALITION
    ):
        errors["coalition"] = [ValidationError(_("Choose a coalition of this letter."))]
    if values["contact_email"]:
        try:
            EMAIL_CHECK(values["contact_email"])
        except ValidationError as exc:
            errors["contact_email"] = [exc]
    return values, errors


@transaction.atomic
def signatory_add(
    *,
    by: User,
    letter: Letter,
    data: Mapping[str, Any],
    coalition: SignatoryRow | None = None,
    directory: Organization | None = None,
    verified: bool = False,
) -> SignatoryRow:
    """Add a signatory at the end of its list (or of its coalition's members). An organization
    of the network fills in its own name, acronym, country and kind unless they are given.
    `verified`: an editor confirmed the representative may sign for the organization."""
    values, errors = _signatory_values(data, None, letter, coalition, directory)
    if verified and not values["representative"]:
        errors["representative"] = [ValidationError(_("Name the representative you verified."))]
    values = checked(SignatoryRow, letter.organization_id, values, errors)
    last = letter.signatories.order_by("-position").values_list("position", flat=True).first()
    return create(
        SignatoryRow,
        by=by,
        org_id=letter.organization_id,
        letter=letter,
        position=(last or 0) + 1,
        coalition=coalition,
        directory_organization=directory,
        representative_verified_at=timezone.now() if verified else None,
        representative_verified_by=by if verified else None,
        **values,
    )


@transaction.atomic
def signatory_update(
    *,
    by: User,
    signatory: SignatoryRow,
    data: Mapping[str, Any],
    directory: Organization | None = None,
    verified: bool | None = None,
) -> SignatoryRow:
    """Change a signatory's details (its place in the list stays; `signatory_move` moves it).
    A coalition's member stays an organization; a coalition with members stays a coalition."""
    values, errors = _signatory_values(
        data, signatory, signatory.letter, signatory.coalition, directory
    )
    if signatory.kind == SignatoryRow.Kind.COALITION and values["kind"] != signatory.kind:
        if signatory.members.exists():
            errors["kind"] = [ValidationError(_("This coalition has members: remove them first."))]
    representative_changed = values["representative"] != signatory.representative
    was_verified = signatory.representative_verified_at is not None
    now_verified = (
        bool(verified) if verified is not None or representative_changed else was_verified
    )
    if now_verified and not values["representative"]:
        errors["representative"] = [ValidationError(_("Name the representative you verified."))]
    values = checked(SignatoryRow, signatory.organization_id, values, errors)
    values["directory_organization"] = directory
    if representative_changed or now_verified != was_verified:
        values["representative_verified_at"] = timezone.now() if now_verified else None
        values["representative_verified_by"] = by if now_verified else None
    update(signatory, by=by, values=values)
    return signatory


def _neighbours(signatory: SignatoryRow) -> list[SignatoryRow]:
    """The list the signatory is numbered in: its coalition's members, the individuals, or the
    organizations and coalitions."""
    rows = signatory.letter.signatories.filter(coalition=signatory.coalition_id)
    if signatory.kind == SignatoryRow.Kind.INDIVIDUAL:
        rows = rows.filter(kind=SignatoryRow.Kind.INDIVIDUAL)
    elif signatory.coalition_id is None:
        rows = rows.exclude(kind=SignatoryRow.Kind.INDIVIDUAL)
    return list(rows.order_by("position", "id"))


@transaction.atomic
def signatory_move(*, by: User, signatory: SignatoryRow, offset: int) -> None:
    """Move a signatory up (-1) or down (+1) in its list; numbers follow from the order."""
    rows = _neighbours(signatory)
    index = next(i for i, row in enumerate(rows) if row.pk == signatory.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(rows):
        return
    other = rows[target]
    mine, theirs = signatory.position, other.position
    update(signatory, by=by, values={"position": theirs})
    update(other, by=by, values={"position": mine})


@transaction.atomic
def signatory_remove(*, by: User, signatory: SignatoryRow) -> None:
    """Take a signature off the letter (a coalition's members go with it)."""
    signatures_follow(signatory, by=by)
    remove(signatory, by=by)
