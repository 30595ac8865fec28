"""Shapes of real letters that the held-out corpus letters showed: copy lines, a document's
title, the body right under the subject, inclusive writing in a heading, a late list of
adhesions, places as labels inside a list, bracketed footnotes."""

from salvaguarda.letters.document import ParsedVersion
from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.reading.words import courtesy

BODY_ES = (
    "Las organizaciones que firmamos esta carta pedimos que se revise la situación de las "
    "familias que esperan en la frontera desde hace meses sin acceso a un abogado."
)


def _names(version: ParsedVersion, kind: str = "organizations") -> list[str]:
    return [s.name for s in getattr(version, kind)]


def test_copy_lines_under_the_addressees_are_reported_not_read_as_addressees() -> None:
    text = f"""\
Monterrey, Nuevo León, 2 de marzo de 2026

Lic. Renata Ibarguen Solís
Titular de la Unidad de Política Migratoria
PRESENTE

c.c.p. Mtro. Aurelio Camarena, Visitador General
C.c.: Oficina de la Defensoría del Pueblo

Estimada Titular:

{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Casa Nicolás de Monterrey
2. Red Norte de Acogida
"""
    version = parse_version(text, language="es")
    assert [a.name for a in version.addressees] == ["Lic. Renata Ibarguen Solís"]
    copies = [p for p in version.problems if p.code == "unplaced_line"]
    assert [p.line for p in copies] == [7, 8]


def test_a_documents_title_and_headline_are_not_addressees() -> None:
    text = f"""\
COMUNICADO CONJUNTO

Redes de acogida piden un alto a las devoluciones en Coahuila

Saltillo, Coahuila, 14 de julio de 2026

{BODY_ES}

Firman:

• Frontera con Justicia
• Casa del Peregrino Saltillo
"""
    version = parse_version(text, language="es")
    assert version.addressees == []
    assert not version.subject
    assert version.place == "Saltillo, Coahuila"
    assert version.paragraphs[0].startswith("Las organizaciones que firmamos")
    assert {p.line for p in version.problems if p.code == "unplaced_line"} == {1, 3}


def test_the_body_may_start_on_the_line_right_under_a_one_line_subject() -> None:
    text = f"""\
Oaxaca de Juárez, 5 de mayo de 2026

Asunto: Falta de intérpretes en la estación migratoria
{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Colectivo Ñu'u Savi
"""
    version = parse_version(text, language="es")
    assert version.subject == "Falta de intérpretes en la estación migratoria"
    assert version.paragraphs[0] == BODY_ES


def test_a_subject_over_two_short_lines_is_still_one_subject() -> None:
    text = f"""\
Asunto: Falta de intérpretes
en la estación migratoria de Oaxaca

{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Colectivo Ñu'u Savi
"""
    version = parse_version(text, language="es")
    assert version.subject == "Falta de intérpretes en la estación migratoria de Oaxaca"


def test_a_french_heading_in_inclusive_writing_opens_the_list_of_individuals() -> None:
    text = """\
Paris, le 3 juin 2026

Madame la Ministre,

Nous vous écrivons au sujet des personnes exilées renvoyées vers le Mexique sans examen de \
leur demande de protection, et nous vous demandons d'intervenir.

Veuillez agréer, Madame la Ministre, l'expression de notre haute considération.

Organisations signataires :
- Collectif Accueil Exil Lyon

Militant·e·s et chercheur·e·s signataires à titre individuel :
- Amélie Castagnet
- Youssouf Diarra
"""
    version = parse_version(text, language="fr")
    assert _names(version) == ["Collectif Accueil Exil Lyon"]
    assert _names(version, "individuals") == ["Amélie Castagnet", "Youssouf Diarra"]


def test_a_late_list_of_adhesions_after_the_individuals_is_of_organizations() -> None:
    text = """\
To the Governor of Texas,

We write to ask that the state stop the transfer of returned families to the border \
without notice to the shelters that receive them every night.

Sincerely,

Organizations:
1. Valley Welcome Center

Individuals:
1. Marcus Delgado-Hume
2. Priya Raman

Endorsements received after publication:
1. Laredo Accompaniment Network
"""
    version = parse_version(text, language="en")
    assert _names(version) == ["Valley Welcome Center", "Laredo Accompaniment Network"]
    assert _names(version, "individuals") == ["Marcus Delgado-Hume", "Priya Raman"]


