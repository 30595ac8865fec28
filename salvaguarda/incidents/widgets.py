"""The act picker: the common acts as one-tap chips, then the whole HURIDOCS Types of Acts tree.

Everything is plain HTML: every box is a checkbox of the same field. The picker comes folded in
one `<details>` (one Tab stop until opened; it opens by itself when an act is ticked or the
field has an error); inside are the 25 chips and, folded again, the HURIDOCS list.

The list (532 acts, about 150 KB of HTML) is loaded on demand: `static/js/act_picker.js`
fetches it from `incidents:act_tree` when it is first opened, then adds the filter box, which
narrows the tree as one types (Spanish or English labels, accents ignored). It is rendered in
the page itself when a HURIDOCS act is ticked (a form sent back with an error, an incident
edited) or when the page is asked for with `?lista-de-actos=completa` (`WHOLE_LIST_PARAMETER`):
without JavaScript, the folded list offers that link. A page that shows the picker loads the
script in its `scripts` block:

    <script src="{% static 'js/act_picker.js' %}" defer nonce="{{ csp_nonce }}"></script>

The widget is a group of controls (`use_fieldset`): render the field inside
`<fieldset>{{ field.legend_tag }}{{ field }}</fieldset>`.

Values are codes: a common act's code (`kidnapping`) or a 12-digit HURIDOCS code. `ActsField`
accepts both and cleans them into `PickedAct(huridocs, common)` rows (see its docstring).
"""

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from salvaguarda.incidents.vocab import ACTS, COMMON_ACTS, HuridocsTerm, common_act_huridocs
from salvaguarda.lib.normalize import fold_text

# The query parameter that asks a page for the picker's whole list, rendered in it.
WHOLE_LIST_PARAMETER = "lista-de-actos"


class PickedAct(NamedTuple):
    """One act of an incident: its HURIDOCS code, and the common act picked for it ("" if the
    HURIDOCS code was picked in the tree)."""

    huridocs: str
    common: str = ""

    @property
    def key(self) -> str:
        """The value of the checkbox that stands for this act."""
        return self.common or self.huridocs


def _key(item: Any) -> str:
    """The checkbox value of one act: a code, or a row with `common` and `huridocs` (a
    `PickedAct`, a mapping, or any object with those attributes, such as a stored act)."""
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        return str(item.get("common") or item.get("huridocs") or "")
    return str(getattr(item, "common", "") or getattr(item, "huridocs", "") or item)


def _keys(value: Any) -> list[str]:
    """The checkbox values of a field value: a list of codes and/or act rows (see `_key`)."""
    if value is None or value == "":
        return []
    if isinstance(value, str | PickedAct | Mapping):
        value = [value]
    return [key for key in map(_key, value) if key]


def _other_language_text(term: HuridocsTerm, english: bool) -> str:
    """What the filter matches besides the label on screen (and the code): the other language."""
    return fold_text(term.label_es if english else term.label_en)


