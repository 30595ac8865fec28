# ruff: noqa: E501 - letters are written as they circulate, one paragraph a line
"""An attention label alone on its line, whatever its apostrophe and however its accents are
encoded, starts the addressees under it; a line of punctuation only is never an addressee
(issue 15's trial)."""

import unicodedata

from django.test import SimpleTestCase

from salvaguarda.letters.reading import parse_version

LETTER = """Genève, le 2 décembre 2026

À l{apostrophe}attention de :
Mme Odile Ferrand-Lachaux, Présidente du Comité des travailleurs migrants ;
M. Yannick Delorme, Conseiller juridique du Comité

Objet : Renvois de travailleurs saisonniers

Madame la Présidente, Monsieur le Conseiller,

Nous, associations soussignées, vous écrivons au sujet des renvois de travailleurs saisonniers qui se multiplient depuis le mois d’août dans la région frontalière.

Veuillez agréer nos salutations distinguées.

Organisations signataires
1. Association Passerelles
2. Collectif Saisons Justes
"""


class AttentionLabelTests(SimpleTestCase):
    def assert_two_addressees(self, text: str) -> None:
        version = parse_version(text, language="fr")
        self.assertEqual(
            [(a.name, a.title) for a in version.addressees],
            [
                ("Mme Odile Ferrand-Lachaux", "Présidente du Comité des travailleurs migrants"),
                ("M. Yannick Delorme", "Conseiller juridique du Comité"),
            ],
        )

    def test_every_apostrophe_reads_the_label(self) -> None:
        for apostrophe in ("'", "\u2019", "\u02bc", "\u2018"):
            with self.subTest(apostrophe=apostrophe):
                self.assert_two_addressees(LETTER.format(apostrophe=apostrophe))

    def test_decomposed_accents_read_as_composed(self) -> None:
        self.assert_two_addressees(unicodedata.normalize("NFD", LETTER.format(apostrophe="’")))

    def test_a_punctuation_only_line_is_no_addressee(self) -> None:
        text = LETTER.format(apostrophe="’").replace("À l’attention de :", "À l’attention de\n:")
        version = parse_version(text, language="fr")
        self.assertTrue(version.addressees)
        for addressee in version.addressees:
            self.assertRegex(addressee.name, r"\w")


HONORIFIC = """Brasília, 7 de dezembro de 2026

Excelentíssima Senhora
Dra. Beatriz Moura Falcão
Secretária Nacional de Justiça

Assunto: Acolhimento em Roraima

Senhora Secretária,

As organizações abaixo assinadas solicitam uma reunião sobre o acolhimento de famílias que chegam pela fronteira norte do país.

Atenciosamente,

Organizações signatárias
1. Associação Caminhos do Norte
"""


class HonorificLineTests(SimpleTestCase):
    def test_an_honorific_line_above_an_addressee_is_reported_not_dropped(self) -> None:
        version = parse_version(HONORIFIC, language="pt")
        self.assertEqual([a.name for a in version.addressees], ["Dra. Beatriz Moura Falcão"])
        self.assertIn(3, [p.line for p in version.problems])
