"""Synthetic name distributions (no real person): frequency-ranked lists, sampled Zipf-like.

Real naming frequencies are very skewed: in Honduras, El Salvador and Mexico "Hernández" and
"López" alone cover several percent of the population, and "María" / "José" open a large share
of compound given names. Search performance depends on that skew (a common token matches many
people), so the lists are ordered by rough real-world frequency and sampled with weights
1 / rank**EXPONENT.
"""

import random
from bisect import bisect
from itertools import accumulate

EXPONENT = 0.9

HISPANIC_SURNAMES = """
Hernández López García Martínez Rodríguez González Pérez Sánchez Ramírez Cruz Flores Gómez
Díaz Reyes Morales Mejía Castillo Ramos Rivera Ortiz Mendoza Torres Vásquez Aguilar Chávez
Romero Álvarez Jiménez Ruiz Gutiérrez Moreno Vargas Castro Juárez Herrera Medina Méndez
Guzmán Velásquez Rojas Salazar Zelaya Maldonado Portillo Alvarado Domínguez Soto Fuentes
Contreras Ávila Guerrero Molina Santos Estrada Guevara Escobar Cabrera Orellana Figueroa
Lara Rosales Navarro Carranza Bonilla Cardona Pineda Paz Valle Argueta Sosa Acosta Cáceres
Barahona Osorio Murillo Cerrato Espinoza Cortés Rubio Ponce Suárez Ventura Peña Aguirre
Villatoro Monterroso Barrios Quintanilla Carcamo Mendez Amaya Serrano Marroquín Solís
Fernández Montoya Córdova Lemus Arévalo Ayala Calderón Miranda Zúñiga Valladares Padilla
Avilés Nuñez Zavala Trejo Duarte Durán Palma Girón Recinos Interiano Lobo Matamoros
Andino Bustillo Sabillón Irías Funes Galeas Almendárez Dubón Hércules Machado Tábora
""".split()

MAYAN_SURNAMES = """
Xitumul Tzoc Coc Cux Ajú Tum Xol Caal Choc Ixcoy Sicán Chun Pop Tiu Tzul Quiej Batz Chiquín
Chávez Pu Ixcot Cumes Tecún Ajanel Canil Tay Ordóñez Yax Ical Bol
""".split()

VENEZUELAN_SURNAMES = """
González Rodríguez Pérez Hernández García Martínez López Díaz Sánchez Romero Rojas Torres
Suárez Ramírez Gutiérrez Flores Castillo Mendoza Moreno Rivas Marcano Briceño Contreras
Colmenares Villarroel Guerrero Parra Blanco Medina Silva Ramos Álvarez Gil Fernández Chacón
Quintero Salas Zambrano Bastidas Montilla Linares Vielma Carrasquero Urdaneta Petit
""".split()

MEXICAN_SURNAMES = """
Hernández García Martínez López González Pérez Rodríguez Sánchez Ramírez Cruz Flores Gómez
Morales Vázquez Reyes Jiménez Torres Díaz Gutiérrez Ruiz Mendoza Aguilar Ortiz Moreno
Castillo Romero Álvarez Méndez Chávez Rivera Juárez Ramos Domínguez Herrera Medina Castro
Vargas Guzmán Velázquez Muñoz Rojas Salazar Contreras Guerrero Estrada Luna Trejo Cortés
""".split()

CUBAN_SURNAMES = """
Rodríguez González Hernández Pérez García Martínez Díaz López Fernández Sánchez Álvarez
Gómez Ramírez Cruz Morales Suárez Reyes Castillo Torres Rivero Batista Valdés Cabrera
""".split()

HAITIAN_SURNAMES = """
Jean Pierre Joseph Louis Charles Jean-Baptiste Saint-Fleur Noël François Étienne Désir Alexis
Paul Michel Jean-Louis Baptiste Dorvil Augustin Toussaint Volcy Petit-Frère Cadet Célestin
Dorélus Fils-Aimé Jean-Charles Lafortune Saint-Louis Thélusma Vilsaint Exantus Edouard
Casimir Bien-Aimé Delva Jeune Florvil Germain Hilaire Innocent Jacques Laguerre Mathurin
""".split()

FEMALE_GIVEN = """
María Ana Rosa Carmen Sofía Yesenia Karla Gabriela Daniela Valeria Wendy Kenia Sandra Glenda
Marta Elena Lourdes Reina Maritza Nelly Dulce Fernanda Alejandra Andrea Paola Jessica Claudia
Patricia Gloria Teresa Lidia Blanca Yolanda Sonia Dilcia Suyapa Iris Norma Xiomara Evelyn
Leticia Josefina Esperanza Reyna Cindy Heidy Brenda Jennifer Lesly Merlin Olga Juana Silvia
Elsa Rocío Mirna Yadira Milagro Concepción Isabel Lucía Ingrid Katherine Fátima Belkis
""".split()

