"""A two-language sign-on letter imported in a browser: one drift and one duplicate resolved,
then the PDF downloaded."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from salvaguarda.letters.tests.letters import ENGLISH, SPANISH
from tests.browser.support import Session, demo_email, submit

pytestmark = pytest.mark.browser


def test_a_letter_is_imported_its_drift_and_duplicate_resolved_and_its_pdf_downloaded(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    page = new_session(accept_downloads=True).page
    sign_in(page, demo_email("caso.mty"))  # an account no other browser test uses

    page.goto("/cartas/importar/")
    page.locator("#id_es").fill(SPANISH)
    page.locator("#id_en").fill(ENGLISH)
    submit(page, "button.primary")
    page.wait_for_url("**/cartas/*-*-*-*-*/")
    letter_url = page.url
    drifts = page.get_by_test_id("drifts")
    assert "71,071 ≠ 71,701" in drifts.inner_text()
    assert page.get_by_test_id("merge").count() == 1

    # The drift: the English paragraph says 71,701; the Spanish one, 71,071.
    english = page.locator("td[lang=en]", has_text="71,701")
    english.get_by_test_id("edit-paragraph").click()
    page.wait_for_url("**/en/*/")
    text = page.locator("#id_text")
    text.fill(text.input_value().replace("71,701", "71,071"))
    submit(page, "button.primary")
    page.wait_for_url(letter_url)
    assert "71,701" not in page.get_by_test_id("drifts").inner_text()

    # The duplicate: Centro Prodh signs alone and inside Red Frontera; keep it once.
    submit(page, "[data-testid=merge]")
    assert page.get_by_test_id("merge").count() == 0
    assert page.get_by_test_id("organizations").inner_text().count("Centro Prodh") == 1

    with page.expect_download() as download:
        page.get_by_test_id("pdf-es").click()
    path = Path(download.value.path())
    assert path.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename == "carta-es.pdf"


CORPUS = Path(__file__).resolve().parents[2] / "salvaguarda/letters/tests/corpus"


def test_a_three_language_letter_with_english_as_reference_is_put_in_step_and_downloaded(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    """A letter of the corpus, as it circulated in Spanish, English and Portuguese: English is
    the reference; the Portuguese list's swapped organizations are put in the English order;
    the shelter listed inside two coalitions is kept once; each version's PDF downloads."""
    page = new_session(accept_downloads=True).page
    sign_in(page, demo_email("coordinacion.mty"))  # no other browser test signs it in
    letter = CORPUS / "cidh-audiencia-quedate"

    page.goto("/cartas/importar/")
    for language in ("es", "en", "pt"):
        page.locator(f"#id_{language}").fill((letter / f"{language}.md").read_text())
    page.locator("#id_reference").select_option("en")
    submit(page, "button.primary")
    page.wait_for_url("**/cartas/*-*-*-*-*/")
    letter_url = page.url
    drifts = page.get_by_test_id("drifts")
    order = drifts.locator("li[data-kind=signatory_order]", has_text="Monseñor Ramírez")
    assert order.count() == 1
    # English is the reference, compared with Portuguese: named in the interface's language.
    assert "Inglés, Portugués" in order.inner_text()
    assert page.get_by_test_id("reference-language").inner_text() == "Inglés"
    # Each version's addressees are on the page, with their titles.
    english = page.get_by_test_id("heading-en").get_by_test_id("addressee")
    assert english.count() == 2
    assert english.first.inner_text().splitlines() == [
        "Commissioner Lucía Arredondo Beltrán",
        "President, Inter-American Commission on Human Rights",
    ]

    # The order drift: the Portuguese list follows the English order.
    submit(page, "li[data-kind=signatory_order] [data-testid=follow-order]")
    page.wait_for_url(letter_url)
    assert page.locator("li[data-kind=signatory_order]").count() == 0

    # The duplicate across coalitions: Casa Hogar Nueva Esperanza is kept once.
    twice = page.locator("li[data-kind=in_two_coalitions]", has_text="Casa Hogar Nueva Esperanza")
    assert twice.count() == 1
    submit(page, "li[data-kind=in_two_coalitions] [data-testid=merge]")
    page.wait_for_url(letter_url)
    assert page.locator("li[data-kind=in_two_coalitions]").count() == 0
    organizations = page.get_by_test_id("organizations").inner_text()
    assert organizations.count("Casa Hogar Nueva Esperanza") == 1

    for language in ("es", "en", "pt"):
        with page.expect_download() as download:
            page.get_by_test_id(f"pdf-{language}").click()
        path = Path(download.value.path())
        assert path.read_bytes().startswith(b"%PDF-")
        assert download.value.suggested_filename == f"carta-{language}.pdf"