class ActPicker(forms.Widget):
    """Checkboxes for a list of act codes: common-act chips, then the HURIDOCS tree.

    Rendered in Python with `format_html` (one pass over the 532 terms), like
    `core.widgets.QuickSelect`: a template per checkbox would be many times slower.
    `whole_list` renders the HURIDOCS list in the page instead of loading it on demand.
    """

    allow_multiple_selected = True
    use_fieldset = True
    whole_list = False

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> list[str]:
        getlist = getattr(data, "getlist", None)
        if getlist is not None:
            return list(getlist(name))
        return _keys(data.get(name))

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> bool:
        return False  # an unticked checkbox sends nothing: no value means "no act"

    def format_value(self, value: Any) -> list[str]:
        return _keys(value)

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return ""  # a group of boxes: the form labels it with a <legend>

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        base_id = str(final.get("id") or f"id_{name}")
        checked = set(self.format_value(value))
        opened = bool(checked) or final.get("aria-invalid") == "true"
        return format_html(
            '<div class="act-picker" id="{0}" data-act-picker>'
            '<details class="ap-picker"{1} data-testid="act-picker">'
            '<summary class="ap-title">{2}</summary>{3}{4}</details></div>',
            base_id,
            " open" if opened else "",
            _("Choose the acts: the most frequent ones, or the HURIDOCS list"),
            self._common(name, base_id, checked),
            self._tree(name, base_id, checked),
        )

    def tree_items(self, name: str, base_id: str) -> SafeString:
        """The HURIDOCS list's items, nothing ticked: what `incidents:act_tree` sends."""
        return self._branch(ACTS.roots(), name, base_id, set(), set())

    def _common(self, name: str, base_id: str, checked: set[str]) -> SafeString:
        chips = format_html_join(
            "",
            '<label class="ap-chip" for="{0}_{1}" data-testid="act-chip-{1}">'
            '<input type="checkbox" name="{2}" value="{1}" id="{0}_{1}"{3}>'
            "<span>{4}</span></label>",
            (
                (base_id, term.code, name, " checked" if term.code in checked else "", term.label)
                for term in COMMON_ACTS.terms.values()
            ),
        )
        return format_html(
            '<div class="ap-common" role="group" aria-labelledby="{0}_common">'
            '<p class="ap-title" id="{0}_common">{1}</p><div class="ap-chips">{2}</div></div>',
            base_id,
            _("Most frequent acts"),
            chips,
        )

    def _tree(self, name: str, base_id: str, checked: set[str]) -> SafeString:
        ticked = any(code in ACTS for code in checked)
        if ticked or self.whole_list:
            # Open the branches that hold a ticked act, so a form sent back with an error
            # shows them.
            opened: set[str] = set()
            for code in checked:
                opened.update(term.code for term in ACTS.ancestors(code))
            tree = self._branch(ACTS.roots(), name, base_id, checked, opened)
            source = SafeString("")
        else:
            tree = SafeString("")
            source = format_html(
                ' data-tree-url="{}?{}"',
                reverse("incidents:act_tree"),
                urlencode({"name": name, "id": base_id}),
            )
        # Folded: the list is long (532 acts); it opens by itself when it holds a ticked act.
        return format_html(
            '<details class="ap-all"{6} data-testid="act-list"{7}>'
            '<summary class="ap-title" id="{0}_all">{1}</summary>'
            '<div role="group" aria-labelledby="{0}_all">'
            '<div class="ap-filter" hidden>'
            '<label for="{0}_filter">{2}</label>'
            '<input type="search" id="{0}_filter" class="ap-filter-input" autocomplete="off"'
            ' spellcheck="false" aria-controls="{0}_tree" aria-describedby="{0}_filter_help"'
            ' data-testid="act-filter">'
            '<span class="helptext" id="{0}_filter_help">{3}</span>'
            '<p class="ap-empty" hidden role="status">{4}</p>'
            "</div>"
            '<ul class="ap-tree" id="{0}_tree">{5}</ul>{8}</div></details>',
            base_id,
            _("Other acts (HURIDOCS list)"),
            _("Filter the list"),
            _("Type part of a name, in Spanish or English."),
            _("No act matches the filter."),
            tree,
            " open" if ticked else "",
            source,
            self._loading(base_id) if source else "",
        )

    def _loading(self, base_id: str) -> SafeString:
        """What the list says while it loads, if it cannot, and without JavaScript."""
        return format_html(
            '<p class="ap-loading" hidden role="status">{0}</p>'
            '<p class="ap-failed" hidden role="alert">{1}</p>'
            '<noscript><p><a href="?{2}=completa#{3}">{4}</a></p></noscript>',
            _("Loading the list…"),
            _(
                "The list could not be loaded. Check the connection, then close it and open it "
                "again."
            ),
            WHOLE_LIST_PARAMETER,
            base_id,
            _("Show the whole list in the page (what you typed on this page is not kept)"),
        )

    def _branch(
        self,
        terms: Iterable[HuridocsTerm],
        name: str,
        base_id: str,
        checked: set[str],
        opened: set[str],
    ) -> SafeString:
        items = []
        english = (get_language() or "es").startswith("en")
        for term in terms:
            box = format_html(
                '<input type="checkbox" name="{0}" value="{1}" id="{2}_{1}"{3}>'
                '<label for="{2}_{1}">{4}</label>',
                name,
                term.code,
                base_id,
                " checked" if term.code in checked else "",
                term.label,
            )
            children = ACTS.children(term.code)
            if children:
                # The box and its label stay outside the <summary>: a control inside another
                # is announced wrongly (WCAG nested-interactive). The summary only unfolds.
                box = format_html(
                    "{}<details{}><summary>{}</summary><ul>{}</ul></details>",
                    box,
                    " open" if term.code in opened else "",
                    ngettext(
                        "%(count)d more specific act", "%(count)d more specific acts", len(children)
                    )
                    % {"count": len(children)},
                    self._branch(children, name, base_id, checked, opened),
                )
            search = _other_language_text(term, english)
            items.append(format_html('<li data-s="{}">{}</li>', search, box))
        return SafeString("".join(items))


def act_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every code an `ActsField` accepts, grouped: the common acts, then the HURIDOCS list."""
    return [
        (_("Most frequent acts"), COMMON_ACTS.choices()),
        (_("Other acts (HURIDOCS list)"), ACTS.choices()),
    ]


class ActsField(forms.MultipleChoiceField):
    """The acts of an incident, picked with an `ActPicker`.

    Accepts common-act codes and HURIDOCS Types of Acts codes, and cleans them into a list of
    `PickedAct(huridocs, common)`, one per act to store:

    - a common act gives its HURIDOCS code and its own code: `PickedAct("030104000000",
      "kidnapping")`;
    - a HURIDOCS code ticked in the tree gives `PickedAct(code, "")`, unless a ticked common act
      already stands for that code (ticking Kidnapping and Abduction; kidnapping gives one act);
    - two common acts with the same HURIDOCS code stay two acts (Burns and Physical assault);
    - order: as sent (the chips first, then the tree in its order); repeats are dropped.

    The initial value may be codes or act rows: `PickedAct`s, `{"huridocs", "common"}` mappings
    (`PickedAct._asdict()` gives one) or stored acts with those two attributes.
    """

    widget = ActPicker

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", act_choices)
        super().__init__(**kwargs)

    def prepare_value(self, data: Any) -> list[str]:
        return _keys(data)

    def valid_value(self, value: str) -> bool:
        return value in COMMON_ACTS or value in ACTS

    def clean(self, value: Any) -> list[PickedAct]:
        codes: list[str] = super().clean(value)
        return normalize_acts(codes)

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return set(_keys(initial)) != set(_keys(data))


def normalize_acts(codes: Iterable[str]) -> list[PickedAct]:
    """Ticked codes (common or HURIDOCS) as acts to store: see `ActsField`."""
    codes = list(dict.fromkeys(codes))
    covered = {common_act_huridocs(code) for code in codes if code in COMMON_ACTS}
    picked: list[PickedAct] = []
    for code in codes:
        if code in COMMON_ACTS:
            picked.append(PickedAct(common_act_huridocs(code), code))
        elif code in ACTS and code not in covered:
            picked.append(PickedAct(code, ""))
        elif code not in ACTS:
            raise ValueError(f"Not an act code: {code!r}")
    return picked
