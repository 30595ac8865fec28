"""The Markdown a letter's text carries inside a line: links with any target (an address, a
relative path, "#", or none), emphasis (``*x*``, ``_x_``) and strong emphasis (``**x**``,
``__x__``), and footnote markers (``[^1]``). Every output (page, PDF, Word) lays out the same
spans, so a link is a link and emphasis is emphasis everywhere, never asterisks.

A target is followed only when it is safe: ``http(s)``, ``mailto``, a relative path or a
fragment; any other scheme (``javascript:``) keeps the label as plain text.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

_TOKEN = re.compile(
    r"(?P<link>\[(?P<label>[^\]\n]+)\]\((?P<target>[^)\s]*)\))"
    r"|(?P<note>\[\^(?P<mark>[^\]\s]+)\])"
    r"|(?P<strong>(?P<s>\*\*|__)(?=\S)(?P<strong_text>.+?)(?<=\S)(?P=s))"
    r"|(?P<em>(?<![\w*])(?P<e>[*_])(?=[^\s*_])(?P<em_text>.+?)(?<=[^\s*_])(?P=e)(?![\w*]))"
)
_SCHEME = re.compile(r"^([a-zA-Z][\w+.-]*):")


def safe(target: str) -> bool:
    """A target to follow: no scheme (relative, "#...", empty) or http(s) or mailto."""
    scheme = _SCHEME.match(target)
    return scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")


@dataclass(frozen=True)
class Span:
    text: str
    strong: bool = False
    em: bool = False
    target: str | None = None  # a link's target ("" when the link has none)
    note: bool = False  # a footnote marker


def spans(text: str, strong: bool = False, em: bool = False) -> list[Span]:
    """The line's spans, in order (nested emphasis and links inside emphasis included)."""
    out: list[Span] = []
    last = 0
    for m in _TOKEN.finditer(text):
        if m.start() > last:
            out.append(Span(text[last : m.start()], strong, em))
        if m["link"]:
            target = m["target"] if safe(m["target"]) else None
            for inner in spans(m["label"], strong, em):
                out.append(Span(inner.text, inner.strong, inner.em, target, inner.note))

        elif m["note"]:
            out.append(Span(m["mark"], strong, em, note=True))
        elif m["strong"]:
            out.extend(spans(m["strong_text"], True, em))
        else:
            out.extend(spans(m["em_text"], strong, True))
        last = m.end()
    if last < len(text):
        out.append(Span(text[last:], strong, em))
    return out


def plain(text: str) -> str:
    """The line's words without Markdown marks (links' labels kept)."""
    return "".join(f"[{s.text}]" if s.note else s.text for s in spans(text))


def line_html(text: str, part: Callable[[str], str] = escape) -> SafeString:
    """A line of the letter as HTML: everything escaped; links (any safe target), emphasis and
    footnote markers as `spans` reads them; line breaks kept. `part` writes the text of
    each span as HTML (escaped; the side-by-side view also marks figures in it)."""
    out = []
    for span in spans(text):
        html = mark_safe("<br>".join(part(piece) for piece in span.text.split("\n")))  # noqa: S308
        if span.note:
            html = format_html("<sup>{}</sup>", html)
        if span.em:
            html = format_html("<em>{}</em>", html)
        if span.strong:
            html = format_html("<strong>{}</strong>", html)
        if span.target is not None:
            html = format_html(
                '<a href="{}" rel="noopener noreferrer">{}</a>', span.target or "#", html
            )
        out.append(html)
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped
