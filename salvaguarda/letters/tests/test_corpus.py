"""The corpus of real-shaped letters (``corpus/<slug>/``, written without reading the parser)
imported as the page imports them, and scored against each letter's ``expected.json`` at the
marks of issue 15: addressees, subject and individuals exact; organizations and coalition
members at least 99 % by name; no heading, table piece or fragment stored as a signatory; every
expected drift found and at most one false drift; at least 90 % of the expected duplicate pairs
found and no false pair; bad input reported with line numbers, never a crash.

The score of every letter is written to ``var/letters-corpus-scores.md`` (and printed with
``-s``), the paragraphs too (first six words of each, in order), which the marks do not count.
"""

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast
from salvaguarda.letters import queries, services
from salvaguarda.letters.models import Letter
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.reading.words import courtesy

CORPUS = Path(__file__).parent / "corpus"
LETTERS = sorted(p.parent.name for p in CORPUS.glob("*/expected.json"))
SCORES = Path(settings.BASE_DIR) / "var" / "letters-corpus-scores.md"
HUGE = 5 * 1024 * 1024

# The kinds of drift the expected files name, and the kinds the letter file lists for them.
DRIFT_KINDS = {
    "order": {"signatory_order"},
    "only_in_one_version": {"signatory_only_in", "missing_paragraph", "missing_sentence"},
    "name_spelling": {"signatory_spelling"},
    "institution": {"institution_differs"},
    "sentence": {"missing_sentence", "missing_paragraph"},
    "link": {"link_differs"},
    "number": {"number_differs"},
}
HEADING = re.compile(
    r"(organi[sz]a|organizaç|firma|signat|assina|personas|people|pessoas|personnes|individu|"
    r"defensor|defender|coalici|coalition)",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Case, accents, Markdown marks, quotes and spacing folded, trailing punctuation dropped."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`\u201c\u201d\u2018\u2019\"]", "", text.replace("\u00a0", " "))
    return " ".join(text.split()).strip(" .;,:")


def name_fold(text: str) -> str:
    """A signatory's name folded for comparison: only case, accents and spacing; its
    punctuation counts ("Centro X, A.C." is not "Centro X, A.C"), and so do its marks. A
    Markdown link counts as its visible text (the schema's "as written … minus markdown
    markup"): the reader keeps "[Name](address)" in the entry to show it as a link."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.replace("\u00a0", " ").split())


def six_words(paragraph: str) -> str:
    """The first six words, a list item's marker ("1.", "a)", "(a)", "PRIMERO.-", "•") left
    out as Markdown is."""
    paragraph = re.sub(
        r"^\s*(?:\d{1,3}[.)]|[a-z][.)]|\([a-z\d]{1,4}\)|[-*•+]|(?i:primer[oa]|segund[oa]|"
        r"tercer[oa]|cuart[oa]|quint[oa]|sext[oa])\s*[.:]-?)\s+",
        "",
        paragraph,
    )
    return " ".join(fold(paragraph).split()[:6]).strip(" .;,:")


def _starts(got: str, want: str) -> bool:
    return got.split()[: len(want.split())] == want.split()


def _without_courtesy(
    raw: list[str], got: list[str], want: list[str]
) -> tuple[list[str], list[str]]:
    """The body without the courtesy paragraphs that end it, on both sides: an expected entry
    goes with the reader's paragraph it starts."""
    got, want = list(got), list(want)
    while raw and courtesy(raw[-1]):
        if want and got and _starts(got[-1], want[-1]):
            want.pop()
        raw, got = raw[:-1], got[:-1]
    return got, want


@dataclass
class Score:
    slug: str
    checks: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (right, of)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, name: str, right: int, of: int) -> None:
        before = self.checks.get(name, (0, 0))
        self.checks[name] = (before[0] + right, before[1] + of)

    def ratio(self, name: str) -> float:
        right, of = self.checks.get(name, (0, 0))
        return right / of if of else 1.0

    def cell(self, name: str) -> str:
        right, of = self.checks.get(name, (0, 0))
        return f"{right}/{of}" if of else "–"


