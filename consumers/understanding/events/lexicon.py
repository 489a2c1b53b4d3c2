"""The words the arrest-family rules know, in one place: trigger tables, pronouns,
and the vocabulary of status and role decisions.

Plain constants only (no spaCy, no logic): the rules in ``frames``, ``arguments``,
``status`` and ``roles`` read these; tuning the vocabulary never touches a rule.
"""
from __future__ import annotations

from ..titles import PERSON_NOUNS

# --- triggers -------------------------------------------------------------------------

VERB_ACTIONS = {
    "arrest": "arrest", "detain": "detain", "jail": "jail", "imprison": "jail",
    "charge": "charge", "indict": "indict", "remand": "remand", "sentence": "jail",
    "apprehend": "arrest", "rearrest": "arrest", "re-arrest": "arrest", "incarcerate": "jail",
}
ARREST_LEMMAS = frozenset(VERB_ACTIONS)
# Verbs that mean detention only when a person is held ("X was held", "nabbed"), and
# phrasal ones with "up" ("picked up by police", "rounded up").
CUSTODY_VERBS = frozenset({"hold", "nab", "seize"})
PHRASAL_CUSTODY = frozenset({"pick", "round", "lock"})
# Who takes a person into custody: "X was taken by police".
CUSTODY_FORCES = frozenset({"police", "policeman", "policemen", "officer", "officers", "agent", "agents",
                            "soldier", "soldiers", "troops", "forces", "gendarme", "gendarmes", "militia",
                            "militiamen", "authorities"})
# Whom one surrenders to, into custody: "surrendered to police", "to the National Guard".
SURRENDER_TO = CUSTODY_FORCES | frozenset({"guard", "guards", "guardsmen", "prosecutors", "court"})
# Nouns that report a detention only as a state: "under house arrest", "in jail".
STATE_NOUNS = {"jail": "jail", "prison": "jail", "custody": "detain", "detention": "detain",
               "arrest": "arrest", "bars": "jail"}  # "behind bars"
NOUN_ACTIONS = {
    "arrest": "arrest", "detention": "detain", "imprisonment": "jail", "jailing": "jail",
    "indictment": "indict", "remand": "remand", "charge": "charge", "incarceration": "jail",
    "rearrest": "arrest", "re-arrest": "arrest",
}
# Lemmatiser quirks of the small model ("jailed" -> "jail", but "arrests" as a verb
# sometimes stays "arrests").
LEMMA_FIX = {"arrests": "arrest", "detained": "detain", "jailed": "jail", "charged": "charge",
             "indicted": "indict", "remanded": "remand", "arrested": "arrest",
             "re-arrests": "re-arrest", "re-arrested": "re-arrest", "re-arresting": "re-arrest",
             "rearrests": "rearrest", "rearrested": "rearrest"}
# "sentenced to five years in prison" is a jailing, "sentenced on Monday" may not be.
SENTENCE_TERMS = frozenset({"prison", "jail", "years", "months", "death"})
# What one is charged with, when no "with"/"against" says it is the legal sense.
CHARGE_CRIMES = frozenset({"criminal", "treason", "terrorism", "corruption", "fraud", "murder",
                           "sedition", "espionage", "incitement"})
# "the charges aimed at Demirtas", "charges brought against him"
AIM_VERBS = frozenset({"aim", "bring", "level", "file", "lodge", "press"})
WARRANT_NOUNS = frozenset({"warrant", "warrants"})

# --- targets --------------------------------------------------------------------------

PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
QUANTIFIER_PRONOUNS = frozenset({"all", "both"})
FIRST_PERSON = frozenset({"i", "me", "my"})
PLURAL_PRONOUNS = frozenset({"them", "they", "their"})
FEMININE = frozenset({"she", "her", "hers"})
RELATIVE_PRONOUNS = frozenset({"who", "whom", "that", "which"})
SPEECH_LEMMAS = frozenset({"say", "tell", "write", "add", "declare", "insist"})

# --- status ---------------------------------------------------------------------------

STATE_PREPS = frozenset({"under", "in", "into", "behind"})
CALL_VERBS = frozenset({"call", "demand", "urge", "seek", "ask", "want", "request", "press",
                        "push", "appeal", "petition", "campaign", "lobby", "clamour", "clamor"})
WARRANT_VERBS = frozenset({"order", "authorize", "authorise", "approve", "sign", "issue"})
THREAT_VERBS = frozenset({"face", "risk", "threaten", "fear", "avoid", "evade", "escape", "flee",
                          "resist", "dodge", "elude", "warn", "expect", "plan", "consider",
                          "try", "attempt", "seek", "want", "intend", "vow", "pledge", "promise",
                          "could", "may", "might", "would"})
THREAT_NOUNS = frozenset({"threat", "risk", "possibility", "prospect", "fear", "danger",
                          "wave", "spate"})
MODALS = frozenset({"could", "may", "might", "would", "can", "should", "will", "must", "shall",
                    "'d", "'ll", "wo", "ca"})