def test_states_and_countries_alone_on_a_line_label_part_of_a_list() -> None:
    text = """\
To the Members of the Committee:

We write to ask that the state stop the transfer of returned families to the border \
without notice to the shelters that receive them every night.

Sincerely,

Signatory organizations
Chiapas
Red Fronteriza Sur
Oaxaca:
Comité Mixe de Acogida
Guatemala
Pastoral de Movilidad Humana Huehuetenango
"""
    version = parse_version(text, language="en")
    assert _names(version) == [
        "Red Fronteriza Sur",
        "Comité Mixe de Acogida",
        "Pastoral de Movilidad Humana Huehuetenango",
    ]
    labels = [p.line for p in version.problems if p.code == "list_label"]
    assert labels[-3:] == [8, 10, 12]


def test_a_bracketed_footnote_after_the_list_is_not_a_signatory() -> None:
    text = f"""\
{BODY_ES}

Atentamente,

Firman:
• Frontera con Justicia
• Casa del Peregrino Saltillo

[1] Datos del registro de los albergues, 2026.
"""
    version = parse_version(text, language="es")
    assert _names(version) == ["Frontera con Justicia", "Casa del Peregrino Saltillo"]
    assert [p.line for p in version.problems if p.code == "footnote"] == [9]


def test_addressees_one_per_line_as_name_comma_title_are_each_an_addressee() -> None:
    text = f"""\
Tijuana, Baja California, 14 de abril de 2026

Dra. Marisol Quintero Lagunas, Titular, Unidad de Política Migratoria
Ing. Efraín Delgado Cuevas, Delegado Federal del INM en Baja California
Graciela Ugalde Pineda, Visitadora General de la CNDH
PRESENTES

Estimadas señoras:

{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Casa del Migrante en Tijuana
2. Clínica Jurídica Alaíde Foppa
"""
    version = parse_version(text, language="es")
    assert [(a.name, a.title, a.institution) for a in version.addressees] == [
        ("Dra. Marisol Quintero Lagunas", "Titular", "Unidad de Política Migratoria"),
        ("Ing. Efraín Delgado Cuevas", "Delegado Federal del INM en Baja California", ""),
        ("Graciela Ugalde Pineda", "Visitadora General de la CNDH", ""),
    ]
    assert version.paragraphs[0] == "Estimadas señoras:"


def test_a_formula_before_the_honorific_is_not_part_of_the_addressees_name() -> None:
    body = (
        "As entidades abaixo assinadas pedem a abertura imediata de vagas de abrigo para as "
        "famílias que dormem na rodoviária desde janeiro."
    )
    text = f"""\
Belém, 3 de março de 2026

Ao Excelentíssimo Senhor Dr. Otávio Rezende Campos, Secretário Nacional de Justiça
À Senhora Profa. Marta Leal Sobral, Coordenadora do Comitê Estadual para Refugiados

Assunto: Pedido de abrigo para famílias na rodoviária

Excelentíssimos Senhores,

{body}

Atenciosamente,

Organizações signatárias:
• Cáritas Arquidiocesana de Belém
• Coletivo Abraço Migrante
"""
    version = parse_version(text, language="pt")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Dr. Otávio Rezende Campos", "Secretário Nacional de Justiça"),
        ("Profa. Marta Leal Sobral", "Coordenadora do Comitê Estadual para Refugiados"),
    ]
    assert version.paragraphs[0] == "Excelentíssimos Senhores,"


def test_a_french_salutation_ending_in_a_comma_is_not_an_addressee() -> None:
    body = (
        "Nous, associations signataires, vous demandons de garantir un hébergement d'urgence "
        "aux familles qui dorment devant la gare Saint-Charles depuis le mois de décembre."
    )
    text = f"""\
Marseille, le 9 février 2026

Monsieur Lucien Ferrand, Préfet des Bouches-du-Rhône
Madame Nadia Ouali, Directrice de l'Office français de l'immigration et de l'intégration

Madame, Monsieur,

{body}

Veuillez agréer, Madame, Monsieur, nos salutations distinguées.

Organisations signataires :
- Cimade Marseille
- Collectif Soutien Migrants 13
"""
    version = parse_version(text, language="fr")
    assert [a.name for a in version.addressees] == ["Monsieur Lucien Ferrand", "Madame Nadia Ouali"]
    assert version.paragraphs[0] == "Madame, Monsieur,"


