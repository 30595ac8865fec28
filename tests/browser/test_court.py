"""A hearing scheduled in a browser: its reminders appear on the case, and the list of people
at risk of missing a hearing changes as the team prepares the person."""

import datetime
import uuid
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser.support import Session, demo_email, submit

pytestmark = pytest.mark.browser


def today() -> datetime.date:
    """Today where the demo organization of Reynosa works."""
    return datetime.datetime.now(tz=ZoneInfo("America/Matamoros")).date()


def no_lawyer(reasons: str) -> bool:
    """Whether the reasons of a line say nobody represents the person (es or en)."""
    return "sin representación legal" in reasons.lower() or "no lawyer" in reasons.lower()


def at_risk_row(page: Any, name: str) -> Any:
    page.goto("/corte/en-riesgo/")
    return page.locator("ul.at-risk > li", has_text=name)


def test_a_scheduled_hearing_gets_reminders_and_leaves_the_at_risk_list_when_prepared(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    page = new_session().page
    sign_in(page, demo_email("caso.rey"))  # an account no other browser test uses
    given, family = "Dania" + uuid.uuid4().hex[:6], "Zelaya"

    # A person reachable by WhatsApp, who agrees to hearing reminders.
    page.goto("/personas/nueva/")
    page.locator("#id_member-0-given_names").fill(given)
    page.locator("#id_member-0-first_surname").fill(family)
    page.locator("#id_member-0-contact_kind").select_option("whatsapp")
    page.locator("#id_member-0-contact_number").fill("+52 899 123 4567")
    page.locator("#id_city").select_option("reynosa")
    page.locator("#id_consent").check()
    submit(page, "button.primary")
    page.wait_for_url("**/personas/*-*-*-*-*/")
    person_url = page.url
    page.goto(person_url + "consentimientos/nuevo/")
    page.locator("input[name=purpose][value=reminders]").check()
    submit(page, "button.primary")
    page.wait_for_url(person_url)

    # Their U.S. case, and a hearing in ten days at the Brownsville tent court.
    page.locator("a[href*='/corte/persona/']").click()
    page.wait_for_url("**/corte/persona/*/")
    page.locator("#id_a_number").fill("209876543")
    page.locator("#id_court").select_option("BRO_IHF")
    submit(page, "button.primary")
    page.wait_for_url("**/corte/casos/*-*-*-*-*/")
    case_url = page.url
    assert at_risk_row(page, given).count() == 0

    day = today() + datetime.timedelta(days=10)
    page.goto(case_url + "audiencias/")
    page.locator("#id_starts_day").fill(day.isoformat())
    page.locator("#id_starts_time").fill("09:00")
    page.locator("#id_kind").select_option("master")
    page.locator("#id_report_time").fill("05:30")
    page.locator("#id_report_place").fill("Puente Gateway")
    submit(page, "button.primary")
    page.wait_for_url(case_url)
    reminders = page.locator("ul.reminders li.reminder-pending")
    assert reminders.count() == 3  # 7 days, 2 days and the day before
    assert "WhatsApp" in reminders.first.inner_text()

    # At risk: nobody represents them, and they moved in less than a month ago.
    row = at_risk_row(page, given)
    assert row.count() == 1
    reasons = row.inner_text()
    assert no_lawyer(reasons)

    # A lawyer takes the case: that reason goes away.
    page.goto(case_url + "representacion/")
    page.locator("#id_kind").select_option("attorney")
    page.locator("#id_representative").fill("Lic. Aurora Treviño")
    page.locator("#id_since").fill(today().isoformat())
    submit(page, "button.primary")
    page.wait_for_url(case_url)
    after = at_risk_row(page, given)
    text = after.inner_text() if after.count() else ""
    assert not no_lawyer(text)

    # Moving the hearing cancels the scheduled reminders and schedules new ones.
    page.goto(case_url)
    page.locator("article.hearing p.inline a").first.click()  # change or move
    page.wait_for_url("**/audiencias/*-*-*-*-*/")
    page.locator("#id_starts_day").fill((day + datetime.timedelta(days=7)).isoformat())
    page.locator("#id_reason").fill("Reprogramada por la corte")
    submit(page, "button.primary")
    page.wait_for_url(case_url)
    assert page.locator("ul.reminders li.reminder-cancelled").count() == 3
    assert page.locator("ul.reminders li.reminder-pending").count() == 3
