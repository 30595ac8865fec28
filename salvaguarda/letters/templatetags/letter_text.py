"""A letter's line as HTML in a template: `{{ line|letter_line }}` (links and emphasis as
`inline.line_html` writes them, everything else escaped)."""

from django import template
from django.utils.safestring import SafeString

from salvaguarda.letters.inline import line_html

register = template.Library()


@register.filter
def letter_line(text: str) -> SafeString:
    return line_html(str(text))
