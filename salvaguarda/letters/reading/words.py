"""The words a letter's structure is recognized by, in Spanish, English, Portuguese and French:
signatory and individual headings (by meaning, whatever the wording), the words that open a
coalition's member list, and the words organizations' names start with."""

import re
import unicodedata


def fold(text: str) -> str:
    """Lower case without accents or dots, for comparing words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Inclusive writing joins endings with a middle dot: "défenseur·e·s" is "défenseures".
    return re.sub(r"[.·⋅•]", "", kept).strip()


def _words(text: str) -> frozenset[str]:
    return frozenset(fold(w) for w in text.split())


# Words that say "these sign": any one of them makes a short line a heading.
SIGNING = _words(
    "firmantes firmante firman firmamos suscriben suscriptoras suscriptores adherentes adhesiones "
    "signatories signatory signatures signers undersigned signed signing endorsers endorsing "
    "endorsed co-signers cosigners signataires signataire signent signé signés "
    "signatárias signatários signatarias signatarios signatária signatário assinam assinantes "
    "suman sumamos adherimos firma firmó firmo firmaron "
    "assinaturas firmas adhieren endorsements adhesions adhésions adesões adhesión "
    # Who petitions: "Organizaciones peticionarias", "Petitioning organizations".
    "peticionarias peticionarios peticionárias peticionários petitioners petitioning "
    "pétitionnaires petitionnaires requerentes requérantes "
    # Who supports the letter: "Apoiam esta carta:", "Apoyan:", "Soutiennent cette lettre".
    "apoiam apoyan respaldan respaldam soutiennent endossam"
)
# Words that name who signs: a line made only of these (and the filler below) is a heading.
WHO = _words(
    "organizaciones organizations organisations organizações organizacoes organismes organismos "
    "clínicas clinicas clinics cliniques "
    "redes networks "
    "réseaux reseaux colectivos collectives collectifs coletivos coaliciones coalitions coalizões "
    "entidades entités entities instituciones institutions instituições alianzas alliances "
    "personas people persons pessoas personnes individuos individuals individual individuales "
    "individuels individuelles individuais defensoras defensores defenders défenseures "
    "défenseurs defensoras académicas académicos academics activistas activists ativistas "
    "militantes miembros members membres membros comités comites committees personalidades "
    "personnalités personnalites personalities personalidades articulaciones articulações "
    "articulations plataformas platforms plateformes colectivas asociaciones associations "
    "associações grupos groups groupes albergues shelters refugios abrigos iglesias churches "
    "églises igrejas congregaciones comunidades communities communautés madres padres "
    "familiares mothers relatives families familias mães mères familles "
    # Adjectives that say who signs: "ORGANIZATIONAL SIGNERS", "Firmas institucionales".
    "organizational organisational institutional institucionales institucionais "
    "institutionnelles institutionnels organizacionales organizacionais"
)
# Words that, among WHO, say the heading is of individuals.
PEOPLE = _words(
    "personas people persons pessoas personnes individuos individuals individual individuales "
    "individuels individuelles individuais defensoras defensores defenders défenseures "
    "défenseurs académicas académicos academics activistas activists ativistas militantes "
    "personal pessoal personnel personally individuel individuelle individualmente "
    "individually individuellement personalidades personnalités personnalites personalities "
    "físicas fisicas naturales physiques madres padres familiares mothers relatives mães mères "
    # Who signs by trade: "Faculty and practitioners", "Profesionales y académicos".
    "faculty practitioners scholars profesionales profissionais professionnels staff "
    "abogadas abogados lawyers attorneys advogadas advogados avocates avocats "
    # Clergy signing in their own name: "Obispos, religiosas, religiosos y personas…".
    "obispos bishops bispos évêques religiosas religiosos religious religiosas religieuses "
    "religieux sacerdotes priests "
    # Reporters signing in their own name: "Periodistas firmantes (a título personal)".
    "periodistas journalists jornalistas journalistes reporteras reporteros reporters "
    "fotoperiodistas photojournalists comunicadoras comunicadores "
    # Leaders signing in their own name: "Líderes religiosos a título personal", "Faith leaders".
    "líderes lideres leaders lideranças liderancas dirigentes dirigeants responsables "
    # Spokespeople: "Porte-parole et personnes signataires", "Voceros y personas firmantes".
    "porte-parole porte-paroles portavoces portavoz voceros voceras vocero vocera voceiros "
    "porta-vozes spokespersons spokespeople"
)
# Words a heading may carry around those (articles, "civil society", "human rights"...).
FILLER = _words(
    "las los la el de del y e o a en por con les le et des du à au aux the of and or in by as "
    "our nuestras nuestros nossas nossos nos as os da do das dos sociedad civil society civile "
    "société sociedade derechos humanos human rights direitos humanos droits l'homme humains "
    "título titulo titre capacity capacidad calidad qualité qualidade own propio propia "
    "following siguientes suivantes seguintes abajo below ci-dessous abaixo "
    "lista list liste and/or y/o also también aussi também adicionales additional "
    "internacionales international internationales internacionais nacionales national "
    "nationales nacionais regionales regional mexicanas mexicanos latinoamericanas "
    "latin american their sus leurs suas seus names nombres noms nomes that que qui "
    "this esta esta cette este carta letter lettre support apoyan apoiam soutiennent "
    "who quienes sign individually individualmente individuellement acompañantes "
    "acompañan se "
    # "Iglesias y organizaciones basadas en la fe", "Faith-based organizations", "de fé".
    "basadas basados based faith-based fe faith fé foi confessionnelles "
    # "Ont également signé à titre individuel", "Han firmado igualmente", "Have also signed".
    "ont également egalement igualmente han have têm"
)

ORGANIZATION_STARTS = _words(
    "casa centro red clínica clinica comité comite albergue programa fundación fundacion "
    "colectivo asociación asociacion instituto iniciativa servicio observatorio refugio "
    "coalición coalicion alianza consejo frente movimiento proyecto project center centre "
    "comedor hogar misión mision pastoral unión union federación federacion oficina "
    "universidad university université universidade asylum human border kids al otro "
    "abogadas abogados mujeres familias jóvenes sin sociedad the la el los las fundação "
    "associação instituto rede coletivo comissão conselho collectif réseau association "
    "maison comité cimade amnistía amnesty catholic church iglesia parroquia diócesis "
    "hermanas hermanos médicos doctors physicians lawyers women kino hope refugee "
    "refugees migrant migrantes immigrant núcleo nucleo escuela escola école asamblea "
    "assembleia assemblée mexican american national southern northern texas arizona "
    "california defensores defensoría defensoria comisión comision comissão commission "
    "cooperativa cooperative sindicato union syndicat grupo group groupe agrupación "
    "agrupacion voces voices vozes voix mesa foro fórum forum coordinadora coordination "
    "coordenação colectiva pastoral ministerio ministry ministério consultorio bufete "
    "despacho legal clinic alianza alliance red rede network réseau coalición coalition "
    "colectivo collective coletivo collectif frente front plataforma platform plateforme "
    "articulación articulação movimiento movement movimento mouvement federación federation "
    "federação fédération consejo council conselho conseil "
    # Shelters, parishes and religious or mutual-aid bodies, as such names start.
    "posada estancia dormitorio santuario capilla vicaría vicaria cáritas caritas "
    "hermandad fraternidad fraternidade fraternité congregación congregação congrégation "
    "patronato cofradía abrigo acolhida pastorale paróquia paroisse parish diocese "
    "sociedad sociedade société society ligue liga league missão missao mission missões "
    # Bar associations: "Colegio de Abogados…", "Barra de Abogadas…", "Ordem dos Advogados".
    "colegio colégio barra ordem ordre "
    # French and Portuguese foundations and projects: "Fondation X", "Projet Y", "Projeto Z".
    "fondation projet projeto"
)

# "integrada por", "made up of", "composée de": the words that open a member list.
OPENERS = (
    r"(?:(?:que\s+)?(?:est[aá]\s+)?(?:integrad[oa]s?|conformad[oa]s?|formad[oa]s?|"
    r"compuest[oa]s?|constituid[oa]s?)\s+por|"
    r"(?:which\s+is\s+|that\s+is\s+)?(?:made\s+up\s+of|composed\s+of|formed\s+by|comprising|"
    r"including|whose\s+members\s+are|with\s+members)|"
    r"(?:integrad[oa]|formad[oa]|compost[oa]|constituíd[oa])\s+(?:por|pel[oa]s?)|"
    r"(?:compos[ée]e?s?|form[ée]e?s?|constitu[ée]e?s?)\s+(?:de|par|des)|"
    r"(?:que\s+)?(?:agrupa|re[uú]ne|congrega|articula)\s+a|qui\s+(?:regroupe|r[ée]unit)|"
    r"regroupant|r[ée]unissant|representing|bringing\s+together|which\s+brings\s+together|"
    r"que\s+(?:agrupa|re[uú]ne)|on\s+behalf\s+of\s+(?:its|our|their)\s+members|"
    r"en\s+nombre\s+de\s+(?:sus|nuestras|nuestros)\s+(?:miembros|integrantes|organizaciones)|"
    r"em\s+nome\s+de\s+(?:seus|suas)\s+(?:membros|integrantes)|"
    r"au\s+nom\s+de\s+(?:ses|leurs|nos)\s+membres|"
    # A label for the list: "— member organizations:", "organizaciones integrantes:",
    # "organisations membres :", or after a dash only a bare "— organizaciones:".
    r"(?:member\s+(?:organi[sz]ations|groups|entities|associations)|"
    r"organi[sz]a(?:ciones|tions|ções|coes)\s+(?:integrantes|miembros?|members?|membres|membros)|"
    r"organisations\s+membres|entidades\s+(?:integrantes|miembros?|membros)|"
    r"(?<=[–—-])\s*(?:organizaciones|organi[sz]ations|organizações|entidades|groups)(?=\s*:))|"
    r"(?:miembros|members|membres|membros|integrantes))"
)
# At the end of an entry's line (the members follow on the next lines)...
# The opener may name the members before its colon: "integrada por las clínicas de:", "made
# up of the following groups:", "composée des associations suivantes :".
_NAMED = (
    r"(?:\s+(?:las|los|el|la|the|les|des|as|os|sus|its|their|nuestras|nuestros|estas|these|ces|"
    r"seguintes|siguientes|following)\s[^:;,()\d]{0,40}?\s*:|\s*:?)"
)
MEMBERS_OPEN = re.compile(r"(?:[,\s–—-]+|^)" + OPENERS + _NAMED + r"\s*$", re.IGNORECASE)
# ...or inside it, the members after it.
MEMBERS_INLINE = re.compile(r"[,\s–—-]+" + OPENERS + _NAMED + r"\s+", re.IGNORECASE)
COALITION_WORDS = frozenset(
    "red redes coalición coalicion coalition alianza alliance aliança colectivo colectiva "
    "collectif coletivo frente plataforma platform plateforme articulación articulacion "
    "mesa foro fórum forum movimiento movement mouvement federación federacion federation "
    "consejo council network rede réseau reseau asamblea assembly".split()
)


_KNOWN = SIGNING | WHO | FILLER | PEOPLE


def heading_kind(text: str) -> str:
    """ "organization" or "individual" when `text` (a line without Markdown marks) is a
    signatory heading by what it means, whatever its wording and language; else "".

    A heading is short and made of the words above: who signs (organizations, networks,
    people, defenders...) and that they sign (firmantes, signatories, assinam...), with
    articles and "civil society"-like words around; or it starts with who signs and says
    that they sign ("Personas defensoras que solicitan la medida y firman"). A note in
    parentheses is left out."""
    text = re.sub(r"\([^)]*\)", " ", text).strip()
    words = _heading_words(text)
    if not words or len(words) > 14 or len(text) > 110 or re.search(r"[.!?]$", text):
        return ""
    signing = [w for w in words if w in SIGNING]
    who = [w for w in words if w in WHO or w in PEOPLE]
    other = [w for w in words if w not in _KNOWN]
    opens = next((w for w in words if w not in FILLER), "") in WHO | PEOPLE
    # "Adhesiones recibidas después de la difusión": a short line that opens with the
    # signatures themselves, whatever it says of them.
    late = words[0] in SIGNING and len(words) <= 7
    if not (signing or who) or (other and not ((opens and signing and len(words) <= 10) or late)):
        return ""
    first = next((w for w in words if w in WHO), "")
    people = first in PEOPLE if first else any(w in PEOPLE | {"titulo", "titre"} for w in words)
    return "individual" if people else "organization"


def _heading_words(text: str) -> list[str]:
    words = [fold(w.strip('*_:,;()[]"“”')) for w in text.split()]
    return [w for w in words if w]


def plain_heading(text: str) -> bool:
    """A heading made only of the words above ("Las organizaciones firmantes", "Signataires à
    titre individuel"), a note in parentheses left out: it says nothing but who signs. A line
    with any other word ("Las organizaciones firmantes le pedimos…") may be a sentence."""
    text = re.sub(r"\([^)]*\)", " ", text).strip()
    words = _heading_words(text)
    return bool(heading_kind(text)) and all(w in _KNOWN for w in words)


# The courtesy sentences that close a letter before (or as) its formula, in the four languages:
# "Sin otro particular, le enviamos un cordial saludo.", "Agradecemos su atención.", "Thank you
# for your attention to this matter.", "Sem mais para o momento.", "Veuillez agréer…". A request
# ("Nous vous prions de bien vouloir adresser…", "Agradecemos que el INM…") is not one.
_COURTESY = re.compile(
    r"^(?:sin\s+(?:otro\s+particular|m[aá]s\s+(?:por\s+el\s+momento|por\s+ahora|que\s+agregar))|"
    r"agradec(?:emos|iendo|eremos)\s+(?:de\s+antemano\s+|anticipadamente\s+|desde\s+ya\s+|"
    r"mucho\s+)?(?:su|sus|la|vuestra)\s+(?:atenci[oó]n|amable|atenta|valiosa|pronta|"
    r"consideraci[oó]n|tiempo)|"
    r"quedamos\s+(?:atent[oa]s|a\s+la\s+espera|en\s+espera|pendientes|a\s+sus?\s+"
    r"(?:[oó]rdenes|disposici[oó]n))|en\s+espera\s+de\s+su|"
    r"reciba(?:n)?,?\s+(?:[^.]{0,60}\s)?(?:un\s+(?:cordial\s+)?saludo|saludos|las\s+muestras|"
    r"nuestr[oa]s?\s+(?:m[aá]s\s+)?(?:atent|cordial|distinguid|alta))|"
    r"les?\s+(?:reiteramos|enviamos\s+un)|aprovechamos\s+(?:la|esta)\s+(?:ocasi[oó]n|oportunidad)|"
    r"thank(?:s|\s+you|ing\s+you)\s+(?:(?:very\s+much|in\s+advance)\s+)?for\s+(?:your|considering|"
    r"taking)|we\s+(?:look\s+forward\s+to|await|thank\s+you|appreciate\s+your|remain\s+at)|"
    r"please\s+accept|"
    r"sem\s+mais(?:\s+para\s+o\s+momento)?|(?:desde\s+j[aá]\s+)?agradecemos\s+(?:desde\s+j[aá]\s+|"
    r"antecipadamente\s+)?(?:a\s+|pela\s+)?(?:sua|vossa|aten[cç][aã]o)|no\s+aguardo|"
    r"aguardamos\s+(?:a\s+|sua\s+|vossa\s+|um\s+)?(?:resposta|retorno|manifesta[cç][aã]o)|"
    r"colocamo-nos\s+[àa]\s+disposi[cç][aã]o|reiteramos\s+(?:nossos|os)\s+(?:votos|protestos)|"
    r"dans\s+l['’]attente|nous\s+vous\s+remercions|veuillez\s+(?:agr[ée]er|recevoir)|"
    r"en\s+vous\s+remerciant|(?:nous\s+)?rest(?:ant|ons)\s+[àa]\s+votre\s+disposition|"
    r"(?:nous\s+vous|je\s+vous)\s+prions\s+d['’]\s*(?:agr[ée]er|croire|recevoir)|"
    r"(?:nous\s+vous|je\s+vous)\s+prions\s+de\s+(?:bien\s+vouloir\s+agr[ée]er|croire|recevoir))",
    re.IGNORECASE,
)


def courtesy(paragraph: str) -> bool:
    """A paragraph made only of courtesy sentences (see above), forty words at most: part of
    the letter's closing, not of its body."""
    text = re.sub(r"[*_]", "", " ".join(paragraph.split()))
    if not text or len(text.split()) > 40:
        return False
    parts = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý¡¿])", text) if s.strip()]
    return all(_COURTESY.match(s.lstrip('¡¿"“«( ')) for s in parts)


