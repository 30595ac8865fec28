"""The incident vocabularies: every file loads, the HURIDOCS trees hold together, and every code
our own lists point to exists."""

import csv
import re
from pathlib import Path

from django.test import SimpleTestCase
from django.utils import translation

from salvaguarda.incidents import vocab
from salvaguarda.incidents.vocab import (
    ACTS,
    COMMON_ACTS,
    GBV_TYPES,
    INVOLVEMENT,
    LOCAL_PERPETRATORS,
    PERPETRATORS,
    PLACE_TYPES,
    REDODEM_CATEGORIES,
    STATES,
    VICTIM_STATUS,
)
from salvaguarda.lib.vocabularies import Vocabulary

HERE = Path(vocab.__file__).resolve().parent / "vocabularies"
SHARED = Path("/work/shared/data")
HURIDOCS_FILES = [
    "huridocs_types_of_acts.csv",
    "huridocs_types_of_perpetrators.csv",
    "huridocs_degrees_of_involvement.csv",
    "huridocs_status_as_victim.csv",
]
REDODEM = {
    "crimen_organizado",
    "particulares",
    "autoridades_migratorias",
    "autoridades_policiales",
    "delincuencia_comun",
    "traficantes_de_personas",
    "otras_autoridades",
    "autoridades_militares",
    "pandilla",
}
GBV_CORE = [
    "rape",
    "sexual_assault",
    "physical_assault",
    "forced_marriage",
    "denial_of_resources_opportunities_services",
    "psychological_emotional_abuse",
]


class HuridocsListsTest(SimpleTestCase):
    def test_every_list_loads_with_the_expected_size(self) -> None:
        sizes = {ACTS: 532, PERPETRATORS: 40, INVOLVEMENT: 23, VICTIM_STATUS: 41}
        for huridocs_list, size in sizes.items():
            self.assertEqual(len(huridocs_list.terms), size, huridocs_list.path.name)

    def test_the_files_are_the_shared_data_byte_for_byte(self) -> None:
        if not SHARED.is_dir():
            self.skipTest("no shared data directory here")
        for name in HURIDOCS_FILES:
            self.assertEqual((HERE / name).read_bytes(), (SHARED / name).read_bytes(), name)

    def test_every_code_has_twelve_digits_a_parent_that_exists_and_a_consistent_level(self) -> None:
        for huridocs_list in (ACTS, PERPETRATORS, INVOLVEMENT, VICTIM_STATUS):
            for term in huridocs_list.terms.values():
                self.assertRegex(term.code, r"^\d{12}$")
                self.assertTrue(term.label_es and term.label_en, term.code)
                if term.level == 0:
                    self.assertEqual(term.parent_code, "", term.code)
                else:
                    parent = huridocs_list.terms[term.parent_code]
                    self.assertEqual(parent.level, term.level - 1, term.code)

    def test_all_532_acts_are_reached_from_the_roots(self) -> None:
        walked = [term.code for term in ACTS.walk()]
        self.assertEqual(len(walked), 532)
        self.assertEqual(set(walked), set(ACTS.terms))
        self.assertEqual(sum(len(ACTS.descendants(root.code)) for root in ACTS.roots()), 532)

    def test_descendants_include_the_code_itself_and_every_sub_act(self) -> None:
        below = ACTS.descendants("020100000000")
        self.assertIn("020100000000", below)
        self.assertIn("020101000000", below)
        self.assertIn("020111010000", below)  # rape, two levels down
        self.assertIn("020103020100", below)  # death threats against the victim, three down
        self.assertNotIn("020000000000", below)
        self.assertNotIn("022100000000", below)
        self.assertEqual(ACTS.descendants("020101000000"), frozenset({"020101000000"}))

    def test_children_and_ancestors_follow_the_parent_links(self) -> None:
        self.assertEqual(
            [term.code for term in ACTS.children("020103010000")],
            ["020103010100", "020103010200", "020103010300"],
        )
        self.assertEqual(
            [term.code for term in ACTS.ancestors("020103010100")],
            ["020000000000", "020100000000", "020103000000", "020103010000"],
        )
        self.assertEqual(ACTS.ancestors("010000000000"), [])
        self.assertIn("990000000000", [term.code for term in PERPETRATORS.roots()])

    def test_labels_follow_the_active_language(self) -> None:
        self.assertEqual(ACTS.label("030104000000"), "Secuestro")
        self.assertEqual(
            ACTS.path_label("020101000000"),
            "Violaciones al derecho a la seguridad e integridad personal › Acciones directas que"
            " violan el derecho a la seguridad e integridad personal › Agresiones físicas,"
            " incluyendo violencia doméstica",
        )
        with translation.override("en"):
            self.assertEqual(ACTS.label("030104000000"), "Abduction; kidnapping")
            self.assertEqual(
                ACTS.path_label("020101000000"),
                "Violations against personal integrity › Direct violations against personal"
                " integrity › Physical assaults, including domestic violence",
            )
            self.assertEqual(dict(ACTS.choices())["130104000000"], "Extortion")
            self.assertEqual(COMMON_ACTS.label("kidnapping"), "Kidnapping")
        self.assertEqual(dict(ACTS.choices())["130104000000"], "Extorsión")

    def test_unknown_codes_are_shown_as_they_are(self) -> None:
        self.assertNotIn("123456789012", ACTS)
        self.assertEqual(ACTS.label("123456789012"), "123456789012")
        self.assertEqual(ACTS.path_label("123456789012"), "123456789012")
        self.assertEqual(ACTS.descendants("123456789012"), frozenset({"123456789012"}))
        self.assertEqual(ACTS.children("123456789012"), [])


