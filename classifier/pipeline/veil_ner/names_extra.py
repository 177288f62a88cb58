"""Hand-written name and place lists for `synth.py`.

Faker has thin or no coverage for several naming traditions that real prompts contain, and it
has no romanized Korean, Arabic or Persian names, so these lists fill the gaps. They also hold
the real places and well-known organizations that Faker does not generate.

Every list here is split 80/20 by a stable hash in `synth.py` (train vs held-out), except the
ones marked SHARED, which are short lists of very common names (countries, big agencies) that
the tagger should see in training.
"""

# --- Given names and surnames, one pair of lists per tradition -------------------------------

YORUBA_GIVEN = """
Adebayo Adewale Ayodele Babajide Oluwaseun Olumide Oluwatobi Olufemi Temitope Titilayo Folasade
Funmilayo Adunni Abimbola Bolanle Damilola Olamide Kehinde Taiwo Idowu Ayomide Omolara Modupe
Yetunde Morenike Oladele Adeola Gbenga Tunde Segun Kunle Bukola Iyabo Toyin Opeyemi Oreoluwa
Ifeoluwa Tolulope Jumoke Simisola Feyisara Ayotunde Adeyinka Kayode Akinwale Adétòkunbọ̀
""".split()
YORUBA_SURNAMES = """
Adeyemi Ogunleye Ogunbiyi Oyelaran Oyewole Afolabi Akinola Akintola Balogun Bankole Fashola
Fayemi Ilori Ajayi Ogundipe Olaniyan Olawale Oladipo Odunsi Oyebanji Osinbajo Adesina Adekunle
Akinyemi Alabi Ayinde Babatunde Durojaiye Falana Ogunlesi Okunola Olatunji Onabanjo Oyinlola
Sanusi Sowande Adeniyi Ademola Odukoya Ojo Oke Aina Ogunyemi Ọládèjọ
""".split()

IGBO_GIVEN = """
Chinedu Chiamaka Chidinma Chukwuemeka Ngozi Nkechi Obinna Ifeoma Uchenna Adaeze Amaka Chibuzo
Chinonso Ebuka Ekene Ifeanyi Ikenna Kelechi Nnamdi Nneka Obiageli Olisa Onyeka Somtochukwu
Tochukwu Udoka Uzoma Chioma Chinwe Adanna Ezinne Ogechi Chisom Kamsi Nkiru Emeka Chidi Obiora
Azubuike Chimamanda Oluchi Ugochi
""".split()
IGBO_SURNAMES = """
Okafor Okonkwo Nwosu Eze Obi Okeke Nwachukwu Onyekachi Okoye Nwankwo Onuoha Chukwu Ezeani Igwe
Nnadi Okorie Okpara Onwuka Uzor Anyanwu Ibe Iwu Mbah Nwafor Nwoye Obasi Odili Ogbu Okwu Onyema
Ozoemena Ugwu Umeh Ezeh Agu Chukwuma Ekwueme Ikechukwu Ejiofor Achebe Adichie Nwaneri
""".split()

AKAN_GIVEN = """
Kwame Kofi Kwabena Kwaku Yaw Kwasi Kojo Kwadwo Ama Akosua Adwoa Abena Akua Yaa Afua Efua Esi
Ekua Aba Araba Adjoa Afia Ekow Kobina Kweku Kwesi Fiifi Nana Akwasi Amma Afriyie Serwaa Dufie
Asantewaa Nhyira Kukua Ewurabena Kakra Panyin Akuba
""".split()
AKAN_SURNAMES = """
Mensah Boateng Owusu Asante Osei Agyeman Appiah Acheampong Amoah Ansah Antwi Asamoah Boakye
Darko Frimpong Gyamfi Kufuor Nkrumah Ofori Opoku Oppong Sarpong Yeboah Adomako Amponsah Asiedu
Baah Bonsu Danquah Donkor Fosu Kyei Manu Nyarko Obeng Ocran Wiredu Addo Agyei Anane Ampofo
Gyasi
""".split()

