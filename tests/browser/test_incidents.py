"""An incident documented in a browser from a person's file: a kidnapping with extortion of
relatives by phone, with a photo; then found in the list by act and place."""

import io
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from PIL import ExifTags, Image

from tests.browser.support import Session, demo_email, submit, unfold

pytestmark = pytest.mark.browser


def photo_with_location() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (28.0, 42.0, 0.0)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 60, 30)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_kidnapping_with_extortion_and_a_photo_is_documented_and_found(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    page = new_session().page
    sign_in(page, demo_email("caso.pns"))  # an account no other browser test uses
    given = "Yadira" + uuid.uuid4().hex[:6]

    page.goto("/personas/nueva/")
    page.locator("#id_member-0-given_names").fill(given)
    page.locator("#id_member-0-first_surname").fill("Cálix")
    page.locator("#id_city").select_option(index=1)
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    person_url = page.url

    # From the person's file, in one flow.
    page.locator("a[href*='/incidentes/persona/']").click()
    page.wait_for_url("**/incidentes/persona/*/nuevo/")
    page.locator("#id_occurred_from").fill("2025-02-14")
    # The acts come folded in one control; opened, the most frequent ones are chips.
    assert not page.get_by_test_id("act-chip-kidnapping").is_visible()
    unfold(page, "act-picker")
    page.get_by_test_id("act-chip-kidnapping").click()
    page.get_by_test_id("act-chip-extortion_relatives").click()
    # The HURIDOCS list comes folded and is loaded when opened; it narrows as one types, in
    # Spanish or English.
    assert not page.get_by_test_id("act-filter").is_visible()
    assert page.locator("li[data-s]").count() == 0
    unfold(page, "act-list")
    page.get_by_test_id("act-filter").fill("extorsion")
    assert page.locator("li[data-s*='extortion']").first.is_visible()
    assert page.locator("li[data-s]").count() == 532
    page.locator("#id_summary").fill("Secuestro al salir de la central; llamaron a su hermano.")
    page.locator("#id_source").select_option("direct_testimony")
    unfold(page, "part-more")
    page.locator("#id_testimony").fill("Nos subieron a una camioneta y pidieron dinero.")
    page.locator("#id_person-role").select_option("victim")  # starts blank: no safe default
    unfold(page, "part-place")
    page.locator("#id_state").select_option("05")
    page.locator("#id_municipality").fill("Piedras Negras")
    page.locator("#id_place_type").select_option("bus_station")
    unfold(page, "part-people")
    page.locator("#id_perpetrator-0-kind").select_option("organized_crime")
    page.locator("#id_perpetrator-0-how_many").fill("3")
    unfold(page, "part-consents")
    page.locator("input[name='consent-uses'][value='statistics']").check()
    unfold(page, "part-files")
    page.locator("#id_files-evidence").set_input_files(
        files=[{"name": "brazo.jpg", "mimeType": "image/jpeg", "buffer": photo_with_location()}]
    )
    submit(page, "button.primary")
    page.wait_for_url("**/incidentes/*-*-*-*-*/")
    acts = page.get_by_test_id("acts").inner_text()
    assert "Secuestro" in acts and "Extorsión a familiares" in acts
    evidence = page.get_by_test_id("evidence-file")
    assert evidence.count() == 1
    assert "SHA-256" in evidence.inner_text()
    reference = page.locator("h1").inner_text().split()[-1]

    # The person's file lists it.
    page.goto(person_url)
    assert reference in page.get_by_test_id("person-incidents").inner_text()

    # The list finds it by act and place, and not by another act.
    page.goto("/incidentes/?act=kidnapping&state=05&municipality=piedras+negras")
    assert reference in page.get_by_test_id("incident-list").inner_text()
    page.goto("/incidentes/?act=robbery&state=05")
    assert reference not in page.get_by_test_id("incident-list").inner_text()