RELEASE_LEMMAS = frozenset({"release", "free", "acquit", "clear", "bail", "drop", "overturn",
                            "quash", "pardon", "dismiss", "exonerate", "reverse", "lift",
                            "discharge", "withdraw", "absolve", "amnesty", "commute", "throw",
                            "scrap", "void", "annul"})
ESCAPE_LEMMAS = frozenset({"escape", "flee", "leave", "end", "lift"})
RELEASE_NOUNS = frozenset({"release", "acquittal", "bail", "pardon", "amnesty", "freedom", "dropping",
                           "withdrawal", "dismissal", "quashing", "annulment", "lifting", "end"})
# Reactions to an arrest that already happened: "protested against the arrest of X".
PROTEST_LEMMAS = frozenset({"protest", "condemn", "denounce", "criticise", "criticize", "decry",
                            "rally", "demonstrate", "march", "outrage", "anger", "uproar", "outcry",
                            "lambast", "slam", "deplore"})
# Titles that no longer hold: "a former interior minister" is not the government now.
FORMER_WORDS = frozenset({"former", "ex", "ex-", "ousted", "deposed", "exiled", "toppled", "sacked", "retired"})
# Words that call a report of an arrest untrue: "the report of his arrest was false".
UNTRUE_WORDS = frozenset({"false", "untrue", "fake", "baseless", "unfounded", "fabricated", "wrong",
                          "erroneous", "misleading", "inaccurate"})
# Custody that an order imposes at once (a remand), unlike an ordered "arrest" (a warrant).
REMAND_NOUNS = frozenset({"detention", "remand", "custody", "imprisonment", "jailing", "incarceration"})
REPORT_NOUNS = frozenset({"report", "claim", "news", "rumour", "rumor", "story", "allegation", "publication", "post"})
# A governing verb that says the arrest did not happen: "court refuses to remand X".
REFUSAL_LEMMAS = frozenset({"refuse", "reject", "decline", "deny", "fail", "overrule"})
SUBORDINATORS = frozenset({"after", "since", "following", "before", "until", "despite"})
# Custody that ended in death is not an arrest: "four opposition members die in custody".
DEATH_LEMMAS = frozenset({"die", "died", "dies", "perish", "death"})
# A lead's "leftist lawmaker" is the "Rep. Lee Seok-ki" named next: titles for one office.
_LEGISLATOR = ("lawmaker", "legislator", "mp", "rep", "rep.", "representative", "congressman",
               "congresswoman", "parliamentarian", "senator", "sen.")
SAME_TITLE = {t: frozenset(_LEGISLATOR) - {t} for t in _LEGISLATOR if t not in {"senator", "sen."}}
# "marked the fifth anniversary of his arrest"
MEMORIAL_NOUNS = frozenset({"anniversary", "commemoration", "remembrance", "memory"})
# "held for two years" has lasted; "jailed" or "placed under house arrest for two years"
# is the sentence or order, news
LONG_UNITS = frozenset({"year", "years", "month", "months", "decade", "decades"})
HELD_LEMMAS = frozenset({"hold", "detain", "keep", "be", "remain", "languish", "spend"})
# Detention that goes on: "court extends remand", "X remains in jail", "the continued detention".
GOING_ON_WORDS = frozenset({"continued", "further", "extended", "prolonged", "ongoing"})
CONTINUE_LEMMAS = frozenset({"extend", "prolong", "renew", "lengthen", "remain", "languish", "stay", "keep",
                             "serve"})  # "is serving house arrest"
NEG_WORDS = frozenset({"not", "n't", "never", "no"})

# Events that, when they are what the headline or the lead sentence is about, make an
# arrest mentioned nearby background rather than the news: "X pardoned", "court frees
# Y", "US denies role", "jailed activists win appeal".
COMPETING_LEMMAS = frozenset({
    "release", "free", "pardon", "acquit", "appeal", "deny", "reject", "overturn", "quash",
    "commute", "reduce", "dismiss", "exonerate", "amnesty", "bail", "absolve", "rebuff",
    "refute", "dispute", "uphold", "win",
})
# what an accused denies without that being the news: "denied the charges / involvement"
ACCUSATION_NOUNS = frozenset({"charge", "allegation", "accusation", "involvement", "wrongdoing", "claim",
                              "guilt", "crime", "offence", "offense", "link", "role"})
COMPETING_WORDS = frozenset({
    "released", "releases", "freed", "frees", "pardoned", "pardons", "pardon", "acquitted",
    "acquits", "acquittal", "appeal", "appeals", "denies", "deny", "denied", "rejects",
    "rejected", "bail", "release", "overturned", "overturns", "quashed", "quashes",
    "commuted", "commutes", "amnesty", "cleared", "clears",
})

# --- roles ----------------------------------------------------------------------------