KIKUYU_GIVEN = """
Wanjiru Wambui Njeri Wairimu Nyambura Wanjiku Wangari Wangui Muthoni Waithera Wacera Wangeci
Njoki Mumbi Nduta Gathoni Kabura Waceke Wanja Nyokabi Wamaitha Wathoni Wamuyu Njambi Kamau
Njoroge Mwangi Kariuki Githinji Kinyua Maina Macharia Ngugi Gitau Kimani Wachira Mugo Kuria
Muriuki Waweru Karanja Gikonyo Mbugua Nderitu Kiarie Njuguna Chege Kinuthia
""".split()
KIKUYU_SURNAMES = """
Kamau Njoroge Mwangi Kariuki Githinji Kinyua Maina Macharia Ngugi Gitau Kimani Wachira Mugo
Kuria Muriuki Ndungu Thuku Waweru Karanja Gikonyo Mbugua Nderitu Kiarie Muchiri Njuguna
Gachanja Kiama Kibe Muigai Mathenge Kinuthia Gathogo Wainaina Mburu Ndirangu Gichuru Kagwe
Kahiga Muthee Kiragu Wamae Nyaga Ngari Munene Gakuru Chege Kirubi Kang'ethe
""".split()

AMHARIC_GIVEN = """
Abebe Alemu Almaz Amare Aster Bekele Berhanu Biniam Dawit Desta Eleni Ermias Fasil Genet
Getachew Girma Haile Hana Kebede Lemlem Lidya Mekdes Meron Meseret Mulugeta Negash Rahel Selam
Senait Solomon Tadesse Tesfaye Tigist Tsion Wondimu Yared Yohannes Zewditu Abeba Birtukan Hiwot
Kidist Netsanet Tewodros Yonas Mahlet Bethlehem
""".split()
AMHARIC_SURNAMES = """
Abera Alemayehu Asfaw Ayele Bekele Belay Demissie Derese Gebre Gebremariam Gebremedhin Getahun
Hailu Kassa Kebede Lemma Mengistu Mekonnen Negussie Shiferaw Tadesse Tefera Tessema Wolde
Woldemariam Workneh Yilma Zeleke Gebreyes Assefa Berhane Desalegn Fikre Habte Mulatu Taye
Tilahun Worku Yimer Dagne Haileselassie
""".split()

# Faker has no fil_PH person provider; a short list so Filipino names still appear.
FILIPINO_GIVEN = """
Jose Maria Juan Angelica Jericho Rodel Marites Lorna Rowena Jhun Rizalina Christian Joy Princess
Kristine Ramil Ronaldo Emmanuel Leonora Mylene Cherry Arnel Rommel Jinky Maricel Jovelyn Reynaldo
Analyn Dindo Liezl
""".split()
FILIPINO_SURNAMES = [
    "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Villanueva", "Aquino",
    "Macapagal", "Dimaculangan", "Magbanua", "Pangilinan", "Dela Cruz", "Del Rosario", "Soriano",
    "Manalo", "Castillo", "Navarro", "Tolentino", "Lacson", "Sison", "Mercado", "Panganiban",
    "Dizon", "Salazar", "Agbayani", "Maglaya", "Buenaventura", "Macaraeg",
]

# Romanized forms for locales whose Faker names are in native script only.
KOREAN_ROMAN_GIVEN = """
Min-jun Seo-yeon Ji-hoon Ji-woo Ha-eun Do-yoon Seo-jun Yu-na Ji-min Hyun-woo Eun-ji Soo-jin
Jae-won Min-seo Sung-min Hye-jin Young-ho Dong-hyun Jin-young Yeon-woo Tae-yang Sang-hoon Mi-rae
Da-eun Joon-ho Kyung-soo Seung-hyun Ye-jin Chae-won Jiho Minji Jisoo Sunwoo Hyejin Jaehyun
Sooyoung Yerin Taeyeon Jungkook Haneul
""".split()
KOREAN_ROMAN_SURNAMES = """
Kim Lee Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song Yoo Hong Jeon
Ko Moon Yang Son Bae Baek Heo Nam Noh Ryu Byun Chung Gwak Seong
""".split()

ARABIC_ROMAN_GIVEN = """
Mohammed Muhammad Ahmed Ali Omar Khalid Youssef Hassan Hussein Ibrahim Mustafa Tariq Karim Faisal
Saeed Rashid Hamza Bilal Zaid Walid Nabil Samir Fatima Aisha Mariam Layla Noor Huda Rania Yasmin
Salma Hana Amira Dina Reem Lina Zainab Khadija Mona Nadia Sara Farah Abdulrahman Abdullah Majed
""".split()
ARABIC_ROMAN_SURNAMES = """
Al-Rashid Al-Sayed Haddad Khoury Nasser Mansour Hamdan Aziz Saleh Abdullah Al-Farsi Al-Amin
Darwish Farouk Habib Hakim Ismail Jaber Kassem Mahmoud Najjar Othman Qasim Rahman Sabbagh Shami
Tamimi Yousef Zaki El-Masri Abboud Barakat Bitar Ghanem Hijazi Issa Karam Maalouf Nassar Sharif
Al-Ghamdi Al-Otaibi
""".split()

