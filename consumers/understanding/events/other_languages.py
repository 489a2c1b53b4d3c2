"""Arrest-family cues in copy that is not English, where the English parser's frames
are worthless.

The model wirewatch runs is English-only, yet a monitor that is silent on every story in
Spanish, Indonesian or Polish misses events users care about. For a text that does not
read as English (``language``), this reads the headline and the first sentences for an
arrest word and a role word of one of the major languages and makes an unnamed frame
from them: "periodista ... detenido" is the arrest of a journalist. No names, no
agents, and any release, acquittal, bail, warrant or denial word in the sentence makes
it "possible" instead of "reported": a cautious second best, always labelled as such in
its evidence.

Words are matched as prefixes of lower-cased words ("detenid" matches "detenido",
"detenidos", "detenida"), so one stem covers the inflections.
"""
from __future__ import annotations

import re

from ..model import EventFrame, Sentence

# action -> stems, across languages (es, pt, it, fr, de, nl, id/ms, pl, tr, ru, ar, he)
ARREST_STEMS = {
    "arrest": (
        "detenid", "detuv", "arrestad", "capturad", "aprehendid",                    # es
        "detid", "foi preso", "foi presa", "foram presos",                          # pt
        "arrestat", "fermat", "catturat",                                           # it
        "arrêté", "arrete", "interpellé", "appréhendé",                             # fr
        "festgenommen", "verhaftet", "festnahme", "verhaftung",                     # de
        "gearresteerd", "aangehouden", "opgepakt",                                  # nl
        "ditangkap", "menangkap", "penangkapan", "diciduk",                         # id / ms
        "zatrzyman", "aresztowan", "zatrzymani",                                    # pl
        "gözaltına", "tutuklan", "tutuklu",                                         # tr
        "задержан", "арестован", "задержал", "арестовал",                           # ru
        "اعتقال", "اعتقل", "القبض", "احتجاز",                                       # ar
        "נעצר", "עצרה", "עצרו", "מעצר",                                             # he
    ),
    "detain": (
        "detención", "fue preso", "está preso", "prisión preventiva",               # es
        "detenut", "détenu", "garde à vue", "inhaftiert", "ditahan", "menahan",
        "gözaltı", "areszt",
    ),
    "jail": (
        "encarcelad", "condenad", "sentenciad", "prisión", "prisão", "condannat", "reclusione",
        "incarcéré", "écroué", "condamné", "verurteilt", "veroordeeld", "dipenjara", "divonis",
        "skazan", "hapis", "осужден", "приговорен", "سجن", "נידון", "נגזר",
    ),
}
# the event did not happen, or is undone: release, acquittal, bail, warrant, denial
UNDOING_STEMS = (
    "liberad", "libertad", "excarcelad", "absuelt", "fianza", "orden de arresto", "orden de captura",
    "niega", "negó", "solt", "absolvid", "fiança", "mandado", "negou",
    "liberat", "scarcerat", "assolt", "rilasciat", "cauzione", "mandato d", "mandato di",
    "libéré", "relâché", "acquitté", "caution", "mandat d", "dément",
    "freigelassen", "freigesprochen", "kaution", "haftbefehl", "dementiert",
    "vrijgelaten", "vrijgesproken", "borgtocht",
    "dibebaskan", "bebas", "dilepas", "membantah",
    "uwolnion", "zwolnion", "uniewinnion", "kaucj", "nakaz",
    "serbest", "tahliye", "beraat", "yalanla",
    "освобожден", "оправдан", "залог", "ордер",
    "الإفراج", "أفرج", "براءة", "كفالة",
    "שוחרר", "זוכה", "ערבות",
    # leaving prison, charges shelved
    "deixa", "deixou", "saiu", "salió", "sale de", "dejó", "quitte", "sorti", "lascia", "uscit", "verlässt",
    "arquiv", "archiv", "sobresee", "keluar dari",
)
ROLE_STEMS = {
    "journalist": (
        "periodist", "reporter", "reportero", "corresponsal", "jornalist", "correspondente",
        "giornalist", "corrispondent", "journalist", "rédact", "wartawan", "jurnalis",
        "dziennikar", "reporterk", "gazeteci", "muhabir", "журналист", "корреспондент",
        "صحفي", "صحافي", "مراسل", "עיתונא",
    ),
    "opposition": (
        "oposición", "opositor", "oposição", "opposizione", "oppositor", "opposant", "opposition",
        "oppositie", "oposisi", "opozycj", "opozycyjn", "muhalefet", "muhalif", "оппозиц",
        "المعارض", "المعارضة", "אופוזיצי",
    ),
    "crowd": (
        "manifestant", "partidari", "simpatizant", "apoiador", "sostenitor", "anhänger",
        "demonstrant", "demonstran", "pendukung", "zwolenni", "protestocu", "destekçi",
        "сторонник", "протестующ", "متظاهر", "مؤيد", "מפגינ", "תומכ",
    ),
}
LEAD_SENTENCES = 3
FRAGMENT_CHARS = 40  # shorter than any real sentence of a lead
MAX_LEAD_SENTENCES = 8
_WORD = re.compile(r"[^\W\d_][\w-]*")  # "dell'opposizione", "l'arrestation": elisions split off


