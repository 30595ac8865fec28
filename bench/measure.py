"""Service-layer measurements on a generated benchmark database (one database per process).

    DATABASE_URL=... python -m bench.measure --scale 100000 --db sqlite --out result.json

- database size per 100,000 people;
- name search through the list's real query (`persons_page_for` inside `organization_scope`:
  ranking, loading the page rows, the audit entry) plus decrypting the names the page shows,
  for exact names and for misspelled ones (accents dropped, surnames swapped, a typo, a
  surname left out), with whether the person sought is on the first page;
- registration throughput of `household_register` (the real service, one transaction per
  family as a request would do, all rolled back at the end: the database stays as generated);
- the query plans of a common-name search and of a filtered list page, for the report.
"""

import argparse
import contextlib
import datetime
import json
import random
import sys
import time
import unicodedata
from collections.abc import Iterator
from typing import Any

from bench import common
from bench import names as N

SEED = 7
QUERY_LIMIT_S = 60  # one search or plan taking longer is stopped and counted as timed out
SEARCH_BUDGET_S = 240  # all the searches of one database: stop sampling past this


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Stop any statement of the block that runs past `seconds` (raises OperationalError)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{seconds}s"])
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    deadline = time.monotonic() + seconds
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def database_size() -> dict[str, Any]:
    from django.db import connection

    from salvaguarda.people.models import Person

    people = Person.unscoped.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            size = int(cursor.fetchone()[0])
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            path = connection.settings_dict["NAME"]
            from pathlib import Path

            size = sum(p.stat().st_size for p in (Path(path), Path(f"{path}-wal")) if p.exists())
    return {
        "people": people,
        "bytes": size,
        "mb_per_100k_people": round(size / 1e6 / (people / 100_000), 1),
    }