PERSIAN_ROMAN_GIVEN = """
Ali Reza Mehdi Hossein Amir Arash Dariush Farhad Kaveh Babak Behnam Navid Omid Pouya Saeed Kamran
Payam Sina Parisa Maryam Shirin Leila Niloufar Roya Sara Yasaman Mina Azadeh Golnaz Mahsa Neda
Setareh Shadi Ladan Bahar Fereshteh Homa Elham Soheil Kourosh
""".split()
PERSIAN_ROMAN_SURNAMES = """
Ahmadi Hosseini Rezaei Mohammadi Karimi Moradi Jafari Rahimi Hashemi Sadeghi Ghasemi Mousavi
Tehrani Shirazi Esfahani Farahani Kazemi Azizi Bagheri Nouri Rostami Safavi Tabrizi Zand Yazdani
Amini Ebrahimi Golzari Khorasani Najafi Parvizi Rahmani Sharifi Vaziri Zamani Hashemian Mirzaei
Ansari Daneshvar Kashani
""".split()

CHINESE_ROMAN_GIVEN = """
Wei Xiaoming Jing Yan Hui Lei Yi Hao Yu Xin Ting Qiang Mei Lin Zhiwei Xiaoyu Jiahui Haoran Yuxuan
Zihan Ruoxi Shuang Wenjie Jianguo Lihua Guoqiang Chunyan Zhen Kai Bo Tao Fang Na Yichen Xiaolong
""".split()

# Surnames with particles or prefixes. The span always covers the particle.
PARTICLE_SURNAMES = [
    "van der Berg", "van der Meer", "van den Bosch", "van Dijk", "van Leeuwen", "van der Linden",
    "de Vries", "de Jong", "de Boer", "de la Cruz", "de la Fuente", "de la Torre", "de los Santos",
    "del Castillo", "dos Santos", "da Silva", "da Costa", "de Souza", "de Oliveira", "von Stein",
    "von Bredow", "von Hagen", "bin Rashid", "bin Hamad", "bin Salman", "bin Abdullah", "binti Yusof",
    "Al-Farsi", "Al-Hashimi", "Al-Mansouri", "Al-Qahtani", "Al-Zahrani", "El-Amin", "ben David",
    "ben Ami", "O'Brien", "O'Connor", "O'Sullivan", "O'Neill", "McCarthy", "MacDonald", "d'Arcy",
    "D'Souza", "D'Costa", "Le Goff", "Le Roux", "du Plessis", "du Toit", "van Wyk", "van Rooyen",
    "di Stefano", "De Luca", "Della Rovere", "Lo Bianco", "La Rosa", "ter Horst", "ten Brink",
    "Mac Giolla", "Fitzgerald", "Abu Hamdan",
]

# --- Places -----------------------------------------------------------------------------------

