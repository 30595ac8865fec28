"""The fine ranking of a search's candidates, and the cut-off between good and weak matches.

The candidate statement (`candidates`) brings the best few hundred people by a coarse score;
each of them is then scored from all of its own tokens (read through the index on person):
- each query word counts its weight, by rarity: log(1,000,000 / people with the word), at
  least 1 ("Hernández" counts less than "Xicará"), times how well it matched the best of the
  person's words still free: exactly 1; a nickname or the full name of one 0.85; by sound
  0.55-0.95 and as a typo neighbour 0.35-0.75, by how many letter pairs the two spellings
  share (the keyed `grams`); by letter pairs alone, from 40 % shared ("Garkia" ~ "García");
  an initial 0.4. A query term written together counts for every word it joins.
- each of the person's words that no query word matched costs 10 % of the average weight
  (the person sought has no word the caseworker did not say, a namesake often has);
- a birth date given in the search adds, in the same unit: the same date 1.5, day and month
  the other way round 1.0, the same month 0.9, the same year 0.8, one year off 0.4, more than
  two years off -0.5 (an estimated date or an age is given two years), nothing when the
  person's date is unknown. It ranks; it never filters.
People are ordered by score, then newest first. A match scoring under `CUT_OFF` of the best
one's is weak: shown as "other possible matches", under the page, not on it.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from salvaguarda.people.models import NameToken, Person
from salvaguarda.people.search import candidates as c
from salvaguarda.people.search import terms as t
from salvaguarda.people.search.query import (
    PHONETIC_SCORE,
    BirthQuery,
    Query,
    QueryTerm,
    parse_query,
)

POOL = 120  # candidates ranked finely
BIRTH_POOL = 1000  # candidates looked through for people born near the year sought
CUT_OFF = 0.7
WEAK_SHOWN = 20
UNMATCHED_WORD = 0.1
REFERENCE_PEOPLE = 1_000_000

EXACT = 1.0
ALIAS = 0.85
INITIAL = 0.4
MIN_SHARED = 0.4  # share of letter pairs below which two spellings do not match

BIRTH_SAME_DATE = 1.5
BIRTH_SWAPPED = 1.0
BIRTH_SAME_MONTH = 0.9
BIRTH_SAME_YEAR = 0.8
BIRTH_YEAR_OFF = 0.4
BIRTH_FAR = -0.5
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
    estimated: bool = False


def _people(organization_id: int, ids: list[int]) -> dict[int, _Person]:
    people = {pk: _Person() for pk in ids}
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        # Through the index on person ("+" keeps SQLite off the organization's index).
        cursor.execute(
            "SELECT person_id, kind, token, word_mask, grams FROM people_nametoken"  # noqa: S608
            f" WHERE person_id IN ({marks}) AND +organization_id = %s",
            [*ids, organization_id],
        )
        rows = cursor.fetchall()
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
    estimated = (Person.BirthPrecision.ESTIMATED, Person.BirthPrecision.YEAR)
    for pk, year, precision in Person.unscoped.filter(pk__in=ids).values_list(
        "pk", "birth_year", "birth_precision"
    ):
        people[pk].birth_year = year
        people[pk].estimated = precision in estimated
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
                yield 0.35 + 0.4 * _shared(term.grams, person.grams.get(mask, 0)), mask
    if term.joined:
        return
    for mask, grams in person.grams.items():
        if term.initial is not None:
            if grams & term.initial:
                yield INITIAL, mask
            continue
        shared = _shared(term.grams, grams)
        if shared >= MIN_SHARED:
            yield min(shared - 0.05, 0.8), mask
    if len(term.text) > 1:  # the person's word is an initial of it
        for mask in person.exact.get(term.first_letter, ()):
            yield INITIAL, mask


def _name_score(query: Query, weights: list[float], person: _Person) -> tuple[float, int]:
    """The weighted score of the name and the person's words left unmatched."""
    found: list[tuple[float, tuple[int, ...], int]] = []
    for term in query.terms:
        weight = sum(weights[w] for w in term.words)
        best: dict[int, float] = {}
        for level, mask in _matches(term, person):
            if level > best.get(mask, 0.0):
                best[mask] = level
        found.extend((level * weight, term.words, mask) for mask, level in best.items())
    found.sort(key=lambda item: -item[0])
    used_words: set[int] = set()
    used_mask = 0
    score = 0.0
    for value, words, mask in found:
        if used_words.intersection(words) or used_mask & mask:
            continue
        used_words.update(words)
        used_mask |= mask
        score += value
    return score, (person.words & ~used_mask).bit_count()


def _birth_score(birth: BirthQuery, person: _Person, birth_tokens: dict[int, float]) -> float:
    matched = max(
        (birth_tokens[token] for token in person.birth if token in birth_tokens), default=0.0
    )
    if person.birth_year is None:
        return matched
    off = abs(person.birth_year - birth.year)
    slack = ESTIMATED_SLACK if person.estimated or birth.approximate else 0
    if off == 0:
        by_year = BIRTH_SAME_YEAR
    elif off <= 1 + slack:
        by_year = BIRTH_YEAR_OFF
    elif off > ESTIMATED_SLACK + slack:
        by_year = BIRTH_FAR
    else:
        by_year = 0.0
    return max(matched, by_year) if matched else by_year


def _weights(query: Query, plan: dict[int, c.ListInfo]) -> list[float]:
    """Each query word's weight: the rarer, the more it counts."""
    weights: list[float] = []
    for word in range(query.words):
        sizes = [
            plan[token].estimate()
            for token, w, score in query.tokens
            if w == word and score >= PHONETIC_SCORE and token in plan
        ]
        # Found only as a typo neighbour: likely a misspelling of the commonest neighbour.
        near = [
            plan[token].estimate() for token, w, _ in query.tokens if w == word and token in plan
        ]
        people = min(sizes) if sizes else max(near, default=1.0)
        weights.append(max(1.0, math.log(REFERENCE_PEOPLE / (people + 1))))
    return weights


def _birth_tokens(organization_id: int, birth: BirthQuery) -> dict[int, float]:
    base = t.hmac_for(organization_id)
    values = {3: BIRTH_SAME_DATE, 2: BIRTH_SWAPPED, 1: BIRTH_SAME_MONTH}
    return {t.birth_hash(base, value): values[score] for value, score in birth.keys()}


def _born_near(further: list[int], count: int, birth: BirthQuery) -> list[int]:
    """The first `count` of the candidates beyond the pool born near the year sought: among
    many namesakes, the person sought may match fewer words than others (a surname left out)
    and be older than the newest of them."""
    slack = ESTIMATED_SLACK + 1
    near = set(
        Person.unscoped.filter(
            pk__in=further, birth_year__range=(birth.year - slack, birth.year + slack)
        ).values_list("pk", flat=True)
    )
    return [pk for pk in further if pk in near][:count]


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
    wanted = max(pool, BIRTH_POOL) if birth is not None else pool
    ids = c.candidate_ids(organization_id, query, plan, candidates, wanted)
    if len(ids) > pool and birth is not None:
        ids = ids[:pool] + _born_near(ids[pool:], pool // 2, birth)
    if not ids:
        return Ranking([], [])
    weights = _weights(query, plan)
    unit = sum(weights) / len(weights) if weights else 1.0
    birth_tokens = _birth_tokens(organization_id, birth) if birth else {}
    scores: dict[int, float] = {}
    for pk, person in _people(organization_id, ids).items():
        name, unmatched = _name_score(query, weights, person)
        score = name - UNMATCHED_WORD * unit * unmatched
        if birth is not None:
            score += unit * _birth_score(birth, person, birth_tokens)
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