# --- queries --------------------------------------------------------------------------------


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard or the ear in a word of 4 letters or more."""
    if len(word) < 4:
        return word
    i = rng.randint(1, len(word) - 2)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    swaps = {"s": "z", "z": "s", "v": "b", "b": "v", "y": "i", "i": "y", "c": "s", "ll": "y"}
    letter = word[i].lower()
    return word[:i] + swaps.get(letter, "e" if letter != "e" else "a") + word[i + 1 :]


def exact_query(person: Any, rng: random.Random) -> str:
    """What a caseworker types for a name on a document: full, or given name and surname."""
    if rng.random() < 0.5 or not person.first_surname:
        return person.full_name
    return f"{person.given_names.split()[0]} {person.first_surname}"


def tolerant_query(person: Any, rng: random.Random) -> tuple[str, str]:
    given = person.given_names or ""
    first, second = person.first_surname or "", person.second_surname or ""
    variant = rng.choice(("accents", "swapped", "typo", "missing"))
    if variant == "accents" and strip_accents(person.full_name) == person.full_name:
        variant = "typo"
    if variant == "swapped" and not second:
        variant = "typo"
    if variant == "accents":
        text = strip_accents(person.full_name).lower()
    elif variant == "swapped":
        text = f"{given} {second} {first}"
    elif variant == "missing":
        text = f"{given.split()[0]} {second or first}"
    else:
        words = person.full_name.split()
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        words[longest] = typo(words[longest], rng)
        text = " ".join(words)
    return variant, text


def search_fingerprint() -> str:
    from bench.generate import search_fingerprint as fingerprint

    return fingerprint()


def search_figures(user: Any, org_id: int, samples: int) -> dict[str, Any]:
    from django.db import OperationalError, reset_queries

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people import search
    from salvaguarda.people.models import Person
    from salvaguarda.people.queries import PersonFilters, persons_page_for

    rng = random.Random(SEED)
    with organization_scope(org_id):
        top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ids = sorted(rng.sample(range(1, top + 1), min(samples * 3, top)))
        people = list(Person.objects.filter(pk__in=ids))[: samples * 2]
    rng.shuffle(people)
    cases: list[tuple[str, str, Any]] = []
    for exact, tolerant in zip(people[:samples], people[samples : samples * 2], strict=False):
        cases.append(("exact", exact_query(exact, rng), exact))
        variant, text = tolerant_query(tolerant, rng)
        cases.append((f"tolerant:{variant}", text, tolerant))
    timings: dict[str, list[float]] = {"exact": [], "tolerant": []}
    rank_only: dict[str, list[float]] = {"exact": [], "tolerant": []}
    found: dict[str, list[bool]] = {"exact": [], "tolerant": []}
    by_variant: dict[str, list[bool]] = {}
    timed_out = 0
    budget_end = time.monotonic() + SEARCH_BUDGET_S
    # Warm the caches (key derivation, query compilation) outside the measurement.
    for _kind, text, _person in cases[:3]:
        with contextlib.suppress(OperationalError), organization_scope(org_id):
            with time_limit(QUERY_LIMIT_S):
                persons_page_for(user, PersonFilters(name=text))
    for kind, text, person in cases:
        if time.monotonic() > budget_end:
            break
        family = kind.split(":")[0]
        started = time.perf_counter()
        try:
            with organization_scope(org_id), time_limit(QUERY_LIMIT_S):
                page = persons_page_for(user, PersonFilters(name=text))
                shown = [p.full_name for p in page.people]  # what the page decrypts
        except OperationalError:
            timed_out += 1
            timings[family].append(QUERY_LIMIT_S * 1000.0)
            found[family].append(False)
            continue
        timings[family].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with contextlib.suppress(OperationalError), organization_scope(org_id):
            with time_limit(QUERY_LIMIT_S):
                search.rank_persons(organization_id=org_id, text=text, limit=21)
        rank_only[family].append((time.perf_counter() - started) * 1000)
        hit = any(p.pk == person.pk for p in page.people)
        found[family].append(hit)
        by_variant.setdefault(kind, []).append(hit)
        del shown
        reset_queries()
    result: dict[str, Any] = {}
    for family in ("exact", "tolerant"):
        values = timings[family] or [0.0]
        ranks = rank_only[family] or [0.0]
        result[family] = {
            "queries": len(values),
            "p50_ms": round(common.percentile(values, 0.50), 1),
            "p95_ms": round(common.percentile(values, 0.95), 1),
            "max_ms": round(max(values), 1),
            "rank_only_p50_ms": round(common.percentile(ranks, 0.50), 1),
            "rank_only_p95_ms": round(common.percentile(ranks, 0.95), 1),
            "found_on_first_page": round(sum(found[family]) / max(1, len(found[family])), 3),
        }
    result["timed_out"] = timed_out
    result["stopped_by_budget"] = sum(len(v) for v in timings.values()) < len(cases)
    result["search_module"] = search_fingerprint()
    result["found_by_variant"] = {
        kind: round(sum(hits) / len(hits), 3) for kind, hits in sorted(by_variant.items())
    }
    return result


# --- registration -------------------------------------------------------------------------


def family_data(rng: random.Random, today: datetime.date) -> list[Any]:
    from salvaguarda.people.services import Contact, MemberData

    nationality = rng.choice(("HND", "GTM", "SLV", "VEN", "HTI", "MEX"))
    size = rng.choice((1, 1, 2, 3, 3, 4, 5))
    members = []
    head_age = rng.randint(20, 50)
    first = N.surname(rng, nationality)
    second = N.surname(rng, nationality) if N.has_second_surname(nationality) else ""
    for position in range(size):
        child = position >= 2 or (position == 1 and size > 2 and rng.random() < 0.5)
        if child:
            age = rng.randint(0, min(17, head_age - 16))
        else:
            age = head_age if position == 0 else head_age + rng.randint(-3, 3)
        sex = rng.choice(("female", "male"))
        born = today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        fields = {
            "given_names": N.given_names(rng, nationality, sex, child),
            "first_surname": first if position == 0 or child else N.surname(rng, nationality),
            "second_surname": second,
            "sex": sex,
            "date_of_birth": born,
            "birth_precision": "exact",
            "nationality": nationality,
            "languages": ["hat"] if nationality == "HTI" else ["spa"],
            "preferred_language": "hat" if nationality == "HTI" else "spa",
            "relationship": "head" if position == 0 else ("child" if child else "partner"),
            "a_number": f"A2{rng.randint(0, 99_999_999):08d}" if not child else "",
        }
        contacts = []
        if position == 0:
            contacts.append(
                Contact(
                    "whatsapp", f"+52 664 {rng.randint(100, 999)} {rng.randint(1000, 9999)}", True
                )
            )
        members.append(MemberData(fields=fields, contacts=contacts))
    return members


class _Undo(Exception):
    """Raised to roll the registrations back once they are timed."""


def registration_figures(user: Any, org_id: int, families: int) -> dict[str, Any]:
    """Families registered through the service, each in its own transaction as a request's,
    all inside one outer transaction rolled back at the end: a run leaves the database as it
    was generated (each family's commit is then a savepoint's release, so not counted)."""
    from django.db import transaction

    result: dict[str, Any] = {}
    try:
        with transaction.atomic():
            result = _register(user, org_id, families)
            raise _Undo
    except _Undo:
        pass
    return result


def _register(user: Any, org_id: int, families: int) -> dict[str, Any]:
    from django.utils import timezone

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.services import Arrival, household_register

    rng = random.Random(time.time_ns())
    today = timezone.localdate()
    plans = [family_data(rng, today) for _ in range(families)]
    arrival = Arrival(
        city="tijuana", consent_given=True, shelter="Albergue de prueba", consent_language="spa"
    )
    with organization_scope(org_id):  # warm up: first queries, key cache
        household_register(by=user, members=plans[0], arrival=arrival)
    people = 0
    each: list[float] = []
    started = time.perf_counter()
    for members in plans[1:]:
        one = time.perf_counter()
        with organization_scope(org_id):
            household_register(by=user, members=members, arrival=arrival)
        each.append((time.perf_counter() - one) * 1000)
        people += len(members)
    elapsed = time.perf_counter() - started
    return {
        "families": len(plans) - 1,
        "people": people,
        "seconds": round(elapsed, 2),
        "families_per_second": round((len(plans) - 1) / elapsed, 1),
        "people_per_second": round(people / elapsed, 1),
        "family_p50_ms": round(common.percentile(each, 0.5), 1),
        "family_p95_ms": round(common.percentile(each, 0.95), 1),
    }


# --- query plans ----------------------------------------------------------------------------


def explain(user: Any, org_id: int, path: Any) -> None:
    """The plans of a common-name search and of a filtered list page, as text."""
    from django.db import OperationalError, connection

    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.queries import PersonFilters, persons_page_for

    captured: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, params))
        return execute(sql, params, many, context)

    out = []
    cases = [
        ("search 'María Hernández'", PersonFilters(name="María Hernández")),
        ("search 'Jose Lopez Garcia'", PersonFilters(name="Jose Lopez Garcia")),
        (
            "list city=tijuana, program=MPP1, need=LP",
            PersonFilters(city="tijuana", program_phase="MPP1", need="LP"),
        ),
        ("list nationality=HND, age 18-59", PersonFilters(nationality="HND", age_band="18-59")),
        ("list program=MPP1 (the oldest returns)", PersonFilters(program_phase="MPP1")),
        (
            "list returned in March 2019",
            PersonFilters(
                returned_from=datetime.date(2019, 3, 1), returned_to=datetime.date(2019, 3, 31)
            ),
        ),
    ]
    for title, filters in cases:
        captured.clear()
        try:
            with organization_scope(org_id), connection.execute_wrapper(capture):
                with time_limit(QUERY_LIMIT_S):
                    persons_page_for(user, filters)
        except OperationalError:
            out.append(f"== {title}\n(stopped after {QUERY_LIMIT_S} s)\n")
            continue
        for sql, params in captured:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "people_" not in sql:
                continue
            shown = sql if len(sql) < 1500 else sql[:1500] + " …"
            try:
                with organization_scope(org_id), time_limit(QUERY_LIMIT_S):
                    with connection.cursor() as cursor:
                        if connection.vendor == "postgresql":
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                            rows = cursor.fetchall()
                            took = None
                        else:
                            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                            rows = cursor.fetchall()
                            started = time.perf_counter()
                            cursor.execute(sql, params)
                            cursor.fetchall()
                            took = (time.perf_counter() - started) * 1000
            except OperationalError:
                out.append(f"== {title}\n{shown}\n(stopped after {QUERY_LIMIT_S} s)\n")
                continue
            plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
            if took is not None:
                plan += f"\n(ran in {took:.1f} ms)"
            out.append(f"== {title}\n{shown}\n-- plan:\n{plan}\n")
    path.write_text("\n".join(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--db", choices=common.DATABASES, required=True)
    parser.add_argument("--searches", type=int, default=150)
    parser.add_argument("--families", type=int, default=200)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    common.setup_django()
    from salvaguarda.accounts.models import Membership, Role

    membership = (
        Membership.objects.select_related("user", "organization")
        .filter(organization__short_name="BENCH-TIJ", role=Role.CASEWORKER)
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit("No benchmark organization: run bench.generate first.")
    user, org_id = membership.user, membership.organization_id
    result: dict[str, Any] = {"size": database_size()}
    common.log(f"{args.db}: size {result['size']['mb_per_100k_people']} MB per 100,000 people")
    started = time.monotonic()
    result["search"] = search_figures(user, org_id, args.searches)
    common.log(
        f"{args.db}: search exact p95 {result['search']['exact']['p95_ms']} ms, tolerant p95 "
        f"{result['search']['tolerant']['p95_ms']} ms ({time.monotonic() - started:.0f} s)"
    )
    explain(user, org_id, common.BENCH_DIR / f"explain-{args.scale}-{args.db}.txt")
    result["registration"] = registration_figures(user, org_id, args.families + 1)
    common.log(
        f"{args.db}: registration {result['registration']['families_per_second']} families/s"
    )
    common.write_json(common.Path(args.out), result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
