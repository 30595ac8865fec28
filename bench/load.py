"""Load tests through gunicorn and wrk, on a benchmark database made by bench/generate.py.

    # the mixed load: sign-in, search, person page, registration, hearing list, API calls,
    # 8 clients for 10 minutes, then the audit trail verified
    .venv/bin/python -m bench.load mix --scale 100000 --db postgresql --seconds 600

    # one page alone (the at-risk list, the person page...), 8 clients
    .venv/bin/python -m bench.load page --scale 100000 --db postgresql --page at_risk --seconds 30

The server is gunicorn (sync workers, `--workers`, 4 by default) on 127.0.0.1 as
`bench/web.py` starts it (on PostgreSQL as the application role, row-level security on); the
clients are wrk with 8 connections (`bench/wrk/load.lua` for the mix, on 8 threads, one
connection each; `bench/wrk/rotate.lua` for one page, on 2 threads). wrk sends each next request
as soon as the answer came (a closed loop): the rate it reaches is the highest the server holds
for 8 clients, and the latencies are what they wait, queueing included. In the mix each client
is one person at a computer of their own, as the rate limits count them: an address of its own
(the server reads it from X-Forwarded-For, as behind deploy/nginx) and an API token of its own.
Each request of the mix is checked: a 200 without a form error, or the 302 a sign-in or a
registration answers; a 429 (a rate limit answering) is counted apart; anything else counts as
an error. The answers are tallied by kind of request and status, and printed. After the mix,
`manage.py audit_verify` recomputes the audit chains: every page read, sign-in and registration
of the run wrote its entry.

Prints one JSON line and writes `var/bench/load-<kind>-<scale>-<db>-latest.json`.
"""

import argparse
import datetime
import json
import os
import random
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench import common, web

LOAD_SCRIPT = Path(__file__).resolve().parent / "wrk" / "load.lua"
# One connection a wrk thread: load.lua then knows which request each answer is for, and
# tallies the answers by kind of request and status.
THREADS = web.CLIENTS
CLIENT_NUMBERS = range(1, web.CLIENTS + 1)
# Each client is a person at a computer of their own: wrk's thread n sends
# "X-Forwarded-For: 10.8.0.n" and the server takes the client's address from that header, as
# behind the reverse proxy of deploy/nginx (one trusted proxy). Without it, the 8 clients
# would be one address, and the limits per address (API, sign-in) would count 8 people as one.
SERVER_ENV = {"CLIENT_ADDRESS_HEADER": "X-Forwarded-For", "TRUSTED_PROXIES": "1"}
PASSWORD_LENGTH = 24
# The mix, in requests per 100: what a shelter's day looks like, reads first.
MIX = {"person": 30, "search": 20, "hearings": 15, "api": 20, "sign_in": 5, "register": 10}
LINES = 6000


# --- prepare (inside Django) ----------------------------------------------------------------


def _anonymous_sessions(count: int) -> list[tuple[str, str]]:
    """Sessions as the sign-in page leaves them before the form is sent: a CSRF secret."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_SESSION_KEY, _get_new_csrf_string

    found = []
    for _ in range(count):
        secret = _get_new_csrf_string()
        session = SessionStore()
        session[CSRF_SESSION_KEY] = secret
        session.create()
        found.append((session.session_key or "", secret))  # the secret is a valid token too
    return found


def _sign_in_user(org: Any) -> tuple[str, str]:
    """A caseworker who signs in with a password (the second factor is the page after)."""
    import secrets

    from salvaguarda.accounts.models import Membership, Role, User

    password = secrets.token_urlsafe(PASSWORD_LENGTH)
    user, _ = User.objects.get_or_create(
        email="signin@bench.invalid", defaults={"full_name": "Benchmark sign-in"}
    )
    user.set_password(password)
    user.save()
    Membership.objects.get_or_create(
        user=user, organization=org, defaults={"role": Role.CASEWORKER}
    )
    return user.email, password


def _api_tokens(org: Any) -> list[str]:
    """A token of each benchmark client's own (client n's, sent by wrk's thread n), as each
    caseworker or integration has its own: the API's limit per token is for one client."""
    from salvaguarda.accounts import api_tokens
    from salvaguarda.accounts.models import Membership

    members = Membership.objects.filter(
        organization=org, user__email__in=[f"client{n}@bench.invalid" for n in CLIENT_NUMBERS]
    ).select_related("user")
    by_email = {member.user.email: member for member in members}
    secrets = []
    for n in CLIENT_NUMBERS:
        member = by_email[f"client{n}@bench.invalid"]
        _token, secret = api_tokens.api_token_create(
            by=member.user, membership=member, name="load test", days=30
        )
        secrets.append(secret)
    return secrets


