"""Shapes of real letters that the seventh held-out set showed, each on text of its own:
courtesy lines "Su Excelencia" and the Argentine "S / D", sub-numbered coalition members,
places labelling one line of organizations each, surname-first people, a coalition's members
listed in a later section, middle dots between members, people in one paragraph, "1.-"
numbering, reporters' headings and "Name / outlet", a hashtag under the lists, a letterhead
over a date with an ordinal, a subject after the salutation, "(a)" and "PRIMERO.-" petitions,
Word's "o" sub-bullets, "por doce meses", and the juvenile courts and the High Court."""

from salvaguarda.letters.alignment import anchors
from salvaguarda.letters.document import ParsedVersion
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.reading.lists import split_members
from salvaguarda.letters.reading.numbers import spelled
from salvaguarda.letters.reading.words import heading_kind


def _addressees(version: ParsedVersion) -> list[str]:
    return [", ".join(p for p in (a.name, a.title, a.institution) if p) for a in version.addressees]


def test_an_excellency_line_above_a_minister_is_a_courtesy_line() -> None:
    for courtesy, lang in (
        ("Su Excelencia", "es"),
        ("His Excellency", "en"),
        ("Son Excellence", "fr"),
        ("Sua Excelência", "pt"),
    ):
        text = (
            f"Quito, 3 de marzo de 2027\n\n{courtesy}\nMaría Paz Oquendo\nCanciller\n\n"
            "Estimada Canciller:\n\nLe pedimos que reciba a las familias retornadas en el "
            "aeropuerto con un protocolo de atención.\n\nAtentamente,\n\nFirman:\n\n"
            "1. Casa del Retorno Andino\n"
        )
        version = parse_version(text, language=lang)
        assert _addressees(version) == ["María Paz Oquendo, Canciller"], courtesy


def test_the_argentine_s_d_under_an_addressee_is_its_formula() -> None:
    text = (
        "Rosario, 4 de marzo de 2027\n\nSr. Intendente de Rosario\nDr. Pablo Ferrando\nS/D\n\n"
        "Sra. Jueza Federal\nDra. Inés Cabral\nS. / D.\n\n"
        "De nuestra mayor consideración:\n\nSolicitamos una audiencia sobre los desalojos de "
        "familias migrantes en el barrio Ludueña.\n\nSaludamos atentamente.\n\n"
        "Firman:\n\n1. Colectivo Migrante Ludueña\n"
    )
    version = parse_version(text, language="es")
    assert _addressees(version) == [
        "Sr. Intendente de Rosario, Dr. Pablo Ferrando",
        "Sra. Jueza Federal, Dra. Inés Cabral",
    ]
    assert version.formula == "S/D"


LISTS = """\
Estimadas autoridades:

Pedimos que se respete el derecho de las familias a solicitar refugio en la frontera.

Atentamente,

Organizaciones firmantes:

1. Alianza Costera por la Movilidad, integrada por:
   1.1 Fundación Puerto Seguro
   1.2 Comedor San Roque
2. Casa de la Caminante
3. Red Andina de Acogida
     Integrantes: Albergue Tres Ríos, A.C. · Pastoral de Movilidad de Ibarra · Comité de \
Familias Retornadas, representado por Hna. Teresa Quilca

Personas que firman a título individual:

Luisa Ortega (abogada, Clínica de Movilidad); Dr. Iván Pinto Lara; Hna. Teresa Quilca \
(Pastoral de Movilidad de Ibarra); Carmen Yánez (periodista)

#RefugioEsDerecho
"""


def test_sub_numbered_members_and_members_between_middle_dots() -> None:
    version = parse_version(LISTS, language="es")
    orgs = {o.name: o.members for o in version.organizations}
    assert orgs["Alianza Costera por la Movilidad"] == [
        "Fundación Puerto Seguro",
        "Comedor San Roque",
    ]
    assert list(orgs) == [
        "Alianza Costera por la Movilidad",
        "Casa de la Caminante",
        "Red Andina de Acogida",
    ]
    assert orgs["Red Andina de Acogida"] == [
        "Albergue Tres Ríos, A.C.",
        "Pastoral de Movilidad de Ibarra",
        "Comité de Familias Retornadas, representado por Hna. Teresa Quilca",
    ]
    assert not any(p.code == "broken_numbering" for p in version.problems)


def test_people_in_one_paragraph_and_a_hashtag_under_the_lists() -> None:
    version = parse_version(LISTS, language="es")
    assert [(i.name, i.affiliation) for i in version.individuals] == [
        ("Luisa Ortega", "abogada, Clínica de Movilidad"),
        ("Dr. Iván Pinto Lara", ""),
        ("Hna. Teresa Quilca", "Pastoral de Movilidad de Ibarra"),
        ("Carmen Yánez", "periodista"),
    ]
    hashtag = [p.code for p in version.problems if "#RefugioEsDerecho" in p.message]
    assert hashtag == ["unplaced_line"]