def test_a_body_sentence_that_starts_like_a_heading_and_holds_a_colon_stays_in_the_body() -> None:
    text = """\
Oaxaca de Juárez, 4 de mayo de 2026

Mtra. Leonor Bautista Cruz
Delegada del Instituto Nacional de Migración en Oaxaca

Las organizaciones firmantes acompañamos desde enero a las familias que esperan en la
estación de Matías Romero sin saber cuándo serán trasladadas.

Las organizaciones firmantes le pedimos dos cosas: que se informe a cada familia de su \
situación y que se permita la entrada de los albergues a la estación.

Atentamente,

Organizaciones firmantes:
1. Hermanos en el Camino de Ixtepec
2. Consultorio Jurídico Guelatao, A.C.
"""
    version = parse_version(text, language="es")
    assert _names(version) == [
        "Hermanos en el Camino de Ixtepec",
        "Consultorio Jurídico Guelatao, A.C.",
    ]
    assert version.paragraphs[1].startswith(
        "Las organizaciones firmantes le pedimos dos cosas: que"
    )
    assert version.paragraphs[-1] == "Atentamente,"
    assert version.headings == {"organization": "Organizaciones firmantes"}


def test_a_lead_in_to_the_requests_is_not_a_heading_even_on_a_line_of_its_own() -> None:
    text = """\
Washington, D.C., June 2, 2026

Dear Secretary Albright-Moreno:

We write about the families held for weeks at the Nogales processing center, where lawyers
have been denied entry since March and children sleep on the floor.

The organizations signing this letter urge you to:

1. Restore in-person legal visits at every processing center.
2. Publish the number of children held longer than 72 hours.

Sincerely,

Signatory organizations
1. Kino Border Legal Project
2. Sonoran Families Network
"""
    version = parse_version(text, language="en")
    assert _names(version) == ["Kino Border Legal Project", "Sonoran Families Network"]
    assert "The organizations signing this letter urge you to:" in version.paragraphs
    assert any(p.startswith("2. Publish the number") for p in version.paragraphs)


def test_a_heading_like_sentence_in_a_letter_without_a_closing_formula_stays_in_the_body() -> None:
    pt = """\
Manaus, 8 de abril de 2026

As organizações signatárias denunciam: desde fevereiro, as famílias warao vivem sem água \
potável no abrigo da Avenida Torquato Tapajós, e nenhuma resposta foi dada.

Organizações signatárias:
- Pastoral do Migrante de Manaus
- Coletivo Rios Sem Fronteira
"""
    fr = """\
Cayenne, le 8 avril 2026

Les organisations signataires demandent :
- que les familles hébergées au gymnase soient relogées avant la saison des pluies ;
- qu'un interprète soit présent à chaque rendez-vous de la préfecture.

Organisations signataires :
- Comité de soutien aux exilés de Cayenne
- Réseau Entraide Oyapock
"""
    for text, language, names in (
        (pt, "pt", ["Pastoral do Migrante de Manaus", "Coletivo Rios Sem Fronteira"]),
        (fr, "fr", ["Comité de soutien aux exilés de Cayenne", "Réseau Entraide Oyapock"]),
    ):
        version = parse_version(text, language=language)
        assert _names(version) == names, language
        assert version.paragraphs[0].startswith(("As organizações", "Les organisations")), language


def test_a_heading_alone_on_its_line_still_opens_the_list_inside_or_after_the_body() -> None:
    text = f"""\
{BODY_ES}

Las organizaciones firmantes:
1. Red Jesuita con Migrantes del Sureste
2. Casa de la Mujer Ixchel, A.C.
"""
    version = parse_version(text, language="es")
    assert _names(version) == [
        "Red Jesuita con Migrantes del Sureste",
        "Casa de la Mujer Ixchel, A.C.",
    ]
    inline = parse_version(
        f"{BODY_ES}\n\nAtentamente,\n\nOrganizaciones firmantes: Casa Tochan, Red Sin Fronteras\n",
        language="es",
    )
    assert _names(inline) == ["Casa Tochan", "Red Sin Fronteras"]
    articles = parse_version(
        f"{BODY_ES}\n\nAtentamente,\n\nSuscriben: la Red Jesuita con Migrantes, el Centro Prodh\n",
        language="es",
    )
    assert len(articles.organizations) == 2


