"""Links with any target and emphasis, read once for every output."""

from salvaguarda.letters.inline import Span, line_html, plain, spans


def test_links_with_any_target_and_emphasis_are_read() -> None:
    found = spans("Ver [el informe](#anexo), [aquí]() y **muy** _grave_[^1].")
    assert Span("el informe", target="#anexo") in found
    assert Span("aquí", target="") in found
    assert Span("muy", strong=True) in found
    assert Span("grave", em=True) in found
    assert Span("1", note=True) in found
    assert plain("Ver [el informe](../a.pdf) *ya*") == "Ver el informe ya"


def test_an_unsafe_target_is_plain_text_and_html_is_escaped() -> None:
    html = line_html("[x](javascript:alert(1)) <b>y</b> [r](informe.pdf) **z**")
    assert "javascript" not in html
    assert "&lt;b&gt;y&lt;/b&gt;" in html
    assert '<a href="informe.pdf" rel="noopener noreferrer">r</a>' in html
    assert "<strong>z</strong>" in html and "**" not in html
