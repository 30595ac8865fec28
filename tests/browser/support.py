"""What the browser tests share: the app server handle, a browser session, small checks."""

import gettext
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
LOCAL_HOST = "127.0.0.1"
# WebAuthn refuses IP addresses, so the security-key test opens the same server as localhost.
LOCAL_NAMES = frozenset({LOCAL_HOST, "localhost"})
DEMO_DOMAIN = "demo.example.org"
SPANISH_CATALOG = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.mo"
# A small phone: every page must be usable at this width.
PHONE = {"width": 360, "height": 740}

# What this origin keeps in the browser, read from a page of the app.
STORAGE_STATE_JS = """async () => ({
    localStorage: localStorage.length,
    sessionStorage: sessionStorage.length,
    indexedDB: (await indexedDB.databases()).map((db) => db.name),
    caches: await caches.keys(),
})"""
NOTHING_STORED = {"localStorage": 0, "sessionStorage": 0, "indexedDB": [], "caches": []}


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def spanish(msgid: str) -> str | None:
    """The Spanish of a message, once locale/es translates it; None until then.

    Spanish is the default language, but the catalog is filled in later: until a message is
    translated, Spanish pages show the English msgid and only `<html lang>` tells them apart.
    """
    if not SPANISH_CATALOG.exists():
        return None
    with SPANISH_CATALOG.open("rb") as catalog:
        translated = gettext.GNUTranslations(catalog).gettext(msgid)
    return translated if translated != msgid else None


@dataclass
class AppServer:
    url: str
    var_dir: Path
    env: dict[str, str]
    quick_exit_url: str
    password: str = ""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    # On PostgreSQL, its database as the run's own role (for dumps); empty on SQLite.
    postgresql_url: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        # E-mail goes to files the tests read (`mails`), with links to this server.
        self.env.update(
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(self.mail_dir),
            BASE_URL=self.url,
        )

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    def mails(self) -> list[EmailMessage]:
        """The e-mails the app sent, oldest first (the file backend writes each connection's
        messages to a file of its own, each followed by a line of dashes)."""
        if not self.mail_dir.exists():
            return []
        found = []
        for file in sorted(self.mail_dir.iterdir(), key=lambda f: (f.stat().st_mtime_ns, f.name)):
            for raw in file.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if raw.strip():
                    found.append(message_from_bytes(raw, _class=EmailMessage, policy=default))
        return found

    @property
    def db_path(self) -> Path:
        return self.var_dir / "db.sqlite3"

    def database_contents(self) -> dict[str, bytes]:
        """What the database keeps, as stored: the SQLite file and its write-ahead log, or a
        data-only dump of the PostgreSQL database."""
        if self.postgresql_url:
            dump = subprocess.run(
                ["pg_dump", "--data-only", "--dbname", self.postgresql_url],
                capture_output=True,
                timeout=120,
                check=True,
            )
            return {"database": dump.stdout}
        wal = self.db_path.with_name(self.db_path.name + "-wal")
        return {
            "database": self.db_path.read_bytes(),
            "write-ahead log": wal.read_bytes() if wal.exists() else b"",
        }

    @property
    def log_path(self) -> Path:
        return self.var_dir / "server.log"

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def code(self, email: str) -> str:
        """The current second-factor code of a demo account (`manage.py demo_code`)."""
        return self.code_soon(email)()

    def code_soon(self, email: str) -> Callable[[], str]:
        """Start `demo_code` now (it takes a second to start Django), read the code later.

        A code stays valid for the current 30 s step and one step on either side, so asking
        for it while the browser types the password is safe and saves time.
        """
        process = subprocess.Popen(
            [sys.executable, "manage.py", "demo_code", email],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def read() -> str:
            out, err = process.communicate(timeout=60)
            words = out.split()
            assert process.returncode == 0 and len(words) == 2, f"demo_code failed: {out}{err}"
            assert words[0].isdigit() and len(words[0]) == 6, words
            return words[0]

        return read

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Session:
    """One browser context (a private window), its page, and what happened in it."""

    context: Any
    page: Any
    requested: list[str]
    csp_violations: list[str]


def not_local(urls: list[str]) -> list[str]:
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in {"data", "about", "blob"}
        and urlsplit(url).hostname not in LOCAL_NAMES
    ]


def html_lang(page: Any) -> str:
    return str(page.locator("html").get_attribute("lang"))


def submit(page: Any, button: str = "main form button[type=submit]") -> Any:
    """Press the main form's (first, or the given) button, wait for the answer and return it."""
    with page.expect_navigation() as navigation:
        page.locator(button).first.click()
    response = navigation.value
    # A real browser sends `Origin` (the Django test client does not): with a referrer policy
    # of "no-referrer" it would be `null` and every POST would fail the CSRF check.
    assert response is None or response.status != 403, (
        f"POST {page.url} was refused (403): the CSRF check failed in a real browser."
    )
    return response


def assert_fits(page: Any) -> None:
    """The page does not scroll sideways on a phone."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{page.url} scrolls sideways ({scroll_width} px)"


def fill_member(page: Any, index: int, fields: dict[str, str]) -> None:
    """Fill one member row of the registration form (`member-<index>-<field>`)."""
    for name, value in fields.items():
        locator = page.locator(f"#id_member-{index}-{name}")
        if name in ("relationship", "sex", "nationality", "birth_precision"):
            locator.select_option(value)
        else:
            locator.fill(value)


def unfold(page: Any, part: str) -> None:
    """Open a folded part of a form (its summary, by test id), as a person does."""
    page.get_by_test_id(part).locator("summary").first.click()
