"""Search quality: is the right person first among thousands of namesakes?

    .venv/bin/python -m bench.search_quality --scale 10000 [--db sqlite|postgresql|both]
        [--queries 1000] [--fresh]

On the benchmark network (`bench/generate.py`, reused when already generated), `--queries`
people are drawn at random. Each one's names and date of birth are taken as the truth, then
written twice with realistic variation (`bench/variation.py`): as registered (the person's
record is changed through `people.services.person_update`, so the search index is rebuilt
the app's own way) and as searched. Each search runs through the list page's own query
function (`people.queries.persons_page_for`, with the date of birth, year or age when the
page's filters take one), and beside it a plain-text fuzzy baseline over the same people's
decrypted names: rapidfuzz (WRatio, and token_sort_ratio) with a bonus for the same or a
neighbouring birth year, the best a developer would write quickly.

Reported per database: recall@1 (the person first), recall@page-1 (on the page's first page:
its `people`, the strong matches above its cut-off; `others`, the "other possible matches"
under it, counted apart), p50/p95 latency in the process (the page's query, its audit entry
and decrypting the names it shows), the baseline's figures over the same queries, and the
misses split by kind of variation. Everything runs inside one transaction rolled back at the
end: the database is left as it was. Results: `var/bench/search-quality-<scale>-latest.json`.
"""

import argparse
import contextlib
import dataclasses
import datetime
import json
import os
import random
import signal
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import common
from bench import variation as V

SEED = 14
PAGE = 20  # the baseline's first page, as long as the list page's
PARTICLE_SHARE = 0.05  # of the true identities drawn, given a surname with a particle
YEAR_BONUS = {0: 5.0, 1: 2.0}  # the baseline's birth-year tie-break, on a 0..100 score
BASELINE_SCORERS = ("WRatio", "token_sort_ratio")
LARGE = 200_000  # from this many people on, only the baseline scorer that did better below it
QUERY_LIMIT_S = 30


# --- the plain-text baseline ---------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case, no accents, letters and digits: what a developer would compare."""
    from rapidfuzz import utils

    decomposed = unicodedata.normalize("NFKD", text)
    return str(
        utils.default_process("".join(c for c in decomposed if not unicodedata.combining(c)))
    )


class Baseline:
    """rapidfuzz over every decrypted full name, the birth year as a tie-break."""

    def __init__(self, ids: list[int], names: list[str], years: list[int | None]) -> None:
        self.ids = ids
        self.names = [fold(n) for n in names]
        self.years = years

    def set(self, index: int, name: str, year: int | None) -> None:
        self.names[index] = fold(name)
        self.years[index] = year

    def bonus(self, index: int, year: int | None) -> float:
        known = self.years[index]
        if year is None or known is None:
            return 0.0
        return YEAR_BONUS.get(abs(known - year), 0.0)

    def search(self, text: str, year: int | None, scorer_name: str) -> list[int]:
        """The first page's person ids, best first (newest first among equals)."""
        from rapidfuzz import fuzz, process

        scorer = getattr(fuzz, scorer_name)
        query = fold(text)
        top = process.extract(query, self.names, scorer=scorer, processor=None, limit=10 * PAGE)
        if not top:
            return []
        # Whatever the bonus, nothing under the 20th score minus the largest bonus can enter
        # the page: those above it are ranked again with their bonus (all of them, when more
        # than the first 200 are).
        floor = max(0.0, top[min(PAGE, len(top)) - 1][1] - max(YEAR_BONUS.values()))
        near = [hit for hit in top if hit[1] >= floor]
        if len(near) == len(top) == 10 * PAGE:
            near = process.extract(
                query, self.names, scorer=scorer, processor=None, limit=None, score_cutoff=floor
            )
        ranked = sorted(near, key=lambda hit: (-(hit[1] + self.bonus(hit[2], year)), -hit[2]))
        return [self.ids[index] for _name, _score, index in ranked[:PAGE]]


# --- the ceiling: how far any search could go -------------------------------------------------

# The kinds of search variation that drop or move part of the name (the others only misspell
# it: typos, spellings by ear, accents, case, "Ma." for María, a nickname).
SEARCH_LOSSES = (
    "q_second_surname_missing",
    "q_first_surname_missing",
    "q_surnames_swapped",
    "q_given_shortened",
    "q_particle",
)