CITIES = [
    "London", "Manchester", "Birmingham", "Leeds", "Glasgow", "Edinburgh", "Cardiff", "Belfast",
    "Bristol", "Liverpool", "Sheffield", "Nottingham", "Leicester", "Brighton", "Oxford",
    "Cambridge", "Dublin", "Cork", "Galway", "New York", "Los Angeles", "Chicago", "Houston",
    "Phoenix", "Philadelphia", "San Antonio", "San Diego", "Dallas", "Austin", "Seattle", "Denver",
    "Boston", "Atlanta", "Miami", "Portland", "Minneapolis", "Detroit", "Nashville", "Baltimore",
    "Pittsburgh", "Cleveland", "Sacramento", "San Francisco", "Oakland", "Raleigh", "Tampa",
    "Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa", "Winnipeg", "Halifax", "Mexico City",
    "Guadalajara", "Monterrey", "Puebla", "Bogotá", "Medellín", "Lima", "Santiago", "Buenos Aires",
    "Córdoba", "Montevideo", "São Paulo", "Rio de Janeiro", "Belo Horizonte", "Porto Alegre",
    "Recife", "Paris", "Lyon", "Marseille", "Toulouse", "Bordeaux", "Lille", "Nantes", "Strasbourg",
    "Berlin", "Munich", "Hamburg", "Cologne", "Frankfurt", "Stuttgart", "Düsseldorf", "Leipzig",
    "Dresden", "Vienna", "Graz", "Zurich", "Geneva", "Basel", "Bern", "Amsterdam", "Rotterdam",
    "Utrecht", "The Hague", "Eindhoven", "Brussels", "Antwerp", "Ghent", "Luxembourg", "Madrid",
    "Barcelona", "Valencia", "Seville", "Bilbao", "Málaga", "Lisbon", "Porto", "Rome", "Milan",
    "Naples", "Turin", "Florence", "Bologna", "Venice", "Palermo", "Warsaw", "Kraków", "Gdańsk",
    "Wrocław", "Poznań", "Prague", "Brno", "Budapest", "Bucharest", "Sofia", "Athens",
    "Thessaloniki", "Istanbul", "Ankara", "Izmir", "Copenhagen", "Aarhus", "Stockholm",
    "Gothenburg", "Oslo", "Bergen", "Helsinki", "Tallinn", "Riga", "Vilnius", "Kyiv", "Lviv",
    "Moscow", "Saint Petersburg", "Kazan", "Novosibirsk", "Tbilisi", "Yerevan", "Baku", "Dubai",
    "Abu Dhabi", "Doha", "Riyadh", "Jeddah", "Muscat", "Kuwait City", "Manama", "Amman", "Beirut",
    "Cairo", "Alexandria", "Casablanca", "Rabat", "Tunis", "Algiers", "Tehran", "Isfahan", "Shiraz",
    "Karachi", "Lahore", "Islamabad", "Mumbai", "Delhi", "New Delhi", "Bengaluru", "Bangalore",
    "Hyderabad", "Chennai", "Kolkata", "Pune", "Ahmedabad", "Jaipur", "Lucknow", "Kochi",
    "Chandigarh", "Indore", "Dhaka", "Chittagong", "Colombo", "Kathmandu", "Lagos", "Abuja",
    "Ibadan", "Kano", "Port Harcourt", "Enugu", "Accra", "Kumasi", "Nairobi", "Mombasa", "Kisumu",
    "Nakuru", "Addis Ababa", "Bahir Dar", "Kampala", "Kigali", "Dar es Salaam", "Johannesburg",
    "Cape Town", "Durban", "Pretoria", "Lusaka", "Harare", "Dakar", "Abidjan", "Beijing",
    "Shanghai", "Shenzhen", "Guangzhou", "Chengdu", "Hangzhou", "Wuhan", "Hong Kong", "Taipei",
    "Tokyo", "Osaka", "Kyoto", "Yokohama", "Nagoya", "Fukuoka", "Sapporo", "Seoul", "Busan",
    "Incheon", "Daegu", "Hanoi", "Ho Chi Minh City", "Da Nang", "Bangkok", "Chiang Mai",
    "Kuala Lumpur", "Penang", "Singapore", "Jakarta", "Surabaya", "Bandung", "Manila",
    "Quezon City", "Cebu", "Davao", "Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide",
    "Canberra", "Hobart", "Auckland", "Wellington", "Christchurch",
]

# SHARED: short list, every split sees all of it.
COUNTRIES = [
    "United States", "USA", "Canada", "Mexico", "Brazil", "Argentina", "Chile", "Colombia", "Peru",
    "United Kingdom", "UK", "England", "Scotland", "Wales", "Ireland", "France", "Germany", "Spain",
    "Portugal", "Italy", "Netherlands", "Belgium", "Switzerland", "Austria", "Poland", "Czechia",
    "Hungary", "Romania", "Greece", "Turkey", "Sweden", "Norway", "Denmark", "Finland", "Ukraine",
    "Russia", "Israel", "Egypt", "Morocco", "Nigeria", "Ghana", "Kenya", "Ethiopia", "South Africa",
    "Uganda", "Tanzania", "Saudi Arabia", "United Arab Emirates", "UAE", "Qatar", "Iran", "Iraq",
    "Jordan", "Lebanon", "Pakistan", "India", "Bangladesh", "Sri Lanka", "Nepal", "China", "Japan",
    "South Korea", "Vietnam", "Thailand", "Malaysia", "Singapore", "Indonesia", "Philippines",
    "Australia", "New Zealand",
]

