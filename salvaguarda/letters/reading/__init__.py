"""Reading a sign-on letter as it circulates: one language version's text into its parts
(``parse``), and the numbers written in words or with any separator (``numbers``)."""

from salvaguarda.letters.reading.parse import parse_version

__all__ = ["parse_version"]