class OurListsTest(SimpleTestCase):
    def test_every_csv_of_ours_loads_with_spanish_and_english_labels(self) -> None:
        for vocabulary in (
            COMMON_ACTS,
            LOCAL_PERPETRATORS,
            REDODEM_CATEGORIES,
            GBV_TYPES,
            STATES,
            PLACE_TYPES,
        ):
            self.assertTrue(vocabulary.terms, vocabulary.path.name)
            for term in vocabulary.terms.values():
                self.assertRegex(term.code, r"^(\d{2}|[a-z][a-z_]*)$", vocabulary.path.name)
                self.assertTrue(term.label_es and term.label_en, term.code)

    def test_every_file_in_the_folder_is_loaded_by_vocab(self) -> None:
        kinds = (vocab.HuridocsList, Vocabulary)
        loaded = {v.path.name for v in vars(vocab).values() if isinstance(v, kinds)}
        self.assertEqual(loaded, {path.name for path in HERE.glob("*.csv")})

    def test_every_common_act_maps_to_an_act_that_exists(self) -> None:
        for code, term in COMMON_ACTS.terms.items():
            self.assertIn(term.extra["huridocs"], ACTS, code)
            self.assertEqual(vocab.common_act_huridocs(code), term.extra["huridocs"])
            gbv = term.extra["gbv"]
            self.assertTrue(gbv == "" or gbv in GBV_TYPES, code)
        self.assertEqual(vocab.common_act_huridocs("kidnapping"), "030104000000")
        self.assertEqual(vocab.common_act_huridocs("extortion_relatives"), "130104000000")
        self.assertEqual(vocab.common_act_huridocs("burn"), "020101000000")
        self.assertEqual(vocab.common_act_huridocs("not_an_act"), "")

    def test_the_common_acts_the_field_needs_are_there(self) -> None:
        needed = {
            "kidnapping",
            "extortion",
            "extortion_relatives",
            "robbery",
            "rape",
            "sexual_assault",
            "physical_assault",
            "burn",
            "threat",
            "torture",
            "enforced_disappearance",
            "disappearance_private",
            "homicide",
            "trafficking_sexual",
            "trafficking_labour",
            "arbitrary_detention",
            "denial_of_asylum",
            "denial_of_services",
            "discrimination",
            "family_separation",
        }
        self.assertLessEqual(needed, set(COMMON_ACTS.terms))
        self.assertEqual(vocab.common_act_gbv("rape"), "rape")
        self.assertEqual(vocab.common_act_gbv("sexual_assault"), "sexual_assault")
        self.assertEqual(vocab.common_act_gbv("kidnapping"), "")

    def test_every_local_perpetrator_sits_under_a_huridocs_type_with_a_redodem_category(
        self,
    ) -> None:
        for code, term in LOCAL_PERPETRATORS.terms.items():
            self.assertIn(term.extra["parent"], PERPETRATORS, code)
            self.assertNotIn(code, PERPETRATORS)
            if code != "unknown":
                self.assertIn(term.extra["redodem"], REDODEM, code)
        self.assertEqual(set(REDODEM_CATEGORIES.terms), REDODEM)
        used = {term.extra["redodem"] for term in LOCAL_PERPETRATORS.terms.values()}
        self.assertLessEqual(REDODEM, used)  # every REDODEM category has a local type
        self.assertEqual(LOCAL_PERPETRATORS.terms["unknown"].extra["parent"], "990000000000")

    def test_gbv_types_are_the_six_core_types_and_non_gbv_with_definitions(self) -> None:
        self.assertEqual(list(GBV_TYPES.terms), [*GBV_CORE, "non_gbv"])
        for term in GBV_TYPES.terms.values():
            self.assertTrue(term.extra["definition_es"] and term.extra["definition_en"])

    def test_states_are_the_32_federal_entities_by_inegi_code(self) -> None:
        self.assertEqual(STATES.codes(), [f"{n:02d}" for n in range(1, 33)])
        self.assertEqual(STATES.label("09"), "Ciudad de México")
        self.assertEqual(STATES.label("15"), "Estado de México")
        self.assertEqual(STATES.label("32"), "Zacatecas")
        with open(HERE / "mexican_states.csv", encoding="utf-8", newline="") as handle:
            self.assertEqual(next(csv.reader(handle))[:3], ["code", "label_es", "label_en"])

    def test_place_types(self) -> None:
        self.assertIn("bus_station", PLACE_TYPES)
        self.assertIn("detention_facility", PLACE_TYPES)
        self.assertEqual(PLACE_TYPES.codes()[-1], "other")


