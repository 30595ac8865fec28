"""Shapes of real letters that the sixth held-out set showed, each on text of its own: a faith
group's closing and headings, spokespeople as a heading, a Belgian subject label, "M." before
a name, a country in parentheses after a dash's acronym, a copy block after the lists, and a
court's ordinal."""

from salvaguarda.letters import names
from salvaguarda.letters.alignment import anchors
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.reading.words import heading_kind

FAITH = """\
March 3, 2027

Dear Senators,

We, congregations and ministries on both sides of the border, ask you to keep the shelter \
grants that let our parishes receive families who wait for an asylum hearing.

Please meet with the pastors of our shelters before the budget vote in April.

In Christ,

Comunidades y organizaciones basadas en la fe

- Parroquia Santo Niño de las Cumbres
- Ministerio Casa de Oración, A.R.

Líderes religiosas y religiosos a título personal

- Pastora Elvia Corona Marín, Ministerio Casa de Oración
- Rev. Samuel Okafor, Riverbend Methodist Church
"""


def test_an_english_letter_closing_in_faith_keeps_its_spanish_faith_group_headings() -> None:
    version = parse_version(FAITH, language="en")
    assert [o.name for o in version.organizations] == [
        "Parroquia Santo Niño de las Cumbres",
        "Ministerio Casa de Oración, A.R.",
    ]
    assert [i.name for i in version.individuals] == [
        "Pastora Elvia Corona Marín",
        "Rev. Samuel Okafor",
    ]
    # The salutation and the closing are kept with the body, as the page shows them.
    assert version.paragraphs[0] == "Dear Senators," and version.paragraphs[-1] == "In Christ,"
    assert len(version.paragraphs) == 4
    deferent = FAITH.replace("In Christ,", "Deferentemente,")
    assert len(parse_version(deferent, language="es").individuals) == 2


def test_spokespeople_and_leaders_head_the_individuals() -> None:
    assert heading_kind("Portavoces y personas firmantes") == "individual"
    assert heading_kind("Porte-paroles signataires") == "individual"
    assert heading_kind("Faith leaders signing in their own name") == "individual"
    assert heading_kind("Faith-based organizations") == "organization"


def test_concerne_labels_the_subject() -> None:
    text = """\
Bruxelles, le 4 mars 2027

Madame Ingrid Vos
Directrice de Fedasil

Concerne : places d'accueil pour les familles en attente

Madame la Directrice,

Nos associations accompagnent depuis l'automne des familles qui dorment dehors faute de \
place dans le réseau d'accueil, et nous vous demandons d'ouvrir des places d'urgence.

Veuillez agréer, Madame la Directrice, l'expression de notre considération.

Associations signataires

1. Maison des Familles de Schaerbeek
2. Collectif Toit d'Abord
"""
    version = parse_version(text, language="fr")
    assert version.subject == "places d'accueil pour les familles en attente"
    assert [a.name for a in version.addressees] == ["Madame Ingrid Vos"]


def test_monsieur_before_a_name_is_a_title_but_an_initial_inside_it_is_not() -> None:
    assert names.person_key("M. Ousmane Ba") == names.person_key("Ousmane Ba")
    assert names.person_key("Psic. Rosa Tzeek") == names.person_key("Rosa Tzeek")
    assert names.person_key("José M. Pérez") != names.person_key("José Pérez")


def test_a_country_in_parentheses_yields_to_the_acronym_after_a_dash() -> None:
    assert names.acronym_of("Union des Maliens de Tijuana – UMT (Mali)") == "UMT"
    assert names.acronym_of("Centro de Apoyo Fronterizo (CAF)") == "CAF"
    assert names.organization_key("Red Garífuna de Dangriga (Belice)") == names.organization_key(
        "Red Garífuna de Dangriga"
    )


def test_a_copy_block_after_the_lists_is_reported_not_signed() -> None:
    text = """\
Monterrey, 2 de marzo de 2027

Lic. Arturo Peña Saldaña
Delegado Federal del INM en Nuevo León

Asunto: Entrega de constancias

Las organizaciones firmantes solicitamos que las constancias de salida se entreguen en la \
oficina de Monterrey en un plazo de diez días hábiles, como marca el reglamento vigente.

Atentamente,

Organizaciones firmantes

1. Casa Nicolás del Norte
2. Albergue Puerta de Esperanza

Firmas individuales

1. Marta Inés Garza Leal — abogada

C.c.p.:
- Comisión Estatal de Derechos Humanos de Nuevo León
- Oficina de Enlace de la Secretaría de Gobernación

Copia a:
Fiscalía de Derechos Humanos del Estado
"""
    version = parse_version(text, language="es")
    assert [o.name for o in version.organizations] == [
        "Casa Nicolás del Norte",
        "Albergue Puerta de Esperanza",
    ]
    assert [i.name for i in version.individuals] == ["Marta Inés Garza Leal"]
    quoted = " ".join(p.message for p in version.problems)
    assert "Comisión Estatal de Derechos Humanos" in quoted
    assert "Oficina de Enlace" in quoted and "Fiscalía de Derechos Humanos" in quoted