FIGURE_NOUNS = PERSON_NOUNS | frozenset({"lawmaker", "lawmakers", "mp", "mps", "deputies",
                                         "politicians", "leaders", "activists", "figures",
                                         "figure", "members", "officials", "candidates", "chair",
                                         "co-chair", "co-chairs", "co-leader", "co-leaders", "chairperson",
                                         "vice-chairman", "vice-president", "secretary-general",
                                         # party officials: "their campaign managers"
                                         "manager", "managers", "boss", "bosses", "spokesman", "spokeswoman",
                                         "spokesperson", "organiser", "organizer", "coordinator", "treasurer"})
CROWD_NOUNS = frozenset({"supporter", "protester", "demonstrator", "people", "marcher",
                         "student", "crowd", "youth", "rioter", "follower", "sympathizer",
                         "sympathiser", "voter", "resident", "civilian"})
# What a person's own noun says they are, for topics beyond the flagship ("arrests of
# journalists"): role name -> nouns (lower case, singular and plural).
PROFESSION_ROLES = {
    "journalist": frozenset({"journalist", "journalists", "reporter", "reporters", "correspondent",
                             "correspondents", "editor", "editors", "photojournalist", "photojournalists",
                             "photographer", "photographers", "cameraman", "cameramen", "columnist",
                             "columnists", "broadcaster", "broadcasters", "presenter", "anchor",
                             "publisher", "newsman", "journo"}),
    "activist": frozenset({"activist", "activists", "campaigner", "campaigners", "defender", "defenders",
                           "advocate", "advocates"}),
    "crowd": frozenset({"protester", "protesters", "demonstrator", "demonstrators", "rioter", "rioters",
                        "marcher", "marchers", "protestor", "protestors"}),
    "military": frozenset({"soldier", "soldiers", "troops", "colonel", "colonels", "commander",
                           "commanders", "army", "officers", "general", "generals", "lieutenant",
                           "serviceman", "servicemen", "brigadier"}),
    "suspect": frozenset({"suspect", "suspects", "militant", "militants", "gunman", "gunmen", "smuggler",
                          "smugglers", "trafficker", "traffickers", "fugitive", "thief", "thieves",
                          "robber", "robbers", "murderer", "killer", "fraudster", "gangster", "gang",
                          "kingpin", "insurgent", "insurgents", "jihadist", "jihadists", "extremist"}),
}
QUANTITY_NOUNS = frozenset({"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "score", "scores",
                            "number", "handful", "couple", "several", "some", "many", "most", "all", "both"})
# prison terms handed down: "hands prison terms to dozens of ...", "gave him a jail sentence"
TERM_NOUNS = frozenset({"sentence", "term"})
TERM_VERBS = frozenset({"hand", "deliver", "give", "impose", "mete", "issue", "pass", "slap", "award"})
# "staff of the daily", "employees of the TV channel": a newsroom's people are journalists
STAFF_NOUNS = frozenset({"staff", "staffer", "staffers", "employee", "employees", "worker", "workers",
                         "people", "member", "members", "executive", "executives", "crew"})
MEDIA_NOUNS = frozenset({"newspaper", "daily", "paper", "weekly", "magazine", "tv", "television", "channel",
                         "broadcaster", "radio", "outlet", "newsroom", "tabloid", "gazette"})
# not "agency" or "station": aid agencies and police stations have staff too
PROFESSION_OF = {w: role for role, words in PROFESSION_ROLES.items() for w in words}
# Relative clauses that say what a person belongs to ("who belongs to the opposition").
# ("represent" is not one: a lawyer "who represented dissidents" is no dissident.)
MEMBERSHIP_VERBS = frozenset({"belong", "lead", "head", "chair", "found", "co-found"})
# Who a "critic" criticises, for it to be an opposition figure ("Kremlin critic").
CRITICIZED = frozenset({"president", "government", "regime", "kremlin", "leader", "ruler", "junta",
                        "premier", "minister", "authorities"})
CRITIC_NOUNS = frozenset({"critic", "critics", "challenger", "challengers", "rival", "rivals",
                          "opponent", "opponents", "foe", "foes"})
# A candidacy against the incumbent: "presidential candidate", "would-be challenger".
CANDIDATE_NOUNS = frozenset({"candidate", "candidates", "contender", "hopeful", "aspirant",
                             "pre-candidate", "challenger"})
CANDIDACY_WORDS = frozenset({"presidential", "opposition", "would-be", "potential", "prospective",
                             "possible", "independent", "rival", "pre", "leadership", "mayoral"})
# One who works for a figure: "Guaido's deputy", "an aide to Navalny".
DEPUTY_NOUNS = frozenset({"deputy", "aide", "aides", "ally", "allies", "associate", "associates",
                          "lieutenant", "adviser", "advisor", "spokesman", "spokeswoman", "chief-of-staff"})
# Elected local offices say nothing of the national side: an opposition mayor is not
# the government.
LOCAL_OFFICES = frozenset({"mayor", "governor"})
RULING_WORDS = frozenset({"ruling", "governing", "pro-government"})
