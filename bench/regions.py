"""Country -> world region, for per-region figures in the dev-set evaluation.

The regions follow how news desks group their beats, not a formal standard:
the former Soviet republics outside the EU and Central Asia are one region because
their opposition politics (and how it is reported) have much in common. Names are the
English country names the label files use; a few common alternatives are accepted.
Unknown or missing countries fall in ``UNKNOWN``.
"""
from __future__ import annotations

UNKNOWN = "Unknown"

_REGIONS: dict[str, tuple[str, ...]] = {
    "South Asia": (
        "Afghanistan", "Bangladesh", "Bhutan", "India", "Maldives", "Nepal", "Pakistan", "Sri Lanka"),
    "East Asia & Pacific": (
        "Australia", "Brunei", "Cambodia", "China", "Fiji", "Hong Kong", "Indonesia", "Japan", "Laos",
        "Macau", "Malaysia", "Mongolia", "Myanmar", "Nauru", "New Zealand", "North Korea", "Papua New Guinea",
        "Philippines", "Samoa", "Singapore", "Solomon Islands", "South Korea", "Taiwan", "Thailand",
        "Timor-Leste", "Tonga", "Vanuatu", "Vietnam"),
    "Central Asia": ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan"),
    "Former USSR/Eastern Europe": (
        "Armenia", "Azerbaijan", "Belarus", "Georgia", "Moldova", "Russia", "Ukraine"),
    "Europe": (
        "Albania", "Andorra", "Austria", "Belgium", "Bosnia and Herzegovina", "Bulgaria", "Croatia",
        "Cyprus", "Czech Republic", "Denmark", "Estonia", "Finland", "France", "Germany", "Greece",
        "Hungary", "Iceland", "Ireland", "Italy", "Kosovo", "Latvia", "Liechtenstein", "Lithuania",
        "Luxembourg", "Malta", "Monaco", "Montenegro", "Netherlands", "North Macedonia", "Norway",
        "Poland", "Portugal", "Romania", "San Marino", "Serbia", "Slovakia", "Slovenia", "Spain",
        "Sweden", "Switzerland", "Turkey", "United Kingdom", "Vatican City"),
    "Middle East & North Africa": (
        "Algeria", "Bahrain", "Egypt", "Iran", "Iraq", "Israel", "Jordan", "Kuwait", "Lebanon", "Libya",
        "Morocco", "Oman", "Palestine", "Qatar", "Saudi Arabia", "Syria", "Tunisia",
        "United Arab Emirates", "Western Sahara", "Yemen"),
    "Sub-Saharan Africa": (
        "Angola", "Benin", "Botswana", "Burkina Faso", "Burundi", "Cameroon", "Cape Verde",
        "Central African Republic", "Chad", "Comoros", "Democratic Republic of the Congo",
        "Republic of the Congo", "Djibouti", "Equatorial Guinea", "Eritrea", "Eswatini", "Ethiopia",
        "Gabon", "Gambia", "Ghana", "Guinea", "Guinea-Bissau", "Ivory Coast", "Kenya", "Lesotho",
        "Liberia", "Madagascar", "Malawi", "Mali", "Mauritania", "Mauritius", "Mozambique", "Namibia",
        "Niger", "Nigeria", "Rwanda", "Sao Tome and Principe", "Senegal", "Seychelles", "Sierra Leone",
        "Somalia", "South Africa", "South Sudan", "Sudan", "Tanzania", "Togo", "Uganda", "Zambia",
        "Zimbabwe"),
    "Latin America & Caribbean": (
        "Antigua and Barbuda", "Argentina", "Bahamas", "Barbados", "Belize", "Bolivia", "Brazil",
        "Chile", "Colombia", "Costa Rica", "Cuba", "Dominica", "Dominican Republic", "Ecuador",
        "El Salvador", "Grenada", "Guatemala", "Guyana", "Haiti", "Honduras", "Jamaica", "Mexico",
        "Nicaragua", "Panama", "Paraguay", "Peru", "Puerto Rico", "Saint Lucia", "Suriname",
        "Trinidad and Tobago", "Uruguay", "Venezuela"),
    "North America": ("Canada", "United States"),
}

_ALIASES = {
    "usa": "United States", "us": "United States", "u.s.": "United States", "united states of america":
    "United States", "america": "United States", "uk": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "england": "United Kingdom", "scotland": "United Kingdom",
    "wales": "United Kingdom", "northern ireland": "United Kingdom", "burma": "Myanmar",
    "czechia": "Czech Republic", "macedonia": "North Macedonia", "swaziland": "Eswatini",
    "cote d'ivoire": "Ivory Coast", "côte d'ivoire": "Ivory Coast", "drc": "Democratic Republic of the Congo",
    "dr congo": "Democratic Republic of the Congo", "congo-kinshasa": "Democratic Republic of the Congo",
    "congo": "Republic of the Congo", "congo-brazzaville": "Republic of the Congo",
    "east timor": "Timor-Leste", "korea": "South Korea", "republic of korea": "South Korea",
    "uae": "United Arab Emirates", "palestinian territories": "Palestine", "west bank": "Palestine",
    "gaza": "Palestine", "russian federation": "Russia", "turkiye": "Turkey", "türkiye": "Turkey",
    "the gambia": "Gambia", "cabo verde": "Cape Verde", "viet nam": "Vietnam", "lao pdr": "Laos",
    "holland": "Netherlands", "the netherlands": "Netherlands", "the philippines": "Philippines",
    "bosnia": "Bosnia and Herzegovina", "kyrgyz republic": "Kyrgyzstan",
}

COUNTRY_REGION: dict[str, str] = {c: region for region, cs in _REGIONS.items() for c in cs}
REGIONS: tuple[str, ...] = tuple(_REGIONS) + (UNKNOWN,)
_LOWER = {c.lower(): c for c in COUNTRY_REGION}


def canonical_country(name: str) -> str | None:
    """The map's spelling of ``name`` (case and common alternatives ignored), or None."""
    key = (name or "").strip().lower()
    if key in _LOWER:
        return _LOWER[key]
    return _ALIASES.get(key)


def region_of(country: str) -> str:
    """The region of ``country``; ``UNKNOWN`` for '-', empty or unmapped names."""
    found = canonical_country(country)
    return COUNTRY_REGION[found] if found else UNKNOWN
