"""Signs of a signed-in session and the identity fields a signed-in person should not retype.

GREETING: words a site greets a known person with, before their name ("Hi Alex", "Hallo Anna", "Γεια σου
Νίκο"); the heuristic requires a capitalised name after them. SIGNED_IN_AS: "logged in as". LOG_OUT: the
whole label of a log-out control. IDENTITY_FIELD: the label, name or placeholder words of an e-mail, name,
username or birth-date field, as web forms write them.
"""

GREETING: dict[str, list[str]] = {
    "bg": [r"здравей(?:те)?", r"добре дошли отново", r"добре дошъл", r"добре дошла"],
    "ca": [r"hola", r"benvingu[dt]a?(?: de nou)?"], "cs": [r"ahoj", r"dobrý den", r"vítejte(?: zpět)?"],
    "da": [r"hej", r"velkommen(?: tilbage)?"], "de": [r"hallo", r"hi", r"willkommen(?: zurück)?"],
    "el": [r"γεια(?: σου| σας)?", r"καλώς (?:ήρθες|ήρθατε|όρισες)(?: ξανά)?"],
    "en": [r"hi", r"hello", r"hey", r"welcome(?: back)?"], "es": [r"hola", r"bienvenid[oa](?: de nuevo)?"],
    "et": [r"tere", r"tere tulemast(?: tagasi)?"], "fi": [r"hei", r"moi", r"tervetuloa(?: takaisin)?"],
    "fr": [r"bonjour", r"salut", r"bienvenue", r"bon retour"], "ga": [r"dia duit", r"fáilte(?: ar ais)?"],
    "hr": [r"bok", r"pozdrav", r"dobro došli(?: natrag)?"], "hu": [r"szia", r"üdv(?:özöljük)?(?: újra)?"],
    "it": [r"ciao", r"benvenut[oa](?: di nuovo)?", r"bentornat[oa]"], "lt": [r"labas", r"sveiki(?: sugrįžę)?"],
    "lv": [r"sveiki", r"čau", r"laipni lūgti(?: atpakaļ)?"], "mt": [r"bonġu", r"merħba(?: lura)?", r"ħello"],
    "nl": [r"hoi", r"hallo", r"welkom(?: terug)?"], "no": [r"hei", r"velkommen(?: tilbake)?"],
    "pl": [r"cześć", r"witaj(?: ponownie)?", r"dzień dobry"], "pt": [r"olá", r"bem-vind[oa](?: de volta)?"],
    "ro": [r"bună", r"salut", r"bine ai revenit", r"bine ați revenit"],
    "sk": [r"ahoj", r"dobrý deň", r"vitajte(?: späť)?"], "sl": [r"živjo", r"pozdravljeni", r"dobrodošli(?: nazaj)?"],
    "sv": [r"hej", r"välkommen(?: tillbaka)?"],
}

SIGNED_IN_AS: dict[str, list[str]] = {
    "bg": [r"влезли сте като", r"вписан като"], "ca": [r"has iniciat (?:la )?sessió com a", r"sessió iniciada com a"],
    "cs": [r"přihlášen(?:a|i)? jako"], "da": [r"logget ind som"], "de": [r"angemeldet als", r"eingeloggt als"],
    "el": [r"συνδεδεμένος ως", r"συνδεδεμένη ως", r"έχετε συνδεθεί ως"],
    "en": [r"(?:logged|signed) in as"], "es": [r"sesión iniciada como", r"conectado como"],
    "et": [r"sisse logitud kui"], "fi": [r"kirjautuneena (?:käyttäjänä|nimellä)?"],
    "fr": [r"connectée? en tant que"], "ga": [r"logáilte isteach mar"], "hr": [r"prijavljen(?:a|i)? kao"],
    "hu": [r"bejelentkezve mint", r"bejelentkezve:"], "it": [r"accesso effettuato come", r"connesso come"],
    "lt": [r"prisijungta kaip", r"prisijungęs kaip"], "lv": [r"pieteicies kā", r"pieteikusies kā"],
    "mt": [r"dħalt bħala", r"illoggjat bħala"], "nl": [r"ingelogd als", r"aangemeld als"],
    "no": [r"logget inn som"], "pl": [r"zalogowan[yao] jako"], "pt": [r"sessão iniciada como", r"ligado como"],
    "ro": [r"conectat ca", r"autentificat ca"], "sk": [r"prihlásen(?:ý|á|í) ako"],
    "sl": [r"prijavljen(?:a|i)? kot"], "sv": [r"inloggad som"],
}

