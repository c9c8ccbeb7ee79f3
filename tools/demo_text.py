"""Texts of the demo film: the single source of truth for its subtitles,
narration and gettext catalogs.

`tools/make_demo.py` reads this module and writes ``subtitles/*.srt``,
``locales/*/LC_MESSAGES/film.po`` and the narration of ``assets/master.mp4``
and ``assets/audio/*.m4a`` from it.  Edit the texts here, never the generated
files, then re-run the script.

Every cue is written as its subtitle lines (at most two, at most 42 grapheme
clusters each).  ``SPOKEN`` holds what the voice says where that differs from
the subtitle: respellings of English names so that a voice of another
language says them roughly the English way, and the web address, which is
always spoken by the English voice (a segment ``("en", text)``).
"""

from __future__ import annotations

# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------

FPS = 25
DURATION = 74.0  # seconds; 1850 frames, 3 552 000 audio samples at 48 kHz
SAMPLE_RATE = 48000

WEBSITE = "yourcounty.police.uk/neighbourhood"

#: (start, end) in seconds of each cue.  Cues last 4.0-4.8 s, gaps are 0.2 s.
CUE_TIMES: list[tuple[float, float]] = [
    (0.60, 5.00),  # 1  scene 1: the street, title
    (5.20, 9.80),  # 2
    (10.20, 15.00),  # 3  scene 2: walking the beat
    (15.20, 19.80),  # 4
    (20.00, 24.80),  # 5
    (25.20, 29.80),  # 6  scene 3: partner meeting with the council
    (30.00, 34.60),  # 7
    (34.80, 39.40),  # 8
    (39.80, 44.40),  # 9  scene 4: community surgery, Neighbourhood Beat Bus
    (44.60, 49.20),  # 10
    (49.40, 54.20),  # 11
    (54.60, 59.20),  # 12 scene 5: a "Talking" message arrives
    (59.40, 64.00),  # 13
    (64.40, 69.20),  # 14 scene 6: end card with the website
    (69.40, 73.40),  # 15
]

#: (name, start, end) of each scene; cuts fall between cues.
SCENES: list[tuple[str, float, float]] = [
    ("street", 0.0, 10.0),
    ("beat", 10.0, 25.0),
    ("meeting", 25.0, 39.6),
    ("bus", 39.6, 54.4),
    ("phone", 54.4, 64.2),
    ("endcard", 64.2, DURATION),
]

# --------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------

