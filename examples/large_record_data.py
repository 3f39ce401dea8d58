"""Text and matrix layout of the large example record (see make_large_record.py)."""

from __future__ import annotations

from typing import Any

AREAS = [
    ("wellbeing", "Hyvinvointi ja sen jakautuminen", "Ihmiset"),
    ("health", "Terveys ja sen jakautuminen", "Ihmiset"),
    ("mental_health", "Mielenterveys", "Ihmiset"),
    ("equality", "Yhdenvertaisuus ja syrjimättömyys", "Ihmiset"),
    ("services", "Palvelujen saavutettavuus", "Ihmiset"),
    ("language_rights", "Kielelliset oikeudet ja saamelaisten kulttuuri", "Ihmiset"),
    ("participation", "Osallisuus ja vaikutusmahdollisuudet", "Ihmiset"),
    ("living_environment", "Elinympäristön terveellisyys ja turvallisuus", "Ympäristö"),
    ("mobility", "Liikkuminen ja asiointimatkat", "Ympäristö"),
    ("staff", "Henkilöstö ja työolot", "Organisaatio ja talous"),
    ("finances", "Kunnan talous", "Organisaatio ja talous"),
    ("employment", "Elinkeinot ja työllisyys", "Organisaatio ja talous"),
]
GROUPS = [
    ("children_0_6", "Lapset 0–6 v.", None),
    ("children_7_17", "Lapset ja nuoret 7–17 v.", None),
    ("young_adults", "Nuoret aikuiset 18–29 v.", None),
    ("working_age", "Työikäiset", None),
    ("older_people", "Ikääntyneet 65+", None),
    ("older_75", "Ikääntyneet 75+", "older_people"),
    ("disabled", "Vammaiset henkilöt", None),
    ("sami", "Saamenkieliset", None),
]
GENDERS = [("all", "Kaikki"), ("women", "Naiset"), ("men", "Miehet"), ("other", "Muut")]
ALTERNATIVES = [
    (
        "status_quo",
        "Nykytila",
        "Palvelupisteet Ivalossa, Inarin kirkonkylässä, Sevettijärvellä (Čevetjävri) ja "
        "Nellimissä (Njellim) jatkavat nykyisillä aukioloajoilla.",
        True,
    ),
    (
        "centralise",
        "Palvelujen keskittäminen Ivaloon",
        "Sosiaali- ja terveyspalvelut sekä kirjasto keskitetään Ivalon monitoimitaloon. "
        "Kylien palvelupisteet suljetaan 1.8.2026 alkaen.\n\nSäästöarvio on 410 000 € "
        "vuodessa täysimääräisenä vuodesta 2027.",
        False,
    ),
    (
        "mobile",
        "Liikkuvat palvelut ja etäasiointi",
        "Kylien kiinteät pisteet korvataan hyvinvointiautolla, joka kiertää Anár–Ohcejohka-"
        "suunnalla viikoittain, sekä saamen- ja suomenkielisellä etävastaanotolla.",
        False,
    ),
]
SCALE = [
    (2, "++", "positive", "Merkittävä myönteinen vaikutus"),
    (1, "+", "positive", "Myönteinen vaikutus"),
    (0, "0", "neutral", "Ei vaikutusta"),
    (-1, "−", "negative", "Kielteinen vaikutus"),
    (-2, "−−", "negative", "Merkittävä kielteinen vaikutus"),
]
# bias per alternative and area: negative numbers make negative scores likelier
BIAS = {
    "status_quo": {"finances": -0.8, "staff": -0.4},
    "centralise": {
        "services": -1.4,
        "mobility": -1.6,
        "language_rights": -1.2,
        "participation": -0.6,
        "finances": 1.4,
        "staff": 0.6,
        "mental_health": -0.4,
        "wellbeing": -0.6,
    },
    "mobile": {
        "services": 0.6,
        "mobility": 0.8,
        "language_rights": 0.9,
        "finances": 0.5,
        "staff": -0.5,
        "employment": 0.3,
    },
}
VULNERABLE = {"older_75": -0.6, "older_people": -0.4, "disabled": -0.5, "sami": -0.4}

