from typing import Any

from django.core.management.base import BaseCommand

from salvaguarda.core.rotation import rotate_keys


class Command(BaseCommand):
    help = (
        "Re-wrap every data key under the current master key, give every organization a new "
        "data key (re-encrypting its data and blind indexes) and re-seal second factors. "
        "To rotate the master key, move the old one into SALVAGUARDA_PREVIOUS_MASTER_KEYS and "
        "set a new SALVAGUARDA_MASTER_KEY first (for every service). It runs while the "
        "application serves: an organization's saves wait while its data is re-encrypted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = rotate_keys()
        self.stdout.write(
            f"Data keys re-wrapped under the current master key: {report.data_keys_rewrapped}"
        )
        self.stdout.write(f"Organizations given a new data key: {report.organizations}")
        self.stdout.write(f"Records re-encrypted: {report.records}")
        self.stdout.write(f"Second factors re-sealed: {report.second_factors}")
        self.stdout.write(
            self.style.SUCCESS(
                "Done. Former master keys may now be removed from SALVAGUARDA_PREVIOUS_MASTER_KEYS."
            )
        )