#: language code -> settings of the narration voice and the catalog header.
LANGUAGES: dict[str, dict[str, object]] = {
    "en": {
        "name": "English",
        "voice": "en-gb",
        "speed": 150,
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
    "pl": {
        "name": "Polish",
        "voice": "pl",
        "speed": 160,
        "plural_forms": ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"),
    },
    "ro": {
        "name": "Romanian",
        "voice": "ro",
        "speed": 160,
        "plural_forms": ("nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);"),
    },
    "ur": {
        "name": "Urdu",
        "voice": "ur",
        "speed": 155,
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
    "bn": {
        "name": "Bengali",
        "voice": "bn",
        "speed": 155,
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
    "gu": {
        "name": "Gujarati",
        "voice": "gu",
        "speed": 155,
        "plural_forms": "nplurals=2; plural=(n != 1);",
    },
}

SOURCE_LANGUAGE = "en"

# --------------------------------------------------------------------------
# Subtitles: one entry per cue, each a list of lines
# --------------------------------------------------------------------------

SUBTITLES: dict[str, list[list[str]]] = {
    "en": [
        ["[gentle music] This is your neighbourhood:", "your street, your home."],
        ["Meet the policing team", "who help to keep it safe."],
        ["Neighbourhood officers and PCSOs", "patrol your streets every day."],
        ["PCSOs: police community support officers."],
        ["They get to know local people", "and listen to your concerns."],
        ["They work with partners,", "such as the council,"],
        ["to tackle the problems", "that matter most to you,"],
        ["like antisocial behaviour,", "speeding and litter."],
        ["You can meet them", "at community surgeries in local venues"],
        ["and on our two Neighbourhood Beat Buses."],
        ["Drop in for a chat", "and tell them what you think."],
        ["Sign up to Talking,", "our community messaging system,"],
        ["for news, appeals and crime alerts", "from your local team."],
        ["Find your local team", f"at {WEBSITE}"],
        ["Your neighbourhood policing team:", "here for you. [music fades]"],
    ],
    # Polish and Romanian address the viewer politely (Państwo, dumneavoastră), as the Urdu, Bengali
    # and Gujarati texts do. PCSOs are not sworn officers: "pracownicy policji", never
    # "funkcjonariusze policji".
    "pl": [
        ["To Państwa okolica:", "Państwa ulica, Państwa dom."],
        ["Przedstawiamy Państwu zespół policji,", "który dba o jej bezpieczeństwo."],
        ["Dzielnicowi i PCSO codziennie", "patrolują Państwa ulice."],
        ["PCSO to pracownicy policji", "wspierający społeczność lokalną."],
        ["Poznają mieszkańców", "i słuchają, co Państwa niepokoi."],
        ["Współpracują z partnerami,", "takimi jak samorząd lokalny,"],
        ["by rozwiązywać problemy", "najważniejsze dla Państwa,"],
        ["takie jak zachowania antyspołeczne,", "nadmierna prędkość i śmieci."],
        ["Mogą ich Państwo spotkać na dyżurach", "dla mieszkańców w swojej okolicy"],
        ["i w naszych dwóch autobusach", "Neighbourhood Beat Bus."],
        ["Zapraszamy na rozmowę –", "prosimy powiedzieć, co Państwo myślą."],
        ["Prosimy zapisać się do „Talking”,", "naszych powiadomień dla mieszkańców,"],
        ["aby otrzymywać od lokalnego zespołu", "wieści, apele i alerty o przestępstwach."],
        ["Lokalny zespół znajdą Państwo na stronie", WEBSITE],
        ["Państwa lokalny zespół policji –", "zawsze blisko Państwa."],
    ],
    "ro": [
        ["Acesta este cartierul dumneavoastră:", "strada și casa dumneavoastră."],
        ["Vă prezentăm echipa de poliție", "care are grijă de siguranța lui."],
        ["Polițiștii de proximitate și agenții PCSO", "vă patrulează zilnic străzile."],
        ["PCSO sunt agenți de sprijin", "comunitar ai poliției."],
        ["Îi cunosc pe localnici", "și ascultă ce vă îngrijorează."],
        ["Lucrează cu parteneri,", "precum consiliul local,"],
        ["pentru a rezolva problemele", "care vă afectează cel mai mult,"],
        ["cum ar fi comportamentul antisocial,", "viteza excesivă și gunoaiele."],
        ["Îi găsiți la întâlnirile", "cu comunitatea din cartier"],
        ["și în cele două autobuze", "Neighbourhood Beat Bus."],
        ["Treceți pe la ei, stați de vorbă", "și spuneți-le ce credeți."],
        ["Abonați-vă la „Talking”,", "sistemul nostru de mesaje comunitare,"],
        ["pentru știri, apeluri și alerte", "despre infracțiuni de la echipa locală."],
        ["Găsiți-vă echipa locală pe site-ul", WEBSITE],
        ["Echipa de poliție a cartierului:", "aici pentru dumneavoastră."],
    ],
    "ur": [
        ["یہ آپ کا محلہ ہے: آپ کی گلی، آپ کا گھر۔"],
        ["اُس پولیس ٹیم سے ملیے جو اسے", "محفوظ رکھنے میں مدد کرتی ہے۔"],
        ["محلے کے پولیس افسران اور پی سی ایس او", "روزانہ آپ کی گلیوں میں گشت کرتے ہیں۔"],
        ["پی سی ایس او سے مراد پولیس", "کمیونٹی سپورٹ افسران ہیں۔"],
        ["وہ مقامی لوگوں سے جان پہچان بناتے ہیں", "اور آپ کے خدشات سنتے ہیں۔"],
        ["وہ کونسل جیسے شراکت داروں کے ساتھ", "مل کر کام کرتے ہیں،"],
        ["تاکہ اُن مسائل کو حل کیا جا سکے", "جو آپ کے لیے سب سے اہم ہیں،"],
        ["جیسے سماج دشمن رویہ،", "تیز رفتاری اور کوڑا کرکٹ۔"],
        ["آپ اُن سے مقامی جگہوں پر ہونے والی", "کمیونٹی ملاقاتوں میں مل سکتے ہیں"],
        ["اور ہماری دو نیبرہڈ بیٹ بسوں پر بھی۔"],
        ["تشریف لائیے، بات چیت کیجیے", "اور انہیں اپنی رائے بتائیے۔"],
        ["ہمارے کمیونٹی میسجنگ سسٹم", "’ٹاکنگ‘ کے لیے سائن اپ کیجیے،"],
        ["تاکہ آپ کو اپنی مقامی ٹیم سے خبریں،", "اپیلیں اور جرائم کے الرٹس ملتے رہیں۔"],
        ["اپنی مقامی ٹیم یہاں تلاش کیجیے:", WEBSITE],
        ["آپ کے محلے کی پولیس ٹیم:", "ہمیشہ آپ کی خدمت میں حاضر۔"],
    ],
    "bn": [
        ["এটি আপনার পাড়া: আপনার রাস্তা, আপনার বাড়ি।"],
        ["যে পুলিশ দল এটিকে নিরাপদ রাখতে", "সাহায্য করে, তাঁদের সঙ্গে পরিচিত হোন।"],
        ["পাড়ার পুলিশ অফিসার ও পিসিএসও-রা", "প্রতিদিন আপনার রাস্তায় টহল দেন।"],
        ["পিসিএসও মানে পুলিশ কমিউনিটি সাপোর্ট অফিসার।"],
        ["তাঁরা স্থানীয় মানুষের সঙ্গে পরিচিত হন", "এবং আপনার উদ্বেগের কথা শোনেন।"],
        ["তাঁরা কাউন্সিলের মতো অংশীদারদের সঙ্গে কাজ করেন,"],
        ["যাতে আপনার কাছে সবচেয়ে জরুরি সমস্যাগুলোর সমাধান হয়,"],
        ["যেমন অসামাজিক আচরণ, অতিরিক্ত গতি আর যেখানে-সেখানে ময়লা ফেলা।"],
        ["স্থানীয় নানা জায়গায় কমিউনিটি বৈঠকে", "আপনি তাঁদের সঙ্গে দেখা করতে পারেন,"],
        ["আর আমাদের দুটি নেবারহুড বিট বাসেও তাঁদের পাবেন।"],
        ["চলে আসুন, কথা বলুন, আর আপনার মতামত জানান।"],
        ["আমাদের কমিউনিটি মেসেজিং ব্যবস্থা ‘টকিং’-এ সাইন আপ করুন,"],
        ["আপনার স্থানীয় দলের কাছ থেকে খবর,", "আবেদন ও অপরাধ-সতর্কতা পেতে।"],
        ["আপনার স্থানীয় দলকে খুঁজুন এখানে:", WEBSITE],
        ["আপনার পাড়ার পুলিশ দল: সবসময় আপনার পাশে।"],
    ],
    "gu": [
        ["આ તમારો પડોશ છે: તમારી શેરી, તમારું ઘર."],
        ["તેને સુરક્ષિત રાખવામાં મદદ કરતી પોલીસ ટીમને મળો."],
        ["પડોશના પોલીસ અધિકારીઓ અને પીસીએસઓ", "દરરોજ તમારી શેરીઓમાં પેટ્રોલિંગ કરે છે."],
        ["પીસીએસઓ એટલે પોલીસ કમ્યુનિટી સપોર્ટ ઑફિસર."],
        ["તેઓ સ્થાનિક લોકો સાથે ઓળખાણ કેળવે છે અને તમારી ચિંતાઓ સાંભળે છે."],
        ["તેઓ કાઉન્સિલ જેવા ભાગીદારો સાથે મળીને કામ કરે છે,"],
        ["જેથી તમારા માટે સૌથી મહત્ત્વની સમસ્યાઓ ઉકેલી શકાય,"],
        ["જેમ કે અસામાજિક વર્તન, વધુ પડતી ઝડપ અને કચરો ફેંકવો."],
        ["તમે તેમને સ્થાનિક સ્થળોએ યોજાતી કમ્યુનિટી બેઠકોમાં મળી શકો છો"],
        ["અને અમારી બે નેબરહુડ બીટ બસો પર પણ."],
        ["નિઃસંકોચ આવો, વાતચીત કરો અને તમારો અભિપ્રાય જણાવો."],
        ["અમારી કમ્યુનિટી મેસેજિંગ સિસ્ટમ ‘ટૉકિંગ’ માટે સાઇન અપ કરો,"],
        ["જેથી તમારી સ્થાનિક ટીમ તરફથી સમાચાર,", "અપીલ અને ગુના અંગેની ચેતવણીઓ મળે."],
        ["તમારી સ્થાનિક ટીમ અહીં શોધો:", WEBSITE],
        ["તમારી પડોશની પોલીસ ટીમ: હંમેશાં તમારી સાથે."],
    ],
}

# --------------------------------------------------------------------------
# Narration where it differs from the subtitle text
# --------------------------------------------------------------------------

_URL_SPOKEN = ("en", "your county dot police dot U K, slash neighbourhood.")

#: language -> {cue number (1-based): list of (voice, text) segments}.
#: A voice of None means the language's own voice.
SPOKEN: dict[str, dict[int, list[tuple[str | None, str]]]] = {
    "en": {
        # English is captioned (film.toml: kind = "captions"): sound cues in brackets are not spoken.
        1: [(None, "This is your neighbourhood: your street, your home.")],
        15: [(None, "Your neighbourhood policing team: here for you.")],
        3: [(None, "Neighbourhood officers and P C S Os patrol your streets every day.")],
        4: [(None, "P C S Os are police community support officers.")],
        14: [(None, "Find your local team at"), _URL_SPOKEN],
    },
    "pl": {
        3: [(None, "Dzielnicowi i pe ce es o codziennie patrolują Państwa ulice.")],
        4: [(None, "Pe ce es o to pracownicy policji wspierający społeczność lokalną.")],
        10: [(None, "i w naszych dwóch autobusach nejberhud bit bas.")],
        12: [(None, "Prosimy zapisać się do tokin, naszych powiadomień dla mieszkańców,")],
        14: [(None, "Lokalny zespół znajdą Państwo na stronie"), _URL_SPOKEN],
    },
    "ro": {
        3: [(None, "Polițiștii de proximitate și agenții pe ce se o vă patrulează zilnic străzile.")],
        4: [(None, "Pe ce se o sunt agenți de sprijin comunitar ai poliției.")],
        10: [(None, "și în cele două autobuze neibărhud bit bas.")],
        12: [(None, "Abonați-vă la tochin, sistemul nostru de mesaje comunitare,")],
        14: [(None, "Găsiți-vă echipa locală pe site-ul"), _URL_SPOKEN],
    },
    "ur": {
        14: [(None, "اپنی مقامی ٹیم یہاں تلاش کیجیے:"), _URL_SPOKEN],
    },
    "bn": {
        14: [(None, "আপনার স্থানীয় দলকে খুঁজুন এখানে:"), _URL_SPOKEN],
    },
    "gu": {
        14: [(None, "તમારી સ્થાનિક ટીમ અહીં શોધો:"), _URL_SPOKEN],
    },
}

# --------------------------------------------------------------------------
# Audio description (English): what only the picture shows, in pauses of the narration
# --------------------------------------------------------------------------

#: (start, end, text) of each description; tools/make_demo.py writes descriptions/en.vtt and
#: voices them over the master's mix into assets/audio/en-ad.m4a (the described mix). The times
#: are pauses of the English narration (silences of the voice band, as `filmpipe validate` finds).
DESCRIPTIONS: dict[str, list[tuple[float, float, str]]] = {
    "en": [
        (47.00, 49.30, "A white Beat Bus by the community centre."),
        (52.15, 54.50, "A sign: community surgery, 10am to 2pm."),
        (58.15, 59.38, "Phone alert: Beat Bus."),
        (63.08, 64.38, "Market Square, 10 till 2."),
        (72.25, 73.95, "The web address stays on screen."),
    ],
}
DESCRIPTION_VOICE = "en-gb"

# --------------------------------------------------------------------------
# gettext catalogs: msgid (English, exact) -> msgstr per language
# --------------------------------------------------------------------------

TITLE = "Meet your neighbourhood policing team"
DESCRIPTION = "Who your neighbourhood officers are, what they do on your streets, and how to reach them."
CALL_TO_ACTION = f"Find your local team at {WEBSITE}"

#: (msgid, translator comment) in catalog order.
MESSAGES: list[tuple[str, str]] = [
    (TITLE, "Title of the film"),
    (DESCRIPTION, "Short description of the film"),
    (CALL_TO_ACTION, "Call to action shown with the film; keep the web address as it is"),
    ("Language", "Preview page: label of the language chooser"),
    ("Watch", "Preview page: heading of the player section"),
    ("Subtitles", "Preview page: subtitle track"),
    ("Captions burned in", "Preview page: video with the subtitles drawn into the picture"),
    ("Downloads", "Preview page: heading of the list of files to download"),
    ("Play", "Preview page: button that starts the video"),
    ("Poster", "Preview page: the still image shown before the video plays"),
    ("For web teams", "Preview page: heading of the section for website editors"),
    ("Embed code", "Preview page: HTML snippet to put the player on a web page"),
    ("Copy", "Preview page: button that copies the embed code"),
    ("Copied", "Preview page: shown after the embed code was copied"),
    ("Size", "Preview page: file size column"),
    ("Duration", "Preview page: running time of the film"),
    ("Pause", "Preview page: the play button while the video plays"),
    ("Transcript", "Preview page and transcript: the film as text"),
    ("audio description", "Name of the version with the descriptions voiced, e.g. 'English (audio description)'"),
    ("Audio description", "Preview page: switch to the version with the descriptions voiced (audio description)"),
]

# Polish and Romanian address the viewer politely, as their subtitles do: the title speaks to
# "Państwo" / "dumneavoastră". Romanian interface labels are nouns (Redare, Copiere), as
# Romanian software writes commands; Polish buttons keep the imperative that Polish software
# uses for commands (Odtwórz, Kopiuj), which is not a familiar form of address, and the Polish
# heading is a noun (Odtwarzanie) rather than "Obejrzyj" ("watch!", said to one friend).

CATALOGS: dict[str, dict[str, str]] = {
    "en": {msgid: msgid for msgid, _ in MESSAGES},
    "pl": {
        TITLE: "Przedstawiamy Państwu lokalny zespół policji",
        DESCRIPTION: ("Kim są Państwa dzielnicowi, co robią na Państwa ulicach i jak się z nimi skontaktować."),
        CALL_TO_ACTION: f"Lokalny zespół znajdą Państwo na stronie {WEBSITE}",
        "Language": "Język",
        "Watch": "Odtwarzanie",
        "Subtitles": "Napisy",
        "Captions burned in": "Napisy wtopione w obraz",
        "Downloads": "Pliki do pobrania",
        "Play": "Odtwórz",
        "Poster": "Obraz podglądu",
        "For web teams": "Dla zespołów internetowych",
        "Embed code": "Kod do osadzenia",
        "Copy": "Kopiuj",
        "Copied": "Skopiowano",
        "Size": "Rozmiar",
        "Duration": "Czas trwania",
        "Pause": "Wstrzymaj",
        "Transcript": "Transkrypcja",
        "audio description": "audiodeskrypcja",
        "Audio description": "Audiodeskrypcja",
    },
    "ro": {
        TITLE: "Cunoașteți echipa de poliție din cartierul dumneavoastră",
        DESCRIPTION: (
            "Cine sunt polițiștii de proximitate, ce fac pe străzile dumneavoastră și cum îi puteți contacta."
        ),
        CALL_TO_ACTION: f"Găsiți-vă echipa locală pe {WEBSITE}",
        "Language": "Limbă",
        "Watch": "Vizionare",
        "Subtitles": "Subtitrări",
        "Captions burned in": "Subtitrări încorporate în imagine",
        "Downloads": "Descărcări",
        "Play": "Redare",
        "Poster": "Imagine de previzualizare",
        "For web teams": "Pentru echipele web",
        "Embed code": "Cod de încorporare",
        "Copy": "Copiere",
        "Copied": "Copiat",
        "Size": "Dimensiune",
        "Duration": "Durată",
        "Pause": "Pauză",
        "Transcript": "Transcriere",
        "audio description": "audiodescriere",
        "Audio description": "Audiodescriere",
    },
    "ur": {
        TITLE: "اپنے محلے کی پولیس ٹیم سے ملیے",
        DESCRIPTION: (
            "آپ کے محلے کے پولیس افسران کون ہیں، وہ آپ کی گلیوں میں کیا کرتے ہیں، اور اُن سے کیسے رابطہ کیا جائے۔"
        ),
        CALL_TO_ACTION: f"اپنی مقامی ٹیم یہاں تلاش کیجیے: {WEBSITE}",
        "Language": "زبان",
        "Watch": "دیکھیے",
        "Subtitles": "سب ٹائٹلز",
        "Captions burned in": "ویڈیو میں شامل سب ٹائٹلز",
        "Downloads": "ڈاؤن لوڈز",
        "Play": "چلائیے",
        "Poster": "پوسٹر",
        "For web teams": "ویب ٹیموں کے لیے",
        "Embed code": "ایمبیڈ کوڈ",
        "Copy": "کاپی کیجیے",
        "Copied": "کاپی ہو گیا",
        "Size": "سائز",
        "Duration": "دورانیہ",
        "Pause": "روکیے",
        "Transcript": "تحریری متن",
        "audio description": "آڈیو وضاحت",
        "Audio description": "آڈیو وضاحت",
    },
    "bn": {
        TITLE: "আপনার পাড়ার পুলিশ দলের সঙ্গে পরিচিত হোন",
        DESCRIPTION: ("আপনার পাড়ার পুলিশ অফিসাররা কারা, আপনার এলাকার রাস্তায় তাঁরা কী করেন এবং কীভাবে তাঁদের সঙ্গে যোগাযোগ করবেন।"),
        CALL_TO_ACTION: f"আপনার স্থানীয় দলকে খুঁজুন এখানে: {WEBSITE}",
        "Language": "ভাষা",
        "Watch": "দেখুন",
        "Subtitles": "সাবটাইটেল",
        "Captions burned in": "ভিডিওর মধ্যে বসানো সাবটাইটেল",
        "Downloads": "ডাউনলোড",
        "Play": "চালান",
        "Poster": "পোস্টার",
        "For web teams": "ওয়েব টিমের জন্য",
        "Embed code": "এমবেড কোড",
        "Copy": "কপি করুন",
        "Copied": "কপি হয়েছে",
        "Size": "আকার",
        "Duration": "সময়কাল",
        "Pause": "বিরতি",
        "Transcript": "প্রতিলিপি",
        "audio description": "অডিও বর্ণনা",
        "Audio description": "অডিও বর্ণনা",
    },
    "gu": {
        TITLE: "તમારી પડોશની પોલીસ ટીમને મળો",
        DESCRIPTION: ("તમારા પડોશના પોલીસ અધિકારીઓ કોણ છે, તેઓ તમારી શેરીઓમાં શું કરે છે અને તેમનો સંપર્ક કેવી રીતે કરવો."),
        CALL_TO_ACTION: f"તમારી સ્થાનિક ટીમ અહીં શોધો: {WEBSITE}",
        "Language": "ભાષા",
        "Watch": "જુઓ",
        "Subtitles": "સબટાઇટલ",
        "Captions burned in": "વીડિયોમાં જડેલા સબટાઇટલ",
        "Downloads": "ડાઉનલોડ",
        "Play": "ચલાવો",
        "Poster": "પોસ્ટર",
        "For web teams": "વેબ ટીમો માટે",
        "Embed code": "એમ્બેડ કોડ",
        "Copy": "કૉપિ કરો",
        "Copied": "કૉપિ થઈ ગયું",
        "Size": "કદ",
        "Duration": "અવધિ",
        "Pause": "થોભાવો",
        "Transcript": "લેખિત પાઠ",
        "audio description": "ઑડિયો વર્ણન",
        "Audio description": "ઑડિયો વર્ણન",
    },
}
