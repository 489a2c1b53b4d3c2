"""Event identity: which alert a matched item belongs to.

An alert is one *event*, not one article. Its key hashes:

* the watched topic,
* the target person (case- and space-normalised),
* the event family of the frame (``arrest`` covers arrest/detain/charge/jail/...),
* the country, when known (from the frame's place, the dateline, or the first
  country/nationality named in the evidence sentence or the headline),
* a 14-day window: ``window_start`` = the item's published time (else its received
  time), floored to a 14-day grid that starts on Monday 1970-01-05 (UTC).

Two refinements are applied by the store, inside the batch transaction, before the
upsert on the key (see ``PostgresStore._resolve_event_keys``):

* "when known": a story whose country is unknown joins an existing alert of the same
  topic/target/event/window whatever its country; a story with a known country joins
  one whose country was unknown. Only two *different known* countries split alerts.
* window edges: a story also joins the alert of the *previous* window when that alert
  was last seen less than 14 days before the story, so an event that straddles a grid
  line stays one alert.

Everything here is deterministic, so a replay recomputes the same keys.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from consumers.understanding.gazetteer import COUNTRIES

WINDOW_DAYS = 14
_EPOCH = date(1970, 1, 5)  # a Monday

# Dateline cities → country. Short on purpose: the dateline is one of several clues.
CITY_COUNTRY = {
    "phnom penh": "Cambodia", "siem reap": "Cambodia", "moscow": "Russia", "st petersburg": "Russia",
    "st. petersburg": "Russia", "dhaka": "Bangladesh", "harare": "Zimbabwe", "bulawayo": "Zimbabwe",
    "kampala": "Uganda", "caracas": "Venezuela", "ankara": "Turkey", "istanbul": "Turkey",
    "islamabad": "Pakistan", "karachi": "Pakistan", "lahore": "Pakistan", "tunis": "Tunisia",
    "yaounde": "Cameroon", "douala": "Cameroon", "dar es salaam": "Tanzania", "dodoma": "Tanzania",
    "yangon": "Myanmar", "rangoon": "Myanmar", "naypyitaw": "Myanmar", "baku": "Azerbaijan",
    "minsk": "Belarus", "rabat": "Morocco", "bangkok": "Thailand", "hanoi": "Vietnam",
    "kuala lumpur": "Malaysia", "jakarta": "Indonesia", "manila": "Philippines", "beijing": "China",
    "hong kong": "Hong Kong", "tehran": "Iran", "cairo": "Egypt", "nairobi": "Kenya", "kinshasa": "Congo",
    "addis ababa": "Ethiopia", "abuja": "Nigeria", "lagos": "Nigeria", "kigali": "Rwanda",
    "tbilisi": "Georgia", "yerevan": "Armenia", "kyiv": "Ukraine", "kiev": "Ukraine",
    "tashkent": "Uzbekistan", "almaty": "Kazakhstan", "astana": "Kazakhstan", "bishkek": "Kyrgyzstan",
    "managua": "Nicaragua", "havana": "Cuba", "la paz": "Bolivia", "brasilia": "Brazil",
    "new delhi": "India", "colombo": "Sri Lanka", "kathmandu": "Nepal", "algiers": "Algeria",
    "khartoum": "Sudan", "lome": "Togo", "bamako": "Mali", "conakry": "Guinea", "dakar": "Senegal",
    "lusaka": "Zambia", "lilongwe": "Malawi", "maputo": "Mozambique", "luanda": "Angola",
    "washington": "United States", "new york": "United States", "london": "United Kingdom",
    "paris": "France", "berlin": "Germany", "warsaw": "Poland", "budapest": "Hungary",
}
DEMONYMS = {
    "cambodian": "Cambodia", "russian": "Russia", "bangladeshi": "Bangladesh", "zimbabwean": "Zimbabwe",
    "ugandan": "Uganda", "venezuelan": "Venezuela", "turkish": "Turkey", "pakistani": "Pakistan",
    "tunisian": "Tunisia", "cameroonian": "Cameroon", "tanzanian": "Tanzania", "burmese": "Myanmar",
    "azerbaijani": "Azerbaijan", "belarusian": "Belarus", "moroccan": "Morocco", "thai": "Thailand",
    "vietnamese": "Vietnam", "malaysian": "Malaysia", "indonesian": "Indonesia", "filipino": "Philippines",
    "chinese": "China", "iranian": "Iran", "egyptian": "Egypt", "kenyan": "Kenya", "ethiopian": "Ethiopia",
    "nigerian": "Nigeria", "rwandan": "Rwanda", "georgian": "Georgia", "armenian": "Armenia",
    "ukrainian": "Ukraine", "nicaraguan": "Nicaragua", "cuban": "Cuba", "bolivian": "Bolivia",
    "brazilian": "Brazil", "indian": "India", "algerian": "Algeria", "sudanese": "Sudan",
    "togolese": "Togo", "malian": "Mali", "senegalese": "Senegal", "zambian": "Zambia",
    "kazakh": "Kazakhstan", "uzbek": "Uzbekistan", "kyrgyz": "Kyrgyzstan", "american": "United States",
    "british": "United Kingdom", "french": "France", "german": "Germany", "polish": "Poland",
    "hungarian": "Hungary", "congolese": "Congo", "nepali": "Nepal", "sri lankan": "Sri Lanka",
}
_ALIASES = {"burma": "Myanmar", "holland": "Netherlands", "britain": "United Kingdom",
            "great britain": "United Kingdom", "u.s.": "United States", "usa": "United States",
            "united states of america": "United States", "america": "United States",
            "czechia": "Czech Republic", "timor-leste": "East Timor", "kosova": "Kosovo"}


def _country_names() -> dict[str, str]:
    names = {n.strip().lower(): n.strip() for n in COUNTRIES.replace("\n", "").split("|") if n.strip()}
    names.update({k: v for k, v in _ALIASES.items()})
    return names


_COUNTRY = _country_names()
_COUNTRY_RE = re.compile(
    r"(?<![\w.])(" + "|".join(sorted(map(re.escape, set(_COUNTRY) | set(DEMONYMS)), key=len, reverse=True))
    + r")(?![\w])", re.I)


def country_of_place(place: str | None) -> str | None:
    """A country for a place string (a country, a known city, or 'CITY, Country')."""
    if not place:
        return None
    p = " ".join(place.split()).strip(" ,.").lower()
    if p in _COUNTRY:
        return _COUNTRY[p]
    if p in CITY_COUNTRY:
        return CITY_COUNTRY[p]
    if "," in p:  # "VALPARAISO, Chile"
        for part in reversed(p.split(",")):
            found = country_of_place(part)
            if found:
                return found
    return None


def country_in_text(text: str | None) -> str | None:
    """The first country or nationality named in `text`."""
    if not text:
        return None
    m = _COUNTRY_RE.search(text)
    if not m:
        return None
    word = m.group(1).lower()
    return _COUNTRY.get(word) or DEMONYMS.get(word)


def resolve_country(frame_place: str | None, dateline: str | None, evidence: str | None,
                    headline: str | None) -> str | None:
    for found in (country_of_place(frame_place), country_of_place(dateline),
                  country_in_text(evidence), country_in_text(headline)):
        if found:
            return found
    return None


def normalise_target(target: str | None) -> str:
    return " ".join((target or "").split()).casefold()


def parse_time(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    t = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def window_start(when: datetime, days: int = WINDOW_DAYS) -> date:
    d = when.astimezone(timezone.utc).date()
    return _EPOCH + timedelta(days=((d - _EPOCH).days // days) * days)


def event_key(topic: str, target: str | None, event: str | None, country: str | None, start: date) -> str:
    parts = ["event", topic, normalise_target(target), (event or "").casefold(),
             (country or "").casefold(), start.isoformat()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class EventIdentity:
    event_key: str
    topic: str
    target: str | None
    target_key: str
    event: str | None
    country: str | None
    window_start: date
    seen_at: datetime  # the item's published time, else its received time

    def to_dict(self) -> dict:
        return {"event_key": self.event_key, "target": self.target, "target_key": self.target_key,
                "event": self.event, "country": self.country,
                "window_start": self.window_start.isoformat(), "window_days": WINDOW_DAYS,
                "seen_at": self.seen_at.isoformat()}

    def with_country(self, country: str | None, start: date | None = None) -> "EventIdentity":
        start = start or self.window_start
        return EventIdentity(event_key(self.topic, self.target, self.event, country, start), self.topic,
                             self.target, self.target_key, self.event, country, start, self.seen_at)


def identify(topic: str, target: str | None, event: str | None, *, frame_place: str | None,
             dateline: str | None, evidence: str | None, headline: str | None,
             published_at: str | datetime | None, received_at: str | datetime | None) -> EventIdentity:
    seen = parse_time(published_at) or parse_time(received_at) or datetime.now(timezone.utc)
    country = resolve_country(frame_place, dateline, evidence, headline)
    start = window_start(seen)
    return EventIdentity(event_key(topic, target, event, country, start), topic, target,
                         normalise_target(target), event, country, start, seen)


def source_of(url: str | None, feed: str | None, source: str | None) -> str:
    """Who published it, for corroboration: the URL's host, else the feed's (or the feed's name),
    else the source kind ("reuters-text"). A local file path is never a source name."""
    for candidate in (url, feed):
        if candidate and "://" in candidate:
            host = (urlsplit(candidate).hostname or "").lower()
            if host:
                return host[4:] if host.startswith("www.") else host
        elif candidate and not ("/" in candidate or "\\" in candidate):  # a feed name, not a file path
            return candidate.strip().lower()[:200]
    return (source or "unknown").lower()
