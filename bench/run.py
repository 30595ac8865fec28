"""Run the reception benchmark: generate, measure, load the real pages, print one table.

    .venv/bin/python -m bench.run --scale 10000 [--db sqlite|postgresql|both] [--fresh]

For each scale and database: generate the synthetic network (or reuse it), measure search and
registration through the services, serve the app with gunicorn on 127.0.0.1 and load the
person file page and the filtered list page with wrk (8 connections), then print the table and
write `var/bench/reception-<scale>-<timestamp>.json` and `reception-<scale>-latest.json`.
The generation of the two databases runs in parallel (two processes); measurements do not.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import common, web

TARGETS = {"search_p95_ms": 100, "person_p95_ms": 100, "list_p95_ms": 150}


def plan_for(scale: int) -> dict[str, int]:
    """How long to load each page and how many samples, by scale."""
    if scale <= 20_000:
        return {"seconds": 3, "warmup": 2, "searches": 40, "families": 30, "workers": 4}
    if scale <= 200_000:
        return {"seconds": 10, "warmup": 2, "searches": 150, "families": 200, "workers": 4}
    return {"seconds": 15, "warmup": 3, "searches": 150, "families": 200, "workers": 4}


def run_python(module: str, args: list[str], db: str, scale: int, log: Path) -> None:
    command = [common.PYTHON, "-m", module, *args]
    with log.open("ab") as out:
        done = subprocess.run(
            command, cwd=common.ROOT, env=common.env_for(db, scale), stdout=out, stderr=out
        )
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise SystemExit(f"{module} {' '.join(args)} failed:\n{tail}")


def generate(scale: int, dbs: list[str], fresh: bool) -> dict[str, Any]:
    """Both databases at once: each generator is one process."""
    processes = {}
    for db in dbs:
        log = common.BENCH_DIR / f"generate-{scale}-{db}.log"
        out = log.open("ab")
        command = [common.PYTHON, "-m", "bench.generate", "--scale", str(scale), "--db", db]
        command += ["--fresh"] if fresh else []
        processes[db] = (
            subprocess.Popen(
                command, cwd=common.ROOT, env=common.env_for(db, scale), stdout=out, stderr=out
            ),
            log,
            out,
        )
    states = {}
    for db, (process, log, out) in processes.items():
        process.wait()
        out.close()
        if process.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
            raise SystemExit(f"generation on {db} failed:\n{tail}")
        lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
        states[db] = json.loads(lines[-1])
        common.log(
            f"{db}: {states[db]['people']:,} people "
            f"(generated in {states[db]['generation_seconds']:,} s at "
            f"{states[db]['people_per_second']:,} people/s)"
        )
    return states


def http_figures(scale: int, db: str, plan: dict[str, int]) -> dict[str, Any]:
    prepared_path = common.BENCH_DIR / f"prepared-{scale}-{db}.json"
    log = common.BENCH_DIR / f"run-{scale}-{db}.log"
    run_python(
        "bench.web",
        ["prepare", "--scale", str(scale), "--db", db, "--out", str(prepared_path)],
        db,
        scale,
        log,
    )
    prepared = json.loads(prepared_path.read_text())
    paths = {k: Path(v) for k, v in prepared["files"].items()}
    figures: dict[str, Any] = {}
    with web.serve(
        db, scale, plan["workers"], common.BENCH_DIR / f"gunicorn-{scale}-{db}.log"
    ) as port:
        web.check(port, prepared)
        for page in ("person", "list", "search"):
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
            figures[page] = result
            common.log(
                f"{db}: {page} page p50 {result['latency_ms']['p50']} ms, p95 "
                f"{result['latency_ms']['p95']} ms, {result['rps']} req/s"
            )
    return figures


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
    states = generate(scale, dbs, fresh)
    results: dict[str, Any] = {}
    for db in dbs:
        results[db] = {"generation": states[db], "load_average": os.getloadavg()}
        results[db].update(measure(scale, db, plan))
        results[db]["http"] = http_figures(scale, db, plan)
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
    report["table"] = text.splitlines()
    common.write_json(common.BENCH_DIR / f"reception-{scale}-{stamp}.json", report)
    common.write_json(common.BENCH_DIR / f"reception-{scale}-latest.json", report)
    print()
    print(text)
    print(f"\n(written to var/bench/reception-{scale}-{stamp}.json, {report['seconds']} s)\n")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Salvaguarda reception benchmark")
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
