"""Free text read as the record's codes: countries, legal bases, Art. 9 conditions, transfer
mechanisms, retention periods, dates and yes/no, in English, Swedish, Finnish and French.

Each reader returns what it recognised and what it did not; nothing here guesses a value a
text does not state. Country names are CLDR's (through Babel) in the four languages, with
ISO codes and the common short forms ("USA", "UK", "EU/EEA"); the terms of legal bases,
conditions and mechanisms are the GDPR's in each language, and ropa's own wording from its
catalogs (so a ropa workbook's sheets read back).
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass

from ropa import countries as country_data

LANGUAGES = ("en", "sv", "fi", "fr")


def fold(text: str) -> str:
    """Text compared without case, accents, punctuation or extra spaces: "Åland-öarna" and
    "aland oarna" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


def split_items(text: str) -> list[str]:
    """A cell's list: one item a line (bullets and numbering dropped), or separated by
    semicolons. Commas are kept: "Name, address and phone" is one item."""
    items = []
    for line in re.split(r"[\n;]", text):
        item = re.sub(r"^\s*(?:[-*•·▪–—]|\d{1,2}[.)])\s+", "", line).strip()
        if item:
            items.append(item)
    return items


# --- countries --------------------------------------------------------------------------

# Short forms people write that CLDR does not name.
COUNTRY_WORDS = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u k": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "eu": "EU", "european union": "EU", "eea": "EEA", "ees": "EEA",
    "eta": "EEA", "ee": "EEA", "eee": "EEA", "eu eea": "EEA", "eu ees": "EEA", "eu eta": "EEA",
    "eu ee": "EEA", "ue": "EU", "eu eta alue": "EEA", "eta alue": "EEA", "ees omradet": "EEA",
    "espace economique europeen": "EEA", "european economic area": "EEA",
    "europeiska ekonomiska samarbetsomradet": "EEA", "euroopan talousalue": "EEA",
    "suomi": "FI", "sverige": "SE", "ruotsi": "SE", "norge": "NO",
    "forenta staterna": "US", "amerikas forenta stater": "US",
    "etats unis d amerique": "US",
}  # fmt: skip


@functools.cache
def _country_names() -> dict[str, str]:
    from babel import Locale

    data = country_data.load()
    names: dict[str, str] = {}
    for code, name in data.names.items():
        names.setdefault(fold(name), code)
        names.setdefault(fold(code), code)
    for lang in LANGUAGES:
        territories = Locale.parse(lang).territories
        for code in data.names:
            if code in territories:
                names.setdefault(fold(territories[code]), code)
    for alias, code in data.aliases.items():
        names.setdefault(fold(alias), data.canonical(code) or code)
    for region in data.regions:
        names.setdefault(fold(region), region)
    names.update(COUNTRY_WORDS)
    return names


@dataclass(frozen=True)
class Countries:
    """What a text says of places: the codes recognised, the parts not recognised, and the
    words in brackets left out to recognise a part ("Sverige (servrar i Stockholm)")."""

    codes: list[str]
    unknown: list[str]
    left_out: list[str]


# Separators of a list of places, outside brackets.
_PLACES = re.compile(r"(?:[/,;&+\n]|\s(?:and|och|ja|et|sekä)\s)(?![^()]*\))")


def countries(text: str) -> Countries:
    """The places in a text such as "EU/USA/Australia", "Sverige och Norge", "US, JP" or
    "EU (Frankfurt)": parts split at / , ; & + line breaks and the words and/och/ja/et,
    outside brackets."""
    names = _country_names()
    found = Countries([], [], [])
    parts = [text] if names.get(fold(text)) else _PLACES.split(text)
    for part in parts:
        part = part.strip(" .")
        if not part:
            continue
        code = names.get(fold(part))
        if code is None:
            bare = re.sub(r"\s*\([^()]*\)", "", part).strip(" .")
            code = names.get(fold(bare)) if bare and bare != part else None
            if code is not None:
                found.left_out.extend(re.findall(r"\(([^()]*)\)", part))
        if code is None:
            found.unknown.append(part)
        elif code not in found.codes:
            found.codes.append(code)
    return found


