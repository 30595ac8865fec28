"""Service directory and referrals benchmark (issue 17): the directory's search and the
received and overdue referral lists, in the process, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.referrals --scale 10000,100000 [--db sqlite|postgresql|both]
                                        [--fresh] [--save] [--samples 200]

Data of its own, never the reception benchmark's: `var/bench/referrals-<scale>.sqlite3` and
the PostgreSQL database `bench_referrals_<scale>` (`make bench-clean` drops them). Generated
once per scale and database (reused afterwards, `--fresh` makes it again): a network of 8
member organizations (one per border city), 20,000 services of the directory (a third of them
the members' own), and 2 referrals per person of the scale. People are not generated: the
lists read the referral rows only (no person, no `ReferredPerson`), so `scale` sets the number
of referrals (2 × scale). On PostgreSQL the measures connect as a plain role without
BYPASSRLS (`salvaguarda_bench_app_referrals_<scale>`, dropped at the end), as the app does.
Every timing is printed as p50/p95 beside the issue's target; nothing here is a test.
"""

import argparse
import csv
import datetime
import hashlib
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import common, figures

SERVICES = 20_000
MEMBER_SHARE = 1 / 3  # of the services, those of the network's members
MEMBERS = 8
BATCH = 5000
SEED = 17
TARGETS_MS = {"directory": 50.0, "received": 150.0, "overdue": 150.0}
INDEXES = ("referral_received", "referral_sent", "service_by_category")
# Statuses of the referrals answered (those still waiting are drawn by age: `referrals`).
STATUSES = (
    ("closed", 62),
    ("declined", 8),
    ("cancelled", 6),
    ("accepted", 11),
    ("info_requested", 3),
)
URGENCIES = (("routine", 75), ("priority", 20), ("emergency", 5))
ANSWER_DAYS = {"routine": 10, "priority": 3, "emergency": 1}
# How many services a city has, relative (the border cities where people wait hold most).
CITY_WEIGHT = {"tijuana": 20, "ciudad_juarez": 14, "monterrey": 12, "matamoros": 8}


def sqlite_path(scale: int) -> Path:
    return common.BENCH_DIR / f"referrals-{scale}.sqlite3"


def pg_name(scale: int) -> str:
    return common.pg_name(f"referrals_{scale}")


def role_name(scale: int) -> str:
    """The plain role the measures connect as (`make bench-clean` drops it with the others)."""
    middle = f"{common.NAME}_" if common.NAME else ""
    return f"{common.PG_APP_ROLE}_{middle}referrals_{scale}"


def database_url(db: str, scale: int, *, app_role: bool = False) -> str:
    if db == "sqlite":
        return f"sqlite:///{sqlite_path(scale)}"
    if app_role:
        host = common.PG_SERVER.split("@", 1)[1]
        return f"postgres://{role_name(scale)}@{host}/{pg_name(scale)}"
    return f"{common.PG_SERVER}/{pg_name(scale)}"


