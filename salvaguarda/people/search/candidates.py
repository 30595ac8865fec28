"""Candidates of a search: one SQL statement over the `nametoken_lookup` index.

The statement scores each person, per query word, by the best level found (exact 3, phonetic
or nickname 2, typo neighbour 1; the birth date counts as one more word) and orders people by
how many words they match, then by the sum of those scores, then newest first. The best few
hundred are then ranked finely (`ranking`), from their own tokens.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from salvaguarda.people.models import Person
from salvaguarda.people.search.query import NEAR_SCORE, Query

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
class ListInfo:
    """What the planning query learned about the rows of one query hash."""

    size: int  # WINDOW_ROWS + 1 for a longer list
    newest: int  # the highest person id in a longer list
    edge: int | None  # the person id WINDOW_ROWS rows down a longer list
    rows: int | None = None  # how many rows a longer list has (`_list_rows`)

    def estimate(self) -> float:
        """How many rows the list has: counted, never worked out from person ids (which
        depend on everything created before, in any organization)."""
        if self.edge is None:
            return self.size
        return self.rows if self.rows is not None else self.size


# The row count of a longer list, by (organization, hash, newest person id in it): counted
# again as soon as someone newer joins the list, or after LIST_COUNT_SECONDS.
_list_counts: dict[tuple[int, int, int], tuple[float, int]] = {}
LIST_COUNT_SECONDS = 3600
LIST_COUNT_ENTRIES = 20000


def _list_rows(organization_id: int, lists: dict[int, int]) -> dict[int, int]:
    """Rows of each longer list ({hash: newest person id in it}), counted in the index once
    and then reused (a common name has ~100,000 rows at a million people)."""
    now = time.monotonic()
    found: dict[int, int] = {}
    missing: list[int] = []
    for token, newest in lists.items():
        cached = _list_counts.get((organization_id, token, newest))
        if cached is not None and cached[0] > now:
            found[token] = cached[1]
        else:
            missing.append(token)
    if not missing:
        return found
    if len(_list_counts) > LIST_COUNT_ENTRIES:
        _list_counts.clear()
    marks = ", ".join(["%s"] * len(missing))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token, COUNT(*) FROM people_nametoken"  # noqa: S608
            f" WHERE organization_id = %s AND token IN ({marks}) GROUP BY token",
            [organization_id, *missing],
        )
        for token, count in cursor.fetchall():
            found[token] = count
            _list_counts[(organization_id, token, lists[token])] = (now + LIST_COUNT_SECONDS, count)
    return found


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


def _plan(organization_id: int, hashes: list[int]) -> dict[int, ListInfo]:
    """The lists of the hashes that have rows."""
    values = ", ".join(["(CAST(%s AS BIGINT))"] * len(hashes))
    params: list[Any] = [*hashes, organization_id, WINDOW_ROWS, organization_id]
    params += [organization_id, organization_id]
    with connection.cursor() as cursor:
        cursor.execute(PLAN_SQL.format(values=values), params)
        rows = cursor.fetchall()
    plan = {
        token: ListInfo(WINDOW_ROWS + 1, newest, edge)
        if edge is not None
        else ListInfo(size, 0, None)
        for token, edge, size, newest in rows
    }
    longer = {token: info.newest for token, info in plan.items() if info.edge is not None}
    if longer:
        for token, count in _list_rows(organization_id, longer).items():
            plan[token].rows = count
    return plan


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


def _long_lists(plan: dict[int, ListInfo], tokens: Tokens) -> set[int]:
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

    def key(item: tuple[int, ListInfo]) -> tuple[bool, int, int]:
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
    plan: dict[int, ListInfo],
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
    plan: dict[int, ListInfo],
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
    plan: dict[int, ListInfo],
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


# --- pairs ---------------------------------------------------------------------------------
#
# A person who matches two of the query's words (or a word and the year searched) is in the
# list of that pair: a few thousand rows at a million people even for "María Hernández",
# where each word alone has ~100,000. People are brought by how many of the query's pairs they
# are in (weighted: the year searched counts more than a year next to it), newest first
# among equals. Each list is read newest first, up to PAIR_LIST_ROWS rows.

PAIR_LIST_ROWS = 3000
PAIR_CANDIDATES = 120

PAIR_LIST_SQL = (
    "SELECT person_id, token FROM (SELECT t.person_id AS person_id, t.token AS token"
    " FROM people_nametoken t WHERE t.organization_id = %s AND t.token = %s"
    " ORDER BY t.person_id DESC LIMIT %s) AS l{n}"
)


def pair_candidates(organization_id: int, query: Query, limit: int = PAIR_CANDIDATES) -> list[int]:
    """The people in most of the query's pair lists, best first (soft-deleted ones too)."""
    if not query.pairs:
        return []
    sql = _Sql()
    rows = ", ".join(["(CAST(%s AS BIGINT), %s, %s)"] * len(query.pairs))
    sql.add(f"WITH q(token, grp, w) AS (VALUES {rows}),", *(v for row in query.pairs for v in row))
    tokens = sorted({token for token, _, _ in query.pairs})
    lists = []
    for n, token in enumerate(tokens):
        lists.append(PAIR_LIST_SQL.format(n=n))
        sql.params.extend([organization_id, token, PAIR_LIST_ROWS])
    sql.add("r AS (" + " UNION ALL ".join(lists) + ")")
    sql.add(
        "SELECT person_id FROM (SELECT DISTINCT r.person_id AS person_id, q.grp AS grp,"
        " q.w AS w FROM r JOIN q ON q.token = r.token) AS d"
        " GROUP BY person_id ORDER BY SUM(w) DESC, person_id DESC LIMIT %s",
        limit,
    )
    return sql.fetch_ids()