# SHARED.
STATES = [
    "California", "Texas", "Florida", "New York State", "Illinois", "Ohio", "Georgia", "Washington",
    "Massachusetts", "New Jersey", "Pennsylvania", "Michigan", "Arizona", "Colorado", "Oregon",
    "Virginia", "North Carolina", "Minnesota", "Ontario", "Quebec", "British Columbia", "Alberta",
    "Bavaria", "Bayern", "Hessen", "Saxony", "North Rhine-Westphalia", "Catalonia", "Andalusia",
    "Lombardy", "Tuscany", "Île-de-France", "Provence", "Maharashtra", "Karnataka", "Tamil Nadu",
    "Kerala", "Gujarat", "Punjab", "Uttar Pradesh", "West Bengal", "Telangana", "New South Wales",
    "Victoria", "Queensland", "Western Australia", "Yorkshire", "Kent", "Surrey", "Lancashire",
    "Cornwall", "Lagos State", "Rift Valley", "Jalisco", "Nuevo León", "Minas Gerais", "Bahia",
]

SAINTS = [
    "Mary", "Thomas", "George", "James", "Luke", "Mark", "John", "Joseph", "Anne", "Vincent",
    "Jude", "Bartholomew", "Catherine", "Michael", "Peter", "Andrew", "Francis", "Patrick",
    "Elizabeth", "Clare", "Raphael", "Bernard", "Helen", "Agnes", "Margaret", "Columba",
]

# --- Organizations ----------------------------------------------------------------------------

# SHARED: big banks the tagger must know.
BANKS = [
    "Barclays", "HSBC", "Lloyds Bank", "NatWest", "Santander", "Nationwide Building Society",
    "Monzo", "Revolut", "Chase", "JPMorgan Chase", "Bank of America", "Wells Fargo", "Citibank",
    "Capital One", "PNC Bank", "TD Bank", "RBC", "Scotiabank", "Deutsche Bank", "Commerzbank",
    "Sparkasse", "BNP Paribas", "Société Générale", "Crédit Agricole", "ING", "Rabobank", "ABN AMRO",
    "UBS", "Credit Suisse", "UniCredit", "Intesa Sanpaolo", "BBVA", "CaixaBank", "Itaú", "Bradesco",
    "Banco do Brasil", "Nubank", "HDFC Bank", "ICICI Bank", "State Bank of India", "Axis Bank",
    "Kotak Mahindra Bank", "Standard Chartered", "DBS", "OCBC", "Maybank", "ANZ", "Westpac",
    "Commonwealth Bank", "NAB", "Emirates NBD", "First Abu Dhabi Bank", "Zenith Bank",
    "Access Bank", "GTBank", "Ecobank", "Equity Bank", "KCB", "Absa", "Standard Bank", "Mizuho",
    "MUFG", "Bank of China", "ICBC", "KB Kookmin Bank", "Vietcombank", "BDO Unibank",
]

# SHARED.
AGENCIES = [
    "HMRC", "IRS", "DVLA", "NHS England", "Home Office", "Department of Labor",
    "Department for Work and Pensions", "DWP", "Social Security Administration", "USCIS", "CDC",
    "FDA", "FBI", "Environment Agency", "Companies House", "Ministry of Health",
    "Ministry of Finance", "Bundesagentur für Arbeit", "Finanzamt", "CAF", "Pôle emploi",
    "Agenzia delle Entrate", "Receita Federal", "SAT", "Income Tax Department", "UIDAI", "CRA",
    "Service Canada", "ATO", "Centrelink", "Medicare", "Kenya Revenue Authority", "FIRS",
    "European Commission", "World Health Organization", "WHO", "United Nations", "UNICEF",
    "Red Cross", "Médecins Sans Frontières", "Ofsted", "Ofcom", "SEC", "FINRA",
    "Financial Conduct Authority", "Federal Reserve", "European Central Bank",
]

# SHARED.
INSURERS = [
    "Aetna", "Cigna", "UnitedHealthcare", "Humana", "Kaiser Permanente", "Blue Cross Blue Shield",
    "Anthem", "Bupa", "AXA", "Allianz", "Aviva", "Zurich Insurance", "MetLife", "Prudential",
    "Star Health", "Discovery Health", "Generali", "Vitality", "Medibank", "Sun Life",
]

