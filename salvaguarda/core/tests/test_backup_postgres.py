"""PostgreSQL only: who may dump, a dump that misses rows is never kept, the owner restores."""

import uuid
from unittest import mock, skipUnless

from django.db import connection, connections
from django.test import SimpleTestCase, override_settings

from salvaguarda.core import keys
from salvaguarda.core.backup import postgres
from salvaguarda.core.backup.restore import backup_restore
from salvaguarda.core.backup.stream import BackupError
from salvaguarda.core.tests.test_backup import (
    BACKUP_KEY,
    BackupCase,
    connection_to,
    live_counts,
    swapped_default,
)

ON_POSTGRES = connection.vendor == "postgresql"


@skipUnless(ON_POSTGRES, "PostgreSQL only (run with DATABASE_URL=postgres://…)")
class DumpRoleTests(BackupCase):
    def role(self, attributes: str) -> dict[str, object]:
        """A login role of the cluster (dropped after the test), as the backup's connection."""
        name = f"sg_test_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {name} LOGIN {attributes}")
            cursor.execute(f"GRANT pg_read_all_data TO {name}")

        def drop() -> None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP ROLE IF EXISTS {name}")

        self.addCleanup(drop)
        return {**connection.settings_dict, "USER": name, "PASSWORD": ""}

    def test_a_role_under_row_level_security_is_refused_before_anything_is_written(self) -> None:
        # The application's role, or the tables' owner: FORCE applies row-level security to
        # both, so their dump would hold no organization's rows.
        settings_dict = self.role("NOSUPERUSER NOBYPASSRLS")
        with self.assertRaisesMessage(BackupError, "does not bypass row-level security"):
            self.make(postgres_settings=settings_dict)
        self.assertEqual([p.name for p in (self.folder / "backups").iterdir()], [".lock"])

    def test_the_backup_role_with_bypassrls_dumps_every_row(self) -> None:
        made = self.make(postgres_settings=self.role("NOSUPERUSER BYPASSRLS"))
        self.assertEqual(made.manifest["tables"]["people_person"], len(self.people))
        self.assertGreater(made.manifest["tables"]["court_hearing"], 0)

    def test_the_tables_owner_restores_and_every_check_passes_under_row_level_security(
        self,
    ) -> None:
        # Not a superuser: the restored tables are under FORCE row-level security for their
        # owner too, so the checks count and decrypt one organization at a time.
        made = self.make()
        before = live_counts()
        owner = self.role("NOSUPERUSER NOBYPASSRLS")
        database = f"{connection.settings_dict['NAME']}_owner_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}" OWNER {owner["USER"]}')
        try:
            with (
                swapped_default(connection_to({**owner, "NAME": database})),
                override_settings(SALVAGUARDA_EVIDENCE_DIR=self.folder / "restored-evidence"),
            ):
                report = backup_restore(made.path, key=BACKUP_KEY, sample=50)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM people_person")
                    visible_without_scope = cursor.fetchone()[0]
                keys.forget_cached_keys()
        finally:
            with connections["default"].cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.assertEqual(report.problems, [])
        self.assertEqual(report.rows, sum(made.manifest["tables"].values()))
        self.assertEqual(made.manifest["tables"]["people_person"], before["people_person"])
        self.assertEqual(visible_without_scope, 0)  # row-level security came back with it

    def test_a_dump_that_holds_fewer_rows_than_the_database_is_not_kept(self) -> None:
        real = postgres.dump_counts

        def one_person_missing(*args: object) -> dict[str, int]:
            counts = real(*args)  # type: ignore[arg-type]
            counts["people_person"] -= 1
            return counts

        with (
            mock.patch.object(postgres, "dump_counts", one_person_missing),
            self.assertRaisesMessage(BackupError, "people_person: 12 in the database, 11 in"),
        ):
            self.make()
        self.assertEqual([p.name for p in (self.folder / "backups").iterdir()], [".lock"])


class BinaryTests(SimpleTestCase):
    def test_a_pg_dump_older_than_the_server_is_not_used(self) -> None:
        with self.assertRaisesMessage(BackupError, "Install postgresql-client-99"):
            postgres.binary("pg_dump", 99, "")
