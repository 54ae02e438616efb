"""Shared vocabulary and small helpers of the wording and layout heuristics (not a heuristic itself).

The keyword lists cover English, German, French, Spanish, Italian and Dutch: the languages of most EU
consent prompts. They are matched case-insensitively on a control's visible label, with word boundaries,
so "ok" does not match "book". A label that matches REFUSE is never taken as an ACCEPT ("Continue without
accepting" is a refusal).
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.trace import Element, FlowTrace, PathTrace, Snapshot, StepTrace


def _rx(*alternatives: str) -> re.Pattern:
    return re.compile(r"(?<![\w'])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


REFUSE = _rx(
    # en
    r"refuse", r"reject(?: all)?", r"decline(?: all)?", r"deny", r"disagree", r"object(?:ion|ing)?",
    r"opt(?:[- ]?out| me out)", r"withdraw(?: consent)?", r"unsubscribe", r"disallow",
    r"(?:do not|don't) (?:allow|accept|agree|consent|sell|share)", r"no,? thanks?", r"not now",
    r"(?:only|use) (?:strictly )?(?:necessary|essential|required)(?: cookies| ones)?",
    r"(?:strictly )?(?:necessary|essential) (?:cookies )?only", r"continue without (?:accepting|agreeing)",
    # de
    r"(?:alle )?ablehnen", r"widersprechen", r"widerspruch(?:s\w*)?", r"nicht (?:zustimmen|einverstanden)",
    r"verweigern", r"nur (?:technisch )?(?:notwendige|erforderliche|essenzielle)(?: cookies)?", r"abmelden",
    r"weiter ohne (?:einwilligung|zustimmung)",
    # fr
    r"(?:tout )?refuser", r"je refuse", r"(?:s'|m')?opposer", r"je m'oppose", r"opposition",
    r"continuer sans accepter", r"(?:uniquement|seulement) (?:les )?(?:cookies )?(?:nécessaires|essentiels)",
    r"se désinscrire", r"désinscription",
    # es
    r"rechaza(?:r(?: todo| todas)?)?", r"rechazo", r"oponerme", r"oponerse", r"oposición", r"no acepto",
    r"solo (?:las )?(?:cookies )?(?:necesarias|esenciales)", r"darse de baja", r"continuar sin aceptar",
    # it
    r"rifiut(?:a|o|are)(?: tutto)?", r"(?:mi )?oppong?o", r"opporsi", r"opposizione",
    r"solo (?:i )?(?:cookie )?(?:necessari|essenziali)", r"continua senza accettare", r"nega",
    # nl
    r"weiger(?:en)?", r"alles weigeren", r"bezwaar(?: maken)?", r"afwijzen", r"niet akkoord",
    r"alleen (?:noodzakelijke|essentiële)(?: cookies)?", r"uitschrijven",
)

ACCEPT = _rx(
    # en
    r"accept(?: all| cookies| and continue| & continue)?", r"i accept", r"agree", r"i agree", r"allow(?: all)?",
    r"ok(?:ay)?", r"got it", r"i understand", r"understood", r"continue", r"close", r"yes", r"consent",
    r"sounds good", r"dismiss", r"let'?s go", r"confirm(?: choices)?",
    # de
    r"(?:alle )?akzeptieren", r"zustimmen", r"einverstanden", r"verstanden", r"schließen", r"weiter",
    r"annehmen", r"erlauben", r"zulassen", r"alle zulassen", r"ja",
    # fr
    r"(?:tout )?accepter", r"j'accepte", r"d'accord", r"fermer", r"continuer", r"autoriser", r"compris",
    r"oui",
    # es
    r"aceptar(?: todo| todas)?", r"acepto", r"de acuerdo", r"cerrar", r"continuar", r"permitir", r"entendido",
    r"sí",
    # it
    r"accett(?:a|o)(?: tutto| tutti)?", r"chiudi", r"continua", r"consenti", r"ho capito", r"va bene",
    # nl
    r"accepteren", r"alles accepteren", r"akkoord", r"sluiten", r"doorgaan", r"toestaan", r"begrepen",
)

# Controls that lead on without choosing: more information, settings, options.
MORE_INFO = _rx(
    r"learn more", r"more info(?:rmation)?", r"read more", r"find out more", r"see more", r"more details?",
    r"details", r"settings", r"preferences", r"options", r"manage(?: \w+)?", r"customi[sz]e", r"privacy policy",
    r"more", r"mehr erfahren", r"mehr informationen", r"einstellungen", r"optionen", r"anpassen", r"details",
    r"en savoir plus", r"plus d'informations", r"paramètres", r"personnaliser", r"gérer(?: \w+)?",
    r"más información", r"configuración", r"ajustes", r"personalizar", r"gestionar",
    r"maggiori informazioni", r"scopri di più", r"impostazioni", r"personalizza", r"gestisci",
    r"meer informatie", r"lees meer", r"instellingen", r"aanpassen", r"beheren",
)

# Purposes that may be on by default because the service cannot work without them.
NECESSARY = re.compile(
    r"necess|essential|required|strictly|notwendig|erforderlich|essenziell|essentiell|nécessaire|essentiel|"
    r"strictement|necesari|esencial|estrictamente|necessari|essenzial|strettamente|noodzakelijk|essentieel|"
    r"strikt",
    re.I,
)

# Consent-giving wording of a radio option ("Yes, use my data").
CONSENTING_OPTION = _rx(r"yes", r"allow", r"accept", r"agree", r"on", r"enable(?:d)?", r"ja", r"oui", r"sí",
                        r"erlauben", r"autoriser", r"permitir", r"consenti", r"toestaan")

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def short(text: str, limit: int = 80) -> str:
    """Whitespace-collapsed ``text``, cut at ``limit`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def label(el: Element | None, limit: int = 60) -> str:
    return short(el.label_text, limit) if el is not None else ""


def field_words(el: Element) -> str:
    """A form field's own words (label, name, placeholder; each once), to match what it asks for."""
    return " ".join(dict.fromkeys(filter(None, [el.label, el.name, el.placeholder])))


def page(url: str) -> str:
    """A URL without its fragment: the same page for every path."""
    return (url or "").split("#", 1)[0]


# Pure functions of a label, asked about the same first-screen labels by several heuristics: cached.
@lru_cache(maxsize=16384)
def is_refuse(text: str) -> bool:
    return bool(REFUSE.search(text or ""))


@lru_cache(maxsize=16384)
def is_accept(text: str) -> bool:
    return bool(text) and not is_refuse(text) and bool(ACCEPT.search(text))


def is_more_info(text: str) -> bool:
    return bool(text) and not is_refuse(text) and bool(MORE_INFO.search(text))


SCAN_CHARS = 50_000  # wording heuristics read this much of a page's text: notices say what matters early
_WINDOW = 400


def scan_text(text: str) -> str:
    """The part of a page's text the wording heuristics read (bounded, so huge pages stay fast)."""
    return (text or "")[:SCAN_CHARS]


def sentence_around(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence of ``text`` containing the span [start, end), cut to ``limit`` characters."""
    lo = max(0, start - _WINDOW)
    left = max(text.rfind(". ", lo, start), text.rfind("! ", lo, start), text.rfind("? ", lo, start))
    left = lo if left < 0 else left + 2
    hi = min(len(text), end + _WINDOW)
    right_candidates = [i for i in (text.find(". ", end, hi), text.find("! ", end, hi), text.find("? ", end, hi))
                        if i >= 0]
    right = min(right_candidates) + 1 if right_candidates else hi
    sentence = text[left:right].strip()
    if len(sentence) > limit:
        # keep the match in view
        offset = max(0, start - left - limit // 3)
        sentence = ("..." if offset else "") + sentence[offset: offset + limit - 6].strip() + "..."
    return sentence


def first_snapshot(path: PathTrace) -> tuple[StepTrace | None, Snapshot | None]:
    """The first page state of a path (step 1's snapshot; the final page if no step has one)."""
    for step in path.steps:
        if step.snapshot is not None:
            return step, step.snapshot
    return None, path.final


def same_control(a: Element, b: Element) -> bool:
    if a.path and b.path:
        return a.path == b.path
    return a.tag == b.tag and a.label_text == b.label_text


def click_steps(path: PathTrace) -> list[StepTrace]:
    return [s for s in path.steps if s.action == "click" and s.target_element is not None]


def first_choice_pair(trace: FlowTrace) -> tuple[StepTrace, StepTrace] | None:
    """The goal path's and the baseline's first *different* clicks, when they are on the same page.

    Controls both paths click first (opening a notification) are skipped: they are the shared way in, not
    the choice.
    """
    if trace.baseline is None:
        return None
    goal, base = click_steps(trace.goal), click_steps(trace.baseline)
    i = 0
    while i < len(goal) and i < len(base) and same_control(goal[i].target_element, base[i].target_element):
        i += 1
    if i >= len(goal) or i >= len(base):
        return None
    g, b = goal[i], base[i]
    if page(g.url) != page(b.url):
        return None
    return g, b


def after_snapshot(path: PathTrace, index: int) -> Snapshot | None:
    """The page state after the step at list position ``index``: the next step's snapshot or the final."""
    for step in path.steps[index + 1:]:
        if step.snapshot is not None:
            return step.snapshot
    return path.final
