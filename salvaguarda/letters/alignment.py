"""Language versions of a letter kept in step: paragraphs aligned across versions, drift between
them listed for the editors, and paragraphs changed since the versions were last marked in step.

Translations differ in words, so paragraphs are aligned on language-independent *anchors*:
numbers, dates, case numbers, institutions (acronyms and a small glossary of names) and Markdown
link URLs, plus relative length (characters and sentences). Pure functions, no models.

Scoring (``similarity``), each part in [0, 1]:

* anchors: Jaccard overlap of the two anchor sets (tagged keys such as ``n:71071``,
  ``d:2025-03-12``, ``c:302/2020``, ``i:INM``, ``u:https://...``, and ``f:devoluciones`` for
  the mark of a cited figure, ``{{cifra:devoluciones}}``, see ``figures``);
* length: shorter / longer character length (Markdown link targets left out);
* sentences: fewer / more sentences.

When either paragraph has anchors: ``0.5 * anchors + 0.3 * length + 0.2 * sentences``; when
neither has any: ``0.6 * length + 0.4 * sentences``. The alignment is a Needleman-Wunsch style
dynamic programme between the reference version (the first key) and each other version: a match
earns ``similarity - MATCH_THRESHOLD``, a gap (a paragraph left without counterpart) earns 0, so
two paragraphs are paired only when they are more alike than ``MATCH_THRESHOLD`` and the order of
paragraphs is kept. Ties prefer a match, then a gap in the other version. The pairwise alignments
are merged into rows on the reference paragraphs; paragraphs of other versions with no reference
counterpart that fall between the same two reference paragraphs share rows, in order.

A cited figure's mark is an anchor of its own, not a number: two versions that carry the same
mark say the same value, whatever its key holds. A mark present in one version of a row and
missing in another is a drift of its own kind, ``missing_figure``.

Two neighbouring rows left unpaired, one holding what the other lacks, are joined into one row
(the same paragraph written differently enough not to pass the threshold alone).

Drift kinds (``drifts``), each other version against the first of the row:
``missing_paragraph`` (with the text of the versions that have it; a salutation or closing
missing in one version is no drift), ``missing_sentence`` (the sentences one version has more,
chosen by a dynamic programme that pairs the rest in order; neighbours are one passage),
``link_differs`` (a link with no link at the same place of the other version, any target),
``number_differs`` and ``date_differs`` (numbers, numbers in words and the day, month and year
of dates compared as one set, so "entre el 1 y el 15 de febrero" and "between February 1 and
15" agree), ``case_number_differs``, ``institution_differs`` and ``missing_figure``.
"""

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from salvaguarda.letters import figures as cited
from salvaguarda.letters.reading import numbers as numbers_in_words
from salvaguarda.letters.reading.words import CLOSING, courtesy

MATCH_THRESHOLD = 0.35