def _texts(folder: Path, expected: dict[str, Any]) -> dict[str, str]:
    if (expected.get("bad_input") or {}).get("expect") == "too_large":
        return {"es": _huge_paste()}
    return {
        lang: (folder / f"{lang}.md").read_text(encoding="utf-8") for lang in expected["versions"]
    }


def _huge_paste() -> str:
    """A 5 MB paste: a corpus letter whose signatory list is repeated past 5 MB."""
    source = next(
        (CORPUS / slug / "es.md").read_text(encoding="utf-8")
        for slug in LETTERS
        if not slug.startswith("bad-") and (CORPUS / slug / "es.md").exists()
    )
    text = source
    while len(text.encode()) < HUGE:
        text += "\n" + source
    return text


def _entries_written(entries: list[queries.Entry]) -> tuple[list[str], dict[str, list[str]]]:
    names = [name_fold(e.written) for e in entries]
    members = {name_fold(e.written): [name_fold(m.written) for m in e.members] for e in entries}
    return names, members


def _junk(name: str, expected_names: list[str]) -> bool:
    """A heading, table punctuation or a piece (or a run-on) of expected names."""
    if not name or re.fullmatch(r"[\s|:\-–—*_#.,;]+", name) or "|" in name:
        return True
    if HEADING.search(name) and len(name) < 70 and name not in expected_names:
        if not any(name in e or e in name for e in expected_names):
            return True
    return any(name != e and (name in e or e in name) for e in expected_names if len(e) > 3)


def _score_version(
    score: Score, lang: str, want: dict[str, Any], letter: Letter, user: Any
) -> None:
    version = queries.version_of(letter, lang)
    got_addressees = [
        fold(", ".join(p for p in (a.get("name"), a.get("title"), a.get("institution")) if p))
        for a in version.addressees
    ]
    want_addressees = [fold(", ".join(lines)) for lines in want.get("addressees", [])]
    score.count("addressees", int(got_addressees == want_addressees), 1)
    if got_addressees != want_addressees:
        score.failures.append(f"{lang} addressees {got_addressees} != {want_addressees}")
    subject = fold(version.subject or "") or None
    want_subject = fold(want["subject"]) if want.get("subject") else None
    score.count("subject", int(subject == want_subject), 1)
    if subject != want_subject:
        score.failures.append(f"{lang} subject {subject!r} != {want_subject!r}")

    # The version keeps the salutation and the closing formula as its first and last
    # paragraphs; the expected body is what lies between them. A courtesy paragraph right
    # before the closing ("Sin otro particular…", "Thank you for your attention…") belongs to
    # the closing (corpus README, "Reading conventions"): it is left out on both sides, on the
    # expected side where the reader's paragraph it starts is one.
    got_paragraphs = [six_words(p) for p in version.paragraphs]
    want_paragraphs = [six_words(p) for p in want.get("paragraphs", [])]
    raw = list(version.paragraphs)
    bodies = [
        _without_courtesy(raw[a : len(raw) - b], got_paragraphs[a : len(raw) - b], want_paragraphs)
        for a in (0, 1)
        for b in (0, 1)
    ]
    same = any(
        len(body) == len(wanted) and all(map(_starts, body, wanted)) for body, wanted in bodies
    )  # an expected entry of fewer than six words is read as the start of the paragraph
    score.count("paragraphs", int(same), 1)
    if not same:
        score.notes.append(f"{lang} paragraphs {got_paragraphs} != {want_paragraphs}")

    organizations, individuals = queries.version_lists(letter, version)
    names, members = _entries_written(organizations)
    want_names = [name_fold(o["name"]) for o in want.get("organizations", [])]
    everything = want_names + [
        name_fold(m) for o in want.get("organizations", []) for m in o.get("members", [])
    ]
    for item in want.get("organizations", []):
        name = name_fold(item["name"])
        found = name in names
        score.count("organizations", int(found), 1)
        if not found:
            score.failures.append(f"{lang} organization missing: {item['name']}")
            continue
        got_kind = next(e.kind for e in organizations if name_fold(e.written) == name)
        if (got_kind == "coalition") != bool(item.get("coalition")):
            score.failures.append(f"{lang} {item['name']}: read as {got_kind}")
        for member in item.get("members", []):
            ok = name_fold(member) in members.get(name, [])
            score.count("members", int(ok), 1)
            if not ok:
                score.failures.append(f"{lang} member of {item['name']} missing: {member}")
    stored = names + [m for ms in members.values() for m in ms]
    stored += [name_fold(e.name) for e in individuals]
    every_name = everything + [name_fold(n) for n in want.get("individuals", [])]
    affiliations = want.get("individual_affiliations", {}).items()
    every_name += [name_fold(f"{n}, {a}") for n, a in affiliations]
    extra = [n for n in stored if n not in every_name]
    junk = [n for n in extra if _junk(n, every_name)]
    score.count("junk", len(extra), 0)
    if junk:
        score.failures.append(f"{lang} headings or fragments stored as signatories: {junk}")
    if len(extra) > len(junk):
        unexpected = sorted(set(extra) - set(junk))
        score.failures.append(f"{lang} signatories not expected: {unexpected}")

    got_people = [name_fold(e.name) for e in individuals]
    want_people = [name_fold(n) for n in want.get("individuals", [])]
    score.count("individuals", int(got_people == want_people), 1)
    if got_people != want_people:
        missing = [n for n in want_people if n not in got_people]
        more = [n for n in got_people if n not in want_people]
        score.failures.append(f"{lang} individuals differ: missing {missing}, not expected {more}")