def test_a_sentence_that_lists_after_its_colon_before_the_closing_stays_in_the_body() -> None:
    text = f"""\
{BODY_ES}

Las organizaciones firmantes hemos documentado tres casos: Tenosique, Palenque y Tapachula.

Atentamente,

Organizaciones firmantes:
1. La 72, Hogar-Refugio para Personas Migrantes
"""
    version = parse_version(text, language="es")
    assert _names(version) == ["La 72, Hogar-Refugio para Personas Migrantes"]
    assert version.paragraphs[1].startswith("Las organizaciones firmantes hemos documentado")


def test_courtesy_paragraphs_that_close_a_letter_are_told_from_requests() -> None:
    closing = [
        "Sin otro particular por ahora, les enviamos un saludo solidario.",
        "Agradecemos de antemano su atención.",
        "Reciban, señoras Comisionadas, las muestras de nuestra más alta consideración.",
        "Thank you in advance for considering this request.",
        "We look forward to your prompt response.",
        "Sem mais para o momento, agradecemos a atenção.",
        "Dans l'attente de votre réponse, nous vous prions d'agréer nos salutations.",
        "Nous vous prions de croire, Madame la Ministre, à notre haute considération.",
    ]
    body = [
        "Agradecemos que la Defensoría haya abierto una oficina en Reynosa.",
        "Nous vous prions de bien vouloir saisir le ministère de l'Intérieur.",
        "Thank you for meeting us in May. Since then, 40 families were returned to Reynosa.",
        "We urge you to publish the monthly figures.",
    ]
    assert [courtesy(p) for p in closing] == [True] * len(closing)
    assert [courtesy(p) for p in body] == [False] * len(body)


def test_a_longer_heading_over_names_stays_a_heading_when_the_letter_closes_after_its_lists() -> (
    None
):
    text = f"""\
{BODY_ES}

Organizaciones firmantes al 15 de mayo:
1. Casa del Migrante de Saltillo
2. Frontera con Justicia, A.C.

Fraternalmente,
"""
    version = parse_version(text, language="es")
    assert _names(version) == ["Casa del Migrante de Saltillo", "Frontera con Justicia, A.C."]
    assert [p.line for p in version.problems if p.code == "unplaced_line"] == [7]


# --- Shapes of the third held-out set, each on a letter of its own ---------------------------

BODY_FR = (
    "Nos associations ont appris que plusieurs familles seraient renvoyées avant la fin du mois "
    "sans que leurs demandes de protection aient été examinées par un juge."
)


def test_an_attention_label_with_addressees_separated_by_semicolons_and_a_copy_block() -> None:
    text = f"""\
À l'attention de : Madame Odile Marchetti, préfète de la Martinique ; Monsieur Lucien \
Ferrand, directeur de l'agence régionale de santé

Copie à :
Monsieur le maire de Fort-de-France
Madame la présidente du conseil départemental

Fort-de-France, le 3 mai 2026

Objet : Accueil des familles exilées

Madame la Préfète, Monsieur le Directeur,

{BODY_FR}

Veuillez agréer, Madame la Préfète, l'expression de notre haute considération.

Organisations signataires
- Collectif Accueil Caraïbe
- Ligue martiniquaise pour l'entraide
"""
    version = parse_version(text, language="fr")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Madame Odile Marchetti", "préfète de la Martinique"),
        ("Monsieur Lucien Ferrand", "directeur de l'agence régionale de santé"),
    ]
    copies = [p.line for p in version.problems if p.code == "unplaced_line"]
    assert copies == [3, 4, 5]  # the copy's label and its two recipients
    assert version.date_text == "3 mai 2026"


def test_an_at_line_is_a_second_addressee_and_a_spanish_copy_block_is_not() -> None:
    text = f"""\
Con copia a:
Presidencia de la Comisión Estatal de Derechos Humanos
Visitaduría General

Saltillo, Coahuila, 9 de junio de 2026

Ing. Patricio Landa Ochoa
Director de Atención a Migrantes
At. Dra. Celia Barragán Nieto, Jefa del Departamento Jurídico
Presente

{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Casa del Peregrino Saltillo
"""
    version = parse_version(text, language="es")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Ing. Patricio Landa Ochoa", "Director de Atención a Migrantes"),
        ("Dra. Celia Barragán Nieto", "Jefa del Departamento Jurídico"),
    ]
    assert [p.line for p in version.problems if p.code == "unplaced_line"] == [1, 2, 3]
    assert version.date_text == "9 de junio de 2026"