# --- legal bases, conditions, mechanisms -------------------------------------------------


@dataclass(frozen=True)
class Term:
    code: str
    pattern: re.Pattern[str]


def _terms(table: list[tuple[str, str]], labels: dict[str, list[str]]) -> list[Term]:
    """Patterns matched on folded text: the table's, then ropa's own labels."""
    found = [Term(code, re.compile(pattern)) for code, pattern in table]
    for code, words in labels.items():
        for word in words:
            folded = fold(word)
            if folded:
                found.append(Term(code, re.compile(r"\b" + re.escape(folded) + r"\b")))
    return found


def _labels(method: str, codes: tuple[str, ...]) -> dict[str, list[str]]:
    """ropa's own words for `codes` in every shipped language (`Wording.<method>`)."""
    from ropa import i18n
    from ropa.notice.wording import Wording
    from ropa.record import Record

    found: dict[str, list[str]] = {code: [] for code in codes}
    for lang in i18n.available_languages():
        view = Wording(Record([]), country_data.load(), lang)
        for code in codes:
            found[code].append(getattr(view, method)(code))
    return found


# Art. 6(1) points, as articles are written: 6(1)(f), 6.1.f, 6 1 f, art 6 1 f.
_ARTICLE6 = re.compile(r"\b6\s*1\s*([a-f])\b")
_POINT_BASIS = dict(zip("abcdef", ("consent", "contract", "legal_obligation",
                                   "vital_interests", "public_task", "legitimate_interests"),
                        strict=True))  # fmt: skip

BASIS_TERMS: list[tuple[str, str]] = [
    ("legitimate_interests", r"legitimate interest|berattigat intresse|berattigade intresse"
     r"|oikeutettu etu|oikeutettuje?n? etu|interet legitime|interets legitimes"),
    ("consent", r"\bconsent|samtycke|suostumu|consentement"),
    ("contract", r"\bcontract|\bavtal|sopimu|\bcontrat|pre contractual|forhandsavtal"),
    ("legal_obligation", r"legal obligation|statutory obligation|rattslig forpliktelse"
     r"|lakisaateinen velvoite|lakisaateise|obligation legale|rattsliga forpliktelse"),
    ("vital_interests", r"vital interest|grundlaggande betydelse|grundlaggande intresse"
     r"|elintarke|interets vitaux|interet vital"),
    ("public_task", r"public task|public interest|official authority|allmant intresse"
     r"|myndighetsutovning|yleinen etu|yleista etua|julkisen vallan|interet public"
     r"|mission d interet public|autorite publique"),
]  # fmt: skip


@functools.cache
def _basis_terms() -> list[Term]:
    from ropa.notice.wording import BASES

    return _terms(BASIS_TERMS, _labels("basis_label", BASES))


# Words that say nothing beyond the basis they go with ("Art. 6(1)(f) GDPR", "Exécution
# d'un contrat", "Sauvegarde des intérêts vitaux"): articles, the Regulation's names, and
# the words Art. 6's points are written with.
_FILLER = re.compile(
    r"\b(?:art|article|artikel|artikla|artiklan|gdpr|dsgvo|rgpd|dataskyddsforordningen"
    r"|tietosuoja asetus|tietosuoja asetuksen|eu|the|and|och|ja|et|or|eller|tai|ou|of|de|la"
    r"|le|du|des|un|une|l|a|b|c|d|e|f|1|6|kohta|punkt|point|para|paragraph|basis|grund"
    r"|peruste|lawful|legal|laglig|rattslig|base|legale|juridique|execution|performance"
    r"|necessary|necessity|necessaire|nodvandig|tarpeen|compliance|comply|respect|fullgora"
    r"|uppfylla|noudattaminen|noudattamiseksi|protection|protect|safeguard|sauvegarde|skydd"
    r"|skydda|suojaaminen|suojaamiseksi|task|mission|tache|uppgift|tehtava|for|to|att|av"
    r"|with|an|in|en|i|pour|par|som|carried|out|its|our|var|notre|vos|your)\b"
)


def legal_bases(text: str) -> list[str]:
    """The Art. 6(1) bases a text names, in the order it names them."""
    return _bases(text)[0]