def test_a_courts_ordinal_does_not_hide_the_court() -> None:
    found = anchors("El Juzgado Segundo de Distrito en Mexicali ordenó liberar a las familias.")
    assert "district-court" in found.institutions
    found = anchors("La jueza 3.º de distrito ordenó lo mismo.")
    assert "district-court" in found.institutions
    found = anchors("The Second District Court ordered the same.")
    assert "district-court" in found.institutions
    assert "district-court" not in anchors("El Juzgado Cívico Segundo multó a dos.").institutions


SIGNED = """\
Porto Alegre, 9 de março de 2027.

Excelentíssima Senhora Juíza Carla Menezes Prado
Vara Federal de Porto Alegre

Excelência,

O Núcleo de Defesa dos Migrantes vem requerer a suspensão das notificações de deportação \
enviadas a pessoas venezuelanas que aguardam a decisão sobre seu pedido de refúgio.

Respeitosamente,

Joana Ribeiro dos Santos
Coordenadora do Núcleo de Defesa dos Migrantes

Luís Felipe Teixeira
Defensor Público da União
Núcleo de Porto Alegre

Respaldam esta carta:

• Cáritas Diocesana de Pelotas
• Grupo de Acolhida Venezuelana do Sul
"""


def test_signature_blocks_without_a_heading_are_the_individuals_and_their_roles() -> None:
    version = parse_version(SIGNED, language="pt")
    assert [(i.name, i.affiliation) for i in version.individuals] == [
        ("Joana Ribeiro dos Santos", "Coordenadora do Núcleo de Defesa dos Migrantes"),
        ("Luís Felipe Teixeira", "Defensor Público da União; Núcleo de Porto Alegre"),
    ]
    assert [o.name for o in version.organizations] == [
        "Cáritas Diocesana de Pelotas",
        "Grupo de Acolhida Venezuelana do Sul",
    ]
    assert version.paragraphs[0] == "Excelência,"
    assert [a.name for a in version.addressees] == [
        "Excelentíssima Senhora Juíza Carla Menezes Prado"
    ]


def test_a_block_under_the_closing_that_is_no_signature_is_not_made_a_person() -> None:
    text = SIGNED.replace("Luís Felipe Teixeira\n", "Rua das Flores, 120\n")
    version = parse_version(text, language="pt")
    assert version.individuals == []
    quoted = " ".join(p.message for p in version.problems)
    assert "Joana Ribeiro dos Santos" in quoted and "Rua das Flores, 120" in quoted


CENTRAL_AMERICAN = """\
Ingeniera
Sonia Patricia Ramírez Lobo
Directora del Registro Nacional de las Personas
Su Despacho

Licenciado
Óscar Abel Funes Mejía
Comisionado de los Derechos Humanos
En su despacho

Tegucigalpa, 4 de marzo de 2027

Respetables señora Directora y señor Comisionado:

Las organizaciones que acompañamos a personas retornadas pedimos que el Registro emita sin \
costo las tarjetas de identidad de quienes regresan deportados y no tienen documentos.

Deferentemente,

Organizaciones firmantes:

Casa Alianza del Retorno         Red de Mujeres de Choloma
Centro de Atención al Deportado     Comité de Familiares de Migrantes de El Progreso
Pastoral Social de San Pedro Sula

Personas firmantes:

1. Nelly Suazo Bonilla, abogada
"""


def test_central_american_courtesy_lines_and_a_two_column_list_read_row_by_row() -> None:
    version = parse_version(CENTRAL_AMERICAN, language="es")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Sonia Patricia Ramírez Lobo", "Directora del Registro Nacional de las Personas"),
        ("Óscar Abel Funes Mejía", "Comisionado de los Derechos Humanos"),
    ]
    assert version.date_text == "4 de marzo de 2027"
    assert version.paragraphs[0].startswith("Respetables señora Directora")
    assert [o.name for o in version.organizations] == [
        "Casa Alianza del Retorno",
        "Red de Mujeres de Choloma",
        "Centro de Atención al Deportado",
        "Comité de Familiares de Migrantes de El Progreso",
        "Pastoral Social de San Pedro Sula",
    ]
    assert [i.name for i in version.individuals] == ["Nelly Suazo Bonilla"]


