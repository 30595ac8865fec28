"""Run the benchmark: generate, measure, load the real pages, compare, print the tables.

    .venv/bin/python -m bench.run --scale 10000 [--db sqlite|postgresql|both] [--fresh] [--save]

For each scale and database: generate the synthetic network (or reuse it) and its court and
incident data, measure search and registration through the services, the search's quality
against a plain-text fuzzy baseline (`bench/search_quality.py`), the court lists in the process
and the reminder worker's throughput, each page's own cost against its raw-SQL floor
(`bench/floor.py`), then serve the app with gunicorn on 127.0.0.1 and load every page with wrk
(8 connections), three runs of each, and the load test when `bench/load.py` is there. Then the
sign-on letters (`bench/letters.py`), once per invocation.

Every figure is printed beside the one committed in `bench/results/` for the same scale and
database (with the difference), and targets are judged only at the scale they are set for.
`--save` writes this run's figures there (to be committed). Everything measured also goes to
`var/bench/reception-<scale>-<timestamp>.json` and `reception-<scale>-latest.json`.
The generation of the two databases runs in parallel (two processes); measurements do not.
"""

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench import common, court, figures, search_quality, web

HTTP_ROUNDS = 3  # each page is loaded this many times; the median is reported, and the spread


def plan_for(scale: int) -> dict[str, int]:
    """How long to load each page (three times) and how many samples, by scale."""
    plan = {
        "seconds": 10,  # each of the HTTP_ROUNDS runs of each page
        "warmup": 1,
        "searches": 40,
        "families": 30,
        "workers": 4,
        "court_samples": 3,
        "dispatch_seconds": 20,
        "incident_samples": 40,
        # Fewer searches than make bench-search (1,000 below 200,000 people) keep the run short.
        "quality_queries": min(300, search_quality.queries_for(scale)),
        "load_seconds": 60,  # the mixed load test (10 minutes at 1,000,000 people)
    }
    if scale > 20_000:
        plan.update(
            warmup=2,
            searches=150,
            families=200,
            court_samples=10,
            dispatch_seconds=30,
            incident_samples=200,
        )
    if scale > 200_000:
        plan.update(seconds=15, warmup=3, court_samples=5, dispatch_seconds=60, load_seconds=600)
    return plan


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
        parts = (
            f"{state['people']:,} people, {counts.get('cases', 0):,} cases, "
            f"{counts.get('hearings', 0):,} hearings, {counts.get('reminders', 0):,} reminders, "
            f"{incidents[db]['counts'].get('incidents', 0):,} incidents"
        )
        if any(part.get("reused") for part in (state, courts[db], incidents[db])):
            common.log(
                f"{db}: {parts}, reused from the generation of {state.get('generated_at')} "
                "(its timings are not this run's: FRESH=1 generates again)"
            )
        else:
            common.log(
                f"{db}: {parts}; generated in {state['generation_seconds']:,} s "
                f"({state['people_per_second']:,} people/s), court "
                f"{courts[db]['generation_seconds']:,} s, incidents "
                f"{incidents[db]['generation_seconds']:,} s"
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


def combine(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The runs of one page as one figure: the median of each percentile and of the rate, the
    spread of p95 and of the rate ((max − min) / median, in percent), failures summed."""

    def spread(values: list[float]) -> float | None:
        middle = statistics.median(values)
        return round((max(values) - min(values)) / middle * 100, 1) if middle else None

    latencies = {
        key: round(statistics.median(run["latency_ms"][key] for run in runs), 1)
        for key in runs[0]["latency_ms"]
    }
    rates = [run["rps"] for run in runs]
    p95s = [run["latency_ms"]["p95"] for run in runs]
    return {
        "latency_ms": latencies,
        "rps": round(statistics.median(rates), 1),
        "requests": sum(run["requests"] for run in runs),
        "failed": sum(run["failed"] for run in runs),
        "p95_over_p50": round(latencies["p95"] / latencies["p50"], 2) if latencies["p50"] else None,
        "spread_pct": {"p95": spread(p95s), "rps": spread(rates)},
        "p95_runs": p95s,
        "rps_runs": rates,
        "runs": runs,
    }


def http_figures(
    scale: int, db: str, plan: dict[str, int]
) -> tuple[dict[str, Any], Any, dict[str, Any], dict[str, Any]]:
    """The pages through gunicorn and wrk; before the server starts, the measures that need
    the application role (the reminder worker, the court queries and the incident list in the
    process, the evidence uploads, each page against its SQL)."""
    prepared_path = common.BENCH_DIR / f"prepared-{scale}-{db}.json"
    log = common.BENCH_DIR / f"run-{scale}-{db}.log"
    on_db = ["--scale", str(scale), "--db", db]
    as_app = db == "postgresql"  # the worker and the pages connect as the application
    run_python("bench.web", ["prepare", *on_db, "--out", str(prepared_path)], db, scale, log)
    court_out = common.BENCH_DIR / f"measure-court-{scale}-{db}.json"
    court_args = ["--samples", str(plan["court_samples"])]
    court_args += ["--dispatch-seconds", str(plan["dispatch_seconds"])]
    run_python(
        "bench.court",
        ["measure", *on_db, "--out", str(court_out), *court_args],
        db,
        scale,
        log,
        app_role=as_app,
    )
    court_figures = json.loads(court_out.read_text())
    incidents_out = common.BENCH_DIR / f"measure-incidents-{scale}-{db}.json"
    incident_args = ["--out", str(incidents_out), "--samples", str(plan["incident_samples"])]
    run_python(
        "bench.incidents", ["measure", *on_db, *incident_args], db, scale, log, app_role=as_app
    )
    incident_figures = json.loads(incidents_out.read_text())
    floor_out = common.BENCH_DIR / f"floor-{scale}-{db}.json"
    run_python("bench.floor", [*on_db, "--out", str(floor_out)], db, scale, log, app_role=as_app)
    floor_figures = json.loads(floor_out.read_text())
    court_prepared = court_figures.pop("prepared")
    court_figures["weeks"] = court_prepared["weeks"]
    prepared = json.loads(prepared_path.read_text())
    paths = {k: Path(v) for k, v in prepared["files"].items()}
    paths.update({k: Path(v) for k, v in court_prepared["files"].items()})
    paths["incidents"] = Path(incident_figures["file"])
    runs: dict[str, list[dict[str, Any]]] = {}
    pages = PAGES + COURT_PAGES + INCIDENT_PAGES
    with web.serve(
        db, scale, plan["workers"], common.BENCH_DIR / f"gunicorn-{scale}-{db}.log"
    ) as port:
        web.check(port, prepared)
        court.check(port, court_prepared["check"], prepared["check"]["cookie"])
        # Round after round of every page, so that a slower minute of the machine falls on
        # one run of each page rather than on all the runs of one.
        for round_ in range(HTTP_ROUNDS):
            for page in pages:
                if round_ == 0:
                    web.load(port, paths[page], paths["sessions"], plan["warmup"])
                load_before = os.getloadavg()[0]
                result = web.load(port, paths[page], paths["sessions"], plan["seconds"])
                result["load_average_before"] = load_before
                result["failed"] = result["non_200"] + sum(result["errors"].values())
                if result["failed"]:
                    # Loud, but the other pages and databases are still measured.
                    common.log(
                        f"FAILED {db} {page} page: {result['failed']} failed requests (non-200 "
                        f"{result['non_200']}: {result['statuses']}; errors {result['errors']}). "
                        f"See var/bench/gunicorn-{scale}-{db}.log"
                    )
                runs.setdefault(page, []).append(result)
            common.log(f"{db}: HTTP run {round_ + 1} of {HTTP_ROUNDS} done")
    pages_figures = {page: combine(found) for page, found in runs.items()}
    for page, result in pages_figures.items():
        common.log(
            f"{db}: {page} page p50 {result['latency_ms']['p50']} ms, p95 "
            f"{result['latency_ms']['p95']} ms (runs {result['p95_runs']}), {result['rps']} req/s"
        )
    return pages_figures, court_figures, incident_figures, floor_figures


def load_test(scale: int, db: str, plan: dict[str, int]) -> dict[str, Any] | None:
    """The mixed load test (bench/load.py, when there is one: sign-in, search, person page,
    registration, hearings, API; 8 clients; the audit chains verified after), its figures."""
    if not (common.ROOT / "bench" / "load.py").exists():
        return None
    from bench import load  # type: ignore[attr-defined, unused-ignore]

    run_mix = getattr(load, "run_mix", None)
    if run_mix is None:
        common.log("bench/load.py has no run_mix(scale, db, seconds, workers): left out")
        return None
    try:
        result: dict[str, Any] = run_mix(scale, db, plan["load_seconds"], plan["workers"])
    except (SystemExit, Exception) as exc:  # noqa: BLE001 - reported, the other parts go on
        common.log(f"FAILED {db} load test: {str(exc)[-600:]}")
        return {"failed": str(exc)[-2000:]}
    wrk = result["figures"]
    result["rps"] = wrk["rps"]
    result["p95_ms"] = wrk["latency_ms"]["p95"]
    result["errors"] = wrk["errors"] + wrk.get("socket_errors", 0)
    common.log(
        f"{db}: load test {result['rps']} req/s, p95 {result['p95_ms']} ms, "
        f"{result['errors']} errors; audit: {' '.join(result.get('audit_verify', []))[:200]}"
    )
    return result


def measure(scale: int, db: str, plan: dict[str, int]) -> dict[str, Any]:
    out = common.BENCH_DIR / f"measure-{scale}-{db}.json"
    args = ["--scale", str(scale), "--db", db, "--out", str(out)]
    args += ["--searches", str(plan["searches"]), "--families", str(plan["families"])]
    run_python("bench.measure", args, db, scale, common.BENCH_DIR / f"run-{scale}-{db}.log")
    result: dict[str, Any] = json.loads(out.read_text())
    return result


# --- results: what is committed, and the comparison with it ---------------------------------


def run_scale(scale: int, dbs: list[str], fresh: bool, keep: bool) -> dict[str, Any]:
    plan = plan_for(scale)
    started = time.monotonic()
    common.log(f"scale {scale:,}: generating on {', '.join(dbs)}")
    states, court_states, incident_states = generate(scale, dbs, fresh)
    results: dict[str, Any] = {}
    notes: list[str] = []
    try:
        for db in dbs:
            results[db] = {"generation": states[db], "load_average": os.getloadavg()}
            results[db].update(measure(scale, db, plan))
            results[db]["search_quality"] = search_quality.measure_on(
                scale, db, plan["quality_queries"]
            )
            (
                results[db]["http"],
                results[db]["court"],
                results[db]["incidents"],
                results[db]["floor"],
            ) = http_figures(scale, db, plan)
            results[db]["court"]["generation"] = court_states[db]
            results[db]["incidents"]["generation"] = incident_states[db]
            for part in ("court", "incidents"):
                if results[db][part]["generation"].get("reused"):
                    results[db][part]["generation"]["generation_seconds"] = None
            load = load_test(scale, db, plan)
            if load is not None:
                results[db]["load"] = load
    finally:
        if "postgresql" in dbs and not keep:
            note = common.drop_app_role(common.app_role_name(scale), [common.pg_name(scale)])
            if note:
                common.log(note)
                notes.append(note)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    part = f"reception-{scale}"
    now = {db: figures.figures_of(result) for db, result in results.items()}
    spreads = {db: figures.spreads_of(result) for db, result in results.items()}
    before = {db: figures.committed(part, db) for db in dbs}
    report = {
        "scale": scale,
        "date": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "databases": dbs,
        "plan": plan,
        "http_rounds": HTTP_ROUNDS,
        "machine": figures.machine(),
        "commit": figures.git_commit(),
        "seconds": round(time.monotonic() - started, 1),
        "figures": now,
        "compared_with": {db: (b or {}).get("date") for db, b in before.items()},
        "notes": notes,
        "results": results,
    }
    failures = [
        f"{db} {page}: {page_figures['failed']} failed requests"
        for db, result in results.items()
        for page, page_figures in result["http"].items()
        if page_figures["failed"]
    ]
    report["failures"] = failures
    title = f"scale {scale:,}"
    reused = [db for db in dbs if states[db].get("reused")]
    text = figures.table(scale, title, figures.FIGURES, now, spreads, before)
    if reused:
        text += (
            f"\n(generation: {', '.join(reused)} reused a database generated before; "
            "its timings are not this run's)"
        )
    quality = {db: result["search_quality"] for db, result in results.items()}
    text += "\n\n" + search_quality.table(scale, quality)
    report["table"] = text.splitlines()
    common.write_json(common.BENCH_DIR / f"reception-{scale}-{stamp}.json", report)
    common.write_json(common.BENCH_DIR / f"reception-{scale}-latest.json", report)
    print()
    print(text)
    print(
        f"\n(written to {common.BENCH_DIR}/reception-{scale}-{stamp}.json, {report['seconds']} s)"
    )
    report["save"] = lambda: [
        figures.save(
            part, db, now[db], spreads[db], scale=scale, plan=plan, http_rounds=HTTP_ROUNDS
        )
        for db in dbs
    ]
    return report


def letters_part(dbs: list[str]) -> tuple[str, Any]:
    """The sign-on letters benchmark (bench/letters.py), compared with its committed figures."""
    from bench import letters

    results: dict[str, Any] = {}
    for db in dbs:
        common.log(f"letters: {db}, {letters.SIGNATORIES:,} organizations")
        results[db] = letters.run_one(db, letters.SIGNATORIES)
    common.write_json(common.BENCH_DIR / "letters-latest.json", results)
    now = {
        db: {f.key: figures.value_at(r, f.path) for f in figures.LETTER_FIGURES}
        for db, r in results.items()
    }
    before = {db: figures.committed("letters", db) for db in dbs}
    title = f"sign-on letter, {letters.SIGNATORIES:,} organizations"
    text = figures.table(0, title, figures.LETTER_FIGURES, now, {db: {} for db in dbs}, before)

    def keep() -> list[Path]:
        return [
            figures.save("letters", db, now[db], {}, signatories=letters.SIGNATORIES) for db in dbs
        ]

    return text, keep


def save_from(path: Path) -> list[Path]:
    """The figures of a finished run (its `reception-<scale>-….json`, and the letters' figures
    written beside it) as the committed results, with that run's date, commit and machine."""
    report = json.loads(path.read_text())
    when = (
        report.get("date")
        or datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.UTC)
        .replace(microsecond=0)
        .isoformat()
    )
    measured = {"date": when, "commit": report["commit"], "machine": report["machine"]}
    more = {"scale": report["scale"], "plan": report["plan"], "http_rounds": HTTP_ROUNDS}
    written = [
        figures.save(
            f"reception-{report['scale']}",
            db,
            report["figures"][db],
            figures.spreads_of(report["results"][db]),
            **more,
            **measured,
        )
        for db in report["databases"]
    ]
    letters_path = path.with_name("letters-latest.json")
    if letters_path.exists():
        found = json.loads(letters_path.read_text())
        for db, result in found.items():
            now = {f.key: figures.value_at(result, f.path) for f in figures.LETTER_FIGURES}
            written.append(figures.save("letters", db, now, {}, **measured))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Salvaguarda benchmark (reception and court)")
    parser.add_argument("--scale", default="100000,1000000", help="people; comma-separated")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--fresh", action="store_true", help="generate again even if present")
    parser.add_argument(
        "--save", action="store_true", help="write the figures to bench/results/ (to commit)"
    )
    parser.add_argument(
        "--keep-role", action="store_true", help="leave the PostgreSQL role for another run"
    )
    parser.add_argument("--no-letters", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--save-from",
        help="write a finished run's figures (its reception-….json) to bench/results/",
    )
    args = parser.parse_args(argv)
    if args.save_from:
        written = save_from(Path(args.save_from))
        print("Saved: " + ", ".join(str(p.relative_to(common.ROOT)) for p in written))
        return 0
    common.BENCH_DIR.mkdir(parents=True, exist_ok=True)
    dbs = list(common.DATABASES) if args.db == "both" else [args.db]
    failures: list[str] = []
    saves = []
    for scale in (int(s) for s in str(args.scale).split(",") if s.strip()):
        report = run_scale(scale, dbs, args.fresh, args.keep_role)
        failures += [f"scale {scale}: {f}" for f in report["failures"]]
        saves.append(report.pop("save"))
    if not args.no_letters:
        text, keep = letters_part(dbs)
        print()
        print(text)
        saves.append(keep)
    if args.save:
        if failures:
            print("Not saved to bench/results/: some requests failed.")
        else:
            written = [path for write in saves for path in write()]
            print("Saved: " + ", ".join(str(p.relative_to(common.ROOT)) for p in written))
    if failures:
        print("BENCHMARK FAILED: some pages did not answer 200:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
