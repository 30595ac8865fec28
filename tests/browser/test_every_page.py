"""Every page of the app on a 360 px phone: nothing scrolls sideways, no text is squeezed into a
column narrower than 12 characters, axe-core finds no critical or serious WCAG 2.1 A/AA
violation, and the title ends with "· Salvaguarda".

The pages are the project's URL patterns, enumerated as the all-URLs isolation test enumerates
them (`routes()` in salvaguarda/core/tests/test_url_isolation.py), filled with records of the
demo network (every_page_data.py adds the kinds of record the demo lacks). One signed-in
browser visits each page once and both checks read that visit. A pattern that answers a GET
with something other than an HTML page (a download, a POST-only action, a feed) must be listed
in NOT_PAGES, so a new page cannot be left out unnoticed.

axe-core is read from the axe-playwright-python package (a dev dependency), never from a CDN.
"""

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from salvaguarda.core.access import Policy
from salvaguarda.core.tests.test_url_isolation import Route, routes
from tests.browser import every_page_data
from tests.browser.conftest import _unavailable
from tests.browser.support import PHONE, AppServer, submit

pytestmark = pytest.mark.browser

NARROWEST_WRAP_CHARACTERS = 12
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"critical", "serious"}
TITLE_END = "· Salvaguarda"
# The forms whose Tab stops to the save button are counted (a keyboard user's way through).
TAB_COUNTED = {"incidents:new"}
MOST_TAB_STOPS = 300
# Controls a keyboard passes on the way (148 before the HURIDOCS list was folded, 66 before the
# optional parts and the chips were), and presses of Tab: Chromium's date field alone takes four
# (day, month, year, calendar button).
INCIDENT_FORM_TAB_STOPS = 12
INCIDENT_FORM_TAB_PRESSES = 14
# The pages whose HTML (before compression) is weighed, and their most bytes (issue 14).
WEIGHED = {"incidents:new": 60_000}

# Patterns whose GET answer is not a page: POST-only actions (405), downloads and feeds, and
# actions that answer a GET by sending back to the page they belong to (302).
NOT_PAGES = {
    # POST only
    "accounts:quick_exit",
    "accounts:switch_organization",
    "accounts:set_language",
    "accounts:logout",
    "accounts:member_role",
    "accounts:member_deactivate",
    "accounts:session_end",
    "accounts:session_end_others",
    "accounts:recovery_codes_regenerate",
    "accounts:token_revoke",
    "accounts:security_key_registration_options",
    "accounts:security_key_register",
    "accounts:security_key_remove",
    "accounts:security_key_sign_in_options",
    "accounts:security_key_sign_in",
    "court:calendar_feed_revoke",
    "court:import_apply",
    "referrals:service_verify",
    "signing:open",
    "signing:approve",
    "signing:reject",
    "signing:merge",
    # Files and feeds
    "court:calendar_feed",
    "incidents:file_download",
    "incidents:file_share",
    "letters:markdown",
    "referrals:hsds_export",
    "letters:signatories_csv",
    "letters:document",
    # Fragments a page's script fetches
    "incidents:act_tree",
    # Sent back to their page on GET (a person's case; an import's summary before it is
    # applied; removals and refreshes that act only on POST)
    "court:person_case",
    "court:import_summary",
    "incidents:victim_remove",
    "incidents:perpetrator_remove",
    "incidents:consent_revoke",
    "incidents:file_remove_location",
    "letters:signatory_move",
    "letters:signatory_remove",
    "letters:figure_refresh",
    "letters:in_step",
    "letters:merge",
    "letters:follow_order",
    "referrals:referral_step",
}

# Where a page's text is measured: a text node that wraps onto two lines or more, in a block
# narrower than 12 characters of its own font ("0" widths), is squeezed.
LAYOUT_JS = (Path(__file__).parent / "every_page_layout.js").read_text(encoding="utf-8")

