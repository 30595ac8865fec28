"""Finding the right person on a phone: a misspelt surname and a birth year put her first among
namesakes, the results have an address without her name, and Back returns to them."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import Session, demo_email, submit

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _assert_fits(page: Any) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{page.url} scrolls sideways ({scroll_width} px)"


def _register(page: Any, given: str, first: str, second: str, born: str) -> str:
    """One person through the registration form; the URL of their file."""
    page.goto("/personas/nueva/")
    page.locator("#id_member-0-given_names").fill(given)
    page.locator("#id_member-0-first_surname").fill(first)
    page.locator("#id_member-0-second_surname").fill(second)
    page.locator("#id_member-0-date_of_birth").fill(born)
    for select, value in (("sex", "female"), ("birth_precision", "exact")):
        field = page.locator(f"#id_member-0-{select}")
        if field.count():
            field.select_option(value)
    page.locator("#id_city").select_option("mexicali")
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    return str(page.url)


def test_a_misspelt_surname_and_a_birth_year_find_her_first_and_back_returns(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    session = new_session(viewport=PHONE, is_mobile=True, has_touch=True)
    page = session.page
    sign_in(page, demo_email("caso.mxl"))  # an account no other browser test uses
    sought = _register(page, "Rosa Elena", "Quiñónez", "Paz", "1979-05-14")
    # A namesake registered later: without the birth year she would come first.
    _register(page, "Rosa Elena", "Quiñónez", "Luna", "1996-02-03")

    page.goto("/personas/")
    _assert_fits(page)
    assert page.locator("details.more").get_attribute("open") is None  # filters folded
    page.locator("#id_name").fill("rosa elena kiñones")
    page.locator("#id_birth").fill("1979")
    submit(page, ".search button[type=submit]")
    page.wait_for_url("**/personas/busqueda/*-*-*-*-*/")
    results = page.url
    first = page.locator("table.list tbody tr").first
    assert "Rosa Elena Quiñónez Paz" in first.inner_text()
    _assert_fits(page)

    first.get_by_role("link", name="Rosa Elena Quiñónez Paz").click()  # the name is the link
    page.wait_for_url(sought)
    page.go_back()
    page.wait_for_url(results)
    assert "Rosa Elena Quiñónez Paz" in page.locator("table.list tbody tr").first.inner_text()
    assert page.locator("#id_birth").input_value() == "1979"
    page.reload()  # a GET: no form to send again
    assert "Rosa Elena Quiñónez Paz" in page.locator("table.list tbody tr").first.inner_text()

    typed = ("rosa", "elena", "kiñones", "quiñónez", "1979")
    assert all(word not in url.lower() for url in session.requested for word in typed)
