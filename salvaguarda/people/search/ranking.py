"""The fine ranking of a search's candidates, and the cut-off between good and weak matches.

The candidate statement (`candidates`) brings the best `POOL` people by a coarse score (the
birth date counts there as one more word: its year, date, day and month hashes); each of them
is then scored from all of its own tokens (read through the index on person). Scores are
log-odds, as in probabilistic record linkage (Fellegi and Sunter): how much more
likely an agreement is for the person sought than for anyone else of the organization.
- each query word counts its weight, by rarity: log(people / people with the word), at least
  0.5 ("Hernández" counts less than "Xicará"), times how well it matched the best of the
  person's words still free: exactly 1; a nickname or the full name of one 0.85; by sound
  0.55-0.95 and as a typo neighbour 0.35-0.75, by how many letter pairs the two spellings
  share (the keyed `grams`; a neighbour sharing under 30 % is no match: "Luis" is one sound
  away from "López"); by letter pairs alone 0.45-0.7, from 60 % shared and the same first
  letter ("Garkia" ~ "García", "Reys" ~ "Reyes"; under it, and with another first letter,
  unrelated words meet through collisions of the 64 keyed bits: "Lopez" and "Gloria" may seem
  to share 45 %, and "López" and "Gómez" 67 % under one organization's key in about fifty);
  an initial 0.4. A query term written together counts for every word it joins.
- each of the person's words that no query word matched costs `UNMATCHED_WORD` (the person
  sought has no word the caseworker did not say; a namesake often has); two or more words
  matched in the order typed add `IN_ORDER`, and each two typed one after the other that
  follow each other in the person's name `ADJACENT` times the weaker of their two matches (a
  surname left out is most often the second one);
- a birth date given in the search adds, when both dates are exact: the same date 8; day and
  month the other way round, or the same day with the year one off, 6; the same month 3; the
  same year 1; more than a year off -2.5. When a month is the most both know: the same month
  5.5. Otherwise by year: the same 3.5 (about 1 in 40 people share a year of birth), one off
  1.5, more than two off -2.5 (an estimated date or an age is given two years more). Nothing
  when the person's date is unknown. It ranks; it never filters.
People are ordered by score, then newest first. A match scoring under `CUT_OFF` of the best
one's is weak: shown as "other possible matches", under the page, not on it.
"""

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from salvaguarda.people.models import NameToken, Person
from salvaguarda.people.search import candidates as c
from salvaguarda.people.search import terms as t
from salvaguarda.people.search.query import (
    BirthQuery,
    Query,
    QueryTerm,
    parse_query,
)

POOL = 120  # candidates ranked finely
CUT_OFF = 0.6
WEAK_SHOWN = 20
UNMATCHED_WORD = 0.6
IN_ORDER = 0.5  # the words matched come in the order typed ("García Martínez" is not
# "Martínez García": surnames are swapped in a few searches only)
ADJACENT = 0.3  # two words typed one after the other follow each other in the person's name
MIN_WEIGHT = 0.5  # a word everybody has still counts a little
PEOPLE_COUNT_SECONDS = 600  # how long an organization's head count is reused

EXACT = 1.0
ALIAS = 0.85
INITIAL = 0.4
MIN_SHARED = 0.6  # share of letter pairs below which two spellings do not match
NEAR_SHARED = 0.3  # a typo neighbour by sound must share this much too ("Luis" is not "López")

# Birth-date agreement (log-odds). Two exact dates:
BIRTH_SAME_DATE = 8.0
BIRTH_SWAPPED = 6.0  # day and month the other way round, or the year one off with the same day
BIRTH_SAME_MONTH_OTHER_DAY = 3.0
BIRTH_SAME_YEAR_OTHER_DAY = 1.0
# Two months (the day of one is unknown):
BIRTH_SAME_MONTH = 5.5
# A year, an age or an estimated date on either side:
BIRTH_SAME_YEAR = 3.5
BIRTH_YEAR_OFF = 1.5
BIRTH_FAR = -2.5