AXE_RUN_JS = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}));
}"""


@dataclass
class Visit:
    route: str
    url: str
    title: str = ""
    layout: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Tour:
    pages: list[Visit] = field(default_factory=list)
    not_pages: dict[str, str] = field(default_factory=dict)
    tab_stops: dict[str, int] = field(default_factory=dict)
    tab_presses: dict[str, int] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    focus_ring: dict[str, str] = field(default_factory=dict)


def prepare(app_server: AppServer) -> dict[str, Any]:
    out = app_server.manage(
        "shell",
        "-v0",
        "-c",
        f"from tests.browser.every_page_data import main; main({app_server.password!r})",
    )
    values: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    # The links the app e-mailed: the invitation, and the signature's confirmation and
    # withdrawal (their tokens are stored only as digests).
    for mail in app_server.mails():
        if not any(to in str(mail["To"]) for to in every_page_data.RECIPIENTS):
            continue  # another test's
        body = mail.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        for kind, pattern in (
            ("invitation", r"/cuenta/invitacion/([^/\s]+)/"),
            ("confirm", r"/firmar/confirmar/([^/\s]+)/"),
            ("withdraw", r"/firmar/retirar/([^/\s]+)/"),
        ):
            found = re.search(pattern, text)
            if found:
                values[f"{kind}_token"] = found.group(1)
    return values


def url_of(route: Route, values: dict[str, Any]) -> str:
    tokens = {
        "accounts:invitation": values["invitation_token"],
        "signing:confirm": values["confirm_token"],
        "signing:withdraw": values["withdraw_token"],
        "signing:sign": values["sign_on_token"],
    }
    # POST-only actions on records the demo has none of: any value shows that GET is refused.
    nowhere = str(uuid.uuid4())
    filled = dict(
        values,
        kind="pdf",
        secret="not-a-real-secret",
        token_uuid=nowhere,
        key_uuid=nowhere,
        feed_uuid=nowhere,
    )
    missing = [a for a in route.arguments if a not in filled and a != "token"]
    assert not missing, f"{route.name}: add a record for {missing} in every_page_data.py"
    kwargs = {}
    for argument in route.arguments:
        kwargs[argument] = tokens[route.name] if argument == "token" else filled[argument]
    return reverse(route.name, kwargs=kwargs)


def axe_script() -> str:
    """axe-core as the axe-playwright-python package ships it (a dev dependency)."""
    try:
        from axe_playwright_python.base import AXE_SCRIPT
    except ImportError:
        _unavailable("axe-playwright-python is not installed: pip install -e '.[dev]'.")
    return str(AXE_SCRIPT)


def check(page: Any, route: str) -> Visit:
    seen = Visit(route=route, url=urlsplit(page.url).path)
    seen.title = page.title()
    seen.layout = page.evaluate(LAYOUT_JS, NARROWEST_WRAP_CHARACTERS)
    page.evaluate(axe_script())
    seen.violations = [
        v for v in page.evaluate(AXE_RUN_JS, AXE_TAGS) if v["impact"] in BLOCKING_IMPACTS
    ]
    return seen


# 1 if the focused control is reached for the first time (it is marked), else 0.
MARK_FOCUSED_JS = """() => {
  const control = document.activeElement;
  if (control.hasAttribute("data-tab-passed")) { return 0; }
  control.setAttribute("data-tab-passed", "");
  return 1;
}"""


def tab_stops_to_save(page: Any) -> tuple[int, int]:
    """How many controls a keyboard passes to reach the form's main button after "Skip to
    content" (the first stop of every page, which passes the header), and how many presses of
    Tab that takes (a control may take several: a date field's day, month and year)."""
    page.locator("body").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('a.skip-link')")
    page.keyboard.press("Enter")
    passed = 0
    for presses in range(1, MOST_TAB_STOPS + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('main form button.primary')"):
            return passed, presses
        passed += page.evaluate(MARK_FOCUSED_JS)
    return MOST_TAB_STOPS + 1, MOST_TAB_STOPS + 1


def focus_ring(page: Any) -> dict[str, str]:
    """The outline a keyboard user sees on the home page's first link after the skip link."""
    page.locator("body").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    return dict(
        page.evaluate(
            """() => {
              const style = getComputedStyle(document.activeElement);
              return {element: document.activeElement.textContent.trim(),
                      style: style.outlineStyle, width: style.outlineWidth,
                      color: style.outlineColor};
            }"""
        )
    )


def contrast(color: str, background: tuple[int, int, int] = (255, 255, 255)) -> float:
    """WCAG contrast ratio of an `rgb(r, g, b)` colour against a background."""

    def luminance(rgb: tuple[int, ...]) -> float:
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    rgb = tuple(int(n) for n in re.findall(r"\d+", color)[:3])
    lighter, darker = sorted((luminance(rgb), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def visit(page: Any, route: Route, url: str, tour: Tour) -> None:
    answer = page.context.request.get(url, max_redirects=0)
    kind = answer.headers.get("content-type", "")
    attachment = "attachment" in answer.headers.get("content-disposition", "")
    # A fragment a page's script fetches (the act picker's list) is HTML but no document.
    html = answer.ok and kind.startswith("text/html") and not attachment
    fragment = html and not answer.text().lstrip()[:15].lower().startswith("<!doctype html")
    if answer.status != 200 or not kind.startswith("text/html") or attachment or fragment:
        tour.not_pages[route.name] = f"{answer.status} {kind}{' fragment' if fragment else ''}"
        return
    if route.name in WEIGHED:
        tour.weights[route.name] = len(answer.body())  # as sent before compression
    page.goto(url)
    tour.pages.append(check(page, route.name))
    if route.name in TAB_COUNTED:
        tour.tab_stops[route.name], tour.tab_presses[route.name] = tab_stops_to_save(page)


def sign_in(page: Any, app_server: AppServer, email: str, tour: Tour) -> None:
    code = app_server.code_soon(email)
    page.goto(reverse("accounts:login"))
    tour.pages.append(check(page, "accounts:login"))
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(app_server.password)
    submit(page)
    page.wait_for_url("**/cuenta/entrar/codigo/**")
    tour.pages.append(check(page, "accounts:second_factor"))
    page.locator("#id_code").fill(code())
    submit(page)
    page.wait_for_url(f"{app_server.url}/")


@pytest.fixture(scope="module")
def tour(app_server: AppServer, browser: Any) -> Iterator[Tour]:
    axe_script()  # before anything else: is axe-core there?
    values = prepare(app_server)
    context = browser.new_context(
        base_url=app_server.url, viewport=PHONE, locale="es-MX", timezone_id="America/Tijuana"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    result = Tour()
    public_with_tokens = {"accounts:invitation", "signing:confirm", "signing:withdraw"}
    try:
        sign_in(page, app_server, values["email"], result)
        result.focus_ring = focus_ring(page)
        everything = [r for r in routes() if not r.is_api]
        network = [r for r in everything if r.policy is Policy.NETWORK_ADMIN]
        signed_in = [
            r
            for r in everything
            if r not in network
            and r.name not in {"accounts:login", "accounts:second_factor"}
            and r.name not in public_with_tokens
            and r.name != "accounts:logout"
        ]
        for route in signed_in:
            visit(page, route, url_of(route, values), result)
        # The network administrator's pages, in the account's other organization.
        page.locator("#membership-switch").select_option(values["network_membership"])
        submit(page, "form[action$='/organizacion/'] button[type=submit]")
        for route in network:
            visit(page, route, url_of(route, values), result)
        # Pages for people without an account (sign-on links, an invitation): signed out.
        submit(page, "#logout")
        for route in everything:
            if route.name in public_with_tokens or route.name == "accounts:logout":
                visit(page, route, url_of(route, values), result)
        yield result
    finally:
        context.close()


def test_every_route_is_visited_unless_it_is_not_a_page(tour: Tour) -> None:
    visited = {v.route for v in tour.pages}
    assert set(tour.not_pages) == NOT_PAGES, tour.not_pages
    missing = {r.name for r in routes() if not r.is_api} - visited - NOT_PAGES
    assert missing == set()


def test_no_page_scrolls_sideways_or_squeezes_text_at_360_px(tour: Tour) -> None:
    problems = {f"{v.route} {v.url}": v.layout for v in tour.pages if v.layout}
    assert problems == {}


def test_no_page_has_a_critical_or_serious_accessibility_violation(tour: Tour) -> None:
    problems = {f"{v.route} {v.url}": v.violations for v in tour.pages if v.violations}
    assert problems == {}


def test_every_page_title_ends_with_the_app_name(tour: Tour) -> None:
    titles = {f"{v.route} {v.url}": v.title for v in tour.pages if not v.title.endswith(TITLE_END)}
    assert titles == {}


def test_the_incident_form_takes_few_tab_stops_to_its_save_button(tour: Tour) -> None:
    # What is left: the five required answers (how precise the date is, the date, the acts,
    # the summary, the source; the country is answered already) and one stop per folded part
    # (the chips and the HURIDOCS list are in the acts' one; the testimony and details, the
    # place, the people, consent, files): 10 controls, 14 presses with the date's four.
    assert 0 < tour.tab_stops["incidents:new"] <= INCIDENT_FORM_TAB_STOPS
    assert tour.tab_presses["incidents:new"] <= INCIDENT_FORM_TAB_PRESSES


def test_the_incident_form_weighs_under_60_kb_before_compression(tour: Tour) -> None:
    # 197 KB when the HURIDOCS list was in it; it is loaded when the picker's list is opened.
    assert 0 < tour.weights["incidents:new"] < WEIGHED["incidents:new"]


def test_a_keyboard_user_sees_the_apps_own_focus_ring(tour: Tour) -> None:
    ring = tour.focus_ring
    assert ring["element"] == "Salvaguarda"  # the first stop after "Skip to content"
    assert ring["style"] == "solid"
    assert float(ring["width"].removesuffix("px")) >= 3
    assert contrast(ring["color"]) >= 3
