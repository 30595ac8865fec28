"""Run the benchmark: generate, measure, load the real pages, print one table.

    .venv/bin/python -m bench.run --scale 10000 [--db sqlite|postgresql|both] [--fresh]

For each scale and database: generate the synthetic network (or reuse it) and its court data
(`bench/court.py`), measure search and registration through the services, the search's
quality against a plain-text fuzzy baseline (`bench/search_quality.py`), the court lists in
the process and the reminder worker's throughput, serve the app with gunicorn on 127.0.0.1 and
load the person file page, the filtered list page, the at-risk list and the week's hearings
with wrk (8 connections), then print the table and write
`var/bench/reception-<scale>-<timestamp>.json` and `reception-<scale>-latest.json`.
The generation of the two databases runs in parallel (two processes); measurements do not.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench import common, court, search_quality, web

TARGETS = {"search_p95_ms": 100, "person_p95_ms": 100, "list_p95_ms": 150}


def plan_for(scale: int) -> dict[str, int]:
    """How long to load each page and how many samples, by scale."""
    court_plan = {
        "court_seconds": 2,
        "court_warmup": 1,  # at this scale, once for the four court pages together
        "court_samples": 3,
        "dispatch_seconds": 20,
        "incident_samples": 40,
        "quality_queries": search_quality.queries_for(scale),
    }
    if scale <= 20_000:
        return {
            "seconds": 2,
            "warmup": 1,
            "searches": 40,
            "families": 30,
            "workers": 4,
            **court_plan,
        }
    court_plan.update(
        court_seconds=10,
        court_warmup=2,
        court_samples=10,
        dispatch_seconds=30,
        incident_samples=200,
    )
    if scale <= 200_000:
        return {
            "seconds": 10,
            "warmup": 2,
            "searches": 150,
            "families": 200,
            "workers": 4,
            **court_plan,
        }
    court_plan.update(court_seconds=15, court_warmup=3, court_samples=5, dispatch_seconds=60)
    return {
        "seconds": 15,
        "warmup": 3,
        "searches": 150,
        "families": 200,
        "workers": 4,
        **court_plan,
    }


def run_python(
    module: str, args: list[str], db: str, scale: int, log: Path, *, app_role: bool = False
) -> None:
    command = [common.PYTHON, "-m", module, *args]
    env = common.env_for(db, scale, app_role=app_role, REMINDER_CHANNEL="console")
    with log.open("ab") as out:
        done = subprocess.run(command, cwd=common.ROOT, env=env, stdout=out, stderr=out)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"{module} {' '.join(args)} failed:\n{tail}")


def generate(
    scale: int, dbs: list[str], fresh: bool
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Both databases at once, one chain of processes each: the people (bench/generate.py),
    their court data (bench/court.py), then their incidents (bench/incidents.py)."""
    args = ["--fresh"] if fresh else []
    steps = [
        ["bench.generate", "--scale", str(scale), *args],
        ["bench.court", "generate", "--scale", str(scale)],
        ["bench.incidents", "generate", "--scale", str(scale)],
    ]
    outputs = in_parallel(scale, dbs, steps)
    states = {db: found[0] for db, found in outputs.items()}
    courts = {db: found[1] for db, found in outputs.items()}
    incidents = {db: found[2] for db, found in outputs.items()}
    for db in dbs:
        state, counts = states[db], courts[db]["counts"]
        common.log(
            f"{db}: {state['people']:,} people (generated in {state['generation_seconds']:,} s "
            f"at {state['people_per_second']:,} people/s); {counts.get('cases', 0):,} cases, "
            f"{counts.get('hearings', 0):,} hearings, {counts.get('reminders', 0):,} reminders "
            f"(generated in {courts[db]['generation_seconds']:,} s); "
            f"{incidents[db]['counts'].get('incidents', 0):,} incidents "
            f"(generated in {incidents[db]['generation_seconds']:,} s)"
        )
    return states, courts, incidents


