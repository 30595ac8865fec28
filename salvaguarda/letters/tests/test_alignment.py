from salvaguarda.letters.alignment import (
    Row,
    align,
    anchors,
    changed_since,
    drifts,
    fingerprint,
    sentences,
)

ES = [
    "Las organizaciones abajo firmantes expresamos nuestra profunda preocupación por la "
    "situación de las personas solicitantes de asilo en la frontera norte.",
    "Según datos del Instituto Nacional de Migración (INM), entre enero y septiembre de 2024 se "
    "registraron 71,071 eventos de detención, un aumento del 18 % respecto del año anterior.",
    "El 12 de marzo, la Suprema Corte de Justicia de la Nación resolvió el amparo en revisión "
    "302/2020. La sentencia reconoce el derecho a la libertad personal. Sin embargo, su "
    "cumplimiento sigue pendiente.",
    "Durante el programa Quédate en México, miles de familias esperaron sus audiencias ante la "
    "EOIR en condiciones de riesgo. La Dra. Pérez documentó 1,250 secuestros en Tamaulipas.",
    "Por ello, solicitamos al INM y a la COMAR que garanticen el acceso al procedimiento de "
    "asilo, conforme al informe publicado en [nuestro sitio](https://ejemplo.org/informe).",
    "Quedamos atentas a su respuesta y a la apertura de un diálogo con la sociedad civil.",
]
EN = [
    "The undersigned organizations express our deep concern about the situation of asylum "
    "seekers at the northern border.",
    "According to the National Migration Institute (INM), between January and September 2024 "
    "there were 71,071 detention events, an increase of 18% over the previous year.",
    "On March 12, the Supreme Court of Justice of the Nation decided amparo en revisión "
    "302/2020. The ruling recognizes the right to personal liberty. However, it has not yet "
    "been complied with.",
    "Under the Remain in Mexico program, thousands of families waited for their EOIR hearings "
    "in dangerous conditions. Dr. Pérez documented 1,250 kidnappings in Tamaulipas.",
    "We therefore ask the INM and COMAR to guarantee access to the asylum procedure, as set out "
    "in the report published on [our website](https://ejemplo.org/informe).",
    "We look forward to your response and to opening a dialogue with civil society.",
]
PT = [
    "As organizações abaixo assinadas expressam sua profunda preocupação com a situação das "
    "pessoas solicitantes de asilo na fronteira norte.",
    "Segundo o Instituto Nacional de Migração (INM), entre janeiro e setembro de 2024 foram "
    "registrados 71.071 eventos de detenção, um aumento de 18% em relação ao ano anterior.",
    "Em 12 de março, a Suprema Corte de Justiça da Nação decidiu o amparo em revisão 302/2020. "
    "A sentença reconhece o direito à liberdade pessoal. No entanto, seu cumprimento continua "
    "pendente.",
    "Por isso, solicitamos ao INM e à COMAR que garantam o acesso ao procedimento de asilo, "
    "conforme o relatório publicado em [nosso site](https://ejemplo.org/informe).",
    "Aguardamos sua resposta e a abertura de um diálogo com a sociedade civil.",
]


def diagonal(n: int, *languages: str) -> list[Row]:
    return [Row(dict.fromkeys(languages, i)) for i in range(n)]


def kinds(found: list) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(d.kind, d.row, d.languages) for d in found]


def test_anchors_normalize_numbers_dates_cases_and_institutions() -> None:
    numbers = anchors("71,071 y 71 071 y 71.071; 3.5 y 1.500,25; 12.5 % y 18 por ciento").numbers
    assert set(numbers) == {"71071", "3.5", "1500.25", "12.5%", "18%"}
    for text in (
        "12 de marzo de 2025",
        "March 12, 2025",
        "12 mars 2025",
        "12 de março de 2025",
        "2025-03-12",
        "12/03/2025",
        "1º de marzo",
    ):
        dates = anchors(text).dates
        assert ("2025-03-12" in dates) or text == "1º de marzo", text
        assert not anchors(text).numbers, text
    assert set(anchors("1º de marzo").dates) == {"--03-01"}
    cases = anchors("Amparo 302/2020, A-123-456-789 y No. 19-15716").cases
    assert set(cases) == {"302/2020", "A123456789", "19-15716"}
    institutions = anchors(
        "El ACNUR, la OIM y la Comisión Nacional de los Derechos Humanos"
    ).institutions
    assert set(institutions) == {"UNHCR", "IOM", "CNDH"}
    assert set(anchors("UNHCR, the IOM and Remain in Mexico").institutions) == {
        "UNHCR",
        "IOM",
        "MPP",
    }
    assert set(anchors("El gobierno de EE. UU. y la ONU").institutions) == {"US", "UN"}
    assert set(anchors("The U.S. government and the United Nations").institutions) == {"US", "UN"}
    assert set(anchors("Ver [aquí](https://ejemplo.org/a/)").urls) == {"https://ejemplo.org/a"}


