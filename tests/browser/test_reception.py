"""Reception on a phone: a family of four registered in one flow (a partner, a child known by her
age only, a contact channel). The child's screening and the search are in
test_reception_flow.py."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import PHONE, Session, assert_fits, demo_email, fill_member, submit

pytestmark = pytest.mark.browser


def test_a_family_of_four_is_registered_in_one_flow_on_a_phone(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    session = new_session(viewport=PHONE, is_mobile=True, has_touch=True)
    page = session.page
    sign_in(page, demo_email("caso.mat"))  # an account no other browser test uses

    page.goto("/personas/nueva/")
    assert_fits(page)
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
    fill_member(page, 0, family[0])
    page.locator("#id_member-0-contact_kind").select_option("whatsapp")
    page.locator("#id_member-0-contact_number").fill("+504 9876 5432")
    for index, member in enumerate(family[1:], start=1):
        submit(page, "button[name=add_member]")  # one more blank member; nothing is saved yet
        assert page.locator("main .errorlist").count() == 0
        fill_member(page, index, member)
    assert_fits(page)
    page.locator("#id_city").select_option("tijuana")
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    assert page.locator("h1").inner_text() == "María Fernanda Ibáñez Céspedes"
    group = page.locator("#h-family + ul li")
    assert group.count() == 4
    assert_fits(page)