def basis_rest(text: str) -> str:
    """What a legal-basis text says beyond the bases it names ("patientdatalagen 2008 355"
    of "Art. 6(1)(c) – Patientdatalagen (2008:355)"), folded; "" when nothing."""
    return _bases(text)[1]


def _bases(text: str) -> tuple[list[str], str]:
    folded = fold(text)
    hits: list[tuple[int, int, str]] = [
        (m.start(), m.end(), _POINT_BASIS[m.group(1)]) for m in _ARTICLE6.finditer(folded)
    ]
    for term in _basis_terms():
        for match in term.pattern.finditer(folded):
            hits.append((match.start(), match.end(), term.code))
    found: list[str] = []
    rest = list(folded)
    for start, end, code in sorted(hits):
        if code not in found:
            found.append(code)
        while end < len(folded) and folded[end].isalnum():  # "consent" of "consentement"
            end += 1
        rest[start:end] = " " * (end - start)
    left = "".join(rest) if found else folded
    left = _FILLER.sub(" ", re.sub(r"\b\w*(?:intresse|interest|etu|interet)\w*\b", " ", left))
    return found, " ".join(left.split())


_ARTICLE9 = ARTICLE9 = re.compile(r"\b9\s*2\s*([a-j])\b")
_POINT_CONDITION = dict(zip("abcdefghij", (
    "explicit_consent", "employment_social_security", "vital_interests_incapable",
    "not_for_profit_body", "made_public_by_subject", "legal_claims",
    "substantial_public_interest", "health_social_care", "public_health",
    "archiving_research_statistics"), strict=True))  # fmt: skip
CONDITION_TERMS: list[tuple[str, str]] = [
    ("explicit_consent", r"explicit consent|uttryckligt samtycke|nimenomai\w* suostumu"
     r"|consentement explicite"),
    ("employment_social_security", r"employment|social security|social protection"
     r"|arbetsratt|social trygghet|socialt skydd|tyooikeu|sosiaaliturva|droit du travail"
     r"|securite sociale"),
    ("vital_interests_incapable", r"vital interest|grundlaggande intresse|elintarke"
     r"|interets vitaux"),
    ("not_for_profit_body", r"not for profit|non profit|ideell|voittoa tavoittelemat"
     r"|but non lucratif"),
    ("made_public_by_subject", r"made public|manifestly public|offentliggjort|julkistami"
     r"|rendues publiques|manifestement publiques"),
    ("legal_claims", r"legal claim|rattsliga ansprak|oikeusvaate|droits en justice"
     r"|action en justice"),
    ("substantial_public_interest", r"substantial public interest|viktigt allmant intresse"
     r"|tarkeaa yleista etua|interet public important"),
    ("health_social_care", r"health or social care|preventive|occupational medicine"
     r"|halso och sjukvard|forebyggande|terveydenhuol|ennaltaehkaise|medecine preventive"
     r"|medecine du travail"),
    ("public_health", r"public health|folkhalsa|kansanterveys|sante publique"),
    ("archiving_research_statistics", r"archiving|research|statistic|arkiv|forskning"
     r"|arkistoin|tutkimu|tilasto|archivage|recherche|statistique"),
]  # fmt: skip


@functools.cache
def _condition_terms() -> list[Term]:
    return _terms(CONDITION_TERMS, _labels("condition", tuple(_POINT_CONDITION.values())))


def conditions(text: str) -> list[str]:
    """The Art. 9(2) conditions a text names, in the order it names them."""
    folded = fold(text)
    hits = [(m.start(), _POINT_CONDITION[m.group(1)]) for m in _ARTICLE9.finditer(folded)]
    if not hits:
        for term in _condition_terms():
            match = term.pattern.search(folded)
            if match:
                hits.append((match.start(), term.code))
    found: list[str] = []
    for _start, code in sorted(hits):
        if code not in found:
            found.append(code)
    return found