def schema_fingerprint() -> str:
    """The referrals app's migrations as they are (edited in place before a release, so a
    database generated before them is made again rather than measured with old columns)."""
    digest = hashlib.sha256()
    for path in sorted((common.ROOT / "salvaguarda" / "referrals" / "migrations").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def marker_path(db: str, scale: int) -> Path:
    return common.BENCH_DIR / f"referrals-{scale}-{db}.generated.json"


def weighted(rng: random.Random, table: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


def cities() -> list[str]:
    path = common.ROOT / "salvaguarda" / "people" / "vocabularies" / "cities.csv"
    with path.open() as f:
        return [row["code"] for row in csv.DictReader(f) if row["code"] != "other"]


# --- generation ---------------------------------------------------------------------------


def prepare_database(db: str, scale: int, fresh: bool) -> None:
    if db == "sqlite":
        path = sqlite_path(scale)
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            marker_path(db, scale).unlink(missing_ok=True)
        return
    import psycopg

    name = pg_name(scale)
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            marker_path(db, scale).unlink(missing_ok=True)
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _timestamps_as_given() -> None:
    """Let bulk_create keep the dates set here (spread over two years), in this process."""
    from django.apps import apps
    from django.db.models import DateTimeField

    for model in apps.get_app_config("referrals").get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add):
                f.auto_now = f.auto_now_add = False


def network(rng: random.Random) -> list[tuple[Any, list[Any]]]:
    """The 8 member organizations (one per city), each with 4 caseworkers and a coordinator."""
    from salvaguarda.accounts.models import Membership, Organization, Role, User
    from salvaguarda.core import keys

    result = []
    for n, city in enumerate(cities()[:MEMBERS], start=1):
        org = Organization.objects.create(
            name=f"Organización {n} de prueba (benchmark)",
            short_name=f"BENCH-R{n}",
            kind=Organization.Kind.SHELTER,
            city=city.replace("_", " ").title(),
            state="",
            time_zone="America/Tijuana",
        )
        keys.create_data_key(org.pk)
        staff = []
        for m, role in enumerate([Role.CASEWORKER] * 4 + [Role.COORDINATOR], start=1):
            user = User(email=f"staff{m}@r{n}.bench.invalid", full_name=f"{role} {m}")
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, organization=org, role=role)
            staff.append(user)
        result.append((org, staff))
    return result


