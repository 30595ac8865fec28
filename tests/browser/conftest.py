"""Browser tests: the real app in a subprocess, driven through Debian's Chromium by Playwright.

One server (own temporary directory, own database, demo network seeded) serves the whole session;
each test gets a fresh browser context, so cookies and storage never leak between tests. The
database is a SQLite file of its own, or, when the run's DATABASE_URL names a PostgreSQL server,
a fresh database on that server (`browser_<random>`), migrated and seeded by its owner and served
as the application's role, both plain roles (no superuser, no BYPASSRLS) as in production, so
row-level security applies; the database and the roles are dropped at the end.
Second-factor codes come from `manage.py demo_code`. A code is accepted once per 30 s step, so
each test signs in with its own demo account.
"""

import http.server
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.browser.support import LOCAL_HOST, ROOT, AppServer, Session, not_local, submit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START_TIMEOUT = 30.0
HARMLESS_PAGE = (
    b"<!doctype html><html lang='es'><head><meta charset='utf-8'><title>El clima</title></head>"
    b"<body><h1>El clima de hoy</h1><p>Soleado.</p></body></html>"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOCAL_HOST, 0))
        return int(sock.getsockname()[1])


def _unavailable(reason: str) -> None:
    """Skip locally, but never in CI: there a missing browser is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} Browser tests must run in CI (CI=true).", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package.")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed: pip install -e '.[dev]'.")
    return CHROMIUM


# --- The harmless page quick exit leads to ---------------------------------------------------


class _HarmlessHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(HARMLESS_PAGE)))
        self.end_headers()
        self.wfile.write(HARMLESS_PAGE)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def quick_exit_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer((LOCAL_HOST, 0), _HarmlessHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOCAL_HOST}:{server.server_address[1]}/clima"
    server.shutdown()
    server.server_close()


# --- The app, as a user runs it ---------------------------------------------------------------


def _server_env(var_dir: Path, quick_exit_url: str, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "TASKS_BACKEND"):
        env.pop(name, None)
    env.update(
        SALVAGUARDA_ENV="development",
        SALVAGUARDA_VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        QUICK_EXIT_URL=quick_exit_url,
        # The most talkative level: the canary test checks that nothing identifying is logged.
        LOG_LEVEL="DEBUG",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_until_up(server: AppServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    assert server.process is not None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The server stopped at start:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(f"{server.url}/cuenta/entrar/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"The server did not answer in {START_TIMEOUT} s:\n{server.log_text()}")


def _postgresql_server() -> str | None:
    """The run's DATABASE_URL when it names a PostgreSQL server, else None (SQLite)."""
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"} else None


def _with(url: str, *, database: str, user: str | None = None, password: str = "") -> str:
    """The same server's URL for another database (and, given, another role)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if user is not None:
        netloc = f"{user}:{password}@{netloc.rsplit('@', 1)[-1]}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, parts.fragment))


def _postgresql(server_url: str, *statements: str) -> None:
    """Run statements on the server's maintenance database, outside any transaction."""
    import psycopg

    with psycopg.connect(_with(server_url, database="postgres"), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)  # type: ignore[arg-type]  # names made here


class PostgresDatabase(NamedTuple):
    """The app server's own PostgreSQL database, by the roles that reach it."""

    owner_url: str  # a plain role that owns it: migrates and seeds
    app_url: str  # the application's plain role (`grant_app_role`): the app and its commands
    admin_url: str  # the run's own role (a superuser): for the tests' dumps only


@pytest.fixture(scope="session")
def app_database() -> Iterator[PostgresDatabase | None]:
    """On PostgreSQL, a fresh database and two plain roles, as in production (docs/operations.md);
    None means a SQLite file."""
    server_url = _postgresql_server()
    if server_url is None:
        yield None
        return
    name = f"browser_{secrets.token_hex(4)}"
    owner, app = f"{name}_owner", f"{name}_app"
    passwords = {owner: secrets.token_hex(16), app: secrets.token_hex(16)}
    plain = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
    _postgresql(
        server_url,
        *(f"CREATE ROLE {role} {plain} PASSWORD '{word}'" for role, word in passwords.items()),
        f"CREATE DATABASE {name} OWNER {owner}",
    )
    try:
        yield PostgresDatabase(
            owner_url=_with(server_url, database=name, user=owner, password=passwords[owner]),
            app_url=_with(server_url, database=name, user=app, password=passwords[app]),
            admin_url=_with(server_url, database=name),
        )
    finally:
        _postgresql(
            server_url,
            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
            *(f"DROP ROLE IF EXISTS {role}" for role in passwords),
        )


@pytest.fixture(scope="session")
def app_server(
    chromium_path: Path,
    quick_exit_url: str,
    app_database: PostgresDatabase | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AppServer]:
    var_dir = tmp_path_factory.mktemp("salvaguarda")
    database_url = app_database.owner_url if app_database else f"sqlite:///{var_dir / 'db.sqlite3'}"
    port = _free_port()
    server = AppServer(
        url=f"http://{LOCAL_HOST}:{port}",
        var_dir=var_dir,
        env=_server_env(var_dir, quick_exit_url, database_url),
        quick_exit_url=quick_exit_url,
    )
    server.manage("migrate", "--noinput", "-v0")
    server.manage("seed_demo", "--if-empty")
    if app_database is not None:
        server.manage("grant_app_role", urlsplit(app_database.app_url).username or "")
        server.env["DATABASE_URL"] = app_database.app_url
        server.postgresql_url = app_database.admin_url
    first_line = (var_dir / "demo-logins.txt").read_text(encoding="utf-8").splitlines()[0]
    server.password = first_line.split(":", 1)[1].strip()
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"{LOCAL_HOST}:{port}", "--noreload"],
            cwd=ROOT,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(server)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


# --- Browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_session(browser: Any, app_server: AppServer) -> Iterator[Callable[..., Session]]:
    """Open private windows on the app; each one is checked to have stayed on this machine."""
    opened: list[Session] = []

    def open_session(**options: Any) -> Session:
        options = {"locale": "es-MX", "timezone_id": "America/Tijuana", **options}
        context = browser.new_context(base_url=app_server.url, **options)
        context.set_default_timeout(10_000)
        requested: list[str] = []
        violations: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        session = Session(context, page, requested, violations)
        opened.append(session)
        return session

    yield open_session
    for session in opened:
        session.context.close()
    for session in opened:
        assert not_local(session.requested) == [], "a request left 127.0.0.1 and localhost"


@pytest.fixture
def sign_in(app_server: AppServer) -> Callable[[Any, str], None]:
    """Sign a page in as a demo account: e-mail and password, then the second factor."""

    def do_sign_in(page: Any, email: str) -> None:
        code = app_server.code_soon(email)
        page.goto("/")
        page.wait_for_url("**/cuenta/entrar/**")
        page.locator("#id_email").fill(email)
        page.locator("#id_password").fill(app_server.password)
        submit(page)
        page.wait_for_url("**/cuenta/entrar/codigo/**")
        page.locator("#id_code").fill(code())
        submit(page)
        page.wait_for_url(f"{app_server.url}/")
        assert page.locator("#logout").count() == 1

    return do_sign_in