# Institutions: canonical key -> names and acronyms in es/en/pt/fr (matched accent- and
# case-insensitively as whole words). Acronyms not listed here are kept as written.
_GLOSSARY_DATA = """
SCJN | Suprema Corte de Justicia de la Nación | Supreme Court of Justice of the Nation
     | Mexican Supreme Court | Suprema Corte de Justiça da Nação
     | Cour suprême de justice de la nation
INM | Instituto Nacional de Migración | National Migration Institute
    | National Institute of Migration | Instituto Nacional de Migração
    | Institut national des migrations
CNDH | Comisión Nacional de los Derechos Humanos | Comisión Nacional de Derechos Humanos
     | National Human Rights Commission | Comissão Nacional dos Direitos Humanos
COMAR | Comisión Mexicana de Ayuda a Refugiados | Mexican Commission for Refugee Assistance
      | Mexican Commission for Refugee Aid
SRE | Secretaría de Relaciones Exteriores | Ministry of Foreign Affairs
SEGOB | Secretaría de Gobernación | Ministry of the Interior
UNHCR | ACNUR | HCR | Alto Comisionado de las Naciones Unidas para los Refugiados
      | United Nations High Commissioner for Refugees | UN Refugee Agency
      | Alto Comissariado das Nações Unidas para Refugiados
IOM | OIM | Organización Internacional para las Migraciones
    | International Organization for Migration | Organização Internacional para as Migrações
    | Organisation internationale pour les migrations
IACHR | CIDH | Comisión Interamericana de Derechos Humanos
      | Inter-American Commission on Human Rights | Comissão Interamericana de Direitos Humanos
CBP | Customs and Border Protection | Oficina de Aduanas y Protección Fronteriza
ICE | Immigration and Customs Enforcement | Servicio de Inmigración y Control de Aduanas
DHS | Department of Homeland Security | Departamento de Seguridad Nacional
    | Departamento de Segurança Interna
EOIR | Executive Office for Immigration Review
     | Oficina Ejecutiva de Revisión de Casos de Inmigración
US | EE. UU. | EE.UU. | EUA | U.S. | Estados Unidos | United States | États-Unis
UN | ONU | Naciones Unidas | United Nations | Nações Unidas | Nations unies
MPP | Quédate en México | Remain in Mexico | Permaneça no México | Restez au Mexique
    | Migrant Protection Protocols | Protocolos de Protección a Migrantes
court-of-appeals | Corte de Apelaciones | Tribunal de Apelaciones | Court of Appeals
    | appeals court | Corte de Apelações | Tribunal de Apelação | Cour d'appel | Cour d’appel
district-court | district judge | district court | juez de distrito | jueza de distrito
    | juzgado de distrito | tribunal de distrito | juiz distrital | juiz federal
    | juge de district | tribunal fédéral de district
supreme-court | Corte Suprema | Supreme Court | Suprema Corte de Justicia | Supremo Tribunal
    | Suprema Corte de Justiça | Suprema Corte

    | Cour suprême | Supremo Tribunal Federal
collegiate-court | Tribunal Colegiado de Circuito | Tribunal Colegiado | Collegiate Circuit Court
    | Collegiate Court | Tribunal Colegiado Federal
state-court | Tribunal de Justiça | Tribunal de Justicia | Tribunal Superior de Justicia
    | state court | state supreme court | Tribunal Superior de Justiça do Estado
regional-federal-court | Tribunal Regional Federal | Regional Federal Court
    | Federal Regional Court | Tribunal régional fédéral
constitutional-court | Tribunal Constitucional | Constitutional Court | Corte Constitucional
    | Tribunal constitutionnel | Conseil constitutionnel
immigration-court | Corte de Inmigración | immigration court | tribunal de inmigración
    | juez de inmigración | jueza de inmigración | immigration judge | tribunal de imigração
    | juiz de imigração | tribunal de l'immigration | juge de l'immigration
asylum-office | Asylum Office | Oficina de Asilo | Escritório de Asilo | bureau de l'asile
BIA | Board of Immigration Appeals | Junta de Apelaciones de Inmigración
    | Junta de Apelaciones Migratorias | Conselho de Apelações de Imigração
family-court | juzgado familiar | juzgado de lo familiar | juez familiar | family court
    | tribunal de família | vara de família | juge aux affaires familiales
    | tribunal de la famille
council-of-state | Conseil d'État | Conseil d’État | Consejo de Estado | Council of State
    | Conselho de Estado
inter-american-court | Corte Interamericana de Derechos Humanos | Corte Interamericana
    | Inter-American Court of Human Rights | Inter-American Court
    | Corte Interamericana de Direitos Humanos | Cour interaméricaine des droits de l'homme
administrative-court | tribunal administratif | administrative court | tribunal administrativo
    | tribunal de lo contencioso administrativo
juvenile-court | juzgado de niñez y adolescencia | juzgado de menores | juez de menores
    | tribunal de menores | juvenile court | youth court | juge des enfants
    | tribunal pour enfants | juizado da infância e juventude | vara da infância e juventude
juvenile-prosecutor | Fiscalía de Menores | Fiscalía de Niñez | juvenile prosecutor
    | parquet des mineurs | Promotoria da Infância e Juventude
high-court | High Court | Haute Cour
national-guard | Guardia Nacional | National Guard | Guarda Nacional | Garde nationale
army | Ejército | Ejército Mexicano | Army | Mexican Army | Exército | armée | Sedena
federal-police | Policía Federal | Federal Police | Polícia Federal | police fédérale
state-police | policía estatal | state police | polícia estadual | polícia militar
    | police d'État | police de l'État
municipal-police | Policía Municipal | municipal police | city police | polícia municipal
    | police municipale | guardia municipal
"""


def _read_glossary(data: str) -> dict[str, tuple[str, ...]]:
    """A line starting with a key opens an entry; indented lines continue it."""
    out: dict[str, tuple[str, ...]] = {}
    key = ""
    for line in data.strip().splitlines():
        parts = [p.strip() for p in line.split("|")]
        if parts[0]:
            key = parts[0]
        out[key] = out.get(key, ()) + tuple(p for p in parts[1:] if p)
    return out


# Institutions: canonical key -> names and acronyms in es/en/pt/fr (matched accent- and
# case-insensitively as whole words). Acronyms not listed are kept as written.
GLOSSARY = _read_glossary(_GLOSSARY_DATA)

