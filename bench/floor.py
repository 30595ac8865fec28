"""A page's own cost against its raw-SQL floor, in the process (no HTTP, no concurrency).

    python -m bench.floor --scale N --db sqlite|postgresql --out F   (bench/run.py starts it)

The pages are the ones wrk loads (their request files, written by `bench.web prepare` and
`bench.court measure`): the person page, the people list, the at-risk list. Each request goes
through Django's WSGI handler as gunicorn would call it (every middleware, the session, the
organization's scope and row-level security, the audit entry, the template, gzip off as for
wrk), signed in with one of the benchmark caseworkers' sessions. For each request:

1. it is run once with every SQL statement captured (text, parameters, time in the call);
2. it is run again, timed: the *page* time;
3. the captured statements are sent again straight to the database driver's connection
   (psycopg or sqlite3, no Django at all), rows fetched, in one transaction rolled back at the
   end (so the audit entries are not written twice; the keys an insert must make unique are
   drawn again, see `fresh_keys`): the *floor*, what the database and the driver cost for the
   same work.

`ratio` = page p50 / floor p50: how many times its SQL the page costs. Django's query
building, the models, decryption, the template and the middleware are the difference. The
floor leaves out the commit (it is rolled back), so the ratio is, if anything, overstated.
"""

import argparse
import contextlib
import io
import json
import random
import re
import sys
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

from bench import common

# (page, request files, samples at most, seconds at most)
PAGES = (
    ("person", ("person",), 200, 60),
    ("list", ("list",), 100, 60),
    ("at_risk", ("at_risk", "at_risk_court"), 40, 90),
)
WARMUP = 5


def requests_of(
    paths: list[Path], count: int, rng: random.Random
) -> list[tuple[str, str, str, int]]:
    """(method, path, body, line) of wrk request files, `count` of them drawn at random. A
    line goes with the session wrk would send with it (line n: session n mod their count)."""
    lines: list[tuple[str, str, str, int]] = []
    for path in paths:
        for n, line in enumerate(path.read_text().splitlines()):
            if line:
                method, target, body = (line.split("\t") + ["", ""])[:3]
                lines.append((method, target, body, n))
    if len(lines) >= count:
        return rng.sample(lines, count)
    return [lines[n % len(lines)] for n in range(count)]


def environ(method: str, target: str, body: str, cookie: str) -> dict[str, Any]:
    path, _, query = target.partition("?")
    data = body.encode()
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": urllib.parse.unquote(path),
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(data),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if method == "POST":
        env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        env["CONTENT_LENGTH"] = str(len(data))
    return env


