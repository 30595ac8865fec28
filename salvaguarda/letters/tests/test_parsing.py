"""The parser of one language version of a sign-on letter: fields, problems, nothing lost."""

import random
import re
import unicodedata

from django.utils.translation import override

from salvaguarda.letters.document import Addressee, ParsedVersion, Signatory
from salvaguarda.letters.reading import parse_version

CLEAN_ES = """\
Asunto: Solicitud urgente de medidas de protección en la frontera sur

Ciudad de México, 12 de marzo de 2025

Mtra. Ana Lucía Beltrán Ochoa
Secretaria de Asuntos Migratorios
Secretaría de Movilidad Humana

Dr. Jorge Esteban Quiroga
Comisionado Nacional de Refugio

P r e s e n t e

Estimada Secretaria, estimado Comisionado:

Las organizaciones que suscribimos esta carta expresamos nuestra preocupación por la situación \
de las personas solicitantes de asilo en el sur del país.

Durante 2024 la autoridad registró a **71,071 personas** solicitantes de la condición de \
refugiado, según su [informe anual](https://ejemplo.org/informe-2024).

La Suprema Corte ya resolvió en el amparo en revisión 302/2020 que el plazo para solicitar \
asilo no puede ser un obstáculo para el acceso a la protección internacional.

Por ello pedimos que se garantice el acceso al procedimiento y que se suspendan las detenciones \
de las familias con niñas y niños.

Atentamente,

## Organizaciones firmantes

1. Centro Prodh (Centro de Derechos Humanos Miguel Agustín Pro Juárez)
2. Asylum Access México – AAMX
3. Red Sur de Acogida (Coalición): Casa del Caminante, Albergue La Esperanza; Hogar Refugio Belén
4. Colectivo Frontera Digna (Guatemala)
5. Alianza Norte por la Movilidad:
   - Casa Migrante Saltillo
   - Comedor Pan de Vida
6. Instituto para la Justicia Migrante (IJM)
7. Fundación Camino Seguro, A.C.
8. Programa de Defensa Legal de la Frontera, Guatemala

## Personas firmantes

| Nombre | Cargo | Organización |
|---|---|---|
| María Fernanda Ríos | Coordinadora | Universidad del Sureste |
| Luis Alberto Gómez | Abogado | Clínica Jurídica Libre |
| Sofía Hernández Pérez | Investigadora | |
| Tomás Ek Chan | Defensor comunitario | Red de Pueblos del Sur |
| Carmen Villalobos | | Consultora independiente |
"""

CLEAN_EN = """\
Subject: Urgent request for protection measures at the southern border

Mexico City, March 12, 2025

Mtra. Ana Lucía Beltrán Ochoa
Secretary of Migration Affairs
Secretariat of Human Mobility

Dr. Jorge Esteban Quiroga
National Commissioner for Refugees

Presente

Dear Secretary, dear Commissioner:

The undersigned organizations express our concern about the situation of asylum seekers in the \
south of the country.

In 2024 the authority registered **71,071 people** applying for refugee status, according to \
its [annual report](https://ejemplo.org/report-2024).

The Supreme Court already ruled in amparo en revisión 302/2020 that the deadline to apply for \
asylum cannot be an obstacle to access to international protection.

We therefore ask that access to the procedure be guaranteed and that the detention of families \
with children be suspended.

Sincerely,

## Signatory organizations

1) Centro Prodh (Centro de Derechos Humanos Miguel Agustín Pro Juárez)
2) Asylum Access México – AAMX
3) Red Sur de Acogida (Coalition): Casa del Caminante, Albergue La Esperanza; Hogar Refugio Belén
4) Colectivo Frontera Digna (Guatemala)
5) Alianza Norte por la Movilidad:
   - Casa Migrante Saltillo
   - Comedor Pan de Vida
6) Instituto para la Justicia Migrante (IJM)
7) Fundación Camino Seguro, A.C.
8) Programa de Defensa Legal de la Frontera, Guatemala

## Individual signatories

- María Fernanda Ríos – Coordinator, Universidad del Sureste
- Luis Alberto Gómez – Lawyer, Clínica Jurídica Libre
* Sofía Hernández Pérez – researcher
- Tomás Ek Chan, Red de Pueblos del Sur
- Carmen Villalobos (Consultora independiente)
"""

