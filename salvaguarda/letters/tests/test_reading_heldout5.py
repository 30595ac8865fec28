"""Shapes of real letters that the fifth held-out set showed, each on text of its own: a
coalition's member list opened by a label after a dash ("— member organizations:")."""

from salvaguarda.letters.reading import parse_version
from salvaguarda.letters.reading.lists import organization


def test_a_label_after_a_dash_opens_a_coalitions_members_and_is_not_its_name() -> None:
    found = organization(
        "Frente Fronterizo de Salud (FFS) – organizaciones integrantes: Casa Uno, "
        "Clínica Dos, A.C., Brigada Tres y Albergue Cuatro"
    )
    assert (found.kind, found.name, found.acronym) == (
        "coalition",
        "Frente Fronterizo de Salud",
        "FFS",
    )
    assert found.members == ["Casa Uno", "Clínica Dos, A.C.", "Brigada Tres", "Albergue Cuatro"]
    found = organization(
        "Southern Border Alliance - member groups: Río Uno, Casa Two, and Bridge Three"
    )
    assert (found.kind, found.name) == ("coalition", "Southern Border Alliance")
    assert found.members == ["Río Uno", "Casa Two", "Bridge Three"]
    found = organization(
        "Réseau Nord — organisations membres : Maison Un, Centre Deux et Association Trois"
    )
    assert (found.kind, found.name) == ("coalition", "Réseau Nord")
    assert found.members == ["Maison Un", "Centre Deux", "Association Trois"]


def test_a_bare_label_after_a_dash_opens_the_members_but_not_without_the_dash() -> None:
    found = organization("Mesa Costera (MC) — organizaciones: Casa Uno, Refugio Dos, Albergue Tres")
    assert (found.name, found.members) == (
        "Mesa Costera",
        ["Casa Uno", "Refugio Dos", "Albergue Tres"],
    )
    found = organization("Red de organizaciones: Casa Uno, Refugio Dos, Albergue Tres")
    assert found.name == "Red de organizaciones"


def test_an_inline_list_of_organismes_and_a_salutation_over_two_lines() -> None:
    text = """\
Québec, le 3 mars 2027

Madame Hélène Tremblay-Ouedraogo
Ministre de l'Emploi

Objet : Accès aux services de garde pour les familles en demande d'asile

Madame la Ministre,
Madame la Sous-ministre,

Nos organismes accompagnent chaque année des centaines de familles qui attendent une décision \
sur leur demande d'asile et qui n'ont toujours pas accès aux services de garde subventionnés.

Nous vous demandons de rétablir cet accès dès la prochaine rentrée scolaire.

Je vous prie d'agréer, Madame la Ministre, l'expression de mes sentiments distingués.

Organismes signataires : Centre Femmes du Littoral (CFL), Maison Ndeye (Lévis, Beauce), \
Carrefour d'entraide de Limoilou et Comité Accueil Charlesbourg.

Ont aussi signé à titre individuel :

– Me Louis-Philippe Gagné, avocat
"""
    version = parse_version(text, language="fr")
    assert version.paragraphs[0] == "Madame la Ministre, Madame la Sous-ministre,"
    assert version.paragraphs[1].startswith("Nos organismes accompagnent")
    orgs = [(o.name, o.acronym) for o in version.organizations]
    assert orgs == [
        ("Centre Femmes du Littoral", "CFL"),
        ("Maison Ndeye (Lévis, Beauce)", ""),
        ("Carrefour d'entraide de Limoilou", ""),
        ("Comité Accueil Charlesbourg", ""),
    ]
    assert [i.name for i in version.individuals] == ["Me Louis-Philippe Gagné"]


FORWARDED = """\
---------- Forwarded message ---------
From: Frontera Health Collective <info@fronterahealth.example.org>
Date: Thu, Mar 4, 2027 at 8:15 AM
Subject: FW: clinic letter FINAL - signed
To: records@county.example.gov

Hi all, forwarding the final version with every signature. Thanks!

Tucson, Arizona, March 3, 2027

Dr. Evelyn Marsh-Quintana
Director, County Health Department

Subject: Turning away asylum seekers at county clinics

Dear Dr. Marsh-Quintana:

We are nurses, physicians and social workers at county clinics and shelters, and since January \
we have seen asylum seekers turned away at the front desk because they had no local address.

One of us was told at the desk:

> "No address, no appointment; send them to the emergency room."

We ask that the department remind every clinic in writing that care does not depend on an address.

Sincerely,

Organizations

1. Frontera Health Collective
2. Desert Shelter Nurses Network

Staff signing in a personal capacity

1. Dr. Amal Haddad\t3. RN Luis Ocotlán Reyes
2. Dr. Perla Ixchel Mena\t4. LCSW Grace Oduya

--
Amal Haddad | Frontera Health Collective
This e-mail and its attachments are confidential. If you are not the intended recipient, delete it.
"""


