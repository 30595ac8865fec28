"""Sign-on letters with many signatories: import, the letter's page reads, every output, and
the public page's signatures (asked for, confirmed, approved), in the process.

    .venv/bin/python -m bench.letters [--signatories 2000] [--db sqlite|postgresql|both]

A two-language letter is written with `--signatories` organizations (one in ten a coalition of
five members, one in fifty listed twice under another spelling) and a tenth as many individuals,
into a database of its own (`var/bench/letters.sqlite3`, PostgreSQL `bench_letters`, made again
each run). Prints one table and writes `var/bench/letters-latest.json`.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import common

SAMPLES = 20
SIGNATORIES = 2000  # organizations listed (make bench uses this)


def letter_text(language: str, organizations: int) -> str:
    """A letter in one language with `organizations` numbered signatory lines."""
    spanish = language == "es"
    lines = [
        "Asunto: Protección para personas devueltas" if spanish else "Subject: Protection",
        "",
        "Ciudad de México, 12 de marzo de 2025" if spanish else "Mexico City, March 12, 2025",
        "",
        "Estimada Secretaria:" if spanish else "Dear Secretary:",
        "",
    ]
    for n in range(1, 13):
        lines += [
            (
                f"Párrafo {n}: documentamos {n * 1_013:,} devoluciones y el amparo 302/2020."
                if spanish
                else f"Paragraph {n}: we documented {n * 1_013:,} returns and amparo 302/2020."
            ),
            "",
        ]
    lines += ["Atentamente," if spanish else "Sincerely,", ""]
    lines += ["Organizaciones firmantes" if spanish else "Signatory organizations"]
    for n in range(1, organizations + 1):
        if n % 10 == 0:
            members = "; ".join(f"Albergue {n}-{m} A.C." for m in range(5))
            lines.append(f"{n}. Red Regional {n}: {members}")
        elif n % 50 == 1 and n > 1:
            lines.append(f"{n}. CENTRO COMUNITARIO {n - 2} AC")  # listed already, spelled again
        else:
            lines.append(f"{n}. Centro Comunitario {n} (CC{n}), México")
    lines += ["", "Personas firmantes" if spanish else "Individual signatories"]
    lines += [f"- Persona Firmante {n}, defensora" for n in range(1, organizations // 10 + 1)]
    return "\n".join(lines) + "\n"


def timed(function: Callable[[], Any], samples: int = SAMPLES) -> dict[str, float]:
    found = []
    for _ in range(samples):
        started = time.perf_counter()
        function()
        found.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(common.percentile(found, 0.5), 1),
        "p95_ms": round(common.percentile(found, 0.95), 1),
    }


def request_like() -> Any:
    """One transaction whose audit entries are appended at its end, as a request's are."""
    from contextlib import ExitStack

    from django.db import transaction

    from salvaguarda.core import audit

    stack = ExitStack()
    stack.enter_context(transaction.atomic())
    stack.enter_context(audit.deferred())
    return stack


