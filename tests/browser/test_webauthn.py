"""A security key in a real Chromium: add one on the Security page, then sign in with it.

The key is Chromium's virtual authenticator (DevTools protocol). Browsers refuse WebAuthn on IP
addresses, so this test opens the app as http://localhost:<port> (the same server).
"""

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.support import LOCAL_HOST, AppServer, Session, demo_email, submit

pytestmark = pytest.mark.browser

EMAIL = demo_email("coordinacion.rey")  # no other browser test signs in with this account


def _password_step(page: Any, base: str, server: AppServer) -> None:
    page.goto(f"{base}/cuenta/entrar/")
    page.locator("#id_email").fill(EMAIL)
    page.locator("#id_password").fill(server.password)
    submit(page)
    page.wait_for_url(f"{base}/cuenta/entrar/codigo/**")


def test_a_security_key_added_on_the_security_page_signs_in_without_a_code(
    new_session: Callable[..., Session], app_server: AppServer
) -> None:
    base = app_server.url.replace(LOCAL_HOST, "localhost")
    session = new_session()
    page = session.page
    cdp = session.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]

    # Password and code, as usual; the page offers no key yet.
    code = app_server.code_soon(EMAIL)
    _password_step(page, base, app_server)
    assert page.locator("#use-security-key").count() == 0
    page.locator("#id_code").fill(code())
    submit(page)
    page.wait_for_url(f"{base}/")

    # Add a key: a name and the current password.
    page.goto(f"{base}/cuenta/seguridad/")
    assert page.get_by_test_id("security-key").count() == 0
    page.locator("#id_key-name").fill("Llave de prueba")
    page.locator("#id_key-current").fill("not the password")
    page.locator("#security-key-add button[type=submit]").click()
    error = page.locator("#security-key-add .errorlist")
    error.first.wait_for()
    assert error.first.inner_text().strip()
    assert (
        cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"] == []
    )
    page.locator("#id_key-current").fill(app_server.password)
    with page.expect_navigation(url=f"{base}/cuenta/seguridad/"):
        page.locator("#security-key-add button[type=submit]").click()
    keys = page.get_by_test_id("security-key")
    assert keys.count() == 1
    assert "Llave de prueba" in keys.first.inner_text()
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(credentials["credentials"]) == 1

    page.locator("#logout").click()
    page.wait_for_url(f"{base}/cuenta/salir/")

    # Password, then the key instead of the code.
    _password_step(page, base, app_server)
    page.locator("#use-security-key").click()
    page.wait_for_url(f"{base}/")
    assert page.locator("#logout").count() == 1
    assert "REY" in page.get_by_test_id("active-organization").inner_text()

    page.goto(f"{base}/cuenta/seguridad/")
    assert page.get_by_test_id("security-key").count() == 1
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert credentials["credentials"][0]["signCount"] >= 1
    assert session.csp_violations == []