def pair_candidate_ids(
    organization_id: int, query: Query, candidates: QuerySet[Person] | None
) -> list[int]:
    """`pair_candidates` among `candidates` (already scoped and filtered) when given, never
    soft-deleted people."""
    ids = pair_candidates(organization_id, query)
    filtered = None if candidates is None else candidates.filter(organization_id=organization_id)
    return _alive_among(ids, filtered, organization_id)


def plan_for(organization_id: int, query: Query) -> dict[int, ListInfo]:
    """What the index holds of each query hash (the hashes with no row are left out)."""
    return _plan(organization_id, sorted({token for token, _, _ in query.tokens}))


def _ranked_ids(
    organization_id: int,
    query: Query,
    plan: dict[int, ListInfo],
    restriction: Restriction | None,
    limit: int,
) -> list[int]:
    """The best `limit` person ids, soft-deleted people included unless `restriction` says."""
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


def _alive_among(
    ids: list[int], people: QuerySet[Person] | None, organization_id: int
) -> list[int]:
    """`ids` in order, without those not in `people` (the organization's when None) and those
    soft-deleted. Without list filters, in plain SQL: through the ORM, each of hundreds of
    parameters costs more than the reading."""
    if not ids:
        return []
    if people is not None:
        alive = people.filter(pk__in=ids, deleted_at__isnull=True)
        kept = set(alive.values_list("pk", flat=True))
    else:
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM people_person WHERE id IN ({marks})"  # noqa: S608
                " AND organization_id = %s AND deleted_at IS NULL",
                [*ids, organization_id],
            )
            kept = {row[0] for row in cursor.fetchall()}
    return [pk for pk in ids if pk in kept]


def _filtered_ranking(
    organization_id: int,
    query: Query,
    plan: dict[int, ListInfo],
    people: QuerySet[Person] | None,
    wanted: int,
    fetch: int,
) -> list[int] | None:
    """The best `wanted` ids among `people` (the organization's when None), by filtering the
    unrestricted ranking (its best `fetch` first, then more). None when its best
    PREFILTER_ROWS do not hold enough of them.
    """
    while True:
        ids = _ranked_ids(organization_id, query, plan, None, fetch)
        kept = _alive_among(ids, people, organization_id)
        if len(kept) >= wanted or len(ids) < fetch:
            return kept[:wanted]
        if fetch >= PREFILTER_ROWS:
            return None
        fetch = max(min(fetch * 4, PREFILTER_ROWS), fetch + 1)


def candidate_ids(
    organization_id: int,
    query: Query,
    plan: dict[int, ListInfo],
    candidates: QuerySet[Person] | None,
    wanted: int,
) -> list[int]:
    """The best `wanted` ids by the statement's order; only people of `candidates` (already
    scoped and filtered) when it is given, never soft-deleted ones."""
    if not plan:
        return []
    # The list filters (and soft deletion) are first applied to the best matches: reading
    # every candidate (all the people of a nationality, say) would cost more than the search.
    filtered = None
    fetch = wanted + 8  # room for a few soft-deleted people
    if candidates is not None:
        filtered = candidates.filter(organization_id=organization_id)
        fetch = min(max(wanted * 8, 200), PREFILTER_ROWS)
    found = _filtered_ranking(organization_id, query, plan, filtered, wanted, fetch)
    if found is not None:
        return found
    # Few of the best matches pass: rank the candidates themselves.
    people = (
        filtered
        if filtered is not None
        else Person.unscoped.filter(organization_id=organization_id)
    )
    alive = people.filter(deleted_at__isnull=True)
    try:
        sql, params = alive.values("id").query.sql_with_params()
    except EmptyResultSet:
        return []
    restriction = (sql, tuple(params))
    if alive[: FEW_CANDIDATES + 1].count() <= FEW_CANDIDATES:
        return _ranked_candidates(organization_id, query, restriction, wanted)
    return _ranked_ids(organization_id, query, plan, restriction, wanted)
