import time

from django.utils import translation

from salvaguarda.letters.document import Signatory
from salvaguarda.letters.names import (
    Duplicate,
    acronym_of,
    duplicates,
    organization_key,
    person_key,
    similar_person,
)


def org(name: str, acronym: str = "") -> Signatory:
    return Signatory(kind="organization", name=name, acronym=acronym)


def coalition(name: str, *members: str) -> Signatory:
    return Signatory(kind="coalition", name=name, members=list(members))


def person(name: str) -> Signatory:
    return Signatory(kind="individual", name=name)


def test_organization_key_folds_spelling_variants() -> None:
    variants = [
        "Centro de Derechos Humanos Fray Matías de Córdova A.C.",
        "Centro de Derechos Humanos Fray Matias de Cordova, AC",
        "CENTRO DE DERECHOS HUMANOS FRAY MATÍAS DE CÓRDOVA, A. C.",
        "Centro de Derechos Humanos Fray Matías de Córdova, Asociación Civil",
        "Centro de Derechos Humanos Fray Matias de Cordova (CDH Fray Matías)",
        "Centro de Derechos Humanos Fray Matías de Córdova – CDHFMC",
        "Centro de Derechos Humanos Fray Matías de Córdova México",
        "Centro de Derechos Humanos Fray Matías de Córdova A.C. (México)",
    ]
    assert {organization_key(v) for v in variants} == {
        "centro de derechos humanos fray matias de cordova"
    }
    assert organization_key("Sin Fronteras, I.A.P.") == organization_key("Sin Fronteras IAP")
    assert organization_key("Refugee Aid Network, Inc.") == "refugee aid network"
    assert organization_key("Red Solidaria LLC - USA") == "red solidaria"
    assert organization_key("Colectivo Frontera EE. UU.") == "colectivo frontera"
    assert organization_key("Grenzen Offen e.V.") == "grenzen offen"


def test_organization_key_keeps_country_that_belongs_to_the_name_and_places() -> None:
    assert organization_key("Centro de Derechos Humanos de Honduras") == (
        "centro de derechos humanos de honduras"
    )
    assert organization_key("Casa del Migrante - Saltillo") == "casa del migrante saltillo"
    assert organization_key("Casa del Migrante - Saltillo") != organization_key(
        "Casa del Migrante - Tijuana"
    )


def test_acronym_of() -> None:
    assert acronym_of("Centro de Derechos Humanos Miguel Agustín Pro Juárez (Centro Prodh)") == (
        "Centro Prodh"
    )
    assert acronym_of("Asilo Seguro México – AAMX") == "AAMX"
    assert acronym_of("Asilo Seguro México - ASM, A.C.") == "ASM"
    assert organization_key("Asilo Seguro México - ASM, A.C.") == "asilo seguro"
    assert acronym_of("Casa Refugio (A.C.)") == ""
    assert acronym_of("Casa Refugio (México)") == ""
    assert acronym_of("Casa del Migrante - Tijuana") == ""
    assert acronym_of("Casa Refugio") == ""


def test_person_key_and_similar_person() -> None:
    assert person_key("Dra. María José Pérez Núñez") == "maria jose perez nunez"
    assert person_key("Mtro. Pbro. Juan López") == "juan lopez"
    assert similar_person("María José Pérez", "Maria Jose Perez")  # accents
    assert similar_person("Guadalupe Hernández", "Guadalupe Hernadez")  # a letter missing
    assert similar_person("Guadalupe Hernández", "Guadalupe Hernádnez")  # transposition
    assert similar_person("Hna. Rosa Martínez", "Sister Rosa Martinez")  # titles
    assert similar_person("Martínez Rosa", "Rosa Martínez")  # order, all tokens match
    assert not similar_person("Ana Ruiz", "Ana Ruis")  # too short for an edit
    assert not similar_person("Rosa Martínez", "Martínez Rosas Juana")
    assert not similar_person("Guadalupe Hernández", "Guadalupe Fernández Ruiz")
    assert not similar_person("Guadalupe Hernández", "Guadalupe Hernandes Soto")


def test_alone_and_in_coalition_keeps_the_membership() -> None:
    organizations = [
        org("Casa Refugio Esperanza A.C."),
        coalition("Red Fronteriza por el Asilo", "Albergue San José", "Casa Refugio Esperanza"),
        org("Otra Organización"),
    ]
    with translation.override("en"):
        found = duplicates(organizations, {})
    assert found == [
        Duplicate(
            "alone_and_in_coalition",
            (0,),
            (1, 1),
            (1, 1),
            "the same name without accents, capitals and legal suffixes: casa refugio esperanza",
        )
    ]