LOG_OUT: dict[str, list[str]] = {
    "bg": [r"изход", r"излез"], "ca": [r"tanca(?:r)? (?:la )?sessió"], "cs": [r"odhlásit(?: se)?"],
    "da": [r"log ud"], "de": [r"abmelden", r"ausloggen", r"logout"], "el": [r"αποσύνδεση"],
    "en": [r"log ?out", r"sign ?out", r"logout"], "es": [r"cerrar sesión"], "et": [r"logi välja"],
    "fi": [r"kirjaudu ulos"], "fr": [r"se déconnecter", r"déconnexion"], "ga": [r"logáil amach"],
    "hr": [r"odjava", r"odjavi se"], "hu": [r"kijelentkezés"], "it": [r"esci", r"disconnetti"],
    "lt": [r"atsijungti"], "lv": [r"izrakstīties"], "mt": [r"oħroġ"], "nl": [r"uitloggen", r"afmelden"],
    "no": [r"logg ut"], "pl": [r"wyloguj(?: się)?"], "pt": [r"terminar sessão", r"sair"], "ro": [r"deconectare"],
    "sk": [r"odhlásiť(?: sa)?"], "sl": [r"odjava"], "sv": [r"logga ut"],
}

IDENTITY_FIELD: dict[str, list[str]] = {
    "bg": [r"имейл\w*", r"електронна поща", r"име", r"фамилия", r"потребителско име", r"дата на раждане"],
    "ca": [r"correu(?: electrònic)?", r"nom", r"cognoms?", r"nom d'usuari", r"data de naixement"],
    "cs": [r"e-?mail\w*", r"jméno", r"příjmení", r"uživatelské jméno", r"datum narození"],
    "da": [r"e-?mail(?:adresse)?", r"navn", r"fornavn", r"efternavn", r"brugernavn", r"fødselsdato"],
    "de": [r"e-?mail(?:-adresse)?", r"name", r"vorname", r"nachname", r"benutzername", r"geburtsdatum"],
    "el": [r"email", r"ηλεκτρονικό ταχυδρομείο", r"όνομα\w*", r"επώνυμο", r"ημερομηνία γέννησης"],
    "en": [r"e-?mail", r"full name", r"(?:first|last|given|family|sur)[- ]?name", r"your name", r"username",
           r"date of birth", r"birth ?date", r"birthday"],
    "es": [r"correo(?: electrónico)?", r"nombre", r"apellidos?", r"nombre de usuario", r"fecha de nacimiento"],
    "et": [r"e-?post\w*", r"nimi", r"eesnimi", r"perekonnanimi", r"kasutajanimi", r"sünniaeg"],
    "fi": [r"sähköposti\w*", r"nimi", r"etunimi", r"sukunimi", r"käyttäjätunnus", r"syntymäaika"],
    "fr": [r"e-?mail", r"courriel", r"nom", r"prénom", r"nom d'utilisateur", r"date de naissance"],
    "ga": [r"ríomhphost", r"ainm", r"sloinne", r"dáta breithe"],
    "hr": [r"e-?pošt\w+", r"ime", r"prezime", r"korisničko ime", r"datum rođenja"],
    "hu": [r"e-?mail(?:-cím)?", r"név", r"vezetéknév", r"keresztnév", r"felhasználónév", r"születési dátum"],
    "it": [r"e-?mail", r"nome", r"cognome", r"nome utente", r"data di nascita"],
    "lt": [r"el\. paštas", r"el\. pašto adresas", r"vardas", r"pavardė", r"gimimo data"],
    "lv": [r"e-?pasts", r"e-?pasta adrese", r"vārds", r"uzvārds", r"lietotājvārds", r"dzimšanas datums"],
    "mt": [r"email", r"isem", r"kunjom", r"data tat-twelid"],
    "nl": [r"e-?mail(?:adres)?", r"naam", r"voornaam", r"achternaam", r"gebruikersnaam", r"geboortedatum"],
    "no": [r"e-?post(?:adresse)?", r"navn", r"fornavn", r"etternavn", r"brukernavn", r"fødselsdato"],
    "pl": [r"e-?mail", r"adres e-?mail", r"imię", r"nazwisko", r"nazwa użytkownika", r"data urodzenia"],
    "pt": [r"e-?mail", r"nome", r"apelido", r"sobrenome", r"nome de utilizador", r"data de nascimento"],
    "ro": [r"e-?mail", r"nume", r"prenume", r"nume de utilizator", r"data nașterii"],
    "sk": [r"e-?mail\w*", r"meno", r"priezvisko", r"používateľské meno", r"dátum narodenia"],
    "sl": [r"e-?pošt\w+", r"e-?poštni naslov", r"ime", r"priimek", r"uporabniško ime", r"datum rojstva"],
    "sv": [r"e-?post(?:adress)?", r"namn", r"förnamn", r"efternamn", r"användarnamn", r"födelsedatum"],
}
