"""Where the news starts in web-page text and RSS summaries.

Copy scraped from a page carries its furniture: a logo line, a byline, "date
2017-03-23", "Updated 12:04 GMT", an image caption with its credit, "Related Story",
"Share". Left in, these lines take the headline's and the lead's places, and the real
lead's arrest reads as background. This module finds them (line by line, top of the
page only) and finds the headline line when the item came without one.

Pure string work; every span is a (start, end) offset pair into the body it was given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .wire_text import is_dateline_line

# Only the top of a page carries furniture worth finding; a story's own text follows.
_SCAN_LINES = 14
_SCAN_CHARS = 3000

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*\(?[a-z]{2,4}\)?)?"
_DATE = (rf"(?:{_DAY}\s*)?(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+\d{{1,2}}"
         rf"(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}(?:t[\d:.z+-]+)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
         rf"|{_MONTH}\s+\d{{4}})")
# A whole line that is page furniture (matched on the stripped, lower-cased line).
_FURNITURE = re.compile("|".join([
    rf"(?:(?:published|posted|updated|last updated|first published|modified|date)\s*(?:on|at)?:?\s*)?"
    rf"(?:{_DATE})(?:\s*(?:,|\||-|at|\u2013)?\s*{_CLOCK})?(?:\s*\|.*)?",
    r"(?:published|posted|updated|last updated|latest update|first published)\b.{0,60}",
    rf"{_CLOCK}(?:\s+{_DATE})?",
    rf"{_CLOCK}(?:\s*/?\s*{_CLOCK})+",  # a player's "0:00 0:00"
    r"(?:\d+\s+(?:min(?:ute)?s?|hours?|days?)\s+ago|just now|\d+\s+min(?:ute)?s?\s+read)",
    # agency slugs on lines of their own: "2ND LEAD", "UPDATE 2", "URGENT", "SL"
    r"(?:\d(?:st|nd|rd|th)|lead|update(?:\s+\d+)?|urgent|flash|exclusive|corrected|refile)"
    r"(?:\s+(?:\d(?:st|nd|rd|th)|lead|update(?:\s+\d+)?|urgent|flash|exclusive|corrected|refile))*",
    # bylines and credits
    r"by\s+[\w.'\u2019-]+(?:\s+[\w.'\u2019-]+){0,5}(?:\s*(?:,|and|&|\|)\s*[\w.'\u2019 -]{2,60})?",
    r"(?:written|reported|reporting|edited|compiled|text|words)\s+by\b.{0,120}",
    r"(?:staff|special|our)\s+(?:reporter|correspondent|writer)s?\b.{0,60}",
    r"(?:editor[- ]in[- ]chief|managing editor|executive editor|publisher)\b.{0,80}",  # a masthead line
    r"(?:news\s+)?(?:desk|bureau|agencies|agency|wire services?|staff)",
    r"(?:reuters|afp|ap|associated press|xinhua|bernama|ians|ani|dpa|anadolu|efe|tass|bbc|voa)",
    r"(?:photo|image|picture|file photo|caption|credit|source)s?\s*(?:credit)?\s*[:|].{0,200}",
    r".{0,160}\b(?:reuters|afp|ap|epa|getty images|afp via getty images)/[\w .'-]{2,40}",
    r".{0,200}\b(?:afp photo|ap photo|epa photo|getty images|image copyright|image caption|"
    r"photo credit|file photo)\b.{0,100}",
    # a caption: "... is shown in this undated photo. (The Wall Street Journal via AP, File)"
    r".{0,400}\((?:[^()]{0,60}\b)?(?:ap|afp|reuters|epa|getty images|file|ap photo)(?:\b[^()]{0,40})?\)",
    r".{0,300}\bin (?:this|a) (?:undated |file )*(?:photo|picture|image)\b.{0,300}",
    # The Guardian's caption credit: "... during protests in Minsk. Photograph: Sergei Grits/AP"
    r".{0,400}\b(?:photograph|composite|illustration):\s*[\w .'\u2019-]{2,60}(?:/[\w .'\u2019-]{2,40})?",
    # navigation, sharing and promotion
    r"(?:related|related stories|related story|related articles?|read more|read also|also read|"
    r"see also|more from [\w ]{2,40}|more on this|recommended|trending|most read|top stories|"
    r"latest news|breaking news|don't miss|don\u2019t miss|advertisement|sponsored|share|share this|tweet|email|print|"
    r"comments?|subscribe|sign in|log in|menu|home|skip to (?:main )?content|follow us.*|"
    r"accessibility links|(?:jump|skip) to (?:main )?(?:navigation|search|content)|main navigation|search|"
    r"listen to (?:this )?article.*|play video|watch:?.*|video|audio|live|gallery|"
    r"click here.*|newsletter.*|whatsapp|facebook|twitter|linkedin|telegram|"
    r"(?:ap|afp|reuters|getty|file|epa) (?:image|photo|picture)s?|"
    r"this (?:article|story|report) (?:is|was) from .{0,40}|story highlights|highlights|"
    r"back to top|top of page|breaking news|exclusive|send to|save story|save|leer en español|"
    r"unlimited (?:digital )?access\b.{0,100}|get it now|subscribe now.{0,60}|already a subscriber.{0,60}|"
    r"[\w .'&-]{2,60} logo|"
    r"\d+\s+(?:photos?|videos?|images?)|estimated read time.{0,30}|"
    r"this archived (?:news )?(?:story|article) is available.{0,400})\W*",
])
    , re.IGNORECASE)
# The words of a navigation bar.
_NAV_WORDS = frozenset("""
rss newsletter newsletters contact contacts advertise advertising with us about home login log in sign up
subscribe subscription register account search menu news world business sport sports opinion video videos
podcasts podcast epaper e-paper careers privacy policy terms faq help donate shop
""".split())
# "date 2017-09-29 Opposition politician ..." and "Updated: 12 March 2017 Police ...":
# a furniture prefix glued to the first line of text.
_PREFIX = re.compile(
    rf"^\s*(?:(?:date|published|posted|updated|last updated)\s*:?\s*(?:{_DATE})(?:\s*(?:,|\|)?\s*{_CLOCK})?"
    rf"|(?:{_DATE}),?\s+{_CLOCK}(?:\s*\|)?)\s+(?=[A-Z\"'])",
    re.IGNORECASE)
_NAME = r"[A-Z][\w.'\u2019-]*"
_BYLINE_PLACE = re.compile(rf"(?:{_NAME}\s+){{0,3}}in\s+{_NAME}(?:\s+{_NAME}){{0,2}}(?:\s+and\s+agencies)?")
_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_URL = re.compile(r"https?://\S+|\bwww\.[\w-]+\.\w+")
# Lower-case words a title-cased headline leaves small.
_SMALL = frozenset("a an the and but or nor for of in on at to by as from with vs via over into "
                   "after amid before off up out per than under without behind against despite "
                   "about through during between".split())
# The arrest-family words, which a Title-Cased headline capitalises but which are never
# names ("Court Sentences Opposition Leader To 5 Years In Prison"): lower-cased even when
# the story does not use them, so the parser sees the verb.
_EVENT_WORDS = frozenset(
    f"{stem}{end}" for stem in ("arrest", "detain", "jail", "imprison", "charge", "indict", "remand",
                                "sentence", "apprehend", "rearrest", "re-arrest", "incarcerate")
    for end in ("", "s", "d", "ed", "ing")
) | frozenset("sentencing charging incarcerating held holds nabbed nabs seized seizes detention custody "
              "prison prisons years months upheld upholds convicted convicts acquitted acquits released releases "
              "freed frees places placed puts given handed hands life".split())  # "Court Places X Under Arrest"


@dataclass(frozen=True)
class PageLayout:
    """Furniture found at the top of a body, and the headline line when there is one."""
    furniture: tuple[tuple[int, int], ...] = ()
    headline: tuple[int, int] | None = None  # a line of the body that is the headline
    lead: int | None = None  # where the running text starts

    @property
    def lead_start(self) -> int:
        if self.lead is not None:
            return self.lead
        return self.headline[1] if self.headline else 0


NO_LAYOUT = PageLayout()


def is_furniture(line: str) -> bool:
    """A line of page furniture: a date, byline, credit, caption, share or nav line."""
    s = line.strip().strip("|\u2022\u00b7>-\u2013\u2014 ")
    if not s:
        return False
    if len(s) > 700:
        return False
    if _FURNITURE.fullmatch(s):
        return True
    if " | " in s and not re.search(r"[.!?]$", s):
        return True  # "Site Name | Tagline", "Home | World | Asia"
    if _URL.search(s) and not re.search(r"[.!?\"\u201d]$", s):
        return True  # a site header with its links: "Asharq Al-awsat English https://..."
    if _BYLINE_PLACE.fullmatch(s) and not any(w.lower() in _EVENT_WORDS for w in s.split()):
        return True  # what is left of a byline: "Luke Harding in Moscow", "in Moscow"
    words = _WORD.findall(s)
    if len(words) >= 2 and all(w.lower() in _NAV_WORDS for w in words):
        return True  # "RSS   Newsletter   Contact   Advertise with us"
    if words and words[0].lower() == "by" and len(words) <= 10 and len(words) > 1 and words[1][0].isupper() \
            and not s.endswith("."):
        return True  # "By Peter Saramba More by this Author"
    # a logo or section label ("World News", "The Moscow Times"): a few capitalised
    # words and no sentence punctuation; "Sokha arrested" is not one
    return len(words) <= 3 and all(w[0].isupper() for w in words) \
        and not re.search(r"[.!?\"\u201c\d]", s) and len(s) <= 40


def is_title_like(line: str) -> bool:
    """A line that reads as a headline: a handful of words, no closing full stop."""
    s = line.strip()
    words = _WORD.findall(s)
    if not 3 <= len(words) <= 30 or len(s) > 220:
        return False
    if s.endswith(".") and not s.endswith("..."):
        # a lead sentence, unless it is short and headline-cased ("Opposition Chief Held.")
        return is_title_case(s) and len(words) <= 14
    return True


def is_title_case(line: str) -> bool:
    """Most content words capitalised and the line not in capitals."""
    words = [w for w in _WORD.findall(line) if w.lower() not in _SMALL]
    if len(words) < 3:
        return False
    upper = sum(1 for w in words if w[0].isupper())
    if all(w.isupper() for w in words):
        return False
    return upper / len(words) >= 0.75


def truecase_title(line: str, known: dict[str, str]) -> str:
    """Re-case a title-cased headline from how the story writes each word ("Opposition
    Leader Detained" -> "opposition leader detained" when the body writes them so);
    words the story does not use keep their capital, since they may be names. Same
    length as the input."""
    def fix(m: re.Match) -> str:
        w = m.group()
        if m.start() == 0:
            return w
        if w.lower() in _EVENT_WORDS:
            return w.lower()  # never a name, however a repeated title in the body spells it
        form = known.get(w.lower())
        if form is not None and len(form) == len(w):
            return form
        return w.lower() if w.lower() in _SMALL else w
    return _WORD.sub(fix, line)


def _lines(text: str, limit: int):
    """(start, end) of each line in the first ``limit`` characters."""
    pos = 0
    n = min(len(text), limit)
    while pos < n:
        end = text.find("\n", pos)
        if end < 0:
            end = len(text)
        yield pos, end
        pos = end + 1


def _lead_at_dateline(body: str, first_end: int, lead: int, furniture: list) -> int:
    """Story highlights above the story: "De Lima has denied involvement" and then
    "Manila, Philippines (CNN)". Unpunctuated lines followed within a few lines by an
    agency dateline are bullets; the story (the lead) starts at the dateline."""
    if re.search(r"[.!?\"\u201d']\s*$", body[lead:first_end]):
        return lead
    bullets = [(lead, first_end)]
    for i, (start, end) in enumerate(_lines(body[first_end + 1:], _SCAN_CHARS)):
        start, end = start + first_end + 1, end + first_end + 1
        line = body[start:end]
        if not line.strip():
            continue
        if is_dateline_line(line):
            furniture.extend(bullets)
            return start
        if i >= 8 or re.search(r"[.!?\"\u201d']\s*$", line):
            return lead
        bullets.append((start, end))
    return lead


_CREDIT = re.compile(r"getty images|shutterstock|\b(?:ap|afp|reuters|epa|efe|xinhua|anadolu|file) photo\b"
                     r"|^(?:photo|image|picture)s?\b|/(?:ap|afp|reuters|epa|getty|bloomberg)\b", re.IGNORECASE)


def _is_caption(body: str, start: int, end: int) -> bool:
    """A photo caption set as a sentence: the next line is its credit ("Photo: Reuters",
    "Getty Images"), or it comes again within three lines with a credit between ("Jan Doe",
    "Getty Images"; a lead a page repeats has none)."""
    line = body[start:end].strip()
    nxt = [body[end + s:end + e].strip() for s, e in _lines(body[end:end + 600], 600)
           if body[end + s:end + e].strip()][:3]
    if not nxt:
        return False
    if _CREDIT.search(nxt[0]) and len(nxt[0]) <= 60:
        return True
    rest = nxt[0][len(line):].strip() if nxt[0].startswith(line) else ""
    if rest and len(rest) <= 60 and _CREDIT.search(rest):
        return True  # the caption again with its credit glued on: "... in Phnom Penh. PHOTO: AFP"
    between = nxt[:nxt.index(line)] if line in nxt else []
    return any(_CREDIT.search(n) and len(n) <= 60 for n in between)


# A publisher's appeal for money between the headline and the story, ended by its own
# closing line (The Independent's runs six lines).
_APPEAL_START = re.compile(r"your support helps us (?:to )?tell the story|support (?:our|independent|quality) "
                           r"journalism|help us keep (?:our )?journalism free", re.IGNORECASE)
_APPEAL_END = re.compile(r"your support makes all the difference\.?|thank you for your support\.?", re.IGNORECASE)
_APPEAL_LINES = 8
_TEASER_LINK = re.compile(r"(?:read more|read full story|full story|continue reading|more)\W*", re.IGNORECASE)


_DATE_IN = re.compile(_DATE, re.IGNORECASE)


def _is_fragment(line: str) -> bool:
    """Too short for running text: "broken clouds", "30°C / 30°C", "No Image"."""
    return len(_WORD.findall(line)) < 4 and not re.search(r"[.!?\"\u201d]\s*$", line.strip()) \
        and not is_dateline_line(line) and not _DATE_IN.search(line)  # "NEW YORK 1996-08-30"


def _is_teaser(body: str, end: int) -> bool:
    """A related story's headline: the next line is its "Read more" link."""
    nxt = next((body[end + a:end + b].strip() for a, b in _lines(body[end:end + 400], 400)
                if body[end + a:end + b].strip()), "")
    return bool(_TEASER_LINK.fullmatch(nxt))


def read_layout(headline: str, body: str) -> tuple[bool, PageLayout]:
    """(the given headline is itself furniture, the body's layout).

    The top of the body is read line by line up to the first line of running text
    (the lead): furniture lines are marked, headline-like lines collected. When the
    item brought no headline (a pasted page) or brought a furniture line as its
    headline, the fullest headline-like line is the headline and the ones above it
    (a logo, a section name) are furniture.
    """
    head_is_furniture = bool(headline.strip()) and (is_furniture(headline) or bool(_PREFIX.fullmatch(headline + " A")))
    want_headline = not headline.strip() or head_is_furniture
    furniture: list[tuple[int, int]] = []
    titles: list[tuple[int, int]] = []
    lead: int | None = None
    # Only lines that may be text count against the budget: a block of teasers or
    # navigation above the story ("Don't miss", then headline / "Read more" pairs) would
    # otherwise use it up before the headline (the character budget still bounds the scan).
    counted = 0
    appeal = 0  # lines left in a donation appeal ("Your support helps us to tell the story")
    for start, end in _lines(body, _SCAN_CHARS):
        line = body[start:end]
        if not line.strip():
            continue
        if appeal:
            closing = _APPEAL_END.search(line)
            appeal = 0 if closing else appeal - 1
            if closing is None or not line[closing.end():].strip():
                furniture.append((start, end))
                continue
            # the story glued to the appeal's last words: "...all the difference.Iraqi forces"
            furniture.append((start, start + closing.end()))
            start += closing.end()
            line = body[start:end]
        elif _APPEAL_START.fullmatch(line.strip()):
            appeal = _APPEAL_LINES
            furniture.append((start, end))
            continue
        if is_furniture(line) or _is_teaser(body, end):
            furniture.append((start, end))
            continue
        counted += 1
        if counted > _SCAN_LINES:
            break
        m = _PREFIX.match(line)
        content = start + (m.end() if m else 0)
        if m:
            furniture.append((start, content))
        if is_title_like(body[content:end]) and body[end:].strip():
            titles.append((content, end))
            continue
        if _is_caption(body, start, end) or any(body[a:b].strip() == line.strip() for a, b in furniture) \
                or _is_fragment(body[content:end]):
            furniture.append((start, end))
            continue
        lead = content
        lead = _lead_at_dateline(body, end, lead, furniture)
        break
    if lead is None and len(titles) < 2:
        # no running text found near the top: nothing to tell apart, leave it as it is
        return head_is_furniture, PageLayout(tuple(s for s in furniture if s[1] <= (titles or [(len(body), 0)])[0][0]))
    title = None
    if want_headline and titles:
        # the first full headline-like line (a logo or section name is shorter); a line
        # cut off with "..." is a standfirst, not the headline
        full = [t for t in titles if len(_WORD.findall(body[t[0]:t[1]])) >= 5
                and not body[t[0]:t[1]].rstrip().endswith(("\u2026", "..."))]
        title = full[0] if full else max(titles, key=lambda t: (len(_WORD.findall(body[t[0]:t[1]])), -t[0]))
        furniture += [t for t in titles if t[1] <= title[0]]
        # the headline again below itself (a page's title block repeats it)
        text = body[title[0]:title[1]].strip()
        furniture += [t for t in titles if t[0] > title[0] and body[t[0]:t[1]].strip() == text]
    return head_is_furniture, PageLayout(tuple(sorted(furniture)), title, lead)
