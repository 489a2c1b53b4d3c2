"""Generated, realistic watch topics for the matching benchmark and the presearch
oracle tests. Deterministic for a given (n, seed).

What "realistic" means here. A monitoring desk watches *specific* things: a named
person, firm or party together with what it cares about ("Kem Sokha" AND arrest*),
a rare 2-3 word phrase tied to a place ("money laundering" AND Cambodia), an event
restricted to a named target or a country (arrest of Kem Sokha, protests in
Venezuela). Nobody watches "Donald Trump" or "oil" alone: that would alert on a large
share of the wire. So every generated topic is a conjunction of at least one *named*
thing (a name, a place, or an event target/country) and one *topical* thing (a word,
wildcard or phrase), and a given story matches a handful of 10,000 topics, not dozens.

Shapes mirror what users write: names as phrases, AND/OR, NEAR, wildcards, field
scopes, NOT and ``exclude`` vetoes, entity conditions and event conditions (which
need an analysis to match).

Names: a fraction ``famous_share`` comes from lists of well-known people, places and
organisations (these are the topics that actually fire on the Reuters/ISOT corpus);
the rest are synthesised people and firms ("Chidi Okafor", "Rojas Mining"), as a real
10,000-topic set mostly watches distinct, less famous names.

Calibration (Reuters/ISOT corpus, presearch on; measure again after changing the
lists or shapes with ``firing_rate`` below): with the default ``famous_share`` (0.5) a
generated topic fires on about 0.005-0.01% of stories on average (well under 0.1%), and
a story matches about 0.5-1 of 10,000 topics; see ``CALIBRATION``. With
``famous_share=1.0`` (the oracle tests, which want more matches) about 0.02%.
"""
from __future__ import annotations

import random

from consumers.matching.topics import Topic, topics_from_dicts

NEWS_WORDS = """
arrest arrested detained jailed charged indicted sentenced released protest protesters
rally strike election vote ballot poll campaign candidate parliament senate congress
lawmakers opposition coalition cabinet minister ministry court judge trial verdict appeal
police army military soldiers troops militants rebels attack bombing explosion killed
wounded ceasefire talks treaty sanctions embargo tariff trade exports imports deficit
budget tax taxes inflation interest rates bank banks bonds stocks shares market markets
investors earnings profit revenue merger acquisition deal bid takeover oil gas crude
pipeline refinery energy coal nuclear reactor uranium missile missiles drone drones
navy warship border refugees migrants asylum visa immigration deportation hurricane
earthquake flood floods drought wildfire famine outbreak virus vaccine hospital health
corruption bribery fraud scandal probe investigation inquiry resignation resigned
impeachment coup junta uprising riot riots curfew martial emergency referendum
constitution amendment reform pension unemployment jobs wages union unions workers
factory manufacturing steel aluminum automaker airline airport shipping port railway
currency dollar euro yuan peso rouble debt default bailout austerity imf loan loans
summit diplomat diplomats embassy ambassador envoy spokesman statement negotiations
hostage kidnapping ransom hijacking terrorism extremist jihadist insurgency airstrike
airstrikes shelling offensive invasion occupation annexation territory sovereignty
dissident activist activists journalist journalists censorship internet crackdown
detention prison prisoners amnesty pardon execution torture abuses rights humanitarian
aid famine cholera ebola pandemic lockdown stimulus recession growth gdp forecast
telecom spectrum antitrust regulator regulators lawsuit settlement fine penalty
cyberattack hacking espionage spy leak whistleblower bitcoin crypto blockchain
""".split()

# Specific topical words (each in roughly 0.05-5% of wire stories): what a watch topic
# pairs with a name. The very common NEWS_WORDS ("election", "court") appear only as
# NOT/exclude vetoes and in headline-scoped terms.
TOPIC_WORDS = """
blockchain airstrike hijacking pandemic cyberattack rouble wildfire bitcoin lockdown
warship telecom whistleblower curfew vaccine ebola antitrust refinery martial drought
stimulus reactor railway merger peso censorship cholera ransom uranium dissident junta
pardon automaker impeachment shelling aluminum floods yuan kidnapping drone outbreak
tariff execution acquisition famine riots invasion bailout espionage leak indicted
austerity occupation airline takeover hostage bribery bonds extremist earthquake gdp
uprising prisoners jihadist earnings verdict explosion loan recession regulator
annexation unemployment pipeline ceasefire amnesty sovereignty embargo hurricane
pension navy crude spy visa torture deportation treaty migrants sentenced abuses
hacking envoy inquiry wages lawsuit resignation jailed insurgency asylum coup
wounded strike detention protesters exports scandal diplomat offensive ballot currency
missiles airport hospital fraud deficit embassy protest investors resigned soldiers
detained crackdown prison arrest activists summit rally charged referendum debt
refugees troops terrorism arrested corruption probe
""".split()

