"""The Washington Group Short Set (DOMAIN.md 3.1), for adults.

The six questions are asked in the WG's wording and scored with the WG's standard cut-off:
disability = at least one domain coded 3 or 4. We apply the cut-off to the domains answered:
one answered domain coded 3 or 4 is enough to say "yes"; "no" needs all six answered (none 3 or
4); anything else is "not known" (None). Children are asked the Child Functioning Module
instead (child.py): the short set is not designed for them.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from salvaguarda.people.screening.questions import ADULTS, Kind, Question, Section

WG_CUT_OFF = frozenset({3, 4})


def _wg(key: str, label: Any, domain: str) -> Question:
    return Question(key, label, Kind.WG, bands=ADULTS, cut_off=WG_CUT_OFF, domain=domain)


WASHINGTON_GROUP = Section(
    key="wg",
    title=_("Functioning (Washington Group Short Set)"),
    note=_(
        "Read each question and its four answers exactly as written. Do not use the word "
        "“disability”. For adults: children are asked the Child Functioning Module."
    ),
    read_aloud=_(
        "The next questions ask about difficulties you may have doing certain activities "
        "because of a HEALTH PROBLEM."
    ),
    questions=(
        _wg("wg.seeing", _("Do you have difficulty seeing, even if wearing glasses?"), "seeing"),
        _wg(
            "wg.hearing",
            _("Do you have difficulty hearing, even if using a hearing aid?"),
            "hearing",
        ),
        _wg("wg.walking", _("Do you have difficulty walking or climbing steps?"), "walking"),
        _wg(
            "wg.cognition",
            _("Do you have difficulty remembering or concentrating?"),
            "cognition",
        ),
        _wg(
            "wg.self_care",
            _("Do you have difficulty (with self-care such as) washing all over or dressing?"),
            "self_care",
        ),
        _wg(
            "wg.communication",
            _(
                "Using your usual language, do you have difficulty communicating, for "
                "example understanding or being understood?"
            ),
            "communication",
        ),
    ),
)

# Washington Group domains and the disability subcode each gives (DOMAIN.md 3.2).
WG_DOMAINS: dict[str, str] = {
    "wg.seeing": "DS-BD",
    "wg.hearing": "DS-DF",
    "wg.walking": "DS-PM",
    "wg.cognition": "DS-MM",
    "wg.self_care": "DS-SC",
    "wg.communication": "DS-SD",
}


def wg_domains_with_difficulty(answers: Mapping[str, Any]) -> list[str]:
    """The WG question keys answered 3 (a lot of difficulty) or 4 (cannot do at all)."""
    return [key for key in WG_DOMAINS if answers.get(key) in WG_CUT_OFF]


def wg_disability(answers: Mapping[str, Any]) -> bool | None:
    """The WG cut-off: True if any answered domain is coded 3 or 4; False only if all six
    domains are answered and none is; None (not known) otherwise."""
    if wg_domains_with_difficulty(answers):
        return True
    if all(answers.get(key) in (1, 2) for key in WG_DOMAINS):
        return False
    return None
