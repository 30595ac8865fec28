"""Reception on a phone: a family of four registered in one flow, a child screened with the
Child Functioning Module, and the family found again by a name typed without accents."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import Session, demo_email, submit

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def _assert_fits(page: Any) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{page.url} scrolls sideways ({scroll_width} px)"


def _fill_member(page: Any, index: int, fields: dict[str, str]) -> None:
    for name, value in fields.items():
        locator = page.locator(f"#id_member-{index}-{name}")
        if name in ("relationship", "sex", "nationality"):
            locator.select_option(value)
        else:
            locator.fill(value)


def test_a_family_of_four_is_registered_screened_and_found_on_a_phone(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    session = new_session(viewport=PHONE, is_mobile=True, has_touch=True)
    page = session.page
    sign_in(page, demo_email("caso.mat"))  # an account no other browser test uses

    page.goto("/personas/nueva/")
    _assert_fits(page)
    family = [
        {
            "given_names": "María Fernanda",
            "first_surname": "Ibáñez",
            "second_surname": "Céspedes",
            "sex": "female",
            "date_of_birth": "1992-04-17",
            "nationality": "HND",
        },
        {
            "given_names": "José Ángel",
            "first_surname": "Núñez",
            "relationship": "partner",
            "sex": "male",
            "date_of_birth": "1990-08-02",
            "nationality": "HND",
        },
        {
            "given_names": "Dulce Belén",
            "first_surname": "Núñez",
            "second_surname": "Ibáñez",
            "relationship": "child",
            "sex": "female",
            "age": "9",
        },
        {
            "given_names": "Jesús",
            "first_surname": "Núñez",
            "second_surname": "Ibáñez",
            "relationship": "child",
            "sex": "male",
            "date_of_birth": "2019-06-30",
        },
    ]
    _fill_member(page, 0, family[0])
    page.locator("#id_member-0-contact_kind").select_option("whatsapp")
    page.locator("#id_member-0-contact_number").fill("+504 9876 5432")
    for index, member in enumerate(family[1:], start=1):
        submit(page, "button[name=add_member]")  # one more blank member; nothing is saved yet
        assert page.locator("main .errorlist").count() == 0
        _fill_member(page, index, member)
    _assert_fits(page)
    page.locator("#id_city").select_option("tijuana")
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    head_url = page.url
    assert page.locator("h1").inner_text() == "María Fernanda Ibáñez Céspedes"
    group = page.locator("#h-family + ul li")
    assert group.count() == 4
    _assert_fits(page)

    # The youngest child (7 on the day): screened with the Child Functioning Module for 5-17,
    # never asked the adults' questions.
    page.locator("#h-family + ul li a", has_text="Jesús").click()
    page.wait_for_url("**/personas/*-*-*-*-*/")
    child_url = page.url
    assert "Jesús Núñez Ibáñez" in page.locator("h1").inner_text()
    page.locator("a[href$='/evaluacion/']").click()
    page.wait_for_url("**/evaluacion/")
    _assert_fits(page)
    assert page.locator("input[name='wg.seeing']").count() == 0
    assert page.locator("input[name='gender.pregnant']").count() == 0
    page.locator("#id_screened_on").fill("2026-11-20")
    for name, value in (
        ("cfm517.glasses", "no"),
        ("cfm517.seeing", "1"),
        ("cfm517.walking_equipment", "no"),
        ("cfm517.walk_100", "3"),  # a lot of difficulty at 100 m: 500 m is not asked
        ("cfm517.self_care", "1"),
    ):
        page.locator(f"input[name='{name}'][value='{value}']").check()
    submit(page, "button.primary")
    page.wait_for_url(child_url)
    assert page.locator(".priority-high").count() >= 1
    summary = page.locator("main").inner_text()
    assert "Discapacidad física" in summary or "Physical disability" in summary
    _assert_fits(page)

    # Found again by a name typed without accents, best match first.
    page.goto("/personas/")
    page.locator("#id_name").fill("maria fernanda ibanez")
    submit(page)
    first = page.locator("table.list tbody tr").first
    assert "María Fernanda Ibáñez Céspedes" in first.inner_text()
    _assert_fits(page)
    first.locator("a").click()
    page.wait_for_url(head_url)
    assert all("ibanez" not in url.lower() for url in session.requested)
