"""Name search over encrypted names, through blind-index tokens (never by decrypting rows).

Each person has rows in `NameToken`: for every name term, a keyed hash of the term (EXACT)
and a keyed hash of its Spanish phonetic key (PHONETIC, see `salvaguarda.lib.phonetics`).
The terms of a name field (after `fold_text`) are its words, minus particles ("de", "la", ...)
and single letters; a run of particles joined to the next word ("de la Cruz" -> "delacruz");
and two adjacent words joined ("Jean-Baptiste" -> "jeanbaptiste"), so that names written
together or apart still meet.

A query is split the same way. Each query word is looked for by its exact hash (score 3), its
phonetic hash (2) and the phonetic hashes of every key at edit distance 1 from its key (1; for
keys of 4 codes or more, and not for joined terms), which absorbs most one-letter typos. A
joined query term counts for the words it joins. A person scores, per query word, the best
level found; people are ranked by how many query words they match, then by the sum of those
scores, then newest first. The ranking is one SQL statement over the `nametoken_lookup` index
(after a small planning query); see "ranking" below for how it stays fast at a million people.

Hashes are HMAC-SHA-256 truncated to 64 bits (signed, to fit a BIGINT), keyed with a sub-key
of the organization's active data key: tokens of two organizations never compare, and they
are rebuilt when the key is rotated (`rebuild_organization_tokens`). Changing the terms or the
phonetic rules also needs a rebuild of every organization's tokens.
"""

import hashlib
import hmac
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import QuerySet

from salvaguarda.core import keys
from salvaguarda.core.scoping import organization_scope
from salvaguarda.lib import crypto
from salvaguarda.lib.normalize import fold_text
from salvaguarda.lib.phonetics import edit_variants, spanish_key
from salvaguarda.people.models import NameToken, Person

NAME_FIELDS = ("given_names", "first_surname", "second_surname", "other_names")
# Joining words of names, not names themselves. "san", "santa", "saint" stay: they are real
# given names too, and "Saint-Fleur" also gives "saintfleur".
PARTICLES = frozenset({"de", "del", "la", "las", "los", "da", "das", "do", "dos", "di", "du"})
MIN_WORD = 2  # single letters (initials) are not searchable
MAX_QUERY_WORDS = 8
MIN_NEAR_KEY = 4  # shorter phonetic keys have too many neighbours (GRS: Cruz, Gómez, Rosa)

EXACT_SCORE = 3
PHONETIC_SCORE = 2
NEAR_SCORE = 1

DERIVATION = "name-token"
_EXACT = b"exact:"
_PHONETIC = b"phonetic:"
BATCH_SIZE = 500

_hmac_by_key: dict[str, tuple[float, "hmac.HMAC"]] = {}


# --- terms and hashes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A searchable string and the positions of the query words it stands for."""

    text: str
    words: tuple[int, ...]
    joined: bool = False  # made of two words, or of particles and a word


def _terms(text: str, positions: dict[str, int] | None = None) -> list[Term]:
    """The terms of one name field, or of a query when `positions` is given.

    For a query, `positions` collects each distinct word's position (at most MAX_QUERY_WORDS)
    and each term says which positions it covers.
    """
    terms: list[Term] = []
    particles: list[str] = []
    previous: str | None = None
    for word in fold_text(text).split():
        if word in PARTICLES:
            particles.append(word)
            previous = None
            continue
        if len(word) < MIN_WORD:
            particles, previous = [], None
            continue
        if positions is None:
            here: tuple[int, ...] = ()
        elif word in positions:
            here = (positions[word],)
        elif len(positions) < MAX_QUERY_WORDS:
            positions[word] = len(positions)
            here = (positions[word],)
        else:
            break
        terms.append(Term(word, here))
        if particles:
            terms.append(Term("".join(particles) + word, here, joined=True))
        if previous is not None:
            before = () if positions is None else (positions[previous],)
            terms.append(Term(previous + word, tuple(sorted(set(before + here))), joined=True))
        particles, previous = [], word
    return terms


