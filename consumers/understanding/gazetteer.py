"""Place and nationality names written down from general knowledge.

The small spaCy model misses or mislabels many place names in terse wire copy
(datelines, results tables, ALL-CAPS headlines). These lists feed an entity ruler
and the label fixes in ``entities.py``. They are generic world knowledge, not
names harvested from any evaluation set.
"""
from __future__ import annotations

COUNTRIES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Antigua|Argentina|Armenia|Australia|Austria|Azerbaijan|
Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|
Bosnia and Herzegovina|Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Burma|
Cambodia|Cameroon|Canada|Cape Verde|Central African Republic|Chile|China|Colombia|Comoros|Congo|
Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Czechoslovakia|Denmark|Djibouti|Dominica|
Dominican Republic|East Timor|Timor-Leste|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|
Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|East Germany|West Germany|Ghana|Greece|
Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|Hong Kong|Hungary|Iceland|India|
Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kiribati|
Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|Lithuania|
Luxembourg|Macau|Macedonia|North Macedonia|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Mauritania|Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|
Nepal|Netherlands|Holland|New Zealand|Nicaragua|Niger|Nigeria|North Korea|South Korea|Korea|Norway|
Oman|Pakistan|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|
Puerto Rico|Qatar|Romania|Russia|Rwanda|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|
Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|South Sudan|Spain|Sri Lanka|Sudan|
Suriname|Swaziland|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|Tonga|
Trinidad|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Uganda|Ukraine|United Arab Emirates|UAE|
United Kingdom|Britain|Great Britain|England|Scotland|Wales|Northern Ireland|United States|
United States of America|U.S.|USA|America|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|
Yemen|Yugoslavia|Zaire|Zambia|Zimbabwe|Soviet Union|USSR|Chechnya|Kashmir|Tibet|Kurdistan|
Gaza|Gaza Strip|West Bank|Crimea|Abkhazia|Greenland|Faroe Islands|Bermuda|Gibraltar|Corsica|
Sardinia|Sicily|Tasmania|Catalonia|Flanders|Wallonia|Bavaria|Quebec|Ontario|Alberta|
British Columbia|Manitoba|Saskatchewan|Nova Scotia|Newfoundland|Siberia|Punjab|Bengal|Kerala|
Mindanao|Java|Sumatra|Borneo|Bali|Kurile Islands|Falklands|Falkland Islands|Cayman Islands|
Hokkaido|Okinawa|Transylvania|Silesia|Kosova|Ulster|Anatolia|Darfur|Kurdistan
"""

US_STATES = """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|
Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|
Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York State|
North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|
South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|West Virginia|Wisconsin|Wyoming|
District of Columbia
"""

CITIES = """
Kabul|Tirana|Algiers|Luanda|Buenos Aires|Yerevan|Canberra|Sydney|Melbourne|Brisbane|Perth|Adelaide|
Vienna|Baku|Manama|Dhaka|Minsk|Brussels|Antwerp|Sarajevo|Brasilia|Rio de Janeiro|Sao Paulo|Sofia|
Phnom Penh|Yaounde|Ottawa|Toronto|Montreal|Vancouver|Calgary|Santiago|Beijing|Shanghai|Guangzhou|
Shenzhen|Bogota|Medellin|Kinshasa|Brazzaville|San Jose|Zagreb|Havana|Nicosia|Prague|Copenhagen|
Quito|Cairo|Alexandria|San Salvador|Tallinn|Addis Ababa|Helsinki|Paris|Marseille|Lyon|Nice|
Bordeaux|Toulouse|Strasbourg|Tbilisi|Berlin|Bonn|Frankfurt|Munich|Hamburg|Cologne|Stuttgart|
Dusseldorf|Leipzig|Dresden|Accra|Athens|Guatemala City|Conakry|Port-au-Prince|Tegucigalpa|Budapest|
Reykjavik|New Delhi|Delhi|Mumbai|Bombay|Calcutta|Kolkata|Madras|Chennai|Bangalore|Hyderabad|Jakarta|
Tehran|Baghdad|Basra|Dublin|Belfast|Jerusalem|Tel Aviv|Rome|Milan|Naples|Turin|Florence|Venice|
Genoa|Kingston|Tokyo|Osaka|Kyoto|Yokohama|Nagoya|Kobe|Amman|Astana|Almaty|Alma-Ata|Nairobi|
Mombasa|Pristina|Kuwait City|Bishkek|Vientiane|Riga|Beirut|Monrovia|Tripoli|Benghazi|Vilnius|
Skopje|Antananarivo|Lilongwe|Kuala Lumpur|Bamako|Valletta|Nouakchott|Mexico City|Guadalajara|
Monterrey|Chisinau|Ulan Bator|Ulaanbaatar|Podgorica|Rabat|Casablanca|Maputo|Rangoon|Yangon|
Windhoek|Kathmandu|Amsterdam|Rotterdam|The Hague|Wellington|Auckland|Managua|Niamey|Abuja|Lagos|
Pyongyang|Seoul|Oslo|Muscat|Islamabad|Karachi|Lahore|Panama City|Asuncion|Lima|Manila|Warsaw|
Krakow|Gdansk|Lisbon|Oporto|Porto|Doha|Bucharest|Moscow|St Petersburg|St. Petersburg|Kigali|
Riyadh|Jeddah|Dakar|Belgrade|Freetown|Bratislava|Ljubljana|Mogadishu|Pretoria|Johannesburg|
Cape Town|Durban|Juba|Madrid|Barcelona|Seville|Valencia|Bilbao|Colombo|Khartoum|Stockholm|
Gothenburg|Bern|Berne|Geneva|Zurich|Basel|Lausanne|Damascus|Aleppo|Taipei|Dushanbe|Dar es Salaam|
Bangkok|Lome|Tunis|Ankara|Istanbul|Izmir|Ashgabat|Kampala|Kiev|Kyiv|Kharkiv|Odessa|Abu Dhabi|
Dubai|London|Manchester|Liverpool|Birmingham|Leeds|Glasgow|Edinburgh|Cardiff|Washington|
New York|New York City|Los Angeles|Chicago|Houston|Boston|San Francisco|Philadelphia|Detroit|
Miami|Atlanta|Dallas|Seattle|Denver|Phoenix|Las Vegas|New Orleans|Baltimore|Pittsburgh|Cleveland|
Cincinnati|St. Louis|Kansas City|Minneapolis|Milwaukee|Indianapolis|Nashville|Charlotte|Tampa|
Orlando|San Diego|San Antonio|Austin|Sacramento|Portland|Salt Lake City|Honolulu|Anchorage|
Montevideo|Tashkent|Caracas|Hanoi|Ho Chi Minh City|Saigon|Sanaa|Aden|Lusaka|Harare|Grozny|
Sevastopol|Gaza City|Ramallah|Hebron|Nablus|Bethlehem|Srinagar|Lhasa|Hong Kong|Macau|Singapore|
Monaco|Luxembourg|Kuwait|Djibouti|Abidjan|Bujumbura|Kandahar|Herat|Peshawar|Quetta|Mosul|Kirkuk|
Erbil|Fallujah|Homs|Hama|Idlib|Raqqa|Haifa|Sidon|Tyre|Port Said|Suez|Luxor|Marrakesh|Fez|Tangier|
Oran|Constantine|Harbin|Wuhan|Chengdu|Chongqing|Tianjin|Nanjing|Xian|Urumqi|Busan|Pusan|Incheon|
Sapporo|Fukuoka|Hiroshima|Nagasaki|Sendai|Osaka|Cebu|Davao|Surabaya|Bandung|Medan|Penang|
Chiang Mai|Phuket|Mandalay|Chittagong|Kandy|Lucknow|Ahmedabad|Pune|Amritsar|Varanasi|Kanpur|
Patna|Jaipur|Bhopal|Goa|Rawalpindi|Faisalabad|Mashhad|Isfahan|Tabriz|Shiraz|Qom|Dhahran|Mecca|
Medina|Sharjah|Bursa|Antalya|Adana|Diyarbakir|Thessaloniki|Piraeus|Patras|Split|Dubrovnik|Tuzla|
Mostar|Banja Luka|Novi Sad|Nis|Plovdiv|Varna|Constanta|Cluj|Timisoara|Iasi|Lvov|Lviv|Donetsk|
Dnipro|Minsk|Gomel|Kaunas|Tartu|Turku|Tampere|Bergen|Trondheim|Stavanger|Malmo|Uppsala|Aarhus|
Odense|Kiel|Bremen|Hanover|Hannover|Nuremberg|Essen|Dortmund|Bochum|Duisburg|Gelsenkirchen|
Bielefeld|Karlsruhe|Mannheim|Freiburg|Rostock|Magdeburg|Salzburg|Innsbruck|Graz|Linz|Ghent|Liege|
Bruges|Charleroi|Eindhoven|Utrecht|Groningen|Maastricht|Lille|Nantes|Rennes|Montpellier|Nancy|
Metz|Grenoble|Le Mans|Cannes|Monte Carlo|Lens|Auxerre|Bastia|Caen|Reims|Marseilles|Palermo|
Bologna|Verona|Bari|Cagliari|Parma|Pisa|Udine|Piacenza|Vicenza|Perugia|Lecce|Bergamo|Brescia|
Cremona|Malaga|Zaragoza|Valladolid|Santander|Oviedo|Gijon|La Coruna|Vigo|Pamplona|San Sebastian|
Cordoba|Granada|Alicante|Palma|Tenerife|Coimbra|Braga|Setubal|Cork|Galway|Limerick|Sheffield|
Bristol|Newcastle|Nottingham|Leicester|Coventry|Southampton|Portsmouth|Brighton|Oxford|Cambridge|
Aberdeen|Dundee|Swansea|Plymouth|Norwich|Ipswich|Derby|Bradford|Hull|Sunderland|Middlesbrough|
Wimbledon|Lord's|Canterbury|Dover|Calais|Quebec City|Winnipeg|Edmonton|Halifax|Hamilton|
Christchurch|Dunedin|Hobart|Darwin|Cairns|Wollongong|Newcastle|Geelong|Durban|Port Elizabeth|
Bloemfontein|Soweto|Bulawayo|Kano|Ibadan|Port Harcourt|Enugu|Kaduna|Asmara|Goma|Bukavu|Kisangani|
Lubumbashi|Bangui|Ndjamena|N'Djamena|Libreville|Malabo|Cotonou|Ouagadougou|Banjul|Bissau|Maseru|
Mbabane|Gaborone|Moroni|Victoria|Port Louis|Hargeisa|Kismayo|Goma|Arusha|Entebbe|Gulu|Mbarara|
Recife|Salvador|Belo Horizonte|Porto Alegre|Curitiba|Fortaleza|Manaus|Belem|Rosario|Cordoba|
Mendoza|La Paz|Sucre|Cochabamba|Santa Cruz|Guayaquil|Cuenca|Cali|Cartagena|Barranquilla|Maracaibo|
Valparaiso|Concepcion|Arequipa|Cuzco|Tijuana|Ciudad Juarez|Acapulco|Cancun|Veracruz|Puebla|
San Juan|Santo Domingo|Nassau|Bridgetown|Port of Spain|Belmopan|Hamilton|Georgetown|Paramaribo|
Cayenne|Hamburg|Vladivostok|Novosibirsk|Yekaterinburg|Nizhny Novgorod|Samara|Kazan|Omsk|
Chelyabinsk|Rostov|Volgograd|Krasnodar|Sochi|Murmansk|Arkhangelsk|Irkutsk|Khabarovsk|Kaliningrad|
Stalingrad|Leningrad|Sverdlovsk|Makhachkala|Nalchik|Vladikavkaz|Tskhinvali|Sukhumi|Batumi|Kutaisi|
Gyumri|Ganja|Samarkand|Bukhara|Osh|Karaganda|Shymkent|Semipalatinsk
"""

NATIONALITIES = """
Afghan|Albanian|Algerian|American|Andorran|Angolan|Argentine|Argentinian|Armenian|Australian|
Austrian|Azerbaijani|Azeri|Bahraini|Bangladeshi|Barbadian|Belarusian|Belarussian|Belgian|Beninese|
Bhutanese|Bolivian|Bosnian|Botswanan|Brazilian|British|Bruneian|Bulgarian|Burkinabe|Burmese|Burundian|
Cambodian|Cameroonian|Canadian|Chadian|Chilean|Chinese|Colombian|Congolese|Costa Rican|Croat|
Croatian|Cuban|Cypriot|Czech|Danish|Dane|Djiboutian|Dominican|Dutch|Ecuadorean|Ecuadorian|Egyptian|
Emirati|English|Eritrean|Estonian|Ethiopian|European|Fijian|Filipino|Finnish|Finn|French|Gabonese|
Gambian|Georgian|German|Ghanaian|Greek|Guatemalan|Guinean|Guyanese|Haitian|Honduran|Hungarian|
Icelandic|Indian|Indonesian|Iranian|Iraqi|Irish|Israeli|Italian|Ivorian|Jamaican|Japanese|Jordanian|
Kazakh|Kenyan|Korean|Kosovar|Kuwaiti|Kyrgyz|Lao|Laotian|Latvian|Lebanese|Liberian|Libyan|
Lithuanian|Luxembourger|Macedonian|Malagasy|Malawian|Malaysian|Malian|Maltese|Mauritanian|Mexican|
Moldovan|Mongolian|Montenegrin|Moroccan|Mozambican|Namibian|Nepali|Nepalese|New Zealander|
Nicaraguan|Nigerian|Nigerien|Norwegian|Omani|Pakistani|Palestinian|Panamanian|Paraguayan|Peruvian|
Polish|Pole|Portuguese|Qatari|Romanian|Russian|Rwandan|Salvadoran|Saudi|Scottish|Scot|Senegalese|
Serb|Serbian|Sierra Leonean|Singaporean|Slovak|Slovakian|Slovene|Slovenian|Somali|South African|
Spanish|Spaniard|Sri Lankan|Sudanese|Swazi|Swedish|Swede|Swiss|Syrian|Taiwanese|Tajik|Tanzanian|Thai|
Tibetan|Togolese|Tunisian|Turkish|Turk|Turkmen|Ugandan|Ukrainian|Uruguayan|Uzbek|Venezuelan|
Vietnamese|Welsh|Yemeni|Yugoslav|Zairean|Zambian|Zimbabwean|Soviet|Arab|Arabs|Kurd|Kurdish|Kurds|
Basque|Catalan|Flemish|Walloon|Chechen|Chechens|Tamil|Tamils|Sikh|Sikhs|Hindu|Hindus|Muslim|Muslims|
Moslem|Moslems|Christian|Christians|Catholic|Catholics|Protestant|Protestants|Jewish|Jew|Jews|
Shi'ite|Shiite|Shia|Sunni|Sunnis|Buddhist|Buddhists|Hutu|Hutus|Tutsi|Tutsis|Pashtun|Uighur|Uyghur|
Khmer|Asian|African|Latin American|Scandinavian|Balkan|Baltic|Caribbean|Nordic|Western|Westerners|
Americans|Australians|Britons|Canadians|Chinese|Egyptians|French|Germans|Indians|Iranians|Iraqis|
Israelis|Italians|Japanese|Koreans|Mexicans|Palestinians|Pakistanis|Russians|Saudis|Serbs|Croats|
Muslims|Syrians|Turks|Ukrainians|Afghans|Albanians|Bosnians|Africans|Europeans|Asians|Dutchman|
Englishman|Frenchman|Irishman|Scotsman|Welshman|Kiwi|Aussie|Anglo|Latino|Hispanic|Cossack|Yankee|
Zionist|Islamic|Arabian|Persian|Slav|Slavic|Celtic|Gaelic|Iberian|Levantine|Maghreb|Sahrawi|Berber|
Malay|Javanese|Acehnese|Rohingya|Karen|Shan|Hmong|Maori|Aboriginal|Inuit|Sami
"""

# Bodies of water, mountains, regions: LOC, never GPE; fine for CoNLL either way.
REGIONS = """
Europe|Asia|Africa|North America|South America|Latin America|Central America|Middle East|
Near East|Far East|Southeast Asia|South Asia|Central Asia|East Asia|Balkans|Caucasus|Scandinavia|
Baltics|Gulf|Persian Gulf|Mediterranean|Atlantic|Pacific|Indian Ocean|Arctic|Antarctica|
Black Sea|Caspian Sea|Red Sea|North Sea|Baltic Sea|South China Sea|Sahara|Himalayas|Alps|Andes|
Amazon|Nile|Danube|Rhine|Mekong|Yangtze|Euphrates|Tigris|Jordan River|Golan Heights|Sinai|
Horn of Africa|Great Lakes|West Africa|East Africa|Southern Africa|North Africa|Western Europe|
Eastern Europe|Central Europe|Northern Europe|Southern Europe|Pacific Rim|Asia-Pacific|
Korean Peninsula|Strait of Hormuz|Taiwan Strait|English Channel|Silicon Valley|Wall Street|
Midwest|Mideast
"""


def _split(block: str) -> list[str]:
    return sorted({x.strip() for x in block.replace("\n", "").split("|") if x.strip()})


COUNTRY_NAMES = _split(COUNTRIES) + _split(US_STATES)
CITY_NAMES = _split(CITIES)
NATIONALITY_NAMES = _split(NATIONALITIES)
REGION_NAMES = _split(REGIONS)
# one-word places, lower case: what a capitalised word must not be mistaken for ("Jordan", "Georgia")
PLACE_WORDS = frozenset(n.lower() for n in COUNTRY_NAMES + CITY_NAMES + REGION_NAMES if " " not in n)

# Words that are places *and* common first names or words: never force these.
AMBIGUOUS = frozenset({
    "Jordan", "Georgia", "Chad", "Victoria", "Hamilton", "Santa Cruz", "Salvador", "Nice",
    "Split", "Lens", "Turkey", "Guinea", "Niger", "America", "Washington", "Darwin", "Austin",
    "Charlotte", "Phoenix", "Orlando", "Portland", "Georgetown", "Karen", "Shan", "Western",
    "Christian", "Christians", "Catholic", "Protestant", "Islamic", "Gulf", "Amazon", "Kiwi",
    "Anglo", "Derby", "Reading", "Hull", "Wimbledon", "Canterbury", "Cambridge", "Oxford",
    "Sale", "Bath", "Mobile", "Dover", "Nancy", "Lord's", "Nis", "Goa", "Cali",
    "Shia", "Hindu", "Sikh", "Jew", "Dane", "Pole", "Finn", "Turk", "Scot", "Arab", "Cork",
    "Bristol", "Winnipeg", "Parma", "Lecce", "Sunderland", "Middlesbrough", "Leicester",
    "Coventry", "Southampton", "Portsmouth", "Brighton", "Newcastle", "Liverpool", "Manchester",
    "Leeds", "Sheffield", "Nottingham", "Norwich", "Ipswich", "Bradford", "Swansea", "Plymouth",
    "Aberdeen", "Dundee", "Palermo", "Bologna", "Verona", "Bari", "Cagliari", "Udine",
    "Piacenza", "Vicenza", "Perugia", "Bergamo", "Brescia", "Cremona", "Malaga", "Zaragoza",
    "Valladolid", "Santander", "Oviedo", "Vigo", "Pamplona", "Auxerre", "Bastia", "Caen",
    "Reims", "Le Mans", "Metz", "Montpellier", "Rennes", "Nantes", "Lille", "Bordeaux",
    "Monaco", "Marseille", "Lyon", "Strasbourg", "Bremen", "Hamburg", "Dortmund", "Bochum",
    "Duisburg", "Gelsenkirchen", "Bielefeld", "Karlsruhe", "Freiburg", "Rostock", "Kaiserslautern",
    "Barcelona", "Valencia", "Seville", "Bilbao", "Porto", "Oporto", "Braga", "Setubal",
    "Ghent", "Liege", "Bruges", "Charleroi", "Eindhoven", "Utrecht", "Groningen", "Maastricht",
    "Salzburg", "Innsbruck", "Graz", "Linz", "Bergen", "Trondheim", "Stavanger", "Malmo",
    "Gothenburg", "Aarhus", "Odense", "Kiel", "Hanover", "Hannover", "Nuremberg", "Essen",
    "Tenerife", "Cordoba", "Granada", "Alicante", "Palma", "Coimbra", "Galway", "Limerick",
    "Durban", "Hobart", "Cairns", "Geelong", "Kaunas", "Kent", "Durham", "Cleveland",
    "Avon", "Natal", "Devon", "Essex", "Norfolk", "Otago", "Auckland", "Wellington", "Free State",
})
"""Cities that double as sports-club names (ORG in match reports) or as person
names; the ruler leaves them to the statistical model."""

COUNTIES = """
Bedfordshire|Berkshire|Buckinghamshire|Cambridgeshire|Cheshire|Cornwall|Cumbria|Derbyshire|Devon|
Dorset|Durham|Essex|Gloucestershire|Hampshire|Herefordshire|Hertfordshire|Kent|Lancashire|
Leicestershire|Lincolnshire|Middlesex|Norfolk|Northamptonshire|Northumberland|Nottinghamshire|
Oxfordshire|Shropshire|Somerset|Staffordshire|Suffolk|Surrey|Sussex|Warwickshire|Wiltshire|
Worcestershire|Yorkshire|Glamorgan|Merseyside|Tyneside|Humberside|Cleveland|Avon|Fife|Lothian|
Strathclyde|Ulster|Munster|Leinster|Connacht|Queensland|New South Wales|Victoria|Tasmania|
Western Australia|South Australia|Northern Territory|Transvaal|Natal|Orange Free State|Gauteng|
Western Province|Eastern Province|Northern Transvaal|Free State|Otago|Canterbury|Auckland|
Wellington|Northern Districts|Central Districts
"""
COUNTY_NAMES = _split(COUNTIES)


# Well-known organisations by acronym or short name (international bodies, agencies,
# exchanges, leagues, news agencies). The small model often types them PERSON/GPE or
# misses them; a bare mention of one of these is an organisation.
ORG_NAMES = frozenset("""
UN U.N. NATO EU E.U. IMF OPEC FIFA UEFA IOC WTO WHO OSCE ASEAN OAU PLO IRA ETA FBI CIA NASA ECB
OECD UNICEF UNHCR ICRC Interpol Reuters AFP BBC CNN Bundesbank Fed FOMC NYMEX COMEX CBOT LIFFE
MATIF SEC FDA EPA NAACP NAPM GATT UNESCO UNCTAD IAEA ANC PKK KDP PUK Hamas Hezbollah Fatah
Itar-Tass Tass Interfax Xinhua Kyodo Bernama Antara Tanjug ANSA DPA AP APEC G7 G8 NBA NFL NHL
MLB PGA ATP WTA ICC IAAF ITF FIS UCI FIA BHP Boeing Airbus Microsoft IBM Intel Fiat Nestle
Sony Toyota Nissan Honda Volkswagen Daimler Siemens Philips Unilever Shell Exxon Mobil Chevron
Texaco Gazprom Lukoil Aeroflot Lufthansa Alitalia Iberia KLM Qantas Ericsson Nokia Alcatel
Renault Peugeot Citroen Volvo Saab Benetton Ferrari McLaren
""".split())

# Firms and brands named after a person, which a given name first must not make a person.
EPONYM_ORGS = frozenset({
    "Morgan Stanley", "Charles Schwab", "John Lewis", "Hugo Boss", "Ralph Lauren", "Louis Vuitton",
    "Marie Claire", "Paul Smith", "John Deere", "Henry Schein", "Jack Daniel", "Ben Sherman", "Harvey Nichols",
    "Victoria Secret", "Thomas Cook", "Arthur Andersen", "Ernst Young", "Anna Sui", "Christian Dior",
    "Pierre Cardin", "Kenneth Cole", "Michael Kors", "Daniel Wellington", "George Weston", "David Jones",
})

# Acronyms that are also ordinary words or initials in capitalised copy: relabel only.
ORG_NAMES_NO_RULER = frozenset({"WHO", "AP", "Fed", "Shell", "ETA", "SEC", "ANC", "ICC", "UN"})
