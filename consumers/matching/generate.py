"""Generated, realistic-looking topics for the matching benchmark and the presearch
oracle tests. Deterministic for a given (n, seed).

Vocabulary: common wire-news words, people, places and organisations. Shapes mirror
what users write: names as phrases, AND/OR combinations, NEAR, wildcards, field
scopes, exclusions, and entity/event conditions (which need an analysis to match).
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

PHRASES = """
interest rates|trade war|prime minister|central bank|human rights|opposition leader|
military coup|state media|security forces|climate change|free trade|tax reform|
oil prices|nuclear deal|peace talks|death toll|court ruling|general election|
travel ban|health care|stock market|exchange rate|foreign minister|defence minister|
border wall|refugee camp|car bomb|suicide bomber|air strike|no confidence|
state of emergency|house arrest|hunger strike|money laundering|insider trading|
price cap|rate hike|bond yields|budget deficit|debt ceiling|trade deal|arms sales
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
FAMOUS_SHARE = 0.15

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "NORP")
EVENT_TYPES = ("arrest", "arrest", "arrest", "protest", "attack", "election")
ROLES = ("opposition", "government", None)


def _q(name: str) -> str:
    return f'"{name}"' if " " in name or "-" in name else name


def _wild(word: str) -> str:
    return word[: max(4, len(word) - 2)] + "*" if len(word) > 5 else word


def _name(rnd: random.Random, famous_share: float) -> str:
    if rnd.random() < famous_share:
        return rnd.choice(PEOPLE + PLACES + ORGS)
    if rnd.random() < 0.7:
        return f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}"
    return f"{rnd.choice(LAST_NAMES)} {rnd.choice(FIRM_SUFFIXES)}"


def _query(rnd: random.Random, famous_share: float) -> str:
    w = lambda: rnd.choice(NEWS_WORDS)  # noqa: E731
    name = lambda: _q(_name(rnd, famous_share))  # noqa: E731
    shape = rnd.randrange(10)
    if shape == 0:
        return name()
    if shape == 1:
        return f"{name()} AND ({w()} OR {_wild(w())})"
    if shape == 2:
        return f"{_wild(w())} NEAR/{rnd.randint(2, 10)} {name()}"
    if shape == 3:
        return f"headline:{w()} {name()}"
    if shape == 4:
        return f'"{rnd.choice(PHRASES)}" OR ({name()} AND lead:{_wild(w())})'
    if shape == 5:
        return f"{name()} {w()} NOT {w()}"
    if shape == 6:
        return f"({w()} OR {w()} OR {_wild(w())}) AND {name()}"
    if shape == 7:
        return f"{w()} NEAR/{rnd.randint(2, 8)} {w()}"
    if shape == 8:
        return f'"{rnd.choice(PHRASES)}" AND {name()}'
    return f"{name()} OR {name()}"


def _topic_dict(i: int, rnd: random.Random, seed: int, famous_share: float) -> dict:
    d = {"name": f"gen-{seed}-{i}", "title": f"Generated topic {i}", "version": 1 + rnd.randrange(3)}
    kind = rnd.random()
    if kind < 0.70:  # text topics are most of a real topic set
        d["query"] = _query(rnd, famous_share)
    elif kind < 0.85:  # entity topics, sometimes with a text query
        ent = {"any": [_name(rnd, famous_share)]}
        if rnd.random() < 0.5:
            ent["types"] = [rnd.choice(ENTITY_TYPES)]
        if rnd.random() < 0.3:
            ent["countries"] = [rnd.choice(PLACES[:75])]
        d["entities"] = ent
        if rnd.random() < 0.3:
            d["query"] = _query(rnd, famous_share)
    else:  # event topics
        ev = {"type": rnd.choice(EVENT_TYPES)}
        role = rnd.choice(ROLES)
        if role:
            ev["target_role"] = role
        if rnd.random() < 0.2:
            ev["status"] = ["reported", "background"]
        d["event"] = ev
        if rnd.random() < 0.2:
            d["query"] = _query(rnd, famous_share)
    if rnd.random() < 0.15:
        d["exclude"] = f"headline:{rnd.choice(NEWS_WORDS)}"
    if rnd.random() < 0.2:
        d["threshold"] = rnd.choice((0.3, 0.6, 0.8, 1.0))
    if rnd.random() < 0.1:
        d["lead_sentences"] = rnd.randint(1, 4)
    return d


def generate_topics(n: int, seed: int = 0, famous_share: float = FAMOUS_SHARE) -> list[Topic]:
    """``n`` distinct generated topics (names ``gen-<seed>-<i>``). ``famous_share`` is
    the fraction of names drawn from the famous list (broad topics that match often)."""
    rnd = random.Random(seed)
    return topics_from_dicts([_topic_dict(i, rnd, seed, famous_share) for i in range(n)], source="<generated>")