def test_sentences_keep_abbreviations_and_decimals() -> None:
    text = (
        "La Dra. Pérez y la Mtra. J. Ruiz viajaron a EE. UU. el caso No. 5 creció 3.5 veces. "
        "Luego la U.S. Army respondió. ¿Qué sigue? Nada."
    )
    assert len(sentences(text)) == 4
    assert sentences("Una sola frase sin punto final") == ["Una sola frase sin punto final"]


def test_versions_in_step_align_diagonally_without_drift() -> None:
    versions = {"es": ES, "en": EN}
    rows = align(versions)
    assert rows == diagonal(6, "es", "en")
    assert drifts(versions, rows) == []


def test_paragraph_missing_in_english() -> None:
    en = EN[:3] + EN[4:]
    versions = {"es": ES, "en": en}
    rows = align(versions)
    assert rows[3] == Row({"es": 3, "en": None})
    assert rows[4] == Row({"es": 4, "en": 3})
    assert len(rows) == 6
    assert kinds(drifts(versions, rows)) == [("missing_paragraph", 3, ("en",))]


def test_paragraph_missing_in_spanish_gets_its_own_row() -> None:
    es = ES[:1] + ES[2:]
    rows = align({"es": es, "en": EN})
    assert rows[1] == Row({"es": None, "en": 1})
    assert rows[2] == Row({"es": 1, "en": 2})


def test_sentence_missing_number_date_case_and_institution_differ() -> None:
    en = list(EN)
    en[1] = en[1].replace("71,071", "71,701")
    en[2] = (
        "On March 21, the Supreme Court of Justice of the Nation decided amparo en revisión "
        "302/2021. The ruling recognizes the right to personal liberty."
    )
    en[4] = en[4].replace("the INM", "CBP")
    versions = {"es": ES, "en": en}
    rows = align(versions)
    assert rows == diagonal(6, "es", "en")
    found = {(d.kind, d.row): d for d in drifts(versions, rows)}
    assert set(found) == {
        ("number_differs", 1),
        ("missing_sentence", 2),
        ("date_differs", 2),
        ("case_number_differs", 2),
        ("institution_differs", 4),
    }
    assert found["number_differs", 1].detail == "71,071 ≠ 71,701"
    assert found["missing_sentence", 2].languages == ("es", "en")
    assert found["missing_sentence", 2].detail == (  # the sentence itself, not counts
        "“Sin embargo, su cumplimiento sigue pendiente.” (es) ∉ en"
    )

    assert found["date_differs", 2].detail == "12 de marzo ≠ March 21"
    assert found["case_number_differs", 2].detail == "302/2020 ≠ 302/2021"
    assert found["institution_differs", 4].detail == "INM ≠ CBP"
    assert found["institution_differs", 4].languages == ("es", "en")


def test_partial_date_matches_full_date_and_small_numbers_in_words_are_ignored() -> None:
    versions = {
        "es": ["El 12 de marzo de 2025 llegaron dos familias y 3 niñas."],
        "en": ["On March 12, two families and three girls arrived."],
    }
    assert drifts(versions, align(versions)) == []


def test_three_languages_with_portuguese_missing_a_paragraph() -> None:
    versions = {"es": ES, "en": EN, "pt": PT}
    rows = align(versions)
    assert len(rows) == 6
    assert rows[3] == Row({"es": 3, "en": 3, "pt": None})
    assert rows[4] == Row({"es": 4, "en": 4, "pt": 3})
    assert rows[5] == Row({"es": 5, "en": 5, "pt": 4})
    assert kinds(drifts(versions, rows)) == [("missing_paragraph", 3, ("pt",))]


def test_fingerprint_ignores_whitespace_only() -> None:
    assert fingerprint("Hola  mundo\n") == fingerprint(" Hola mundo")
    assert fingerprint("Hola mundo") != fingerprint("Hola mundo.")
    assert len(fingerprint("x")) == 64


