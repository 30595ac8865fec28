"""Numbers written with words, in Spanish, English, Portuguese and French: "45 mil",
"cuarenta y cinco mil", "$1.5 millones", "1,5 milhão", "two thousand", "vingt-sept mille".

``spelled(text)`` gives each one's span and value, so that "45,000", "45 000", "45.000",
"45 mil" and "cuarenta y cinco mil" read as the same number (see ``alignment.anchors``).
Figures in digits alone are read there; only those followed by a multiplier word are here.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# value: the words for it in es, en, pt and fr (folded: no accents).
_UNITS_DATA = """
0 cero zero
1 un uno una one um uma
2 dos two dois duas deux
3 tres three trois
4 cuatro four quatro quatre
5 cinco five cinq
6 seis six
7 siete seven sete sept
8 ocho eight oito huit
9 nueve nine nove neuf
10 diez ten dez dix
11 once eleven onze
12 doce twelve doze douze
13 trece thirteen treze treize
14 catorce fourteen quatorze catorze
15 quince fifteen quinze
16 dieciseis sixteen dezesseis seize
17 diecisiete seventeen dezessete
18 dieciocho eighteen dezoito
19 diecinueve nineteen dezenove
20 veinte twenty vinte vingt
21 veintiun veintiuno veintiuna
22 veintidos
23 veintitres
24 veinticuatro
25 veinticinco
26 veintiseis
27 veintisiete
28 veintiocho
29 veintinueve
30 treinta thirty trinta trente
40 cuarenta forty quarenta quarante
50 cincuenta fifty cinquenta cinquante
60 sesenta sixty sessenta soixante
70 setenta seventy
80 ochenta eighty oitenta
90 noventa ninety
100 cien ciento cem cento cent cents
200 doscientos doscientas duzentos duzentas
300 trescientos trescientas trezentos
400 cuatrocientos cuatrocientas quatrocentos
500 quinientos quinientas quinhentos
600 seiscientos seiscientas seiscentos
700 setecientos setecientas setecentos
800 ochocientos ochocientas oitocentos
900 novecientos novecientas novecentos
"""
_UNITS = {
    word: int(value)
    for value, *words in (line.split() for line in _UNITS_DATA.strip().splitlines())
    for word in words
}
_HUNDRED = {"hundred", "cent", "cents"}
_THOUSAND = {"mil", "thousand", "mille", "milhares"}
_MILLION = {
    "millon",
    "millones",
    "million",
    "millions",
    "milhao",
    "milhoes",
    "mdp",
}
_BILLION = {"billion", "billions"}  # the English billion: a thousand million
_JOIN = {"y", "and", "e", "et", "-"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORD = re.compile(r"[^\W\d_]+|-", re.UNICODE)
# A figure in digits followed by a multiplier: "45 mil", "$1.5 millones", "1,5 milhão".
_DIGITS_TIMES = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)\s+(mil|thousand|mille|millones|millón|millon|million|"
    r"millions|milhão|milhões|milhao|milhoes|billion|billions)(?!\w)",
    re.IGNORECASE,
)


def _multiplier(word: str) -> int:
    folded = _fold(word)
    if folded in _THOUSAND:
        return 1000
    if folded in _MILLION:
        return 1_000_000
    if folded in _BILLION:
        return 1_000_000_000
    return 0


def spelled(text: str) -> list[tuple[int, int, str]]:
    """(start, end, value as digits) of each number written with words in `text`."""
    out: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _DIGITS_TIMES.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue  # the remainder of the number before it ("2 millones 300 mil")
        digits = m.group(1).replace(",", ".")
        try:
            value = Decimal(digits) * _multiplier(m.group(2))
        except InvalidOperation:
            continue
        rest, end = _remainder(text, m.end(), _multiplier(m.group(2)))
        out.append((m.start(), end, _digits(value + rest)))
        taken.append((m.start(), end))
    words = [w for w in _WORD.finditer(text) if not any(a <= w.start() < b for a, b in taken)]
    i = 0
    while i < len(words):
        if (
            i
            and _fold(words[i - 1].group()) in ("por", "pour", "per")
            and _fold(words[i].group()) in ("ciento", "cento", "cent", "cents")
        ):
            i += 1  # "18 por ciento", "per cent": a percentage, read with its figure
            continue  # ("por doce meses" is twelve months)
        number, end, j = _read(words, i, text)
        if j > i and number is not None and (j - i > 1 or number >= 11):
            out.append((words[i].start(), end, str(number)))
            i = j
        else:
            i += 1
    return sorted(out)


def _remainder(text: str, at: int, times: int) -> tuple[int, int]:
    """What goes on a number written with a multiplier right after it (value, end): "12 mil
    500" and "12 mil quinientos" are 12,500, "2 millones 300 mil" is 2,300,000. Only a smaller
    part counts; anything else (a comma between, a year) ends the number at `at`."""
    after = _DIGITS_TIMES.match(text, at + len(text[at:]) - len(text[at:].lstrip(" ")))
    if after and text[at : after.start()] == " " and (times_after := _multiplier(after[2])) < times:
        try:
            value = Decimal(after[1].replace(",", ".")) * times_after
        except InvalidOperation:
            return 0, at
        if value == value.to_integral_value() and value < times:
            rest, end = _remainder(text, after.end(), times_after)
            return int(value) + rest, end
        return 0, at
    digits = re.match(r" (\d{1,3})(?![\w%]|[.,:/]\d| ?%)", text[at:])
    if digits and int(digits[1]) < times:
        return int(digits[1]), at + digits.end()
    words = list(_WORD.finditer(text, at))
    if words and text[at : words[0].start()] == " ":
        number, end, j = _read(words, 0, text)
        if j and number is not None and 0 < number < min(times, 1000):
            return number, end
    return 0, at


def _read(words: list[re.Match[str]], i: int, text: str) -> tuple[int | None, int, int]:
    """A number spelled from words[i]: (value, end of its text, index after it)."""
    total, current, j, end, seen = 0, 0, i, 0, False
    while j < len(words):
        word = _fold(words[j].group())
        gap = text[words[j - 1].end() : words[j].start()] if j > i else ""
        if j > i and gap.strip(" -"):
            break  # punctuation between words ends the number
        if word in _UNITS and not (word == "un" and not seen and _next_is_noun(words, j)):
            current += _UNITS[word]
        elif word in _HUNDRED and seen:
            current = max(current, 1) * 100
        elif (times := _multiplier(word)) and seen:
            total += max(current, 1) * times
            current = 0
        elif word in _JOIN and seen and j + 1 < len(words):
            nxt = _fold(words[j + 1].group())
            tens = current % 100
            if nxt not in _UNITS or not (tens in range(20, 100, 10) and _UNITS[nxt] < 10):
                break  # "cuarenta y cinco", "vingt-sept": tens and a unit only

            j += 1
            continue
        else:
            break
        seen = True
        end = words[j].end()
        j += 1
    if not seen:
        return None, 0, i
    return total + current, end, j


def _next_is_noun(words: list[re.Match[str]], j: int) -> bool:
    """ "un informe": the article, not the number one."""
    return j + 1 < len(words) and _fold(words[j + 1].group()) not in _UNITS | {
        w: 0 for w in _THOUSAND | _MILLION
    }


def _digits(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
