"""The wording heuristics' phrase lists, per language: each concept matches a real phrasing and not its near miss.

Every table has one row per target language: (a text the concept must find, a near miss it must not).
Near misses are the compliant wording a fair banner uses ("Reject all" is no confirmshaming, "your personal
information" names no kind of data). The last tests run the phrase sets over real consent libraries'
default texts (tests/data/consent_library_texts.json, see scripts/refresh_library_texts.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.trace_factory import make_element, make_step, make_trace

from auditor.trace import Dialog
from auditor.words import phrases as P
from heuristics import ambiguous_wording, confirmshaming, late_disclosure, retyped_identity, verification_barrier
from auditor.words.phrases._build import LANGUAGES, phrase_regex
from heuristics.late_disclosure import kinds_in

FORM = "https://example.test/object"
LIBRARY_TEXTS = json.loads((Path(__file__).parent / "data" / "consent_library_texts.json").read_text("utf-8"))

REFUSAL_TEXT = {
    "bg": ("Можете да откажете по всяко време.", "Приемам всички бисквитки"),
    "ca": ("Pots rebutjar les galetes opcionals.", "Accepto totes les galetes"),
    "cs": ("Máte právo vznést námitku proti zpracování.", "Přijmout vše"),
    "da": ("Du kan afvise alle cookies.", "Accepter alle cookies"),
    "de": ("Sie können der Verarbeitung jederzeit widersprechen.", "Alle akzeptieren"),
    "el": ("Έχετε το δικαίωμα εναντίωσης στην επεξεργασία.", "Αποδοχή όλων"),
    "en": ("You can object to this processing at any time.", "Accept all cookies"),
    "es": ("Puede oponerse al tratamiento en cualquier momento.", "Aceptar todas las cookies"),
    "et": ("Võite valikulistest küpsistest keelduda.", "Nõustu kõigiga"),
    "fi": ("Voit vastustaa tietojesi käsittelyä.", "Hyväksy kaikki"),
    "fr": ("Vous pouvez vous opposer à ce traitement.", "Tout accepter"),
    "ga": ("Is féidir leat diúltú do na fianáin roghnacha.", "Glac leo go léir"),
    "hr": ("Možete uložiti prigovor na obradu.", "Prihvati sve"),
    "hu": ("Ön tiltakozhat az adatkezelés ellen.", "Összes elfogadása"),
    "it": ("Puoi opporti al trattamento in qualsiasi momento.", "Accetta tutti"),
    "lt": ("Galite atsisakyti neprivalomų slapukų.", "Priimti visus"),
    "lv": ("Jūs varat noraidīt visas sīkdatnes.", "Pieņemt visas"),
    "mt": ("Tista' toġġezzjona għall-ipproċessar.", "Aċċetta kollox"),
    "nl": ("U kunt bezwaar maken tegen deze verwerking.", "Alles accepteren"),
    "no": ("Du kan avslå alle informasjonskapsler.", "Godta alle"),
    "pl": ("Możesz wyrazić sprzeciw wobec przetwarzania.", "Akceptuj wszystkie"),
    "pt": ("Pode opor-se ao tratamento a qualquer momento.", "Aceitar todos"),
    "ro": ("Vă puteți opune prelucrării datelor.", "Acceptă tot"),
    "sk": ("Môžete namietať proti spracúvaniu.", "Prijať všetko"),
    "sl": ("Obdelavi lahko ugovarjate kadar koli.", "Sprejmi vse"),
    "sv": ("Du kan invända mot behandlingen.", "Godkänn alla"),
}

# A shaming refusal against the neutral refusal of the same language.
SHAMING = {
    "bg": ("Не, благодаря, предпочитам да плащам повече", "Отхвърли всички"),
    "ca": ("No, gràcies, prefereixo pagar més", "Rebutja-ho tot"),
    "cs": ("Ne, děkuji, raději zaplatím víc", "Odmítnout vše"),
    "da": ("Nej tak, jeg foretrækker en dårligere oplevelse", "Afvis alle"),
    "de": ("Nein danke, ich möchte keine Vorteile", "Alle ablehnen"),
    "el": ("Όχι, ευχαριστώ, προτιμώ χειρότερη εμπειρία", "Απόρριψη όλων"),
    "en": ("No thanks, I prefer to pay more", "Reject all"),
    "es": ("No, gracias, prefiero una peor experiencia", "Rechazar todo"),
    "et": ("Ei, aitäh, eelistan maksta rohkem", "Keeldu kõigist"),
    "fi": ("Ei kiitos, maksan mieluummin enemmän", "Hylkää kaikki"),
    "fr": ("Non merci, je préfère payer plus", "Tout refuser"),
    "ga": ("Is fearr liom níos mó a íoc", "Diúltaigh do gach ceann"),
    "hr": ("Ne, hvala, radije ću platiti više", "Odbij sve"),
    "hu": ("Nem, köszönöm, inkább többet fizetek", "Összes elutasítása"),
    "it": ("No grazie, preferisco pagare di più", "Rifiuta tutto"),
    "lt": ("Ne, ačiū, verčiau mokėsiu daugiau", "Atmesti visus"),
    "lv": ("Nē, paldies, labāk maksāšu vairāk", "Noraidīt visas"),
    "mt": ("Le grazzi, nippreferi nħallas aktar", "Irrifjuta kollox"),
    "nl": ("Nee bedankt, ik betaal liever meer", "Alles weigeren"),
    "no": ("Nei takk, jeg betaler heller mer", "Avvis alle"),
    "pl": ("Nie, dziękuję, wolę płacić więcej", "Odrzuć wszystkie"),
    "pt": ("Não, obrigado, prefiro pagar mais", "Rejeitar tudo"),
    "ro": ("Nu, mulțumesc, prefer să plătesc mai mult", "Respinge toate"),
    "sk": ("Nie, ďakujem, radšej zaplatím viac", "Odmietnuť všetko"),
    "sl": ("Ne, hvala, raje plačam več", "Zavrni vse"),
    "sv": ("Nej tack, jag betalar hellre mer", "Neka alla"),
}

# A conditional outcome against a plain promise of what the objection does.
CONDITIONAL_OUTCOME = {
    "bg": ("Ако вашето възражение бъде уважено, ще го приложим.", "Ако възразите, няма да използваме данните ви."),
    "ca": ("Si la teva oposició és acceptada, s'aplicarà.", "Si t'oposes, deixarem d'utilitzar les teves dades."),
    "cs": ("Pokud bude vaší námitce vyhověno, uplatníme ji.", "Pokud vznesete námitku, přestaneme údaje používat."),
    "da": ("Hvis din indsigelse imødekommes, gælder den fremover.", "Hvis du gør indsigelse, stopper vi."),
    "de": ("Wenn Ihrem Widerspruch stattgegeben wird, gilt er künftig.", "Wenn Sie widersprechen, endet die Nutzung."),
    "el": ("Αν η εναντίωσή σας γίνει δεκτή, θα εφαρμοστεί.", "Αν αντιταχθείτε, δεν θα χρησιμοποιούμε τα δεδομένα σας."),
    "en": ("If your objection is honoured, it will apply going forward.", "If you object, we stop using your data."),
    "es": ("Si su oposición es aceptada, se aplicará en adelante.", "Si se opone, dejaremos de usar sus datos."),
    "et": ("Kui teie vastuväide rahuldatakse, kohaldame seda.", "Kui esitate vastuväite, lõpetame kasutamise."),
    "fi": ("Jos vastustuksesi hyväksytään, sitä sovelletaan.", "Jos vastustat, emme käytä tietojasi."),
    "fr": ("Si votre opposition est acceptée, elle s'appliquera.", "Si vous vous opposez, nous arrêtons."),
    "ga": ("Má ghlactar le d'agóid, cuirfear i bhfeidhm í.", "Má dhéanann tú agóid, ní úsáidfimid do shonraí."),
    "hr": ("Ako vaš prigovor bude prihvaćen, primijenit ćemo ga.", "Ako uložite prigovor, prestajemo."),
    "hu": ("Ha a tiltakozását elfogadjuk, azt alkalmazzuk.", "Ha tiltakozik, nem használjuk az adatait."),
    "it": ("Se la tua opposizione viene accolta, sarà applicata.", "Se ti opponi, non useremo più i tuoi dati."),
    "lt": ("Jei jūsų prieštaravimas bus patenkintas, jį taikysime.", "Jei prieštaraujate, nebenaudosime duomenų."),
    "lv": ("Ja jūsu iebildums tiks apmierināts, mēs to piemērosim.", "Ja iebilstat, mēs pārtrauksim."),
    "mt": ("Jekk l-oġġezzjoni tiegħek tiġi aċċettata, se napplikawha.", "Jekk toġġezzjona, ma nużawx id-data."),
    "nl": ("Als uw bezwaar wordt gehonoreerd, geldt het voortaan.", "Als u bezwaar maakt, stoppen we."),
    "no": ("Hvis din innsigelse tas til følge, gjelder den fremover.", "Hvis du protesterer, slutter vi."),
    "pl": ("Jeśli sprzeciw zostanie uwzględniony, zastosujemy go.", "Jeśli wyrazisz sprzeciw, przestaniemy."),
    "pt": ("Se a sua oposição for aceite, será aplicada.", "Se se opuser, deixaremos de usar os seus dados."),
    "ro": ("Dacă opoziția dvs. este acceptată, o vom aplica.", "Dacă vă opuneți, nu vom mai folosi datele."),
    "sk": ("Ak bude vašej námietke vyhovené, uplatníme ju.", "Ak podáte námietku, prestaneme."),
    "sl": ("Če bo vašemu ugovoru ugodeno, ga bomo upoštevali.", "Če ugovarjate, podatkov ne bomo uporabljali."),
    "sv": ("Om din invändning godkänns gäller den framåt.", "Om du invänder slutar vi använda dina uppgifter."),
}

# Two kinds of data named (posts, photos) against the generic "your personal information".
DATA_KINDS = {
    "bg": ("вашите публикации и снимки", "вашата лична информация"),
    "ca": ("les teves publicacions i fotos", "la teva informació personal"),
    "cs": ("vaše příspěvky a fotografie", "vaše osobní údaje"),
    "da": ("dine opslag og billeder", "dine personoplysninger"),
    "de": ("Ihre Beiträge und Fotos", "Ihre personenbezogenen Daten"),
    "el": ("τις δημοσιεύσεις και τις φωτογραφίες σας", "τα προσωπικά σας δεδομένα"),
    "en": ("your posts and photos", "your personal information"),
    "es": ("tus publicaciones y fotos", "tu información personal"),
    "et": ("teie postitused ja fotod", "teie isikuandmed"),
    "fi": ("julkaisusi ja kuvasi", "henkilötietosi"),
    "fr": ("vos publications et photos", "vos informations personnelles"),
    "ga": ("do phostálacha agus do ghrianghraif", "do shonraí pearsanta"),
    "hr": ("vaše objave i fotografije", "vaši osobni podaci"),
    "hu": ("a bejegyzéseid és fényképeid", "a személyes adataid"),
    "it": ("i tuoi post e le tue foto", "i tuoi dati personali"),
    "lt": ("jūsų įrašai ir nuotraukos", "jūsų asmens duomenys"),
    "lv": ("jūsu ieraksti un fotogrāfijas", "jūsu personas dati"),
    "mt": ("il-postijiet u r-ritratti tiegħek", "id-data personali tiegħek"),
    "nl": ("je berichten en foto's", "je persoonsgegevens"),
    "no": ("dine innlegg og bilder", "dine personopplysninger"),
    "pl": ("twoje posty i zdjęcia", "twoje dane osobowe"),
    "pt": ("as suas publicações e fotos", "os seus dados pessoais"),
    "ro": ("postările și fotografiile tale", "datele tale personale"),
    "sk": ("vaše príspevky a fotografie", "vaše osobné údaje"),
    "sl": ("vaše objave in fotografije", "vaši osebni podatki"),
    "sv": ("dina inlägg och foton", "dina personuppgifter"),
}

# "Go to your inbox" against merely asking for an address.
CHECK_INBOX = {
    "bg": ("Проверете вашата поща, изпратихме ви линк.", "Въведете вашия имейл адрес."),
    "ca": ("T'hem enviat un enllaç de confirmació.", "Introdueix el teu correu electrònic."),
    "cs": ("Zkontrolujte svůj e-mail, poslali jsme vám odkaz.", "Zadejte svůj e-mail."),
    "da": ("Tjek din indbakke, vi har sendt dig et link.", "Indtast din e-mailadresse."),
    "de": ("Bitte prüfen Sie Ihren Posteingang.", "Geben Sie Ihre E-Mail-Adresse ein."),
    "el": ("Σας στείλαμε έναν σύνδεσμο επιβεβαίωσης.", "Εισαγάγετε το email σας."),
    "en": ("Check your inbox: we have sent you a link.", "Enter your email address below."),
    "es": ("Te hemos enviado un enlace de confirmación.", "Introduce tu correo electrónico."),
    "et": ("Kontrollige oma e-posti.", "Sisestage oma e-posti aadress."),
    "fi": ("Tarkista sähköpostisi.", "Anna sähköpostiosoitteesi."),
    "fr": ("Nous vous avons envoyé un lien de confirmation.", "Saisissez votre adresse e-mail."),
    "ga": ("Seiceáil do ríomhphost.", "Cuir isteach do sheoladh ríomhphoist."),
    "hr": ("Provjerite svoju e-poštu.", "Unesite svoju adresu e-pošte."),
    "hu": ("Kérjük, ellenőrizze az e-mailjeit.", "Adja meg az e-mail-címét."),
    "it": ("Ti abbiamo inviato un link di conferma.", "Inserisci il tuo indirizzo e-mail."),
    "lt": ("Patikrinkite savo el. paštą.", "Įveskite savo el. pašto adresą."),
    "lv": ("Pārbaudiet savu e-pastu.", "Ievadiet savu e-pasta adresi."),
    "mt": ("Iċċekkja l-inbox tiegħek.", "Daħħal l-indirizz tal-email tiegħek."),
    "nl": ("Controleer je inbox voor de bevestigingslink.", "Vul je e-mailadres in."),
    "no": ("Sjekk innboksen din.", "Skriv inn e-postadressen din."),
    "pl": ("Sprawdź swoją skrzynkę, wysłaliśmy link.", "Podaj swój adres e-mail."),
    "pt": ("Enviámos-lhe um link de confirmação.", "Introduza o seu endereço de e-mail."),
    "ro": ("Verificați-vă e-mailul pentru linkul de confirmare.", "Introduceți adresa de e-mail."),
    "sk": ("Skontrolujte si e-mail, poslali sme vám odkaz.", "Zadajte svoj e-mail."),
    "sl": ("Poslali smo vam povezavo, preverite e-pošto.", "Vnesite svoj e-poštni naslov."),
    "sv": ("Kontrollera din inkorg.", "Ange din e-postadress."),
}

# A one-time-code field against a code that is no barrier (postal, discount).
CODE_FIELD = {
    "bg": ("Код за потвърждение", "Пощенски код"), "ca": ("Codi de verificació", "Codi postal"),
    "cs": ("Ověřovací kód", "Slevový kód"), "da": ("Bekræftelseskode", "Rabatkode"),
    "de": ("Bestätigungscode", "Gutscheincode"), "el": ("Κωδικός επαλήθευσης", "Ταχυδρομικός κώδικας"),
    "en": ("Verification code", "Postal code"), "es": ("Código de verificación", "Código postal"),
    "et": ("Kinnituskood", "Sooduskood"), "fi": ("Vahvistuskoodi", "Alennuskoodi"),
    "fr": ("Code de vérification", "Code postal"), "ga": ("Cód fíoraithe", "Éirchód"),
    "hr": ("Kôd za potvrdu", "Poštanski broj"), "hu": ("Ellenőrző kód", "Kuponkód"),
    "it": ("Codice di verifica", "Codice sconto"), "lt": ("Patvirtinimo kodas", "Pašto kodas"),
    "lv": ("Verifikācijas kods", "Pasta indekss"), "mt": ("Kodiċi ta' verifika", "Kodiċi postali"),
    "nl": ("Verificatiecode", "Postcode"), "no": ("Engangskode", "Rabattkode"),
    "pl": ("Kod weryfikacyjny", "Kod pocztowy"), "pt": ("Código de verificação", "Código postal"),
    "ro": ("Cod de verificare", "Cod poștal"), "sk": ("Overovací kód", "Zľavový kód"),
    "sl": ("Koda za preverjanje", "Koda za popust"), "sv": ("Verifieringskod", "Rabattkod"),
}

# An identity field (retyped-identity) against a field that is not about who you are.
IDENTITY_FIELD = {
    "bg": ("Фамилия", "Съобщение"), "ca": ("Correu electrònic", "Missatge"), "cs": ("Příjmení", "Zpráva"),
    "da": ("Efternavn", "Besked"), "de": ("Vorname", "Nachricht"), "el": ("Επώνυμο", "Μήνυμα"),
    "en": ("Email address", "Message"), "es": ("Correo electrónico", "Mensaje"), "et": ("Perekonnanimi", "Sõnum"),
    "fi": ("Sukunimi", "Viesti"), "fr": ("Adresse e-mail", "Message"), "ga": ("Sloinne", "Teachtaireacht"),
    "hr": ("Prezime", "Poruka"), "hu": ("Vezetéknév", "Üzenet"), "it": ("Cognome", "Messaggio"),
    "lt": ("Pavardė", "Žinutė"), "lv": ("Uzvārds", "Ziņojums"), "mt": ("Kunjom", "Messaġġ"),
    "nl": ("Achternaam", "Bericht"), "no": ("Etternavn", "Melding"), "pl": ("Nazwisko", "Wiadomość"),
    "pt": ("Nome completo", "Mensagem"), "ro": ("Prenume", "Mesaj"), "sk": ("Priezvisko", "Správa"),
    "sl": ("Priimek", "Sporočilo"), "sv": ("Efternamn", "Meddelande"),
}

# A purpose that may be on by default against one that needs consent.
NECESSARY = {
    "bg": ("Задължителни бисквитки", "Рекламни бисквитки"), "ca": ("Galetes necessàries", "Galetes de publicitat"),
    "cs": ("Nezbytné soubory cookie", "Marketingové soubory cookie"), "da": ("Nødvendige cookies", "Marketingcookies"),
    "de": ("Technisch notwendige Cookies", "Marketing-Cookies"), "el": ("Απαραίτητα cookies", "Cookies διαφήμισης"),
    "en": ("Strictly necessary cookies", "Marketing cookies"), "es": ("Cookies estrictamente necesarias",
                                                                      "Cookies de publicidad"),
    "et": ("Hädavajalikud küpsised", "Turundusküpsised"), "fi": ("Välttämättömät evästeet", "Markkinointievästeet"),
    "fr": ("Cookies strictement nécessaires", "Cookies publicitaires"), "ga": ("Fianáin riachtanacha",
                                                                               "Fianáin fógraíochta"),
    "hr": ("Nužni kolačići", "Marketinški kolačići"), "hu": ("Feltétlenül szükséges sütik", "Marketing sütik"),
    "it": ("Cookie strettamente necessari", "Cookie di profilazione"), "lt": ("Būtinieji slapukai",
                                                                             "Rinkodaros slapukai"),
    "lv": ("Nepieciešamās sīkdatnes", "Mārketinga sīkdatnes"), "mt": ("Cookies meħtieġa", "Cookies tar-reklamar"),
    "nl": ("Noodzakelijke cookies", "Marketingcookies"), "no": ("Nødvendige informasjonskapsler",
                                                                "Markedsføringskapsler"),
    "pl": ("Niezbędne pliki cookie", "Marketingowe pliki cookie"), "pt": ("Cookies estritamente necessários",
                                                                         "Cookies de publicidade"),
    "ro": ("Cookie-uri strict necesare", "Cookie-uri de marketing"), "sk": ("Nevyhnutné súbory cookie",
                                                                           "Marketingové súbory cookie"),
    "sl": ("Nujni piškotki", "Oglaševalski piškotki"), "sv": ("Nödvändiga kakor", "Marknadsföringskakor"),
}

# The paid alternative of a "pay or okay" wall against a free refusal (EDPB Opinion 08/2024).
PAID = {
    "bg": ("Абонирайте се за 2,99 €", "Отхвърляне на всички"), "ca": ("Subscriu-te per 2,99 €", "Rebutja-ho tot"),
    "cs": ("Předplatit za 2,99 €", "Odmítnout vše"), "da": ("Abonnér for 2,99 €", "Afvis alle"),
    "de": ("Pur-Abo abschließen", "Alle ablehnen"), "el": ("Συνδρομή για 2,99 €", "Απόρριψη όλων"),
    "en": ("Subscribe for 2.99 € a month", "Reject all"), "es": ("Suscríbete por 2,99 €", "Rechazar todo"),
    "et": ("Telli 2,99 € eest", "Keeldu kõigist"), "fi": ("Tilaa 2,99 €/kk", "Hylkää kaikki"),
    "fr": ("Abonnez-vous pour 2,99 €", "Tout refuser"), "ga": ("Liostáil ar 2.99 €", "Diúltaigh do gach ceann"),
    "hr": ("Pretplatite se za 2,99 €", "Odbij sve"), "hu": ("Előfizetés havi 2,99 €-ért", "Összes elutasítása"),
    "it": ("Abbonati a 2,99 €", "Rifiuta tutto"), "lt": ("Prenumeruoti už 2,99 €", "Atmesti visus"),
    "lv": ("Abonēt par 2,99 €", "Noraidīt visus"), "mt": ("Abbona għal 2.99 €", "Irrifjuta kollox"),
    "nl": ("Abonneer voor 2,99 €", "Alles weigeren"), "no": ("Abonner for 2,99 €", "Avvis alle"),
    "pl": ("Subskrybuj za 2,99 €", "Odrzuć wszystkie"), "pt": ("Assine por 2,99 €", "Rejeitar tudo"),
    "ro": ("Abonează-te pentru 2,99 €", "Respinge tot"), "sk": ("Predplatiť za 2,99 €", "Odmietnuť všetko"),
    "sl": ("Naročite se za 2,99 €", "Zavrni vse"), "sv": ("Prenumerera för 2,99 €", "Avvisa alla"),
}


def _code_field(words: str) -> bool:
    return bool(P.CODE_FIELD.search(words)) and not P.NOT_A_CODE.search(words)


def _two_kinds(text: str) -> bool:
    return {"posts", "photos"} <= set(kinds_in(text))


TABLES = {
    "refusal_text": (REFUSAL_TEXT, lambda t: bool(P.REFUSAL_TEXT.search(t))),
    "shaming": (SHAMING, lambda t: bool(P.SHAMING.search(t))),
    "conditional_outcome": (CONDITIONAL_OUTCOME, lambda t: bool(P.CONDITIONAL_OUTCOME.search(t))),
    "data_kinds": (DATA_KINDS, _two_kinds),
    "check_inbox": (CHECK_INBOX, lambda t: bool(P.CHECK_INBOX.search(t))),
    "code_field": (CODE_FIELD, _code_field),
    "identity_field": (IDENTITY_FIELD, lambda t: bool(P.IDENTITY_FIELD.search(t))),
    "necessary": (NECESSARY, lambda t: bool(P.NECESSARY.search(t))),
    "paid_alternative": (PAID, lambda t: bool(P.PAID_ALTERNATIVE.search(t))),
}
CASES = [(concept, lang) for concept, (table, _) in TABLES.items() for lang in LANGUAGES]


def test_every_table_has_every_language():
    for concept, (table, _) in TABLES.items():
        assert sorted(table) == sorted(LANGUAGES), concept


@pytest.mark.parametrize("concept,lang", CASES)
def test_concept_matches_its_phrase_and_not_the_near_miss(concept, lang):
    table, matches = TABLES[concept]
    phrase, near_miss = table[lang]
    assert matches(phrase), f"{concept}/{lang} should match {phrase!r}"
    assert not matches(near_miss), f"{concept}/{lang} should not match {near_miss!r}"


@pytest.mark.parametrize("concept", sorted(P.CONCEPTS))
def test_every_concept_has_phrases_in_every_language(concept):
    by_language = P.CONCEPTS[concept]
    assert [lang for lang in LANGUAGES if not by_language.get(lang)] == []


def test_every_language_names_the_core_kinds_of_data():
    core = {"posts", "photos", "videos", "comments", "messages", "contacts", "location", "browsing", "purchases"}
    for kind in core:
        assert sorted(P.DATA_KIND_PHRASES[kind]) == sorted(LANGUAGES), kind


@pytest.mark.parametrize("concept", sorted(P.CONCEPTS))
def test_each_phrase_compiles_alone_and_is_lower_case(concept):
    for lang, phrases in P.CONCEPTS[concept].items():
        for phrase in phrases:
            phrase_regex({lang: [phrase]})
            assert phrase == phrase.strip() and phrase == phrase.lower(), (concept, lang, phrase)


@pytest.mark.parametrize("text,pattern", [
    ("ΑΠΟΡΡΙΨΗ ΟΛΩΝ", P.REFUSAL_TEXT),  # Chromium upper-cases Greek without its accents
    ("Je m’oppose au traitement", P.REFUSAL_TEXT),  # typographic apostrophe
    ("Droit à l'opposition", P.REFUSAL_TEXT),  # French elision before the word
    ("Nu, mulţumesc, prefer să plătesc mai mult", P.SHAMING),  # Romanian cedilla instead of comma below
    ("No\u00a0thanks, I\u00a0prefer to pay more", P.SHAMING),  # no-break spaces
    ("IRRIFJUTA KOLLOX", P.REFUSAL_TEXT),  # Maltese upper case
    ("ОТХВЪРЛИ ВСИЧКИ", P.REFUSAL_TEXT),  # Bulgarian upper case
])
def test_matching_is_unicode_safe(text, pattern):
    assert pattern.search(text)


@pytest.mark.parametrize("text,pattern", [
    ("unobjectionable", P.REFUSAL_TEXT),  # a word boundary on each side
    ("Ukážka", P.REFUSAL_TEXT),
    ("facebook", P.LOG_OUT),
])
def test_phrases_do_not_match_inside_words(text, pattern):
    assert not pattern.search(text)


@pytest.mark.parametrize("text", ["Non-essential cookies", "Nicht notwendige Cookies", "Cookies non essentiels",
                                  "Cookies no necesarias", "Niet-noodzakelijke cookies", "Icke-nödvändiga kakor"])
def test_a_negated_purpose_name_is_not_necessary(text):
    assert not P.NECESSARY.search(text)


def test_greeting_needs_a_capitalised_name():
    assert P.GREETING.search("Hallo Anna, willkommen").group("name") == "Anna"
    assert P.GREETING.search("Γεια σου Νίκο").group("name") == "Νίκο"


def _library_texts():
    for lang, by_library in LIBRARY_TEXTS["texts"].items():
        for library, texts in by_library.items():
            for text in texts:
                yield lang, library, text


def test_library_texts_are_vendored_with_their_licences():
    assert {s["package"] for s in LIBRARY_TEXTS["sources"]} == {"klaro", "orejime", "tarteaucitronjs"}
    assert all(s["version"] and s["licence"] and "Copyright" in s["licence_text"] for s in LIBRARY_TEXTS["sources"])
    assert len(LIBRARY_TEXTS["texts"]) >= 20


@pytest.mark.parametrize("name", ["SHAMING", "CONDITIONAL_OUTCOME", "GENERIC_HEDGE", "DOUBLE_NEGATIVE"])
def test_compliant_library_texts_are_neither_shaming_nor_ambiguous(name):
    pattern: re.Pattern = getattr(P, name)
    hits = [(lang, library, m.group(0)) for lang, library, text in _library_texts() if (m := pattern.search(text))]
    assert hits == []


def test_every_library_language_names_the_refusal():
    """Class 1 of issue 11: each library's own refusal wording, in each language it ships, is known."""
    missing = [(lang, library) for lang, by_library in LIBRARY_TEXTS["texts"].items()
               for library, texts in by_library.items() if not any(P.REFUSAL_TEXT.search(t) for t in texts)]
    assert missing == []