def test_a_portuguese_copy_line_with_a_slash_is_not_an_addressee() -> None:
    text = """\
Ao Senhor
Dr. Caio Menezes Farias
Defensor Público-Geral Federal

C/c: Procuradoria Federal dos Direitos do Cidadão

Senhor Defensor,

As entidades abaixo assinadas pedem a abertura de um canal permanente de diálogo sobre a \
situação das famílias que aguardam atendimento na fronteira.

Atenciosamente,

Organizações signatárias:
1. Rede Acolhida Norte
"""
    version = parse_version(text, language="pt")
    assert [a.name for a in version.addressees] == ["Dr. Caio Menezes Farias"]
    # "Ao Senhor" (line 1) is reported, not dropped silently; the copy line (5) is no addressee.
    assert [p.line for p in version.problems if p.code == "unplaced_line"] == [1, 5]


def test_addressees_with_a_legislators_title_and_no_blank_line_between_are_two() -> None:
    text = """\
Senadora Irene Castañeda Vela
Presidenta de la Comisión de Asuntos Migratorios
Senador Rubén Ocampo Lira
Secretario de la Comisión de Asuntos Migratorios

Estimada senadora, estimado senador:

Las organizaciones que firmamos esta carta pedimos que la comisión cite a comparecer a las \
autoridades responsables de las estaciones migratorias del país.

Atentamente,

Firman:
1. Colectivo Frontera Norte
"""
    version = parse_version(text, language="es")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Senadora Irene Castañeda Vela", "Presidenta de la Comisión de Asuntos Migratorios"),
        ("Senador Rubén Ocampo Lira", "Secretario de la Comisión de Asuntos Migratorios"),
    ]


def test_a_subject_over_three_lines_keeps_the_punctuation_at_its_line_ends() -> None:
    text = f"""\
Lic. Marta Uribe Salas
Titular de la Fiscalía Especializada

Asunto: Denuncia por las detenciones en Palenque, Chiapas,
y petición de información;
registro de las personas trasladadas

{BODY_ES}

Atentamente,

Firman:
1. Red Selva Norte
"""
    version = parse_version(text, language="es")
    assert version.subject == (
        "Denuncia por las detenciones en Palenque, Chiapas, y petición de información; "
        "registro de las personas trasladadas"
    )


def test_coalition_members_joined_by_a_final_y_e_or_and_are_each_a_member() -> None:
    text = f"""\
{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Red Istmo Solidario: Casa Santa Marta de Juchitán; Colectivo Binnizá, A.C., y Posada \
Migrante de Ixtepec
2. Alianza Costa Sur: Comedor San Felipe, Centro Comunitario Arenal, A.B.P. (enlace), \
Clínica Legal del Puerto y
Refugio Luz del Mar
3. Frente Serrano (Brigada Norte, Hogar de Tránsito Los Pinos, Albergue La Ceiba y Posada \
del Caminante de Matías Romero)
"""
    version = parse_version(text, language="es")
    assert [o.members for o in version.organizations] == [
        ["Casa Santa Marta de Juchitán", "Colectivo Binnizá, A.C.", "Posada Migrante de Ixtepec"],
        [
            "Comedor San Felipe",
            "Centro Comunitario Arenal, A.B.P. (enlace)",
            "Clínica Legal del Puerto",
            "Refugio Luz del Mar",
        ],
        [
            "Brigada Norte",
            "Hogar de Tránsito Los Pinos",
            "Albergue La Ceiba",
            "Posada del Caminante de Matías Romero",
        ],
    ]


def test_an_individual_with_a_comma_inside_the_parenthesis_of_the_affiliation() -> None:
    text = """\
As entidades abaixo assinadas pedem a abertura de um canal permanente de diálogo sobre a \
situação das famílias que aguardam atendimento na fronteira.

Atenciosamente,

Pessoas:
• Ana Clara Viana (coordenadora, Casa de Passagem Sol Nascente)
• Jorge Ruiz Brito (advogado)
"""
    version = parse_version(text, language="pt")
    assert [(i.name, i.affiliation) for i in version.individuals] == [
        ("Ana Clara Viana", "coordenadora, Casa de Passagem Sol Nascente"),
        ("Jorge Ruiz Brito", "advogado"),
    ]