MESSY_ES = (
    "Asunto:\t“Detenciones en estaciones migratorias”\r\n"
    "\r\n"
    "Tapachula,\u00a0Chiapas, 3 de abril de 2025\r\n"
    "\r\n"
    "Lic. Ramón Torres\r\n"
    "Director de la estación migratoria\r\n"
    "PRESENTE\r\n"
    "\r\n"
    "Estimado licenciado:\r\n"
    "\r\n"
    "Nos dirigimos a usted para expresar nuestra preocupación por las condiciones de la\r\n"
    "estación migratoria y por la falta de acceso a la defensa legal.\r\n"
    "\r\n"
    "We are also deeply concerned that the families detained in the station have no access to "
    "lawyers and that the children are held with the adults for weeks.\r\n"
    "\r\n"
    "Le pedimos que se respete el “debido proceso”\u00a0en todos los casos.\r\n"
    "\r\n"
    "Atentamente\r\n"
    "\r\n"
    "**Organizaciones firmantes:**\r\n"
    "\r\n"
    "1. Casa Refugio del Soconusco\r\n"
    "2.\tColectivo Mujeres en Camino\r\n"
    "4. Observatorio de Derechos en la Frontera (México)\r\n"
    "4. Red Jesuita con Migrantes, Centroamérica\r\n"
    "Defensoría Comunitaria Tacaná\r\n"
    "\r\n"
    "Firmas individuales:\r\n"
    "\r\n"
)

SHORT_PT = """\
Assunto: Proteção de pessoas defensoras

São Paulo, 12 de março de 2025

Prezadas senhoras e senhores,

Nós, as organizações abaixo, pedimos que o governo não deixe de proteger as pessoas que \
defendem os direitos humanos na região.

Atenciosamente,

Organizações signatárias

1. Conectas Direitos Humanos
2. Rede de Apoio ao Migrante (Brasil)
"""

SHORT_FR = """\
Objet : Protection des personnes défenseures

Paris, le 12 mars 2025

Madame, Monsieur,

Nous vous écrivons pour vous demander que la protection des personnes qui défendent les droits \
humains soit une priorité pour votre gouvernement.

Cordialement,

Organisations signataires

1 - Collectif Solidarité Migrants – CSM
2 - Réseau Accueil Frontière (France)

Signataires individuels

1. Claire Dubois, Université de Lyon
"""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words the parser may consume as structure: labels, headings, formulas, table headers.
STRUCTURE = set(
    _fold(
        "asunto subject assunto objet presente p r e s e n t e organizaciones organizations "
        "organizações organisations firmantes signatory signatárias signataires personas "
        "individual signatories individuels firmas individuales coalición coalition le nombre "
        "cargo organización siglas país"
    ).split()
)


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


def assert_nothing_lost(text: str, version: ParsedVersion) -> None:
    """Every word of every non-blank line is in a field or quoted in a problem."""
    found: list[str] = [version.subject, version.date_text, version.place, *version.paragraphs]
    for a in version.addressees:
        found += [a.name, a.title, a.institution]
    for s in version.organizations + version.individuals:
        found += [s.name, s.acronym, s.country, s.affiliation, s.title, *s.members]
    found += [p.message for p in version.problems]
    known = set(_tokens(" ".join(found)))
    for no, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = re.sub(
            r"^\s*(?:\d+\s*[.)-]|\|\s*\d+\s*\||[-*#|]+)", "", line
        )  # list markers, headings
        missing = [t for t in _tokens(line) if t not in known and t not in STRUCTURE]
        assert not missing, f"line {no} lost {missing}"


def _line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def _codes(version: ParsedVersion) -> list[tuple[int, str]]:
    return [(p.line, p.code) for p in version.problems]


