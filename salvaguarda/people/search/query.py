"""What a search looks for: the query's words and birth date, turned into keyed hashes.

Each query word is looked for by its exact hash, its phonetic hash, the phonetic hashes of every
key at edit distance 1 from its key (not for joined terms: "josepaz", JSPS, is one code away
from "Jesús", JSS), and, when it is a nickname or the full name of one, the hashes of the full
names and aliases ("Pepe" finds "José", "José" finds "Pepe"). The candidate statement scores
these 3, 2, 1 and 2; the ranking then grades them finely (see `ranking`).
"""

import datetime
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salvaguarda.lib.normalize import fold_text
from salvaguarda.lib.phonetics import spanish_key
from salvaguarda.people.search import terms as t

EXACT_SCORE = 3
PHONETIC_SCORE = 2
ALIAS_SCORE = 2
NEAR_SCORE = 1
MIN_NEAR_KEY = 2  # keys of one code ("R") have too many neighbours to mean anything
# Keys of two codes have many neighbours that are common names (RS: Ríos, Ruiz, Reyes, Rosa):
# their neighbours are looked for only when the word itself is found nowhere ("Reys").
SHORT_KEY = 3
BIRTH_WORD = t.MAX_QUERY_WORDS  # the position of the birth date among the query's words

OLDEST_AGE = 120
UNREADABLE_BIRTH = _("Write a date as day/month/year (12/03/1985), a year (1985) or an age (38).")


@dataclass(frozen=True)
class BirthQuery:
    """A birth date as given in a search: a year, maybe a month and a day; `approximate` when
    the year was worked out from an age."""

    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False

    def keys(self) -> list[tuple[str, str, int]]:
        """The birth-token values looked for: (value, what agrees, score in the candidate
        statement). A day and month may be written the other way round, and a year mistyped."""
        year, month, day = self.year, self.month, self.day
        found: list[tuple[str, str, int]] = []
        if month and day:
            found += [(f"d:{year:04d}-{month:02d}-{day:02d}", "date", EXACT_SCORE)]
            found += [(f"dm:{month:02d}-{day:02d}", "day", PHONETIC_SCORE)]
            if day != month and day <= 12:
                found += [(f"d:{year:04d}-{day:02d}-{month:02d}", "swapped", PHONETIC_SCORE)]
                found += [(f"dm:{day:02d}-{month:02d}", "day_swapped", NEAR_SCORE)]
        if month:
            found += [(f"m:{year:04d}-{month:02d}", "month", PHONETIC_SCORE)]
        slack = 2 if self.approximate else 1
        found += [(f"y:{year:04d}", "year", PHONETIC_SCORE if not month else NEAR_SCORE)]
        found += [
            (f"y:{year + off:04d}", "year_near", NEAR_SCORE)
            for off in range(-slack, slack + 1)
            if off
        ]
        return found


