"""Every multi-part form saves nothing for a section left untouched.

The pages are found, not listed: every page of the people, incidents and court apps whose
address takes nothing, a person, an incident, a U.S. case, a return or a document is opened,
and the ones whose form has more than one part (a formset, or fields under two prefixes) are
walked. Each is submitted as a browser would send it — the fields as the page shows them, a
select with nothing chosen sending its first option, an unticked box sending nothing — with
only the answers its main part needs (`MAIN_ANSWERS`), after pressing its "add another"
button when it has one. A multi-part page found without answers here fails the test, so a
new one cannot be missed.
"""

import datetime
from html.parser import HTMLParser
from typing import Any

from django.db import models
from django.test import TestCase
from django.urls import URLPattern, URLResolver, reverse

from salvaguarda.core.scoping import organization_scope
from salvaguarda.core.tests.helpers import Cast, make_person, sign_in
from salvaguarda.court import urls as court_urls
from salvaguarda.court.tests.factories import make_case
from salvaguarda.incidents import urls as incident_urls
from salvaguarda.incidents.models import (
    Act,
    Complaint,
    EvidenceFile,
    IncidentConsent,
    Perpetrator,
    Victim,
)
from salvaguarda.incidents.tests.factories import make_incident
from salvaguarda.people import urls as people_urls
from salvaguarda.people.models import ContactChannel, Household, Person
from salvaguarda.people.services import records

COUNTED: tuple[type[models.Model], ...] = (
    Person,
    Household,
    ContactChannel,
    Victim,
    Perpetrator,
    IncidentConsent,
    Complaint,
    EvidenceFile,
    Act,
)

INCIDENT_ANSWERS = {
    "occurred_from": "2025-02-14",
    "acts": ["kidnapping"],
    "summary": "Los bajaron del autobús en la caseta de Estación Mariana.",
    "source": "direct_testimony",
}

# The answers of each multi-part page's main part (by URL name), and what it saves with them.
MAIN_ANSWERS: dict[str, tuple[dict[str, Any], dict[type[models.Model], int]]] = {
    "people:create": (
        {
            "member-0-given_names": "Dayana",
            "member-0-first_surname": "Reyes",
            "city": "tijuana",
            "consent": "on",
        },
        {Person: 1, Household: 1},
    ),
    "incidents:new_for_person": (
        {**INCIDENT_ANSWERS, "person-role": "victim"},
        {Victim: 1, Act: 1},
    ),
    # Without a registered person the anonymous victim is the incident's one victim.
    "incidents:new": (
        {**INCIDENT_ANSWERS, "victim-0-role": "witness"},
        {Victim: 1, Act: 1},
    ),
}