# Rarer 2-3 word phrases (each well under 1% of stories).
PHRASES = """
money laundering|hunger strike|house arrest|insider trading|debt ceiling|travel ban|
price cap|arms sales|car bomb|suicide bomber|refugee camp|state of emergency|rate hike|
bond yields|martial law|death penalty|press freedom|election fraud|drone strike|
chemical weapons|oil spill|trade deficit|free trade agreement|sovereign debt|
corporate tax|capital gains|tax cuts|food prices|nuclear test|military coup|
human rights abuses|peace talks|no confidence vote|general strike|political prisoners|
opposition leader|arrest warrant|asylum seekers|border wall|climate change|
interest rates|exchange rate|budget deficit|trade war|nuclear deal|death toll
""".replace("\n", "").split("|")

PEOPLE = """
Angela Merkel|Emmanuel Macron|Theresa May|Vladimir Putin|Xi Jinping|Shinzo Abe|
Narendra Modi|Recep Tayyip Erdogan|Hassan Rouhani|Benjamin Netanyahu|Mahmoud Abbas|
Kim Jong Un|Moon Jae-in|Rodrigo Duterte|Joko Widodo|Hun Sen|Kem Sokha|Aung San Suu Kyi|
Jacob Zuma|Cyril Ramaphosa|Muhammadu Buhari|Paul Kagame|Yoweri Museveni|Bobi Wine|
Nicolas Maduro|Juan Guaido|Leopoldo Lopez|Michel Temer|Luiz Inacio Lula da Silva|
Mauricio Macri|Enrique Pena Nieto|Justin Trudeau|Malcolm Turnbull|Jacinda Ardern|
Alexei Navalny|Mikheil Saakashvili|Petro Poroshenko|Alexander Lukashenko|Viktor Orban|
Donald Trump|Hillary Clinton|Mike Pence|Rex Tillerson|Jeff Sessions|Robert Mueller|
Paul Ryan|Mitch McConnell|Nancy Pelosi|Chuck Schumer|Bernie Sanders|Jared Kushner|
Steve Bannon|James Comey|Janet Yellen|Jerome Powell|Mario Draghi|Christine Lagarde|
Bashar al-Assad|Abdel Fattah al-Sisi|Mohammed bin Salman|Salman|Tamim bin Hamad|
Ashraf Ghani|Imran Khan|Nawaz Sharif|Sheikh Hasina|Khaleda Zia|Mahathir Mohamad|
Najib Razak|Anwar Ibrahim|Prayuth Chan-ocha|Thaksin Shinawatra|Yingluck Shinawatra|
Tsai Ing-wen|Carrie Lam|Joshua Wong|Raila Odinga|Uhuru Kenyatta|Emmerson Mnangagwa|
Robert Mugabe|Morgan Tsvangirai|Nelson Chamisa|Joseph Kabila|Moise Katumbi|
Pedro Sanchez|Mariano Rajoy|Carles Puigdemont|Matteo Renzi|Beppe Grillo|Marine Le Pen|
Boris Johnson|Jeremy Corbyn|Nicola Sturgeon|Martin Schulz|Sebastian Kurz|Mark Rutte
""".replace("\n", "").split("|")

PLACES = """
Cambodia|Myanmar|Thailand|Malaysia|Indonesia|Philippines|Vietnam|China|Hong Kong|Taiwan|
Japan|South Korea|North Korea|India|Pakistan|Bangladesh|Afghanistan|Iran|Iraq|Syria|
Turkey|Israel|Lebanon|Jordan|Egypt|Libya|Tunisia|Algeria|Morocco|Saudi Arabia|Yemen|
Qatar|United Arab Emirates|Kenya|Uganda|Rwanda|Ethiopia|Somalia|Sudan|South Sudan|
Nigeria|Ghana|Zimbabwe|South Africa|Congo|Venezuela|Brazil|Argentina|Colombia|Peru|
Mexico|Cuba|Canada|United States|Russia|Ukraine|Belarus|Georgia|Poland|Hungary|
Germany|France|Britain|Spain|Catalonia|Italy|Greece|Austria|Netherlands|Belgium|
Sweden|Norway|Australia|New Zealand|Phnom Penh|Yangon|Bangkok|Beijing|Moscow|Kiev|
Ankara|Istanbul|Tehran|Baghdad|Damascus|Cairo|Nairobi|Kampala|Harare|Caracas|
Brasilia|Washington|London|Paris|Berlin|Madrid|Barcelona|Brussels|Geneva|Tokyo|Seoul
""".replace("\n", "").split("|")

