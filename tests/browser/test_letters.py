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
