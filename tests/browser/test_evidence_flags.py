"""A PDF that runs JavaScript when opened and a photo with a web page behind it, added to an
incident in a browser: both are kept, flagged in words on the incident's page, and the PDF's
copy to share, downloaded as a person would, has no script left."""

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pikepdf import Dictionary, Name, String
from PIL import Image

from salvaguarda.incidents.files import pdfs
from tests.browser.support import Session, demo_email, submit

pytestmark = pytest.mark.browser


def pdf_with_script() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.Root.OpenAction = pdf.make_indirect(
        Dictionary(S=Name.JavaScript, JS=String("app.alert('opened');"))
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def photo_with_a_page_behind() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue() + b"<html><script>alert(1)</script></html>"


def test_active_content_is_flagged_and_left_out_of_the_copy_to_share(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None], tmp_path: Path
) -> None:
    session = new_session(accept_downloads=True)
    page = session.page
    sign_in(page, demo_email("coordinacion.nld"))  # an account no other browser test uses
    page.goto("/incidentes/")
    page.get_by_test_id("incident-list").locator("a[href*='/incidentes/']").first.click()
    page.wait_for_url("**/incidentes/*-*-*-*-*/")
    incident_url = page.url
    page.locator("a[href$='/archivos/']").first.click()
    page.locator("input[type=file]").set_input_files(
        files=[
            {"name": "denuncia.pdf", "mimeType": "application/pdf", "buffer": pdf_with_script()},
            {"name": "foto.png", "mimeType": "image/png", "buffer": photo_with_a_page_behind()},
        ]
    )
    submit(page)
    page.wait_for_url(incident_url)

    flags = page.get_by_test_id("hidden-content")
    assert flags.count() >= 2
    text = " ".join(flags.all_inner_texts())
    assert "JavaScript" in text  # the PDF's finding, in words (Spanish or English)
    assert "pdf_javascript" not in text
    for width, height in ((1280, 900), (360, 780)):
        page.set_viewport_size({"width": width, "height": height})
        flags.last.scroll_into_view_if_needed()
        if os.environ.get("SALVAGUARDA_SCREENSHOTS"):
            page.screenshot(path=f"{os.environ['SALVAGUARDA_SCREENSHOTS']}/flags-{width}.png")

    def shared(has_text: str | re.Pattern[str]) -> bytes:  # the newest file showing HAS_TEXT
        item = page.get_by_test_id("evidence-file").filter(has_text=has_text).last
        with page.expect_download() as download:
            item.locator("a[href*='/para-compartir/']").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        return path.read_bytes()

    pdf = shared("JavaScript")
    assert pdf.startswith(b"%PDF-")
    assert pdfs.active_content(io.BytesIO(pdf)) == []
    assert b"app.alert" not in pdf
    png = shared(re.compile("Foto|Photo"))
    assert png.startswith(b"\x89PNG") and b"<html" not in png