def _registration(rng: random.Random, token: str) -> str:
    given = rng.choice(["Ana", "María José", "Wilmer", "Yesenia", "Kevin", "Rosa Elena"])
    fields = {
        "csrfmiddlewaretoken": token,
        "member-TOTAL_FORMS": "1",
        "member-INITIAL_FORMS": "0",
        "member-MIN_NUM_FORMS": "1",
        "member-MAX_NUM_FORMS": "1000",
        "member-0-given_names": given,
        "member-0-first_surname": rng.choice(["Hernández", "López", "García", "Martínez"]),
        "member-0-year_of_birth": str(rng.randint(1960, 2005)),
        "city": "tijuana",
        "consent": "on",
        "consent_language": "spa",
    }
    return urllib.parse.urlencode(fields)


def _saved_searches(org: Any, sessions: list[str], bodies: list[str]) -> list[tuple[str, str]]:
    """The name searches, posted as the list page posts them (saved, each by the client whose
    session will open its results): their results pages, with that client's cookie. The
    ranking runs when the results page is read, as in the app."""
    from django.http import QueryDict
    from django.urls import reverse

    from salvaguarda.accounts.models import User
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people import saved_searches
    from salvaguarda.people.forms_search import PersonSearchForm

    found = []
    with organization_scope(org.pk):
        for n, body in enumerate(bodies):
            client = n % web.CLIENTS
            form = PersonSearchForm(QueryDict(body))
            if not form.is_valid():
                continue
            user = User.objects.get(email=f"client{client + 1}@bench.invalid")
            saved = saved_searches.saved_search_create(by=user, data=form.typed())
            path = reverse("people:search_results", args=[saved.uuid])
            found.append((path, f"{web.SESSION_COOKIE}={sessions[client]}"))
    return found