PROVINCES = """\
Estimados señores:

Rechazamos el aumento de las tasas de residencia para las personas migrantes.

Saludamos atentamente.

ORGANIZACIONES QUE ADHIEREN

Salta: Asociación de Residentes Peruanos de Salta, Centro de Asistencia Migrante y Refugiada – \
Universidad del Norte.
Partido de La Plata: Colectiva Migrante Platense, Red de Apoyo Escolar (integrada por \
Biblioteca Popular Sur, Comedor Los Abuelos y Colectivo Educadoras del Barrio).
Tucumán: Mesa de Colectividades del NOA.

Adhesiones individuales:

1. Choque Mamani, Julia (docente, Universidad del Norte)
2. Sow, Abdoulaye (Asociación de Residentes Senegaleses)
"""


def test_a_place_labels_the_organizations_on_its_line() -> None:
    version = parse_version(PROVINCES, language="es")
    assert [(o.written, o.members) for o in version.organizations] == [
        ("Asociación de Residentes Peruanos de Salta", []),
        ("Centro de Asistencia Migrante y Refugiada – Universidad del Norte", []),
        ("Colectiva Migrante Platense", []),
        (
            "Red de Apoyo Escolar",
            ["Biblioteca Popular Sur", "Comedor Los Abuelos", "Colectivo Educadoras del Barrio"],
        ),
        ("Mesa de Colectividades del NOA", []),
    ]
    labels = [p.line for p in version.problems if p.code == "list_label"]
    assert len(labels) == 3


def test_a_coalition_with_a_colon_is_still_a_coalition() -> None:
    text = PROVINCES.replace(
        "Salta: Asociación de Residentes Peruanos de Salta, Centro de Asistencia Migrante y "
        "Refugiada – Universidad del Norte.\nPartido de La Plata: Colectiva Migrante Platense, "
        "Red de Apoyo Escolar (integrada por Biblioteca Popular Sur, Comedor Los Abuelos y "
        "Colectivo Educadoras del Barrio).\nTucumán: Mesa de Colectividades del NOA.",
        "Red Norte: Casa A del Valle, Albergue B del Cerro\nCentro Sur de Movilidad",
    )
    version = parse_version(text, language="es")
    assert [(o.name, o.members) for o in version.organizations] == [
        ("Red Norte", ["Casa A del Valle", "Albergue B del Cerro"]),
        ("Centro Sur de Movilidad", []),
    ]


def test_surname_first_people_keep_the_comma_in_their_name() -> None:
    version = parse_version(PROVINCES, language="es")
    assert [(i.name, i.affiliation) for i in version.individuals] == [
        ("Choque Mamani, Julia", "docente, Universidad del Norte"),
        ("Sow, Abdoulaye", "Asociación de Residentes Senegaleses"),
    ]
    # A name then a role with a capital is no surname-first list.
    roles = PROVINCES.replace(
        "1. Choque Mamani, Julia (docente, Universidad del Norte)\n"
        "2. Sow, Abdoulaye (Asociación de Residentes Senegaleses)",
        "1. Julia Choque, Directora (Universidad del Norte)\n"
        "2. Abdoulaye Sow, Presidente (Asociación de Residentes Senegaleses)",
    )
    assert [i.name for i in parse_version(roles, language="es").individuals] == [
        "Julia Choque",
        "Abdoulaye Sow",
    ]


BELOW = """\
Dear Commissioner:

We ask the city to keep families with children together in its shelters.

Sincerely,

**Organizations**

* Queens Family Law Project
* Interfaith Welcome Network (member congregations listed below)
* Bay Ridge Tenants & Neighbors Union
* Harbor Legal Aid (members: Queens Family Law Project, Red Hook Clinic, and Sunset Park \
Parents & Teachers Alliance)

**Interfaith Welcome Network member congregations**

St. Agnes Parish
Congregation Beth Am
"""


def test_a_coalition_takes_the_members_listed_below_it() -> None:
    version = parse_version(BELOW, language="en")
    orgs = [(o.kind, o.name, o.members) for o in version.organizations]
    assert orgs == [
        ("organization", "Queens Family Law Project", []),
        ("coalition", "Interfaith Welcome Network", ["St. Agnes Parish", "Congregation Beth Am"]),
        ("organization", "Bay Ridge Tenants & Neighbors Union", []),
        (
            "coalition",
            "Harbor Legal Aid",
            [
                "Queens Family Law Project",
                "Red Hook Clinic",
                "Sunset Park Parents & Teachers Alliance",
            ],
        ),
    ]
    assert any(p.code == "list_label" for p in version.problems)


def test_an_ampersand_in_the_last_member_after_the_final_and() -> None:
    assert split_members("A Center, B Project, and Tenants & Migrants Law Project") == [
        "A Center",
        "B Project",
        "Tenants & Migrants Law Project",
    ]