def held(names: tuple[str, str, str], kinds: tuple[str, ...], keep_last: bool) -> tuple[str, ...]:
    """What a search with these kinds holds of folded names (given, first and second surname),
    spelt right: the names reduced the way the search reduced them, as far as they allow it (a
    person without a second surname loses none)."""
    given, first, second = names
    for kind in kinds:
        if kind == "q_second_surname_missing" and first and second:
            second = ""
        elif kind == "q_first_surname_missing" and first and second:
            first, second = second, ""
        elif kind == "q_surnames_swapped" and first and second:
            first, second = second, first
        elif kind == "q_given_shortened" and len(words := given.split()) > 1:
            given = words[-1] if keep_last else words[0]
        elif kind == "q_particle":  # "de la Cruz" said as "Cruz" (or joined: "Delacruz")
            first, second = (without_particle(first), without_particle(second))
    return given, first, second


def without_particle(surname: str) -> str:
    return surname.split()[-1] if surname.startswith(("de ", "del ")) else surname


def age_on(born: datetime.date, today: datetime.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def same_birth(
    other: datetime.date | None,
    truth: datetime.date | None,
    searched: V.Birth | None,
    today: datetime.date,
) -> bool:
    """Whether another person's date of birth agrees with the search as well as the true
    person's does: the same year, date or age as the truth's, as far as the search gives one
    (or, for a wrong date searched, exactly the date searched)."""
    if searched is None:
        return True
    if other is None or truth is None:
        return False
    if searched.age is not None:
        return age_on(other, today) == age_on(truth, today)
    if searched.month is None:
        return other.year == truth.year
    return other in (truth, searched.as_date())


def ceiling_ties(people: list[V.Identity], cases: list["Case"], today: datetime.date) -> list[int]:
    """For each search, how many other registered people are exactly as consistent with what
    it holds as the true person: their true names (as generated, decrypted here like the
    baseline's), reduced the way the search reduced the truth's, fold to the same words, and
    their date of birth agrees as well (`same_birth`). A perfect ranker can only draw among
    them: it puts the person first with probability 1 / (ties + 1)."""
    from rapidfuzz import fuzz

    truths = {case.index: case.truth for case in cases}

    def folded(index: int) -> tuple[str, str, str]:
        p = truths.get(index, people[index])
        return fold(p.given), fold(p.first), fold(p.second)

    wanted: dict[tuple[str, str], list[int]] = {}  # (a given word, a surname word) -> searches
    reduced: list[tuple[tuple[str, ...], bool]] = []
    for n, case in enumerate(cases):
        names = folded(case.index)
        words = names[0].split()
        said = fold(case.query.given)
        keep_last = len(words) > 1 and fuzz.ratio(said, words[-1]) > fuzz.ratio(said, words[0])
        truth = held(names, case.query.kinds, keep_last)
        reduced.append((truth, keep_last))
        key = ((truth[0].split() or [""])[0], (f"{truth[1]} {truth[2]}".split() or [""])[0])
        wanted.setdefault(key, []).append(n)
    # One pass over everyone: a person can tie only if one of their given names and one of
    # their surnames are the first ones the search holds.
    candidates: list[list[int]] = [[] for _ in cases]
    givens = {g for g, _s in wanted}
    for index in range(len(people)):
        p = truths.get(index, people[index])
        given_words = fold(p.given).split() or [""]
        if not givens.intersection(given_words):
            continue
        surname_words = [*f"{fold(p.first)} {fold(p.second)}".split(), ""]
        for g in given_words:
            for s in surname_words:
                for n in wanted.get((g, s), ()):
                    candidates[n].append(index)
    ties = []
    for n, case in enumerate(cases):
        truth, keep_last = reduced[n]
        born = case.truth.born
        ties.append(
            sum(
                1
                for index in set(candidates[n])
                if index != case.index
                and held(folded(index), case.query.kinds, keep_last) == truth
                and same_birth(truths.get(index, people[index]).born, born, case.query.birth, today)
            )
        )
    return ties


# --- the page's own search ---------------------------------------------------------------------


def page_search() -> Callable[[Any, V.Writing], tuple[list[int], list[int], bool]]:
    """The list page's query, as helper C's entry point documents it (/tmp/team/C-api.md):
    `persons_page_for(user, PersonFilters(name=…, birth=BirthQuery|None))`, page 1; its
    `people` (page 1) and `others` (under the cut-off). Returns (page 1 ids, other ids, whether
    the birth date was passed: False while the page takes none)."""
    from django.utils import timezone

    from salvaguarda.people import queries

    names = {f.name for f in dataclasses.fields(queries.PersonFilters)}
    takes_birth = "birth" in names
    birth_query: Any = None
    parse_birth: Any = None
    if takes_birth:
        from salvaguarda.people import search

        birth_query = search.BirthQuery
        parse_birth = getattr(search, "parse_birth", None)

    def run(user: Any, query: V.Writing) -> tuple[list[int], list[int], bool]:
        extra: dict[str, Any] = {}
        birth = query.birth
        if takes_birth and birth is not None:
            if birth.age is not None and parse_birth is not None:
                extra["birth"] = parse_birth(f"{birth.age} años", timezone.localdate())
            else:
                extra["birth"] = birth_query(year=birth.year, month=birth.month, day=birth.day)
        page = queries.persons_page_for(
            user, queries.PersonFilters(name=query.text, **extra), page=1
        )
        others = list(getattr(page, "others", []) or [])
        # What the page decrypts to show them.
        shown = [p.full_name for p in page.people] + [p.full_name for p in others]
        del shown
        return [p.pk for p in page.people], [p.pk for p in others], takes_birth

    return run


# --- one database ------------------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    person_id: int
    index: int  # in the baseline's lists
    truth: V.Identity
    registered: V.Writing
    query: V.Writing
    namesakes: int = 0  # other people registered with the same given name and first surname


def load_people(org_id: int) -> tuple[list[int], list[V.Identity]]:
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.models import Person

    ids: list[int] = []
    people: list[V.Identity] = []
    with organization_scope(org_id):
        rows = (
            Person.objects.order_by("id")
            .only(
                "id",
                "organization",
                "given_names",
                "first_surname",
                "second_surname",
                "date_of_birth",
                "nationality",
            )
            .iterator(chunk_size=5000)
        )
        for p in rows:
            ids.append(p.pk)
            people.append(
                V.Identity(
                    p.given_names or "",
                    p.first_surname or "",
                    p.second_surname or "",
                    p.date_of_birth,
                    p.nationality or "",
                )
            )
    return ids, people


def key_of(given: str, first: str) -> str:
    words = fold(given).split()
    return f"{words[0] if words else ''} {fold(first)}"


def draw_cases(
    ids: list[int], people: list[V.Identity], count: int, today: datetime.date
) -> list[Case]:
    rng = random.Random(SEED)
    cases = []
    for index in sorted(rng.sample(range(len(ids)), min(count, len(ids)))):
        truth = people[index]
        if rng.random() < PARTICLE_SHARE:
            truth = V.with_particle(truth, rng)
        written = V.registered(truth, rng)
        if written.birth is not None and (day := written.birth.as_date()) and day > today:
            written = dataclasses.replace(
                written, birth=dataclasses.replace(written.birth, month=1)
            )
        cases.append(Case(ids[index], index, truth, written, V.searched(truth, rng, today)))
    return cases


def register(user: Any, org_id: int, cases: list[Case]) -> None:
    """Each drawn person's record rewritten as registered, through the app's own service."""
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.models import Person
    from salvaguarda.people.services import person_update

    with organization_scope(org_id):
        people = Person.objects.in_bulk([c.person_id for c in cases])
        for case in cases:
            written = case.registered
            birth = written.birth
            person_update(
                by=user,
                person=people[case.person_id],
                data={
                    "given_names": written.given,
                    "first_surname": written.first,
                    "second_surname": written.second,
                    "date_of_birth": birth.as_date() if birth else None,
                    "birth_precision": birth.precision if birth else "exact",
                },
            )


def rate(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 3) if hits else None


def summary(records: list[dict[str, Any]], systems: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"queries": len(records)}
    for system in systems:
        out[system] = {
            "recall_at_1": rate([r[system]["rank"] == 1 for r in records]),
            "recall_at_page_1": rate([r[system]["rank"] is not None for r in records]),
        }
    ties = [r["ceiling_ties"] for r in records if "ceiling_ties" in r]
    if ties:
        out["ceiling"] = {
            "recall_at_1": mean([1 / (t + 1) for t in ties]),
            "recall_at_page_1": mean([min(1.0, PAGE / (t + 1)) for t in ties]),
            "share_ties_under_page": rate([t < PAGE for t in ties]),
            "share_no_ties": rate([t == 0 for t in ties]),
        }
    return out


def mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def by_kind(records: list[dict[str, Any]], systems: list[str]) -> dict[str, Any]:
    """For each kind of variation: how many queries carry it and the recalls among them; and
    each kind's share of the page's misses (at 1 and on page 1)."""
    kinds = sorted({k for r in records for k in r["kinds"]})
    missed_first = [r for r in records if r["page"]["rank"] != 1]
    missed_page = [r for r in records if r["page"]["rank"] is None]
    table = {}
    for kind in kinds:
        some = [r for r in records if kind in r["kinds"]]
        row = summary(some, systems)
        row["share_of_misses_at_1"] = rate([kind in r["kinds"] for r in missed_first])
        row["share_of_misses_on_page_1"] = rate([kind in r["kinds"] for r in missed_page])
        table[kind] = row
    return table


def namesake_band(count: int) -> str:
    for top, band in ((0, "0"), (4, "1-4"), (19, "5-19"), (99, "20-99")):
        if count <= top:
            return band
    return "100+"


class Stop:
    """SIGTERM during the searches stops them: the figures of those made are still written
    (`stopped_early`), so a run cut short at a deadline says what it measured. Before the
    searches, SIGTERM ends the process as usual."""

    searching = False
    asked = False

    @classmethod
    def handle(cls, signum: int, frame: Any) -> None:
        if not cls.searching:
            raise SystemExit(128 + signum)
        cls.asked = True


def measure(scale: int, db: str, queries: int) -> dict[str, Any]:
    from django.db import OperationalError, reset_queries, transaction
    from django.utils import timezone

    from bench.measure import time_limit
    from salvaguarda.accounts.models import Membership, Role
    from salvaguarda.core.scoping import organization_scope

    membership = (
        Membership.objects.select_related("user")
        .filter(organization__short_name="BENCH-TIJ", role=Role.CASEWORKER)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit("No benchmark organization: run bench.generate first.")
    user, org_id = membership.user, membership.organization_id
    today = timezone.localdate()
    started = time.monotonic()
    ids, people = load_people(org_id)
    decrypt_seconds = time.monotonic() - started
    common.log(f"{db}: {len(ids):,} people decrypted in {decrypt_seconds:.1f} s")
    cases = draw_cases(ids, people, queries, today)
    started = time.monotonic()
    ties = ceiling_ties(people, cases, today)
    ceiling_seconds = time.monotonic() - started
    baseline = Baseline(
        ids, [p.full for p in people], [p.born.year if p.born else None for p in people]
    )
    search = page_search()
    scorers = BASELINE_SCORERS if scale < LARGE else ("token_sort_ratio",)
    systems = ["page", *(f"baseline_{s}" for s in scorers)]
    records: list[dict[str, Any]] = []
    timings: dict[str, list[float]] = {s: [] for s in systems}
    cpu_ms: list[float] = []
    takes_birth = False
    timed_out = 0
    with transaction.atomic():
        started = time.monotonic()
        register(user, org_id, cases)
        register_seconds = time.monotonic() - started
        for case in cases:
            birth = case.registered.birth
            baseline.set(case.index, case.registered.text, birth.year if birth else None)
        keys = Counter(key_of(p.given, p.first) for p in people)
        for case in cases:
            keys[key_of(people[case.index].given, people[case.index].first)] -= 1
            keys[key_of(case.registered.given, case.registered.first)] += 1
        for case in cases:
            same = keys[key_of(case.truth.given, case.truth.first)]
            own = key_of(case.registered.given, case.registered.first) == key_of(
                case.truth.given, case.truth.first
            )
            case.namesakes = same - (1 if own else 0)
        for case in cases[:5]:  # warm the caches (keys, compiled queries) outside the figures
            with contextlib.suppress(OperationalError), transaction.atomic():
                with organization_scope(org_id), time_limit(QUERY_LIMIT_S):
                    search(user, case.query)
        Stop.searching = True
        where = {pk: index for index, pk in enumerate(ids)}
        for case, tied in zip(cases, ties, strict=True):
            if Stop.asked:
                common.log(f"{db}: stopped after {len(records):,} searches (SIGTERM)")
                break
            record: dict[str, Any] = {
                "person": case.person_id,
                "truth": case.truth.full,
                "registered": case.registered.text,
                "query": case.query.text,
                "query_birth": dataclasses.asdict(case.query.birth) if case.query.birth else None,
                "kinds": [*case.registered.kinds, *case.query.kinds],
                "namesakes": namesake_band(case.namesakes),
                "ceiling_ties": tied,
            }
            try:
                # A savepoint each: a search stopped by the time limit leaves the others be.
                with transaction.atomic(), organization_scope(org_id):
                    with time_limit(QUERY_LIMIT_S):
                        one, cpu = time.perf_counter(), time.process_time()
                        first, others, takes_birth = search(user, case.query)
                        timings["page"].append((time.perf_counter() - one) * 1000)
                        cpu_ms.append((time.process_time() - cpu) * 1000)
            except OperationalError:
                timed_out += 1
                timings["page"].append(QUERY_LIMIT_S * 1000.0)
                first, others = [], []
            rank = first.index(case.person_id) + 1 if case.person_id in first else None
            record["page"] = {
                "rank": rank,
                "shown": len(first),
                "in_others": case.person_id in others,
            }
            if rank != 1:  # who came first instead (as registered, folded, and year of birth)
                record["page"]["above"] = [
                    f"{baseline.names[where[pk]]} ({baseline.years[where[pk]]})"
                    for pk in first[: min(3, (rank or 4) - 1)]
                    if pk in where
                ]
            year = case.query.birth.year if case.query.birth else None
            for scorer in scorers:
                one = time.perf_counter()
                found = baseline.search(case.query.text, year, scorer)
                timings[f"baseline_{scorer}"].append((time.perf_counter() - one) * 1000)
                rank = found.index(case.person_id) + 1 if case.person_id in found else None
                record[f"baseline_{scorer}"] = {"rank": rank}
            records.append(record)
            if len(records) % 200 == 0:
                common.log(f"{db}: {len(records):,}/{len(cases):,} searches")
            reset_queries()
        Stop.searching = False
        transaction.set_rollback(True)  # the database as it was
    result: dict[str, Any] = {
        "people": len(ids),
        "queries": len(records),
        "stopped_early": len(records) < len(cases),
        "birth_passed_to_page": takes_birth,
        "baseline_scorers": list(scorers),
        "timed_out": timed_out,
        "decrypt_all_seconds": round(decrypt_seconds, 1),
        "register_seconds": round(register_seconds, 1),
        "ceiling_seconds": round(ceiling_seconds, 1),
        **summary(records, systems),
    }
    for system in systems:
        result[system]["p50_ms"] = round(common.percentile(timings[system], 0.50), 1)
        result[system]["p95_ms"] = round(common.percentile(timings[system], 0.95), 1)
    if cpu_ms:  # this process's CPU time: all of a search on SQLite, not the server's part on PG
        result["page"]["cpu_p50_ms"] = round(common.percentile(cpu_ms, 0.50), 1)
        result["page"]["cpu_p95_ms"] = round(common.percentile(cpu_ms, 0.95), 1)
    result["page"]["in_others"] = rate([r["page"]["in_others"] for r in records])
    result["page"]["mean_shown"] = round(
        sum(r["page"]["shown"] for r in records) / max(1, len(records)), 1
    )
    result["page"]["not_found"] = rate(
        [r["page"]["rank"] is None and not r["page"]["in_others"] for r in records]
    )
    result["by_kind"] = by_kind(records, systems)
    bands = sorted(
        {r["namesakes"] for r in records}, key=lambda b: int(b.rstrip("+").split("-")[0])
    )
    result["by_namesakes"] = {
        band: summary([r for r in records if r["namesakes"] == band], systems) for band in bands
    }
    result["misses"] = [r for r in records if r["page"]["rank"] != 1][:60]
    from bench.generate import search_fingerprint

    result["search_module"] = search_fingerprint()
    return result


# --- the run -------------------------------------------------------------------------------------


def percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def best_baseline(result: dict[str, Any]) -> str:
    """The baseline scorer that put the person first most often."""
    keys = [f"baseline_{scorer}" for scorer in result["baseline_scorers"]]
    return max(keys, key=lambda k: result[k]["recall_at_1"] or 0)


def table(scale: int, results: dict[str, Any]) -> str:
    dbs = [db for db in common.DATABASES if db in results]
    lines = [f"search quality, {scale:,} people: " + ", ".join(dbs)]
    head = f"{'':<34}" + "".join(f"{db:>14}" for db in dbs)
    lines += [head, "-" * len(head)]

    def row(title: str, show: Callable[[dict[str, Any]], str]) -> None:
        lines.append(f"{title:<34}" + "".join(f"{show(results[db]):>14}" for db in dbs))

    row("queries", lambda r: f"{r['queries']:,}" + (" (stopped)" if r.get("stopped_early") else ""))
    row("birth date passed to the page", lambda r: "yes" if r["birth_passed_to_page"] else "no")
    row("page: recall@1", lambda r: percent(r["page"]["recall_at_1"]))
    row("page: recall@page-1", lambda r: percent(r["page"]["recall_at_page_1"]))
    row("page: under the cut-off", lambda r: percent(r["page"]["in_others"]))
    row("page: not found", lambda r: percent(r["page"]["not_found"]))
    row("page: people on page 1 (mean)", lambda r: str(r["page"]["mean_shown"]))
    row("page: p50 (ms)", lambda r: str(r["page"]["p50_ms"]))
    row("page: p95 (ms)", lambda r: str(r["page"]["p95_ms"]))
    row("page: p95 CPU, this process (ms)", lambda r: str(r["page"].get("cpu_p95_ms", "—")))
    row("ceiling: recall@1", lambda r: percent(r["ceiling"]["recall_at_1"]))
    row("ceiling: recall@page-1", lambda r: percent(r["ceiling"]["recall_at_page_1"]))
    row("ceiling: searches with no tie", lambda r: percent(r["ceiling"]["share_no_ties"]))
    for scorer in results[dbs[0]]["baseline_scorers"]:
        key = f"baseline_{scorer}"
        row(f"{scorer}: recall@1", lambda r, k=key: percent(r[k]["recall_at_1"]))
        row(f"{scorer}: recall@20", lambda r, k=key: percent(r[k]["recall_at_page_1"]))
        row(f"{scorer}: p95 (ms)", lambda r, k=key: str(r[k]["p95_ms"]))
    lines.append("(targets at 1,000,000 people: recall@1 ≥ 90 %, page-1 ≥ 99 %, p95 < 100 ms)")
    for db in dbs:
        kinds = results[db]["by_kind"]
        best = best_baseline(results[db])
        short = "TS" if best == "baseline_token_sort_ratio" else "WR"
        lines.append("")
        lines.append(
            f"{db}: by kind of variation{'':<10}{'n':>6} {'page@1':>8} {'page-1':>8} "
            f"{short + '@1':>7} {short + '@20':>7} {'ceil@1':>7} {'of misses@1':>12}"
        )
        for kind, figures in sorted(
            kinds.items(), key=lambda kv: kv[1]["page"]["recall_at_1"] or 0
        ):
            wr = figures[best]
            lines.append(
                f"  {kind:<40}{figures['queries']:>6} {percent(figures['page']['recall_at_1']):>8} "
                f"{percent(figures['page']['recall_at_page_1']):>8} "
                f"{percent(wr['recall_at_1']):>7} {percent(wr['recall_at_page_1']):>7} "
                f"{percent(figures['ceiling']['recall_at_1']):>7} "
                f"{percent(figures['share_of_misses_at_1']):>12}"
            )
        lines.append(f"{db}: by namesakes (others with the same given name and first surname)")
        bands = results[db]["by_namesakes"]
        for band in sorted(bands, key=lambda b: int(b.rstrip("+").split("-")[0])):
            figures = bands[band]
            wr = figures[best]
            lines.append(
                f"  {band:<40}{figures['queries']:>6} {percent(figures['page']['recall_at_1']):>8} "
                f"{percent(figures['page']['recall_at_page_1']):>8} "
                f"{percent(wr['recall_at_1']):>7} {percent(wr['recall_at_page_1']):>7} "
                f"{percent(figures['ceiling']['recall_at_1']):>7}"
            )
    return "\n".join(lines)


def queries_for(scale: int) -> int:
    """Searches per database: fewer at 1,000,000 people, where each baseline search reads
    every name (about a second each)."""
    return 1000 if scale <= 200_000 else 300


def measure_on(scale: int, db: str, queries: int) -> dict[str, Any]:
    """`measure` in a process of its own on the generated database `db` (on PostgreSQL as the
    application role, as the server connects: row-level security applies)."""
    from bench import run

    out = common.BENCH_DIR / f"search-quality-{scale}-{db}.json"
    log = common.BENCH_DIR / f"search-quality-{scale}-{db}.log"
    on_db = ["--scale", str(scale), "--db", db]
    if db == "postgresql":
        run.run_python("bench.search_quality", ["grant", *on_db], db, scale, log)
    run.run_python(
        "bench.search_quality",
        ["measure", *on_db, "--queries", str(queries), "--out", str(out)],
        db,
        scale,
        log,
        app_role=db == "postgresql",
    )
    result: dict[str, Any] = json.loads(out.read_text())
    common.log(
        f"{db}: search quality at {scale:,}: recall@1 {percent(result['page']['recall_at_1'])}, "
        f"page-1 {percent(result['page']['recall_at_page_1'])}, p95 {result['page']['p95_ms']} ms"
    )
    return result


def run_scale(scale: int, dbs: list[str], queries: int, fresh: bool) -> dict[str, Any]:
    from bench import run

    common.log(f"search quality, scale {scale:,}: generating (or reusing) on {', '.join(dbs)}")
    started = time.monotonic()
    steps = [["bench.generate", "--scale", str(scale), *(["--fresh"] if fresh else [])]]
    generated = {db: found[0] for db, found in run.in_parallel(scale, dbs, steps).items()}
    results: dict[str, Any] = {}
    for db in dbs:
        results[db] = measure_on(scale, db, queries)
        results[db]["generation"] = generated[db]
    text = table(scale, results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {
        "scale": scale,
        "queries": queries,
        "seconds": round(time.monotonic() - started, 1),
        "load_average_end": list(os.getloadavg()),
        "results": results,
        "table": text.splitlines(),
    }
    common.write_json(common.BENCH_DIR / f"search-quality-{scale}-{stamp}.json", report)
    common.write_json(common.BENCH_DIR / f"search-quality-{scale}-latest.json", report)
    print()
    print(text)
    print(f"\n(written to var/bench/search-quality-{scale}-{stamp}.json, {report['seconds']} s)\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", nargs="?", choices=["run", "measure", "grant"], default="run")
    parser.add_argument("--scale", default="10000", help="people; comma-separated")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--queries", type=int, help="searches per database (by scale if unset)")
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.command == "run":
        dbs = list(common.DATABASES) if args.db == "both" else [args.db]
        for scale in (int(s) for s in str(args.scale).split(",") if s.strip()):
            run_scale(scale, dbs, args.queries or queries_for(scale), args.fresh)
        return 0
    signal.signal(signal.SIGTERM, Stop.handle)
    common.setup_django()
    if args.command == "grant":
        from django.db import connection

        from bench import web

        web.app_role(connection)
        return 0
    result = measure(int(args.scale), args.db, args.queries or queries_for(int(args.scale)))
    common.write_json(common.Path(args.out), result)
    print(json.dumps({k: v for k, v in result.items() if k not in ("misses", "by_kind")}))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
