"""Paying instead of consenting: the words of a "pay or okay" wall's other button.

"Subscribe", "pay", "subscription", "ad-free for 2.99 € a month", "Pur-Abo": the alternative such walls
(news sites, Meta's 2023 "subscription for no ads") offer instead of a refusal. Paying is not a free
refusal (EDPB Opinion 08/2024 on consent or pay models), so a layer whose only other way on is one of
these has no refusal. Verbs are stems (the imperative and infinitive differ), nouns are written out; a
price or a currency alone is left to the heuristic, as it also appears on accept-side labels.
"""

PAID_ALTERNATIVE: dict[str, list[str]] = {
    "bg": [r"абонира\w*", r"абонамент\w*", r"плати\w*", r"плащане", r"без реклами срещу"],
    "ca": [r"subscriu\w*", r"subscripció", r"paga\w*", r"pagament", r"sense anuncis per"],
    "cs": [r"předplat\w*", r"zaplat\w*", r"platit", r"bez reklam za"],
    "da": [r"abonn\w*", r"betal\w*", r"reklamefri\w* for"],
    "de": [r"abonnier\w*", r"abo", r"\w*-abo", r"pur-abo\w*", r"abonnement\w*", r"bezahl\w*", r"zahlen",
           r"werbefrei\w* (?:für|lesen)"],
    "el": [r"εγγραφ\w* συνδρομ\w*", r"συνδρομ\w*", r"πληρω\w*", r"πληρωμή", r"χωρίς διαφημίσεις με"],
    "en": [r"subscribe", r"subscription", r"pay", r"pay for", r"paid plan", r"go ad-free", r"ad-free for",
           r"become a (?:member|subscriber)"],
    "es": [r"suscr[ií]b\w*", r"suscripción", r"pagar", r"pago", r"sin anuncios por"],
    "et": [r"telli\w*", r"tellimus\w*", r"maksa\w*", r"reklaamivaba\w*"],
    "fi": [r"tilaa", r"tilaus\w*", r"maksa\w*", r"mainokseton\w*"],
    "fr": [r"s'abonner", r"abonnez-vous", r"abonnement\w*", r"payer", r"paiement", r"sans publicité pour"],
    "ga": [r"liostáil", r"síntiús\w*", r"íoc\w*"],
    "hr": [r"pretplat\w*", r"plati\w*", r"plaćanje", r"bez oglasa za"],
    "hu": [r"előfizet\w*", r"fizet\w*", r"reklámmentes\w*"],
    "it": [r"abbonati", r"abbonar\w*", r"abbonamento", r"pagare", r"paga", r"senza pubblicità a"],
    "lt": [r"prenumer\w*", r"mokė\w*", r"sumokė\w*", r"be reklamų už"],
    "lv": [r"abonē\w*", r"abonement\w*", r"maksā\w*", r"bez reklāmām par"],
    "mt": [r"abbona\w*", r"abbonament\w*", r"ħallas", r"ħlas"],
    "nl": [r"abonneer\w*", r"abonnement\w*", r"betaal\w*", r"betalen", r"advertentievrij\w* voor"],
    "no": [r"abonn\w*", r"betal\w*", r"reklamefri\w* for"],
    "pl": [r"subskryb\w*", r"subskrypcj\w*", r"prenumer\w*", r"zapłać", r"zapłacić", r"płatn\w*",
           r"bez reklam za"],
    "pt": [r"assin\w*", r"subscrev\w*", r"subscrição", r"pagar", r"pagamento", r"sem anúncios por"],
    "ro": [r"abonea\w*", r"abonament\w*", r"plăte\w*", r"plată", r"fără reclame pentru"],
    "sk": [r"predplat\w*", r"zaplat\w*", r"platiť", r"bez reklám za"],
    "sl": [r"naroč\w*", r"plača\w*", r"plačilo", r"brez oglasov za"],
    "sv": [r"prenumer\w*", r"betala\w*", r"reklamfri\w* för"],
}
