"""Grammatical gender of people named in a story, for he/she resolution.

Evidence, strongest first: a title right before a mention ("Ms", "Mrs", "Mr"), a
gendered noun in apposition or as a title ("spokeswoman", "wife", "congressman"),
then a common first name. Unknown stays unknown: the resolver then accepts either
pronoun for that person.
"""
from __future__ import annotations

_FEMALE_TITLES = frozenset({"ms", "ms.", "mrs", "mrs.", "miss", "madam", "madame", "mme", "dame",
                            "lady", "queen", "princess", "begum", "sister"})
_MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "sheikh", "father", "monsieur"})
_FEMALE_NOUNS = frozenset({"woman", "wife", "mother", "daughter", "sister", "widow", "spokeswoman",
                           "chairwoman", "congresswoman", "businesswoman", "grandmother", "girl",
                           "actress", "queen", "princess", "heiress", "niece", "aunt"})
_MALE_NOUNS = frozenset({"man", "husband", "father", "son", "brother", "widower", "spokesman",
                         "chairman", "congressman", "businessman", "grandfather", "boy", "king",
                         "prince", "nephew", "uncle"})

# Common given names across the regions wire copy covers (a general list, not tuned).
FEMALE_NAMES = frozenset("""
mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa margaret
betty sandra ashley dorothy kimberly emily donna michelle carol amanda melissa deborah stephanie
rebecca laura sharon cynthia kathleen amy shirley angela helen anna brenda pamela nicole ruth
katherine samantha christine emma catherine debra virginia rachel carolyn janet maria heather
diane julie joyce victoria kelly christina joan evelyn lauren judith olivia martha cheryl megan
andrea hannah jacqueline ann jean alice kathryn gloria teresa doris sara janice julia marie
madison grace judy theresa beverly denise marilyn amber danielle abigail brittany rose diana
natalie sophia alexis lori kayla jane hillary theresa angela nancy condoleezza madeleine
yulia yuliya julija olga svetlana sviatlana tatiana tatyana natalia natalya irina elena yelena
ekaterina yekaterina galina lyudmila ludmila maria marina nadezhda nadiya oksana anastasia
valentina vera larisa ksenia kseniya lyubov alla inna zhanna
aung daw khaleda sheikh hasina benazir indira sonia mamata mayawati priyanka
fatima aisha aicha khadija zainab maryam mariam leila layla nadia amina samira yasmin yasmine
noura nour salma rania hoda huda zeynep ayse aysel elif emine figen leyla meral gulsen sebnem
angela ursula theresa marine segolene christine anne annegret sahra julia
cristina dilma michelle marina luisa lilian liliana maria gabriela carolina claudia veronica
ana ines isabel patricia mercedes beatriz rosa dolores
tsai ing park geun hye yingluck
winnie grace joyce ellen jewel margaret wanjiru
mu sochua diane adeline anne tundu
""".split()) - {"aung", "daw", "sheikh", "tsai", "ing", "park", "geun", "hye", "mu", "tundu"}

MALE_NAMES = frozenset("""
james john robert michael william david richard joseph thomas charles christopher daniel matthew
anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward
jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin
samuel gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan
henry douglas zachary peter kyle walter ethan jeremy harold keith christian roger noah gerald
carl terry sean austin arthur lawrence jesse dylan bryan joe jordan billy bruce albert willie
gabriel logan alan juan wayne roy ralph randy eugene vincent russell elijah louis bobby philip
johnny barack bill mike mitt hillary
vladimir dmitry dmitri alexei alexey sergei sergey ivan igor oleg nikolai mikhail boris yuri
viktor victor andrei andriy petro petr pyotr leonid anatoly yevgeny evgeny gennady ilya maxim
mikheil mikalai alexander aleksandr roman denis
mohammed muhammad mohamed mohammad ahmed ahmad ali hassan hussein hussain omar abdullah abdul
ibrahim khalid mahmoud mustafa mostafa youssef yusuf yousef recep ahmet mehmet selahattin kemal
tayyip bulent abdel hamid rached imran nawaz shehbaz asif raila uhuru robert emmerson morgan
nelson tendai kizza yoweri paul juan leopoldo henrique nicolas hugo antonio jair luiz lula
emmanuel francois nicolas jacques angela helmut gerhard olaf matteo silvio giuseppe mariano
pedro xi li wang hun sam kem joshua nathan alex anwar najib mahathir rodrigo narendra rahul
""".split())


def _word_gender(word: str) -> str | None:
    w = word.lower().rstrip(".")
    if w in _FEMALE_TITLES or w + "." in _FEMALE_TITLES or w in _FEMALE_NOUNS:
        return "f"
    if w in _MALE_TITLES or w + "." in _MALE_TITLES or w in _MALE_NOUNS:
        return "m"
    return None


def person_genders(doc, mentions) -> dict[str, str]:
    """canonical PERSON name -> "f" | "m" where the story gives evidence."""
    out: dict[str, str] = {}
    for m in mentions:
        if m.label != "PERSON" or m.canonical in out:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        g = None
        if span.start > 0:
            g = _word_gender(doc[span.start - 1].text)
        if g is None:
            root = span.root
            near = [c for c in root.children if c.dep_ in {"appos", "compound"}]
            if root.dep_ == "appos":
                near.append(root.head)
            for t in near:
                g = _word_gender(t.lemma_) or _word_gender(t.text)
                if g:
                    break
        if g:
            out[m.canonical] = g
    for m in mentions:
        if m.label != "PERSON" or m.canonical in out:
            continue
        first = m.canonical.split()[0].lower() if m.canonical.split() else ""
        if first in FEMALE_NAMES:
            out[m.canonical] = "f"
        elif first in MALE_NAMES:
            out[m.canonical] = "m"
    return out