ORGS = """
European Union|NATO|United Nations|Security Council|World Bank|IMF|OPEC|WTO|
Federal Reserve|European Central Bank|Bank of England|Bank of Japan|Pentagon|
State Department|Justice Department|FBI|CIA|Kremlin|White House|Congress|Supreme Court|
Islamic State|Taliban|Hezbollah|Hamas|al Qaeda|Boko Haram|Cambodia National Rescue Party|
National League for Democracy|African National Congress|Democratic Party|
Republican Party|Labour Party|Conservative Party|Goldman Sachs|JPMorgan|Apple|Google|
Facebook|Amazon|Microsoft|Toyota|Volkswagen|Boeing|Airbus|Exxon Mobil|Gazprom|Huawei
""".replace("\n", "").split("|")

# Synthesised people and companies: a real 10,000-topic set mostly watches distinct,
# less famous people and firms, not the same hundred headline names over and over.
FIRST_NAMES = """
Ahmed Ali Amina Ana Andrei Anil Ayesha Bola Carlos Chen Chidi Daniel David Dmitry Elena
Emeka Fatima Faisal Gabriel Grace Hana Hassan Hiroshi Ibrahim Ivan Jae Javier Jin John
Jose Juan Kamal Karim Kenji Khalid Lars Leila Li Lucia Luis Mahmoud Maria Mariam Marta
Mehmet Min Mohamed Nadia Nasser Natalia Nikolai Noor Olga Omar Pablo Paolo Pedro Priya
Rahul Rania Raul Ravi Sanjay Sara Sergei Siddharth Sofia Sok Somchai Sun Tariq Thanh
Tomas Usman Viktor Wei Yasmin Yuki Yusuf Zainab Zhang Arjun Bongani Chanthol Duc Eun
""".split()
LAST_NAMES = """
Abdullah Adeyemi Aguilar Ahmadi Alvarez Banda Barzani Bhatt Castillo Chowdhury Cruz
Dang Diallo Dlamini Eze Farouk Fernandes Gomez Gonzalez Gupta Haddad Hakimi Hossain
Huang Ibrahimovic Iyer Jaber Kamau Kapoor Karimi Kaya Khan Kim Kovalenko Kowalski
Kumar Kuznetsov Lee Lim Lopez Mahlangu Mendoza Moreno Morozov Mwangi Nair Nakamura
Nguyen Novak Nunez Obi Odhiambo Okafor Okonkwo Ortiz Osei Ozturk Pak Pham Popescu
Qureshi Rahman Ramos Rashid Reyes Rivera Rojas Saleh Santos Sato Sharma Shevchenko
Silva Sokolov Suarez Suzuki Tan Tanaka Torres Tran Vargas Volkov Wang Yadav Yilmaz Zhou
""".split()
FIRM_SUFFIXES = """
Holdings Group Bank Energy Mining Telecom Motors Airlines Logistics Pharma Capital
Petroleum Steel Shipping Foods Insurance Chemicals Semiconductor Construction Media
""".split()
FAMOUS_SHARE = 0.5

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP")
EVENT_TYPES = ("arrest", "arrest", "arrest", "protest", "attack", "election")
ROLES = ("opposition", "government", None)
COUNTRIES = PLACES[:75]  # countries and regions (the rest of PLACES are cities)

# Measured by ``firing_rate`` (see the module docstring); kept here so a change to the
# lists or shapes that makes topics broad shows up in review.
CALIBRATION = {
    # matched (topic, story) pairs / all pairs, generate_topics(n, seed=0)
    "reuters_3000_stories_no_analysis_2000_topics": 5.3e-05,
    "reuters_60_stories_analysed_10000_topics": 8.8e-05,
    "reuters_60_stories_analysed_10000_topics_famous_share_1": 2.1e-04,
}


def _q(name: str) -> str:
    return f'"{name}"' if " " in name or "-" in name else name


def _wild(word: str) -> str:
    return word[: max(4, len(word) - 2)] + "*" if len(word) > 5 else word


def _name(rnd: random.Random, famous_share: float, pool=None) -> str:
    if rnd.random() < famous_share:
        return rnd.choice(pool or (PEOPLE + PLACES + ORGS))
    if rnd.random() < 0.7:
        return f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
    return f"{rnd.choice(LAST_NAMES)} {rnd.choice(FIRM_SUFFIXES)}"


def _topical(rnd: random.Random) -> str:
    """What the topic is about: a word, or a group of 2-3 synonyms as users write them."""
    k = rnd.choice((1, 1, 2, 3))
    words = [rnd.choice(TOPIC_WORDS) for _ in range(k)]
    if k > 1 and rnd.random() < 0.5:
        words[-1] = _wild(words[-1])
    return words[0] if k == 1 else "(" + " OR ".join(words) + ")"