def _matches(word: str, stem: str) -> bool:
    if stem[0] >= "\u0590":  # Hebrew and Arabic attach articles and conjunctions in front
        return stem in word
    return word.startswith(stem)


def _find(words: list[tuple[int, str]], stems) -> tuple[int, str] | None:
    for start, word in words:
        for stem in stems:
            if " " not in stem and _matches(word, stem):
                return start, word
    return None


def _phrase(text: str, stems) -> str | None:
    low = text.lower()
    return next((s for s in stems if " " in s and s in low), None)


def _crowd_beside(sentence_words: list[list[tuple[int, str]]], word: str) -> bool:
    """A crowd word in a sentence that has ``word``; one word list per lead sentence."""
    for words in sentence_words:
        if any(w == word for _, w in words) and _find(words, ROLE_STEMS["crowd"]):
            return True
    return False


def cue_frames(text: str, sentences: tuple[Sentence, ...], headline_end: int) -> tuple[EventFrame, ...]:
    """Unnamed arrest-family frames from cue words in the first sentences of a text
    that is not English; at most one per role."""
    lead = [s for s in sentences if s.start < headline_end]
    body = [s for s in sentences if s.start >= headline_end]
    # the English splitter cuts foreign copy into fragments ("O", "A medida é vista
    # como"), which do not count towards the lead's three sentences
    n = full = 0
    while n < min(len(body), MAX_LEAD_SENTENCES) and full < LEAD_SENTENCES:
        full += len(body[n].text) >= FRAGMENT_CHARS
        n += 1
    lead += body[:n]
    lead_text = " ".join(s.text for s in lead).lower()
    lead_words = [(0, m.group()) for m in _WORD.finditer(lead_text)]
    roles = {role: _find(lead_words, stems) for role, stems in ROLE_STEMS.items()}
    # a release, acquittal, warrant or denial anywhere in the lead may be the news
    undone = _find(lead_words, UNDOING_STEMS) or next(((0, p) for p in [_phrase(lead_text, UNDOING_STEMS)] if p), None)
    sentence_words = [[(s.start + m.start(), m.group()) for m in _WORD.finditer(s.text.lower())] for s in lead]
    frames: list[EventFrame] = []
    done: set[str] = set()
    for s, words in zip(lead, sentence_words):
        for action, stems in ARREST_STEMS.items():
            hit = _find(words, stems)
            phrase = None if hit else _phrase(s.text, stems)
            if hit is not None:
                start, word = hit
            elif phrase is not None:
                start, word = s.start + s.text.lower().index(phrase), phrase
            else:
                continue
            for role, found in roles.items():
                if found is None or role in done or role == "crowd" and len(done):
                    continue
                if role == "opposition" and _crowd_beside(sentence_words, found[1]):
                    continue  # "opposition supporters detained": a crowd, not its figures
                done.add(role)
                status = "possible" if undone else "reported"
                why = f"'{undone[1]}' in the lead" if undone else "cue words in the lead"
                frames.append(EventFrame(
                    event="arrest", action=action, trigger=text[start:start + len(word)],
                    trigger_start=start, trigger_end=start + len(word), target="",
                    target_role=role,
                    role_evidence=f"not English: the words '{word}' and '{found[1]}' in the first sentences",
                    sentence=s, status=status,
                    details={"status_reason": why, "target_kind": "group", "cues": True,
                             "target_phrase": found[1]}))
            if frames:
                break
        if len(done) == len(roles):
            break
    return tuple(frames)