# The closing formula of a letter, alone on its line: "Atentamente", "Sincerely", "Cordialement".
CLOSING = re.compile(
    r"^[*_]*(?:muy\s+atentamente|a\s*t\s*e\s*n\s*t\s*a\s*m\s*e\s*n\s*t\s*e|"
    r"un\s+saludo\s+cordial|saludos(?:\s+cordiales)?|con\s+respeto|respetuosamente|"
    r"sinceramente|cordialmente|fraternalmente|solidariamente|en\s+solidaridad|"
    r"sincerely(?: yours)?|yours sincerely|yours faithfully|respectfully(?: yours)?|"
    r"kind regards|best regards|in solidarity|atenciosamente|respeitosamente|"
    r"cordialement|bien cordialement|respectueusement|fraternellement|solidairement|"
    # Faith groups' and Central American closings: "In faith,", "En Cristo,", "Deferentemente,".
    r"in\s+faith|in\s+christ|in\s+peace|in\s+hope|with\s+gratitude|blessings|fraternally|"
    r"en\s+la\s+fe|en\s+cristo|en\s+paz|em\s+cristo|na\s+f[ée]|deferentemente|"
    r"dans\s+la\s+foi|en\s+christ|fraternit[ée]|paz\s+y\s+bien)"
    r"[\s.,;:!*_]*$",
    re.IGNORECASE,
)