MALE_GIVEN = """
José Juan Luis Carlos Jorge Kevin Brayan Jonathan Edwin Wilmer Santos Francisco Miguel Ángel
Óscar Mario Pedro Nelson Marvin Erick Josué Jefferson Antonio David Manuel Jesús Daniel
Roberto Ricardo Fernando Javier Héctor Víctor Alexander Cristian Wilson Henry Elmer Selvin
Walter Denis Axel Julio Rafael Hugo Ramón Alberto Eduardo Ronald Arnold Darwin Melvin Osman
Norman Rigoberto Gerson Yeferson Yorman Franklin Dixon Elvis Mauricio Andrés Samuel Adán
""".split()

# A newer generation's names: what the children of the groups are called.
CHILD_FEMALE = """
Sofía Camila Valentina Ashley Génesis Keyli Yaretzi María Emily Alison Mía Isabella Nicole
Hillary Danna Ximena Abigail Britany Dayana Zoe Victoria Mariana Daniela Allison Scarleth
""".split()
CHILD_MALE = """
Dylan Mateo Santiago Ángel José Jeremy Bryan Kevin Jayden Matías Sebastián Gael Josué Luis
Christopher Derek Leonardo Said Elías Jostin Anthony Joel Isaac Jonathan Emanuel Axel
""".split()

HAITIAN_FEMALE = """
Marie Roseline Guerline Nadège Islande Fabienne Lovely Sabine Widline Nathalie Mirlande
Rose-Marie Marie-Claude Kettly Jeanne Esther Loudeline Darline Stéphanie Magalie Fabiola
""".split()
HAITIAN_MALE = """
Jean Pierre Joseph Jean-Pierre Wilson Jacques Dieuseul Wisly Wilner Mackenson Ricardo Ronald
Stanley Emmanuel Jean-Robert Fritz Evens Peterson Jimmy Frantz Ronel Clifford Jameson
""".split()

# Second given names: a compound name is very often "María ..." or "José ..." or "... José".
FEMALE_SECOND = """
José Fernanda Isabel Elena Guadalupe Alejandra Lourdes Carolina Mercedes Estela Antonia
Concepción Beatriz Azucena Esperanza Yamileth Marisol Nohemí Dolores Victoria
""".split()
MALE_SECOND = """
Luis Antonio Manuel José Alberto Carlos Francisco Ángel Miguel David Roberto Enrique Alexander
Eduardo Armando Javier Orlando Alfredo Adalberto Rolando
""".split()


class Weighted:
    """Sample from a frequency-ranked list with weights 1 / rank**EXPONENT."""

    def __init__(self, items: list[str], exponent: float = EXPONENT) -> None:
        self.items = items
        self.cumulative = list(accumulate(1 / (rank + 1) ** exponent for rank in range(len(items))))

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


SURNAMES = {
    "HND": Weighted(HISPANIC_SURNAMES),
    "SLV": Weighted(HISPANIC_SURNAMES),
    "NIC": Weighted(HISPANIC_SURNAMES),
    "ECU": Weighted(HISPANIC_SURNAMES[::-1][:60] + HISPANIC_SURNAMES[:40]),
    # In Guatemala a Mayan surname is common beside the Hispanic ones.
    "GTM": Weighted(HISPANIC_SURNAMES[:40] + MAYAN_SURNAMES + HISPANIC_SURNAMES[40:]),
    "VEN": Weighted(VENEZUELAN_SURNAMES),
    "MEX": Weighted(MEXICAN_SURNAMES),
    "CUB": Weighted(CUBAN_SURNAMES),
    "HTI": Weighted(HAITIAN_SURNAMES),
}
GIVEN = {
    ("adult", "female"): Weighted(FEMALE_GIVEN),
    ("adult", "male"): Weighted(MALE_GIVEN),
    ("child", "female"): Weighted(CHILD_FEMALE, 0.7),
    ("child", "male"): Weighted(CHILD_MALE, 0.7),
    ("haiti", "female"): Weighted(HAITIAN_FEMALE),
    ("haiti", "male"): Weighted(HAITIAN_MALE),
}
SECOND_GIVEN = {"female": Weighted(FEMALE_SECOND), "male": Weighted(MALE_SECOND)}

# Where the people of the network come from (share of family groups).
NATIONALITIES = (
    ("HND", 30),
    ("GTM", 18),
    ("SLV", 12),
    ("VEN", 12),
    ("HTI", 8),
    ("MEX", 7),
    ("NIC", 6),
    ("CUB", 4),
    ("ECU", 3),
)


def given_names(rng: random.Random, nationality: str, sex: str, child: bool) -> str:
    if nationality == "HTI":
        first = GIVEN[("haiti", sex)].pick(rng)
        return first if rng.random() < 0.7 else f"{first} {GIVEN[('haiti', sex)].pick(rng)}"
    first = GIVEN[("child" if child else "adult", sex)].pick(rng)
    # About half of the people have a compound given name; María and José open most of them.
    if rng.random() < 0.5:
        if not child and rng.random() < 0.35:
            first = "María" if sex == "female" else "José"
        second = SECOND_GIVEN[sex].pick(rng)
        if second != first:
            return f"{first} {second}"
    return first


def surname(rng: random.Random, nationality: str) -> str:
    return SURNAMES.get(nationality, SURNAMES["HND"]).pick(rng)


def has_second_surname(nationality: str) -> bool:
    """Haitian names have one surname; Hispanic names have two."""
    return nationality != "HTI"