_DATE_DMY = re.compile(r"^(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\- ](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_AGE = re.compile(r"^(\d{1,3})\s*(anos|ano|a|years|year|yrs|y)?$")


def parse_birth(text: str, today: datetime.date | None = None) -> BirthQuery | None:
    """A birth date, month and year, year, or age as a caseworker types it; None if unreadable.

    Day first, as written in Mexico and Central America ("12/03/1985"); a month over 12 with a
    day of 12 or less is read the other way round ("03/25/1985"). A two-digit year is the
    latest one not in the future. An age gives an approximate year.
    """
    today = today or timezone.localdate()
    raw = text.strip().casefold()
    value = raw if re.search(r"\d[/.\-]\d", raw) else fold_text(raw)
    if match := _DATE_ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DATE_DMY.match(value):
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000 if 2000 + year <= today.year else 1900
    elif match := _MONTH_YEAR.match(value):
        month, year, day = int(match.group(1)), int(match.group(2)), 0
    elif match := _YEAR.match(value):
        year, month, day = int(match.group(1)), 0, 0
    elif match := _AGE.match(value):
        age = int(match.group(1))
        if age > OLDEST_AGE:
            return None
        return BirthQuery(year=today.year - age, approximate=True)
    else:
        return None
    if month > 12 and 1 <= day <= 12:
        day, month = month, day
    if not today.year - OLDEST_AGE <= year <= today.year or month > 12:
        return None
    if day:
        try:
            datetime.date(year, month, day)
        except ValueError:
            return None
    return BirthQuery(year=year, month=month or None, day=day or None)


@dataclass
class QueryTerm:
    """One term of the query with what it is looked for by, for the fine ranking."""

    text: str
    words: tuple[int, ...]
    joined: bool
    exact: int
    phonetic: int | None
    near: frozenset[int]
    aliases: frozenset[int]  # exact and alias hashes of the full names it may stand for
    grams: int
    initial: int | None  # for a single letter: the bit of words starting with it
    first_letter: int  # exact hash of its first letter (an initial of a person's name)
    start: int  # the bit of `grams` of words starting with its first letter


@dataclass
class Query:
    """The hashes looked for: (hash, query word position, score), best score per pair."""

    tokens: list[tuple[int, int, int]]
    # exact hash -> phonetic hash of the same term: whoever has the first has the second.
    covered_by: dict[int, int]
    terms: list[QueryTerm] = field(default_factory=list)
    words: int = 0  # how many query words
    birth: BirthQuery | None = None
    # Typo neighbours of short keys, looked for only for words found nowhere (`SHORT_KEY`).
    spare: list[tuple[int, int, int]] = field(default_factory=list)
    # Pair hashes (see `terms`): (hash, group, weight); a group is two query words, or a word
    # and the birth year searched.
    pairs: list[tuple[int, int, int]] = field(default_factory=list)

    def single_terms(self) -> list[QueryTerm]:
        """The terms of one word each (not two words or particles joined)."""
        return [term for term in self.terms if not term.joined]

    def words_found(self, found: Iterable[int]) -> set[int]:
        """The query words with a hash, at their exact or phonetic level, among `found`."""
        hashes = set(found)
        return {w for token, w, score in self.tokens if score >= PHONETIC_SCORE and token in hashes}


def parse_query(organization_id: int, text: str, birth: BirthQuery | None = None) -> Query:
    """The hashes to look for, keyed for the organization (no tokens if nothing is
    searchable: a birth date alone is not a search)."""
    base = t.hmac_for(organization_id)
    best: dict[tuple[int, int], int] = {}
    covered_by: dict[int, int] = {}

    def add(hashes: frozenset[int] | list[int], words: tuple[int, ...], score: int) -> None:
        for token in hashes:
            for word in words:
                if best.get((token, word), 0) < score:
                    best[(token, word)] = score

    terms: list[QueryTerm] = []
    spare: list[tuple[int, int, int]] = []
    # Numbered as a person's words are: a word said twice ("Hernández Hernández") stands for
    # two of the person's words, not one.
    said = [term for term in t.terms_of(text) if max(term.words) < t.MAX_QUERY_WORDS]
    for term in said:
        exact = t.exact_hash(base, term.text)
        add([exact], term.words, EXACT_SCORE)
        key = spanish_key(term.text) if len(term.text) > 1 else ""
        phonetic = t.phonetic_hash(base, key) if key else None
        near: frozenset[int] = frozenset()
        if phonetic is not None:
            covered_by[exact] = phonetic
            add([phonetic], term.words, PHONETIC_SCORE)
            if len(key) >= MIN_NEAR_KEY and not term.joined:
                near = t.near_hashes(base, key)
                if len(key) >= SHORT_KEY:
                    add(near, term.words, NEAR_SCORE)
                else:
                    spare.extend((token, word, NEAR_SCORE) for token in near for word in term.words)
        aliases: frozenset[int] = frozenset()
        if not term.joined:
            names = t.full_names_of(term.text)
            aliases = frozenset(
                {t.alias_hash(base, term.text)}
                | {t.alias_hash(base, name) for name in names}
                | {t.exact_hash(base, name) for name in names}
            )
            add(aliases, term.words, ALIAS_SCORE)
        terms.append(
            QueryTerm(
                text=term.text,
                words=term.words,
                joined=term.joined,
                exact=exact,
                phonetic=phonetic,
                near=near,
                aliases=aliases,
                grams=0 if term.joined else t.grams_of(base, term.text),
                initial=t.start_bit(base, term.text) if len(term.text) == 1 else None,
                first_letter=t.exact_hash(base, term.text[0]),
                start=t.start_bit(base, term.text[0]),
            )
        )
    tokens = [(token, word, score) for (token, word), score in best.items()]
    if tokens and birth is not None:
        for value, _agrees, score in birth.keys():
            tokens.append((t.birth_hash(base, value), BIRTH_WORD, score))
    pairs = pair_hashes(base, t.word_keys(said), birth)
    words = 1 + max((w for term in said for w in term.words), default=-1)
    return Query(tokens, covered_by, terms, words, birth, spare, pairs)


PAIR_WEIGHT = 2  # two words, or a word and the year searched
NEAR_YEAR_WEIGHT = 1  # a word and a year next to it
# The date searched (or with day and month the other way round): about 1 person in 20,000
# has it, so whoever has it is always brought, even with the name misspelt beyond its pairs.
DATE_WEIGHT = 5


def pair_hashes(
    base: "hmac.HMAC", keys: dict[tuple[int, ...], set[str]], birth: BirthQuery | None
) -> list[tuple[int, int, int]]:
    """The pair hashes of a query (`terms.key_pairs`): every two of its words (two words
    written together count as one), and each word with the year searched and those next to
    it, and the birth date searched (`DATE_WEIGHT`). A group is the set of query words
    covered, as bits (the year: bit BIRTH_WORD; the date: the bit after it)."""
    found: dict[tuple[int, int], int] = {}
    for one, other, a, b in t.key_pairs(keys):
        group = sum(1 << w for w in {*one, *other})
        found[(t.pair_hash(base, a, b), group)] = PAIR_WEIGHT
    if birth is not None:
        slack = 2 if birth.approximate else 1
        for positions, words in keys.items():
            group = sum(1 << w for w in positions) | 1 << BIRTH_WORD
            for key in words:
                for year in range(birth.year - slack, birth.year + slack + 1):
                    weight = PAIR_WEIGHT if year == birth.year else NEAR_YEAR_WEIGHT
                    token = t.pair_hash(base, key, f"y:{year:04d}")
                    found[(token, group)] = max(found.get((token, group), 0), weight)
    if birth is not None and birth.month and birth.day:
        date = 1 << (BIRTH_WORD + 1)
        for value, agrees, _score in birth.keys():
            if agrees in ("date", "swapped"):
                token = t.birth_hash(base, value)
                found[(token, date)] = DATE_WEIGHT - (agrees == "swapped")
    return [(token, group, weight) for (token, group), weight in found.items()]
