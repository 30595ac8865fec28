"""PostgreSQL: pg_dump run so that the dump holds every organization's rows, and its restore.

Every case table is under row-level security with FORCE (core/rls.py): as the application's
role, or the tables' owner, a dump either fails or (with --enable-row-security) silently holds
no case rows at all. So the dump is taken by a role that bypasses row-level security (the
documented `salvaguarda_backup` role: BYPASSRLS and read-only, or a superuser), checked before
anything is written, with `row_security = off` so that a role that does not bypass it fails
loudly instead of dumping nothing.

One repeatable-read transaction exports its snapshot; pg_dump dumps that very snapshot
(`--snapshot`) while the same transaction counts every table's rows. The dump is then read
back (`pg_restore --data-only` to standard output) and its rows counted table by table: any
difference from the live database's counts fails the backup.

pg_dump and pg_restore must be at least the server's major version: the ones of
BACKUP_PG_BIN_DIR, else Debian's /usr/lib/postgresql/<server major>/bin, else the PATH.
"""

import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from salvaguarda.core.backup.stream import BackupError

PART = "database.pgdump"
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "connect_timeout"}
COPY_LINE = re.compile(r"^COPY (\S+) .*FROM stdin;$")
USER_TABLES = """
    SELECT n.nspname, c.relname, c.relrowsecurity
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
    ORDER BY n.nspname, c.relname
"""
USER_RELATIONS = """
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
"""
BYPASSES_RLS = """
    SELECT EXISTS (
        SELECT 1 FROM pg_roles WHERE rolname = current_user AND (rolsuper OR rolbypassrls)
    )
"""


def table_name(schema: str, name: str) -> str:
    return name if schema == "public" else f"{schema}.{name}"


def connection_kwargs(settings_dict: dict[str, Any]) -> dict[str, Any]:
    """psycopg's arguments from a Django DATABASES entry."""
    kwargs: dict[str, Any] = {
        "dbname": settings_dict.get("NAME") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
    }
    options = settings_dict.get("OPTIONS") or {}
    kwargs.update({k: v for k, v in options.items() if k in LIBPQ_OPTIONS})
    return {k: v for k, v in kwargs.items() if v is not None}


def libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The same connection for pg_dump and pg_restore, through the environment: a password
    on their command line would show in the process list."""
    names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
    names |= {"host": "PGHOST", "port": "PGPORT", "connect_timeout": "PGCONNECT_TIMEOUT"}
    environment = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", "PGAPPNAME": "salvaguarda-backup"}
    for key, value in connection_kwargs(settings_dict).items():
        environment[names.get(key, "PG" + key.upper())] = str(value)
    return environment


def server_major(connection: psycopg.Connection[Any]) -> int:
    return int(connection.info.server_version) // 10000


def binary(name: str, major: int, bin_dir: str) -> str:
    """pg_dump or pg_restore of at least MAJOR, or BackupError saying what to install."""
    candidates = [Path(bin_dir) / name] if bin_dir else []
    candidates.append(Path(f"/usr/lib/postgresql/{major}/bin") / name)
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    for candidate in candidates:
        if not candidate.is_file():
            continue
        output = subprocess.run(  # noqa: S603
            [str(candidate), "--version"], capture_output=True, text=True, check=False
        ).stdout
        version = re.search(r"(\d+)(?:\.\d+)?", output)
        if version and int(version.group(1)) >= major:
            return str(candidate)
        if bin_dir:
            break
    raise BackupError(
        f"No {name} of PostgreSQL {major} or newer was found (the server is PostgreSQL {major}). "
        f"Install postgresql-client-{major}, or set BACKUP_PG_BIN_DIR to its bin folder."
    )


@dataclass
class Snapshot:
    """One repeatable-read, read-only transaction of the live database, exported to pg_dump."""

    connection: psycopg.Connection[Any]
    snapshot_id: str
    major: int
    version: str
    row_security_tables: set[str] = field(default_factory=set)

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(statement.encode())
            return cursor.fetchall()

    def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for schema, name, _rls in self.query(USER_TABLES):
            statement = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, name))
            with self.connection.cursor() as cursor:
                cursor.execute(statement)
                row = cursor.fetchone()
            found[table_name(schema, name)] = int(row[0]) if row else 0
        return found


@contextmanager
def snapshot(settings_dict: dict[str, Any]) -> Iterator[Snapshot]:
    try:
        connection = psycopg.connect(**connection_kwargs(settings_dict), autocommit=True)
    except psycopg.Error as error:
        raise BackupError(f"Cannot connect to PostgreSQL for the backup: {error}") from error
    try:
        with connection.cursor() as cursor:
            cursor.execute(BYPASSES_RLS)
            row = cursor.fetchone()
            if not (row and row[0]):
                raise BackupError(
                    f"The database role {connection.info.user!r} does not bypass row-level "
                    "security: its dump would hold no organization's rows. Back up as the "
                    "backup role (BYPASSRLS, read-only; docs/operations.md) given in "
                    "BACKUP_DATABASE_URL."
                )
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SET LOCAL row_security = off")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            exported = cursor.fetchone()
            assert exported is not None  # noqa: S101 - a SELECT without FROM returns one row
        yield Snapshot(
            connection=connection,
            snapshot_id=str(exported[0]),
            major=server_major(connection),
            version=str(exported[1]),
        )
    finally:
        connection.close()


def dump(snap: Snapshot, settings_dict: dict[str, Any], target: Path, bin_dir: str) -> str:
    """pg_dump the snapshot into TARGET (custom format). Returns pg_dump's version line."""
    pg_dump = binary("pg_dump", snap.major, bin_dir)
    result = subprocess.run(  # noqa: S603
        [
            pg_dump,
            "--format=custom",
            "--no-password",
            f"--snapshot={snap.snapshot_id}",
            f"--file={target}",
        ],
        env=libpq_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return _version(pg_dump)


def dump_counts(dump_file: Path, major: int, bin_dir: str) -> dict[str, int]:
    """The rows of each table inside a custom-format dump, read back with pg_restore."""
    pg_restore = binary("pg_restore", major, bin_dir)
    found: dict[str, int] = {}
    with subprocess.Popen(  # noqa: S603
        [pg_restore, "--data-only", "--file=-", str(dump_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
    ) as process:
        assert process.stdout is not None  # noqa: S101 - asked for with PIPE
        current: str | None = None
        for raw in process.stdout:
            line = raw.rstrip(b"\n")
            if current is None:
                if line.startswith(b"COPY "):
                    matched = COPY_LINE.match(line.decode("utf-8", "replace"))
                    if matched:
                        current = _unquote(matched.group(1))
                        found[current] = 0
            elif line == b"\\.":
                current = None
            else:
                found[current] += 1
        errors = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0:
        raise BackupError(f"pg_restore cannot read the dump back: {errors.strip()}")
    return found


def _unquote(qualified: str) -> str:
    schema, _, name = qualified.partition(".")
    return table_name(schema.strip('"'), name.strip('"'))


def _version(program: str) -> str:
    return subprocess.run(  # noqa: S603
        [program, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()


def is_empty(settings_dict: dict[str, Any]) -> bool:
    with psycopg.connect(**connection_kwargs(settings_dict)) as connection:
        row = connection.execute(USER_RELATIONS.encode()).fetchone()
    return bool(row and row[0] == 0)


def restore_database(part: Path, settings_dict: dict[str, Any], bin_dir: str) -> None:
    """pg_restore PART into the (empty) database, all in one transaction: on any error nothing
    stays. Objects belong to the restoring role (the tables' owner); privileges are granted
    afterwards with grant_app_role."""
    with psycopg.connect(**connection_kwargs(settings_dict)) as connection:
        major = server_major(connection)
    pg_restore = binary("pg_restore", major, bin_dir)
    result = subprocess.run(  # noqa: S603
        [
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            f"--dbname={settings_dict.get('NAME')}",
            str(part),
        ],
        env=libpq_environment(settings_dict),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed (nothing was restored): {result.stderr.strip()}")