def test_clean_spanish_letter() -> None:
    v = parse_version(CLEAN_ES, language="es")
    assert v.problems == []
    assert v.subject == "Solicitud urgente de medidas de protección en la frontera sur"
    assert (v.place, v.date_text) == ("Ciudad de México", "12 de marzo de 2025")
    assert v.addressees == [
        Addressee(
            "Mtra. Ana Lucía Beltrán Ochoa",
            "Secretaria de Asuntos Migratorios",
            "Secretaría de Movilidad Humana",
        ),
        Addressee("Dr. Jorge Esteban Quiroga", "Comisionado Nacional de Refugio"),
    ]
    assert len(v.paragraphs) == 6
    assert v.paragraphs[0] == "Estimada Secretaria, estimado Comisionado:"
    assert "**71,071 personas**" in v.paragraphs[2]
    assert "[informe anual](https://ejemplo.org/informe-2024)" in v.paragraphs[2]
    assert "amparo en revisión 302/2020" in v.paragraphs[3]
    assert v.paragraphs[-1] == "Atentamente,"
    assert_nothing_lost(CLEAN_ES, v)
    orgs = v.organizations
    assert [(o.kind, o.name, o.acronym, o.country) for o in orgs] == [
        (
            "organization",
            "Centro de Derechos Humanos Miguel Agustín Pro Juárez",
            "Centro Prodh",
            "",
        ),
        ("organization", "Asylum Access México", "AAMX", ""),
        ("coalition", "Red Sur de Acogida", "", ""),
        ("organization", "Colectivo Frontera Digna", "", "Guatemala"),
        ("coalition", "Alianza Norte por la Movilidad", "", ""),
        ("organization", "Instituto para la Justicia Migrante", "IJM", ""),
        ("organization", "Fundación Camino Seguro, A.C.", "", ""),
        ("organization", "Programa de Defensa Legal de la Frontera", "", "Guatemala"),
    ]
    assert orgs[2].members == ["Casa del Caminante", "Albergue La Esperanza", "Hogar Refugio Belén"]
    assert orgs[4].members == ["Casa Migrante Saltillo", "Comedor Pan de Vida"]
    assert orgs[0].line == _line_of(CLEAN_ES, "1. Centro Prodh")
    first = _line_of(CLEAN_ES, "| María")
    people = [
        ("María Fernanda Ríos", "Coordinadora", "Universidad del Sureste"),
        ("Luis Alberto Gómez", "Abogado", "Clínica Jurídica Libre"),
        ("Sofía Hernández Pérez", "Investigadora", ""),
        ("Tomás Ek Chan", "Defensor comunitario", "Red de Pueblos del Sur"),
        ("Carmen Villalobos", "", "Consultora independiente"),
    ]
    assert v.individuals == [
        Signatory("individual", name, title=title, affiliation=affiliation, line=first + n,
                  written=name)
        for n, (name, title, affiliation) in enumerate(people)
    ]  # fmt: skip


def test_clean_english_letter_matches_spanish_structure() -> None:
    es, en = parse_version(CLEAN_ES, language="es"), parse_version(CLEAN_EN, language="en")
    assert en.problems == []
    assert_nothing_lost(CLEAN_EN, en)
    assert en.subject == "Urgent request for protection measures at the southern border"
    assert (en.place, en.date_text) == ("Mexico City", "March 12, 2025")
    assert [a.name for a in en.addressees] == [a.name for a in es.addressees]
    assert en.addressees[1].title == "National Commissioner for Refugees"
    assert len(en.paragraphs) == len(es.paragraphs)
    assert en.paragraphs[-1] == "Sincerely,"
    assert [(o.kind, o.name, o.acronym, o.country, o.members) for o in en.organizations] == [
        (o.kind, o.name, o.acronym, o.country, o.members) for o in es.organizations
    ]
    assert [(s.name, s.title, s.affiliation) for s in en.individuals] == [
        ("María Fernanda Ríos", "Coordinator", "Universidad del Sureste"),
        ("Luis Alberto Gómez", "Lawyer", "Clínica Jurídica Libre"),
        ("Sofía Hernández Pérez", "researcher", ""),
        ("Tomás Ek Chan", "", "Red de Pueblos del Sur"),
        ("Carmen Villalobos", "", "Consultora independiente"),
    ]


