"""Reception as a caseworker lives it, on a phone (issue 14, "Done when"): a mother and her son
of 9 registered together, the boy screened with the Child Functioning Module, the mother found
first among namesakes by a misspelt surname and her birth year, Back to the results, and an
incident documented for her with the optional parts left untouched: one victim, her.

It runs on SQLite and, when the run's DATABASE_URL names a PostgreSQL server, on PostgreSQL as
the application role (conftest.py); `make test` runs it on both.
"""

import datetime
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import (
    PHONE,
    Session,
    assert_fits,
    demo_email,
    fill_member,
    submit,
    unfold,
)

pytestmark = pytest.mark.browser

MOTHER = {
    "given_names": "María José",
    "first_surname": "Hernández",
    "second_surname": "Aguilar",
    "sex": "female",
    "date_of_birth": "1987-10-23",
    "nationality": "HND",
}
MOTHER_NAME = "María José Hernández Aguilar"
SON_NAME = "Brayan Alexis Sorto Hernández"
# A namesake registered after her: newest first, she would come before the mother without the
# birth year. The demo network holds another, "María José Hernández López" (accounts/demo.py).
NAMESAKE = {**MOTHER, "date_of_birth": "1994-06-11"}


def _save_registration(page: Any) -> str:
    page.locator("#id_city").select_option("mexicali")
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    return str(page.url)


def _today() -> datetime.date:
    """Today in Mexicali, where the demo organization MXL works."""
    return datetime.datetime.now(ZoneInfo("America/Tijuana")).date()


def _nine_years_old_today() -> str:
    """A birth date that makes the boy 9 today, whatever day the test runs (and not 10 soon)."""
    today = _today()
    return (today.replace(year=today.year - 10, day=1) + datetime.timedelta(days=120)).isoformat()


