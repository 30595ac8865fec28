"""Realistic variation of a person's name and birth date, as registered and as searched.

A true identity (the name on the person's documents, their real date of birth) is written
twice by different people: once at registration, by a caseworker reading a document or
hearing the name, and again, weeks later, in the search box, by a colleague hearing it from a
relative, a lawyer or the person. Each writing alters it independently; `registered()` and
`searched()` return the altered versions with the kinds of alteration applied, so a benchmark
can report which kinds lose the person.

No rule here is shaped on the search code; the patterns come from published descriptions of
how names are miswritten:
- Damerau, "A technique for computer detection and correction of spelling errors" (CACM, March
  1964): over 80 % of misspelt words hold a single error: a letter inserted, left out, replaced,
  or two adjacent letters swapped. Yannakoudakis & Fawthrop, "The rules of spelling errors":
  few errors in a word's first letter; vowels, doubled and singled letters, h, w and y are the
  usual places.
- "Spelling Error Patterns in Brazilian Portuguese" (Computational Linguistics 41(1), 2015):
  diacritics are the commonest typed error of all, with no significant difference from Spanish.
- Angeles & Bailón-Miguel, "A comparative of Spanish encoding functions effectiveness on
  record linkage" (UNAM, SciTePress 2016): Spanish spelling errors are mostly homophones (b/v,
  s/z/c, ll/y, silent h, j/g, x) that English phonetic codes miss.
- Fraser, Kinnear & Smith, "Record linking techniques in the Utah Population Database to
  improve linking rates of Hispanics" (IJPDS 2018): the two surnames are keyed in any order,
  joined, or one of them left out; linkage needs name-specific frequencies.
- Injury Prevention (BMJ), the table "Techniques for identifying matched records with
  discrepant first, middle and/or last names": misspellings, phonetic variants, shortened or
  hyphenated names, nicknames and contractions, switches in name order.
- rlErrorGeneratoR (Ilangovan, Texas A&M 2019): the heterogeneity record-linkage benchmarks
  inject: twins and namesakes, day-month swaps, first-last swaps, nicknames, typos in names
  and dates.
Nicknames (hypocorísticos) are the ones in common use in Mexico and Central America (Pepe,
Chepe, Chema, Lupe, Chuy, Chucho, Beto, Paco, Pancho, Nacho, Memo, Toño, Quique, Lalo, Chayo,
Meche, Conchita, Chabela, Tere, Paty...), Venezuela and Cuba (Lucho, Manolo, Fello); Haitian
names are miswritten the Spanish way by ear (Jean → Yan, François → Fransua, -ou- → -u-).
"""

import datetime
import random
import unicodedata
from dataclasses import dataclass, field, replace

# --- the alterations ---------------------------------------------------------------------------

# A Latin-American QWERTY keyboard: each letter's neighbours on the same and adjacent rows.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjklñ", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    near: dict[str, str] = {}
    for r, row in enumerate(KEYBOARD_ROWS):
        for c, letter in enumerate(row):
            found = []
            for dr in (-1, 0, 1):
                if 0 <= r + dr < len(KEYBOARD_ROWS):
                    other = KEYBOARD_ROWS[r + dr]
                    for dc in (-1, 0, 1):
                        if (dr, dc) != (0, 0) and 0 <= c + dc < len(other):
                            found.append(other[c + dc])
            near[letter] = "".join(found)
    return near


NEIGHBOURS = _neighbours()
VOWELS = "aeiou"
ACCENTED = {"a": "á", "e": "é", "i": "í", "o": "ó", "u": "ú"}

