"""Terms of a name and their keyed hashes: what is stored in `NameToken` and looked for.

The terms of a name field (after `fold_text`) are its words (single letters included: "de la
O"), a run of particles joined to the next word ("de la Cruz" -> "delacruz", "de la O" ->
"delao") and two adjacent words joined ("Jean-Baptiste" -> "jeanbaptiste"), so that names
written together or apart still meet. Particles alone ("de", "la") are not terms.

Each term gives, per person, rows of these kinds (`NameToken.Kind`), each a keyed hash:
- EXACT: the term; PHONETIC: its Spanish phonetic key (`salvaguarda.lib.phonetics`);
- ALIAS: the full names a nickname or abbreviation stands for ("Pepe" -> "jose", "Ma." ->
  "maria"), from `vocabularies/nicknames.csv`;
- and, for the person, BIRTH: the year of birth ("y:1985", also kept in clear for the lists),
  the date ("d:1985-03-12") and the day of the year ("dm:03-12") when the date is exact, and
  the month ("m:1985-03") when the month is known.
- PAIR: two of the person's words together, by sound (the phonetic keys of any two of the
  person's words, in either order: "María … López" gives MR+LPS), and each word's key with
  the year of birth (MR+y:1985); a nickname's full names count as the word's keys. A search
  for a common name reads the short list of the pair instead of the long lists of each word
  (`candidates.pair_candidates`).
Each row says which of the person's words it stands for (`word_mask`, one bit per word), and
the EXACT row of a word carries `grams`: 64 bits, one set per letter pair of the word (a keyed
bit position), so that two spellings can be compared letter by letter without the letters.
"""

import csv
import functools
import hashlib
import hmac
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from salvaguarda.core import keys, upkeep
from salvaguarda.core.scoping import organization_scope
from salvaguarda.lib import crypto
from salvaguarda.lib.normalize import fold_text
from salvaguarda.lib.phonetics import edit_variants, spanish_key
from salvaguarda.people.models import NameToken, Person

NAME_FIELDS = ("given_names", "first_surname", "second_surname", "other_names")
# Joining words of names, not names themselves. "san", "santa", "saint" stay: they are real
# given names too, and "Saint-Fleur" also gives "saintfleur".
PARTICLES = frozenset({"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du", "y"})
MAX_QUERY_WORDS = 8
MAX_WORDS = 15  # bits of `word_mask`; later words share the last bit

DERIVATION = "name-token"
_EXACT = b"exact:"
_PHONETIC = b"phonetic:"
_ALIAS = b"alias:"
_BIRTH = b"birth:"
_GRAM = b"gram:"
_PAIR = b"pair:"
BATCH_SIZE = 500

NICKNAMES_CSV = Path(__file__).resolve().parent.parent / "vocabularies" / "nicknames.csv"

_hmac_by_key: dict[str, tuple[float, "hmac.HMAC"]] = {}


@dataclass(frozen=True)
class Term:
    """A searchable string and the positions of the words it stands for.

    For a query, the positions of the query's words; for a person, of the person's words.
    """

    text: str
    words: tuple[int, ...]
    joined: bool = False  # made of two words, or of particles and a word


def terms_of(text: str, positions: dict[str, int] | None = None, first: int = 0) -> list[Term]:
    """The terms of one name field, or of a query when `positions` is given.

    For a query, `positions` collects each distinct word's position (at most MAX_QUERY_WORDS)
    and each term says which positions it covers. For a name field, words are numbered from
    `first`.
    """
    terms: list[Term] = []
    particles: list[str] = []
    previous: tuple[str, int] | None = None
    number = first
    for word in fold_text(text).split():
        if word in PARTICLES:
            particles.append(word)
            previous = None
            continue
        if positions is None:
            here = min(number, MAX_WORDS - 1)
            number += 1
        elif word in positions:
            here = positions[word]
        elif len(positions) < MAX_QUERY_WORDS:
            positions[word] = here = len(positions)
        else:
            break
        terms.append(Term(word, (here,)))
        if particles:
            terms.append(Term("".join(particles) + word, (here,), joined=True))
        if previous is not None and len(word) > 1 and len(previous[0]) > 1:
            covered = tuple(sorted({previous[1], here}))
            terms.append(Term(previous[0] + word, covered, joined=True))
        particles, previous = [], (word, here)
    return terms


@functools.cache
def nicknames() -> dict[str, frozenset[str]]:
    """Folded nickname or abbreviation -> the folded full names it may stand for."""
    table: dict[str, set[str]] = {}
    with NICKNAMES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            short = fold_text(row["nickname"])
            for name in row["names"].split("|"):
                if fold_text(name):
                    table.setdefault(short, set()).update(fold_text(name).split())
    return {short: frozenset(names) for short, names in table.items()}