def test_numbered_columns_are_read_by_their_numbers() -> None:
    text = CENTRAL_AMERICAN.replace(
        "1. Nelly Suazo Bonilla, abogada\n",
        "1. Nelly Suazo Bonilla (UNAH)        2. Iris Maradiaga Paz (RMC)\n"
        "3. Rubén Castro Ayala (CAR)          4. Dunia Cruz Ochoa (CAD)\n",
    )
    version = parse_version(text, language="es")
    assert [i.name for i in version.individuals] == [
        "Nelly Suazo Bonilla",
        "Iris Maradiaga Paz",
        "Rubén Castro Ayala",
        "Dunia Cruz Ochoa",
    ]


def test_an_apostrophe_dropped_inside_a_name_is_the_same_organization() -> None:
    assert names.organization_key("Colectivo Q'anil de Retorno") == names.organization_key(
        "Colectivo Qanil de Retorno"
    )


CLINICS = """\
Las clínicas y organizaciones que firmamos pedimos al Consejo que publique cada mes cuántas \
demandas de amparo de personas detenidas en estaciones migratorias se admitieron.

Atentamente,

“Justicia también en la frontera”

CLÍNICAS Y ORGANIZACIONES FIRMANTES

1. Albergue Nueva Jerusalén de Tenosique
2. Red Sureste de Consultorios Jurídicos (RSCJ), integrada por los consultorios de:
    a) Consultorio Jurídico Popular, Universidad Intercultural de Tabasco
    b) Clínica de Litigio Migratorio, Facultad de Derecho de Campeche
    c) Bufete de Práctica Forense, Universidad del Carmen
3. Colectivo Tierra de Paso (integrantes: Casa Uno del Río, A.C.; Clínica Laboral, Universidad
del Golfo; y Refugio Tres)
"""


def test_lettered_members_under_an_opener_that_names_them_and_a_universitys_clinic() -> None:
    version = parse_version(CLINICS, language="es")
    assert [(o.kind, o.name) for o in version.organizations] == [
        ("organization", "Albergue Nueva Jerusalén de Tenosique"),
        ("coalition", "Red Sureste de Consultorios Jurídicos"),
        ("coalition", "Colectivo Tierra de Paso"),
    ]
    assert version.organizations[1].members == [
        "Consultorio Jurídico Popular, Universidad Intercultural de Tabasco",
        "Clínica de Litigio Migratorio, Facultad de Derecho de Campeche",
        "Bufete de Práctica Forense, Universidad del Carmen",
    ]
    assert version.organizations[2].members == [
        "Casa Uno del Río, A.C.",
        "Clínica Laboral, Universidad del Golfo",
        "Refugio Tres",
    ]
    # The motto under the closing is reported, never a signatory.
    assert any("Justicia también en la frontera" in p.message for p in version.problems)


PDF = """\
Solicitud conjunta sobre permisos de trabajo
Panamá, 5 de marzo de 2027

Licenciada
Gisela Pinzón Araúz
Directora del Servicio Nacional de Migración

Asunto: Permisos de trabajo de personas solicitantes de refugio

Estimada señora Directora:

Las asociaciones de personas venezolanas y colombianas que suscri-
bimos esta solicitud le pedimos que los permisos de trabajo se renueven sin
cita previa mientras la solicitud de refugio siga en trámite, porque la espera

Solicitud conjunta sobre permisos de trabajo - Pág. 1/2

actual deja sin empleo formal a cientos de familias cada mes.

Atentamente,

Organizaciones firmantes:

1. Asociación Venezolana de Panamá Oeste
2. Mesa de Integración Migrante (Panamá), integrada por: Casa Abierta de Colón;
Fundación Comunitaria de Desplaza-
dos del Darién; y Unión de Trabajadoras
del Hogar Migrantes

Solicitud conjunta sobre permisos de trabajo - Pág. 2/2
"""


def test_a_pdf_pastes_page_marks_running_title_and_hyphenation_are_undone() -> None:
    version = parse_version(PDF, language="es")
    assert (
        version.paragraphs[1].split()
        == (
            "Las asociaciones de personas venezolanas y colombianas que suscribimos esta solicitud "
            "le pedimos que los permisos de trabajo se renueven sin cita previa mientras la "
            "solicitud de refugio siga en trámite, porque la espera actual deja sin empleo formal "
            "a cientos de familias cada mes."
        ).split()
    )
    assert version.date_text == "5 de marzo de 2027"
    assert [o.name for o in version.organizations] == [
        "Asociación Venezolana de Panamá Oeste",
        "Mesa de Integración Migrante",
    ]
    assert version.organizations[1].members == [
        "Casa Abierta de Colón",
        "Fundación Comunitaria de Desplazados del Darién",
        "Unión de Trabajadoras del Hogar Migrantes",
    ]
    quoted = [p.message for p in version.problems]
    assert sum("Pág. 1/2" in m or "Pág. 2/2" in m for m in quoted) == 2
    assert any("“Solicitud conjunta sobre permisos de trabajo”" in m for m in quoted)


