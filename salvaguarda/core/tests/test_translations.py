"""The translation check finds every string Spanish lacks, however its lines are wrapped."""

from django.test import SimpleTestCase

from salvaguarda.core.management.commands.check_translations import _untranslated

CATALOG = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "Save"
msgstr "Guardar"

msgid "Back"
msgstr ""

msgid ""
"A long message that makemessages wraps over "
"two lines."
msgstr ""

msgid ""
"A long message that is "
"translated."
msgstr ""
"Un mensaje largo que está "
"traducido."

#, python-format
msgid "%(days)s day"
msgid_plural "%(days)s days"
msgstr[0] "%(days)s día"
msgstr[1] ""
msgstr[2] "%(days)s días"

#, python-format
msgid "%(n)s signature"
msgid_plural "%(n)s signatures"
msgstr[0] "%(n)s firma"
msgstr[1] "%(n)s firmas"
msgstr[2] "%(n)s firmas"
"""


class UntranslatedTests(SimpleTestCase):
    def test_empty_wrapped_and_partly_empty_plural_translations_are_found(self) -> None:
        self.assertEqual(
            _untranslated(CATALOG),
            [
                "Back",
                "A long message that makemessages wraps over two lines.",
                "%(days)s day",
            ],
        )
