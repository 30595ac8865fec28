"""A referral between two members of the network (issue 17, "Done when"): the Tijuana shelter
refers a mother to the Monterrey legal clinic with her consent for three fields, on a phone; the
clinic, at a desk, reads only those fields, accepts and records the outcome; the shelter sees it,
and the safeguard "Referrals made" on her checklist turns ✔ with the referral as its proof.

It runs on SQLite and, when the run's DATABASE_URL names a PostgreSQL server, on PostgreSQL as
the application role (conftest.py), so row-level security is the second wall under it.
"""

from collections.abc import Callable
from typing import Any

import pytest

from salvaguarda.accounts.demo import FAMILIES
from tests.browser.support import PHONE, Session, assert_fits, demo_email, submit

pytestmark = pytest.mark.browser

# The demo seeds four families per member, members in alphabetical order: Tijuana (TIJ) is the
# eighth (accounts/demo.py). Its first family headed by a woman gives the mother.
TIJ_FAMILIES = [FAMILIES[(7 * 4 + offset) % len(FAMILIES)] for offset in range(4)]
MOTHER = next(family[0] for family in TIJ_FAMILIES if family[0][3] == "female")
GIVEN, FIRST_SURNAME = MOTHER[0], MOTHER[1]
NEED = "Audiencia en San Diego en tres semanas; no tiene abogado y pide asesoría."


def test_a_shelter_refers_a_mother_to_a_clinic_that_answers_and_records_the_outcome(
    new_session: Callable[..., Session], sign_in: Callable[[Any, str], None]
) -> None:
    shelter = new_session(viewport=PHONE, is_mobile=True, has_touch=True).page
    sign_in(shelter, demo_email("canalizaciones.tij"))

    shelter.goto("/personas/")
    shelter.get_by_role("link", name=f"{GIVEN} {FIRST_SURNAME}").first.click()
    shelter.wait_for_url("**/personas/*-*-*-*-*/")
    shelter.get_by_test_id("person-referrals").wait_for()
    shelter.locator("a[href$='/canalizar/']").click()
    shelter.locator("#id_category").select_option("legal_us_case")
    shelter.locator("#id_city").select_option("monterrey")
    submit(shelter, "form.directory-search button[type=submit]")
    assert_fits(shelter)
    services = shelter.get_by_test_id("referral-services")
    services.locator("article", has_text="Clínica de Movilidad Monterrey").locator(
        "a.button"
    ).first.click()

    # Nothing is saved without the consent box; what was typed stays.
    shelter.locator("#id_urgency_1").check()  # priority
    shelter.locator("#id_reason").fill(NEED)
    assert_fits(shelter)
    submit(shelter, "button.primary")
    assert shelter.locator("#id_consent_error").is_visible()
    assert shelter.locator("#id_reason").input_value() == NEED
    # Her consent: first name, age band and language (the three ticked by default).
    ticked = shelter.locator("input[name=share]:checked")
    assert sorted(ticked.evaluate_all("boxes => boxes.map(b => b.value)")) == [
        "age_band",
        "given_names",
        "language",
    ]
    shelter.locator("#id_consent").check()
    submit(shelter, "button.primary")
    shelter.wait_for_url("**/canalizaciones/*-*-*-*-*/")
    reference = shelter.locator("h1").inner_text().split()[-1]
    assert shelter.get_by_test_id("referral-status").inner_text().strip()
    assert_fits(shelter)

    clinic = new_session().page
    sign_in(clinic, demo_email("canalizaciones.mty"))
    clinic.goto("/canalizaciones/")
    clinic.get_by_test_id("referral-list").get_by_role("link", name=reference).click()
    shared = clinic.get_by_test_id("referral-shared").inner_text()
    assert GIVEN in shared and NEED in shared
    assert FIRST_SURNAME not in clinic.locator("main").inner_text()  # not agreed to cross
    submit(clinic, "button[value=accepted]")
    clinic.wait_for_url("**/canalizaciones/*-*-*-*-*/")
    clinic.locator("a[href$='/resultado/']").click()
    clinic.locator("input[name=outcome][value=received]").check()
    submit(clinic, "button.primary")
    clinic.wait_for_url("**/canalizaciones/*-*-*-*-*/")
    outcome = clinic.get_by_test_id("referral-outcome").inner_text()

    shelter.reload()
    assert shelter.get_by_test_id("referral-outcome").inner_text() == outcome
    history = shelter.get_by_test_id("referral-history").inner_text()
    assert "MTY" in history
    shelter.goto("/personas/")
    shelter.get_by_role("link", name=f"{GIVEN} {FIRST_SURNAME}").first.click()
    assert reference in shelter.get_by_test_id("person-referrals").inner_text()
    # The safeguard "Referrals made" turns ✔, shown by the referral (derived, not typed).
    proof = shelter.locator("ul.checklist li.done a[href*='/canalizaciones/']")
    assert reference in proof.inner_text()