_people_counts: dict[tuple[int, int | None, int | None], tuple[float, int]] = {}
ESTIMATED_SLACK = 2


@dataclass
class Ranking:
    """Person ids, best first: the good matches, then the weak ones (see `CUT_OFF`)."""

    strong: list[int]
    weak: list[int]
    scores: dict[int, float] = field(default_factory=dict)


@dataclass
class _Person:
    """A candidate's tokens, by what they are looked up with."""

    exact: dict[int, list[int]] = field(default_factory=dict)  # hash -> word masks
    phonetic: dict[int, list[int]] = field(default_factory=dict)
    alias: dict[int, list[int]] = field(default_factory=dict)
    grams: dict[int, int] = field(default_factory=dict)  # single word's mask -> its grams
    birth: set[int] = field(default_factory=set)
    words: int = 0  # every word's bit
    birth_year: int | None = None
    estimated: bool = False  # a year only, or estimated from an age
    exact_date: bool = False
    month_known: bool = False


def _people(organization_id: int, ids: list[int]) -> dict[int, _Person]:
    """The candidates' tokens (not their pairs, which only bring candidates) and birth
    precision, in two statements of plain SQL (through the ORM, a thousand parameters cost
    more than the reading)."""
    people = {pk: _Person() for pk in ids}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        # Through the index on person ("+" keeps SQLite off the organization's index).
        cursor.execute(
            "SELECT person_id, kind, token, word_mask, grams FROM people_nametoken"  # noqa: S608
            f" WHERE person_id IN ({marks}) AND +organization_id = %s AND kind <> %s",
            [*ids, organization_id, NameToken.Kind.PAIR],
        )
        rows = cursor.fetchall()
        cursor.execute(
            "SELECT id, birth_year, birth_precision FROM people_person"  # noqa: S608
            f" WHERE id IN ({marks}) AND organization_id = %s",
            [*ids, organization_id],
        )
        births = cursor.fetchall()
    for pk, kind, token, mask, grams in rows:
        person = people[pk]
        if kind == NameToken.Kind.EXACT:
            person.exact.setdefault(token, []).append(mask)
            person.words |= mask
            if grams is not None:
                person.grams[mask] = t.unsigned(grams)
        elif kind == NameToken.Kind.PHONETIC:
            person.phonetic.setdefault(token, []).append(mask)
        elif kind == NameToken.Kind.ALIAS:
            person.alias.setdefault(token, []).append(mask)
        elif kind == NameToken.Kind.BIRTH:
            person.birth.add(token)
    precisions = Person.BirthPrecision
    for pk, year, precision in births:
        person = people[pk]
        person.birth_year = year
        person.estimated = precision in (precisions.ESTIMATED, precisions.YEAR)
        person.exact_date = precision == precisions.EXACT
        person.month_known = precision in (precisions.EXACT, precisions.MONTH)
    return people


def _shared(a: int, b: int) -> float:
    """Dice coefficient of two `grams`: the share of letter pairs the spellings have in common."""
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


def _matches(term: QueryTerm, person: _Person) -> Iterable[tuple[float, int]]:
    """(level, the person's word mask) of every way the term matches the person."""
    for mask in person.exact.get(term.exact, ()):
        yield EXACT, mask
    # A person has a few tokens, a query term many: look the person's up in the term's.
    if term.aliases:
        for table in (person.alias, person.exact):
            for token, masks in table.items():
                if token in term.aliases:
                    for mask in masks:
                        yield ALIAS, mask
    for token, masks in person.phonetic.items():
        if token == term.phonetic:
            for mask in masks:
                yield 0.55 + 0.4 * _shared(term.grams, person.grams.get(mask, 0)), mask
        elif token in term.near:
            for mask in masks:
                shared = _shared(term.grams, person.grams.get(mask, 0))
                if shared >= NEAR_SHARED:
                    yield 0.35 + 0.4 * shared, mask
    if term.joined:
        return
    for mask, grams in person.grams.items():
        if term.initial is not None:
            if grams & term.initial:
                yield INITIAL, mask
            continue
        shared = _shared(term.grams, grams)
        if shared >= MIN_SHARED and grams & term.start:
            yield min(shared - 0.15, 0.7), mask
    if len(term.text) > 1:  # the person's word is an initial of it
        for mask in person.exact.get(term.first_letter, ()):
            yield INITIAL, mask