def directory(rng: random.Random, orgs: list[tuple[Any, list[Any]]], now: Any) -> list[Any]:
    """20,000 services: a third the members' (each member's provider in its city), the rest of
    outside providers (about 7 services each) spread over every city, each given at one or two
    places; categories, groups and languages drawn. Returns the members' services."""
    from salvaguarda.lib.normalize import fold_text
    from salvaguarda.referrals.directory.models import (
        Category,
        Group,
        Location,
        Provider,
        Service,
        ServiceAtLocation,
        ServiceEligibility,
        ServiceLanguage,
    )

    admin = orgs[0][1][-1]
    stamp = {"created_by": admin, "modified_by": admin, "created_at": now, "modified_at": now}
    codes = cities()
    city_weights = [CITY_WEIGHT.get(c, 4) for c in codes]
    kinds = [k for k in Provider.Kind.values if k != Provider.Kind.NETWORK_MEMBER]
    providers: list[tuple[Any, str]] = []
    for n, (org, _staff) in enumerate(orgs):
        provider = Provider(
            name=org.name,
            name_folded=fold_text(org.name),
            kind=Provider.Kind.NETWORK_MEMBER,
            network_organization=org,
            maintainer=org,
            **stamp,
        )
        providers.append((provider, codes[n]))
    member_services = int(SERVICES * MEMBER_SHARE)
    outside = (SERVICES - member_services) // 7
    for n in range(outside):
        name = f"Institución {n + 1:05d} {rng.choice(['Centro', 'Clínica', 'Oficina', 'Casa'])}"
        provider = Provider(
            name=name,
            name_folded=fold_text(name),
            kind=rng.choice(kinds),
            maintainer=rng.choice(orgs)[0] if rng.random() < 0.6 else None,
            **stamp,
        )
        providers.append((provider, rng.choices(codes, city_weights)[0]))
    Provider.objects.bulk_create([p for p, _ in providers], batch_size=BATCH)
    locations = []
    for provider, city in providers:
        places = 3 if provider.kind == Provider.Kind.NETWORK_MEMBER else rng.choice((1, 1, 2))
        for k in range(places):
            where = city if k == 0 else rng.choices(codes, city_weights)[0]
            locations.append(Location(provider=provider, name=f"Sede {k + 1}", city=where, **stamp))
    Location.objects.bulk_create(locations, batch_size=BATCH)
    places_of: dict[int, list[Any]] = {}
    for location in locations:
        places_of.setdefault(location.provider_id, []).append(location)
    categories = Category.values
    category_weights = [
        3 if c in ("health", "legal_us_case", "shelter", "food") else 1 for c in categories
    ]
    services = []
    owners = [p for p, _ in providers[:MEMBERS]] * (member_services // MEMBERS + 1)
    owners = owners[:member_services] + [
        providers[MEMBERS + n % outside][0] for n in range(SERVICES - member_services)
    ]
    for n, provider in enumerate(owners):
        name = f"Servicio {n + 1:05d} de {provider.name}"
        services.append(
            Service(
                provider=provider,
                name=name,
                name_folded=fold_text(name),
                category=rng.choices(categories, category_weights)[0],
                status=weighted(
                    rng,
                    (("active", 85), ("temporarily closed", 5), ("inactive", 6), ("defunct", 4)),
                ),
                description_es="Descripción del servicio.",
                minimum_age=rng.choice((None, None, 0, 12, 18)),
                referral_channels=["app"] if provider.network_organization_id else ["phone"],
                last_verified=(now - datetime.timedelta(days=rng.randint(0, 400))).date(),
                **stamp,
            )
        )
    Service.objects.bulk_create(services, batch_size=BATCH)
    links, groups, languages = [], [], []
    for service in services:
        places = places_of[service.provider_id]
        for location in rng.sample(places, min(len(places), rng.choice((1, 1, 1, 2)))):
            links.append(ServiceAtLocation(service=service, location=location, **stamp))
        for group in rng.sample(Group.values, rng.choice((0, 1, 1, 2, 3))):
            groups.append(ServiceEligibility(service=service, group=group))
        for code in ["es", *rng.sample(["en", "ht", "fr", "quc", "mam"], rng.choice((0, 0, 1)))]:
            languages.append(ServiceLanguage(service=service, code=code, **stamp))
    ServiceAtLocation.objects.bulk_create(links, batch_size=BATCH)
    ServiceEligibility.objects.bulk_create(groups, batch_size=BATCH)
    ServiceLanguage.objects.bulk_create(languages, batch_size=BATCH)
    return [s for s in services if s.provider.network_organization_id]


def referrals(
    rng: random.Random,
    orgs: list[tuple[Any, list[Any]]],
    member_services: list[Any],
    outside_services: list[Any],
    count: int,
    now: Any,
) -> None:
    """`count` referrals over the last two years, oldest first: 85 % to a member's service
    (about 1/8 of them to each member, a few inside the sender), 15 % to an outside provider
    (nothing crosses). Statuses by age: the recent ones still open, the old ones settled; the
    encrypted fields (`shared`, `reason`) are left empty: the lists never read them."""
    from salvaguarda.referrals.referring.models import Referral

    by_org = {org.pk: (org, staff) for org, staff in orgs}
    span = 730 * 86400
    batch: list[Any] = []
    for n in range(count):
        created = now - datetime.timedelta(seconds=span * (1 - (n + rng.random()) / count))
        sender, staff = rng.choice(orgs)
        if rng.random() < 0.85:
            service = rng.choice(member_services)
            recipient = service.provider.network_organization_id
        else:
            service, recipient = rng.choice(outside_services), None
        urgency = weighted(rng, URGENCIES)
        due = created + datetime.timedelta(days=ANSWER_DAYS[urgency])
        age_days = (now - created).days
        status = weighted(rng, STATUSES)
        # ~10 % still waiting for an answer, most of them recent (so most are overdue: only
        # the last 10 days' can still be on time); recent referrals are not settled yet.
        waiting = 0.7 if age_days < 10 else 0.35 if age_days < 90 else 0.05
        if rng.random() < waiting:
            status = "sent"
        elif status == "sent":
            status = "closed"
        changed = created if status == "sent" else min(now, due - datetime.timedelta(hours=12))
        user = rng.choice(staff)
        batch.append(
            Referral(
                organization_id=sender.pk,
                recipient_id=recipient,
                reference=f"R-{n + 1:07d}",
                service=service,
                urgency=urgency,
                answer_due_at=due,
                status=status,
                status_changed_at=changed,
                shared_fields=["nationality", "languages"],
                outcome="received" if status == "closed" else "",
                outcome_on=changed.date() if status == "closed" else None,
                sender_caseworker=user,
                receiver_caseworker=(by_org[recipient][1][0] if recipient else None)
                if status not in ("sent", "cancelled")
                else None,
                created_by=user,
                modified_by=user,
                created_at=created,
                modified_at=changed,
            )
        )
        if len(batch) >= BATCH:
            Referral.unscoped.bulk_create(batch)
            batch = []
    if batch:
        Referral.unscoped.bulk_create(batch)


def generate_main(scale: int, db: str) -> dict[str, Any]:
    """Migrate, then the network, its directory and its referrals (as the superuser)."""
    common.setup_django()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic()
    _timestamps_as_given()
    rng = random.Random(SEED)
    now = timezone.now()
    with transaction.atomic():
        orgs = network(rng)
        member = directory(rng, orgs, now)
    from salvaguarda.referrals.directory.models import Service

    outside = list(
        Service.objects.filter(provider__network_organization__isnull=True).select_related(
            "provider"
        )[:2000]
    )
    directory_done = time.monotonic()
    with transaction.atomic():
        referrals(rng, orgs, member, outside, 2 * scale, now)
    referrals_done = time.monotonic()
    seconds = referrals_done - directory_done
    state = {
        "scale": scale,
        "referrals": 2 * scale,
        "services": SERVICES,
        "schema": schema_fingerprint(),
        "generated_at": now.isoformat(),
        "migrate_seconds": round(migrated - started, 1),
        "directory_seconds": round(directory_done - migrated, 1),
        "referral_seconds": round(seconds, 1),
        "referrals_per_second": round(2 * scale / seconds),
        "seconds": round(time.monotonic() - started, 1),
    }
    common.write_json(marker_path(db, scale), state)
    return state


def optimize_main(scale: int) -> dict[str, str]:
    """As the owner of the tables, before each measure: the app's own statistics refresh, and
    on PostgreSQL the plain role the measure connects as (made again: each run drops it)."""
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from salvaguarda.core import upkeep

    done = {"optimize": upkeep.database_optimize(full=True)}
    if connection.vendor == "postgresql":
        role = role_name(scale)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB")
        call_command("grant_app_role", role, verbosity=0)
        done["role"] = role
    return done


# --- measures -----------------------------------------------------------------------------


def timed(samples: int, run: Any) -> dict[str, Any]:
    times = []
    for n in range(samples):
        began = time.perf_counter()
        run(n)
        times.append((time.perf_counter() - began) * 1000)
    return {
        "samples": samples,
        "slowest_sample": times.index(max(times)),
        "p50_ms": round(common.percentile(times, 0.5), 2),
        "p95_ms": round(common.percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
    }


def explain(sql: str, params: Any) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(" | ".join(str(c) for c in row) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def measure_main(scale: int, db: str, samples: int) -> dict[str, Any]:
    common.setup_django()
    from django.db import connection, transaction

    from salvaguarda.accounts.models import Membership, Role
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.referrals.directory.models import Category
    from salvaguarda.referrals.directory.queries import DirectoryFilters, directory_search
    from salvaguarda.referrals.referring.queries import referrals_page_for

    rng = random.Random(SEED + 1)
    codes = cities()
    members = list(
        Membership.objects.select_related("user", "organization")
        .filter(organization__short_name__startswith="BENCH-R", role=Role.CASEWORKER)
        .order_by("organization_id", "pk")
    )
    by_org: dict[int, Any] = {}
    for m in members:
        by_org.setdefault(m.organization_id, m.user)
    orgs = sorted(by_org)
    filters = [
        DirectoryFilters(category=rng.choice(Category.values), city=rng.choice(codes))
        for _ in range(samples)
    ]
    result: dict[str, Any] = {"vendor": connection.vendor, "user": connection.settings_dict["USER"]}
    plans: dict[str, str] = {}
    with transaction.atomic():  # the audit entries of the lists are rolled back at the end
        result["directory"] = timed(
            samples, lambda n: len(directory_search(filters[n], page=1).services)
        )
        found = [len(directory_search(f, page=1).services) for f in filters[:50]]
        result["directory"]["mean_found_page_1"] = round(sum(found) / len(found), 1)
        for which in ("received", "overdue"):

            def one(n: int, which: str = which) -> int:
                org = orgs[n % len(orgs)]
                with organization_scope(org):
                    return len(referrals_page_for(by_org[org], which, page=1).referrals)

            result[which] = timed(samples, one)
        # The plan of each query's main SELECT, for its slowest sample (those filters, that
        # organization).
        chosen = filters[result["directory"]["slowest_sample"]]
        result["directory"]["slowest_filters"] = [chosen.category, chosen.city]
        sql, params = _captured_search(chosen)
        plans["directory"] = explain(sql, params)
        for which in ("received", "overdue"):
            org = orgs[result[which]["slowest_sample"] % len(orgs)]
            result[which]["slowest_organization"] = org
            with organization_scope(org):
                sql, params = _captured_list(by_org[org], which)
                plans[which] = explain(sql, params)
        transaction.set_rollback(True)
    from salvaguarda.referrals.referring.models import Referral

    with organization_scope(orgs[0]):
        result["received_rows_org"] = Referral.objects.filter(recipient_id=orgs[0]).count()
    result["plans"] = plans
    result["uses_index"] = {
        name: {index: index in plan for index in INDEXES} for name, plan in plans.items()
    }
    return result


def _capture(run: Any, table: str) -> tuple[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    # The SQL as sent, with its parameters (Django's captured SQL is interpolated already);
    # the last statement reads the page's rows.
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and f'FROM "{table}"' in sql:
            return sql, None
    raise RuntimeError(f"no SELECT on {table}")


def _captured_search(chosen: Any) -> tuple[str, Any]:
    from salvaguarda.referrals.directory.queries import directory_search

    return _capture(lambda: directory_search(chosen, page=1), "referrals_service")


def _captured_list(user: Any, which: str) -> tuple[str, Any]:
    from salvaguarda.referrals.referring.queries import referrals_page_for

    return _capture(lambda: referrals_page_for(user, which, page=1), "referrals_referral")


# --- the run ------------------------------------------------------------------------------


def env_for(db: str, scale: int, *, app_role: bool = False) -> dict[str, str]:
    return common.env_for(db, scale, DATABASE_URL=database_url(db, scale, app_role=app_role))


def child(step: str, db: str, scale: int, samples: int, *, app_role: bool = False) -> Any:
    log = common.BENCH_DIR / f"referrals-{scale}-{db}.log"
    command = [common.PYTHON, "-m", "bench.referrals", step, "--scale", str(scale), "--db", db]
    command += ["--samples", str(samples)]
    with log.open("ab") as out:
        done = subprocess.run(
            command,
            cwd=common.ROOT,
            env=env_for(db, scale, app_role=app_role),
            stdout=subprocess.PIPE,
            stderr=out,
        )
    text = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"bench.referrals {step} {scale} {db} failed:\n{text[-2000:]}\n{tail}")
    return json.loads([line for line in text.splitlines() if line.startswith("{")][-1])


def run_one(scale: int, db: str, samples: int, fresh: bool) -> dict[str, Any]:
    prepare_database(db, scale, fresh)
    marker = marker_path(db, scale)
    if marker.exists() and json.loads(marker.read_text()).get("schema") != schema_fingerprint():
        common.log(f"{db} {scale:,}: the referrals' migrations changed since: generating again")
        prepare_database(db, scale, fresh=True)
    if marker.exists():
        generation = json.loads(marker.read_text()) | {"reused": True}
        common.log(f"{db} {scale:,}: reusing the data generated {generation['generated_at']}")
    else:
        common.log(f"{db} {scale:,}: generating {SERVICES:,} services, {2 * scale:,} referrals")
        generation = child("generate", db, scale, samples)
        common.log(
            f"{db} {scale:,}: generated in {generation['seconds']} s "
            f"({generation['referrals_per_second']:,} referrals/s)"
        )
    # The app's own statistics refresh, as the owner of the tables (the plain role may not).
    child("optimize", db, scale, samples)
    try:
        measured = child("measure", db, scale, samples, app_role=db == "postgresql")
    finally:
        if db == "postgresql":
            note = common.drop_app_role(role_name(scale), [pg_name(scale)])
            if note:
                common.log(note)
    measured["generation"] = generation
    plans = common.BENCH_DIR / f"explain-referrals-{scale}-{db}.txt"
    plans.write_text(
        "\n\n".join(f"== {name}\n{plan}" for name, plan in measured["plans"].items()) + "\n"
    )
    return measured


def table(results: dict[tuple[int, str], dict[str, Any]]) -> str:
    rows = ["| query | scale (people) | db | p50 ms | p95 ms | target p95 | met? |"]
    rows.append("| --- | --- | --- | --- | --- | --- | --- |")
    for (scale, db), result in sorted(results.items()):
        for name, target in TARGETS_MS.items():
            figure = result[name]
            met = "yes" if figure["p95_ms"] < target else "NO"
            size = f"{SERVICES:,} services" if name == "directory" else f"{scale:,}"
            rows.append(
                f"| {name} | {size} | {db} | {figure['p50_ms']} | {figure['p95_ms']} | "
                f"< {target:g} | {met} |"
            )
    return "\n".join(rows)


def save(scale: int, db: str, result: dict[str, Any]) -> Path:
    path = common.RESULTS_DIR / f"referrals-{scale}-{db}.json"
    kept = {k: v for k, v in result.items() if k != "plans"}
    common.write_json(
        path,
        {
            "date": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
            "commit": figures.git_commit(),
            "machine": figures.machine(),
            "load_average": os.getloadavg(),
            **kept,
        },
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Directory and referrals benchmark (issue 17)")
    parser.add_argument(
        "step", nargs="?", default="run", choices=["run", "generate", "optimize", "measure"]
    )
    parser.add_argument("--scale", default="10000,100000", help="people; comma-separated")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    parser.add_argument("--save", action="store_true", help="write bench/results/referrals-…")
    args = parser.parse_args(argv)
    if args.step == "generate":
        print(json.dumps(generate_main(int(args.scale), args.db), default=str))
        return 0
    if args.step == "optimize":
        print(json.dumps(optimize_main(int(args.scale))))
        return 0
    if args.step == "measure":
        print(json.dumps(measure_main(int(args.scale), args.db, args.samples), default=str))
        return 0
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    dbs = list(common.DATABASES) if args.db == "both" else [args.db]
    results: dict[tuple[int, str], dict[str, Any]] = {}
    for scale in (int(s) for s in str(args.scale).split(",") if s.strip()):
        for db in dbs:
            results[(scale, db)] = run_one(scale, db, args.samples, args.fresh)
            for name in TARGETS_MS:
                figure = results[(scale, db)][name]
                common.log(
                    f"{db} {scale:,}: {name} p50 {figure['p50_ms']} ms, p95 {figure['p95_ms']} ms"
                )
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {f"{scale}-{db}": result for (scale, db), result in results.items()}
    common.write_json(common.BENCH_DIR / f"referrals-{stamp}.json", report)
    common.write_json(common.BENCH_DIR / "referrals-latest.json", report)
    print()
    print(table(results))
    for (scale, db), result in sorted(results.items()):
        print(f"\nindexes used, {db} {scale:,}: {json.dumps(result['uses_index'])}")
        print(f"(query plans: var/bench/explain-referrals-{scale}-{db}.txt)")
    if args.save:
        written = [save(scale, db, result) for (scale, db), result in results.items()]
        print("Saved: " + ", ".join(str(p.relative_to(common.ROOT)) for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