def test_a_duplicate_offers_both_entries_and_members_read_as_a_list_at_360_px(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    """Issue 15's trial: each entry listed twice can be the one kept (the fuller one first),
    the individual who also represents an organization is named on the button that removes
    them, and at 360 px each coalition member starts with a dash and wraps under its own text."""
    from salvaguarda.letters.tests.test_duplicate_choice import LETTER

    session = new_session(viewport={"width": 360, "height": 780}, is_mobile=True)
    page = session.page
    sign_in(page, demo_email("coordinacion.cjs"))  # no other browser test signs it in
    page.goto("/cartas/importar/")
    page.locator("#id_es").fill(LETTER)
    submit(page, "button.primary")
    page.wait_for_url("**/cartas/*-*-*-*-*/")
    letter_url = page.url

    cefn = page.locator("li[data-kind=alone_and_in_coalition]", has_text="CEFN")
    assert "quitar “CEFN”" in cefn.get_by_test_id("merge").inner_text()
    assert "Conservar “CEFN”" in cefn.get_by_test_id("merge-other").inner_text()
    represents = page.locator("li[data-kind=individual_represents]").get_by_test_id("merge")
    assert "Mariela Quintana Ortiz" in represents.inner_text()

    member = page.locator("ul.coalition-members > li").first
    dash = member.evaluate("li => getComputedStyle(li, '::before').content")
    assert dash == '"–"'
    # Keep the acronym instead: the full name goes, "CEFN" stays inside the coalition.
    submit(page, "li[data-kind=alone_and_in_coalition]:has-text('CEFN') [data-testid=merge-other]")
    page.wait_for_url(letter_url)
    organizations = page.get_by_test_id("organizations").inner_text()
    assert "Centro de Estudios Fronterizos Nogales" not in organizations
    assert "CEFN" in organizations


def test_a_43_organization_letter_at_360_px_is_one_short_line_a_signatory_until_reordered(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    """Issue 15's trial (point 3): at 360 px a letter of 43 organizations, two coalitions and
    20 individuals is not a 15,000 px page of controls. Each signatory is one entry without
    controls, nothing is cut off sideways; the reorder mode (a plain link) shows each entry's
    Change/↑/↓, and a move comes back to that mode. A member's role is shown after its name.
    With LETTERS_SCREENSHOTS=<dir>, both pages are saved there to be looked at."""
    import os

    folder = CORPUS / "sre-segob-reanudacion-43"
    session = new_session(viewport={"width": 360, "height": 780}, is_mobile=True)
    page = session.page
    sign_in(page, demo_email("coordinacion.mat"))  # no other browser test signs it in
    page.goto("/cartas/importar/")
    page.locator("#id_es").fill((folder / "es.md").read_text(encoding="utf-8"))
    page.locator("#id_en").fill((folder / "en.md").read_text(encoding="utf-8"))
    submit(page, "button.primary")
    page.wait_for_url("**/cartas/*-*-*-*-*/")
    letter_url = page.url
    shots = os.environ.get("LETTERS_SCREENSHOTS")

    def measured(name: str) -> tuple[int, int]:
        if shots:
            page.screenshot(path=f"{shots}/letter-360-{name}.png", full_page=True)
        return page.evaluate(
            "() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
        )

    height, width = measured("compact")
    assert page.get_by_test_id("move-up").count() == 0
    assert page.get_by_test_id("edit-signatory").count() == 0
    assert width <= 360, width
    # Each signatory (and each coalition member) is one entry, most of them one line, none
    # over three: no controls under it. The rest of the page (the versions side by side,
    # drifts, duplicates) keeps it over 6,000 px at 360 px; 14,663 px with the controls.
    tallest = page.evaluate(
        """() => {
          const lines = [...document.querySelectorAll(
            "[data-testid=organizations] > li, [data-testid=individuals] > li, "
            + "ul.coalition-members > li")];
          return Math.max(...lines.map(li => {
            const own = li.querySelector("ul") ? li.firstChild : li;
            const range = document.createRange();
            range.selectNodeContents(own);
            const line = parseFloat(getComputedStyle(li).lineHeight) || 24;
            return (li.querySelector("ul") ? range.getBoundingClientRect().height
                    : li.getBoundingClientRect().height) / line;
          }));
        }"""
    )
    assert tallest <= 3.2, tallest  # the longest: a member and its representative, 3 lines
    assert height < 13500, height
    roles = page.get_by_test_id("member-role").all_inner_texts()
    assert "— representada por Sofía Martell Ruiz" in roles

    page.get_by_test_id("reorder").click()
    page.wait_for_url("**reordenar=1*")
    organizations = page.get_by_test_id("organizations")
    second = organizations.locator(":scope > li").nth(1)
    name = second.inner_text().split("\n")[0]
    assert page.get_by_test_id("move-up").count() > 43
    reordering_height, width = measured("reorder")
    assert width <= 360, width
    print(f"\n360 px: {height} px compact, {reordering_height} px in the reorder mode")  # noqa: T201
    with page.expect_navigation():
        second.get_by_test_id("move-up").first.press("Enter")  # a keyboard user's move
    first = organizations.locator(":scope > li").first.inner_text()
    assert first.startswith("1. ") and name[3:] in first
    page.get_by_test_id("reorder-done").click()
    page.wait_for_url(letter_url + "*")
    assert page.get_by_test_id("move-up").count() == 0
