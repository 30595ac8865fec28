import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from salvaguarda.core.audit_check import verify
from salvaguarda.core.models import AuditChain


class Command(BaseCommand):
    help = (
        "Recompute every audit chain (HMAC under the audit key) and hold it against every "
        "anchor (AUDIT_ANCHOR_FILE and any --anchors file, e.g. a log server's copy). Exits "
        "non-zero, with one line per problem, when an entry was altered, removed or inserted, "
        "or the trail contradicts an anchor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            action="append",
            default=[],
            type=Path,
            metavar="FILE",
            help="Another file of anchor lines (a copy from the syslog server); may repeat.",
        )
        parser.add_argument(
            "--no-anchor-file",
            action="store_true",
            help="Do not read AUDIT_ANCHOR_FILE (only the --anchors files).",
        )
        parser.add_argument(
            "--restored-from",
            type=datetime.datetime.fromisoformat,
            metavar="TIME",
            help=(
                "The database was restored from a backup taken at TIME (ISO 8601): anchors "
                "written after it may record entries the backup does not hold."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        restored_from = options.get("restored_from")
        if isinstance(restored_from, str):  # call_command passes the value as given
            restored_from = datetime.datetime.fromisoformat(restored_from)
        report = verify(
            configured_anchors=not options["no_anchor_file"],
            extra_anchor_files=options["anchors"],
            restored_from=restored_from,
        )
        self.stdout.write(f"Checked {report.checked} audit events.")
        if report.anchor_files:
            self.stdout.write(
                f"Held against {report.anchors} anchors ({', '.join(report.anchor_files)})."
            )
        else:
            self.stdout.write("No anchor file to hold the trail against (AUDIT_ANCHOR_FILE).")
        for chain in AuditChain.objects.order_by("key"):
            self.stdout.write(f"head {chain.key} {chain.length} {chain.last_hash}")
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if not report.problems:
            self.stdout.write(self.style.SUCCESS("The audit trail is intact."))
            return
        for problem in report.problems:
            self.stderr.write(f"chain {problem.chain}, entry {problem.sequence}: {problem.reason}")
        unchecked = sum(problem.missing_key for problem in report.problems)
        if unchecked == len(report.problems):
            raise CommandError(
                "The audit trail cannot be verified: it was written with audit keys that are not "
                "configured. Set SALVAGUARDA_AUDIT_KEY (the master-key file gives it back) and "
                "run audit_verify again."
            )
        raise CommandError(
            f"The audit trail has been tampered with ({len(report.problems)} problems)."
            + (
                f" {unchecked} chains could not be checked: their audit keys are not configured."
                if unchecked
                else ""
            )
        )
