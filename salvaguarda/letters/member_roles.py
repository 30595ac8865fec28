"""A coalition member's role or representative, told apart from its name: "Casa X, A.C.,
representada por Hna. Leticia Mora" is the member "Casa X, A.C." and its role "representada
por Hna. Leticia Mora"; "Colectivo Z (coordinación)" is "Colectivo Z" and "coordinación".

The import stores the name and the role apart (`Signatory.name`, `Signatory.title`); the
outputs print a member's role after its name, each in its own way (`services`, `output`,
`documents`). A parenthesis that is a place, an acronym or a qualifier stays in the name
(`reading.lists.member_role`).
"""

import re

from salvaguarda.letters.reading.lists import member_role

# "…, representada por Hna. Leticia Mora", "… – represented by Ana Ruiz", "…, représentée par
# …", "…, representado por …": a comma or a spaced dash, then "represented by" in a language.
_REPRESENTED = re.compile(
    r"(?P<name>.+?)\s*(?:,|\s[-–—])\s*"
    r"(?P<role>(?:representad[oa]s?\s+por|represented\s+by|repr[ée]sent[ée]e?s?\s+par)\s+\S.*)",
    re.IGNORECASE | re.DOTALL,
)
# A member's line as the app writes it when it has no text of its own (`role_line`).
ROLE_MARK = " — "


def member_parts(text: str) -> tuple[str, str]:
    """A member's name and its role ("" when it names none), as a list writes them: a
    representative after a comma or a dash ("Casa X, A.C., representada por Hna. Leticia Mora",
    "Red Y – represented by Ana Ruiz"), a role in the last parenthesis ("Colectivo Z
    (coordinación)", "Centro Y (Ana Ruiz Soto, directora)"), or both ("Pastoral X
    (coordinación), representada por Pbro. Anselmo Tlapale": "coordinación, representada por
    Pbro. Anselmo Tlapale")."""
    text = " ".join(text.split())
    represented = ""
    match = _REPRESENTED.fullmatch(text)
    if match is not None:
        text, represented = match["name"].strip(), match["role"].strip()
    name, role = member_role(text)
    return name, ", ".join(part for part in (role, represented) if part)


def role_line(name: str, role: str) -> str:
    """A member's line with its role, as the app writes it: "Casa X — coordinación"."""
    return f"{name}{ROLE_MARK}{role}" if role else name
