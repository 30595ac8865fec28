"""A letter's line as HTML in a template: `{{ line|letter_line }}` (links and emphasis as
`inline.line_html` writes them, everything else escaped); a language's name in the interface's
language: `{{ code|language_name }}`, `{{ codes|language_names }}`."""

from django import template
from django.utils.safestring import SafeString

from salvaguarda.letters import languages
from salvaguarda.letters.inline import line_html

register = template.Library()


@register.filter
def letter_line(text: str) -> SafeString:
    return line_html(str(text))


@register.filter
def language_name(code: str) -> str:
    """ "en" as "English" (or "Inglés"): the language's name in the interface's language."""
    return languages.name(str(code))


@register.filter
def language_names(codes: list[str]) -> str:
    return ", ".join(languages.name(str(code)) for code in codes)