def test_cities_and_translated_state_names_alone_on_a_line_label_part_of_a_list() -> None:
    text = """\
We write to ask that the state stop the transfer of returned families to the border \
without notice to the shelters that receive them every night.

Sincerely,

Signatory organizations
Nueva Jersey
Comité de Vecinos Unidos
Manaus
Casa de Acolhida Rio Negro
San Pedro Sula
Red Hondureña de Retorno Digno
"""
    version = parse_version(text, language="en")
    assert _names(version) == [
        "Comité de Vecinos Unidos",
        "Casa de Acolhida Rio Negro",
        "Red Hondureña de Retorno Digno",
    ]
    assert [p.line for p in version.problems if p.code == "list_label"] == [6, 8, 10]


def test_a_place_and_date_line_after_the_lists_dates_the_letter_and_is_no_signatory() -> None:
    text = """\
As entidades abaixo assinadas pedem a abertura de um canal permanente de diálogo sobre a \
situação das famílias que aguardam atendimento na fronteira.

Atenciosamente,

Assinam:
• Rede Acolhida Norte
• Pastoral do Migrante de Manaus

Pessoas:
• Júlia Farias Mota (assistente social)

Manaus, 2 de dezembro de 2026.
"""
    version = parse_version(text, language="pt")
    assert version.date_text == "2 de dezembro de 2026"
    assert version.place == "Manaus"
    assert [i.name for i in version.individuals] == ["Júlia Farias Mota"]


def test_unnumbered_organizations_under_an_organizational_signers_heading() -> None:
    text = """\
Dear Senator Hollis:

We write to ask the Subcommittee to examine the detention of families at the border and to \
request monthly data on the length of custody of every child.

Respectfully,

ORGANIZATIONAL SIGNERS

Prairie Immigrant Legal Aid
Families Together Network (Prairie Immigrant Legal Aid, Northside Visitation Circle,

and Midwest Asylum Clinic)
Okoro & Lind LLP

INSTITUTIONAL SUPPORTERS
Lakeside Refugee Ministries
"""
    version = parse_version(text, language="en")
    assert _names(version) == [
        "Prairie Immigrant Legal Aid",
        "Families Together Network",
        "Okoro & Lind LLP",
        "Lakeside Refugee Ministries",
    ]
    assert version.organizations[1].members == [
        "Prairie Immigrant Legal Aid",
        "Northside Visitation Circle",
        "Midwest Asylum Clinic",
    ]


def test_a_general_heading_right_over_a_more_precise_one_is_not_an_empty_list() -> None:
    text = f"""\
{BODY_FR}

Veuillez agréer, Madame la Préfète, l'expression de notre haute considération.

Liste des signataires

Associations et collectifs
- Collectif Accueil Caraïbe
"""
    version = parse_version(text, language="fr")
    assert _names(version) == ["Collectif Accueil Caraïbe"]
    assert not [p for p in version.problems if p.code == "empty_list"]


def test_a_markdown_table_of_individuals_with_an_empty_header_reads_down_each_column() -> None:
    text = """\
We write to ask the Subcommittee to examine the detention of families at the border and to \
request monthly data on the length of custody of every child.

Respectfully,

Individual Signers

| | |
|---|---|
| 1. Dr. Ada Kincaid | 3. Rev. Omar Haddad |
| 2. Lena Voss, MSW | 4. Pedro Alarcón |
"""
    version = parse_version(text, language="en")
    assert [i.name for i in version.individuals] == [
        "Dr. Ada Kincaid",
        "Lena Voss",
        "Rev. Omar Haddad",
        "Pedro Alarcón",
    ]


def test_an_individuals_affiliation_broken_inside_its_parenthesis_is_one_entry() -> None:
    text = """\
As entidades abaixo assinadas pedem a abertura de um canal permanente de diálogo sobre a \
situação das famílias que aguardam atendimento na fronteira.

Atenciosamente,

Pessoas:
• Ana Clara Viana (coordenadora,
Casa de Passagem Sol Nascente)
• Jorge Ruiz Brito (advogado)
"""
    version = parse_version(text, language="pt")
    assert [(i.name, i.affiliation) for i in version.individuals] == [
        ("Ana Clara Viana", "coordenadora, Casa de Passagem Sol Nascente"),
        ("Jorge Ruiz Brito", "advogado"),
    ]