def _hmac_for(organization_id: int) -> "hmac.HMAC":
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


def _hash(base: "hmac.HMAC", prefix: bytes, value: str) -> int:
    mac = base.copy()
    mac.update(prefix + value.encode("utf-8"))
    return int.from_bytes(mac.digest()[:8], "big", signed=True)


# --- writing tokens -----------------------------------------------------------------------


def _person_hashes(base: "hmac.HMAC", person: Person) -> set[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    for field in NAME_FIELDS:
        value = getattr(person, field)
        if not value:
            continue
        for term in _terms(str(value)):
            found.add((NameToken.Kind.EXACT, _hash(base, _EXACT, term.text)))
            key = spanish_key(term.text)
            if key:
                found.add((NameToken.Kind.PHONETIC, _hash(base, _PHONETIC, key)))
    return found


def name_token_rows(person: Person) -> list[NameToken]:
    """The person's tokens as unsaved rows (decrypts the name fields)."""
    base = _hmac_for(person.organization_id)
    return [
        NameToken(organization_id=person.organization_id, person=person, kind=kind, token=token)
        for kind, token in sorted(_person_hashes(base, person))
    ]


def name_tokens_refresh(person: Person) -> None:
    """Replace the person's tokens; call after the person is created or a name changes."""
    rows = name_token_rows(person)
    with transaction.atomic():
        NameToken.objects.filter(person_id=person.pk).delete()
        NameToken.objects.bulk_create(rows)


def _batches(organization_id: int) -> Iterator[list[Person]]:
    rows = (
        Person.unscoped.filter(organization_id=organization_id)  # soft-deleted ones too
        .only("uuid", "organization", *NAME_FIELDS)
        .order_by("pk")
    )
    last_pk = 0
    while batch := list(rows.filter(pk__gt=last_pk)[:BATCH_SIZE]):
        yield batch
        last_pk = batch[-1].pk


def rebuild_organization_tokens(organization_id: int) -> int:
    """Recompute every token of the organization with its active key. Returns people done.

    Key rotation calls it (see `salvaguarda.core.rotation.AFTER_ORGANIZATION_ROTATION`).
    """
    count = 0
    with organization_scope(organization_id):
        NameToken.objects.filter(organization_id=organization_id).delete()
        for batch in _batches(organization_id):
            rows = [row for person in batch for row in name_token_rows(person)]
            NameToken.objects.bulk_create(rows, batch_size=1000)
            count += len(batch)
    return count


# --- searching ----------------------------------------------------------------------------


@dataclass
class Query:
    """The hashes looked for: (hash, query word position, score), best score per pair."""

    tokens: list[tuple[int, int, int]]
    # exact hash -> phonetic hash of the same term: whoever has the first has the second.
    covered_by: dict[int, int]


def parse_query(organization_id: int, text: str) -> Query:
    """The hashes to look for, keyed for the organization (empty if nothing is searchable)."""
    base = _hmac_for(organization_id)
    best: dict[tuple[int, int], int] = {}
    covered_by: dict[int, int] = {}

    def add(hashes: Iterable[int], words: tuple[int, ...], score: int) -> None:
        for token in hashes:
            for word in words:
                if best.get((token, word), 0) < score:
                    best[(token, word)] = score

    for term in _terms(text, positions={}):
        exact = _hash(base, _EXACT, term.text)
        add([exact], term.words, EXACT_SCORE)
        key = spanish_key(term.text)
        if not key:
            continue
        phonetic = _hash(base, _PHONETIC, key)
        covered_by[exact] = phonetic
        add([phonetic], term.words, PHONETIC_SCORE)
        # Not for joined terms: their neighbours are often other common names ("josepaz",
        # JSPS, is one code away from "Jesús", JSS).
        if len(key) >= MIN_NEAR_KEY and not term.joined:
            near = [_hash(base, _PHONETIC, k) for k in sorted(edit_variants(key))]
            add(near, term.words, NEAR_SCORE)
    tokens = [(token, word, score) for (token, word), score in best.items()]
    return Query(tokens, covered_by)


# --- ranking -------------------------------------------------------------------------------
#
# When the rows that match a query are few (a small organization, rare names), one aggregation
# over all of them ranks exactly. At a million people a common name ("María", "Hernández")
# has ~100,000 rows per hash, too many to aggregate within 100 ms, so the statement is pruned:
# - short lists (the rarest hashes, ANCHOR_ROWS rows in all) are read whole;
# - long lists are read only for the newest people: ids above the cut where the densest list
#   has given WINDOW_ROWS rows;
# - older people in a long list of every word that has one are found by an index-ordered
#   intersection, newest first (scanning at most FULL_SCAN_ROWS rows of the rarest word);
# - the older people found by these two ways are then scored from all their tokens.
# So whoever matches a rare word, or every word, is ranked exactly (unless older than the
# intersection's scan). Only older people who match some of the words, all of them common,
# are left out: newer people with the same kind of match rank above them anyway.

WINDOW_ROWS = 2000
ANCHOR_ROWS = 2000
NAIVE_ROWS = 12000  # up to this many matching rows (and no list longer than WINDOW_ROWS): exact
FULL_MATCHES = 32  # at least (and as many as the people asked for, up to 200)
FULL_SCAN_ROWS = 4000
PROBES_PER_WORD = 4  # beyond, a word is checked by reading the person's tokens
PREFILTER_ROWS = 2000  # best matches checked against the list filters before anything else
FEW_CANDIDATES = 3000  # up to this many, filtered people are ranked one by one

Tokens = list[tuple[int, int, int]]
Restriction = tuple[str, tuple[Any, ...]]


@dataclass
class _List:
    """What the planning query learned about the rows of one query hash."""

    size: int  # WINDOW_ROWS + 1 for a longer list
    newest: int  # the highest person id in a longer list
    edge: int | None  # the person id WINDOW_ROWS rows down a longer list

    def estimate(self) -> float:
        if self.edge is None:
            return self.size
        return WINDOW_ROWS * self.newest / max(self.newest - self.edge, 1)


PLAN_SQL = """
WITH q(token) AS (VALUES {values}),
p AS MATERIALIZED (
    SELECT q.token AS token, (
        SELECT t.person_id FROM people_nametoken t
        WHERE t.organization_id = %s AND t.token = q.token
        ORDER BY t.person_id DESC LIMIT 1 OFFSET %s) AS edge
    FROM q
    WHERE EXISTS (
        SELECT 1 FROM people_nametoken t WHERE t.organization_id = %s AND t.token = q.token)
)
SELECT token, edge,
    CASE WHEN edge IS NULL THEN (
        SELECT COUNT(*) FROM people_nametoken t
        WHERE t.organization_id = %s AND t.token = p.token) END,
    CASE WHEN edge IS NOT NULL THEN (
        SELECT MAX(t.person_id) FROM people_nametoken t
        WHERE t.organization_id = %s AND t.token = p.token) END
FROM p
"""


def _plan(organization_id: int, hashes: list[int]) -> dict[int, _List]:
    """The lists of the hashes that have rows."""
    values = ", ".join(["(CAST(%s AS BIGINT))"] * len(hashes))
    params: list[Any] = [*hashes, organization_id, WINDOW_ROWS, organization_id]
    params += [organization_id, organization_id]
    with connection.cursor() as cursor:
        cursor.execute(PLAN_SQL.format(values=values), params)
        rows = cursor.fetchall()
    return {
        token: _List(WINDOW_ROWS + 1, newest, edge) if edge is not None else _List(size, 0, None)
        for token, edge, size, newest in rows
    }


class _Sql:
    """SQL text and its parameters, built together so that they stay in step.

    Only placeholders, fixed fragments and aliases made of integers go into the text.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list[Any] = []

    def add(self, text: str, *params: Any) -> None:
        self.parts.append(text)
        self.params.extend(params)

    def placeholders(self, values: list[int]) -> str:
        self.params.extend(values)
        return ", ".join(["%s"] * len(values))

    def text(self) -> str:
        return "\n".join(self.parts)

    def fetch_ids(self) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(self.text(), self.params)
            return [row[0] for row in cursor.fetchall()]


def _in(column: str, subquery: str) -> str:
    """`column IN (subquery)`, written so that the database looks the values up in an index.

    PostgreSQL may turn `IN (SELECT ...)` into a hash join over the whole table when it
    misjudges the subquery's size; `= ANY(ARRAY(...))` is an index scan for each value.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(ARRAY({subquery}))"
    return f"{column} IN ({subquery})"


# Rows of the lists are read with `token IN (SELECT ...)`, then joined with q: written as a
# join of q with the token table, SQLite may build a Bloom filter over the whole table first.
ROWS_SQL = (
    ", {name}_rows AS MATERIALIZED (SELECT t.person_id AS person_id, t.token AS token"
    " FROM people_nametoken t WHERE t.organization_id = %s AND {tokens}"
)
PEOPLE_ROWS_SQL = (
    ", {name}_rows AS MATERIALIZED (SELECT t.person_id AS person_id, t.token AS token"
    " FROM people_nametoken t WHERE {people})"
)
OLD_IDS = "SELECT person_id FROM old"
CANDIDATE_IDS = "SELECT id FROM candidates"
HITS_SQL = (
    ", {name} AS (SELECT r.person_id AS person_id, q.qi AS qi, q.score AS score"
    " FROM {name}_rows r CROSS JOIN q WHERE q.token = r.token)"
)
IN_CANDIDATES = {
    "t": "AND t.person_id IN (SELECT id FROM candidates)",
    "t0": "AND t0.person_id IN (SELECT id FROM candidates)",
}


def _start(sql: _Sql, tokens: Tokens, long: set[int], restriction: Restriction | None) -> None:
    """WITH [candidates,] q: the query hashes (lng = 1 for a long list)."""
    sql.add("WITH")
    if restriction is not None:
        sql.add(f"candidates(id) AS ({restriction[0]}),", *restriction[1])
    rows = ", ".join(["(CAST(%s AS BIGINT), %s, %s, %s)"] * len(tokens))
    for token, word, score in tokens:
        sql.params.extend([token, word, score, int(token in long)])
    sql.add(f"q(token, qi, score, lng) AS (VALUES {rows})")


def _finish(sql: _Sql, tokens: Tokens, branches: list[str], limit: int) -> None:
    """Best score per person and query word, then the order: words matched, score, newest."""
    sql.add(", hits AS (" + " UNION ALL ".join(branches) + ")")
    words = sorted({word for _, word, _ in tokens})
    best = ", ".join(f"MAX(CASE WHEN qi = %s THEN score ELSE 0 END) AS s{w}" for w in words)
    sql.add(f"SELECT person_id FROM (SELECT person_id, {best}", *words)  # noqa: S608
    sql.add("FROM hits GROUP BY person_id) AS per_person")
    matched = " + ".join(f"CASE WHEN s{word} > 0 THEN 1 ELSE 0 END" for word in words)
    total = " + ".join(f"s{word}" for word in words)
    sql.add(f"ORDER BY {matched} DESC, {total} DESC, person_id DESC LIMIT %s", limit)


def _long_lists(plan: dict[int, _List], tokens: Tokens) -> set[int]:
    """The lists read only in part; the others (ANCHOR_ROWS rows in all) are read whole.

    Exact and phonetic lists are read whole first, then those of typo neighbours, except
    the neighbours of a common word (one with an exact or phonetic list longer than
    WINDOW_ROWS): they are lesser matches, and there are many of them.
    """
    common = {
        word
        for token, word, score in tokens
        if score > NEAR_SCORE and token in plan and plan[token].edge is not None
    }
    best: dict[int, int] = {}
    order: dict[int, int] = {}
    long: set[int] = set()
    for number, (token, word, score) in enumerate(tokens):
        best[token] = max(best.get(token, 0), score)
        order.setdefault(token, number)
        if score == NEAR_SCORE and word in common and token in plan:
            long.add(token)

    def key(item: tuple[int, _List]) -> tuple[bool, int, int]:
        token, info = item
        return best[token] == NEAR_SCORE, info.size, order[token]

    budget = ANCHOR_ROWS
    for token, info in sorted(plan.items(), key=key):
        if token in long:
            continue
        if info.edge is None and info.size <= budget:
            budget -= info.size
        else:
            long.add(token)
    return long


def _ranking_sql(
    organization_id: int,
    query: Query,
    plan: dict[int, _List],
    prune: bool,
    restriction: Restriction | None,
    limit: int,
) -> _Sql:
    """The ranking statement. Without `prune`, every matching row is read (exact ranking)."""
    tokens = [row for row in query.tokens if row[0] in plan]
    long = _long_lists(plan, query.tokens) if prune else set()
    cut = max((e for e in (plan[token].edge for token in long) if e is not None), default=0)
    sql = _Sql()
    _start(sql, tokens, long, restriction)

    def restrict(alias: str) -> None:
        if restriction is not None:
            sql.add(IN_CANDIDATES[alias])

    short_tokens = _in("t.token", "SELECT token FROM q WHERE lng = 0")
    sql.add(ROWS_SQL.format(name="short_hits", tokens=short_tokens), organization_id)
    restrict("t")
    sql.add(")" + HITS_SQL.format(name="short_hits"))
    branches = ["SELECT person_id, qi, score FROM short_hits"]
    if long:
        long_tokens = _in("t.token", "SELECT token FROM q WHERE lng = 1")
        sql.add(ROWS_SQL.format(name="window_hits", tokens=long_tokens), organization_id)
        sql.add("AND t.person_id > %s", cut)
        restrict("t")
        sql.add(")" + HITS_SQL.format(name="window_hits"))
        branches.append("SELECT person_id, qi, score FROM window_hits")
    if long and cut:
        old = "SELECT DISTINCT person_id FROM short_hits WHERE person_id <= %s"
        if _full_matches(
            sql, organization_id, tokens, plan, long, cut, restrict, query.covered_by, limit
        ):
            old += " UNION SELECT person_id FROM full_matches"
        sql.add(f", old AS ({old})", cut)
        # All the tokens of these people, through the index on person_id: a few rows each,
        # cheaper than probing every long list for each of them.
        sql.add(PEOPLE_ROWS_SQL.format(name="old_hits", people=_in("t.person_id", OLD_IDS)))
        sql.add(HITS_SQL.format(name="old_hits"))
        branches.append("SELECT person_id, qi, score FROM old_hits")
    _finish(sql, tokens, branches, limit)
    return sql


def _full_matches(
    sql: _Sql,
    organization_id: int,
    tokens: Tokens,
    plan: dict[int, _List],
    long: set[int],
    cut: int,
    restrict: Callable[[str], None],
    covered_by: dict[int, int],
    limit: int,
) -> bool:
    """Add the CTE `full_matches`: older people in a long list of every word that has one,
    newest first (whoever also matches the other words is in a short list, read whole).

    Two scans: every word at its best level (these people have the best score such a match
    can have), then every word at any level. False when no word has a long list.
    """
    by_word: dict[int, set[int]] = {}
    for token, word, _ in tokens:
        if token in long:
            by_word.setdefault(word, set()).add(token)
    if not by_word:
        return False
    scores = {(token, word): score for token, word, score in tokens}
    best = {
        word: {token for token in hashes if scores[(token, word)] == top}
        for word, hashes in by_word.items()
        for top in [max(scores[(token, word)] for token in hashes)]
    }
    # Whoever has an exact token has its phonetic one: look for the latter only.
    anyhow = {
        word: hashes - {token for token in hashes if covered_by.get(token) in hashes}
        for word, hashes in by_word.items()
    }

    def lead(word: int, hashes: set[int]) -> set[int]:
        """What is looked for: not the long lists of typo neighbours of a word found exactly
        or phonetically ("Andrés" for "Andrea"), a lesser match (then found among the newest
        people only)."""
        good = {token for token in hashes if scores[(token, word)] > NEAR_SCORE}
        small = {token for token in hashes if plan[token].edge is None}
        return good | small if good else hashes

    sql.add(", full_matches AS (")
    _scan(sql, organization_id, best, lead, plan, cut, restrict, limit)
    if anyhow != best:
        sql.add("UNION")
        _scan(sql, organization_id, anyhow, lead, plan, cut, restrict, limit)
    sql.add(")")
    return True


def _scan(
    sql: _Sql,
    organization_id: int,
    words: dict[int, set[int]],
    lead: Callable[[int, set[int]], set[int]],
    plan: dict[int, _List],
    cut: int,
    restrict: Callable[[str], None],
    limit: int,
) -> None:
    """People in one of `words[w]` for every word w, up to the cut, newest first.

    The rarest word leads: one index-ordered scan per hash, of at most FULL_SCAN_ROWS rows,
    stopping after the people asked for; the other words are probed for each row (index-only
    probes on both databases, which a join on PostgreSQL would not be).
    """

    def cost(word: int) -> float:
        return sum(plan[token].estimate() for token in lead(word, words[word]))

    first, *others = sorted(words, key=cost)
    leading = lead(first, words[first])
    # Long lists one by one (in index order, stopping early); the short ones together, whole.
    scans = [[token] for token in sorted(leading) if plan[token].edge is not None]
    short = sorted(token for token in leading if plan[token].edge is None)
    for number, hashes in enumerate(scans + ([short] if short else [])):
        if number:
            sql.add("UNION")
        sql.add(
            "SELECT person_id FROM (SELECT t0.person_id AS person_id FROM people_nametoken t0"
            " WHERE t0.organization_id = %s AND t0.person_id <= %s",
            organization_id,
            cut,
        )
        sql.add(f"AND t0.token IN ({sql.placeholders(hashes)})")
        if hashes is not short:  # at most FULL_SCAN_ROWS rows of a long list
            sql.add(
                "AND t0.person_id > COALESCE((SELECT t.person_id FROM people_nametoken t"
                " WHERE t.organization_id = %s AND t.token = %s AND t.person_id <= %s"
                " ORDER BY t.person_id DESC LIMIT 1 OFFSET %s), 0)",
                organization_id,
                hashes[0],
                cut,
                FULL_SCAN_ROWS,
            )
        restrict("t0")
        for word in others:
            probed = sorted(lead(word, words[word]))
            sql.add(
                "AND EXISTS (SELECT 1 FROM people_nametoken tw WHERE tw.organization_id = %s"
                " AND tw.person_id = t0.person_id",
                organization_id,
            )
            # For many hashes, reading the person's few tokens (index on person_id; "+" keeps
            # SQLite off the token index) costs less than one index probe per hash.
            # The OFFSET keeps it a probe per row: PostgreSQL may otherwise turn it into a join
            # (it ignores a LIMIT in EXISTS, not an OFFSET).
            column = "+tw.token" if len(probed) > PROBES_PER_WORD else "tw.token"
            sql.add(f"AND {column} IN ({sql.placeholders(probed)}) LIMIT 1 OFFSET 0)")
        if hashes is short:
            # No ORDER BY here: to avoid a sort, the database could walk the whole index on
            # person_id instead. Short lists are read whole anyway.
            sql.add(") AS s")
        else:
            sql.add("ORDER BY t0.person_id DESC LIMIT %s) AS s", max(min(limit, 200), FULL_MATCHES))


def _ranked_ids(
    organization_id: int, query: Query, restriction: Restriction | None, limit: int
) -> list[int]:
    """The best `limit` person ids, soft-deleted people included unless `restriction` says."""
    plan = _plan(organization_id, sorted({token for token, _, _ in query.tokens}))
    if not plan:
        return []
    sizes = [info.size for info in plan.values()]
    prune = max(sizes) > WINDOW_ROWS or sum(sizes) > NAIVE_ROWS
    return _ranking_sql(organization_id, query, plan, prune, restriction, limit).fetch_ids()


def _ranked_candidates(
    organization_id: int, query: Query, restriction: Restriction, limit: int
) -> list[int]:
    """Rank a few candidates exactly, from their own tokens (the index on person_id)."""
    sql = _Sql()
    _start(sql, query.tokens, set(), restriction)
    # Through the index on person_id ("+" keeps SQLite from using an organization index).
    people = _in("t.person_id", CANDIDATE_IDS) + " AND +t.organization_id = %s"
    sql.add(PEOPLE_ROWS_SQL.format(name="candidate_hits", people=people), organization_id)
    sql.add(HITS_SQL.format(name="candidate_hits"))
    _finish(sql, query.tokens, ["SELECT person_id, qi, score FROM candidate_hits"], limit)
    return sql.fetch_ids()


def _alive_among(ids: list[int], people: QuerySet[Person]) -> list[int]:
    """`ids` in order, without those not in `people` and those soft-deleted."""
    if not ids:
        return []
    kept = set(people.filter(pk__in=ids, deleted_at__isnull=True).values_list("pk", flat=True))
    return [pk for pk in ids if pk in kept]


def _filtered_ranking(
    organization_id: int, query: Query, people: QuerySet[Person], wanted: int, fetch: int
) -> list[int] | None:
    """The best `wanted` ids among `people`, by filtering the unrestricted ranking (its best
    `fetch` first, then more). None when its best PREFILTER_ROWS do not hold enough of them.
    """
    while True:
        ids = _ranked_ids(organization_id, query, None, fetch)
        kept = _alive_among(ids, people)
        if len(kept) >= wanted or len(ids) < fetch:
            return kept[:wanted]
        if fetch >= PREFILTER_ROWS:
            return None
        fetch = max(min(fetch * 4, PREFILTER_ROWS), fetch + 1)


def rank_persons(
    *,
    organization_id: int,
    text: str,
    candidates: QuerySet[Person] | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[int]:
    """Ids of the organization's people whose names best match `text`, best first.

    `candidates` (already scoped and filtered) restricts the result to its people. People
    who are soft-deleted are never returned. An empty or unsearchable text gives [].
    """
    if limit <= 0 or offset < 0:
        return []
    query = parse_query(organization_id, text)
    if not query.tokens:
        return []
    wanted = offset + limit
    # The list filters (and soft deletion) are first applied to the best matches: reading
    # every candidate (all the people of a nationality, say) would cost more than the search.
    people = Person.unscoped.filter(organization_id=organization_id)
    fetch = wanted + 8  # room for a few soft-deleted people
    if candidates is not None:
        people = candidates.filter(organization_id=organization_id)
        fetch = min(max(wanted * 8, 200), PREFILTER_ROWS)
    found = _filtered_ranking(organization_id, query, people, wanted, fetch)
    if found is not None:
        return found[offset:]
    # Few of the best matches pass: rank the candidates themselves.
    alive = people.filter(deleted_at__isnull=True)
    try:
        sql, params = alive.values("id").query.sql_with_params()
    except EmptyResultSet:
        return []
    restriction = (sql, tuple(params))
    if alive[: FEW_CANDIDATES + 1].count() <= FEW_CANDIDATES:
        return _ranked_candidates(organization_id, query, restriction, wanted)[offset:]
    return _ranked_ids(organization_id, query, restriction, wanted)[offset:]
