"""Names of purposes that may be on by default because the service cannot work without them.

"Strictly necessary", "essential", "required", "technical", "always active": the category names consent
libraries ship (klaro's "required" / "always required", orejime's "mandatory", tarteaucitron's
"mandatory", OneTrust's "Always active", vanilla-cookieconsent's "Necessary cookies"). Stems, because the
word is an adjective that agrees with "cookies", "purposes" or "services". A negated name ("non-essential",
"nicht notwendige", "non nécessaires") is the opposite and must not match: the lookbehinds say so.
"""

NECESSARY: dict[str, list[str]] = {
    "bg": [r"необходим\w*", r"задължителн\w*", r"основн\w* бисквитки", r"винаги активн\w*", r"технически\w*"],
    "ca": [r"necessàri\w*", r"essencials?", r"estrictament", r"obligatori\w*", r"sempre actiu\w*", r"tècnique?s?"],
    "cs": [r"nezbytn\w*", r"nutn\w*", r"vyžadovan\w*", r"vždy aktivní", r"technick\w*", r"povinn\w*"],
    "da": [r"(?<!ikke-)(?<!ikke\s)nødvendig\w*", r"påkrævede?", r"altid aktiv\w*", r"strengt", r"tekniske?"],
    "de": [r"(?<!nicht-)(?<!nicht\s)(?:notwendig|erforderlich|essenziell|essentiell)\w*", r"immer aktiv",
           r"technisch\w*", r"unbedingt"],
    "el": [r"απαραίτητ\w*", r"αναγκαί\w*", r"υποχρεωτικ\w*", r"πάντα ενεργ\w*", r"τεχνικ\w*"],
    "en": [r"(?<!non-)(?<!non\s)(?:necess|essential)\w*", r"required", r"strictly", r"mandatory", r"always active"],
    "es": [r"(?<!no\s)(?:necesari|esencial)\w*", r"estrictamente", r"obligatori\w*", r"siempre activ\w*", r"técnic\w*"],
    "et": [r"\w*vajalik\w*", r"kohustuslik\w*", r"alati aktiivne", r"tehnilis\w*"],
    "fi": [r"välttämättöm\w*", r"pakollis\w*", r"aina käytössä", r"aina aktiivinen", r"tekni\w*"],
    "fr": [r"(?<!non-)(?<!non\s)(?:nécessaires?|essentiel\w*)", r"strictement", r"obligatoires?",
           r"toujours (?:actif|activé|requis)\w*", r"techniques?", r"requis"],
    "ga": [r"riachtanach\w*", r"éigeantach", r"gníomhach i gcónaí"],
    "hr": [r"nužn\w*", r"neophodn\w*", r"obavezn\w*", r"obvezn\w*", r"uvijek aktivn\w*", r"tehničk\w*"],
    "hu": [r"\w*szükséges\w*", r"alapvető\w*", r"kötelező\w*", r"mindig aktív", r"technikai"],
    "it": [r"(?<!non\s)(?:necessar|essenzial)\w*", r"strettamente", r"obbligatori\w*", r"sempre attiv\w*",
           r"tecnic\w*"],
    "lt": [r"būtin\w*", r"privalom\w*", r"visada aktyv\w*", r"technin\w*"],
    "lv": [r"nepieciešam\w*", r"obligāt\w*", r"vienmēr aktīv\w*", r"tehnisk\w*"],
    "mt": [r"meħtieġ\w*", r"essenzjali", r"strettament", r"obbligatorj\w*", r"dejjem attiv\w*", r"tekniċi"],
    "nl": [r"(?<!niet-)(?<!niet\s)(?:noodzakelijk\w*|essentiële?)", r"strikt\w*", r"verplicht\w*", r"altijd actief",
           r"technische?"],
    "no": [r"(?<!ikke-)(?<!ikke\s)nødvendig\w*", r"påkrevd\w*", r"alltid aktiv\w*", r"strengt", r"tekniske?"],
    "pl": [r"niezbędn\w*", r"konieczn\w*", r"wymagan\w*", r"zawsze aktywn\w*", r"techniczn\w*", r"obowiązkow\w*"],
    "pt": [r"(?<!não\s)(?:necessári\w*|essencia(?:l|is))", r"estritamente", r"obrigatóri\w*", r"sempre ativ\w*",
           r"técnic\w*"],
    "ro": [r"necesar(?:e|ă|i)?(?:le|ul|ii)?", r"esențial\w*", r"strict", r"obligatori\w*", r"întotdeauna activ\w*",
           r"tehnic\w*"],
    "sk": [r"nevyhnutn\w*", r"nutn\w*", r"vyžadovan\w*", r"vždy aktívn\w*", r"technick\w*", r"povinn\w*"],
    "sl": [r"nujn\w*", r"potrebn\w*", r"obvezn\w*", r"vedno aktivn\w*", r"tehničn\w*"],
    "sv": [r"(?<!icke-)(?<!inte\s)(?<!icke\s)nödvändig\w*", r"obligatorisk\w*", r"alltid aktiv\w*", r"strikt",
           r"tekniska?"],
}
