"""The vocabularies of incident records, as a reference page for every member (no case data).

It shows what `vocab.py` loads: our common acts and local perpetrator types with their HURIDOCS
and REDODEM mappings, the GBVIMS types with their definitions, and the four HURIDOCS lists as
trees, citing their sources. It reads files only: no database query, nothing to audit.

`act_tree` sends the act picker's HURIDOCS list, as the picker's script loads it on demand.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from salvaguarda.core.access import Policy, policy
from salvaguarda.incidents.vocab import (
    ACTS,
    COMMON_ACTS,
    GBV_TYPES,
    INVOLVEMENT,
    LOCAL_PERPETRATORS,
    PATH_SEPARATOR,
    PERPETRATORS,
    REDODEM_CATEGORIES,
    VICTIM_STATUS,
    HuridocsList,
    common_act_gbv,
    common_act_huridocs,
)
from salvaguarda.incidents.widgets import ActPicker

_HURIDOCS_LISTS: list[tuple[str, Promise, HuridocsList]] = [
    ("acts", _("Types of Acts"), ACTS),
    ("perpetrators", _("Types of Perpetrators"), PERPETRATORS),
    ("involvement", _("Degrees of Involvement"), INVOLVEMENT),
    ("victim-status", _("Status as Victim"), VICTIM_STATUS),
]


@dataclass(frozen=True)
class ListSection:
    slug: str
    title: Promise
    number: int
    size: int
    tree: SafeString


def _tree(vocabulary: HuridocsList, parent: str = "") -> SafeString:
    """The list as nested `<ul>`: each term's code and label (active language)."""
    children = vocabulary.children(parent) if parent else vocabulary.roots()
    if not children:
        return SafeString("")
    return format_html(
        "<ul>{}</ul>",
        format_html_join(
            "",
            "<li><code>{}</code> {}{}</li>",
            ((term.code, term.label, _tree(vocabulary, term.code)) for term in children),
        ),
    )


def _above(vocabulary: HuridocsList, code: str) -> str:
    """The path of the terms above `code` ("" for a top-level term)."""
    return PATH_SEPARATOR.join(term.label for term in vocabulary.ancestors(code))


def _language() -> str:
    return "en" if (get_language() or "es").startswith("en") else "es"


def _common_acts() -> list[dict[str, str]]:
    rows = []
    for term in COMMON_ACTS.terms.values():
        code = common_act_huridocs(term.code)
        gbv = common_act_gbv(term.code)
        rows.append(
            {
                "code": term.code,
                "label": term.label,
                "huridocs": code,
                "huridocs_label": ACTS.label(code),
                "huridocs_above": _above(ACTS, code),
                "gbv": gbv,
                "gbv_label": GBV_TYPES.label(gbv) if gbv else "",
            }
        )
    return rows


def _local_perpetrators() -> list[dict[str, str]]:
    rows = []
    for term in LOCAL_PERPETRATORS.terms.values():
        parent, redodem = term.extra["parent"], term.extra["redodem"]
        rows.append(
            {
                "code": term.code,
                "label": term.label,
                "parent": parent,
                "parent_label": PERPETRATORS.label(parent),
                "parent_above": _above(PERPETRATORS, parent),
                "redodem": redodem,
                "redodem_label": REDODEM_CATEGORIES.label(redodem) if redodem else "",
            }
        )
    return rows


def _gbv_types() -> list[dict[str, str]]:
    english = _language() == "en"
    return [
        {
            "code": term.code,
            "label": term.label,
            "definition": term.extra["definition_en" if english else "definition_es"],
        }
        for term in GBV_TYPES.terms.values()
    ]


@policy(Policy.MEMBER)
def vocabularies(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "common_acts": _common_acts(),
        "local_perpetrators": _local_perpetrators(),
        "gbv_types": _gbv_types(),
        "huridocs_lists": [
            ListSection(slug, title, vocabulary.number, len(vocabulary), _tree(vocabulary))
            for slug, title, vocabulary in _HURIDOCS_LISTS
        ],
    }
    return render(request, "incidents/vocabularies.html", context)


# A form field's name and id, as the picker sends them (prefixes and formset numbers included).
_HTML_NAME = re.compile(r"[A-Za-z][\w-]{0,80}")


@policy(Policy.MEMBER)
@require_GET
def act_tree(request: HttpRequest) -> HttpResponse:
    """The act picker's HURIDOCS list, nothing ticked, as a fragment of the picker's page: its
    checkboxes carry the field's `name` and ids made from its `id` (both asked for)."""
    name, base_id = request.GET.get("name", ""), request.GET.get("id", "")
    if not (_HTML_NAME.fullmatch(name) and _HTML_NAME.fullmatch(base_id)):
        return HttpResponseBadRequest("name and id are required.", content_type="text/plain")
    return HttpResponse(ActPicker().tree_items(name, base_id))


urlpatterns: list[URLPattern] = [
    path("vocabularios/", vocabularies, name="vocabularies"),
    path("actos/lista-huridocs/", act_tree, name="act_tree"),
]