def test_a_forwarded_e_mails_header_note_and_signature_are_reported_not_read() -> None:
    version = parse_version(FORWARDED, language="en")
    assert version.subject == "Turning away asylum seekers at county clinics"
    assert [a.name for a in version.addressees] == ["Dr. Evelyn Marsh-Quintana"]
    assert version.place == "Tucson, Arizona"
    assert version.paragraphs[0] == "Dear Dr. Marsh-Quintana:"
    assert '"No address, no appointment; send them to the emergency room."' in version.paragraphs
    assert [o.name for o in version.organizations] == [
        "Frontera Health Collective",
        "Desert Shelter Nurses Network",
    ]
    assert [i.name for i in version.individuals] == [
        "Dr. Amal Haddad",
        "Dr. Perla Ixchel Mena",
        "RN Luis Ocotlán Reyes",
        "LCSW Grace Oduya",
    ]
    quoted = " ".join(p.message for p in version.problems if p.code == "unplaced_line")
    for line in (
        "From: Frontera",
        "Subject: FW:",
        "Hi all, forwarding",
        "confidential",
        "Amal Haddad |",
    ):
        assert line in quoted


def test_a_letter_s_own_to_and_date_lines_are_not_an_e_mail_header() -> None:
    text = FORWARDED.split(
        "Hi all, forwarding the final version with every signature. Thanks!\n\n"
    )[1]
    text = text.replace("--\nAmal Haddad", "Amal Haddad")
    version = parse_version(text, language="en")
    assert not [p for p in version.problems if p.code == "unplaced_line" and "Tucson" in p.message]
    assert version.place == "Tucson, Arizona"


def test_people_of_a_trade_who_sign_in_their_own_name_head_the_individuals() -> None:
    from salvaguarda.letters.reading.words import heading_kind

    assert heading_kind("PERSONAL MÉDICO QUE FIRMA A TÍTULO PERSONAL") == "individual"
    assert heading_kind("Personas que firmaron a título individual") == "individual"


COLOMBIAN = """\
Medellín, 2 de febrero de 2027

Señora Doctora
LUZ ADRIANA OCAMPO BETANCUR
Personera de Medellín
E. S. D.

Doctor
HERNÁN DARÍO QUICENO ROJAS
Secretario de Inclusión Social
Ciudad

Asunto: Desalojos de familias caminantes en la terminal del norte

Respetados doctores:

Las organizaciones que acompañamos a familias caminantes en el Valle de Aburrá les pedimos que \
se suspendan los desalojos nocturnos en la terminal del norte mientras se habilita un albergue.

Cordialmente,

ORGANIZACIONES FIRMANTES

1. Corporación Caminos del Aburrá
2. Fundación Techo Compartido

FIRMAS A TÍTULO PERSONAL

Nombre                         Entidad                        País
Luisa Fernanda Arango Pérez    Universidad de la Montaña      Colombia
Óscar Iván Pulgarín            Corporación Caminos            Colombia
"""


def test_colombian_courtesy_lines_above_and_below_an_addressee_are_not_part_of_it() -> None:
    version = parse_version(COLOMBIAN, language="es")
    assert [(a.name, a.title) for a in version.addressees] == [
        ("LUZ ADRIANA OCAMPO BETANCUR", "Personera de Medellín"),
        ("HERNÁN DARÍO QUICENO ROJAS", "Secretario de Inclusión Social"),
    ]
    assert version.formula == "E. S. D"
    quoted = " ".join(p.message for p in version.problems)
    assert "“Señora Doctora”" in quoted and "“Doctor”" in quoted


def test_a_table_aligned_with_runs_of_spaces_is_read_by_its_columns() -> None:
    version = parse_version(COLOMBIAN, language="es")
    assert [(i.name, i.affiliation, i.country) for i in version.individuals] == [
        ("Luisa Fernanda Arango Pérez", "Universidad de la Montaña", "Colombia"),
        ("Óscar Iván Pulgarín", "Corporación Caminos", "Colombia"),
    ]
    three = (
        "Ana Ruiz Soto    Casa Uno    Tijuana\n"
        "Luis Mora Paz    Casa Dos    Mexicali\n"
        "Eva Lima Gil    Casa Tres    Tecate"
    )
    text = COLOMBIAN.split("Nombre ")[0] + three + "\n"
    version = parse_version(text, language="es")
    # Without a header the columns are read as a pasted table's: name first.
    assert [i.name for i in version.individuals] == [
        "Ana Ruiz Soto",
        "Luis Mora Paz",
        "Eva Lima Gil",
    ]


