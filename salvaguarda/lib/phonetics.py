"""A phonetic key for names as Spanish-speaking staff write them down.

`spanish_key("Hernández") == spanish_key("Ernandes") == "ARNNDS"`. The key is used for name
search (see `salvaguarda.people.search`): names that sound alike in Latin-American Spanish get
the same key, so that spelling variants and most vowel typos still match. It also covers
Central-American, Haitian and other names as a Spanish speaker would spell them by ear.

Rules, applied left to right on the folded text (lower case, no accents: "ñ" is "n"):
- Letters other than a-z (digits, spaces) are ignored.
- b, v -> B.
- s, z, x, c before e/i -> S ("Cecilia" = "Sesilia", "González" = "Gonsales").
- c before anything else, k, q -> K; "qu" is K (the u is silent).
- g before e/i, j -> J ("Geovany" = "Jeovany"); "gu" before e/i is G (silent u).
- ch and sh -> C ("Shirley" = "Chirley"); but ch before a consonant is K ("Christian").
- ll -> Y, and y before a vowel -> Y ("Castillo" = "Castiyo", "Yesenia" = "Llesenia").
  An i between two vowels is Y too ("Maia" = "Maya").
- y not before a vowel and w are vowels ("Mayra" = "Maira", "Edwin" = "Eduin").
- h is silent ("Héctor" = "Éctor", "Jhonatan" = "Jonathan"), except in ch, sh and ph.
- ph -> F.
- Each other consonant is its own code: D F L M N P R T.
- Repeated codes collapse to one ("Marttinez" = "Martinez", "rr" = "r"); codes separated by a
  vowel do not ("Hernández" keeps both n).
- Vowels are then dropped, so vowel typos do not matter; a name that starts with a vowel
  (or silent h + vowel) keeps one generic vowel marker "A" in front ("Ana" -> "AN").
- A final s or z is kept (it is part of many surnames: "Cortés", "Ruiz").

The alphabet of a key is `ALPHABET`; "A" only ever appears as the first character.
"""

from salvaguarda.lib.normalize import fold_text

VOWEL_MARKER = "A"
CONSONANTS = "BCDFGJKLMNPRSTY"
ALPHABET = VOWEL_MARKER + CONSONANTS

_VOWELS = frozenset("aeiou")
_FRONT = frozenset("ei")
_SIMPLE = {
    "b": "B",
    "v": "B",
    "d": "D",
    "f": "F",
    "j": "J",
    "k": "K",
    "l": "L",
    "m": "M",
    "n": "N",
    "p": "P",
    "r": "R",
    "s": "S",
    "t": "T",
    "x": "S",
    "z": "S",
}
_V = "V"  # a vowel while the codes are built; removed at the end


def _codes(word: str) -> list[str]:
    """The sound codes of a word of letters a-z, vowels included as `_V`."""
    codes: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        after = word[i + 1] if i + 1 < n else ""
        then = word[i + 2] if i + 2 < n else ""
        step = 1
        if ch in _VOWELS:
            before = word[i - 1] if i > 0 else ""
            code = "Y" if ch == "i" and before in _VOWELS and after in _VOWELS else _V
        elif ch == "y":
            code = "Y" if after in _VOWELS else _V
        elif ch == "w":
            code = _V
        elif ch == "h":
            code = ""
        elif ch == "c":
            if after == "h" and then and then not in _VOWELS:
                code, step = "K", 2  # "Christian" = "Cristian"
            elif after == "h":
                code, step = "C", 2
            else:
                code = "S" if after in _FRONT else "K"
        elif ch == "s" and after == "h":
            code, step = "C", 2
        elif ch == "p" and after == "h":
            code, step = "F", 2
        elif ch == "q":
            code, step = "K", 2 if after == "u" else 1
        elif ch == "g":
            if after in _FRONT:
                code = "J"
            elif after == "u" and then in _FRONT:
                code, step = "G", 2
            else:
                code = "G"
        elif ch == "l" and after == "l":
            code, step = "Y", 2
        else:
            code = _SIMPLE.get(ch, "")
        if code and (not codes or codes[-1] != code):
            codes.append(code)
        i += step
    return codes


def spanish_key(token: str) -> str:
    """The phonetic key of one name token ("" when it has no letters)."""
    word = "".join(ch for ch in fold_text(token) if "a" <= ch <= "z")
    codes = _codes(word)
    if not codes:
        return ""
    head = VOWEL_MARKER if codes[0] == _V else ""
    return head + "".join(code for code in codes if code != _V)


def edit_variants(key: str) -> set[str]:
    """Every valid key at edit distance 1 from `key` (deletion, substitution, insertion,
    transposition of adjacent codes), not `key` itself. "A" stays first-only."""
    found: set[str] = set()
    n = len(key)
    for i in range(n):
        found.add(key[:i] + key[i + 1 :])
        for code in ALPHABET:
            found.add(key[:i] + code + key[i + 1 :])
        if i + 1 < n:
            found.add(key[:i] + key[i + 1] + key[i] + key[i + 2 :])
    for i in range(n + 1):
        for code in ALPHABET:
            found.add(key[:i] + code + key[i:])
    found.discard(key)
    found.discard("")
    return {k for k in found if VOWEL_MARKER not in k[1:]}
