"""A letter collects a signature on its public page: the editor imports it, opens it for
signatures and opens its public page; an organization signs in another browser without an
account and confirms by the e-mailed link; the editor approves it and sees it numbered."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from salvaguarda.letters.tests.letters import ENGLISH, SPANISH
from tests.browser.support import AppServer, Session, demo_email, submit

pytestmark = pytest.mark.browser

EDITOR = demo_email("coordinacion.pns")  # an account no other browser test uses
SIGNER = "firmas@albergue-la-esperanza.example.org"


def _confirmation_path(app_server: AppServer) -> str:
    for message in reversed(app_server.mails()):
        if SIGNER in str(message["To"]):
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found = re.search(r"(/firmar/confirmar/\S+/)", body.get_content())
            assert found is not None, body.get_content()
            return found[1]
    raise AssertionError("No confirmation e-mail was sent to the signer.")


def test_an_organization_signs_confirms_and_is_approved_onto_the_letter(
    new_session: Callable[..., Session],
    sign_in: Callable[[Any, str], None],
    app_server: AppServer,
) -> None:
    editor = new_session().page
    sign_in(editor, EDITOR)

    editor.goto("/cartas/importar/")
    editor.locator("#id_es").fill(SPANISH)
    editor.locator("#id_en").fill(ENGLISH)
    submit(editor, "button.primary")
    editor.wait_for_url("**/cartas/*-*-*-*-*/")
    letter_url = editor.url

    editor.goto(letter_url + "editar/")
    editor.locator("#id_status").select_option("open")
    submit(editor, "button.primary")
    editor.wait_for_url(letter_url)

    submit(editor, "[data-testid=open-sign-on]")
    public_url = editor.get_by_test_id("public-link").get_attribute("href")
    assert public_url and public_url.startswith(app_server.url + "/firmar/")

    # Someone of another organization, with no account, in a browser of their own.
    visitor_session = new_session()
    visitor = visitor_session.page
    visitor.goto(public_url)
    assert (
        "Protección para personas devueltas" in visitor.get_by_test_id("letter-text").inner_text()
    )
    visitor.locator("a[hreflang=en]").click()
    visitor.wait_for_url("**?lang=en")
    assert "Protection for returned people" in visitor.get_by_test_id("letter-text").inner_text()
    visitor.locator("#id_kind_0").check()  # as an organization
    visitor.locator("#id_name").fill("Albergue La Esperanza")
    visitor.locator("#id_acronym").fill("ALE")
    visitor.locator("#id_country").fill("México")
    visitor.locator("#id_contact_name").fill("Marta Enlace")
    visitor.locator("#id_authorized").check()
    visitor.locator("#id_email").fill(SIGNER)
    submit(visitor, "[data-testid=sign]")
    assert visitor.get_by_test_id("answer-sent").count() == 1
    assert visitor.locator("html").get_attribute("lang") == "en"

    visitor.goto(_confirmation_path(app_server))
    submit(visitor, "[data-testid=confirm]")
    assert visitor.get_by_test_id("link-state").count() == 1

    editor.goto(letter_url)
    pending = editor.get_by_test_id("pending-signature")
    assert "Albergue La Esperanza" in pending.inner_text()
    assert SIGNER in pending.get_by_test_id("contact").inner_text()
    submit(editor, "[data-testid=approve]")
    assert editor.get_by_test_id("pending-signature").count() == 0
    organizations = editor.get_by_test_id("organizations").inner_text()
    assert re.search(r"^4\. Albergue La Esperanza \(ALE\)", organizations, re.MULTILINE)

    visitor.goto(public_url)
    listed = visitor.get_by_test_id("organizations").inner_text()
    assert "4. Albergue La Esperanza (ALE), México" in listed
    assert SIGNER not in visitor.content()
    assert "Marta Enlace" not in visitor.content()
    assert visitor_session.csp_violations == []