# ---------------------------------------------------------------- through the heuristics


def _library_first_layers():
    """(lang, library, refusal label, page text) for every library and language in the vendored texts."""
    for lang, by_library in sorted(LIBRARY_TEXTS["texts"].items()):
        for library, texts in sorted(by_library.items()):
            refusal = next(t for t in texts if len(t) < 40 and P.REFUSAL_TEXT.search(t))
            yield lang, library, refusal, ". ".join(texts)


@pytest.mark.parametrize("lang,library,refusal,text", list(_library_first_layers()),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 16 else "")
def test_refusing_on_a_compliant_library_banner_is_neither_shaming_nor_ambiguous(lang, library, refusal, text):
    goal = [make_step(1, "click", make_element(text=refusal), others=[make_element(text="OK")], text=text)]
    trace = make_trace(goal, goal="reject")
    assert confirmshaming.check(trace) == []
    assert ambiguous_wording.check(trace) == []


def test_confirmshaming_fires_on_a_polish_label_and_a_greek_dialog():
    shame = make_element(text="Nie, dziękuję, wolę płacić więcej")
    goal = [make_step(1, "click", shame, others=[make_element(text="Akceptuj")],
                      dialogs=[Dialog(kind="confirm", message="Είστε σίγουροι; Θα χάσετε τις προσφορές σας.")])]
    [f] = confirmshaming.check(make_trace(goal, goal="reject"))
    assert (f.severity, f.measured["where"]) == ("high", ["label", "dialog", "dialog"])