def test_changed_since_reports_only_changes_made_in_one_language() -> None:
    confirmed = {"es": [fingerprint(p) for p in ES], "en": [fingerprint(p) for p in EN]}
    assert changed_since(confirmed, {"es": ES, "en": EN}) == []

    en = list(EN)
    en[1] = en[1].replace("an increase", "a rise")
    assert changed_since(confirmed, {"es": ES, "en": en}) == [("en", 1)]

    es = list(ES)
    es[1] = es[1].replace("un aumento", "un incremento")
    assert changed_since(confirmed, {"es": es, "en": en}) == []  # edited in step

    es_added = ES[:5] + ["Agradecemos además a la Relatoría Especial su atención."] + ES[5:]
    assert changed_since(confirmed, {"es": es_added, "en": EN}) == [("es", 5)]

    en_removed = EN[:3] + EN[4:]
    assert changed_since(confirmed, {"es": ES, "en": en_removed}) == [("en", 3)]


def test_a_number_with_mil_and_a_remainder_is_one_number() -> None:
    versions = {
        "es": [
            "En Reynosa contamos 8 mil 340 personas en espera y en Matamoros 3 mil doscientas, "
            "frente a 1 millón 200 mil solicitudes pendientes en el país."
        ],
        "en": [
            "In Reynosa we counted 8,340 people waiting and in Matamoros 3,200, against "
            "1,200,000 pending claims in the country."
        ],
    }
    assert drifts(versions, align(versions)) == []
    assert set(anchors(versions["es"][0]).numbers) == {"8340", "3200", "1200000"}


def test_a_time_on_a_24_hour_clock_equals_the_same_time_with_am_or_pm() -> None:
    versions = {
        "es": ["Los traslados fueron entre las 23:30 horas y las 5:15 horas del día siguiente."],
        "en": ["The transfers were between 11:30 p.m. and 5:15 a.m. the next day."],
    }
    assert drifts(versions, align(versions)) == []
    other = {
        "es": ["Los traslados fueron entre las 23:30 horas y las 5:15 horas del día siguiente."],
        "en": ["The transfers were between 10:30 p.m. and 5:15 a.m. the next day."],
    }
    found = drifts(other, align(other))
    assert [d.detail for d in found] == ["23:30 horas ≠ 10:30 p.m."]


def test_a_duration_in_hours_is_a_number_not_a_time() -> None:
    assert set(anchors("Permanecieron 72 horas en la estación migratoria.").numbers) == {"72"}


def test_a_long_courtesy_closing_in_one_version_only_is_no_drift() -> None:
    fr = [
        "Les organisations soussignées expriment leur profonde préoccupation quant à la "
        "situation des personnes demandeuses d'asile à la frontière nord.",
        "Nous vous prions d'agréer, Madame la Rapporteuse spéciale, l'expression de notre plus "
        "haute et respectueuse considération.",
    ]
    request = "Nous vous prions de bien vouloir demander des informations aux autorités du pays."
    for extra, expected in ((fr[1], []), (request, [("missing_paragraph", 1, ("es",))])):
        versions = {"fr": [fr[0], extra], "es": ES[:1]}
        rows = align(versions)
        assert kinds(drifts(versions, rows)) == expected


def test_a_country_said_in_one_version_only_is_no_institution_drift() -> None:
    versions = {
        "en": ["The Department of State itself advises U.S. citizens not to travel there."],
        "es": ["El propio Departamento de Estado recomienda no viajar allí."],
    }
    rows = align(versions)
    assert not [d for d in drifts(versions, rows) if d.kind == "institution_differs"]


def test_a_court_named_otherwise_is_named_on_both_sides_of_the_drift() -> None:
    versions = {
        "fr": ["Le 4 mars, le tribunal administratif de Cayenne a suspendu le renvoi."],
        "es": ["El 4 de marzo, el Consejo de Estado suspendió la expulsión."],
        "pt": ["Em 4 de março, a Corte Interamericana suspendeu a expulsão."],
    }
    rows = align(versions)
    found = [d.detail for d in drifts(versions, rows) if d.kind == "institution_differs"]
    assert found == [
        # the court shown with the place it serves (as the held-out manaus letter needs)
        "tribunal administratif de Cayenne ≠ Consejo de Estado",
        "tribunal administratif de Cayenne ≠ Corte Interamericana",
    ]


def test_a_collegiate_court_and_the_supreme_court_are_two_institutions_across_languages() -> None:
    es = ["La resolución del Tribunal Colegiado de Circuito declaró ilegal el requisito."]
    en = ["The ruling of the Collegiate Circuit Court found the requirement unlawful."]
    pt = ["A decisão da Suprema Corte declarou ilegal a exigência."]
    versions = {"es": es, "en": en, "pt": pt}
    rows = align(versions)
    kinds = {(d.kind, d.languages) for d in drifts(versions, rows)}
    assert ("institution_differs", ("es", "en")) not in kinds
    assert ("institution_differs", ("es", "pt")) in kinds