def _score_drifts(score: Score, expected: dict[str, Any], file: queries.LetterFile) -> None:
    found = [(d.kind, fold(f"{d.detail} {' '.join(d.languages)}")) for d in file.all_drifts]
    used: set[int] = set()
    for want in expected.get("drifts", []):
        kinds = DRIFT_KINDS.get(want["kind"], {want["kind"]})
        match = fold(want["match"])
        hit = next(
            (
                i
                for i, (kind, text) in enumerate(found)
                if kind in kinds and match in text and i not in used
            ),
            None,
        ) or next(
            (i for i, (kind, text) in enumerate(found) if kind in kinds and match in text), None
        )
        score.count("drifts", int(hit is not None), 1)
        if hit is None:
            score.failures.append(f"drift not found: {want['kind']} {want['match']!r}")
        else:
            used.add(hit)
    # A drift that says again what an expected drift says (the same name in the list and in
    # a coalition) is not a false one.
    expected_keys = [
        (DRIFT_KINDS.get(w["kind"], {w["kind"]}), fold(w["match"]))
        for w in expected.get("drifts", [])
    ]
    false = [
        found[i]
        for i in range(len(found))
        if i not in used
        and not any(found[i][0] in kinds and m in found[i][1] for kinds, m in expected_keys)
    ]

    score.count("false drifts", len(false), 0)
    if len(false) > 1:
        score.failures.append(f"{len(false)} false drifts: {false}")
    elif false:
        score.notes.append(f"false drift: {false}")


def _score_duplicates(score: Score, expected: dict[str, Any], file: queries.LetterFile) -> None:
    found = [frozenset((name_fold(a), name_fold(b))) for a, b in file.duplicate_pairs]
    wanted = [frozenset((name_fold(a), name_fold(b))) for a, b in expected.get("duplicates", [])]
    hits = sum(pair in found for pair in wanted)
    score.count("duplicates", hits, len(wanted))
    if wanted and hits / len(wanted) < 0.9:
        missing = [sorted(p) for p in wanted if p not in found]
        score.failures.append(f"duplicates found {hits}/{len(wanted)}; missing {missing}")
    false = [sorted(p) for p in found if p not in wanted]
    score.count("false duplicates", len(false), 0)
    if false:
        score.failures.append(f"false duplicates: {false}")