MECHANISM_TERMS: list[tuple[str, str]] = [
    ("dpf", r"\bdpf\b|data privacy framework"),
    ("scc", r"\bscc|standard contractual clause|model clause|standard data protection clause"
     r"|standardavtalsklausul|standardiserade dataskyddsbestammelser|modellklausul"
     r"|vakiolauseke|vakiosopimuslauseke|mallilauseke|clauses contractuelles types|\bcct\b"),
    ("bcr", r"\bbcr\b|binding corporate rule|bindande foretagsbestammelser"
     r"|sitovat yrityssaannot|yritysta koskevat sitovat|regles d entreprise contraignantes"),
    ("adequacy", r"adequa|adekvat skyddsniva|riittavyyspaatos|riittavan tietosuojan"
     r"|riittava tietosuoja|decision d adequation|niveau de protection adequat"),
    ("code_of_conduct", r"code of conduct|uppforandekod|kaytannesaann|code de conduite"),
    ("certification", r"certification|certifiering|sertifioin"),
    ("art49_explicit_consent", r"49\s*1\s*a\b"),
    ("art49_contract_with_subject", r"49\s*1\s*b\b"),
    ("art49_contract_in_subject_interest", r"49\s*1\s*c\b"),
    ("art49_public_interest", r"49\s*1\s*d\b"),
    ("art49_legal_claims", r"49\s*1\s*e\b"),
    ("art49_vital_interests", r"49\s*1\s*f\b"),
    ("art49_public_register", r"49\s*1\s*g\b"),
]  # fmt: skip
_MODULE = re.compile(r"\b(?:module|modul|moduuli)\s*([1-4])\b")
# What a transfer cannot rest on any more, with why.
INVALID_MECHANISMS = {
    "privacy shield": "the EU-US Privacy Shield was invalidated in July 2020 (C-311/18,"
    " Schrems II); name the mechanism used now (dpf, scc_m2...)",
    "safe harbor": "Safe Harbor was invalidated in 2015 (C-362/14); name the mechanism used now",
}


@functools.cache
def _mechanism_terms() -> list[Term]:
    data = country_data.load()
    return _terms(MECHANISM_TERMS, _labels("mechanism", tuple(data.mechanisms)))


def mechanisms(text: str) -> tuple[list[str], str]:
    """(the transfer mechanisms a text names, why it cannot be used or ""). "SCC module 2"
    is `scc_m2`; ropa's own names of every mechanism are recognised."""
    folded = fold(text)
    for words, why in INVALID_MECHANISMS.items():
        if words in folded:
            return [], why
    own = [term for term in _mechanism_terms()[len(MECHANISM_TERMS) :]]
    for term in own:  # ropa's own full names first: they are the most precise
        if term.pattern.pattern == r"\b" + re.escape(folded) + r"\b":
            return [term.code], ""
    found: list[str] = []
    for term in _mechanism_terms()[: len(MECHANISM_TERMS)]:
        if term.pattern.search(folded) and term.code not in found:
            found.append(term.code)
    module = _MODULE.search(folded)
    if module and "scc" in found:
        found[found.index("scc")] = f"scc_m{module.group(1)}"
    return found, ""


# --- yes/no, dates, e-mail -----------------------------------------------------------------

YES = {"yes", "y", "true", "x", "ja", "j", "kylla", "k", "oui", "o", "1", "signed",
       "undertecknat", "allekirjoitettu", "signe"}  # fmt: skip
NO = {"no", "n", "false", "nej", "ei", "non", "0", "none", "inga", "ingen", "ei ole",
      "aucun", "aucune", "not applicable", "n a", "na"}  # fmt: skip


def yes_no(text: str) -> bool | None:
    """True for "yes"/"ja"/"kyllä"/"oui", False for "no"/"nej"/"ei"/"non", else None."""
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None


_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def date(text: str) -> str | None:
    """YYYY-MM-DD for a date written 2022-11-02, 2.11.2022 or 02/11/2022 (day first, as in
    Europe), else None."""
    text = text.strip()
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
URL = re.compile(r"^https?://\S+$")


# --- retention ---------------------------------------------------------------------------