def test_messy_spanish_letter() -> None:
    with override("en"):
        v = parse_version(MESSY_ES, language="es")
    assert_nothing_lost(MESSY_ES, v)
    assert v.subject == "“Detenciones en estaciones migratorias”"
    assert (v.place, v.date_text) == ("Tapachula, Chiapas", "3 de abril de 2025")
    assert v.addressees == [Addressee("Lic. Ramón Torres", "Director de la estación migratoria")]
    assert v.paragraphs[0] == "Estimado licenciado:"
    assert v.paragraphs[1].endswith(  # a hard line break in mid-sentence is a space
        " de la estación migratoria y por la falta de acceso a la defensa legal."
    )
    assert v.paragraphs[3] == "Le pedimos que se respete el “debido proceso” en todos los casos."
    assert v.paragraphs[-1] == "Atentamente"
    assert [o.name for o in v.organizations] == [
        "Casa Refugio del Soconusco",
        "Colectivo Mujeres en Camino",
        "Observatorio de Derechos en la Frontera",
        "Red Jesuita con Migrantes, Centroamérica",
        "Defensoría Comunitaria Tacaná",
    ]
    assert v.organizations[2].country == "México"
    assert v.individuals == []
    assert _codes(v) == [
        (14, "other_language"),
        (24, "broken_numbering"),
        (25, "broken_numbering"),
        (26, "unnumbered_entry"),
        (28, "empty_list"),
    ]
    assert "English" in v.problems[0].message and "Spanish" in v.problems[0].message
    assert "Defensoría Comunitaria Tacaná" in v.problems[3].message


def test_portuguese_letter() -> None:
    v = parse_version(SHORT_PT, language="pt")
    assert_nothing_lost(SHORT_PT, v)
    assert v.problems == []
    assert v.subject == "Proteção de pessoas defensoras"
    assert (v.place, v.date_text) == ("São Paulo", "12 de março de 2025")
    assert v.paragraphs[0] == "Prezadas senhoras e senhores,"
    assert len(v.paragraphs) == 3
    assert [(o.name, o.country) for o in v.organizations] == [
        ("Conectas Direitos Humanos", ""),
        ("Rede de Apoio ao Migrante", "Brasil"),
    ]


def test_french_letter() -> None:
    v = parse_version(SHORT_FR, language="fr")
    assert_nothing_lost(SHORT_FR, v)
    assert v.problems == []
    assert v.subject == "Protection des personnes défenseures"
    assert (v.place, v.date_text) == ("Paris", "12 mars 2025")
    assert v.paragraphs[0] == "Madame, Monsieur,"
    assert [(o.name, o.acronym, o.country) for o in v.organizations] == [
        ("Collectif Solidarité Migrants", "CSM", ""),
        ("Réseau Accueil Frontière", "", "France"),
    ]
    assert [(s.name, s.affiliation) for s in v.individuals] == [
        ("Claire Dubois", "Université de Lyon")
    ]


def test_a_french_paragraph_in_the_portuguese_version_is_flagged() -> None:
    text = SHORT_PT.replace(
        "Atenciosamente,",
        "Nous demandons que les autorités protègent les personnes qui sont menacées dans la "
        "région et que les enquêtes avancent.\n\nAtenciosamente,",
    )
    v = parse_version(text, language="pt")
    assert _codes(v) == [(9, "other_language")]
    assert_nothing_lost(text, v)


def test_markdown_title_is_the_subject_unless_there_is_a_subject_line() -> None:
    v = parse_version("# Carta abierta\n\n" + SHORT_PT.split("\n", 1)[1], language="pt")
    assert v.subject == "Carta abierta" and v.problems == []
    text = "# Carta abierta\n\n" + SHORT_PT
    v = parse_version(text, language="pt")
    assert v.subject == "Proteção de pessoas defensoras"
    assert _codes(v) == [(1, "unplaced_line")]
    assert_nothing_lost(text, v)