# Countries are anchors for the alignment, not institutions: a translation often adds or drops
# one ("advises U.S. citizens not to visit" / "recomienda no visitar"), and that is no drift.
COUNTRY_KEYS = frozenset({"US"})

# All-caps tokens that are not institutions.
NOT_ACRONYMS = frozenset({"EE", "UU", "II", "III", "IV", "VI", "VII", "XX", "XXI", "OK", "NO"})

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "enero january jan janeiro janvier",
        "febrero february feb fevereiro fevrier",
        "marzo march mar marco mars",
        "abril april apr avril",
        "mayo may maio mai",
        "junio june jun junho juin",
        "julio july jul julho juillet",
        "agosto august aug aout",
        "septiembre setiembre september sep sept setembro septembre",
        "octubre october oct outubro octobre",
        "noviembre november nov novembro novembre",
        "diciembre december dec dezembro decembre",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"

ABBREVIATIONS = frozenset(
    "dr dra mtro mtra lic licda ing sr sra srta sres pbro hna hno prof profa no nos num núm art "
    "arts fr mr mrs ms st jr inc ltd etc vol pp cf vs av col ee uu gral lcdo lcda sto sta".split()
)

_LINK = re.compile(r"\]\((\S+?)\)")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DAY_MONTH = re.compile(
    r"\b(\d{1,2})(?:o|er)?\s+(?:de\s+)?" + _MONTH + r"\.?(?:,?\s+(?:de\s+|del\s+)?(\d{4}))?\b"
)
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?")
_MONTH_YEAR = re.compile(r"\b" + _MONTH + r"\s+(?:de\s+|of\s+)?(\d{4})\b")
_CASES = (
    re.compile(r"\b[A-Z]{1,3}-?\d{3}-?\d{3}-?\d{3}\b"),  # A-numbers
    re.compile(r"\b(?:No|N[°º]|Núm|Num|n\.?\s?[°º]|no)\.?\s*(\d[\d-]*\d)\b"),  # No. 19-15716
    re.compile(r"(?<![/\d])\d{1,6}/\d{4}\b"),  # amparo en revisión 302/2020
    re.compile(r"\b\d{2}-\d{4,6}\b"),  # 19-15716
)
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,. \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\w)"
    r"(\s?%|\s+(?:por\s+ciento|percent|per\s+cent|pour\s+cent|por\s+cento))?"
)
# A time of day, on a 24-hour clock or with a.m./p.m.: "22:00 horas", "10:00 p.m.", "22 h 30",
# "10 pm" (a time has minutes or a.m./p.m.); read as the time it names, so "22:00" and
# "10:00 p.m." are the same.
_TIME = re.compile(
    r"(?<![\w.,:])(\d{1,2})(?:\s?(?::|h)\s?(\d{2})(?!\d))?"
    r"(?:\s?(?P<half>[ap])\.?\s?m\b\.?|\s?(?:horas|hrs?|heures|hours|h)\b)?",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"\b[A-ZÁÉÍÓÚÑ]{2,8}\b")
