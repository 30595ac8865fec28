"""Restoring a backup into an empty database and evidence folder, then checking it.

Nothing is written before the whole backup has been decrypted and every part matched its
SHA-256 in the manifest, the target database and folder were found empty, and the configured
master key was found to be the one that wraps the backup's data keys. Then the database and the
files are put in place and checked: every table's rows against the manifest, the audit trail
(`audit_verify`), a sample of every encrypted column of every organization decrypted, every
evidence file the database refers to present, and a sample of them decrypted to their SHA-256.
A failed check is reported, never hidden: the restored data should not be put in service then.
"""

import base64
import io
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader

from salvaguarda.core import anchors, keys
from salvaguarda.core.backup import postgres, sqlite, staging
from salvaguarda.core.backup.archive import backup_open
from salvaguarda.core.backup.stream import BackupError
from salvaguarda.core.rotation import encrypted_models
from salvaguarda.core.scoping import RLS_SETTING, organization_scope
from salvaguarda.lib import crypto


@dataclass
class Restored:
    manifest: dict[str, Any]
    tables: int = 0
    rows: int = 0
    values_decrypted: int = 0
    files_restored: int = 0
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)
    migrations_to_apply: int = 0
    notes: list[str] = field(default_factory=list)


def _database() -> Any:
    return connections["default"]


def _evidence_dir() -> Path:
    return Path(settings.SALVAGUARDA_EVIDENCE_DIR)


def _target_problems() -> list[str]:
    """The configured database and evidence folder must be empty."""
    connection = _database()
    problems = []
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        empty = sqlite.is_empty(Path(name))
    elif connection.vendor == "postgresql":
        empty = postgres.is_empty(connection.settings_dict)
    else:
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    if not empty:
        problems.append(
            f"The database {name} is not empty: restore only into a new, empty database "
            "(on PostgreSQL: CREATE DATABASE … OWNER the owner role)."
        )
    folder = _evidence_dir()
    if folder.exists() and any(folder.iterdir()):
        problems.append(
            f"The evidence folder {folder} is not empty: restore only into an empty folder."
        )
    return problems


def _known_problems(manifest: dict[str, Any]) -> list[str]:
    """What in the backup this installation cannot take: another kind of database, newer
    migrations, other master keys."""
    problems = []
    vendor = _database().vendor
    if manifest["engine"] != vendor:
        problems.append(
            f"This backup is of a {manifest['engine']} database and the configured database is "
            f"{vendor}: restore it into the same kind of database."
        )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in loader.disk_migrations
    ]
    if unknown:
        problems.append(
            f"The backup was made by a newer version of Salvaguarda ({len(unknown)} migrations "
            f"unknown here, e.g. {unknown[0]}): install that version first."
        )
    configured = set(keys.master_keys())
    missing = sorted(set(manifest["master_key_ids"]) - configured)
    if missing:
        problems.append(
            f"The backup's data keys are wrapped by master key {', '.join(missing)}, which is not "
            f"configured (configured: {', '.join(sorted(configured))}). Set "
            "SALVAGUARDA_MASTER_KEY (from the exported key file) first."
        )
    return problems


def _counts() -> dict[str, int]:
    connection = _database()
    if connection.vendor == "sqlite":
        connection.close()
        return sqlite.counts(Path(connection.settings_dict["NAME"]))
    found: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(postgres.BYPASSES_RLS)
        bypasses = cursor.fetchone()[0]
        cursor.execute(postgres.USER_TABLES)
        tables = cursor.fetchall()
        cursor.execute("SELECT id FROM accounts_organization")
        organizations = [row[0] for row in cursor.fetchall()]
        for schema, name, row_security in tables:
            quoted = f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(name)}"
            total = 0
            if row_security and not bypasses:
                # The owner is under row-level security too (FORCE): count one organization
                # at a time, in its scope.
                for organization in organizations:
                    cursor.execute(
                        "SELECT set_config(%s, %s, true)", [RLS_SETTING, str(organization)]
                    )
                    cursor.execute(
                        f"SELECT count(*) FROM {quoted} WHERE organization_id = %s",  # noqa: S608
                        [organization],
                    )
                    total += cursor.fetchone()[0]
                cursor.execute("SELECT set_config(%s, '', true)", [RLS_SETTING])
            else:
                cursor.execute(f"SELECT count(*) FROM {quoted}")  # noqa: S608
                total = cursor.fetchone()[0]
            found[postgres.table_name(schema, name)] = int(total)
    return found


