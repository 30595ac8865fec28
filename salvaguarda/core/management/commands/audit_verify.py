from typing import Any

from django.core.management.base import BaseCommand, CommandError

from salvaguarda.core.audit import verify_chains
from salvaguarda.core.models import AuditChain


class Command(BaseCommand):
    help = (
        "Recompute every audit hash chain. Exits non-zero, with one line per problem, when an "
        "entry was altered, removed or inserted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, problems = verify_chains()
        self.stdout.write(f"Checked {checked} audit events.")
        # Keep these lines somewhere outside the database (a log server, a signed e-mail): a
        # later head that does not extend a recorded one shows the chain was rewritten.
        for chain in AuditChain.objects.order_by("key"):
            self.stdout.write(f"head {chain.key} {chain.length} {chain.last_hash}")
        if not problems:
            self.stdout.write(self.style.SUCCESS("The audit trail is intact."))
            return
        for problem in problems:
            self.stderr.write(f"chain {problem.chain}, entry {problem.sequence}: {problem.reason}")
        raise CommandError(f"The audit trail has been tampered with ({len(problems)} problems).")