def _name_score(query: Query, weights: list[float], person: _Person) -> tuple[float, int]:
    """The weighted score of the name and the person's words left unmatched."""
    found: list[tuple[float, tuple[int, ...], int, float]] = []
    for term in query.terms:
        weight = sum(weights[w] for w in term.words)
        best: dict[int, float] = {}
        for level, mask in _matches(term, person):
            if level > best.get(mask, 0.0):
                best[mask] = level
        found.extend((level * weight, term.words, mask, level) for mask, level in best.items())
    found.sort(key=lambda item: -item[0])
    used_words: set[int] = set()
    used_mask = 0
    score = 0.0
    # (first query word, the person's word mask, how well it matched)
    chosen: list[tuple[int, int, float]] = []
    for value, words, mask, level in found:
        if used_words.intersection(words) or used_mask & mask:
            continue
        used_words.update(words)
        used_mask |= mask
        score += value
        chosen.append((min(words), mask, level))
    if len(chosen) > 1:
        chosen.sort()
        lowest = [mask & -mask for _word, mask, _level in chosen]
        if all(a < b for a, b in zip(lowest, lowest[1:], strict=False)):
            score += IN_ORDER
        # Words typed one after the other that follow each other in the person's name too
        # ("Kevin Machado" for Kevin Machado Cruz rather than Kevin Lobo Machado), as much as
        # the weaker of the two matched.
        for (word, mask, level), (next_word, next_mask, next_level) in zip(
            chosen, chosen[1:], strict=False
        ):
            if next_word == word + 1 and next_mask & -next_mask == (mask & -mask) << 1:
                score += ADJACENT * min(level, next_level)
    return score, (person.words & ~used_mask).bit_count()


def _birth_score(birth: BirthQuery, person: _Person, birth_tokens: dict[int, str]) -> float:
    """How much the person's birth date agrees with the one searched (log-odds, see above)."""
    if person.birth_year is None:
        return 0.0
    agrees = {birth_tokens[token] for token in person.birth if token in birth_tokens}
    off = abs(person.birth_year - birth.year)
    if birth.day and person.exact_date:  # two exact dates
        if "date" in agrees:
            return BIRTH_SAME_DATE
        if "swapped" in agrees or ("day" in agrees and off <= 1):
            return BIRTH_SWAPPED  # day and month the other way round, or the year mistyped
        if "month" in agrees or ("day_swapped" in agrees and off <= 1):
            return BIRTH_SAME_MONTH_OTHER_DAY
        return BIRTH_SAME_YEAR_OTHER_DAY if off == 0 else 0.0 if off == 1 else BIRTH_FAR
    if birth.month and person.month_known:  # two months
        if "month" in agrees:
            return BIRTH_SAME_MONTH
        return BIRTH_SAME_YEAR_OTHER_DAY if off == 0 else 0.0 if off == 1 else BIRTH_FAR
    slack = ESTIMATED_SLACK if person.estimated or birth.approximate else 0
    if off == 0:
        return BIRTH_SAME_YEAR
    if off <= 1 + slack:
        return BIRTH_YEAR_OFF
    return 0.0 if off <= ESTIMATED_SLACK + slack else BIRTH_FAR