def full_names_of(word: str) -> frozenset[str]:
    """The full names a folded word may be short for (empty if it is not a nickname)."""
    return nicknames().get(word, frozenset())


def hmac_for(organization_id: int) -> "hmac.HMAC":
    """A keyed HMAC (not yet fed) for the organization's active key.

    The sub-key is derived once per data key and kept as long as `keys` keeps data keys.
    """
    key = keys.active_key(organization_id)
    now = time.monotonic()
    cached = _hmac_by_key.get(key.key_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    for key_id in [k for k, (expires, _) in _hmac_by_key.items() if expires <= now]:
        del _hmac_by_key[key_id]
    sub_key = crypto.derive_key(key.material, DERIVATION)
    base = hmac.new(sub_key, digestmod=hashlib.sha256)
    _hmac_by_key[key.key_id] = (now + keys.CACHE_SECONDS, base)
    return base


def keyed_hash(base: "hmac.HMAC", prefix: bytes, value: str) -> int:
    mac = base.copy()
    mac.update(prefix + value.encode("utf-8"))
    return int.from_bytes(mac.digest()[:8], "big", signed=True)


def exact_hash(base: "hmac.HMAC", text: str) -> int:
    return keyed_hash(base, _EXACT, text)


def phonetic_hash(base: "hmac.HMAC", key: str) -> int:
    return keyed_hash(base, _PHONETIC, key)


def alias_hash(base: "hmac.HMAC", name: str) -> int:
    return keyed_hash(base, _ALIAS, name)


def birth_hash(base: "hmac.HMAC", value: str) -> int:
    return keyed_hash(base, _BIRTH, value)


def pair_hash(base: "hmac.HMAC", one: str, other: str) -> int:
    """Two phonetic keys, or a key and a year ("y:1985"), in either order."""
    low, high = sorted((one, other))
    return keyed_hash(base, _PAIR, f"{low}|{high}")


def word_keys(terms: list[Term]) -> dict[tuple[int, ...], set[str]]:
    """The phonetic keys each word stands for, by the positions of its words: a word's own
    key, that of the word with its particles ("delacruz"), those of the full names a nickname
    stands for, and the key of two words written together ("mariajose": positions (0, 1))."""
    found: dict[tuple[int, ...], set[str]] = {}
    for term in terms:
        if len(term.text) < 2:
            continue
        names = [] if term.joined else sorted(full_names_of(term.text))
        for text in [term.text, *names]:
            if key := spanish_key(text):
                found.setdefault(term.words, set()).add(key)
    return found


def key_pairs(
    keys: dict[tuple[int, ...], set[str]],
) -> Iterator[tuple[tuple[int, ...], tuple[int, ...], str, str]]:
    """Every two keys of words with no position in common: (positions, positions, key, key)."""
    places = sorted(keys)
    for n, one in enumerate(places):
        for other in places[n + 1 :]:
            if set(one).isdisjoint(other):
                for a in sorted(keys[one]):
                    for b in sorted(keys[other]):
                        yield one, other, a, b


def near_hashes(base: "hmac.HMAC", key: str) -> frozenset[int]:
    """The phonetic hashes of every key at edit distance 1 from `key` (typo neighbours)."""
    return _near_hashes(base, _gram_key(base), key)


@functools.lru_cache(maxsize=4096)
def _near_hashes(base: "hmac.HMAC", sub_key: bytes, key: str) -> frozenset[int]:
    # `sub_key` (derived from the data key) is what the cache is keyed by; `base` is the same
    # for the same sub-key.
    return frozenset(phonetic_hash(base, near) for near in sorted(edit_variants(key)))


def letter_pairs(word: str) -> set[str]:
    """The pairs of adjacent letters of a word, with its start and end marked ("^g", "a$")."""
    marked = f"^{word}$"
    return {marked[i : i + 2] for i in range(len(marked) - 1)}


def _gram_key(base: "hmac.HMAC") -> bytes:
    mac = base.copy()
    mac.update(_GRAM)
    return mac.digest()


@functools.lru_cache(maxsize=8192)
def _pair_bit(key: bytes, pair: str) -> int:
    return hmac.new(key, pair.encode("utf-8"), hashlib.sha256).digest()[0] & 63


@functools.lru_cache(maxsize=65536)
def _grams(key: bytes, word: str) -> int:
    mask = 0
    for pair in letter_pairs(word):
        mask |= 1 << _pair_bit(key, pair)
    return mask


def grams_of(base: "hmac.HMAC", word: str) -> int:
    """The word's letter pairs as 64 keyed bits (a Bloom filter of one hash function), as an
    unsigned integer (`signed` turns it into a BIGINT value)."""
    return _grams(_gram_key(base), word)


def start_bit(base: "hmac.HMAC", letter: str) -> int:
    """The bit of `grams` that every word starting with `letter` has set."""
    return 1 << _pair_bit(_gram_key(base), f"^{letter}")


def signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def unsigned(value: int) -> int:
    return value & ((1 << 64) - 1)


# --- a person's rows ----------------------------------------------------------------------

Row = tuple[int, int, int, int | None]  # kind, token, word_mask, grams


def _birth_rows(base: "hmac.HMAC", person: Person) -> set[Row]:
    born = person.date_of_birth
    if not born or not hasattr(born, "year"):
        return set()
    precision = person.birth_precision
    values = [f"y:{born:%Y}"]
    if precision == Person.BirthPrecision.EXACT:
        values += [f"d:{born:%Y-%m-%d}", f"dm:{born:%m-%d}"]
    if precision in (Person.BirthPrecision.EXACT, Person.BirthPrecision.MONTH):
        values.append(f"m:{born:%Y-%m}")
    return {(NameToken.Kind.BIRTH, birth_hash(base, value), 0, None) for value in values}


def _mask(positions: Iterable[int]) -> int:
    mask = 0
    for position in positions:
        mask |= 1 << position
    return mask


def _pair_rows(base: "hmac.HMAC", person: Person, terms: list[Term]) -> set[Row]:
    """Two words together, and each word with the year of birth (see PAIR above)."""
    keys = word_keys(terms)
    found: set[Row] = set()
    for one, other, a, b in key_pairs(keys):
        found.add((NameToken.Kind.PAIR, pair_hash(base, a, b), _mask(one + other), None))
    born = person.date_of_birth
    if born and hasattr(born, "year"):
        for positions, words in keys.items():
            for key in words:
                token = pair_hash(base, key, f"y:{born:%Y}")
                found.add((NameToken.Kind.PAIR, token, _mask(positions), None))
    return found


def person_rows(base: "hmac.HMAC", person: Person) -> set[Row]:
    """The person's rows: (kind, token, word_mask, grams)."""
    found: set[Row] = set()
    number = 0
    every: list[Term] = []
    for field in NAME_FIELDS:
        value = getattr(person, field)
        if not value:
            continue
        terms = terms_of(str(value), first=number)
        every += terms
        for term in terms:
            mask = 0
            for word in term.words:
                mask |= 1 << word
            grams = None if term.joined else signed(grams_of(base, term.text))
            found.add((NameToken.Kind.EXACT, exact_hash(base, term.text), mask, grams))
            key = spanish_key(term.text)
            if key and len(term.text) > 1:
                found.add((NameToken.Kind.PHONETIC, phonetic_hash(base, key), mask, None))
            if not term.joined:
                for name in full_names_of(term.text):
                    found.add((NameToken.Kind.ALIAS, alias_hash(base, name), mask, None))
        number = max([number, *(w + 1 for term in terms for w in term.words)])
    return found | _birth_rows(base, person) | _pair_rows(base, person, every)


def name_token_rows(person: Person) -> list[NameToken]:
    """The person's tokens as unsaved rows (decrypts the name fields and the birth date)."""
    base = hmac_for(person.organization_id)
    return [
        NameToken(
            organization_id=person.organization_id,
            person=person,
            kind=kind,
            token=token,
            word_mask=mask,
            grams=grams,
        )
        for kind, token, mask, grams in sorted(
            person_rows(base, person), key=lambda row: (row[0], row[1], row[2])
        )
    ]


def name_tokens_refresh(person: Person) -> None:
    """Replace the person's tokens; call after the person is created, or a name or the birth
    date changes."""
    rows = name_token_rows(person)
    with transaction.atomic():
        NameToken.objects.filter(person_id=person.pk).delete()
        NameToken.objects.bulk_create(rows)


def _batches(organization_id: int) -> Iterator[list[Person]]:
    rows = (
        Person.unscoped.filter(organization_id=organization_id)  # soft-deleted ones too
        .only("uuid", "organization", "birth_precision", "date_of_birth", *NAME_FIELDS)
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(rows.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        yield batch
        last_pk = batch[-1].pk


def rebuild_organization_tokens(organization_id: int) -> int:
    """Recompute every token of the organization with its active key. Returns people done.

    Key rotation calls it (see `salvaguarda.core.rotation.AFTER_ORGANIZATION_ROTATION`), and
    so does the migration that changed the terms.
    """
    count = 0
    with organization_scope(organization_id):
        NameToken.objects.filter(organization_id=organization_id).delete()
        for batch in _batches(organization_id):
            rows = [row for person in batch for row in name_token_rows(person)]
            NameToken.objects.bulk_create(rows, batch_size=1000)
            count += len(batch)
    upkeep.database_optimize()  # the token table was made again: fresh planner statistics
    return count
