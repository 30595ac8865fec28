"""Writes of sign-on letters: importing one that already circulates in several languages."""

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import Organization, User
from salvaguarda.core.writes import create, remove, update
from salvaguarda.letters import alignment, names
from salvaguarda.letters.document import ParsedVersion, Signatory
from salvaguarda.letters.models import Letter, LetterVersion
from salvaguarda.letters.models import Signatory as SignatoryRow
from salvaguarda.letters.parsing import parse_version

LANGUAGES = ("es", "en", "pt", "fr")
MAX_TEXT = 500_000  # characters of one version


def import_report(versions: Mapping[str, ParsedVersion]) -> dict[str, Any]:
    """What the import could not read (by language, with line numbers), and the individuals
    whose names are spelled differently between versions (only the reference's list is kept,
    so this is found now or never). Drifts and organizations listed twice are found on the
    letter as it stands (`queries.letter_file_for`)."""
    reference = next(iter(versions.values()))
    individuals = {language: parsed.individuals for language, parsed in versions.items()}
    return {
        "problems": {
            language: [asdict(problem) for problem in parsed.problems]
            for language, parsed in versions.items()
        },
        "individuals": [
            asdict(d)
            for d in names.duplicates([], individuals)
            if d.kind == "individual_spelled_differently"
        ],
        "organizations_read": len(reference.organizations),
    }


def _signatory_rows(by: User, org_id: int, letter: Letter, parsed: ParsedVersion) -> None:
    position = 0

    def add(item: Signatory, kind: str, coalition: SignatoryRow | None = None) -> SignatoryRow:
        nonlocal position
        position += 1
        return create(
            SignatoryRow,
            by=by,
            org_id=org_id,
            letter=letter,
            position=position,
            kind=kind,
            name=item.name[:300],
            acronym=item.acronym[:60],
            country=item.country[:80],
            affiliation=item.affiliation[:300],
            title=item.title[:200],
            coalition=coalition,
        )

    for item in parsed.organizations:
        row = add(item, item.kind)
        for member in item.members:
            add(Signatory(kind="organization", name=member), "organization", coalition=row)
    for item in parsed.individuals:
        add(item, "individual")


@transaction.atomic
def letter_import(*, by: User, organization: Organization, texts: Mapping[str, str]) -> Letter:
    """Import a letter from its language versions (the first one is the reference): every
    version is read, aligned with the others, and its signatories taken from the reference.
    What could not be read, the drifts and the duplicates are kept as the letter's import
    report. A text that is not a letter, or no text at all, is refused and nothing is saved."""
    texts = {lang: text for lang, text in texts.items() if text and text.strip()}
    errors: dict[str, list[ValidationError]] = {}
    if not texts:
        errors["texts"] = [
            ValidationError(_("Paste or upload the letter in one language at least."))
        ]
    for language, text in texts.items():
        if language not in LANGUAGES:
            errors.setdefault(language, []).append(
                ValidationError(_("This language is not offered for letters."))
            )
        elif len(text) > MAX_TEXT:
            errors.setdefault(language, []).append(
                ValidationError(
                    _("This version is longer than %(count)d characters: is it the letter?")
                    % {"count": MAX_TEXT}
                )
            )
    if errors:
        raise ValidationError(errors)
    versions = {lang: parse_version(text, language=lang) for lang, text in texts.items()}
    for language, parsed in versions.items():
        if any(problem.code == "not_a_letter" for problem in parsed.problems):
            errors.setdefault(language, []).append(
                ValidationError(
                    _(
                        "This text does not look like a letter: it needs paragraphs and a list "
                        "of signatories."
                    )
                )
            )
    if errors:
        raise ValidationError(errors)
    reference_language, reference = next(iter(versions.items()))
    org_id = organization.pk
    letter = create(
        Letter,
        by=by,
        org_id=org_id,
        subject=(reference.subject or _("Letter without a subject"))[:300],
        reference_language=reference_language,
        import_report=import_report(versions),
    )
    letter.editors.add(by)
    letter.lead_organizations.add(organization)
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
            paragraphs=parsed.paragraphs,
        )
    _signatory_rows(by, org_id, letter, reference)
    return letter


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


@transaction.atomic
def signatory_merge(*, by: User, keep: SignatoryRow, duplicate: SignatoryRow) -> None:
    """Keep one of two signatures of the same organization; the other is removed (with its
    members, if it was a coalition's)."""
    if keep.letter_id != duplicate.letter_id or keep.pk == duplicate.pk:
        raise ValidationError(_("These two signatures are not of the same letter."))
    remove(duplicate, by=by, detail={"merged_into": str(keep.uuid)})