def test_a_line_that_reads_as_a_date_amid_the_entries_stays_in_the_list() -> None:
    text = """\
Las organizaciones que firmamos esta carta pedimos que se revise la situación de las \
familias que esperan en la frontera desde hace meses sin acceso a un abogado.

Atentamente,

Firman:
Comité Pro Memoria 2 de octubre de 1968
Casa del Peregrino Saltillo

Saltillo, 3 de julio de 2026.
"""
    version = parse_version(text, language="es")
    assert _names(version) == [
        "Comité Pro Memoria 2 de octubre de 1968",
        "Casa del Peregrino Saltillo",
    ]
    assert version.date_text == "3 de julio de 2026"


def test_an_attention_label_alone_on_its_line_is_no_part_of_the_addressee_under_it() -> None:
    text = f"""\
Ing. Patricio Landa Ochoa
Director de Atención a Migrantes
A la atención de:
Dra. Celia Barragán Nieto
Jefa del Departamento Jurídico

{BODY_ES}

Atentamente,

Firman:
1. Casa del Peregrino Saltillo
"""
    version = parse_version(text, language="es")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Ing. Patricio Landa Ochoa", "Director de Atención a Migrantes"),
        ("Dra. Celia Barragán Nieto", "Jefa del Departamento Jurídico"),
    ]


def test_honorable_blocks_with_street_addresses_and_no_blank_line_between_are_two() -> None:
    text = """\
October 2, 2026

The Honorable Alicia Brandt
Secretary
U.S. Department of Labor
200 Constitution Ave NW
Washington, DC 20210
The Honorable Peter Okafor
Administrator
Wage and Hour Division

Dear Secretary Brandt and Administrator Okafor:

We write on behalf of the undersigned organizations to ask that the Department protect the \
wages of farmworkers who were returned from Mexico under the program last year.

Sincerely,

Signatory organizations
- Farmworker Justice Alliance
"""
    version = parse_version(text, language="en")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("The Honorable Alicia Brandt", "Secretary"),
        ("The Honorable Peter Okafor", "Administrator"),
    ]
    assert version.addressees[0].institution == (
        "U.S. Department of Labor, 200 Constitution Ave NW, Washington, DC 20210"
    )


def test_a_portuguese_member_list_ending_in_e_before_its_last_member() -> None:
    text = """\
As entidades abaixo assinadas pedem a abertura de um canal permanente de diálogo sobre a \
situação das famílias que aguardam atendimento na fronteira.

Atenciosamente,

Organizações signatárias:
• Fórum Amazônico de Acolhida: Cáritas Regional Norte, Rede Sol de Migrantes, Abrigo Nova \
Esperança e Missão Paz Amazônia
"""
    version = parse_version(text, language="pt")
    assert version.organizations[0].members == [
        "Cáritas Regional Norte",
        "Rede Sol de Migrantes",
        "Abrigo Nova Esperança",
        "Missão Paz Amazônia",
    ]


def test_a_heading_ending_in_by_with_bold_labels_and_a_trade_heading_for_people() -> None:
    text = """\
We ask the Committee to keep the funding of the legal orientation programs for people \
who wait for their hearings without a lawyer.

Respectfully,

Signed by

**Shelters and parishes**
Casa Esperanza of El Paso
Annunciation Parish Refuge

**Advocacy groups**
Desert Rights Project
Tri-County Workers Center

Scholars and practitioners (titles for identification)

- Prof. Helen Maddox
- Jorge Ibarra Luna
"""
    version = parse_version(text, language="en")
    assert _names(version) == [
        "Casa Esperanza of El Paso",
        "Annunciation Parish Refuge",
        "Desert Rights Project",
        "Tri-County Workers Center",
    ]
    assert _names(version, "individuals") == ["Prof. Helen Maddox", "Jorge Ibarra Luna"]
    assert [p.code for p in version.problems if p.code == "list_label"] == ["list_label"] * 2


def test_a_bold_entry_among_bold_entries_is_an_organization_not_a_label() -> None:
    text = f"""\
{BODY_ES}

Atentamente,

Organizaciones firmantes:
**Casa del Migrante Saltillo**
**Frontera con Justicia**
"""
    version = parse_version(text, language="es")
    assert _names(version) == ["Casa del Migrante Saltillo", "Frontera con Justicia"]