def test_ambiguous_wording_knows_a_finnish_notice_names_the_choice_and_a_czech_hedge():
    more = make_element(text="Lisätietoja", tag="a", role="link")
    named = [make_step(1, "click", more, text="Voit vastustaa tietojesi käyttöä. Lisätietoja")]
    assert ambiguous_wording.check(make_trace(named)) == []
    hedged = [make_step(1, "click", make_element(text="Odeslat"),
                        text="Pokud bude vaší námitce vyhověno, uplatníme ji do budoucna. Odeslat")]
    [f] = ambiguous_wording.check(make_trace(hedged))
    assert (f.measured["kind"], f.severity) == ("hedged-outcome", "medium")


def test_late_disclosure_in_swedish():
    goal = [make_step(1, "click", make_element(text="Läs mer"), text="Vi använder din information för AI."),
            make_step(2, "click", make_element(text="Skicka"), url=FORM,
                      text="Vi använder dina inlägg, foton och kommentarer.")]
    [f] = late_disclosure.check(make_trace(goal))
    assert f.measured["kinds_named_later"] == ["comments", "photos", "posts"]


def test_retyped_identity_in_czech_and_verification_in_latvian():
    email = make_element(tag="input", role="textbox", type="text", text="", name="E-mail", label="E-mail", value="")
    goal = [make_step(1, "click", make_element(text="Vznést námitku"), text="Ahoj Jano, máme novinky."),
            make_step(2, "fill", email, url=FORM, typed_chars=20),
            make_step(3, "click", make_element(text="Odeslat", type="submit"), url=FORM,
                      text="Pārbaudiet savu e-pastu. Kods ir derīgs vienu stundu.")]
    [f] = retyped_identity.check(make_trace(goal))
    assert f.measured["signed_in_evidence"] == "Ahoj Jano"
    [v] = verification_barrier.check(make_trace(goal))
    assert (v.measured["kind"], v.measured["expires"]) == ("email-verification", "derīgs vienu stundu")