# The place or circuit after an institution's name: "do Amazonas", "de la 1.ª Región", "del
# Noveno Circuito", "for the Ninth Circuit", "de Paris".
_SERVES = re.compile(
    r"\s+(?:de\s+la|de\s+las|de\s+los|de\s+l['’]|del|dos|das|do|da|de|du|des|of\s+the|for\s+the|"
    r"of|for)\s+(?:\d{1,2}\.?\s?[ºª°oa]\.?\s+|\d{1,2}(?:st|nd|rd|th)\s+)?"
    r"[A-ZÁÉÍÓÚÑÂÊÔÃÕÇ][\w'’-]*(?:\s+[A-ZÁÉÍÓÚÑÂÊÔÃÕÇ][\w'’-]*)*"
)
_BOUNDARY = re.compile(r"([.!?…])[\"'»”’)\]*_]*\s+(?=[¿¡\"'«“(\[*_]*[A-ZÁÉÍÓÚÑÜ0-9])")


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so spans stay valid)."""
    return "".join(unicodedata.normalize("NFKD", c)[:1] or c for c in text).lower()


def _glossary_patterns() -> list[tuple[re.Pattern[str], str]]:
    out = []
    for key, names in GLOSSARY.items():
        for name in (key, *names):
            if re.fullmatch(r"[A-Z]{2,8}", name):
                continue  # acronyms are read by _ACRONYM
            first, _space, rest = fold(name).partition(" ")
            pattern = re.escape(first)
            if rest:
                # A court's ordinal after its first word: "Juez Tercero de Distrito",
                # "Juzgado 2.º de lo Familiar", "Tribunal Primero Colegiado", "1ª Vara".
                ordinal = _ORDINAL if first in _ORDINAL_AFTER else ""
                pattern += ordinal + r"\s+" + re.escape(rest).replace(r"\ ", r"\s+")
            out.append((re.compile(r"(?<!\w)" + pattern + r"(?!\w)"), key))
    return out


_ORDINAL_AFTER = frozenset("juez jueza juzgado tribunal juiz juiza vara sala".split())
_ORDINAL = (
    r"(?:\s+(?:primer[oa]?|segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa]|s[eé]ptim[oa]|"
    r"octav[oa]|noven[oa]|d[eé]cim[oa](?:\s+\w+)?|\d{1,2}\.?\s?[oaº°ª]?))?"
)


_GLOSSARY_PATTERNS = _glossary_patterns()
_ACRONYM_KEYS = {
    name: key
    for key, names in GLOSSARY.items()
    for name in (key, *names)
    if re.fullmatch(r"[A-Z]{2,8}", name)
}


@dataclass(frozen=True)
class Anchors:
    """Language-independent values in a paragraph: key -> the text as written."""

    numbers: dict[str, str]
    dates: dict[str, str]
    cases: dict[str, str]
    institutions: dict[str, str]
    urls: dict[str, str]
    figures: dict[str, str] = field(default_factory=dict)  # marks of cited figures, by key

    def keys(self) -> set[str]:
        groups = (self.numbers, self.dates, self.cases, self.institutions, self.urls, self.figures)
        return {f"{tag}:{k}" for tag, g in zip("ndciuf", groups, strict=True) for k in g}


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _date_key(year: str | None, month: int, day: int | None) -> str | None:
    if day is not None and not 1 <= day <= 31:
        return None
    if day is None:
        return f"{year}-{month:02d}" if year else None
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def _number_key(digits: str, percent: str | None) -> str:
    if re.fullmatch(r"\d{1,3}(?:[,. \u00a0\u202f]\d{3})+(?:[.,]\d+)?", digits):
        parts = re.split(r"[,. \u00a0\u202f]", digits)
        tail = re.search(r"[.,](\d{1,2}|\d{4,})$", digits)  # a decimal part is not 3 digits
        whole = "".join(parts[:-1] if tail else parts)
        key = whole + ("." + parts[-1] if tail else "")
    else:
        key = digits.replace(",", ".")
    if "." in key:
        key = key.rstrip("0").rstrip(".")
    key = key.lstrip("0") or "0"
    return key + ("%" if percent else "")


def _time_key(m: re.Match[str]) -> str | None:
    """ "22:00": the time a match names on a 24-hour clock; None when it is not a time (no
    minutes nor a.m./p.m., as in a duration, "72 horas"; an hour or minutes out of range)."""
    hour, minutes, half = int(m.group(1)), m.group(2), (m["half"] or "").lower()
    if minutes is None and not half:
        return None
    if half and 1 <= hour <= 12:
        hour = hour % 12 + (12 if half == "p" else 0)
    elif half or hour > 24 or int(minutes or 0) > 59:
        return None
    return f"{hour % 24:02d}:{minutes or '00'}"


def anchors(paragraph: str) -> Anchors:
    """The anchors of one paragraph (Markdown kept as written)."""
    text = paragraph
    marks: dict[str, str] = {}
    for m in cited.MARK.finditer(text):
        marks.setdefault(m.group(1).lower(), m.group())
        text = _mask(text, m.start(), m.end())
    urls: dict[str, str] = {}
    for m in _LINK.finditer(text):
        urls[m.group(1).rstrip("/")] = m.group(1)
        text = _mask(text, m.start(), m.end())
    institutions: dict[str, str] = {}
    folded = fold(text)
    for pattern, canonical in _GLOSSARY_PATTERNS:
        for m in pattern.finditer(folded):
            # Shown with the place or circuit it serves: "Tribunal de Justiça do Amazonas".
            served = _SERVES.match(text, m.end())
            end = served.end() if served else m.end()
            institutions.setdefault(canonical, text[m.start() : end])
    for m in _ACRONYM.finditer(text):
        if m.group() not in NOT_ACRONYMS:
            institutions.setdefault(_ACRONYM_KEYS.get(m.group(), m.group()), m.group())
    cases: dict[str, str] = {}
    for pattern in _CASES:
        for m in pattern.finditer(text):
            value = m.group(1) if m.groups() else m.group()
            case = value.upper()
            if re.fullmatch(r"[A-Z]{1,3}-?\d{3}-?\d{3}-?\d{3}", case):
                case = case.replace("-", "")
            cases.setdefault(case, m.group())
            text = _mask(text, m.start(), m.end())
    dates: dict[str, str] = {}
    for pattern in (_ISO, _SLASH_DATE, _DAY_MONTH, _MONTH_DAY, _MONTH_YEAR):
        for m in pattern.finditer(fold(text)):
            g = m.groups()
            key: str | None
            if pattern is _ISO:
                key = _date_key(g[0], int(g[1]), int(g[2])) if 1 <= int(g[1]) <= 12 else None
            elif pattern is _SLASH_DATE:
                a, b = int(g[0]), int(g[1])
                day, month = (b, a) if b > 12 >= a else (a, b)  # day first unless impossible
                key = _date_key(g[2], month, day) if month <= 12 else None
            elif pattern is _DAY_MONTH:
                key = _date_key(g[2], MONTHS[g[1]], int(g[0]))
            elif pattern is _MONTH_DAY:
                key = _date_key(g[2], MONTHS[g[0]], int(g[1]))
            else:
                key = _date_key(g[1], MONTHS[g[0]], None)
            if key:
                dates.setdefault(key, text[m.start() : m.end()].strip(" ,."))
                text = _mask(text, m.start(), m.end())
    numbers: dict[str, str] = {}
    for m in _TIME.finditer(text):
        if (key := _time_key(m)) is not None:
            numbers.setdefault(key, m.group().strip())
            text = _mask(text, m.start(), m.end())
    for start, end, value in numbers_in_words.spelled(text):
        numbers.setdefault(value, text[start:end])
        text = _mask(text, start, end)
    for m in _NUMBER.finditer(text):
        numbers.setdefault(_number_key(m.group(1), m.group(2)), m.group().strip())
    return Anchors(numbers, dates, cases, institutions, urls, marks)


def sentences(paragraph: str) -> list[str]:
    """Sentences of a paragraph; abbreviations, initials and decimals do not end one."""
    text = re.sub(r"\[\^[^\]\s]+\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+", "", _LINK.sub("]", paragraph))  # footnote marks
    out, start = [], 0

    for m in _BOUNDARY.finditer(text):
        if m.group(1) == ".":
            word = re.search(r"([\w.]+)\.$", text[: m.start(1) + 1])
            token = word.group(1).lower() if word else ""
            last = token.rsplit(".", 1)[-1]
            if last in ABBREVIATIONS or len(last) == 1:
                continue  # "Dr.", "No.", "U.S.", "EE. UU.", "J. Pérez"
        out.append(text[start : m.end(1)].strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


@dataclass(frozen=True)
class _Features:
    keys: frozenset[str]
    length: int
    sentences: int
    closing: bool = False  # a courtesy paragraph or the closing formula
    stems: frozenset[str] = frozenset()  # the first four letters of its longer words


# Two translations share cognates ("territorial", "migración" / "migration", "visita" /
# "visit"): the first four letters of words of five letters or more, folded. Only a small
# bonus on top of the score: it decides between two paragraphs of one length and no anchors
# (which of "Solicitamos que la audiencia…" and "En Punta Gorda…, asesinados…" is "We ask
# that the hearing…"), never pairs paragraphs the anchors and lengths keep apart.
COGNATE_WEIGHT = 0.2


def _stems(paragraph: str) -> frozenset[str]:
    words = re.findall(r"[^\W\d_]{5,}", fold(_LINK.sub("]", paragraph)))
    return frozenset(w[:4] for w in words)


def _features(paragraph: str) -> _Features:
    return _Features(
        frozenset(anchors(paragraph).keys()),
        len(_LINK.sub("]", paragraph).strip()),
        len(sentences(paragraph)),
        courtesy(paragraph) or bool(CLOSING.match(paragraph.strip())),
        _stems(paragraph),
    )


def _score(a: _Features, b: _Features) -> float:
    if a.closing != b.closing:
        return 0.0  # a closing ("Veuillez agréer…", "Atentamente,") pairs only with a closing
    longer, more = max(a.length, b.length), max(a.sentences, b.sentences)
    length = min(a.length, b.length) / longer if longer else 1.0
    sent = min(a.sentences, b.sentences) / more if more else 1.0
    stems = len(a.stems) + len(b.stems)
    cognates = COGNATE_WEIGHT * 2 * len(a.stems & b.stems) / stems if stems else 0.0
    if a.keys or b.keys:
        anchored = len(a.keys & b.keys) / len(a.keys | b.keys)
        return 0.5 * anchored + 0.3 * length + 0.2 * sent + cognates
    return 0.6 * length + 0.4 * sent + cognates


def similarity(a: str, b: str) -> float:
    """How alike two paragraphs in different languages are, in [0, 1] (see module doc)."""
    return _score(_features(a), _features(b))


def _pairwise(ref: list[_Features], other: list[_Features]) -> list[tuple[int | None, int | None]]:
    n, m = len(ref), len(other)
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    move[0] = ["left"] * (m + 1)
    for i in range(1, n + 1):
        move[i][0] = "up"
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = (
                (score[i - 1][j - 1] + _score(ref[i - 1], other[j - 1]) - MATCH_THRESHOLD, "d"),
                (score[i][j - 1], "left"),
                (score[i - 1][j], "up"),
            )
            score[i][j], move[i][j] = max(options, key=lambda o: o[0])
    path: list[tuple[int | None, int | None]] = []
    i, j = n, m
    while i or j:
        step = move[i][j]
        if step == "d":
            path.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == "left":
            path.append((None, j - 1))
            j -= 1
        else:
            path.append((i - 1, None))
            i -= 1
    return path[::-1]


@dataclass(frozen=True)
class Row:
    """For each language, the index of its paragraph in this row, or None if it has none."""

    cells: dict[str, int | None]


def align(versions: dict[str, list[str]]) -> list[Row]:
    """Rows of aligned paragraphs; the first language is the reference."""
    if not versions:
        return []
    languages = list(versions)
    ref = languages[0]
    features = {lang: [_features(p) for p in versions[lang]] for lang in languages}
    matched: dict[str, dict[int, int]] = {}
    extras: dict[str, dict[int, list[int]]] = {}  # before reference index -> unmatched indices
    for lang in languages[1:]:
        matched[lang], extras[lang] = {}, {}
        pending: list[int] = []
        for i, j in _pairwise(features[ref], features[lang]):
            if i is None and j is not None:
                pending.append(j)
            elif i is not None:
                if pending:
                    extras[lang][i], pending = pending, []
                if j is not None:
                    matched[lang][i] = j
        if pending:
            extras[lang][len(versions[ref])] = pending
    rows: list[Row] = []
    for i in range(len(versions[ref]) + 1):
        width = max((len(extras[lang].get(i, [])) for lang in languages[1:]), default=0)
        for k in range(width):
            cells: dict[str, int | None] = {ref: None}
            for lang in languages[1:]:
                before = extras[lang].get(i, [])
                cells[lang] = before[k] if k < len(before) else None
            rows.append(Row(cells))
        if i < len(versions[ref]):
            rows.append(Row({ref: i, **{lang: matched[lang].get(i) for lang in languages[1:]}}))
    return _complementary_rows_joined(rows)


def _complementary_rows_joined(rows: list[Row]) -> list[Row]:
    """Two neighbouring rows whose paragraphs were left unpaired, one holding what the other
    lacks, are one row: the same paragraph written differently enough (an institution named
    otherwise) not to pass the threshold on its own."""
    out: list[Row] = []
    for row in rows:
        if out:
            last = out[-1].cells
            fits = all((last[lang] is None) != (row.cells[lang] is None) for lang in row.cells)
            if fits:
                out[-1] = Row(
                    {
                        lang: last[lang] if last[lang] is not None else row.cells[lang]
                        for lang in row.cells
                    }
                )
                continue
        out.append(row)
    return out


@dataclass(frozen=True)
class Drift:
    kind: str
    row: int
    languages: tuple[str, ...]
    detail: str


def _compare(a: dict[str, str], b: dict[str, str]) -> tuple[list[str], list[str]]:
    only_a = [k for k in sorted(a) if k not in b]
    only_b = [k for k in sorted(b) if k not in a]
    return [a[k] for k in only_a], [b[k] for k in only_b]


def _small(value: str) -> bool:
    return value.isdigit() and int(value) <= 10  # often written in words in one language


def drifts(versions: dict[str, list[str]], rows: list[Row]) -> list[Drift]:
    """What differs between the versions, row by row, each other version against the first
    (see module doc for the kinds): a paragraph or a sentence in one version only (with its
    text), a link one version has and another has not (links compared by their place in the
    text, not their address), numbers and dates (a number written otherwise, "45,000" and "45
    mil", is the same number), case numbers, institutions and cited figures' marks."""
    out: list[Drift] = []
    for r, row in enumerate(rows):
        present = [(lang, i) for lang, i in row.cells.items() if i is not None]
        missing = tuple(lang for lang, i in row.cells.items() if i is None)
        if missing and not all(_formula(versions[lang][i]) for lang, i in present):
            shown = " | ".join(f"{lang}: “{_excerpt(versions[lang][i])}”" for lang, i in present)
            out.append(Drift("missing_paragraph", r, missing, f"{shown} ∉ {', '.join(missing)}"))
        if len(present) < 2:
            continue
        texts = {lang: versions[lang][i] for lang, i in present}
        base, base_text = next(iter(texts.items()))
        base_anchors = anchors(base_text)
        for lang, text in list(texts.items())[1:]:
            pair = (base, lang)
            out += [Drift("missing_sentence", r, pair, d) for d in _sentences_apart(texts, pair)]
            out += [Drift("link_differs", r, pair, d) for d in _links_apart(texts, pair)]
            other = anchors(text)
            kind, left, right = _figures_apart(base_anchors, other)
            if left or right:
                detail = f"{', '.join(left) or '—'} ≠ {', '.join(right) or '—'}"
                out.append(Drift(kind, r, pair, detail))
            for kind, a, b in (
                ("case_number_differs", base_anchors.cases, other.cases),
                ("institution_differs", _named(base_anchors), _named(other)),
                ("missing_figure", base_anchors.figures, other.figures),
            ):
                left, right = _compare(a, b)

                if left or right:
                    detail = f"{', '.join(left) or '—'} ≠ {', '.join(right) or '—'}"
                    out.append(Drift(kind, r, pair, detail))
    return out


def _named(found: Anchors) -> dict[str, str]:
    """The institutions a paragraph names, countries left out (see COUNTRY_KEYS)."""
    return {k: v for k, v in found.institutions.items() if k not in COUNTRY_KEYS}


def _formula(paragraph: str) -> bool:
    """A salutation or a closing ("Estimada Secretaria:", "Atentamente,", "Nous vous prions
    d'agréer, Monsieur le Rapporteur spécial, l'expression de notre haute considération."):
    one version may have it and another not, and that is no drift."""
    short = len(paragraph.split()) <= 12 and paragraph.rstrip(" *_").endswith((":", ",", "."))
    return short or courtesy(paragraph)


def _excerpt(text: str, size: int = 160) -> str:
    flat = " ".join(_LINK.sub("]", text).split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


def _sentences_apart(texts: dict[str, str], pair: tuple[str, str]) -> list[str]:
    """The sentences one version of a paragraph has more than the other, with their text:
    those least like any sentence of the other version."""
    a, b = (sentences(texts[lang]) for lang in pair)
    if len(a) == len(b):
        return []
    (more, more_lang), (fewer, fewer_lang) = sorted(
        ((a, pair[0]), (b, pair[1])), key=lambda t: -len(t[0])
    )
    extra = _left_out([_features(s) for s in more], [_features(s) for s in fewer])
    runs: list[list[int]] = []  # sentences next to each other are one passage
    for k in extra:
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return [
        f"“{_excerpt(' '.join(more[k] for k in run), 320)}” ({more_lang}) ∉ {fewer_lang}"
        for run in runs
    ]


def _left_out(more: list[_Features], fewer: list[_Features]) -> list[int]:
    """Which items of `more` to leave out so that the rest, in order, pair best with every
    item of `fewer` (a dynamic programme over the two lists)."""
    n, m = len(more), len(fewer)
    low = float("-inf")
    best = [[low] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(1, n + 1):
        best[i][0] = 0.0
        for j in range(1, min(i, m) + 1):
            paired = best[i - 1][j - 1] + _score(more[i - 1], fewer[j - 1])
            best[i][j] = max(best[i - 1][j], paired)
    out, i, j = [], n, m
    while i > 0:
        if j > 0 and best[i][j] == best[i - 1][j - 1] + _score(more[i - 1], fewer[j - 1]):
            j -= 1
        else:
            out.append(i - 1)
        i -= 1
    return sorted(out)


_ANY_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]*)\)")


