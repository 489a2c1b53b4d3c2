"""Words that name a position rather than a person.

Used to strip titles off PERSON spans ("Spokesman So Eysan" -> "So Eysan"), to spot
person contexts for type consolidation ("the leader ..., Kem Sokha") and to read a
target's role in event frames ("opposition leader", "interior minister").
"""
from __future__ import annotations

# Lower-cased single tokens that may precede a name as a title.
TITLE_WORDS = frozenset("""
mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady
president vice prime minister premier chancellor chairman chairwoman chairperson chair
spokesman spokeswoman spokesperson secretary general gen gen. lt lt. col col. maj maj.
capt capt. sgt sgt. cmdr adm adm. colonel major captain sergeant lieutenant commander admiral
marshal brigadier governor gov gov. mayor senator sen. sen rep. rep representative congressman
congresswoman judge justice attorney prosecutor deputy leader chief director ambassador envoy
king queen prince princess sheikh emir sultan pope cardinal archbishop bishop reverend rev rev.
emperor empress tsar czar
father imam rabbi ayatollah coach manager striker midfielder defender goalkeeper captain
former late acting interim opposition dissident activist lawmaker legislator mp m.p.
foreign interior defence defense finance justice economy trade labour labor health
state junior senior assistant executive party ruling main co-founder founder head
detective inspector superintendent constable officer commissioner chairman ceo
""".split())

# Nouns that, in apposition or as a title, say the bearer is a person.
PERSON_NOUNS = frozenset("""
leader president minister premier chancellor chairman chairwoman spokesman spokeswoman
spokesperson secretary governor mayor senator lawmaker legislator deputy chief director
ambassador envoy king queen prince princess activist dissident politician candidate founder
head official officer judge prosecutor lawyer attorney journalist reporter editor businessman
businesswoman tycoon banker economist analyst student professor writer author blogger
commander general colonel member vice-president aide adviser advisor critic campaigner
opponent rival challenger figure man woman wife husband son daughter brother sister father mother
mp mps parliamentarian congressman congresswoman
""".split())

# Words that, next to a person, mark them as part of the opposition.
OPPOSITION_WORDS = frozenset("""
opposition dissident dissidents anti-government anti-kremlin pro-democracy
""".split())

# Titles that mark a person as part of the state or government side.
GOVERNMENT_WORDS = frozenset("""
minister premier governor mayor official officials officer ambassador envoy
secretary commissioner prosecutor judge general colonel police policeman policemen
chancellor vice-president deputy-minister bureaucrat civil-servant
""".split())