REPORTERS = """\
Tuxtla Gutiérrez, Chiapas; 2 de marzo de 2027

Lic. Ana Gómez Ruiz
Titular de la Fiscalía Estatal
Presente.-

ASUNTO: Amenazas a reporteras

Distinguida Fiscal:

Documentamos 14 amenazas contra reporteras que cubren la frontera.

Por lo anterior, solicitamos:

PRIMERO.- Que se abran carpetas de investigación.

SEGUNDO.- Que se otorguen medidas de protección.

Atentamente,

Organizaciones firmantes

1.- Red de Reporteras del Sur
2.- Radio Comunitaria Sierra Viva

Periodistas firmantes (a título personal):

• Laura Méndez Cruz / Radio Comunitaria Sierra Viva
• Tomás Ortiz Peña / corresponsal, El Heraldo del Sur
"""


def test_dash_numbering_reporters_heading_and_name_slash_outlet() -> None:
    version = parse_version(REPORTERS, language="es")
    assert [o.name for o in version.organizations] == [
        "Red de Reporteras del Sur",
        "Radio Comunitaria Sierra Viva",
    ]
    assert [(i.name, i.affiliation) for i in version.individuals] == [
        ("Laura Méndez Cruz", "Radio Comunitaria Sierra Viva"),
        ("Tomás Ortiz Peña", "El Heraldo del Sur"),
    ]
    assert heading_kind("Periodistas firmantes") == "individual"
    assert heading_kind("Journalists signing in their own name") == "individual"


def test_ordinal_word_petitions_are_paragraphs_of_their_own() -> None:
    version = parse_version(REPORTERS, language="es")
    assert version.paragraphs[2:5] == [
        "Por lo anterior, solicitamos:",
        "PRIMERO.- Que se abran carpetas de investigación.",
        "SEGUNDO.- Que se otorguen medidas de protección.",
    ]


BRITISH = """\
HARBOUR RIGHTS COLLECTIVE
Bridgetown, 3rd March 2027

The Honourable Jane Best, MP
Minister of Home Affairs

Dear Minister,

RE: DETENTION OF ASYLUM SEEKERS AT THE PORT
AND ACCESS TO COUNSEL

We write about the detention of 31 asylum seekers at the port.

We ask the Government to:
(a) release the families with children;
(b) grant access to counsel within twelve hours.

Yours faithfully,

ORGANISATIONS

▪ Harbour Rights Collective
▪ Island Migrant Alliance, comprising:
    o Bridgetown Legal Aid
    o Women of the Port Association
▪ St. Lucy Outreach
"""


def test_a_letterhead_a_dated_ordinal_and_a_subject_after_the_salutation() -> None:
    version = parse_version(BRITISH, language="en")
    assert (version.place, version.date_text) == ("Bridgetown", "3rd March 2027")
    assert _addressees(version) == ["The Honourable Jane Best, MP, Minister of Home Affairs"]
    assert version.subject == "DETENTION OF ASYLUM SEEKERS AT THE PORT AND ACCESS TO COUNSEL"
    assert version.paragraphs == [
        "Dear Minister,",
        "We write about the detention of 31 asylum seekers at the port.",
        "We ask the Government to:",
        "(a) release the families with children;",
        "(b) grant access to counsel within twelve hours.",
        "Yours faithfully,",
    ]


def test_words_o_sub_bullets_are_a_coalitions_members() -> None:
    version = parse_version(BRITISH, language="en")
    assert [(o.name, o.members) for o in version.organizations] == [
        ("Harbour Rights Collective", []),
        ("Island Migrant Alliance", ["Bridgetown Legal Aid", "Women of the Port Association"]),
        ("St. Lucy Outreach", []),
    ]


def test_twelve_after_por_is_a_number_and_por_ciento_a_percentage() -> None:
    assert [v for _s, _e, v in spelled("renovar por doce meses")] == ["12"]
    assert anchors("renovar por doce meses").numbers.keys() == {"12"}
    assert anchors("for a further twelve months").numbers.keys() == {"12"}
    assert "100" not in [v for _s, _e, v in spelled("dieciocho por ciento")]


def test_juvenile_courts_and_the_high_court_in_the_glossary() -> None:
    court = anchors("El Juzgado de Niñez y Adolescencia de Darién ordenó").institutions
    assert set(court) == {"juvenile-court"}
    assert set(anchors("le tribunal pour enfants du Darién").institutions) == {"juvenile-court"}
    assert set(anchors("the Darién Juvenile Court ordered").institutions) == {"juvenile-court"}
    prosecutor = anchors("La Fiscalía de Menores de Tenerife decretó").institutions
    assert set(prosecutor) == {"juvenile-prosecutor"}
    assert set(anchors("a stay from the High Court").institutions) == {"high-court"}