def prepare(scale: int, db: str) -> dict[str, Any]:
    """Sessions, a token and the request file of the mix; the audit chain length before."""
    from django.db import connection

    from salvaguarda.accounts.models import Organization
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.court.models import Hearing
    from salvaguarda.people.models import Person

    rng = random.Random(16)  # noqa: S311 - a benchmark's choices, not a secret
    org = Organization.objects.get(short_name="BENCH-TIJ")
    sessions, secret = web.make_sessions(org)
    email, password = _sign_in_user(org)
    tokens = _api_tokens(org)
    with organization_scope(org.pk):
        top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
        sample = rng.sample(range(1, top + 1), min(3000, top))
        uuids = [
            str(u) for u in Person.objects.filter(pk__in=sample).values_list("uuid", flat=True)
        ]
        searched = list(Person.objects.filter(pk__in=sample[:600]))
        coming = Hearing.objects.filter(starts_at__gte=datetime.datetime.now(datetime.UTC))
        moments = list(coming.order_by("starts_at").values_list("starts_at", flat=True)[:5000])
        days = sorted({moment.date() for moment in moments[::50]})
    searches = _saved_searches(org, sessions, web.search_bodies(rng, secret, searched))
    kinds = [kind for kind, weight in MIX.items() for _ in range(weight)]
    anonymous = _anonymous_sessions(LINES * MIX["sign_in"] // 100 + 10)
    lines = []
    for n in range(LINES):
        kind = kinds[rng.randrange(len(kinds))]
        if kind == "person":
            lines.append(f"GET\t/personas/{rng.choice(uuids)}/\t\t-\t")
        elif kind == "search":  # the results page of a search posted before (the ranking)
            path, cookie = rng.choice(searches)
            lines.append(f"GET\t{path}\t\t{cookie}\t")
        elif kind == "hearings":
            lines.append(f"GET\t/corte/?day={rng.choice(days)}\t\t-\t")
        elif kind == "api":
            if rng.random() < 0.5:
                path = f"/api/v1/people/{rng.choice(uuids)}"
            else:
                path = f"/api/v1/people?page={rng.randint(1, 20)}"
            # Line n is sent by wrk's thread n mod THREADS + 1 (load.lua): its own token.
            lines.append(f"GET\t{path}\t\t\tBearer {tokens[n % THREADS]}")
        elif kind == "sign_in":
            key, csrf = anonymous.pop()
            body = urllib.parse.urlencode(
                {"csrfmiddlewaretoken": csrf, "email": email, "password": password}
            )
            lines.append(f"POST\t/cuenta/entrar/\t{body}\t{web.SESSION_COOKIE}={key}\t")
        else:
            lines.append(f"POST\t/personas/nueva/\t{_registration(rng, secret)}\t-\t")
        lines[-1] += f"\t{kind}"  # load.lua tallies the answers by it
    base = common.BENCH_DIR / f"load-mix-{scale}-{db}"
    requests_file = base.with_name(base.name + ".requests")
    sessions_file = base.with_name(base.name + ".sessions")
    requests_file.write_text("\n".join(lines) + "\n")
    # The warm-up's requests: the same but the sign-ins (each session signs in only once).
    warm_file = base.with_name(base.name + ".warm")
    warm_file.write_text("\n".join(x for x in lines if _kind_of(x) != "sign_in") + "\n")
    sessions_file.write_text("\n".join(f"{web.SESSION_COOKIE}={k}" for k in sessions) + "\n")
    if connection.vendor == "postgresql":
        web.app_role(connection)
    counts = {kind: sum(1 for line in lines if _kind_of(line) == kind) for kind in MIX}
    return {
        "requests": str(requests_file),
        "warm": str(warm_file),
        "sessions": str(sessions_file),
        "lines": counts,
    }


def _kind_of(line: str) -> str:
    """The kind of a line of the requests file: its last field."""
    return line.rsplit("\t", 1)[-1]


# --- run (no Django here) ---------------------------------------------------------------------


def _django(args: list[str], db: str, scale: int, log: Path) -> str:
    command = [common.PYTHON, *args]
    env = common.env_for(db, scale)
    done = subprocess.run(command, cwd=common.ROOT, env=env, capture_output=True, text=True)
    with log.open("a") as out:
        out.write(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done.stdout


def wrk(port: int, script: Path, requests: Path, sessions: Path, seconds: int) -> dict[str, Any]:
    command = [
        "wrk", "-t", str(THREADS), "-c", str(web.CLIENTS), "-d", f"{seconds}s",
        "--timeout", "30s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}",
        "--", str(requests), str(sessions), str(THREADS),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("WRK_JSON "))
    result["latency_ms"] = {k: round(v / 1000, 1) for k, v in result.pop("latency_us").items()}
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


def run_mix(scale: int, db: str, seconds: int, workers: int) -> dict[str, Any]:
    log = common.BENCH_DIR / f"load-mix-{scale}-{db}.log"
    prepared = json.loads(
        _django(["-m", "bench.load", "prepare", "--scale", str(scale), "--db", db], db, scale, log)
        .strip()
        .splitlines()[-1]
    )
    with web.serve(
        db, scale, workers, common.BENCH_DIR / f"gunicorn-load-{scale}-{db}.log", **SERVER_ENV
    ) as port:
        # Warm-up: each worker's first requests load what it needs (a minute on a busy machine).
        warm = wrk(port, LOAD_SCRIPT, Path(prepared["warm"]), Path(prepared["sessions"]), 60)
        figures = wrk(
            port, LOAD_SCRIPT, Path(prepared["requests"]), Path(prepared["sessions"]), seconds
        )
    for line in answers_table(figures):
        common.log(line)
    started = time.monotonic()
    verified = _django(["manage.py", "audit_verify"], db, scale, log)
    return {
        "kind": "mix",
        "scale": scale,
        "db": db,
        "seconds": seconds,
        "workers": workers,
        "clients": web.CLIENTS,
        "mix_per_100": MIX,
        "lines": prepared["lines"],
        "warmup": {
            "requests": warm["requests"],
            "errors": warm["errors"],
            "limited": warm["limited"],
            "by_kind": warm["by_kind"],
        },
        "figures": figures,
        "audit_verify": verified.strip().splitlines()[-3:],
        "audit_verify_seconds": round(time.monotonic() - started, 1),
        "load_average": os.getloadavg(),
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def answers_table(figures: dict[str, Any]) -> list[str]:
    """The answers of a run by kind of request: right ones, 429s, and each wrong status."""
    rows = []
    for kind, outcomes in sorted(figures["by_kind"].items()):
        wrong = {k: n for k, n in sorted(outcomes.items()) if k not in ("ok", "429")}
        listed = ", ".join(f"{n} × {k}" for k, n in wrong.items()) or "none"
        rows.append(
            f"  {kind:<9} {sum(outcomes.values()):>6} answers, {outcomes.get('ok', 0):>6} right, "
            f"{outcomes.get('429', 0):>4} × 429 (a rate limit); wrong: {listed}"
        )
    socket = figures["socket"]
    return [
        f"load test: {figures['requests']} requests, {figures['errors']} errors, "
        f"{figures['limited']} answered 429, {figures['no_answer']} without an answer; "
        f"wrk's socket errors: {socket['connect']} connect, {socket['read']} read, "
        f"{socket['write']} write, {socket['timeout']} time-outs (over 30 s)",
        *rows,
    ]


PAGES = {
    "at_risk": ["GET\t/corte/en-riesgo/\t"],
    "at_risk_court": [
        f"GET\t/corte/en-riesgo/?court={court}\t"
        for court in ("SDI", "ELP", "HAR", "SAA", "LRD", "BRO")
    ],
}


def run_page(scale: int, db: str, page: str, seconds: int, workers: int) -> dict[str, Any]:
    """One page alone: the person page (from bench/web.py's files) or an at-risk list."""
    log = common.BENCH_DIR / f"load-page-{scale}-{db}.log"
    prepared_path = common.BENCH_DIR / f"prepared-load-{scale}-{db}.json"
    on_db = ["--scale", str(scale), "--db", db]
    _django(["-m", "bench.web", "prepare", *on_db, "--out", str(prepared_path)], db, scale, log)
    files = json.loads(prepared_path.read_text())["files"]
    requests = Path(files["person"]) if page == "person" else None
    if requests is None:
        requests = common.BENCH_DIR / f"load-page-{page}-{scale}-{db}.requests"
        requests.write_text("\n".join(PAGES[page]) + "\n")
    with web.serve(
        db, scale, workers, common.BENCH_DIR / f"gunicorn-load-{scale}-{db}.log"
    ) as port:
        web.load(port, requests, Path(files["sessions"]), 45)  # warm-up: each worker's first
        figures = web.load(port, requests, Path(files["sessions"]), seconds)
    return {
        "kind": "page",
        "page": page,
        "scale": scale,
        "db": db,
        "seconds": seconds,
        "workers": workers,
        "figures": figures,
        "load_average": os.getloadavg(),
        "at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Load tests through gunicorn and wrk.")
    parser.add_argument("action", choices=["mix", "page", "prepare"])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--db", choices=common.DATABASES, required=True)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--page", choices=["person", *PAGES], default="at_risk")
    args = parser.parse_args(argv)
    if args.action == "prepare":  # inside Django (started by `mix`)
        common.setup_django()
        print(json.dumps(prepare(args.scale, args.db)))
        return 0
    if args.action == "mix":
        result = run_mix(args.scale, args.db, args.seconds, args.workers)
    else:
        result = run_page(args.scale, args.db, args.page, args.seconds, args.workers)
    name = args.page if args.action == "page" else "mix"
    common.write_json(common.BENCH_DIR / f"load-{name}-{args.scale}-{args.db}-latest.json", result)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