def _links_apart(texts: dict[str, str], pair: tuple[str, str]) -> list[str]:
    """Links of one version with no link at the same place (relative to the paragraph's
    length) in the other: a link whatever its target (``#``, relative, empty)."""
    found = {}
    for lang in pair:
        text = texts[lang]
        size = max(len(text), 1)
        found[lang] = [(m.start() / size, m.group(1)) for m in _ANY_LINK.finditer(text)]
    a, b = found[pair[0]], found[pair[1]]
    if len(a) == len(b):
        return []
    (more, more_lang), (fewer, fewer_lang) = sorted(
        ((a, pair[0]), (b, pair[1])), key=lambda t: -len(t[0])
    )
    left = list(more)
    for place, _label in fewer:
        nearest = min(left, key=lambda link: abs(link[0] - place))
        left.remove(nearest)
    other = texts[fewer_lang]
    return [
        f"[{label}] ({more_lang}) ∉ {fewer_lang}: “{_around(other, place)}”"
        for place, label in left
    ]


def _around(text: str, place: float, width: int = 60) -> str:
    """The words of `text` around a place given as a fraction of its length."""
    flat = _ANY_LINK.sub(lambda m: m.group(1), text)
    middle = int(place * len(flat))
    start = flat.rfind(" ", 0, max(middle - width, 0)) + 1
    end = flat.find(" ", min(middle + width, len(flat)))
    return "…" + " ".join(flat[start : end if end > 0 else len(flat)].split()) + "…"