class Capture:
    """An execute wrapper keeping every statement with its parameters and time in the call."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any, bool]] = []
        self.seconds = 0.0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements.append((sql, params, many))


def call(handler: Any, env: dict[str, Any]) -> tuple[int, bytes]:
    """One request through the WSGI handler; its status and body (the response closed, so the
    request's end runs as under gunicorn)."""
    status: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
        status.append(line)

    response = handler(env, start_response)
    try:
        body = b"".join(response)
    finally:
        close = getattr(response, "close", None)
        if close is not None:
            close()
    return int(status[0].split()[0]), body


AUDIT_INSERT = 'INSERT INTO "core_auditevent" ('
SHIFT = 1 << 40  # far past any real position of a chain
HEX_UUID = re.compile(r"[0-9a-f]{32}")


def fresh_keys(sql: str, params: Any) -> Any:
    """An insert's parameters with what must be unique made new: the request inserted these
    rows already. UUIDs (and, on SQLite, their 32-digit hex form) are drawn again; the audit
    entries' chain positions move far out of the way. The same work for the database."""
    if not sql.startswith("INSERT INTO") or not params:
        return params
    moved = [
        uuid.uuid4()
        if isinstance(value, uuid.UUID)
        else uuid.uuid4().hex
        if isinstance(value, str) and HEX_UUID.fullmatch(value)
        else value
        for value in params
    ]
    if sql.startswith(AUDIT_INSERT):
        names = sql[len(AUDIT_INSERT) :].split(")", 1)[0].split(",")
        columns = [c.strip().strip('"') for c in names]
        at = columns.index("sequence")
        for row in range(len(moved) // len(columns)):
            moved[row * len(columns) + at] += SHIFT
    return moved


def replay(statements: list[tuple[str, Any, bool]]) -> float:
    """The statements again on the driver's own connection, in a transaction rolled back; ms."""
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    if sqlite:
        from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    if not sqlite:
        raw.autocommit = False
    cursor = raw.cursor()
    try:
        if sqlite:
            # One transaction for all of it: the request's own BEGINs (one per atomic block,
            # their commits not being statements) are left out.
            cursor.execute("BEGIN")
        for sql, params, many in statements:
            if sqlite and sql.lstrip().upper().startswith("BEGIN"):
                continue
            text = FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%") if sqlite else sql
            if many:
                cursor.executemany(text, params)
            elif params is None:
                cursor.execute(text)
            else:
                cursor.execute(text, fresh_keys(sql, params))
            if cursor.description is not None:
                cursor.fetchall()
    finally:
        if sqlite:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
        else:
            raw.rollback()
            raw.autocommit = True
        cursor.close()
    return (time.perf_counter() - started) * 1000


def measure_page(
    handler: Any, requests: list[tuple[str, str, str, int]], cookies: list[str], seconds: float
) -> dict[str, Any]:
    from django.db import connection

    for method, target, body, line in requests[:WARMUP]:
        call(handler, environ(method, target, body, cookies[line % len(cookies)]))
    pages: list[float] = []
    cpus: list[float] = []  # the process's own CPU: what the machine's load does not inflate
    floors: list[float] = []
    in_calls: list[float] = []
    counts: list[int] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds
    for method, target, body, line in requests:
        if time.monotonic() > deadline:
            break
        cookie = cookies[line % len(cookies)]
        capture = Capture()
        with connection.execute_wrapper(capture):
            call(handler, environ(method, target, body, cookie))
        started, cpu = time.perf_counter(), time.process_time()
        status, _body = call(handler, environ(method, target, body, cookie))
        pages.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
        floors.append(replay(capture.statements))
        in_calls.append(capture.seconds * 1000)
        counts.append(len(capture.statements))
    page_p50 = common.percentile(pages, 0.5)
    floor_p50 = common.percentile(floors, 0.5)
    return {
        "requests": len(pages),
        "statuses": {str(k): v for k, v in statuses.items()},
        "page_p50_ms": round(page_p50, 2),
        "page_p95_ms": round(common.percentile(pages, 0.95), 2),
        "page_cpu_p50_ms": round(common.percentile(cpus, 0.5), 2),
        "floor_p50_ms": round(floor_p50, 2),
        "floor_p95_ms": round(common.percentile(floors, 0.95), 2),
        "in_database_calls_p50_ms": round(common.percentile(in_calls, 0.5), 2),
        "queries_p50": common.percentile([float(c) for c in counts], 0.5),
        "queries_max": max(counts),
        "ratio": round(page_p50 / floor_p50, 2) if floor_p50 else None,
    }


def measure(scale: int, db: str, pages: list[str]) -> dict[str, Any]:
    common.setup_django()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    base = common.BENCH_DIR / f"requests-{scale}-{db}"
    cookies = [
        line for line in base.with_name(base.name + ".sessions").read_text().splitlines() if line
    ]
    rng = random.Random(17)
    results: dict[str, Any] = {}
    for page, names, samples, seconds in PAGES:
        if page not in pages:
            continue
        paths = [base.with_name(f"{base.name}.{name}") for name in names]
        if not all(p.exists() for p in paths):
            results[page] = {"missing": [str(p) for p in paths if not p.exists()]}
            continue
        requests = requests_of(paths, samples, rng)
        results[page] = measure_page(handler, requests, cookies, seconds)
        figures = results[page]
        common.log(
            f"{db}: {page} page in the process p50 {figures['page_p50_ms']} ms (CPU "
            f"{figures['page_cpu_p50_ms']} ms), its SQL "
            f"{figures['floor_p50_ms']} ms ({figures['queries_p50']:.0f} queries): "
            f"{figures['ratio']}× the floor"
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--db", choices=common.DATABASES, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--pages", default=",".join(p[0] for p in PAGES))
    args = parser.parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):
        result = measure(args.scale, args.db, args.pages.split(","))
    common.write_json(Path(args.out), result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
