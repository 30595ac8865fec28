"""The reference version chosen again after the import (page and API): the letter's
signatories become the new reference's entries, in its order and as it writes them; every
other version's lists are tied again to it, so the drifts are those of the new reference."""

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salvaguarda.accounts.models import User
from salvaguarda.core.writes import create, update
from salvaguarda.letters import signatory_lists
from salvaguarda.letters.models import Letter
from salvaguarda.letters.models import Signatory as SignatoryRow


@transaction.atomic
def reference_change(*, by: User, letter: Letter, language: str) -> None:
    """Make the version in `language` the reference. Its entries that stood for no signatory
    become signatories; a signatory's name (and a person's title and affiliation) becomes the
    new reference's spelling unless an editor changed it by hand; the signatories follow its
    order. One read from the old reference that the new one does not list is taken off (as an
    import with the new reference would not have it; the drifts show it); one added by hand or
    through the signing page stays after the one it followed. The other versions keep their
    entries' ties and are tied again where they had none: the result is the letter as if it
    had been imported with the new reference, and the hand-made changes kept."""
    versions = {v.language: v for v in letter.versions.all()}
    if language not in versions:
        raise ValidationError(
            {
                "reference_language": [
                    ValidationError(
                        _("The reference version must be one of the letter's versions.")
                    )
                ]
            }
        )
    if language == letter.reference_language:
        return
    old = versions.get(letter.reference_language)
    new = versions[language]
    lists = copy.deepcopy(new.signatory_lists or {})
    dropped: set[str] = set()
    if lists:
        dropped = _signatories_follow(by, letter, lists, old.signatory_lists if old else {})
        update(new, by=by, values={"signatory_lists": lists})
    update(letter, by=by, values={"reference_language": language})
    if not lists:
        return  # it lists the letter's signatories: the others stay tied to them
    for version in versions.values():
        if version.pk != new.pk and version.signatory_lists:
            loose = _untied(version.signatory_lists, dropped)
            realigned = signatory_lists.realigned(loose, lists)
            update(version, by=by, values={"signatory_lists": realigned})


def _untied(lists: dict[str, Any], rows: set[str]) -> dict[str, Any]:
    """`lists` with its entries that stood for one of `rows` (gone) standing for none."""
    out = copy.deepcopy(lists)
    for item in (*out.get("organizations", []), *out.get("individuals", [])):
        for one in (item, *item.get("members", [])):
            if one.get("row") in rows:
                one["row"] = None
    return out


def _written_names(lists: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in (*lists.get("organizations", []), *lists.get("individuals", [])):
        for one in (item, *item.get("members", [])):
            if one.get("row"):
                out[one["row"]] = str(one.get("name", ""))[:300]
    return out


def _signatories_follow(
    by: User, letter: Letter, lists: dict[str, Any], old_lists: dict[str, Any]
) -> set[str]:
    """The letter's signatories as `lists` (the new reference's) writes them; `lists` gets a
    row for each of its entries. A signatory read from the old reference that the new one
    does not list is taken off, as an import with the new reference would not have it (its
    signatures wait for an editor again; the drifts show it listed in the old reference
    only); one added by hand or through the signing page stays. Returns the rows taken off."""
    rows = {str(row.uuid): row for row in letter.signatories.all()}
    written = _written_names(old_lists)
    order: list[str] = []

    def follow(entry: dict[str, Any], kind: str, coalition: SignatoryRow | None) -> None:
        row = rows.get(entry.get("row") or "")
        values: dict[str, Any] = {"name": str(entry.get("name") or entry["written"])[:300]}
        if kind == SignatoryRow.Kind.INDIVIDUAL:
            values["title"] = str(entry.get("title", ""))[:200]
            values["affiliation"] = str(entry.get("affiliation", ""))[:300]
        if entry.get("acronym"):
            values["acronym"] = str(entry["acronym"])[:60]
        if row is None and entry.get("row"):
            return  # removed by hand since the import: it does not come back
        if row is None:
            row = create(
                SignatoryRow,
                by=by,
                org_id=letter.organization_id,
                letter=letter,
                position=len(rows) + 1,
                kind=kind,
                coalition=coalition,
                **values,
            )
            rows[str(row.uuid)] = row
            entry["row"] = str(row.uuid)
        elif written.get(str(row.uuid), row.name) == row.name:  # not changed by hand
            update(row, by=by, values=values)
        order.append(str(row.uuid))
        for member in entry.get("members", []):
            follow(member, SignatoryRow.Kind.ORGANIZATION, row)

    for entry in lists.get("organizations", []):
        entry.pop("absent_members", None)
        follow(entry, entry.get("kind") or SignatoryRow.Kind.ORGANIZATION, None)
    for entry in lists.get("individuals", []):
        follow(entry, SignatoryRow.Kind.INDIVIDUAL, None)
    lists["absent"] = []
    rank = {uuid: n for n, uuid in enumerate(order)}
    keyed: list[tuple[float, int, SignatoryRow]] = []
    last = -1.0
    for n, row in enumerate(sorted(rows.values(), key=lambda r: (r.position, r.pk))):
        last = float(rank[str(row.uuid)]) if str(row.uuid) in rank else last + 1e-6
        keyed.append((last, n, row))
    # services imports this module: its removal is reached at call time.
    from salvaguarda.letters.services import signatory_remove, signatures_follow

    dropped = {uuid for uuid in written if uuid in rows and uuid not in rank}
    gone = [rows[uuid] for uuid in dropped]
    gone_ids = {row.pk for row in gone}
    for row in sorted(gone, key=lambda r: r.coalition_id is None):  # members first
        if row.coalition_id not in gone_ids:
            signatory_remove(by=by, signatory=row)
        else:  # it goes with its coalition
            signatures_follow(row, by=by)
    kept = [(r, n, row) for r, n, row in keyed if str(row.uuid) not in dropped]
    for position, (_rank, _n, row) in enumerate(sorted(kept, key=lambda k: k[:2]), start=1):
        update(row, by=by, values={"position": position})
    return dropped