NOTA = """\
# NOTA PÚBLICA

## Nenhuma família deve dormir na rua em Pacaraima

*Fórum de Acolhida da Fronteira Norte*

As entidades que acompanham famílias venezuelanas em Pacaraima denunciam o fechamento de dois \
abrigos sem aviso prévio, o que deixou mais de 300 pessoas sem teto durante a estação das \
chuvas, entre elas crianças e pessoas idosas.

Exigimos a reabertura imediata dos abrigos e um plano de transição discutido com as famílias.

Boa Vista, 3 de março de 2027

Assinam as organizações:

1. Fórum de Acolhida da Fronteira Norte
2. Casa de Passagem Caminhos

Adesões individuais (formulário on-line):

Carimbo de data/hora\tNome completo\tOrganização (opcional)\tPaís
2/3/2027 10:11:12\tMaria das Dores Lima\t\tBrasil
2/3/2027 11:40:03\tJosé Rondón Pérez\tCasa de Passagem Caminhos\tVenezuela

Contato para imprensa: imprensa@forum.example.org
"""


def test_a_pronouncements_title_block_is_neither_subject_nor_addressee() -> None:
    version = parse_version(NOTA, language="pt")
    assert version.subject == ""
    assert version.addressees == []
    quoted = " ".join(p.message for p in version.problems if p.code == "unplaced_line")
    assert "# NOTA PÚBLICA" in quoted and "*Fórum de Acolhida da Fronteira Norte*" in quoted


def test_without_a_closing_the_place_and_date_line_ends_the_body() -> None:
    version = parse_version(NOTA, language="pt")
    assert (version.place, version.date_text) == ("Boa Vista", "3 de março de 2027")
    assert version.paragraphs[-1].startswith("Exigimos a reabertura")


def test_a_form_export_gives_names_and_affiliations_and_no_header_nor_contact() -> None:
    version = parse_version(NOTA, language="pt")
    assert [(i.name, i.affiliation, i.country) for i in version.individuals] == [
        ("Maria das Dores Lima", "", "Brasil"),
        ("José Rondón Pérez", "Casa de Passagem Caminhos", "Venezuela"),
    ]
    assert [o.name for o in version.organizations] == [
        "Fórum de Acolhida da Fronteira Norte",
        "Casa de Passagem Caminhos",
    ]
    assert any(
        p.code == "unplaced_line" and "Contato para imprensa" in p.message for p in version.problems
    )


def test_a_memos_para_de_and_fecha_lines_are_not_an_e_mail_header() -> None:
    text = """\
PARA: Lic. Marco Antonio Ruelas, Delegado de la Oficina de Representación
DE: Organizaciones de la Red Costera de Acogida
FECHA: 3 de marzo de 2027

Asunto: Cierre nocturno de la oficina

Estimado Delegado:

Las organizaciones que firmamos le pedimos que la oficina de representación vuelva a atender por \
las noches a las familias que llegan después de las seis de la tarde.

Atentamente,

Organizaciones firmantes
1. Casa Costera de Acogida
"""
    version = parse_version(text, language="es")
    assert not any("PARA: Lic. Marco" in p.message for p in version.problems)
    assert version.subject == "Cierre nocturno de la oficina"


def test_a_state_court_and_a_regional_federal_court_differ_and_are_shown_with_their_place() -> None:
    from salvaguarda.letters.alignment import align, drifts

    versions = {
        "pt": ["Em maio, o Tribunal de Justiça da Bahia suspendeu a remoção das famílias."],
        "es": ["En mayo, el Tribunal Regional Federal de la 3.ª Región suspendió el desalojo."],
        "en": ["In May, the Bahia state court suspended the eviction of the families."],
    }
    found = [d.detail for d in drifts(versions, align(versions)) if d.kind == "institution_differs"]
    assert found == ["Tribunal de Justiça da Bahia ≠ Tribunal Regional Federal de la 3.ª Región"]


def test_a_closing_pairs_with_a_closing_so_a_paragraph_in_one_version_only_is_found() -> None:
    from salvaguarda.letters.alignment import align, drifts

    versions = {
        "fr": [
            "Nous vous demandons de publier chaque mois les chiffres des renvois et des "
            "interceptions, et de soutenir les lieux d'accueil tenus par les communautés.",
            "Veuillez agréer, Madame la Directrice, l'expression de notre haute considération.",
        ],
        "es": [
            "Muchas de las familias retornadas en mayo venían de Jérémie y no tenían a quién "
            "acudir al llegar.",
            "Les pedimos publicar cada mes las cifras de retornos e intercepciones, y apoyar "
            "los lugares de acogida sostenidos por las comunidades.",
            "Atentamente,",
        ],
    }
    found = [d for d in drifts(versions, align(versions)) if d.kind == "missing_paragraph"]
    assert len(found) == 1 and "Jérémie" in found[0].detail
