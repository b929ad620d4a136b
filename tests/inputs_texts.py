"""Hand-written news texts for the generated test inputs (`tests.inputs`): invented places, people and figures.

Each language has a title and paragraphs; one paragraph (`PROPAGANDA[lang]`) is propaganda-flavoured (loaded
language, name calling, "so-called experts", foreign puppeteers) and carries a real hyphenated word or two.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "en": (
        "Port workers end three-day strike after pay deal",
        (
            "Dock workers at the port of Eastmouth returned to their posts on Thursday morning after union leaders "
            "accepted a revised pay offer that raises wages by 6.5 percent over two years. The strike had left more "
            "than forty container ships waiting at anchor and delayed deliveries of grain and fuel across the region.",
            "The harbour authority said normal operations would resume by the weekend, although a backlog of roughly "
            "12,000 containers is expected to take until the end of the month to clear. Hauliers warned that queues "
            "at the northern gate could last several days, and several supermarkets reported temporary shortages.",
            "Yet the so-called settlement is nothing but a surrender dressed up as compromise. Everyone knows the "
            "foreign-owned shipping conglomerates dictated every line of it, and the government, as always, simply "
            "did as it was told. Only the hopelessly naive still believe that these self-appointed guardians of the "
            "economy care about ordinary families.",
            "Negotiators from both sides are due to meet again in March to discuss working hours and safety rules at "
            "the new automated terminal, which opens next year and will handle internationally scheduled traffic.",
        ),
    ),
    "de": (
        "Stadtrat beschließt neuen Haushalt für Schulen und Nahverkehr",
        (
            "Der Stadtrat von Neustadt hat am Dienstagabend mit knapper Mehrheit den Haushalt für das kommende Jahr "
            "verabschiedet. Für die Sanierung von elf Grundschulen sind insgesamt 48 Millionen Euro vorgesehen, "
            "deutlich mehr als im Vorjahr.",
            "Auch der öffentliche Nahverkehr soll profitieren: Die Verkehrsbetriebe erhalten zusätzliche Mittel für "
            "zwei neue Straßenbahnlinien und eine dichtere Taktung in den Abendstunden. Die Opposition kritisierte "
            "dagegen die steigende Neuverschuldung und forderte eine unabhängige Wirtschaftlichkeitsprüfung.",
            "Doch was die Stadtverwaltung als Zukunftsinvestition verkauft, ist in Wahrheit ein "
            "Täuschungsmanöver. Die sogenannten Experten der Regierungs-Koalition haben die Bürger wieder einmal "
            "hinters Licht geführt, während die Mainstream-Medien brav schweigen. Jeder vernünftige Mensch sieht, "
            "dass hier Steuergeld in die Taschen einer abgehobenen Elite fließt.",
            "Die Landesregierung muss den Haushalt noch genehmigen. Eine Entscheidung der Aufsichtsbehörde wird bis "
            "Ende Februar erwartet.",
        ),
    ),
    "fr": (
        "La sécheresse menace les récoltes dans le sud du pays",
        (
            "Les agriculteurs du sud du pays redoutent une nouvelle saison difficile : selon la chambre "
            "d'agriculture régionale, les précipitations sont inférieures de 40 % à la moyenne depuis le début de "
            "l'année. Plusieurs communes ont déjà restreint l'arrosage des jardins et le remplissage des piscines.",
            "Le ministère de l'Agriculture a annoncé mercredi un fonds d'urgence de 120 millions d'euros destiné aux "
            "exploitations les plus touchées. Les syndicats agricoles jugent toutefois cette enveloppe insuffisante "
            "et réclament une indemnisation proportionnelle aux pertes.",
            "Mais ne soyons pas dupes : cette prétendue aide d'urgence n'est qu'une opération de communication "
            "orchestrée par des technocrates déconnectés. Les soi-disant spécialistes de Bruxelles, qui n'ont jamais "
            "vu un champ de leur vie, veulent tout simplement la disparition de nos paysans. Qui peut encore croire "
            "à leurs promesses ?",
            "Une réunion entre les représentants des agriculteurs et le préfet est prévue la semaine prochaine pour "
            "examiner des mesures de soutien supplémentaires.",
        ),
    ),
    "it": (
        "Treni regionali, nuovi ritardi sulla linea costiera",
        (
            "Nuova giornata di disagi per i pendolari della linea costiera: un guasto alla rete elettrica nei pressi "
            "della stazione di Marina ha bloccato la circolazione per quasi tre ore lunedì mattina. Secondo la "
            "società ferroviaria, quindici treni regionali hanno accumulato ritardi fino a novanta minuti.",
            "I sindaci dei comuni interessati hanno chiesto un incontro urgente con l'assessore regionale ai "
            "trasporti. L'azienda ha promesso investimenti per la manutenzione straordinaria della linea entro "
            "l'estate.",
            "Ma è evidente a tutti che si tratta dell'ennesima presa in giro. I cosiddetti manager, pagati a peso "
            "d'oro, hanno lasciato marcire la rete per anni, mentre i politici filo-governativi continuano a "
            "raccontare favole. Chi difende ancora questo sistema è complice di un vero e proprio sabotaggio ai "
            "danni dei lavoratori.",
            "Il comitato dei pendolari ha annunciato una manifestazione per sabato davanti alla sede della Regione.",
        ),
    ),
    "es": (
        "El ayuntamiento aprueba un plan para ampliar los carriles bici",
        (
            "El pleno municipal aprobó el jueves un plan que prevé construir 35 kilómetros de nuevos carriles bici "
            "antes de 2028. El proyecto, con un presupuesto de 22 millones de euros, conectará los barrios del norte "
            "con el centro histórico y la universidad.",
            "Las asociaciones de ciclistas celebraron la decisión, mientras que algunos comerciantes del centro "
            "expresaron su preocupación por la pérdida de plazas de aparcamiento y por las consecuencias económicas "
            "de las obras.",
            "Sin embargo, detrás de esta supuesta revolución verde se esconde una agenda mucho más oscura. Los "
            "llamados expertos del ayuntamiento, al servicio de intereses extranjeros, quieren expulsar a las "
            "familias trabajadoras del centro. ¿Hasta cuándo vamos a tolerar esta imposición anti-democrática?",
            "Las obras del primer tramo comenzarán en otoño y durarán unos ocho meses, según el calendario municipal.",
        ),
    ),
    "pl": (
        "Rząd zapowiada podwyżki dla nauczycieli od września",
        (
            "Ministerstwo Edukacji ogłosiło w środę, że od września wynagrodzenia nauczycieli wzrosną średnio o 12 "
            "procent. Podwyżki obejmą zarówno nauczycieli szkół podstawowych, jak i ponadpodstawowych.",
            "Związki zawodowe przyjęły zapowiedź z umiarkowanym zadowoleniem, ale podkreślają, że realne płace wciąż "
            "nie nadążają za inflacją. Rozmowy w sprawie nowego systemu oceniania pracy mają się rozpocząć w "
            "przyszłym miesiącu.",
            "Tymczasem tak zwani eksperci z Brukseli i ich krajowi pomocnicy po raz kolejny próbują oszukać "
            "społeczeństwo. Wszyscy wiedzą, że ta rzekoma podwyżka to zwykła propaganda przedwyborcza, a prorządowe "
            "media posłusznie powtarzają każde kłamstwo polityczno-biurokratycznego układu. Tylko naiwni wierzą "
            "jeszcze w obietnice tej skompromitowanej władzy.",
            "Projekt ustawy ma trafić do Sejmu jeszcze przed wakacjami.",
        ),
    ),
    "uk": (
        "У Львові відкрили новий центр для переселенців",
        (
            "У Львові в понеділок відкрили новий центр підтримки для внутрішньо переміщених осіб. Він розрахований "
            "на 300 людей і пропонує тимчасове житло, юридичні консультації та допомогу в пошуку роботи.",
            "За словами представників міської ради, будівництво тривало вісім місяців і було профінансоване за "
            "рахунок міжнародних донорів та місцевого бюджету. Першими мешканцями стали родини з прифронтових "
            "районів.",
            "Проте так звані благодійники з-за кордону роблять це не з доброти. Усім очевидно, що за цими гучними "
            "проєктами стоять впливові фінансово-промислові групи, які прагнуть контролювати нашу землю. Лише "
            "наївні люди досі вірять у щирість цих самопроголошених рятівників.",
            "Міська влада планує відкрити ще два подібні центри до кінця року.",
        ),
    ),
    "ru": (
        "В Новосибирске завершили ремонт главного моста",
        (
            "В Новосибирске в пятницу после двух лет ремонта вновь открыли движение по главному мосту через Обь. По "
            "данным мэрии, работы обошлись городскому бюджету в 3,2 миллиарда рублей.",
            "Водители жаловались на многочасовые пробки на объездных маршрутах, однако власти заверяют, что теперь "
            "время в пути между левым и правым берегом сократится почти вдвое.",
            "Впрочем, так называемые независимые эксперты уже спешат очернить этот успех. Всем понятно, что за их "
            "истерикой стоят прозападные агенты влияния, которым выгодна любая дестабилизация. Только враги страны "
            "могут отрицать очевидное: город живёт и развивается вопреки проискам недоброжелателей из-за рубежа.",
            "В следующем году городские власти планируют приступить к реконструкции набережной.",
        ),
    ),
    "ar": (
        "افتتاح محطة جديدة لتحلية المياه على الساحل",
        (
            "افتتحت الحكومة يوم الأحد محطة جديدة لتحلية مياه البحر على الساحل الشمالي، بطاقة إنتاجية تبلغ مئة ألف "
            "متر مكعب يومياً. وقال وزير المياه إن المحطة ستزود أكثر من نصف مليون نسمة بمياه الشرب.",
            "وبلغت تكلفة المشروع نحو ثلاثمئة مليون دولار، وتم تمويله بقرض من صندوق تنموي إقليمي. ويتوقع المسؤولون "
            "أن تخفف المحطة من أزمة انقطاع المياه خلال أشهر الصيف.",
            "لكن ما يسمى بالخبراء المستقلين لا يتوقفون عن التشكيك في كل إنجاز وطني. والجميع يعلم أن هؤلاء مجرد "
            "أبواق مأجورة لجهات أجنبية تريد إضعاف البلاد وزرع الفتنة بين أبنائها. فمن يصدق أكاذيبهم بعد اليوم؟",
            "ومن المقرر أن تبدأ المرحلة الثانية من المشروع في عام 2027.",
        ),
    ),
    "bg": (
        "Общината започва ремонт на централния площад",
        (
            "Общинският съвет одобри в сряда проект за цялостен ремонт на централния площад, който ще струва около "
            "15 милиона лева. Работите трябва да започнат през април и да приключат до края на годината.",
            "Но така наречените експерти от опозицията отново сеят паника. Всички знаят, че зад техните писма "
            "стоят задгранични фондации и псевдо-граждански организации, които искат да спънат развитието на града.",
        ),
    ),
    "pt": (
        "Governo anuncia investimento em hospitais do interior",
        (
            "O Ministério da Saúde anunciou na segunda-feira um investimento de 80 milhões de euros para modernizar "
            "sete hospitais no interior do país. As obras incluem novas urgências e a compra de equipamento de "
            "diagnóstico.",
            "Mas esta suposta generosidade não engana ninguém. Os chamados especialistas do governo, sempre ao "
            "serviço dos grandes grupos económico-financeiros, só se lembram do interior em vésperas de eleições.",
        ),
    ),
}

# Which paragraph of each language is the propaganda-flavoured one (the social-media post of the screenshots).
PROPAGANDA = {lang: (1 if lang in ("bg", "pt") else 2) for lang in TEXTS}

# Outlet, section and social-media account of each language: running headers, e-mail senders, screenshot cards.
OUTLETS: dict[str, tuple[str, str, str]] = {
    "en": ("Eastmouth Courier", "World", "@eastmouth_courier"),
    "de": ("Neustädter Rundschau", "Lokales", "@rundschau_neustadt"),
    "fr": ("Le Journal du Midi", "Société", "@journaldumidi"),
    "it": ("Gazzetta della Costa", "Cronaca", "@gazzettacosta"),
    "es": ("Diario del Norte", "Ciudad", "@diariodelnorte"),
    "pl": ("Kurier Poranny", "Kraj", "@kurierporanny"),
    "uk": ("Львівський вісник", "Суспільство", "@lviv_visnyk"),
    "ru": ("Сибирские ведомости", "Город", "@sib_vedomosti"),
    "ar": ("صحيفة الساحل", "محليات", "@sahel_news"),
    "bg": ("Градски новини", "Общество", "@gradski_novini"),
    "pt": ("Jornal do Interior", "Sociedade", "@jornalinterior"),
}