def _score_bad_input(
    score: Score, expected: dict[str, Any], texts: dict[str, str], refusal: str
) -> None:
    """Bad input: the import refuses with a message or keeps the letter with a report; the
    reader reports lines by number; never an exception. A paste too large is refused before
    it is read, saying so."""
    want = expected["bad_input"]["expect"]
    if want == "too_large":
        ok = "500000" in refusal.replace(",", "").replace(".", "").replace("\u00a0", "")
        score.count("bad input reported", int(ok), 1)
        if not ok:
            score.failures.append(f"too large: refusal {refusal!r}")
        return
    report = {lang: parse_version(text, language=lang).problems for lang, text in texts.items()}
    codes = {p.code for problems in report.values() for p in problems}
    numbered = [p for problems in report.values() for p in problems if p.line > 0]
    needed = {
        "not_a_letter": "not_a_letter",
        "no_signatories": "no_signatories",
        "broken_numbering": "broken_numbering",
        "mixed_languages": "other_language",
        "too_large": "too_large",
    }[want]
    ok = needed in codes and (bool(numbered) or want == "too_large")
    if want == "no_signatories" and refusal:  # a letter collecting signatures is imported
        ok = False
    score.count("bad input reported", int(ok), 1)
    if not ok:
        score.failures.append(f"bad input {want}: codes {sorted(codes)}, {len(numbered)} lines")


@pytest.fixture(scope="module")
def table() -> Iterator[dict[str, Score]]:
    scores: dict[str, Score] = {}
    yield scores
    columns = [
        "addressees",
        "subject",
        "organizations",
        "members",
        "junk",
        "individuals",
        "drifts",
        "false drifts",
        "duplicates",
        "false duplicates",
        "paragraphs",
        "bad input reported",
    ]
    lines = [
        "| letter | " + " | ".join(columns) + " | failures |",
        "|" + "---|" * (len(columns) + 2),
    ]
    for slug in sorted(scores):
        s = scores[slug]
        cells = [
            s.cell(c)
            if c not in ("junk", "false drifts", "false duplicates")
            else str(s.checks.get(c, (0, 0))[0])
            for c in columns
        ]
        lines.append(f"| {slug} | " + " | ".join(cells) + f" | {len(s.failures)} |")
    details = [
        f"\n## {slug}\n"
        + "\n".join(f"- FAIL {f}" for f in s.failures)
        + "".join(f"\n- note {n}" for n in s.notes)
        for slug, s in sorted(scores.items())
        if s.failures or s.notes
    ]
    SCORES.parent.mkdir(exist_ok=True)
    SCORES.write_text("\n".join(lines) + "\n" + "\n".join(details) + "\n", encoding="utf-8")
    print("\n".join(lines))  # noqa: T201 - the table the lead reads with -s


@pytest.mark.django_db
@pytest.mark.parametrize("slug", LETTERS)
def test_the_corpus_letter_imports_at_the_issue_marks(slug: str, table: dict[str, Score]) -> None:
    folder = CORPUS / slug
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    score = table.setdefault(slug, Score(slug))
    texts = _texts(folder, expected)
    cast = Cast.build()
    reference = next(iter(texts))
    with organization_scope(cast.org.pk):
        refused = ""
        try:
            letter = services.letter_import(
                by=cast.caseworker, organization=cast.org, texts=texts, reference=reference
            )
        except ValidationError as refusal:
            letter, refused = None, " ".join(refusal.messages)
            if not expected.get("bad_input"):
                score.failures.append(f"refused: {refusal.messages}")
        if expected.get("bad_input"):
            _score_bad_input(score, expected, texts, refused)

        if letter is not None and not expected.get("bad_input"):
            for lang, want in expected["versions"].items():
                _score_version(score, lang, want, letter, cast.caseworker)
            file = queries.letter_file_for(cast.caseworker, letter.uuid)
            _score_drifts(score, expected, file)
            _score_duplicates(score, expected, file)
    assert score.ratio("organizations") >= 0.99, score.failures
    assert score.ratio("members") >= 0.99, score.failures
    assert not score.failures, "\n".join(score.failures)


def test_the_corpus_holds_twenty_letters_or_more() -> None:
    assert len([s for s in LETTERS if not s.startswith("bad-")]) >= 20