# Homophones of Latin-American Spanish and spellings by ear: (written, heard-as alternatives).
# Longer patterns first; each applies at one place of one word.
PHONETIC = (
    ("jean", ("yan", "shan")),
    ("eph", ("ef",)),
    ("ette", ("et", "eth")),
    ("qu", ("k", "c")),
    ("gue", ("ge", "güe")),
    ("gui", ("gi",)),
    ("ll", ("y", "l")),
    ("rr", ("r",)),
    ("ch", ("sh",)),
    ("ph", ("f",)),
    ("th", ("t",)),
    ("tz", ("ts", "s")),
    ("ou", ("u",)),
    ("oi", ("ua",)),
    ("eau", ("o",)),
    ("ce", ("se", "ze")),
    ("ci", ("si", "zi")),
    ("se", ("ce",)),
    ("si", ("ci",)),
    ("ge", ("je",)),
    ("gi", ("ji",)),
    ("je", ("ge",)),
    ("ji", ("gi",)),
    ("ca", ("ka",)),
    ("co", ("ko",)),
    ("ck", ("k",)),
    ("gua", ("wa",)),
    ("b", ("v",)),
    ("v", ("b",)),
    ("z", ("s",)),
    ("s", ("z",)),
    ("y", ("i", "ll")),
    ("i", ("y",)),
    ("x", ("j", "s")),
    ("w", ("gu", "u")),
    ("ñ", ("n", "ni")),
    ("ç", ("s",)),
    ("é", ("e",)),
    ("k", ("c", "q")),
)

# Given name → nicknames and short forms people are called by (and give at a shelter's desk).
NICKNAMES = {
    "josé": ("Pepe", "Chepe", "Cheo"),
    "jesús": ("Chuy", "Chucho", "Chus"),
    "guadalupe": ("Lupe", "Lupita"),
    "alberto": ("Beto",),
    "roberto": ("Beto", "Tito"),
    "francisco": ("Paco", "Pancho", "Chico", "Frank"),
    "ignacio": ("Nacho",),
    "guillermo": ("Memo",),
    "antonio": ("Toño", "Tony"),
    "enrique": ("Quique",),
    "eduardo": ("Lalo",),
    "gerardo": ("Lalo",),
    "manuel": ("Manolo", "Meme"),
    "rafael": ("Rafa", "Fello"),
    "ramón": ("Moncho",),
    "luis": ("Lucho",),
    "jorge": ("Coco",),
    "alejandro": ("Alex",),
    "alexander": ("Alex",),
    "alejandra": ("Ale",),
    "fernando": ("Nando",),
    "fernanda": ("Fer",),
    "daniela": ("Dani",),
    "daniel": ("Dani",),
    "gabriela": ("Gaby",),
    "isabel": ("Chabela", "Isa"),
    "josefina": ("Chepa", "Fina"),
    "teresa": ("Tere",),
    "patricia": ("Paty",),
    "concepción": ("Concha", "Conchita"),
    "dolores": ("Lola",),
    "mercedes": ("Meche",),
    "rosario": ("Chayo",),
    "carmen": ("Mela",),
    "cristian": ("Cris",),
    "jonathan": ("Jona",),
    "samuel": ("Sami",),
    "santiago": ("Santi",),
    "sebastián": ("Sebas",),
    "valentina": ("Vale",),
    "katherine": ("Katy",),
    "wilmer": ("Wil",),
    "jennifer": ("Jenny",),
    "jean": ("Ti Jean",),
}
# Compound given names called by one short form.
COMPOUND_NICKNAMES = {
    "maría josé": ("Majo",),
    "josé maría": ("Chema",),
    "josé luis": ("Pepe",),
    "maría guadalupe": ("Lupe",),
    "maría de jesús": ("Chuy",),
    "maría isabel": ("Marisa",),
    "maría elena": ("Malena",),
    "maría teresa": ("Maite",),
    "maría fernanda": ("Mafer",),
}
# Surnames with particles, as they are in the records of the network's countries.
PARTICLE_SURNAMES = (
    "de la Cruz",
    "de León",
    "de Jesús",
    "de la O",
    "del Cid",
    "de los Santos",
    "de Paz",
    "de la Rosa",
)