def _query(rnd: random.Random, famous_share: float) -> str:
    """A text query: always a named thing AND a specific topical term."""
    t = lambda: _topical(rnd)  # noqa: E731
    w = lambda: rnd.choice(NEWS_WORDS)  # noqa: E731
    name = lambda: _q(_name(rnd, famous_share))  # noqa: E731
    phrase = lambda: f'"{rnd.choice(PHRASES)}"'  # noqa: E731
    place = lambda: _q(rnd.choice(COUNTRIES))  # noqa: E731
    shape = rnd.randrange(10)
    if shape == 0:
        return f"{name()} AND ({rnd.choice(TOPIC_WORDS)} OR {_wild(rnd.choice(TOPIC_WORDS))})"
    if shape == 1:
        return f"{_wild(rnd.choice(TOPIC_WORDS))} NEAR/{rnd.randint(2, 10)} {name()}"
    if shape == 2:
        return f"headline:{name()} AND {t()}"
    if shape == 3:
        return f"{phrase()} AND {place()} AND {name()}"
    if shape == 4:
        return f"{name()} AND lead:{t()}"
    if shape == 5:
        return f"{name()} {t()} NOT {w()}"
    if shape == 6:
        return f"({name()} OR {name()}) AND {phrase()}"
    if shape == 7:
        return f"{phrase()} NEAR/{rnd.randint(3, 10)} {name()}"
    if shape == 8:
        return f"{phrase()} AND {name()}"
    return f"{t()} NEAR/{rnd.randint(2, 5)} {place()} AND {name()}"


def _topic_dict(i: int, rnd: random.Random, seed: int, famous_share: float) -> dict:
    d = {"name": f"gen-{seed}-{i}", "title": f"Generated topic {i}", "version": 1 + rnd.randrange(3)}
    kind = rnd.random()
    if kind < 0.65:  # text topics are most of a real topic set
        d["query"] = _query(rnd, famous_share)
    elif kind < 0.82:  # a named entity (of a type, maybe in a country) AND a topical term
        ent = {"any": [_name(rnd, famous_share, PEOPLE + ORGS)]}
        if rnd.random() < 0.5:
            ent["types"] = [rnd.choice(ENTITY_TYPES)]
        if rnd.random() < 0.3:
            ent["countries"] = [rnd.choice(COUNTRIES)]
        d["entities"] = ent
        d["query"] = rnd.choice((_topical(rnd), f'"{rnd.choice(PHRASES)}"'))
    else:  # an event about a named target, or in a named country
        ev = {"type": rnd.choice(EVENT_TYPES)}
        role = rnd.choice(ROLES)
        if role:
            ev["target_role"] = role
        if rnd.random() < 0.2:
            ev["status"] = ["reported", "background"]
        if rnd.random() < 0.6:
            ev["target"] = [_name(rnd, famous_share, PEOPLE + ORGS)]
        else:
            d["entities"] = {"countries": [rnd.choice(COUNTRIES)]}
            if rnd.random() < 0.5:
                d["query"] = _topical(rnd)
        d["event"] = ev
    if rnd.random() < 0.15:
        d["exclude"] = f"headline:{rnd.choice(NEWS_WORDS)}"
    if rnd.random() < 0.2:
        d["threshold"] = rnd.choice((0.3, 0.6, 0.8, 1.0))
    if rnd.random() < 0.1:
        d["lead_sentences"] = rnd.randint(1, 4)
    return d


def generate_topics(n: int, seed: int = 0, famous_share: float = FAMOUS_SHARE) -> list[Topic]:
    """``n`` distinct generated topics (names ``gen-<seed>-<i>``). ``famous_share`` is
    the fraction of names drawn from the famous lists (the topics that fire on real news)."""
    rnd = random.Random(seed)
    return topics_from_dicts([_topic_dict(i, rnd, seed, famous_share) for i in range(n)], source="<generated>")


def firing_rate(docs, topics) -> dict:
    """How often generated topics fire on ``docs`` (MatchInputs): matched (topic, story)
    pairs over all pairs, and the share of topics that fire at least once."""
    from consumers.matching.engine import Matcher

    matcher = Matcher(topics)
    pairs, fired = 0, set()
    for d in docs:
        names = {m.topic for m in matcher.match(d)}
        pairs += len(names)
        fired |= names
    total = len(docs) * len(topics)
    return {"docs": len(docs), "topics": len(topics), "matched_pairs": pairs,
            "rate": pairs / total if total else 0.0, "topics_fired": len(fired) / max(len(topics), 1)}