def _atoms(found: Anchors, keep_years: bool) -> dict[str, tuple[str, bool]]:
    """Numbers and the parts of dates (day, month, year), each with its text as written and
    whether it comes from a date: "entre el 1 y el 15 de febrero" and "between February 1
    and 15" have the same parts."""
    out: dict[str, tuple[str, bool]] = {k: (v, False) for k, v in found.numbers.items()}
    for key, written in found.dates.items():
        year, month, day = (
            (key.split("-") + ["", ""])[:3]
            if not key.startswith("--")
            else (
                "",
                *key[2:].split("-"),
            )
        )
        if year and keep_years:
            out.setdefault(year, (written, True))
        if month:
            out.setdefault(f"m{int(month)}", (written, True))
        if day:
            out.setdefault(str(int(day)), (written, True))
    return out


def _figures_apart(a: Anchors, b: Anchors) -> tuple[str, list[str], list[str]]:
    """The numbers and dates of one version of a paragraph not in the other: (kind, as written
    in the first, as written in the second). A year is compared only when both versions write
    their dates with years; a small number said in one version only is let go (it is often
    written in words in the other)."""
    partial = any(k.startswith("--") for k in (*a.dates, *b.dates))
    left_atoms, right_atoms = _atoms(a, not partial), _atoms(b, not partial)
    only_left = [k for k in left_atoms if k not in right_atoms]
    only_right = [k for k in right_atoms if k not in left_atoms]
    if not (only_left and only_right):
        only_left = [k for k in only_left if not _small(k) or left_atoms[k][1]]
        only_right = [k for k in only_right if not _small(k) or right_atoms[k][1]]
    from_dates = all(left_atoms[k][1] for k in only_left) and all(
        right_atoms[k][1] for k in only_right
    )
    left = list(dict.fromkeys(left_atoms[k][0] for k in only_left))
    right = list(dict.fromkeys(right_atoms[k][0] for k in only_right))
    return ("date_differs" if from_dates else "number_differs"), left, right