def _people_count(organization_id: int) -> int:
    """How many people the organization has: counted again every few minutes, or as soon as
    its first or newest person changes (two lookups in an index; counting a million rows at
    every search would cost more than the search)."""
    people = Person.unscoped.filter(organization_id=organization_id).values_list("id", flat=True)
    key = (organization_id, people.order_by("id").first(), people.order_by("-id").first())
    now = time.monotonic()
    cached = _people_counts.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    for stale in [k for k, (expires, _) in _people_counts.items() if expires <= now]:
        del _people_counts[stale]
    count = people.count()
    _people_counts[key] = (now + PEOPLE_COUNT_SECONDS, count)
    return count


def _weights(query: Query, plan: dict[int, c.ListInfo], people: int) -> list[float]:
    """Each query word's weight: the rarer, the more it counts (log(people / people with the
    word), from the word's own lists, not those of words joined to it)."""
    weights: list[float] = []
    for word in range(query.words):
        own = [term for term in query.single_terms() if term.words == (word,)]
        hashes = {term.exact for term in own} | {term.phonetic for term in own if term.phonetic}
        sizes = [plan[token].estimate() for token in hashes if token in plan]
        # Found only as a typo neighbour: likely a misspelling of the commonest neighbour.
        near = [plan[token].estimate() for term in own for token in term.near if token in plan]
        having = min(sizes) if sizes else max(near, default=1.0)
        weights.append(max(MIN_WEIGHT, math.log((people + 1) / (having + 1))))
    return weights


def _birth_tokens(organization_id: int, birth: BirthQuery) -> dict[int, str]:
    """The birth hashes searched, and what agrees when a person has one."""
    base = t.hmac_for(organization_id)
    return {t.birth_hash(base, value): agrees for value, agrees, _score in birth.keys()}


def search_persons(
    *,
    organization_id: int,
    text: str,
    birth: BirthQuery | None = None,
    candidates: QuerySet[Person] | None = None,
    pool: int = POOL,
) -> Ranking:
    """The organization's people whose names best match `text` (and birth date, when given),
    best first, split at the cut-off. `candidates` (already scoped and filtered) restricts the
    result to its people. Soft-deleted people are never returned; an empty or unsearchable
    text finds nobody."""
    query = parse_query(organization_id, text, birth)
    if not query.tokens:
        return Ranking([], [])
    plan = c.plan_for(organization_id, query)
    found = query.words_found(plan)
    spare = [row for row in query.spare if row[1] not in found and row[1] < query.words]
    if spare:
        query.tokens += spare
        plan |= c.plan_for(organization_id, Query(spare, {}))
    ids = c.candidate_ids(organization_id, query, plan, candidates, pool)
    known = set(ids)
    paired = c.pair_candidate_ids(organization_id, query, candidates)
    ids += [pk for pk in paired if pk not in known]
    if not ids:
        return Ranking([], [])
    weights = _weights(query, plan, _people_count(organization_id))
    birth_tokens = _birth_tokens(organization_id, birth) if birth else {}
    scores: dict[int, float] = {}
    for pk, person in _people(organization_id, ids).items():
        name, unmatched = _name_score(query, weights, person)
        score = name - UNMATCHED_WORD * unmatched
        if birth is not None:
            score += _birth_score(birth, person, birth_tokens)
        scores[pk] = score
    order = sorted(scores, key=lambda pk: (-scores[pk], -pk))
    best = scores[order[0]]
    bar = CUT_OFF * best if best > 0 else best
    strong = [pk for pk in order if scores[pk] >= bar]
    weak = [pk for pk in order if scores[pk] < bar]
    return Ranking(strong, weak, scores)


def rank_persons(
    *,
    organization_id: int,
    text: str,
    birth: BirthQuery | None = None,
    candidates: QuerySet[Person] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[int]:
    """Ids of the organization's people whose names best match `text`, best first (the good
    matches, then the weak ones), `limit` from `offset`."""
    if limit <= 0 or offset < 0:
        return []
    ranking = search_persons(
        organization_id=organization_id,
        text=text,
        birth=birth,
        candidates=candidates,
        pool=max(POOL, offset + limit),
    )
    return (ranking.strong + ranking.weak)[offset : offset + limit]