def test_a_mother_and_her_son_are_registered_screened_found_and_her_incident_has_one_victim(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    session = new_session(viewport=PHONE, is_mobile=True, has_touch=True)
    page = session.page
    sign_in(page, demo_email("caso.mxl"))  # an account no other browser test uses

    # Registered together: the son's relationship and sex start blank and are chosen.
    page.goto("/personas/nueva/")
    assert_fits(page)
    fill_member(page, 0, MOTHER)
    submit(page, "button[name=add_member]")  # one more blank member; nothing is saved yet
    assert page.locator("main .errorlist").count() == 0
    for blank in ("relationship", "sex"):
        assert page.locator(f"#id_member-1-{blank}").input_value() == ""
    fill_member(
        page,
        1,
        {
            "given_names": "Brayan Alexis",
            "first_surname": "Sorto",
            "second_surname": "Hernández",
            "relationship": "child",
            "sex": "male",
            "date_of_birth": _nine_years_old_today(),
        },
    )
    assert_fits(page)
    mother_url = _save_registration(page)
    assert page.locator("h1").inner_text() == MOTHER_NAME
    group = page.locator("#h-family + ul li")
    assert group.count() == 2
    assert_fits(page)

    # The son is screened as a child: the Child Functioning Module for 5-17, asked of his
    # mother; no adult Washington Group question, nothing about pregnancy.
    page.locator("#h-family + ul li a", has_text="Brayan Alexis").click()
    page.wait_for_url("**/personas/*-*-*-*-*/")
    son_url = page.url
    assert SON_NAME in page.locator("h1").inner_text()
    page.locator("a[href$='/evaluacion/']").click()
    page.wait_for_url("**/evaluacion/")
    assert_fits(page)
    form_text = page.locator("main form").inner_text()
    assert page.locator("input[name='cfm517.glasses']").count() == 2  # yes and no
    assert (
        "anteojos"
        in page.locator("input[name='cfm517.glasses']")
        .first.locator("xpath=ancestor::fieldset[1]")
        .inner_text()
    )
    assert page.locator("input[name^='wg.']").count() == 0
    assert page.locator("input[name^='gender.pregnant'], input[name*='lactat']").count() == 0
    assert "¿Tiene usted" not in form_text
    assert "embaraz" not in form_text.lower()
    page.locator("#id_screened_on").fill(_today().isoformat())
    for name, value in (
        ("cfm517.glasses", "no"),
        ("cfm517.seeing", "1"),
        ("cfm517.walking_equipment", "no"),
        ("cfm517.walk_100", "3"),  # a lot of difficulty at 100 m: 500 m is not asked
        ("cfm517.self_care", "1"),
    ):
        page.locator(f"input[name='{name}'][value='{value}']").check()
    submit(page, "button.primary")
    page.wait_for_url(son_url)
    assert page.locator(".priority-high").count() >= 1
    assert "Discapacidad física" in page.locator("main").inner_text()

    # A namesake registered after her, alone.
    page.goto("/personas/nueva/")
    fill_member(page, 0, NAMESAKE)
    _save_registration(page)

    # Found first by a misspelt surname and her birth year; the filters come folded.
    page.goto("/personas/")
    assert_fits(page)
    assert page.locator("details.more").get_attribute("open") is None
    page.locator("#id_name").fill("maria jose hernandes aguilar")
    page.locator("#id_birth").fill("1987")
    submit(page, ".search button[type=submit]")
    page.wait_for_url("**/personas/busqueda/*-*-*-*-*/")
    results_url = page.url
    rows = page.locator("table.list tbody tr")
    assert rows.count() >= 2  # the namesakes are found too, after her
    assert MOTHER_NAME in rows.first.inner_text()
    assert "1987" in rows.first.inner_text()
    assert_fits(page)

    # Her file (the name is the link), then Back: the results again, no resubmission.
    rows.first.get_by_role("link", name=MOTHER_NAME).click()
    page.wait_for_url(mother_url)
    page.go_back()
    page.wait_for_url(results_url)
    assert MOTHER_NAME in page.locator("table.list tbody tr").first.inner_text()
    assert page.locator("#id_birth").input_value() == "1987"
    page.reload()  # a GET: no form to send again
    assert MOTHER_NAME in page.locator("table.list tbody tr").first.inner_text()
    typed = ("maria", "jose", "hernandes", "hernández", "aguilar", "1987")
    assert all(word not in url.lower() for url in session.requested for word in typed)

    # An incident for her, the optional parts (another person, anonymous; perpetrators)
    # left untouched.
    page.goto(mother_url)
    page.locator("a[href*='/incidentes/persona/']").click()
    page.wait_for_url("**/incidentes/persona/*/nuevo/")
    assert_fits(page)
    page.locator("#id_occurred_from").fill("2026-10-02")
    unfold(page, "act-picker")
    page.get_by_test_id("act-chip-extortion_relatives").click()
    page.locator("#id_summary").fill(
        "Le quitaron el teléfono y llamaron a su hermana para pedirle dinero."
    )
    page.locator("#id_source").select_option("direct_testimony")
    unfold(page, "part-more")
    page.locator("#id_person-role").select_option("victim")
    assert page.get_by_test_id("part-people").get_attribute("open") is None
    submit(page, "button.primary")
    page.wait_for_url("**/incidentes/*-*-*-*-*/")
    incident_uuid = page.url.rstrip("/").rsplit("/", 1)[-1]

    victims = page.locator("#h-victims + ul > li")
    assert victims.count() == 1
    assert MOTHER_NAME in victims.first.inner_text()
    assert_fits(page)
    # And in the database, read through the API (the same query functions as the page).
    answer = page.request.get(f"/api/v1/incidents/{incident_uuid}")
    assert answer.status == 200
    incident = answer.json()
    assert len(incident["victims"]) == 1
    assert incident["victims"][0]["role"] == "victim"
    assert incident["victims"][0]["person"] == mother_url.rstrip("/").rsplit("/", 1)[-1]
    assert incident["perpetrators"] == []
    assert incident["complaints"] == []