REASONS = {
    -2: [
        "Asiointimatka Sevettijärveltä (Čevetjävri) Ivaloon pitenee yli 110 kilometriin, eikä "
        "julkista liikennettä ole päivittäin.",
        "Saamenkielisen palvelun saatavuus heikkenee, koska Ivalon toimipisteessä on vain yksi "
        "pohjoissaamea puhuva työntekijä.",
    ],
    -1: [
        "Palvelu siirtyy kauemmas, mutta kuljetuspalvelu ja etäasiointi korvaavat osan käynneistä.",
        "Lähipalvelun loppuminen vähentää kylän kohtaamispaikkoja ja lisää yksinäisyyden riskiä.",
        "Muutos lisää henkilöstön matkustamista ja työn kuormittavuutta siirtymävaiheessa.",
    ],
    1: [
        "Hyvinvointiauto tuo palvelun viikoittain kotikylään, ja etävastaanotto lyhentää "
        "odotusaikaa.",
        "Keskitetty toimipiste mahdollistaa pidemmät aukioloajat ja laajemman palveluvalikoiman.",
        "Säästö vapauttaa määrärahoja ennaltaehkäisevään työhön.",
    ],
    2: [
        "Saamenkielinen etävastaanotto (sámegielat gáiddusvuostáiváldin) toteuttaa "
        "saamen kielilain 1086/2003 mukaiset oikeudet paremmin kuin nykytila.",
        "Pysyvä säästö vahvistaa kunnan taloutta ja turvaa palvelut pitkällä aikavälillä.",
    ],
}
EVIDENCE = [
    "Sotkanet: matkaetäisyydet terveysasemalle 2024; kyläkyselyn vastaukset (n = 214).",
    "Saamelaiskäräjien (Sámediggi) lausunto 12.2.2025 ja Sámi giellagáldun selvitys.",
    "THL: TEAviisari 2024, Inarin kunta; kunnan henkilöstöraportti 2024.",
    "Vanhusneuvoston kuuleminen 3.2.2025; Äldrerådets utlåtande (på svenska) 5.2.2025.",
]
LONG = (
    "Muutos kohdistuu erityisesti kyliin, joissa palvelupiste on ainoa julkinen "
    "asiointipaikka. Kyläkyselyssä 64 % Sevettijärven ja Nellimin vastaajista kertoi asioivansa "
    "palvelupisteessä vähintään kerran kuukaudessa, useimmiten reseptien uusimisen, "
    "laboratorionäytteiden ja kirjaston vuoksi.\n\n"
    "Saamenkielisille asiakkaille muutos tarkoittaa, että palvelu saamen kielellä on saatavilla "
    "vain ennalta varattuna. Saamelaiskäräjät muistuttaa, että kolttasaamenkielisiä "
    "(nuõrttsääʹmǩiõll) työntekijöitä on koko kunnassa kaksi. Pohjoissaamen erikoismerkit "
    "á, č, đ, ŋ, š, ŧ ja ž on tarkistettu asiakirjapohjassa, samoin inarinsaamen â.\n\n"
    "Uppgifter på svenska: ”Äldrerådet anser att förändringen försvagar tillgången till "
    "service för personer över 75 år som saknar egen bil.” Vaikutus arvioidaan kielteiseksi "
    "sekä lyhyellä että pitkällä aikavälillä, ellei kuljetuspalvelua järjestetä."
)
SAME_AS_ALL = "Vaikutus on sama kuin ryhmällä kokonaisuutena (ks. sarake Kaikki)."
GENDER_NOTES = {
    "women": "Naiset käyttävät palvelupisteitä useammin, myös omaishoitajina.",
    "men": "Miehet asioivat harvemmin, mutta yksin asuvien miesten riski jäädä palvelujen "
    "ulkopuolelle kasvaa.",
    "other": "Tietoa muunsukupuolisten asioinnista ei ole; arvio perustuu valtakunnallisiin "
    "tutkimuksiin.",
}