_NUMBER_WORDS = {
    **dict.fromkeys(("one", "a", "an", "ett", "en", "yksi", "yhden", "un", "une"), 1),
    **dict.fromkeys(("two", "tva", "kaksi", "kahden", "deux"), 2),
    **dict.fromkeys(("three", "tre", "kolme", "kolmen", "trois"), 3),
    **dict.fromkeys(("four", "fyra", "nelja", "neljan", "quatre"), 4),
    **dict.fromkeys(("five", "fem", "viisi", "viiden", "cinq"), 5),
    **dict.fromkeys(("six", "sex", "kuusi", "kuuden"), 6),
    **dict.fromkeys(("seven", "sju", "seitseman", "sept"), 7),
    **dict.fromkeys(("eight", "atta", "kahdeksan", "huit"), 8),
    **dict.fromkeys(("nine", "nio", "yhdeksan", "neuf"), 9),
    **dict.fromkeys(("ten", "tio", "kymmenen", "dix"), 10),
    **dict.fromkeys(("twelve", "tolv", "kaksitoista", "douze"), 12),
}
_UNITS = [
    ("days", r"days?|dagar|dag|dygn|paivaa?|paivan|paiva|jours?"),
    ("weeks", r"weeks?|veckor|vecka|viikkoa?|viikon|semaines?"),
    ("months", r"months?|manader|manad|kuukautta|kuukauden|kuukausi|kk|mois"),
    ("years", r"years?|ar|vuotta|vuoden|vuosi|v|ans?|annees?"),
]
_PERIOD = re.compile(
    r"\b(\d{1,4}|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")\s*("
    + "|".join(f"(?P<{unit}>{words})" for unit, words in _UNITS)
    + r")\b"
)
# The events a period is counted from (`after`), by the words that name them.
AFTER_TERMS: list[tuple[str, str]] = [
    ("application_deadline", r"application (?:period|deadline)|ansokningstiden|ansokningsperiod"
     r"|hakuaja|fin de la periode de candidature|cloture des candidatures"),
    ("end_of_recruitment", r"recruitment|rekryter|rekrytoin|recrutement"),
    ("end_of_employment", r"employment|anstallning|tyosuhte|contrat de travail|\bemploi"),
    ("end_of_customer_relationship", r"customer relationship|client relationship"
     r"|kundrelation|kundforhallande|asiakassuhte|relation (?:client|commerciale)"),
    ("end_of_contract", r"contract|avtal|sopimu|contrat"),
    ("last_activity", r"(?:last|latest|most recent) (?:activity|contact|login|log in|use"
     r"|interaction|appointment|visit|purchase|order|transaction|booking|session)"
     r"|senaste (?:aktivitet|kontakt|inloggning|besok|kop|bestallning|anvandning)"
     r"|viimeise\w* (?:toiminn|yhtey|kirjautu|kaytt|aktiviteet|kaynni|ostoks|tilaukse)"
     r"|dernier (?:contact|achat|rendez vous|acces)|derniere (?:activite|connexion|interaction"
     r"|visite|commande)"),
    ("collection", r"collection|collected|insamling|samlades in|keraamise|keruusta|collecte"),
    ("end_of_financial_year", r"financial year|fiscal year|rakenskapsar|tilikau|exercice"),
    ("end_of_calendar_year", r"calendar year|kalenderar|kalenterivuo|annee civile"),
    ("consent_withdrawn", r"consent (?:is )?withdrawn|withdrawal of consent|aterkall"
     r"|suostumukse\w* peruutta|suostumuksen peru|retrait du consentement"),
]  # fmt: skip
# The events data is kept until (`until`), by the words that name them.
UNTIL_TERMS: list[tuple[str, str]] = [
    ("consent_withdrawn", r"consent (?:is )?withdrawn|withdraw\w* (?:your |their )?consent"
     r"|aterkall\w* (?:sitt |ditt )?samtycke|samtycke\w* (?:\w+ )?aterkall|peruu\w* suostumu"
     r"|suostumu\w* (?:\w+ )?peru|retire son consentement|retrait du consentement"),
    ("objection", r"object|invand|vastustaa|vastusta|opposition|s oppose"),
    ("end_of_customer_relationship", r"customer relationship|kundrelation|kundforhallande"
     r"|asiakassuhte|relation (?:client|commerciale)"),
    ("end_of_employment", r"employment|anstallning|tyosuhte|contrat de travail"),
    ("end_of_recruitment", r"recruitment|rekryter|rekrytoin|recrutement"),
    ("contract_obligations_fulfilled", r"obligations? (?:under|of) the contract|avtalsforpliktelse"
     r"|sopimusvelvoittei"),
    ("end_of_contract", r"contract|avtal|sopimu|contrat"),
    ("purpose_fulfilled", r"purpose|andamal|tarkoitu|finalite"),
]  # fmt: skip
_UNTIL = re.compile(r"\b(?:until|as long as|for the duration|sa lange|tills|till dess|kunnes"
                    r"|niin kauan|jusqu a|jusqu au|tant que|pendant toute la duree)\b")  # fmt: skip