HOSPITALS = [
    "Mayo Clinic", "Cleveland Clinic", "Johns Hopkins Hospital", "Massachusetts General Hospital",
    "Mount Sinai", "Cedars-Sinai", "Guy's and St Thomas'", "Great Ormond Street Hospital",
    "Addenbrooke's Hospital", "John Radcliffe Hospital", "Charité", "Apollo Hospitals",
    "Fortis Hospital", "AIIMS", "Manipal Hospital", "Aga Khan University Hospital",
    "Kenyatta National Hospital", "Groote Schuur Hospital", "Lagos University Teaching Hospital",
    "Hôpital Pitié-Salpêtrière", "Karolinska University Hospital", "Sheba Medical Center",
    "Toronto General Hospital", "St Vincent's Hospital", "Royal Melbourne Hospital",
    "Singapore General Hospital", "Seoul National University Hospital", "Hospital Italiano",
]

SCHOOLS = [
    "MIT", "Stanford", "Harvard", "Oxford University", "Imperial College London", "UCL",
    "ETH Zurich", "Sorbonne University", "TU Munich", "IIT Bombay", "IIT Delhi", "IISc",
    "University of Lagos", "Makerere University", "University of Nairobi", "University of Ghana",
    "Addis Ababa University", "Tsinghua University", "Peking University", "KAIST",
    "National University of Singapore", "McGill University", "UCLA", "Georgia Tech",
    "Carnegie Mellon", "London School of Economics", "King's College London", "Trinity College Dublin",
    "Universidad de Buenos Aires", "USP", "UNAM", "Politecnico di Milano", "KTH",
]

HOTELS = [
    "Hilton", "Marriott", "Hyatt Regency", "Radisson Blu", "Premier Inn", "Travelodge", "Ibis",
    "Novotel", "Holiday Inn Express", "Four Seasons", "The Ritz-Carlton", "Sheraton", "Westin",
    "InterContinental", "Taj Mahal Palace", "Shangri-La", "Mandarin Oriental", "Best Western",
    "Accor", "Motel One",
]

# Well-known companies (long list, split 80/20 like Faker companies).
BRANDS = [
    "Google", "Alphabet", "Microsoft", "Apple", "Amazon", "Meta", "Netflix", "IBM", "Oracle",
    "Salesforce", "SAP", "Siemens", "Bosch", "Volkswagen", "BMW", "Mercedes-Benz", "Toyota", "Honda",
    "Samsung", "LG Electronics", "Sony", "Panasonic", "Huawei", "Xiaomi", "Alibaba", "Tencent",
    "Baidu", "ByteDance", "Infosys", "Wipro", "Tata Consultancy Services", "TCS", "HCLTech",
    "Reliance Industries", "Mahindra", "Flipkart", "Zomato", "Deloitte", "PwC", "KPMG", "EY",
    "Accenture", "McKinsey", "Boston Consulting Group", "Goldman Sachs", "Morgan Stanley",
    "BlackRock", "Unilever", "Nestlé", "Procter & Gamble", "Johnson & Johnson", "Pfizer",
    "Novartis", "Roche", "AstraZeneca", "GSK", "Sanofi", "Bayer", "Shell", "BP", "TotalEnergies",
    "ExxonMobil", "Aramco", "Vodafone", "Orange", "Deutsche Telekom", "Telefónica", "BT Group",
    "Airtel", "MTN Group", "Safaricom", "Jumia", "Dangote Group", "Naspers", "Shopify", "Stripe",
    "Airbnb", "Uber", "Lyft", "Tesla", "SpaceX", "Nvidia", "Intel", "AMD", "Qualcomm", "Cisco",
    "Dell", "HP", "Lenovo", "Atlassian", "Canva", "Spotify", "Klarna", "Zalando", "IKEA", "H&M",
    "Inditex", "Carrefour", "Tesco", "Sainsbury's", "Walmart", "Target", "Costco", "Aldi", "Lidl",
    "DHL", "FedEx", "UPS", "Maersk", "Emirates", "Lufthansa", "Air France", "British Airways",
    "Ryanair", "easyJet", "Qantas", "Singapore Airlines", "Delta", "United Airlines", "Rakuten",
    "Grab", "Gojek", "Shopee", "Mercado Libre", "Petrobras", "Embraer", "Vale", "Cemex", "Bimbo",
    "Anthropic", "OpenAI", "Acme Corp",
]
