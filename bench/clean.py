"""Remove what the benchmark made: its PostgreSQL databases and roles, and var/bench/.

    .venv/bin/python -m bench.clean [--scale 10000]   (make bench-clean [SCALE=10000])

Without --scale: every database named bench_… (the scales', bench_letters, and those of
named runs), every role named salvaguarda_bench_app…, and the folder var/bench/ (SQLite
databases, request files, logs, the benchmark's own development secrets, run figures). With
--scale: only that scale's database, role and files. With BENCH_NAME set: only that name's
databases, roles and folder (var/bench/<name>/). The committed figures in bench/results/
are kept. A database or role still in use by another process is dropped all the same (its
connections are ended).
"""

import argparse
import shutil
import sys

from bench import common


def pg_targets(scale: int | None) -> tuple[list[str], list[str]]:
    """(databases, roles) of the benchmark on the server, all or one scale's."""
    import psycopg

    if scale is not None:
        databases, roles = [common.pg_name(scale)], [common.app_role_name(scale)]
    else:
        prefix = f"bench_{common.NAME}_" if common.NAME else "bench_"
        role_prefix = f"{common.PG_APP_ROLE}_{common.NAME}_" if common.NAME else common.PG_APP_ROLE
        with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
            databases = [
                row[0]
                for row in conn.execute("SELECT datname FROM pg_database ORDER BY datname")
                if row[0].startswith(prefix)
            ]
            roles = [
                row[0]
                for row in conn.execute("SELECT rolname FROM pg_roles ORDER BY rolname")
                if row[0].startswith(role_prefix)
            ]
    return databases, roles


def clean(scale: int | None) -> list[str]:
    import psycopg

    done: list[str] = []
    try:
        done += drop_on_server(scale)
    except psycopg.OperationalError as exc:
        done.append(f"PostgreSQL not reached ({exc.__class__.__name__}): nothing dropped there")
    if scale is None:
        if common.BENCH_DIR.exists():
            shutil.rmtree(common.BENCH_DIR)
            done.append(f"{common.BENCH_DIR.relative_to(common.ROOT)}/ removed")
    else:
        for pattern in (f"*-{scale}-*", f"*-{scale}.*", f"bench-{scale}.sqlite3*"):
            for path in common.BENCH_DIR.glob(pattern):
                if path.is_file():
                    path.unlink()
        done.append(
            f"files of scale {scale:,} under {common.BENCH_DIR.relative_to(common.ROOT)}/ removed"
        )
    return done


def drop_on_server(scale: int | None) -> list[str]:
    """Drop the roles (their privileges first), then the databases."""
    import psycopg

    done: list[str] = []
    databases, roles = pg_targets(scale)
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        present = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
    existing = [name for name in databases if name in present]
    for role in roles:
        note = common.drop_app_role(role, _databases_of(role, existing))
        if "left" in note:  # still connected: those connections are ended
            with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                    [role],
                )
            note = common.drop_app_role(role, _databases_of(role, existing))
        if note:
            done.append(note)
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        for name in existing:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            done.append(f"database {name} dropped")
    return done


def _databases_of(role: str, databases: list[str]) -> list[str]:
    """The databases a role may hold privileges in: its scale's, else all of the benchmark's."""
    scale = role.rsplit("_", 1)[-1]
    own = [name for name in databases if name.endswith(f"_{scale}")]
    return own or databases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, help="only this scale")
    args = parser.parse_args(argv)
    for line in clean(args.scale):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