def _check_counts(report: Restored) -> None:
    expected: dict[str, int] = report.manifest["tables"]
    found = _counts()
    report.tables, report.rows = len(found), sum(found.values())
    for table in sorted(set(expected) | set(found)):
        if expected.get(table) != found.get(table):
            report.problems.append(
                f"Table {table}: {expected.get(table)} rows in the backup, "
                f"{found.get(table)} restored."
            )


def _check_audit(report: Restored) -> None:
    """`audit_verify` as of the backup's time: the anchors written after it may record entries
    the backup does not hold (core.audit_check). Once it passes, a "restored" anchor says that
    the chains start again from here."""
    if "key_id" not in _columns("core_auditevent"):
        report.notes.append(
            "The backup predates the keyed audit trail: run `manage.py migrate`, then "
            f"`manage.py audit_verify --restored-from {report.manifest['created_at']}`."
        )
        return
    output = io.StringIO()
    try:
        call_command(
            "audit_verify",
            restored_from=report.manifest["created_at"],
            stdout=output,
            stderr=output,
        )
    except CommandError as error:
        report.problems.append(f"audit_verify: {error} {output.getvalue().strip()}")
        return
    report.notes += [
        line[6:] for line in output.getvalue().splitlines() if line.startswith("note: ")
    ]
    try:
        anchors.anchor_write(
            "restored", detail={"backup_created_at": report.manifest["created_at"]}
        )
    except (OSError, anchors.AnchorError) as error:
        report.problems.append(
            f"The audit anchor of this restore could not be written ({error}): until one is, "
            "audit_verify reports the anchors written after the backup as entries removed."
        )