# --- compiled on first use (auditor/words/phrases/_lazy.py) -----------------------------------------------

_LAZY_PROBE = """
import auditor.words.phrases as P
from auditor.words.phrases._lazy import LazyPattern
from heuristics.registry import all_heuristics
all_heuristics()
lazy = {n: v for n, v in vars(P).items() if isinstance(v, LazyPattern)}
print(sorted(lazy), sorted(n for n, v in lazy.items() if "compiled" in vars(v)), P._kind_patterns.cache_info().currsize)
P.SHAMING.search("No thanks, I prefer to pay more")
print(sorted(n for n, v in lazy.items() if "compiled" in vars(v)))
"""


def test_importing_every_heuristic_compiles_no_phrase_pattern_until_one_is_used():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _LAZY_PROBE], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout.splitlines()
    patterns = sorted(n for n in P.__all__ if n.isupper() and n not in {"LANGUAGES", "CONCEPTS", "DATA_KIND_PHRASES"})
    assert len(patterns) == 19 and out == [f"{patterns} [] 0", "['SHAMING']"]


def test_a_lazy_pattern_is_the_pattern_phrase_regex_compiles():
    from auditor.words.phrases import refusal, shaming

    assert P.REFUSAL_TEXT.pattern == phrase_regex(refusal.REFUSAL_TEXT).pattern
    assert P.SHAMING.pattern == phrase_regex(shaming.SHAMING, after=P._REST_OF_SENTENCE).pattern
    assert P.REFUSAL_TEXT.compiled is P.REFUSAL_TEXT.compiled  # once per process
    assert P.data_kind("Fotos") == "photos" and P.data_kind("nothing of the kind") is None
