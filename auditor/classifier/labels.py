"""The affordance vocabulary: what a control on a consent notice does, defined once.

Every label is about the control's effect on the person's choice, not its wording, so "No thanks, I don't
want to save money" is a refusal and "Accept selected" is a save. The heuristics ask three questions of
it (see ``REFUSING``, ``ACCEPTING``, ``LEADING_ON``) and treat a prediction scored under ``MIN_SCORE`` as
``other``, so an unfamiliar link never becomes an "accept".
"""

from __future__ import annotations

DESCRIPTIONS: dict[str, str] = {
    "accept": "Gives consent: 'Accept all', 'I agree', 'Allow cookies', 'OK' on a question, 'Yes'.",
    "reject": "Refuses consent: 'Reject all', 'Deny', 'I refuse', 'No, thanks', 'Only necessary', "
              "'Continue without accepting' (also as a small link), confirmshaming refusals "
              "('No thanks, I don't want to save money').",
    "object": "Objects to processing or opts out: 'I object', 'Object to legitimate interest', 'Opt out', "
              "'Do not sell or share my personal information', 'Send objection'.",
    "settings": "Opens the choices without making one: 'Settings', 'Customise', 'Manage options', "
                "'Let me choose'.",
    "save": "Confirms a selection made in the choices: 'Save choices', 'Accept selected', 'Confirm my choices'.",
    "dismiss": "Closes or acknowledges a notice without stating a choice: 'Close', 'x', 'Got it', "
               "'Understood', 'Continue'. On a consent notice this is the site's yes-side (processing goes "
               "on as the site has set it), so the heuristics count it with accept.",
    "more-info": "Leads to information, not to a choice: 'Privacy policy', 'Learn more', 'Cookie details', "
                 "'Imprint'.",
    "other": "Anything else on a page: navigation, 'Sign in', 'Add to cart', headings, sentences, purpose "
             "names ('Analytics'), form fields.",
}

LABELS: tuple[str, ...] = tuple(DESCRIPTIONS)

# The heuristics' three questions, as label sets.
REFUSING = frozenset({"reject", "object"})
ACCEPTING = frozenset({"accept", "dismiss"})
LEADING_ON = frozenset({"settings", "more-info"})

# Under this probability the heuristics read a prediction as "other". Chosen from the cross-validated
# scores (docs/classifier.md): right predictions on controls score mostly above it, while unfamiliar
# page text (a headline, a product name) lands spread over several labels and under it.
MIN_SCORE = 0.5