_AFTER = re.compile(r"\b(?:after|from|following|efter|fran|raknat fran|apres|a compter|"
                    r"a partir)\b")  # fmt: skip
_LIMITS = [
    ("at_least", r"\b(?:at least|minimum|minst|vahintaan|au moins|au minimum)\b"),
    ("up_to", r"\b(?:up to|upp till|enintaan|jusqu a|maximum|max)\b"),
    ("at_latest", r"\b(?:at the latest|no later than|senast|viimeistaan|au plus tard|au plus)\b"),
]


@dataclass(frozen=True)
class Retention:
    """A retention rule read from text: the record's fields, and what of the text named an
    event ropa has no code for (kept as the rule's `event`)."""

    fields: dict[str, object]
    guessed: bool = False  # the event is the text's own words (`after: event`)


def retention(text: str) -> Retention | None:
    """A retention phrase such as "24 months after the last activity", "6 månader efter
    ansökningstidens slut", "2 vuotta työsuhteen päättymisestä" or "until consent is
    withdrawn" as a rule, or None when the text states no period and no known event."""
    folded = fold(text)
    period = _PERIOD.search(folded)
    limit = next((code for code, words in _LIMITS if re.search(words, folded)), None)
    if period is None:
        if not _UNTIL.search(folded):
            return None
        until = _first(UNTIL_TERMS, folded)
        return Retention({"until": until}) if until else None
    count = period.group(1)
    number = int(count) if count.isdigit() else _NUMBER_WORDS[count]
    unit = next(name for name, _words in _UNITS if period.group(name))
    if not 1 <= number <= 1200:
        return None
    fields: dict[str, object] = {"period": number, "unit": unit}
    rest = folded[period.end() :]
    before = folded[: period.start()]
    after = _first(AFTER_TERMS, rest) or _first(AFTER_TERMS, before)
    event = None
    if after is None:
        event = _named_event(text)
        if event is None:
            return None
        after = "event"
    fields["after"] = after
    if event is not None:
        fields["event"] = event
    if limit:
        fields["limit"] = limit
    return Retention(fields, guessed=event is not None)


_AFTER_WORDS = re.compile(
    r"\b(?:after|following|efter|après|apres|à compter de|a compter de|à partir de|a partir de)"
    r"\s+(.+)$",
    re.IGNORECASE,
)
_FINNISH_EVENT = re.compile(r"\b\d+\s+\w+\s+(.+?(?:sta|stä))$")


def _named_event(text: str) -> str | None:
    """The words of the event a period is counted from, as the text writes them: "the last
    entry in the patient record" of "10 years after the last entry in the patient record",
    "hoitojakson päättymisestä" of "10 vuotta hoitojakson päättymisestä"; or None."""
    words = " ".join(text.split()).rstrip(" .")
    match = _AFTER_WORDS.search(words) or _FINNISH_EVENT.search(words)
    return match.group(1).strip() if match else None


def _first(terms: list[tuple[str, str]], folded: str) -> str | None:
    """The code of the term found earliest in `folded` (the longest where two start alike:
    "contrat de travail" is employment, not any contract)."""
    hits = [(m.start(), -len(m.group()), code) for code, words in terms
            if (m := re.search(words, folded))]  # fmt: skip
    return min(hits)[2] if hits else None


# --- security measures -------------------------------------------------------------------