def test_addressees_in_one_paragraph_an_author_alone_and_copy_lines_after_the_date() -> None:
    text = """\
Magistrada Irene Solís Paredes, Presidenta del Tribunal; Magistrado Ulises Bravo Neri, \
integrante del Pleno

Las organizaciones y personas que firmamos este escrito pedimos al Tribunal que revise el \
criterio sobre la retención de personas extranjeras en las estaciones migratorias.

Atentamente,

Colegio de Defensores Públicos del Norte, A.C.

Se adhieren:

Casa Refugio Nogales
Red de Litigio Estratégico, integrada por: Casa Amiga del Valle, Taller Jurídico Yaqui y \
Colegio Jurídico del Desierto

Abogadas y abogados que se suman a título personal:

Lic. Paulina Reyes Cano – litigante

Hermosillo, 3 de marzo de 2026

C.c.p. Archivo.
"""
    version = parse_version(text, language="es")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("Magistrada Irene Solís Paredes", "Presidenta del Tribunal"),
        ("Magistrado Ulises Bravo Neri", "integrante del Pleno"),
    ]
    assert _names(version) == [
        "Colegio de Defensores Públicos del Norte, A.C.",
        "Casa Refugio Nogales",
        "Red de Litigio Estratégico",
    ]
    assert version.organizations[2].members == [
        "Casa Amiga del Valle",
        "Taller Jurídico Yaqui",
        "Colegio Jurídico del Desierto",
    ]
    assert _names(version, "individuals") == ["Lic. Paulina Reyes Cano"]
    assert version.date_text == "3 de marzo de 2026"


def test_a_person_signing_alone_after_the_closing_is_not_an_organization() -> None:
    text = f"""\
{BODY_ES}

Atentamente,

María de la Luz Ortega

Organizaciones firmantes:
1. Casa Nicolás de Monterrey
"""
    version = parse_version(text, language="es")
    assert _names(version) == ["Casa Nicolás de Monterrey"]


def test_an_office_under_a_name_without_honorific_and_a_member_ending_in_a_p() -> None:
    text = """\
MINISTRY OF LABOR
Ramón Ibáñez Ortega
Secretary of Labor

Dr. Lucía Berrios Paz
Director of Inspections

Dear Secretary Ibáñez and Director Berrios:

We write on behalf of the undersigned organizations to ask that the Ministry protect the \
wages of farmworkers who were returned from abroad under the program last year.

Sincerely,

Signatory organizations:
1. Familias Unidas: Casa Amiga del Valle, A.C., Centro Jornalero de Tecate,
- Asociación de Padres del Valle, A.P.
"""
    version = parse_version(text, language="en")
    assert [a.name for a in version.addressees] == ["MINISTRY OF LABOR", "Dr. Lucía Berrios Paz"]
    assert version.organizations[0].members == [
        "Casa Amiga del Valle, A.C.",
        "Centro Jornalero de Tecate",
        "Asociación de Padres del Valle, A.P.",
    ]


def test_a_date_before_its_place_with_a_and_en_and_a_clergy_heading_for_people() -> None:
    text = f"""\
A 4 de mayo de 2026, en Orizaba, Veracruz.

Lic. Tomás Herrera Vidal
Fiscal Regional de Orizaba
Presente.

{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Casa del Peregrino de Orizaba

Obispos, religiosas y religiosos
- Mons. Ramiro Aguilar Ponce
- Hna. Cecilia Lugo Rey
"""
    version = parse_version(text, language="es")
    assert version.date_text == "4 de mayo de 2026"
    assert version.place == "Orizaba, Veracruz"
    assert [a.name for a in version.addressees] == ["Lic. Tomás Herrera Vidal"]
    assert _names(version, "individuals") == ["Mons. Ramiro Aguilar Ponce", "Hna. Cecilia Lugo Rey"]
    assert _names(version) == ["Casa del Peregrino de Orizaba"]


def test_a_pasted_tab_table_whose_numbers_share_the_name_cell() -> None:
    text = f"""\
{BODY_ES}

Atentamente,

Organizaciones firmantes:
1. Casa Nicolás de Monterrey

Académicas y académicos
1. Dra. Lidia Campos Ruiz\tUniversidad del Norte
2. Mg. Óscar Tello Vargas\tInstituto Andino de Estudios
"""
    version = parse_version(text, language="es")
    assert _names(version, "individuals") == ["Dra. Lidia Campos Ruiz", "Mg. Óscar Tello Vargas"]