def test_same_organization_keeps_the_earlier_position() -> None:
    organizations = [
        org("Centro de Derechos Humanos Fray Matías de Córdova A.C."),
        org("Centro de Derechos Humanos Miguel Agustín Pro Juárez (Centro Prodh)"),
        org("Colectivo Migrante"),
        org("Centro de Derechos Humanos Fray Matias de Cordova (CDH Fray Matías)"),
        org("Centro Prodh"),
        org("Asilo Seguro México", acronym="ASM"),
        org("Asilo Seguro – ASM"),
    ]
    found = [(d.kind, d.first, d.second, d.keep) for d in duplicates(organizations, {})]
    assert found == [
        ("same_organization", (0,), (3,), (0,)),
        ("same_organization", (1,), (4,), (1,)),
        ("same_organization", (5,), (6,), (5,)),
    ]


def test_duplicate_member_inside_one_coalition() -> None:
    organizations = [coalition("Red", "Albergue San José A.C.", "Otro", "Albergue San Jose")]
    found = duplicates(organizations, {})
    assert [(d.first, d.second, d.keep) for d in found] == [((0, 0), (0, 2), (0, 0))]


def test_similar_names_of_different_organizations_are_not_flagged() -> None:
    organizations = [
        org("Centro de Derechos Humanos del Migrante"),
        org("Centro de Derechos Humanos de la Montaña"),
        org("Casa del Migrante - Saltillo"),
        org("Casa del Migrante - Tijuana"),
        org("Centro de Derechos Humanos de Honduras"),
        org("Centro de Derechos Humanos de Guatemala"),
        org("Centro de Derechos Humanos de la Frontera (CDH)"),
        org("Centro de Derechos Humanos del Sur (CDH)"),
    ]
    assert duplicates(organizations, {}) == []


def test_individual_spelled_differently_keeps_the_reference_spelling() -> None:
    individuals = {
        "es": [
            person("Dra. Guadalupe Hernández Ruiz"),
            person("Mtro. Julián Ortega"),
            person("Ana Ruiz"),
            person("Hna. Rosa Martínez Lara"),
        ],
        "en": [
            person("Dr. Guadalupe Hernandez Ruiz"),  # accent
            person("Julián Ortega"),  # same, title translated away
            person("Rosa Martinez Lara"),  # one position earlier
            person("Ana Ruis"),  # too short to say
        ],
        "pt": [
            person("Guadalupe Hernández Ruiz"),
            person("Julián Oretga"),  # transposition
            person("Ana Ruiz"),
            person("Rosa Martínez Lara"),
        ],
    }
    found = duplicates([], individuals)
    assert [(d.kind, d.first, d.second, d.keep) for d in found] == [
        ("individual_spelled_differently", (0, 0), (1, 0), (0, 0)),
        ("individual_spelled_differently", (0, 3), (1, 2), (0, 3)),
        ("individual_spelled_differently", (0, 1), (2, 1), (0, 1)),
    ]
    assert found[0].reason == "Guadalupe Hernández Ruiz ~ Guadalupe Hernandez Ruiz"


def test_timing_500_organizations_and_300_individuals() -> None:
    organizations = [org(f"Organización Número {i} de Apoyo A.C.") for i in range(480)]
    organizations += [org(f"Organizacion Numero {i} de Apoyo (ONA{i})") for i in range(10)]
    organizations += [
        coalition(
            f"Coalición {c}", *(f"Organización Número {c * 10 + k} de Apoyo" for k in range(8))
        )
        for c in range(10)
    ]
    names = [f"Persona Nombre{i} Apellido{i} Segundo{i}" for i in range(300)]
    individuals = {
        "es": [person(n) for n in names],
        "en": [person(n.replace("Nombre", "Nombr")) for n in names],
    }
    start = time.perf_counter()
    found = duplicates(organizations, individuals)
    elapsed = time.perf_counter() - start
    print(f"\nduplicates() on 500 organizations + 2x300 individuals: {elapsed * 1000:.1f} ms")
    counts: dict[str, int] = {}
    for d in found:
        counts[d.kind] = counts.get(d.kind, 0) + 1
    assert counts == {
        "same_organization": 10,
        "alone_and_in_coalition": 88,  # 80 members alone + 8 alone under a variant
        "individual_spelled_differently": 300,
    }