class BrowserForm(HTMLParser):
    """The page's main POST form (the one with most fields; the header holds small ones), as
    a browser would submit it untouched."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[tuple[list[tuple[str, str]], list[tuple[str, str, bool]]]] = []
        self.fields: list[tuple[str, str]] = []
        self.buttons: list[tuple[str, str, bool]] = []  # name, value, skips validation
        self._in_form = False
        self._select: dict[str, Any] | None = None
        self._option: dict[str, Any] | None = None
        self._textarea: str | None = None
        self._text = ""
        self.feed(html)
        self.fields, self.buttons = max(self.forms, key=lambda form: len(form[0]), default=([], []))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._in_form = True
            self.fields, self.buttons = [], []
            self.forms.append((self.fields, self.buttons))
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind == "submit":
                self.buttons.append((name, a.get("value", ""), "formnovalidate" in a))
            elif kind != "file":
                self.fields.append((name, a.get("value", "")))
        elif tag == "button" and name:
            self.buttons.append((name, a.get("value", ""), "formnovalidate" in a))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a}
            self._text = ""
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = ""

    def handle_data(self, data: str) -> None:
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"]
            self._option["value"] = self._text.strip() if value is None else value
            self._select["options"].append(self._option)
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self._select["multiple"] and options:
                chosen = options[:1]  # what a browser sends for a select nobody touched
            self.fields += [(self._select["name"], o["value"]) for o in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None

    def is_multi_part(self) -> bool:
        names = [name for name, _value in self.fields]
        prefixes = {name.split("-")[0] for name in names if "-" in name}
        return any(name.endswith("-TOTAL_FORMS") for name in names) or len(prefixes) > 1

    def add_button(self) -> tuple[str, str] | None:
        """The button that adds a part without saving ("Add another person"), if any."""
        return next(((n, v) for n, v, skips in self.buttons if skips), None)

    def data(self, answers: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        data.update({k: v if isinstance(v, list) else [v] for k, v in answers.items()})
        return data


def _patterns(patterns: list[Any], namespace: str) -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns, namespace)
        elif pattern.name:
            found.append((f"{namespace}:{pattern.name}", pattern))
    return found


class UntouchedSectionsTest(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.cast = Cast.build()
        cls.person = make_person(
            cls.cast.org,
            cls.cast.caseworker,
            given_names="Marisol",
            first_surname="Quiñónez",
            sex="female",
            date_of_birth=datetime.date(1991, 7, 2),
        )
        cls.incident = make_incident(cls.cast.org, cls.cast.caseworker, person=cls.person)
        cls.case = make_case(cls.cast.org, cls.cast.caseworker, person=cls.person)
        with organization_scope(cls.cast.org.pk):
            cls.returned = records.return_record(
                by=cls.cast.caseworker,
                person=cls.person,
                data={
                    "program_phase": "MPP2",
                    "returned_on": datetime.date(2022, 6, 9),
                    "return_point": "SYS",
                },
            )
            cls.document = records.document_record(
                by=cls.cast.caseworker,
                person=cls.person,
                data={"doc_type": "PASSPORT", "number": "G20417733"},
            )

    def setUp(self) -> None:
        self.client = sign_in(self.client, self.cast.coordinator)

    def counts(self) -> dict[type[models.Model], int]:
        with organization_scope(self.cast.org.pk):
            return {model: model._default_manager.count() for model in COUNTED}

    def multi_part_pages(self) -> dict[str, str]:
        """URL name -> address of every multi-part page these apps show."""
        values = {
            "person_uuid": self.person.uuid,
            "incident_uuid": self.incident.uuid,
            "case_uuid": self.case.uuid,
            "return_uuid": self.returned.uuid,
            "document_uuid": self.document.uuid,
        }
        pages = {}
        for module, namespace in (
            (people_urls, "people"),
            (incident_urls, "incidents"),
            (court_urls, "court"),
        ):
            for name, pattern in _patterns(module.urlpatterns, namespace):
                wanted = set(pattern.pattern.converters)
                if not wanted <= set(values):
                    continue
                url = reverse(name, kwargs={k: values[k] for k in wanted})
                response = self.client.get(url)
                if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                    continue
                if BrowserForm(response.content.decode()).is_multi_part():
                    pages[name] = url
        return pages

    def test_the_walk_finds_the_multi_part_forms(self) -> None:
        pages = self.multi_part_pages()
        self.assertLessEqual(
            {"people:create", "incidents:new", "incidents:new_for_person"}, set(pages)
        )
        self.assertEqual(
            set(pages) - set(MAIN_ANSWERS),
            set(),
            "A multi-part form without its main answers in MAIN_ANSWERS",
        )

    def test_untouched_sections_save_nothing(self) -> None:
        for name, url in self.multi_part_pages().items():
            answers, expected = MAIN_ANSWERS[name]
            with self.subTest(page=name):
                form = BrowserForm(self.client.get(url).content.decode())
                button = form.add_button()
                if button is not None:
                    # One more part, shown blank and left so.
                    more = self.client.post(url, {**form.data(answers), button[0]: button[1]})
                    self.assertEqual(more.status_code, 200)
                    grown = BrowserForm(more.content.decode())
                    self.assertGreater(len(grown.fields), len(form.fields))
                    form = grown
                before = self.counts()
                response = self.client.post(url, form.data(answers))
                self.assertEqual(response.status_code, 302, response.content.decode()[-3000:])
                after = self.counts()
                saved = {m: after[m] - before[m] for m in COUNTED if after[m] != before[m]}
                self.assertEqual(saved, expected)
