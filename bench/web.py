"""The HTTP part: signed-in sessions, request files for wrk, and the server and load runs.

`python -m bench.web prepare --scale N --db sqlite` (a Django process on the bench database)
creates 8 benchmark caseworkers with signed-in sessions (what a full sign-in leaves: the
session keys, a UserSession row, a CSRF secret in the session, since CSRF_USE_SESSIONS) and
writes the request files: person pages (GET) over many people, the list page over filter
combinations, and the list page searching by name (the form's searches saved as if posted:
the results pages they redirect to, GET). On PostgreSQL it also creates the
application role the server connects as (no superuser, no BYPASSRLS: row-level security
applies, as in production).

`serve()` and `load()` are used by bench/run.py: gunicorn on a free port of 127.0.0.1 and wrk
with bench/wrk/rotate.lua, 8 connections on 2 threads.
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench import common

CLIENTS = 8
CSRF_SECRET_LENGTH = 32
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "rotate.lua"
SESSION_COOKIE = "sg_session"  # settings.SESSION_COOKIE_NAME in development


def files(scale: int, db: str) -> dict[str, Path]:
    base = common.BENCH_DIR / f"requests-{scale}-{db}"
    return {
        "sessions": base.with_name(base.name + ".sessions"),
        "person": base.with_name(base.name + ".person"),
        "list": base.with_name(base.name + ".list"),
        "search": base.with_name(base.name + ".search"),
    }


# --- prepare (inside Django) ----------------------------------------------------------------


def make_sessions(org: Any) -> tuple[list[str], str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import CSRF_SESSION_KEY, _get_new_csrf_string
    from django.utils import timezone

    from salvaguarda.accounts.models import Membership, Role, User, UserSession
    from salvaguarda.accounts.queries import ACTIVE_MEMBERSHIP_SESSION_KEY
    from salvaguarda.accounts.services import SIGNED_IN_AT_KEY

    secret = _get_new_csrf_string()
    keys = []
    now = timezone.now()
    # The sessions of an earlier run are ended, so that runs do not pile them up.
    earlier = UserSession.objects.filter(user__email__endswith="@bench.invalid")
    SessionStore.get_model_class().objects.filter(
        session_key__in=earlier.values("session_key")
    ).delete()
    earlier.delete()
    for n in range(1, CLIENTS + 1):
        user, _ = User.objects.get_or_create(
            email=f"client{n}@bench.invalid", defaults={"full_name": f"Benchmark client {n}"}
        )
        if user.has_usable_password() or not user.password:
            user.set_unusable_password()
            user.save()
        membership, _ = Membership.objects.get_or_create(
            user=user, organization=org, defaults={"role": Role.CASEWORKER}
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[SIGNED_IN_AT_KEY] = now.timestamp()
        session[ACTIVE_MEMBERSHIP_SESSION_KEY] = str(membership.uuid)
        session[CSRF_SESSION_KEY] = secret
        session.create()
        UserSession.objects.create(
            user=user,
            session_key=session.session_key,
            started_at=now,
            last_seen_at=now,
            user_agent="wrk (benchmark)",
        )
        keys.append(session.session_key)
    return keys, secret


def list_bodies(rng: random.Random, secret: str, count: int) -> list[str]:
    from salvaguarda.people import vocab
    from salvaguarda.people.queries import AGE_BANDS

    cities = ["tijuana", "ciudad_juarez", "matamoros", "nuevo_laredo", "mexicali", "monterrey"]
    phases = ["MPP1", "MPP2", "MPP3", "EXPULSION", "EXPEDITED_REMOVAL", "DEPORTATION"]
    needs = [t.code for t in vocab.SPECIFIC_NEEDS.terms.values() if not t.extra.get("parent")]
    bodies = []
    for _ in range(count):
        chosen: dict[str, str] = {}
        for name in rng.sample(
            ["city", "period", "program_phase", "nationality", "age_band", "priority", "need"],
            rng.choice((1, 1, 2, 2, 3)),
        ):
            if name == "city":
                chosen["city"] = rng.choice(cities)
            elif name == "period":
                start = datetime.date(2019, 2, 1) + datetime.timedelta(days=rng.randint(0, 1500))
                chosen["returned_from"] = start.isoformat()
                span = rng.choice((7, 30, 90))
                chosen["returned_to"] = (start + datetime.timedelta(days=span)).isoformat()
            elif name == "program_phase":
                chosen["program_phase"] = rng.choice(phases)
            elif name == "nationality":
                chosen["nationality"] = rng.choice(("HND", "GTM", "SLV", "VEN", "HTI", "MEX"))
            elif name == "age_band":
                chosen["age_band"] = rng.choice([code for code, _y, _o in AGE_BANDS])
            elif name == "priority":
                chosen["priority"] = rng.choice(("urgent", "high", "standard"))
            else:
                chosen["need"] = rng.choice(needs)
        chosen["page"] = str(rng.choice((1, 1, 1, 2, 3)))
        bodies.append(urllib.parse.urlencode({"csrfmiddlewaretoken": secret, **chosen}))
    return bodies


def search_bodies(rng: random.Random, secret: str, people: list[Any]) -> list[str]:
    from bench.measure import exact_query, tolerant_query

    bodies = []
    for n, person in enumerate(people):
        text = exact_query(person, rng) if n % 2 == 0 else tolerant_query(person, rng)[1]
        fields = {"csrfmiddlewaretoken": secret, "name": text}
        if rng.random() < 0.2:
            fields["city"] = person.current_city
        bodies.append(urllib.parse.urlencode(fields))
    return bodies


def results_pages(bodies: list[str], clients: list[Any]) -> str:
    """The list's form is posted, kept on the server and answered with a redirect to its results
    page (post, redirect, get): each body is saved here as its author would have saved it, and
    the request file holds the results pages (GET). Line n is the search of client n mod 8,
    whose session wrk sends with it (rotate.lua pairs them so when 8 divides the line count:
    the last few bodies are left out for that)."""
    from django.http import QueryDict

    from salvaguarda.people import saved_searches
    from salvaguarda.people.forms_search import PersonSearchForm

    bodies = bodies[: len(bodies) - len(bodies) % len(clients)]
    lines = []
    for n, body in enumerate(bodies):
        data = QueryDict(body)
        form = PersonSearchForm(data)
        if not form.is_valid():
            raise SystemExit(f"The list's form refuses {body!r}: {form.errors.as_json()}")
        saved = saved_searches.saved_search_create(by=clients[n % len(clients)], data=form.typed())
        page = data.get("page", "1")
        suffix = f"?pagina={page}" if page != "1" else ""
        lines.append(f"GET\t/personas/busqueda/{saved.uuid}/{suffix}\t\n")
    return "".join(lines)


def prepare(scale: int, db: str) -> dict[str, Any]:
    from django.db import connection

    from salvaguarda.accounts.models import Organization, User
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.people.models import Person

    rng = random.Random(11)
    org = Organization.objects.get(short_name="BENCH-TIJ")
    sessions, secret = make_sessions(org)
    with organization_scope(org.pk):
        top = Person.objects.order_by("-id").values_list("id", flat=True).first() or 0
        sample_ids = rng.sample(range(1, top + 1), min(5000, top))
        uuids = [
            str(u) for u in Person.objects.filter(pk__in=sample_ids).values_list("uuid", flat=True)
        ]
        searched = list(Person.objects.filter(pk__in=sample_ids[:1000]))
    rng.shuffle(uuids)
    paths = files(scale, db)
    paths["sessions"].write_text("\n".join(f"{SESSION_COOKIE}={key}" for key in sessions) + "\n")
    paths["person"].write_text("".join(f"GET\t/personas/{u}/\t\n" for u in uuids))
    clients = [User.objects.get(email=f"client{n}@bench.invalid") for n in range(1, CLIENTS + 1)]
    with organization_scope(org.pk):
        paths["list"].write_text(results_pages(list_bodies(rng, secret, 2000), clients))
        paths["search"].write_text(results_pages(search_bodies(rng, secret, searched), clients))
        # For the check by hand: a search that finds people, by the first client.
        check_list = results_pages(["city=tijuana"] * CLIENTS, clients).split("\t", 2)[1]
    if connection.vendor == "postgresql":
        app_role(connection)
    return {
        "files": {k: str(v) for k, v in paths.items()},
        "check": {
            "person": uuids[0],
            "list": check_list,
            "csrf": secret,
            "cookie": f"{SESSION_COOKIE}={sessions[0]}",
        },
    }


def app_role(connection: Any) -> None:
    """The role the server connects as: may log in, owns nothing, row-level security applies.
    One per benchmark database (`common.app_role_name`), dropped at the end of the run."""
    from django.core.management import call_command

    scale = int(str(connection.settings_dict["NAME"]).rsplit("_", 1)[1])
    role = common.app_role_name(scale)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB")
    call_command("grant_app_role", role, verbosity=0)


# --- serve and load (no Django here) --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(db: str, scale: int, workers: int, log: Path, **extra_env: str) -> Iterator[int]:
    """gunicorn (sync workers) on a free port of 127.0.0.1, against the bench database (EXTRA_ENV:
    settings of the app's environment, e.g. the client-address header of bench/load.py)."""
    port = free_port()
    env = common.env_for(db, scale, app_role=db == "postgresql", **extra_env)
    command = [
        str(Path(common.PYTHON).with_name("gunicorn")),
        "salvaguarda.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "64",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    with log.open("ab") as out:
        server = subprocess.Popen(
            command, cwd=common.ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start: see {log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not listen within 60 s: see {log}")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def check(port: int, prepared: dict[str, Any]) -> None:
    """One person page and one list search by hand: signed in, 200, real content."""
    base = f"http://127.0.0.1:{port}"
    info = prepared["check"]
    headers = {"Cookie": info["cookie"]}

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    requests = [
        urllib.request.Request(f"{base}/personas/{info['person']}/", headers=headers),
        # The first client's first search's results (the list page after its redirect).
        urllib.request.Request(f"{base}{info['list']}", headers=headers),
    ]
    for request in requests:
        try:
            with opener.open(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1 only
                body = response.read().decode()
                status = response.status
        except urllib.error.HTTPError as exc:
            body, status = exc.read().decode(errors="replace"), exc.code
        if status != 200 or not re.search(r"P-\d{6}", body):
            raise SystemExit(
                f"{request.get_method()} {request.full_url} answered {status}, not a signed-in "
                f"page with people: {body[:300]!r}"
            )


def load(port: int, requests: Path, sessions: Path, seconds: int) -> dict[str, Any]:
    """wrk, 8 connections on 2 threads, rotating over the requests file; its done() JSON."""
    command = [
        "wrk",
        "-t",
        str(min(2, CLIENTS)),
        "-c",
        str(CLIENTS),
        "-d",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(WRK_SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        str(requests),
        str(sessions),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("WRK_JSON ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("WRK_JSON "))
    ms = {k: round(v / 1000, 1) for k, v in result.pop("latency_us").items()}
    result["latency_ms"] = ms
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["prepare"])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--db", choices=common.DATABASES, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    common.setup_django()
    result = prepare(args.scale, args.db)
    common.write_json(Path(args.out), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
