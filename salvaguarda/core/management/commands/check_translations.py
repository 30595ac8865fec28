import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

IGNORE = ["tests/*", "*/tests/*"]
SOURCES = ["salvaguarda", "templates", "static", "locale"]
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.mo")
LANGUAGES = ["es", "en"]
VOLATILE = re.compile(r'^"POT-Creation-Date:.*\n', re.MULTILINE)
KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def _untranslated(catalog: str) -> list[str]:
    """The msgids of the catalog with an empty translation (a plural with any form empty),
    however their lines are wrapped."""
    found = []
    for entry in catalog.split("\n\n")[1:]:  # the first entry is the header
        values: dict[str, str] = {}
        key = ""
        for line in entry.splitlines():
            if matched := KEYWORD.match(line):
                key, values[matched[1]] = matched[1], matched[2]
            elif line.startswith('"') and key:
                values[key] += line[1:-1]
        translations = [v for k, v in values.items() if k.startswith("msgstr")]
        if values.get("msgid") and (not translations or not all(translations)):
            found.append(values["msgid"])
    return found


class Command(BaseCommand):
    help = "Fail if the translation catalogs are out of date or Spanish has untranslated strings."

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(settings.BASE_DIR)
        committed = base / "locale"
        problems = []
        with tempfile.TemporaryDirectory() as tmp:
            # makemessages writes next to the sources it reads: work on a copy, never in place.
            for folder in SOURCES:
                shutil.copytree(base / folder, Path(tmp) / folder, ignore=COPY_IGNORE)
            fresh = Path(tmp) / "locale"
            cwd = os.getcwd()
            os.chdir(tmp)
            try:
                with override_settings(LOCALE_PATHS=[fresh]):
                    call_command(
                        "makemessages",
                        locale=LANGUAGES,
                        no_location=True,
                        no_obsolete=True,
                        ignore_patterns=IGNORE,
                        verbosity=0,
                    )
            finally:
                os.chdir(cwd)
            for language in LANGUAGES:
                name = f"{language}/LC_MESSAGES/django.po"
                old = VOLATILE.sub("", (committed / name).read_text(encoding="utf-8"))
                new = VOLATILE.sub("", (fresh / name).read_text(encoding="utf-8"))
                if old != new:
                    problems.append(f"locale/{name} is out of date: run `make messages`.")
        spanish = (committed / "es/LC_MESSAGES/django.po").read_text(encoding="utf-8")
        if "#, fuzzy" in spanish.split("\n\n", 1)[1]:
            problems.append("locale/es has fuzzy translations.")
        untranslated = _untranslated(spanish)
        if untranslated:
            problems.append(
                f"locale/es has {len(untranslated)} untranslated strings, e.g. {untranslated[0]!r}."
            )
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write("Translation catalogs are current.")