def prepare(db: str) -> str:
    """A new, empty database; its URL."""
    if db == "sqlite":
        path = common.BENCH_DIR / "letters.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    name = common.pg_name("letters")
    with psycopg.connect(f"{common.PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{common.PG_SERVER}/{name}"


def measure(signatories: int) -> dict[str, Any]:
    """Inside a process whose DATABASE_URL is the new database."""
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from salvaguarda.accounts.models import Membership, Role, User
    from salvaguarda.accounts.services import organization_with_key
    from salvaguarda.core.scoping import organization_scope
    from salvaguarda.core.writes import update
    from salvaguarda.letters import (
        documents,
        output,
        queries,
        queries_signing,
        services,
        services_signing,
    )
    from salvaguarda.letters.models import Letter, SignatureRequest

    call_command("migrate", verbosity=0, interactive=False)
    org = organization_with_key(
        {"short_name": "BEN", "name": "Bench", "kind": "shelter", "city": "X", "state": "Y"}
    )
    user = User.objects.create_user(email="bench@example.org", password=None, full_name="B")
    Membership.objects.create(user=user, organization=org, role=Role.COORDINATOR)
    texts = {lang: letter_text(lang, signatories) for lang in ("es", "en")}
    results: dict[str, Any] = {"characters": sum(len(t) for t in texts.values())}

    with organization_scope(org.pk):
        started = time.perf_counter()
        with request_like():
            letter = services.letter_import(by=user, organization=org, texts=texts)
        results["import_ms"] = round((time.perf_counter() - started) * 1000)
        rows = letter.signatories.count()
        results["signatory_rows"] = rows
        update(letter, by=user, values={"status": Letter.Status.OPEN})
        page = services_signing.sign_on_page_open(by=user, letter=letter)
        version = letter.versions.get(language="es")
        file = queries.letter_file_for(user, letter.uuid)
        results["listed_twice"] = len(file.twice)
        with CaptureQueriesContext(connection) as queries_run:
            queries.letter_file_for(user, letter.uuid)
        results["letter_file_queries"] = len(queries_run)
        results["letter_file"] = timed(lambda: queries.letter_file_for(user, letter.uuid))
        results["public_letter"] = timed(lambda: queries_signing.public_letter(page, "es"))
        results["markdown"] = timed(lambda: output.markdown_of(letter, version))
        results["csv"] = timed(lambda: "".join(output.signatories_csv(letter)))
        results["pdf"] = timed(lambda: documents.pdf_of(letter, version), 5)
        results["docx"] = timed(lambda: documents.docx_of(letter, version), 5)

        asked = 200
        started = time.perf_counter()
        for n in range(asked):
            with request_like():
                services_signing.signature_request(
                    page=page,
                    letter=letter,
                    data={
                        "kind": "organization",
                        "name": f"Organización Nueva {n}",
                        "contact_name": "Contacto",
                        "email": f"firma{n}@example.org",
                        "authorized": True,
                        "language": "es",
                    },
                    address=f"198.51.{n // 250}.{n % 250}",
                )
        results["requests_per_s"] = round(asked / (time.perf_counter() - started), 1)
        pending = list(SignatureRequest.objects.all())
        for signature in pending:
            update(signature, by=user, values={"status": SignatureRequest.Status.PENDING})
        started = time.perf_counter()
        for signature in pending:
            with request_like():
                services_signing.signature_approve(by=user, signature=signature)
        results["approvals_per_s"] = round(len(pending) / (time.perf_counter() - started), 1)
    return results


def run_one(db: str, signatories: int) -> dict[str, Any]:
    url = prepare(db)
    env = common.env_for(
        db, 0, DATABASE_URL=url, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    )
    out = subprocess.run(
        [common.PYTHON, "-m", "bench.letters", "--measure", str(signatories)],
        env=env,
        cwd=common.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(signatories: int, results: dict[str, dict[str, Any]]) -> str:
    dbs = list(results)
    lines = [
        f"Sign-on letter, {signatories:,} organizations listed",
        "",
        "| | " + " | ".join(dbs) + " |",
    ]
    lines.append("|---|" + "---|" * len(dbs))

    def row(label: str, value: Callable[[dict[str, Any]], Any]) -> None:
        lines.append(f"| {label} | " + " | ".join(str(value(results[d])) for d in dbs) + " |")

    row("signatory rows (with coalition members)", lambda r: f"{r['signatory_rows']:,}")
    row("listed twice, found", lambda r: r["listed_twice"])
    row("import of both versions (ms)", lambda r: f"{r['import_ms']:,}")
    row("letter file read: queries", lambda r: r["letter_file_queries"])
    for key, label in (
        ("letter_file", "letter file read (aligned, drifts, duplicates)"),
        ("public_letter", "public page's letter"),
        ("markdown", "Markdown"),
        ("csv", "signatories CSV"),
        ("pdf", "PDF"),
        ("docx", "Word"),
    ):
        row(f"{label} p50 / p95 (ms)", lambda r, k=key: f"{r[k]['p50_ms']} / {r[k]['p95_ms']}")
    row("public signatures asked for, per second", lambda r: r["requests_per_s"])
    row("approvals per second", lambda r: r["approvals_per_s"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatories", type=int, default=SIGNATORIES)
    parser.add_argument("--db", choices=[*common.DATABASES, "both"], default="both")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    dbs = common.DATABASES if args.db == "both" else (args.db,)
    results = {}
    for db in dbs:
        common.log(f"letters: {db}, {args.signatories:,} organizations")
        results[db] = run_one(db, args.signatories)
    common.write_json(common.BENCH_DIR / "letters-latest.json", results)
    print(table(args.signatories, results))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