def _spread(rows: Any, sample: int) -> list[Any]:
    """Up to SAMPLE rows: the oldest and the newest half (cheap on any size of table)."""
    first = list(rows.order_by("pk")[: (sample + 1) // 2])
    last = list(rows.order_by("-pk")[: sample // 2])
    seen = {row.pk for row in first}
    return first + [row for row in last if row.pk not in seen]


def _columns(table: str) -> set[str]:
    """The restored table's columns (a backup older than the code lacks the newest ones)."""
    connection = _database()
    with connection.cursor() as cursor:
        if table not in connection.introspection.table_names(cursor):
            return set()
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def _check_encrypted(report: Restored, sample: int) -> None:
    """Decrypt every encrypted column of up to SAMPLE rows of each model and organization."""
    keys.forget_cached_keys()
    Organization = apps.get_model("accounts", "Organization")
    specs = []
    for spec in encrypted_models():
        columns = _columns(spec.model._meta.db_table)
        present = [f for f in spec.encrypted if f.column in columns]
        if present:
            specs.append((spec.model, present))
    for organization_id in Organization.objects.values_list("pk", flat=True):
        with organization_scope(organization_id):
            for model, encrypted in specs:
                rows = model._base_manager.filter(organization_id=organization_id).only(
                    "uuid", "organization", *(f.name for f in encrypted)
                )
                for row in _spread(rows, sample):
                    for column in encrypted:
                        try:
                            getattr(row, column.attname)
                        except crypto.DecryptionError as error:
                            report.problems.append(
                                f"{model._meta.label} {row.pk}, {column.attname}: {error}"
                            )
                        else:
                            report.values_decrypted += 1


def _check_evidence(report: Restored, sample: int) -> None:
    """Every file the database refers to is there; SAMPLE per organization decrypt to the
    SHA-256 recorded in their row."""
    try:
        model = apps.get_model("incidents", "EvidenceFile")
    except LookupError:
        return
    # Evidence files are the incidents app's: its own reader opens them (key and context).
    from salvaguarda.incidents.files import sealed
    from salvaguarda.incidents.services import evidence_context, evidence_directory

    Organization = apps.get_model("accounts", "Organization")
    for organization_id in Organization.objects.values_list("pk", flat=True):
        directory = evidence_directory(organization_id)
        with organization_scope(organization_id):
            rows = model._base_manager.filter(organization_id=organization_id).only(
                "uuid", "organization", "stored_name", "file_key", "sha256"
            )
            for name in rows.values_list("stored_name", flat=True):
                if not (directory / name).is_file():
                    report.problems.append(f"Evidence file {organization_id}/{name} is missing.")
            for row in _spread(rows, sample):
                if not (directory / row.stored_name).is_file():
                    continue
                try:
                    digest = sealed.sealed_sha256(
                        directory,
                        row.stored_name,
                        key=base64.b64decode(row.file_key),
                        context=evidence_context(row.uuid),
                    )
                except crypto.DecryptionError as error:
                    report.problems.append(f"Evidence file {row.uuid}: {error}")
                    continue
                if digest != row.sha256:
                    report.problems.append(f"Evidence file {row.uuid} does not match its SHA-256.")
                else:
                    report.files_checked += 1


def _migrations_to_apply() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(_database())
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _undo(placed: list[Path], database_file: Path | None) -> None:
    """A restore that failed half-way takes back what it had put in place: the SQLite database
    file it wrote, the evidence files and folders it made; the target is then as empty as it
    was found. (A PostgreSQL restore is one transaction, all of it or nothing; if the evidence
    files fail after it, the database must be emptied before trying again, as the refusal of a
    database that is not empty then says.)"""
    _database().close()
    for item in reversed(placed):  # files before the folders holding them
        with suppress(OSError):
            if item.is_dir():
                item.rmdir()
            else:
                item.unlink(missing_ok=True)
    if database_file is not None:
        for name in (str(database_file), f"{database_file}-wal", f"{database_file}-shm"):
            Path(name).unlink(missing_ok=True)


def backup_restore(
    path: Path,
    *,
    key: bytes,
    sample: int = 20,
    pg_bin_dir: str = "",
    verify_only: bool = False,
    say: Callable[[str], object] = lambda line: None,
) -> Restored:
    """Restore PATH into the configured (empty) database and evidence folder, then check it.
    With VERIFY_ONLY, only decrypt and match every part. Raises BackupError when nothing was
    restored; a restore that fails a check returns its problems."""
    if not verify_only and (problems := _target_problems()):
        raise BackupError("Nothing was restored. " + " ".join(problems))
    folder = _evidence_dir()
    with staging.only_restore(folder.parent) as removed:
        if removed:
            say(f"Removed {len(removed)} staging folder(s) an interrupted restore left behind.")
        return _restore(path, key, folder, sample, pg_bin_dir, verify_only, say)


def _restore(
    path: Path,
    key: bytes,
    folder: Path,
    sample: int,
    pg_bin_dir: str,
    verify_only: bool,
    say: Callable[[str], object],
) -> Restored:
    work = Path(tempfile.mkdtemp(prefix=staging.PREFIX, dir=folder.parent))
    placed: list[Path] = []  # what this restore put in place, removed if it fails half-way
    database_file: Path | None = None
    try:
        say(f"Decrypting and checking {path} …")
        manifest = backup_open(path, key, work)
        report = Restored(manifest=manifest)
        say(
            f"The backup is intact: {manifest['engine']}, taken {manifest['created_at']}, "
            f"{len(manifest['parts'])} parts; its data keys are wrapped by master key "
            f"{', '.join(manifest['master_key_ids']) or '(none)'}."
        )
        if verify_only:
            return report
        if problems := _known_problems(manifest):
            raise BackupError("Nothing was restored. " + " ".join(problems))
        part = work / manifest["database"]["part"]
        say("Restoring the database …")
        connection = _database()
        if manifest["engine"] == "sqlite":
            connection.close()
            target = Path(connection.settings_dict["NAME"])
            sqlite.restore_database(part, target)  # whole, or the target left as it was
            database_file = target
        else:
            postgres.restore_database(part, connection.settings_dict, pg_bin_dir)
        say("Restoring the evidence files …")
        if not folder.exists():
            folder.mkdir(mode=0o700)
            placed.append(folder)
        for source in sorted((work / "evidence").glob("*/*")):
            target = folder / source.parent.name / source.name
            if not target.parent.exists():
                target.parent.mkdir(mode=0o700)
                placed.append(target.parent)
            shutil.move(source, target)
            placed.append(target)
            report.files_restored += 1
    except BaseException:
        _undo(placed, database_file)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say("Checking …")
    _check_counts(report)
    _check_audit(report)
    _check_encrypted(report, sample)
    _check_evidence(report, sample)
    report.migrations_to_apply = _migrations_to_apply()
    keys.forget_cached_keys()
    return report