def test_a_dash_at_a_lines_end_before_a_capital_or_after_a_space_is_kept() -> None:
    from salvaguarda.letters.reading.parse import _split_lines

    lines = _split_lines("Red Centro-\nAmérica\nDefensores de Tenosique –\nbalancán")
    assert [line.text for line in lines] == [
        "Red Centro-",
        "América",
        "Defensores de Tenosique –",
        "balancán",
    ]


PETITIONERS = """\
Tela, Atlántida, 3 de marzo de 2027

Comisionada Irene Bustillo Paz
Relatora sobre Pueblos Indígenas
Comisión Interamericana de Derechos Humanos

Asunto: Solicitud de reunión de trabajo

Comunidades peticionarias:

1. Patronato Garífuna de Tornabé (Honduras)
2. Wabafu Hati – Asociación Garífuna de Houston (Estados Unidos)

Honorables Comisionadas:

Las comunidades peticionarias solicitamos una reunión de trabajo sobre la ocupación de tierras \
comunitarias mientras sus jóvenes están fuera del país por deportación o migración forzada.

Atentamente,

Personas firmantes:

1. Zoila Bernárdez Castillo, Patronato Garífuna de Tornabé
"""


def test_a_list_of_petitioners_before_the_salutation_is_the_organizations_list() -> None:
    version = parse_version(PETITIONERS, language="es")
    assert [a.name for a in version.addressees] == ["Comisionada Irene Bustillo Paz"]
    assert version.subject == "Solicitud de reunión de trabajo"
    assert [o.written for o in version.organizations] == [
        "Patronato Garífuna de Tornabé (Honduras)",
        "Wabafu Hati – Asociación Garífuna de Houston (Estados Unidos)",
    ]
    assert version.paragraphs[0] == "Honorables Comisionadas:"
    assert version.paragraphs[1].startswith("Las comunidades peticionarias solicitamos")
    assert [i.name for i in version.individuals] == ["Zoila Bernárdez Castillo"]
    assert version.headings["organization"] == "Comunidades peticionarias"


def test_a_short_name_spelled_otherwise_before_the_same_long_name_is_a_spelling_drift() -> None:
    from salvaguarda.letters.document import ParsedVersion
    from salvaguarda.letters.reading.lists import organization
    from salvaguarda.letters.signatory_lists import list_drifts, lists_of

    def version(language: str, written: list[str]) -> ParsedVersion:
        parsed = ParsedVersion(language=language)
        parsed.organizations = [organization(w) for w in written]
        return parsed

    es = version(
        "es",
        [
            "Wabafu Hati – Asociación Garífuna de Houston (Estados Unidos)",
            "Alto Comisionado de Apoyo al Retorno (ACNUR)",
            "Mesa Costera (Coalición)",
        ],
    )
    en = version(
        "en",
        [
            "Wabafu Hatti – Asociación Garífuna de Houston (United States)",
            "Alto Comisionado de Apoyo al Retorno (UNHCR)",
            "Mesa Costera (Coalition)",
        ],
    )
    reference = lists_of(es, None, {"organizations": ["o1", "o2", "o3"], "members": [[], [], []]})
    found = [
        (d.kind, d.detail)
        for d in list_drifts(reference, lists_of(en, reference, None), ("es", "en"))
    ]
    assert [kind for kind, _detail in found] == ["signatory_spelling"]
    assert "Wabafu Hatti" in found[0][1]


def test_cognates_decide_which_paragraph_of_one_length_is_missing() -> None:
    from salvaguarda.letters.alignment import Row, align

    es = [
        "Las comunidades solicitamos una audiencia temática sobre el despojo de tierras.",
        "En Tornabé y en Miami, tres dirigentes retornados fueron amenazados durante los últimos "
        "meses sin que nadie haya abierto todavía una investigación penal.",
        "Solicitamos que la audiencia examine la relación entre el despojo territorial y la "
        "migración, y que la Comisión considere una visita a la costa.",
    ]
    en = [
        "The communities request a thematic hearing on the dispossession of lands.",
        "We ask that the hearing examine the relationship between territorial dispossession "
        "and migration, and that the Commission consider a visit to the coast.",
    ]
    assert align({"es": es, "en": en})[1:] == [
        Row({"es": 1, "en": None}),
        Row({"es": 2, "en": 1}),
    ]
