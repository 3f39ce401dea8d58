"""The demo drafts' texts, in Finnish with their Swedish translations."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoDraft:
    """A demo draft in Finnish, and each of its texts in Swedish (keyed by the Finnish)."""

    title: str
    case: str
    template: str
    finish: bool
    proposal: str
    background: str
    reform: str
    phased: str
    reason: str
    justification: str
    comparison: str = ""
    mitigation: str = ""
    swedish: dict[str, str] = field(default_factory=dict)


DEMO_DRAFTS = (
    DemoDraft(
        title="Kouluverkon uudistaminen 2027–2030",
        case="VAA 2026-001245",
        template="iva",
        finish=False,
        proposal="Kasvatus- ja opetuslautakunta esittää, että kouluverkkoa uudistetaan vuosina "
        "2027–2030: kaksi pientä koulua yhdistetään lähimpiin kouluihin ja koulukuljetukset "
        "järjestetään uudelleen.",
        background="Oppilasmäärät laskevat alueella; palveluverkkoa sopeutetaan.",
        reform="Uudistus esityksen mukaan",
        phased="Vaiheittainen toteutus",
        reason="Muuttaa palveluverkkoa ja koskee lapsiperheitä.",
        justification="Matkat pitenevät osalla oppilaista.",
        swedish={
            "Kouluverkon uudistaminen 2027–2030": "Förnyelse av skolnätet 2027–2030",
            "Kasvatus- ja opetuslautakunta esittää, että kouluverkkoa uudistetaan vuosina "
            "2027–2030: kaksi pientä koulua yhdistetään lähimpiin kouluihin ja "
            "koulukuljetukset järjestetään uudelleen.": "Fostrans- och utbildningsnämnden "
            "föreslår att skolnätet förnyas åren 2027–2030: två små skolor slås samman med "
            "de närmaste skolorna och skolskjutsarna ordnas på nytt.",
            "Oppilasmäärät laskevat alueella; palveluverkkoa sopeutetaan.": "Elevantalet "
            "minskar i området; servicenätet anpassas därefter.",
            "Kasvatus- ja opetuslautakunta": "Fostrans- och utbildningsnämnden",
            "Uudistus esityksen mukaan": "Förnyelse enligt förslaget",
            "Vaiheittainen toteutus": "Genomförande i etapper",
            "Muuttaa palveluverkkoa ja koskee lapsiperheitä.": "Ändrar servicenätet och berör "
            "barnfamiljer.",
            "Matkat pitenevät osalla oppilaista.": "Resorna blir längre för en del av eleverna.",
        },
    ),
    DemoDraft(
        title="Kirjastoautopalvelun lakkauttaminen",
        case="VAA 2026-000987",
        template="kuntaliitto",
        finish=True,
        proposal="Kasvatus- ja opetuslautakunta esittää, että kirjastoautopalvelu lakkautetaan "
        "1.8.2027 alkaen ja korvataan haja-asutusalueen noutopisteillä ja kirjojen "
        "kotiinkuljetuksella.",
        background="Kirjastoauto on 22 vuotta vanha, ja sen korvaaminen maksaisi noin 450 000 "
        "euroa. Lainausmäärät ovat pienentyneet, mutta autoa käyttävät erityisesti lapset ja "
        "ikääntyneet.",
        reform="Lakkautus esityksen mukaan",
        phased="Vaiheittainen lakkautus",
        reason="Muuttaa palveluverkkoa ja koskee erityisesti lapsia ja ikääntyneitä "
        "haja-asutusalueella.",
        justification="Kirjastopalvelujen saavutettavuus heikkenee haja-asutusalueella, "
        "erityisesti niillä, joilla ei ole omaa autoa.",
        comparison="Nykytila säilyttää palvelun mutta vaatii uuden auton hankinnan. "
        "Vaiheittainen lakkautus antaa aikaa rakentaa korvaavat palvelut.",
        mitigation="Noutopisteet avataan kouluihin ja kyläkeskuksiin ennen lakkautusta; "
        "kotiinkuljetusta tarjotaan niille, joiden on vaikea liikkua.",
        swedish={
            "Kirjastoautopalvelun lakkauttaminen": "Indragning av bokbussverksamheten",
            "Kasvatus- ja opetuslautakunta esittää, että kirjastoautopalvelu lakkautetaan "
            "1.8.2027 alkaen ja korvataan haja-asutusalueen noutopisteillä ja kirjojen "
            "kotiinkuljetuksella.": "Fostrans- och utbildningsnämnden föreslår att "
            "bokbussverksamheten dras in från och med 1.8.2027 och ersätts med "
            "utlämningsställen i glesbygden och hemleverans av böcker.",
            "Kirjastoauto on 22 vuotta vanha, ja sen korvaaminen maksaisi noin 450 000 euroa. "
            "Lainausmäärät ovat pienentyneet, mutta autoa käyttävät erityisesti lapset ja "
            "ikääntyneet.": "Bokbussen är 22 år gammal, och att ersätta den skulle kosta "
            "cirka 450 000 euro. Utlåningen har minskat, men bussen används särskilt av barn "
            "och äldre.",
            "Kasvatus- ja opetuslautakunta": "Fostrans- och utbildningsnämnden",
            "Lakkautus esityksen mukaan": "Indragning enligt förslaget",
            "Vaiheittainen lakkautus": "Indragning i etapper",
            "Muuttaa palveluverkkoa ja koskee erityisesti lapsia ja ikääntyneitä "
            "haja-asutusalueella.": "Ändrar servicenätet och berör särskilt barn och äldre "
            "i glesbygden.",
            "Kirjastopalvelujen saavutettavuus heikkenee haja-asutusalueella, erityisesti "
            "niillä, joilla ei ole omaa autoa.": "Tillgången till bibliotekstjänster "
            "försämras i glesbygden, särskilt för dem som inte har egen bil.",
            "Nykytila säilyttää palvelun mutta vaatii uuden auton hankinnan. Vaiheittainen "
            "lakkautus antaa aikaa rakentaa korvaavat palvelut.": "Nuläget bevarar tjänsten "
            "men kräver att en ny buss anskaffas. En indragning i etapper ger tid att bygga "
            "upp ersättande tjänster.",
            "Noutopisteet avataan kouluihin ja kyläkeskuksiin ennen lakkautusta; "
            "kotiinkuljetusta tarjotaan niille, joiden on vaikea liikkua.": "Utlämningsställen "
            "öppnas i skolor och bycentrum före indragningen; hemleverans erbjuds dem som har "
            "svårt att röra sig.",
        },
    ),
)
STATUS_QUO = ("Nykytila", "Nuläge")
SCREENING_ANSWERS = {
    "exemption": "none",
    "affects_residents": "yes",
    "affects_staff": "yes",
    "budget_over_threshold": "yes",
    "affects_businesses": "no",
    "service_network": "yes",
    "strategy": "no",
    "significant_impacts": "yes",
    "concerns_people": "yes",
    "gender_situations_differ": "yes",
}