class PerpetratorHelpersTest(SimpleTestCase):
    def test_the_choices_put_local_types_first_grouped_under_their_parent(self) -> None:
        groups = vocab.perpetrator_codes()
        local_groups, (last_label, huridocs) = groups[:-1], groups[-1]
        local_codes = [code for _label, members in local_groups for code, _ in members]
        self.assertEqual(sorted(local_codes), sorted(LOCAL_PERPETRATORS.terms))
        self.assertEqual([code for code, _ in huridocs], list(PERPETRATORS.terms))
        police = dict(local_groups)[PERPETRATORS.label("010104000000")]
        self.assertEqual([code for code, _ in police], ["municipal_police", "state_police"])
        self.assertTrue(last_label)

    def test_every_choice_is_valid_for_a_choice_field(self) -> None:
        from django import forms

        field = forms.ChoiceField(choices=vocab.perpetrator_codes)
        self.assertEqual(field.clean("inm_agent"), "inm_agent")
        self.assertEqual(field.clean("010104000000"), "010104000000")

    def test_labels_and_redodem_categories(self) -> None:
        self.assertEqual(vocab.perpetrator_label("inm_agent"), "Agente del INM")
        self.assertEqual(vocab.perpetrator_label("010104000000"), "Policía")
        self.assertEqual(vocab.perpetrator_label("nothing"), "nothing")
        with translation.override("en"):
            self.assertEqual(vocab.perpetrator_label("010104000000"), "Police")
        self.assertEqual(vocab.redodem_category("organized_crime"), "crimen_organizado")
        self.assertEqual(vocab.redodem_category("national_guard"), "autoridades_militares")
        self.assertEqual(vocab.redodem_category("inm_agent"), "autoridades_migratorias")
        self.assertEqual(vocab.redodem_category("unknown"), "")
        self.assertEqual(vocab.redodem_category("010104000000"), "autoridades_policiales")
        self.assertEqual(vocab.redodem_category("010103000000"), "autoridades_militares")
        self.assertEqual(vocab.redodem_category("110301000000"), "particulares")  # employers
        self.assertEqual(vocab.redodem_category("990000000000"), "")
        self.assertEqual(vocab.redodem_category("nothing"), "")
        self.assertEqual(vocab.perpetrator_huridocs("state_police"), "010104000000")
        self.assertEqual(vocab.perpetrator_huridocs("010103000000"), "010103000000")
        self.assertEqual(vocab.perpetrator_huridocs("nothing"), "")

    def test_local_codes_never_look_like_huridocs_codes(self) -> None:
        for code in [*LOCAL_PERPETRATORS.terms, *COMMON_ACTS.terms]:
            self.assertIsNone(re.fullmatch(r"\d+", code), code)