def test_honorific_addressee_is_not_a_salutation() -> None:
    text = SHORT_FR.replace(
        "Madame, Monsieur,", "Madame Claire Martin\nMinistre de l'Intérieur\n\nMadame la Ministre,"
    )
    v = parse_version(text, language="fr")
    assert v.addressees == [Addressee("Madame Claire Martin", "Ministre de l'Intérieur")]
    assert v.paragraphs[0] == "Madame la Ministre,"
    assert v.problems == []


def test_not_a_letter() -> None:
    text = "Lista del súper\n\n- tortillas\n- frijoles\n\nLlamar a Juan el martes."
    v = parse_version(text, language="es")
    assert ("not_a_letter" in [p.code for p in v.problems]) and v.problems[0].line == 0
    assert_nothing_lost(text, v)


def test_only_a_list_of_organizations() -> None:
    text = "Organizaciones firmantes\n1. Org Uno\n2. Org Dos\n"
    v = parse_version(text, language="es")
    assert [o.name for o in v.organizations] == ["Org Uno", "Org Dos"]
    assert _codes(v) == [(0, "not_a_letter")]
    assert_nothing_lost(text, v)


def test_empty_and_blank_inputs() -> None:
    for text in ["", "   ", "\n\n\t\n", "\u00a0\r\n\r\n"]:
        v = parse_version(text, language="es")
        assert _codes(v) == [(0, "not_a_letter")]


def test_organization_table_and_unknown_columns() -> None:
    text = (
        "Estimados:\n\nPedimos justicia para todas las personas desaparecidas en el estado.\n\n"
        "Organizaciones firmantes\n\n| # | Organización | Siglas | País | Web |\n"
        "|---|---|---|---|---|\n"
        "| 1 | Centro de Apoyo Legal | CAL | México | ejemplo.org |\n"
        "| 3 | Red Regional | | Honduras | |\n"
    )
    v = parse_version(text, language="es")
    assert [(o.name, o.acronym, o.country) for o in v.organizations] == [
        ("Centro de Apoyo Legal", "CAL", "México"),
        ("Red Regional", "", "Honduras"),
    ]
    assert _codes(v) == [(7, "unknown_column"), (9, "unknown_column"), (10, "broken_numbering")]
    assert_nothing_lost(text, v)


def test_markdown_links_kept_in_names() -> None:
    text = (
        "Dear friends,\n\nWe ask for the release of the detained defenders.\n\n"
        "Signatory organizations\n\n1. [Fundar](https://fundar.example.org) (México)\n"
        "2. Red [Todos](https://todos.example.org): [Org A](https://a.example.org), Org B\n"
    )
    v = parse_version(text, language="en")
    assert v.organizations[0].name == "[Fundar](https://fundar.example.org)"
    assert v.organizations[0].country == "México"
    assert v.organizations[1].name == "Red [Todos](https://todos.example.org)"
    assert v.organizations[1].members == ["[Org A](https://a.example.org)", "Org B"]
    assert_nothing_lost(text, v)


def test_fuzz_never_raises_and_loses_nothing() -> None:
    rng = random.Random(20250312)  # noqa: S311 - reproducible fuzzing
    pieces = CLEAN_ES.splitlines() + MESSY_ES.splitlines() + ["|", "| a |", "1.", ":", "(", "—"]
    samples = [
        "\x00\x01\x02\xff\ufffd" * 50,
        "x" * 200_000,
        "1. " * 5000,
        "|" * 1000 + "\n|---|\n" + "| a | b |\n" * 100,
        "Organizaciones firmantes\n" * 20,
        "Estimada:\n" * 30,
    ]
    for _ in range(150):
        samples.append("\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))))
        samples.append("".join(chr(rng.randint(0, 0x2FFF)) for _ in range(rng.randint(0, 300))))
    for text in samples:
        v = parse_version(text, language=rng.choice(["es", "en", "pt", "fr", "xx"]))
        assert isinstance(v, ParsedVersion)
        assert_nothing_lost(text, v)