def fingerprint(paragraph: str) -> str:
    """sha256 hex of the paragraph, Unicode NFC and whitespace normalized."""
    normalized = " ".join(unicodedata.normalize("NFC", paragraph).split())
    return hashlib.sha256(normalized.encode()).hexdigest()


def changed_since(
    confirmed: dict[str, list[str]], versions: dict[str, list[str]]
) -> list[tuple[str, int]]:
    """(language, index) of paragraphs changed in one language since marked in step.

    ``confirmed`` holds, per language, the fingerprints of its paragraphs when the versions
    were last marked in step. A paragraph changed or added in a language is reported when the
    other paragraphs of its aligned row did not change (an edit made in every version of a row
    is in step). A paragraph removed from a language is reported as (language, the index the
    next paragraph now has), which may equal the number of paragraphs, when a paragraph of
    another language in the row around that position is unchanged. Indices are current ones.
    """
    touched: dict[str, set[int]] = {}
    removed_at: dict[str, set[int]] = {}
    for lang, paragraphs in versions.items():
        now = [fingerprint(p) for p in paragraphs]
        matcher = difflib.SequenceMatcher(None, confirmed.get(lang, []), now, autojunk=False)
        touched[lang], removed_at[lang] = set(), set()
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "insert"):
                touched[lang].update(range(j1, j2))
            if tag == "delete" or (tag == "replace" and i2 - i1 > j2 - j1):
                removed_at[lang].add(j2)
    out: list[tuple[str, int]] = []
    rows = align(versions)
    for row in rows:
        present = [(lang, i) for lang, i in row.cells.items() if i is not None]
        changed = [(lang, i) for lang, i in present if i in touched[lang]]
        if changed and len(changed) < len(present) or len(present) == 1 == len(changed):
            out.extend(changed)
    for lang, positions in removed_at.items():
        where = {
            row.cells[lang]: r for r, row in enumerate(rows) if row.cells.get(lang) is not None
        }
        for j in sorted(positions):
            low, high = where.get(j - 1, -1), where.get(j, len(rows))
            if any(
                other != lang and i is not None and i not in touched[other]
                for row in rows[low + 1 : high]
                for other, i in row.cells.items()
            ):
                out.append((lang, j))
    return sorted(set(out), key=lambda t: (list(versions).index(t[0]), t[1]))