def strip_accents(text: str) -> str:
    """Every diacritic left out, the tilde of ñ included (as keyboards without it type)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def accents_dropped(word: str) -> str:
    """Accents left out (the commonest typed error): Hernández → Hernandez, Peña → Pena."""
    return strip_accents(word)


def accent_misplaced(word: str, rng: random.Random) -> str:
    """An accent where none belongs, or moved: Jóse, Hernandéz."""
    bare = strip_accents(word)
    places = [i for i, ch in enumerate(bare) if ch.lower() in ACCENTED]
    if not places:
        return bare
    i = rng.choice(places)
    accented = ACCENTED[bare[i].lower()]
    return bare[:i] + (accented.upper() if bare[i].isupper() else accented) + bare[i + 1 :]


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard (Damerau's four kinds), never on the first letter."""
    if len(word) < 3:
        return word
    i = rng.randint(1, len(word) - 1)
    kinds = ("substitute", "omit", "insert", "transpose", "double")
    kind = rng.choices(kinds, (35, 25, 15, 15, 10))[0]
    letter = word[i].lower()
    if kind == "substitute" and letter in NEIGHBOURS:
        return word[:i] + rng.choice(NEIGHBOURS[letter]) + word[i + 1 :]
    if kind == "insert" and letter in NEIGHBOURS:
        return word[:i] + rng.choice(NEIGHBOURS[letter]) + word[i:]
    if kind == "transpose" and i < len(word) - 1 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "double" and letter.isalpha():
        return word[:i] + word[i] + word[i:]
    if len(word) > 3:
        return word[:i] + word[i + 1 :]  # omitted (or the chosen kind did not fit this letter)
    return word[:i] + word[i] + word[i:]


def spelled_by_ear(word: str, rng: random.Random) -> str:
    """One homophone written another way: Vásquez → Básquez, Yesenia → Iesenia, Hilda → Ilda."""
    lower = word.lower()
    options: list[tuple[int, str, str]] = []
    if lower[:1] == "h" and len(lower) > 2 and lower[1] in VOWELS + "áéíóú":
        options.append((0, "h", ""))  # a silent h left out
    if lower[:1] in VOWELS and rng.random() < 0.3:
        options.append((0, "", "h"))  # or put in
    for pattern, heard in PHONETIC:
        start = lower.find(pattern)
        while start != -1:
            for alternative in heard:
                options.append((start, pattern, alternative))
            start = lower.find(pattern, start + 1)
    if not options:
        return typo(word, rng)
    at, pattern, alternative = rng.choice(options)
    if not pattern:  # an h put before the first letter
        return ("H" + word[:1].lower() if word[:1].isupper() else "h" + word[:1]) + word[1:]
    if word[at].isupper():
        alternative = alternative[:1].upper() + alternative[1:]
    return word[:at] + alternative + word[at + len(pattern) :]


def abbreviated_maria(given: str, rng: random.Random) -> str:
    """María written the way forms and IDs abbreviate it: Ma. José, Ma José, Mª José."""
    words = given.split()
    if not words or strip_accents(words[0]).lower() != "maria":
        return given
    words[0] = rng.choice(("Ma.", "Ma", "Mª", "M."))
    return " ".join(words)


def nickname(given: str, rng: random.Random) -> str | None:
    """The name the person goes by, when their given name has a usual one."""
    key = given.lower()
    if key in COMPOUND_NICKNAMES:
        return rng.choice(COMPOUND_NICKNAMES[key])
    words = given.split()
    usable = [i for i, w in enumerate(words) if w.lower() in NICKNAMES]
    if not usable:
        return None
    i = rng.choice(usable)
    if len(words) > 1 and rng.random() < 0.6:
        return rng.choice(NICKNAMES[words[i].lower()])  # the nickname alone
    words[i] = rng.choice(NICKNAMES[words[i].lower()])
    return " ".join(words)


def particle_variant(surname: str, rng: random.Random) -> str:
    """How "de la O" is keyed: without the particle, joined, or with another case."""
    words = surname.split()
    if len(words) < 2 or words[0].lower() not in ("de", "del"):
        return surname
    core = words[-1]
    # "Cruz" (the particle left out), or "Delacruz" (joined, as U.S. documents print it).
    return rng.choice((core, "".join(words).capitalize()))


# --- identities and their writings ---------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who the person is: the names on their documents and their real date of birth."""

    given: str
    first: str
    second: str
    born: datetime.date | None
    nationality: str = ""

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.given, self.first, self.second) if p)