def in_parallel(
    scale: int, dbs: list[str], steps: list[list[str]]
) -> dict[str, list[dict[str, Any]]]:
    """For each database at once (a thread each), `python -m <step> --db <db>` for each step in
    turn; the last JSON line each step printed."""
    found: dict[str, list[dict[str, Any]]] = {db: [] for db in dbs}
    failures: list[str] = []

    def chain(db: str) -> None:
        log = common.BENCH_DIR / f"generate-{scale}-{db}.log"
        for step in steps:
            start = log.stat().st_size if log.exists() else 0
            with log.open("ab") as out:
                done = subprocess.run(
                    [common.PYTHON, "-m", *step, "--db", db],
                    cwd=common.ROOT,
                    env=common.env_for(db, scale),
                    stdout=out,
                    stderr=out,
                )
            with log.open("rb") as written:
                written.seek(start)
                text = written.read().decode(errors="replace")
            if done.returncode != 0:
                tail = "\n".join(text.splitlines()[-30:])
                failures.append(f"{step[0]} on {db} failed:\n{tail}")
                return
            lines = [line for line in text.splitlines() if line.startswith("{")]
            found[db].append(json.loads(lines[-1]))

    threads = [threading.Thread(target=chain, args=(db,)) for db in dbs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit("\n".join(failures))
    return found


PAGES = ("person", "list", "search")
COURT_PAGES = ("at_risk", "at_risk_court", "week", "week_port")
INCIDENT_PAGES = ("incidents",)


def http_figures(
    scale: int, db: str, plan: dict[str, int]
) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    """The pages through gunicorn and wrk; before the server starts, the court and incident
    measures that need the application role (the reminder worker, the court queries and the
    incident list in the process, the evidence uploads)."""
    prepared_path = common.BENCH_DIR / f"prepared-{scale}-{db}.json"
    log = common.BENCH_DIR / f"run-{scale}-{db}.log"
    on_db = ["--scale", str(scale), "--db", db]
    run_python("bench.web", ["prepare", *on_db, "--out", str(prepared_path)], db, scale, log)
    court_out = common.BENCH_DIR / f"measure-court-{scale}-{db}.json"
    run_python(
        "bench.court",
        [
            "measure",
            *on_db,
            "--out",
            str(court_out),
            "--samples",
            str(plan["court_samples"]),
            "--dispatch-seconds",
            str(plan["dispatch_seconds"]),
        ],
        db,
        scale,
        log,
        app_role=db == "postgresql",  # the worker and the pages connect as the application
    )
    court_figures = json.loads(court_out.read_text())
    incidents_out = common.BENCH_DIR / f"measure-incidents-{scale}-{db}.json"
    run_python(
        "bench.incidents",
        [
            "measure",
            *on_db,
            "--out",
            str(incidents_out),
            "--samples",
            str(plan["incident_samples"]),
        ],
        db,
        scale,
        log,
        app_role=db == "postgresql",
    )
    incident_figures = json.loads(incidents_out.read_text())
    court_prepared = court_figures.pop("prepared")
    court_figures["weeks"] = court_prepared["weeks"]
    prepared = json.loads(prepared_path.read_text())
    paths = {k: Path(v) for k, v in prepared["files"].items()}
    paths.update({k: Path(v) for k, v in court_prepared["files"].items()})
    paths["incidents"] = Path(incident_figures["file"])
    figures: dict[str, Any] = {}
    with web.serve(
        db, scale, plan["workers"], common.BENCH_DIR / f"gunicorn-{scale}-{db}.log"
    ) as port:
        web.check(port, prepared)
        court.check(port, court_prepared["check"], prepared["check"]["cookie"])
        shared_warmup = scale <= 20_000
        if shared_warmup:
            # One warm-up for the four court pages (each gunicorn worker compiles their
            # templates once); time counts at this scale.
            mixed = common.BENCH_DIR / f"requests-{scale}-{db}.court"
            mixed.write_text("".join(paths[page].read_text() for page in COURT_PAGES))
            paths["court"] = mixed
        for page in PAGES + COURT_PAGES + INCIDENT_PAGES:
            if page in INCIDENT_PAGES:
                web.load(port, paths[page], paths["sessions"], plan["court_warmup"])
                seconds = plan["court_seconds"]
            elif page not in COURT_PAGES:
                web.load(port, paths[page], paths["sessions"], plan["warmup"])
                seconds = plan["seconds"]
            else:
                if page == COURT_PAGES[0] and shared_warmup:
                    web.load(port, paths["court"], paths["sessions"], plan["court_warmup"])
                elif not shared_warmup:
                    web.load(port, paths[page], paths["sessions"], plan["court_warmup"])
                seconds = plan["court_seconds"]
            load_before = os.getloadavg()[0]
            result = web.load(port, paths[page], paths["sessions"], seconds)
            result["load_average_before"] = load_before
            result["failed"] = result["non_200"] + sum(result["errors"].values())
            if result["failed"]:
                # Loud, but the other pages and databases are still measured.
                common.log(
                    f"FAILED {db} {page} page: {result['failed']} failed requests (non-200 "
                    f"{result['non_200']}: {result['statuses']}; errors {result['errors']}). "
                    f"See var/bench/gunicorn-{scale}-{db}.log"
                )
            figures[page] = result
            common.log(
                f"{db}: {page} page p50 {result['latency_ms']['p50']} ms, p95 "
                f"{result['latency_ms']['p95']} ms, {result['rps']} req/s"
            )
    return figures, court_figures, incident_figures


def measure(scale: int, db: str, plan: dict[str, int]) -> dict[str, Any]:
    out = common.BENCH_DIR / f"measure-{scale}-{db}.json"
    args = ["--scale", str(scale), "--db", db, "--out", str(out)]
    args += ["--searches", str(plan["searches"]), "--families", str(plan["families"])]
    run_python("bench.measure", args, db, scale, common.BENCH_DIR / f"run-{scale}-{db}.log")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def table(scale: int, results: dict[str, Any]) -> str:
    def get(db: str, *path: str) -> Any:
        value: Any = results.get(db)
        for key in path:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    rows: list[tuple[str, tuple[str, ...], float | None, str]] = [
        ("generation (people/s)", ("generation", "people_per_second"), None, ""),
        ("generation (s)", ("generation", "generation_seconds"), None, ""),
        ("database size (MB per 100k people)", ("size", "mb_per_100k_people"), None, ""),
        ("registration (families/s)", ("registration", "families_per_second"), None, ""),
        ("registration (people/s)", ("registration", "people_per_second"), None, ""),
        ("search exact p50 (ms)", ("search", "exact", "p50_ms"), None, ""),
        ("search exact p95 (ms)", ("search", "exact", "p95_ms"), 100, "< 100"),
        ("search tolerant p50 (ms)", ("search", "tolerant", "p50_ms"), None, ""),
        ("search tolerant p95 (ms)", ("search", "tolerant", "p95_ms"), 100, "< 100"),
        ("search found on page 1, exact", ("search", "exact", "found_on_first_page"), None, ""),
        (
            "search found on page 1, tolerant",
            ("search", "tolerant", "found_on_first_page"),
            None,
            "",
        ),
        ("HTTP person page p50 (ms)", ("http", "person", "latency_ms", "p50"), None, ""),
        ("HTTP person page p95 (ms)", ("http", "person", "latency_ms", "p95"), 100, "< 100"),
        ("HTTP person page p99 (ms)", ("http", "person", "latency_ms", "p99"), None, ""),
        ("HTTP person page (req/s)", ("http", "person", "rps"), None, ""),
        ("HTTP list page p50 (ms)", ("http", "list", "latency_ms", "p50"), None, ""),
        ("HTTP list page p95 (ms)", ("http", "list", "latency_ms", "p95"), 150, "< 150"),
        ("HTTP list page p99 (ms)", ("http", "list", "latency_ms", "p99"), None, ""),
        ("HTTP list page (req/s)", ("http", "list", "rps"), None, ""),
        ("HTTP list search p50 (ms)", ("http", "search", "latency_ms", "p50"), None, ""),
        ("HTTP list search p95 (ms)", ("http", "search", "latency_ms", "p95"), 100, "< 100"),
        ("HTTP list search p99 (ms)", ("http", "search", "latency_ms", "p99"), None, ""),
        ("HTTP list search (req/s)", ("http", "search", "rps"), None, ""),
        ("HTTP failed requests, person page", ("http", "person", "failed"), None, ""),
        ("HTTP failed requests, list page", ("http", "list", "failed"), None, ""),
        ("HTTP failed requests, list search", ("http", "search", "failed"), None, ""),
        ("court: generation (s)", ("court", "generation", "generation_seconds"), None, ""),
        ("court: hearings generated", ("court", "generation", "counts", "hearings"), None, ""),
        (
            "court: generation (hearings/s)",
            ("court", "generation", "hearings_per_second"),
            None,
            "",
        ),
        ("court: at-risk query p95 (ms)", ("court", "queries", "at_risk", "p95_ms"), None, ""),
        ("court: week query p95 (ms)", ("court", "queries", "week", "p95_ms"), None, ""),
        ("HTTP at-risk list p50 (ms)", ("http", "at_risk", "latency_ms", "p50"), None, ""),
        ("HTTP at-risk list p95 (ms)", ("http", "at_risk", "latency_ms", "p95"), None, ""),
        ("HTTP at-risk list (req/s)", ("http", "at_risk", "rps"), None, ""),
        (
            "HTTP at-risk, one court p50 (ms)",
            ("http", "at_risk_court", "latency_ms", "p50"),
            None,
            "",
        ),
        (
            "HTTP at-risk, one court p95 (ms)",
            ("http", "at_risk_court", "latency_ms", "p95"),
            None,
            "",
        ),
        ("HTTP at-risk, one court (req/s)", ("http", "at_risk_court", "rps"), None, ""),
        ("HTTP week calendar p50 (ms)", ("http", "week", "latency_ms", "p50"), None, ""),
        ("HTTP week calendar p95 (ms)", ("http", "week", "latency_ms", "p95"), None, ""),
        ("HTTP week calendar (req/s)", ("http", "week", "rps"), None, ""),
        ("HTTP week, one port p50 (ms)", ("http", "week_port", "latency_ms", "p50"), None, ""),
        ("HTTP week, one port p95 (ms)", ("http", "week_port", "latency_ms", "p95"), None, ""),
        ("HTTP week, one port (req/s)", ("http", "week_port", "rps"), None, ""),
        *[
            (f"HTTP failed requests, {page.replace('_', ' ')}", ("http", page, "failed"), None, "")
            for page in COURT_PAGES
        ],
        ("reminders dispatched (per s)", ("court", "dispatch", "per_second"), None, ""),
        ("reminders dispatched in the run", ("court", "dispatch", "sent"), None, ""),
        ("incidents: generated", ("incidents", "generation", "counts", "incidents"), None, ""),
        ("incidents: generation (s)", ("incidents", "generation", "generation_seconds"), None, ""),
        ("incidents: list query p50 (ms)", ("incidents", "list", "p50_ms"), None, ""),
        ("incidents: list query p95 (ms)", ("incidents", "list", "p95_ms"), None, ""),
        ("HTTP incident list p50 (ms)", ("http", "incidents", "latency_ms", "p50"), None, ""),
        ("HTTP incident list p95 (ms)", ("http", "incidents", "latency_ms", "p95"), None, ""),
        ("HTTP incident list (req/s)", ("http", "incidents", "rps"), None, ""),
        ("HTTP failed requests, incident list", ("http", "incidents", "failed"), None, ""),
        (
            "evidence upload, 20 MB PDFs (MB/s)",
            ("incidents", "uploads", "document_20mb", "mb_per_second"),
            None,
            "",
        ),
        (
            "evidence upload, 4 MB photos (MB/s)",
            ("incidents", "uploads", "photo_4mb", "mb_per_second"),
            None,
            "",
        ),
    ]
    header = f"{'scale ' + format(scale, ','):<36} {'SQLite':>10} {'PostgreSQL':>11}  target  met?"
    lines = [header, "-" * len(header)]
    for title, path, limit, target in rows:
        values = [get(db, *path) for db in common.DATABASES]
        shown = [
            "—"
            if v is None
            else (
                f"{v:,}"
                if isinstance(v, int)
                else f"{v:,.1f}"
                if isinstance(v, float) and v >= 1
                else str(v)
            )
            for v in values
        ]
        met = ""
        if limit is not None:
            known = [v for v in values if v is not None]
            met = (
                " ".join(("—" if v is None else ("yes" if v < limit else "NO")) for v in values)
                if known
                else ""
            )
        lines.append(f"{title:<36} {shown[0]:>10} {shown[1]:>11}  {target:<6}  {met}")
    lines.append("(met?: SQLite PostgreSQL; targets are for 1,000,000 people)")
    return "\n".join(lines)


def run_scale(scale: int, dbs: list[str], fresh: bool) -> dict[str, Any]:
    plan = plan_for(scale)
    started = time.monotonic()
    common.log(f"scale {scale:,}: generating on {', '.join(dbs)}")
    states, court_states, incident_states = generate(scale, dbs, fresh)
    results: dict[str, Any] = {}
    for db in dbs:
        results[db] = {"generation": states[db], "load_average": os.getloadavg()}
        results[db].update(measure(scale, db, plan))
        results[db]["search_quality"] = search_quality.measure_on(
            scale, db, plan["quality_queries"]
        )
        results[db]["http"], results[db]["court"], results[db]["incidents"] = http_figures(
            scale, db, plan
        )
        results[db]["court"]["generation"] = court_states[db]
        results[db]["incidents"]["generation"] = incident_states[db]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {
        "scale": scale,
        "databases": dbs,
        "plan": plan,
        "targets": TARGETS,
        "machine": {"cpus": os.cpu_count(), "load_average_end": os.getloadavg()},
        "seconds": round(time.monotonic() - started, 1),
        "results": results,
    }
    failures = [
        f"{db} {page}: {figures['failed']} failed requests"
        for db, result in results.items()
        for page, figures in result["http"].items()
        if figures["failed"]
    ]
    report["failures"] = failures
    text = table(scale, results)
    quality = {db: result["search_quality"] for db, result in results.items()}
    text += "\n\n" + search_quality.table(scale, quality)
    report["table"] = text.splitlines()
    common.write_json(common.BENCH_DIR / f"reception-{scale}-{stamp}.json", report)
    common.write_json(common.BENCH_DIR / f"reception-{scale}-latest.json", report)
    print()
    print(text)
    print(f"\n(written to var/bench/reception-{scale}-{stamp}.json, {report['seconds']} s)\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Salvaguarda benchmark (reception and court)")
    parser.add_argument("--scale", default="100000,1000000", help="people; comma-separated")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    args = parser.parse_args(argv)
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    dbs = list(common.DATABASES) if args.db == "both" else [args.db]
    failures = []
    for scale in (int(s) for s in str(args.scale).split(",") if s.strip()):
        failures += [f"scale {scale}: {f}" for f in run_scale(scale, dbs, args.fresh)["failures"]]
    if failures:
        print("BENCHMARK FAILED: some pages did not answer 200:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