TEXTS: dict[str, Any] = {
    "comparison": {
        "text": "Keskittäminen tuottaa suurimman säästön, mutta sen kielteiset vaikutukset "
        "kasautuvat ikääntyneille, vammaisille henkilöille ja saamenkielisille. Liikkuvat "
        "palvelut säilyttävät saavutettavuuden kylissä ja parantavat saamenkielisiä "
        "palveluja, mutta säästö jää noin puoleen.\n\nNykytila ei ole taloudellisesti "
        "kestävä vuoden 2027 jälkeen.",
    },
    "mitigation": "Jos palveluja keskitetään, kyliin järjestetään asiointiliikenne kahdesti "
    "viikossa ja kotiin vietävät palvelut yli 75-vuotiaille.\n\nSaamenkielinen "
    "etävastaanotto (pohjoissaame, inarinsaame ja koltansaame) aloitetaan ennen "
    "kyläpisteiden sulkemista. Henkilöstön siirtymiin laaditaan yhteistoimintaneuvotteluissa "
    "siirtymäsuunnitelma.",
    "participation": {
        "description": "Asukastilaisuudet pidettiin Ivalossa, Inarissa, Sevettijärvellä ja "
        "Nellimissä 20.–29.1.2025 (yhteensä 186 osallistujaa). Verkkokysely oli avoinna "
        "suomeksi, pohjoissaameksi, inarinsaameksi ja koltansaameksi.",
        "statements": [
            {
                "body": "Vanhusneuvosto",
                "given_on": "2025-02-03",
                "summary": "Vastustaa kyläpisteiden sulkemista ilman korvaavaa kuljetusta. "
                "Äldrerådet i Enare framhåller behovet av service på svenska för inflyttade.",
            },
            {
                "body": "Nuorisovaltuusto",
                "given_on": "2025-02-05",
                "summary": "Kannattaa etäasiointia, kunhan nuorille on tarjolla myös "
                "kasvokkainen palvelu koulun yhteydessä.",
            },
            {
                "body": "Vammaisneuvosto",
                "given_on": "2025-02-06",
                "summary": "Hyvinvointiauton on oltava esteetön; etäpalvelun on toimittava "
                "myös viittomakielellä.",
            },
            {
                "body": "Saamelaiskäräjät (Sámediggi)",
                "given_on": "2025-02-12",
                "summary": "Sámediggi deattuha ahte sámegielat bálvalusat fertejit leat "
                "olámuttus. Saamelaiskäräjät edellyttää saamen kielilain mukaisten palvelujen "
                "turvaamista Anárin ja Ohcejohkan alueella; ŋ, š, ŧ, ž ja đ on kirjoitettava "
                "oikein kaikissa tiedotteissa.",
            },
        ],
    },
    "data_sources": [
        {
            "title": "TEAviisari: kuntien terveydenedistämisaktiivisuus",
            "publisher": "THL",
            "year": 2024,
            "url": "https://teaviisari.fi",
        },
        {
            "title": "Sotkanet-indikaattoripankki",
            "publisher": "THL",
            "year": 2024,
            "url": "https://sotkanet.fi",
        },
        {"title": "Väestörakenne alueittain 2024", "publisher": "Tilastokeskus", "year": 2024},
        {
            "title": "Sámegielaid dilli Suomas – Saamen kielten tilanne Suomessa",
            "publisher": "Sámediggi",
            "year": 2023,
        },
        {
            "title": "Inarin kunnan hyvinvointikertomus 2021–2024",
            "publisher": "Inarin kunta",
            "year": 2024,
        },
    ],
    "follow_up_indicators": [
        {
            "name": "Asiointimatkan mediaanipituus kylistä (km)",
            "baseline": "38 km",
            "target": "≤ 40 km",
            "data_source": "Kunnan paikkatieto",
            "review_on": "2026-12-31",
            "responsible": "Hyvinvointikoordinaattori",
        },
        {
            "name": "Saamenkielisten asiointien osuus",
            "baseline": "7,5 %",
            "target": "≥ 10 %",
            "data_source": "Asiakastietojärjestelmä",
            "review_on": "2026-12-31",
            "responsible": "Saamen kielen koordinaattori",
        },
        {
            "name": "Yli 75-vuotiaiden kotihoidon asiakastyytyväisyys",
            "baseline": "4,1 / 5",
            "target": "≥ 4,1 / 5",
            "data_source": "Asiakaskysely",
            "review_on": "2027-06-30",
            "responsible": "Vanhuspalvelujohtaja",
        },
        {
            "name": "Palvelupisteiden käyntimäärät",
            "baseline": "11 200 / v",
            "data_source": "Kävijälaskenta",
            "review_on": "2026-06-30",
        },
    ],
}