@dataclass(frozen=True)
class Birth:
    """A date of birth as written: any part may be unknown; `precision` as the record keeps it."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    precision: str = "exact"  # exact, month, year, estimated (the Person model's choices)
    age: int | None = None  # in a search: the age said instead of a date (`year` is implied)

    def as_date(self) -> datetime.date | None:
        if self.year is None:
            return None
        return datetime.date(self.year, self.month or 1, self.day or 1)


@dataclass(frozen=True)
class Writing:
    """One writing of an identity, with the kinds of alteration it carries."""

    given: str
    first: str
    second: str
    birth: Birth | None
    kinds: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.given, self.first, self.second) if p)


def _alter_word(words: list[str], rng: random.Random, how: str) -> list[str]:
    """One word of the name (a longer one more often) altered by `how`."""
    if not words:
        return words
    weights = [max(1, len(w) - 2) for w in words]
    i = rng.choices(range(len(words)), weights)[0]
    changed = list(words)
    if how == "typo":
        changed[i] = typo(words[i], rng)
    elif how == "phonetic":
        changed[i] = spelled_by_ear(words[i], rng)
    elif how == "accent_misplaced":
        changed[i] = accent_misplaced(words[i], rng)
    return changed


def _split(text: str) -> list[str]:
    return text.split()


def _apply(writing: Writing, kind: str, rng: random.Random) -> Writing | None:
    """`writing` altered by `kind`, or None when the kind does not apply to it."""
    given, first, second = writing.given, writing.first, writing.second
    if kind == "accents_dropped":
        dropped = Writing(
            accents_dropped(given), accents_dropped(first), accents_dropped(second), writing.birth
        )
        return dropped if dropped.text != writing.text else None
    if kind in ("typo", "phonetic", "accent_misplaced"):
        # One field chosen by its length, then one word of it.
        fields = [(n, value) for n, value in (("g", given), ("f", first), ("s", second)) if value]
        name, value = rng.choices(fields, [len(v) for _, v in fields])[0]
        altered = " ".join(_alter_word(_split(value), rng, kind))
        if altered == value:
            return None
        parts = {"g": given, "f": first, "s": second, name: altered}
        return replace(writing, given=parts["g"], first=parts["f"], second=parts["s"])
    if kind == "second_surname_missing":
        return replace(writing, second="") if second and first else None
    if kind == "first_surname_missing":
        return replace(writing, first=second, second="") if second and first else None
    if kind == "surnames_swapped":
        return replace(writing, first=second, second=first) if second and first else None
    if kind == "given_shortened":
        words = _split(given)
        if len(words) < 2:
            return None
        # Mostly the first kept (María José → María), or the one used (José Luis → Luis).
        kept = words[0] if rng.random() < 0.65 else words[-1]
        return replace(writing, given=kept)
    if kind == "nickname":
        short = nickname(given, rng)
        return replace(writing, given=short) if short else None
    if kind == "maria_abbreviated":
        short = abbreviated_maria(given, rng)
        return replace(writing, given=short) if short != given else None
    if kind == "particle":
        for name in ("first", "second"):
            value = getattr(writing, name)
            if value.lower().startswith(("de ", "del ")):
                return replace(writing, **{name: particle_variant(value, rng)})
        return None
    if kind == "surnames_joined":
        return replace(writing, first=f"{first}-{second}", second="") if first and second else None
    raise ValueError(kind)


# How often each kind of alteration happens (relative weights), at registration and in search.
# A registration is mostly copied from a document; a search is typed from what was heard.
REGISTRATION_KINDS = {
    "accents_dropped": 30,
    "phonetic": 16,
    "typo": 12,
    "second_surname_missing": 10,
    "given_shortened": 8,
    "maria_abbreviated": 6,
    "particle": 6,
    "surnames_joined": 3,
    "accent_misplaced": 3,
}
SEARCH_KINDS = {
    "accents_dropped": 22,
    "typo": 16,
    "phonetic": 16,
    "second_surname_missing": 14,
    "given_shortened": 12,
    "nickname": 8,
    "surnames_swapped": 6,
    "first_surname_missing": 4,
    "maria_abbreviated": 4,
    "particle": 6,
    "accent_misplaced": 3,
}
# How many alterations one writing carries: (count, weight).
REGISTRATION_COUNTS = ((0, 45), (1, 40), (2, 15))
SEARCH_COUNTS = ((0, 12), (1, 45), (2, 33), (3, 10))


def _writing(identity: Identity, birth: Birth | None) -> Writing:
    return Writing(identity.given, identity.first, identity.second, birth)


def _altered(
    identity: Identity,
    birth: Birth | None,
    kinds: dict[str, int],
    counts: tuple[tuple[int, int], ...],
    rng: random.Random,
) -> Writing:
    wanted = rng.choices([c for c, _ in counts], [w for _, w in counts])[0]
    writing = _writing(identity, birth)
    applied: list[str] = []
    tries = 0
    while len(applied) < wanted and tries < 12:
        tries += 1
        kind = rng.choices(list(kinds), list(kinds.values()))[0]
        if kind in applied:
            continue
        changed = _apply(writing, kind, rng)
        # (Two alterations that undo each other, an accent dropped then put back, count none.)
        if changed is not None and changed.text.strip() and changed.text != identity.full:
            writing = changed
            applied.append(kind)
    return replace(writing, kinds=tuple(applied))


def _day_month_swapped(day: datetime.date) -> datetime.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


def _year_moved(day: datetime.date, rng: random.Random) -> datetime.date:
    year = day.year + rng.choice((-1, 1))
    return day.replace(year=year, day=min(day.day, 28))


def registered_birth(born: datetime.date | None, rng: random.Random) -> tuple[Birth | None, str]:
    """The date of birth as a caseworker records it, and the kind of alteration."""
    if born is None:
        return None, "birth_missing"
    kind = rng.choices(
        ("exact", "estimated", "year_off", "day_month_swapped", "missing"), (68, 14, 5, 5, 8)
    )[0]
    if kind == "estimated":
        # An age given instead of a date: the form estimates 1 January (or 1 July) of the year.
        return Birth(born.year, rng.choice((1, 7)), 1, "estimated"), "birth_estimated"
    if kind == "year_off":
        moved = _year_moved(born, rng)
        return Birth(moved.year, moved.month, moved.day), "birth_year_off"
    if kind == "day_month_swapped" and (swapped := _day_month_swapped(born)):
        return Birth(swapped.year, swapped.month, swapped.day), "birth_day_month_swapped"
    if kind == "missing":
        return None, "birth_missing"
    return Birth(born.year, born.month, born.day), "birth_exact"


def searched_birth(
    born: datetime.date | None, rng: random.Random, today: datetime.date
) -> tuple[Birth | None, str]:
    """What the person searching knows of the date of birth, and the kind of it."""
    if born is None:
        return None, "q_birth_none"
    kind = rng.choices(
        ("none", "year", "date", "age", "year_off", "day_month_swapped"), (35, 22, 22, 11, 5, 5)
    )[0]
    if kind == "year":
        return Birth(born.year, precision="year"), "q_birth_year"
    if kind == "date":
        return Birth(born.year, born.month, born.day), "q_birth_date"
    if kind == "age":
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        # An age instead of a date: the year it implies may be one off.
        return Birth(today.year - age, precision="estimated", age=age), "q_birth_age"
    if kind == "year_off":
        moved = _year_moved(born, rng)
        return Birth(moved.year, moved.month, moved.day), "q_birth_year_off"
    if kind == "day_month_swapped" and (swapped := _day_month_swapped(born)):
        return Birth(swapped.year, swapped.month, swapped.day), "q_birth_day_month_swapped"
    return None, "q_birth_none"


def registered(identity: Identity, rng: random.Random) -> Writing:
    """The identity as a caseworker registered it."""
    birth, birth_kind = registered_birth(identity.born, rng)
    writing = _altered(identity, birth, REGISTRATION_KINDS, REGISTRATION_COUNTS, rng)
    kinds = tuple(f"reg_{k}" for k in writing.kinds) + (birth_kind,)
    return replace(writing, kinds=kinds)


def searched(identity: Identity, rng: random.Random, today: datetime.date) -> Writing:
    """The identity as a colleague types it in the search, weeks later."""
    birth, birth_kind = searched_birth(identity.born, rng, today)
    writing = _altered(identity, birth, SEARCH_KINDS, SEARCH_COUNTS, rng)
    text_kinds = tuple(f"q_{k}" for k in writing.kinds) or ("q_unaltered",)
    if rng.random() < 0.5:
        # Half of the searches are typed in lower case, as people type in a search box.
        writing = replace(
            writing,
            given=writing.given.lower(),
            first=writing.first.lower(),
            second=writing.second.lower(),
        )
    return replace(writing, kinds=text_kinds + (birth_kind,))


def with_particle(identity: Identity, rng: random.Random) -> Identity:
    """The identity with one surname that has a particle (de la O, del Cid...)."""
    surname = rng.choice(PARTICLE_SURNAMES)
    if identity.second and rng.random() < 0.5:
        return replace(identity, second=surname)
    return replace(identity, first=surname)