MEASURE_TERMS: list[tuple[str, str]] = [
    ("encryption", r"encrypt|kryptera|kryptering|salaa|salaus|salattu|chiffr"),
    ("pseudonymisation", r"pseudonym"),
    ("authentication", r"authenticat|password|\bmfa\b|2fa|two factor|autentiser|losenord"
     r"|tunnistau|salasana|authentification|mot de passe"),
    ("access_control", r"access|behorighet|atkomst|kayttooikeu|paasynhallin|acces"
     r"|habilitation"),
    ("logging", r"\blog|logg|loki|journalisation|tracabilite"),
    ("backup", r"backup|back up|sakerhetskopi|varmuuskopi|sauvegarde"),
    ("network_security", r"firewall|network|brandvagg|natverk|palomuuri|verkko|pare feu"
     r"|reseau"),
    ("physical_security", r"physical|locked|fysisk|last|fyysi|lukit|physique|locaux"),
    ("training", r"training|awareness|utbildning|koulutu|formation|sensibilisation"),
    ("confidentiality", r"confidential|non disclosure|sekretess|tystnadsplikt|salassapi"
     r"|vaitiolo|confidentialite"),
    ("incident_response", r"incident|breach|poikkeama|tietoturvaloukk|violation"),
    ("vendor_assessment", r"vendor|supplier|leverantor|toimittaja|fournisseur|sous traitant"),
    ("contractual", r"contract|\bdpa\b|avtal|sopimu|contrat"),
    ("data_minimisation", r"minimi[sz]|minimer|minimoi"),
]  # fmt: skip


def measure_kind(text: str) -> str | None:
    """The kind of a security measure its words suggest, or None."""
    return _first(MEASURE_TERMS, fold(text))


# --- rights ------------------------------------------------------------------------------

RIGHT_CODES = ("access", "rectification", "erasure", "restriction", "objection", "portability",
               "complaint")  # fmt: skip
RIGHT_TERMS: list[tuple[str, str]] = [
    ("access", r"\baccess|\bacces\b|tillgang|insyn|tarkastaa|tarkastusoikeus|paasy"),
    ("rectification", r"rectif|correct|rattelse|oikaise|oikaisu"),
    ("erasure", r"erasure|\berase|delet|forgotten|radering|glomas|poista|effacement|oubli"),
    ("restriction", r"restrict|begransning|rajoitt|limitation"),
    ("objection", r"\bobject|invand|vastusta|opposition"),
    ("portability", r"portab|overfora|siirtaa|siirrettavy|portabilite"),
    ("complaint", r"complain|supervisory authority|klagomal|klaga|valitu|valvontaviranomai"
     r"|reclamation|autorite de controle"),
]  # fmt: skip


def rights(text: str) -> tuple[list[str], list[str], list[str]]:
    """(rights available, rights available only where applicable, lines not understood)
    from a list of rights such as ropa's own, or the ICO template's."""
    available: list[str] = []
    conditional: list[str] = []
    unknown: list[str] = []
    parts = [re.split(r",|\s(?:and|och|ja|et|sekä)\s", line) for line in split_items(text)]
    lines = [part.strip() for found in parts for part in found if part.strip()]
    for line in lines:
        folded = fold(line)
        code = _first(RIGHT_TERMS, folded)
        if code is None:
            unknown.append(line)
            continue
        where = re.search(r"where applicable|i forekommande fall|tarvittaessa|soveltuvin osin"
                          r"|le cas echeant|if applicable", folded)  # fmt: skip
        target = conditional if where else available
        if code not in available and code not in conditional:
            target.append(code)
    return available, conditional, unknown


# --- ids ---------------------------------------------------------------------------------


def slug(name: str, prefix: str, taken: set[str]) -> str:
    """An id for `name` (lower case, "-" between words, at most 64 characters), starting
    with a letter (else `prefix-`), not in `taken`; added to `taken`."""
    base = fold(name).replace("_", " ")
    base = re.sub(r"[^a-z0-9]+", "-", base).strip("-")
    if len(base) > 48:  # cut after the last whole word that fits
        base = base[:49].rsplit("-", 1)[0] if "-" in base[:49] else base[:48]
    if not base or not base[0].isalpha():
        base = f"{prefix}-{base}" if base else prefix
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
