"""late-disclosure: what data will be used is told only deep inside the way out, not in the notice.

What it does
    Compares the kinds of personal data named on the first page of the goal path (the notice) with those
    named on the pages the path reaches later. Kinds are plural nouns a person recognises as their data:
    posts, photos, captions, comments, messages, videos, reactions, contacts, location, browsing or
    purchase history, voice recordings, biometric data... in every target language. It fires with
    **medium** severity when the first page names at most one kind and a later goal page names at least
    two kinds the first page did not, quoting them and the step where they first appear.

Why is this bad?
    The notice is where people decide whether the choice matters to them. If it says only "your
    information", the person who never clicks further never learns that their photos and comments are
    concerned; the one who does learns it only on the objection form. In Meta's 2024 flow, "only now are
    you told which content will be used" (Tantacrul, step 3). The EDPB calls information that leaves people
    unable to see the consequences *Left in the dark*, here *Ambiguous wording or information* (4.6.2),
    and information spread without structure *Lacking hierarchy* (4.5.1). GDPR Art. 12(1) requires
    concise, transparent information; Art. 13(1)(c) and 14(1)(d) require the purposes and the categories of
    data to be given when the data is collected or first used; consent must be informed (Art. 4(11)).

What a fair design does
    Says in the notice itself which data will be used for what ("your public posts, photos and captions,
    from 26 June, to train our AI"), before asking for the choice.
"""

from __future__ import annotations

from auditor.findings import Finding
from auditor.trace import FlowTrace
from auditor.words.phrases import ANY_DATA_KIND, DATA_KIND_PHRASES, data_kind
from heuristics._words import first_snapshot, scan_text
from heuristics.base import Evidence, HeuristicMeta, TracePart, figure, finding

MIN_NEW_KINDS = 2
MAX_KINDS_IN_NOTICE = 1

class Thresholds(Evidence):
    min_new_kinds: int = figure("Fires from this many kinds named only later")
    max_kinds_in_notice: int = figure("Fires while the notice names at most this many kinds")


class Measured(Evidence):
    kinds_in_notice: list[str] = figure("Kinds of data the notice names")
    kinds_named_later: list[str] = figure("Kinds of data named only on later pages")
    first_named_at_step: dict[str, int | None] = figure(
        "Step where each kind is first named (none: the last page)")
    thresholds: Thresholds = figure("Thresholds")


META = HeuristicMeta(
    id="late-disclosure",
    title="Which of your data will be used is told only deep inside the way out",
    severity="medium",
    measures="kinds of personal data (posts, photos, messages, location...) named on the notice against "
    "those first named on later pages of the goal path",
    why="The notice is where people decide whether the choice matters. If it says only 'your information', "
    "most never learn their photos and comments are concerned; in Meta's 2024 flow the content used was "
    "named only on the objection form. Information must be transparent and given up front (GDPR Art. 12(1), "
    "13(1)(c)); consent must be informed (Art. 4(11)).",
    edpb=("4.6.2 Ambiguous wording or information", "4.5.1 Lacking hierarchy"),
    provisions=("GDPR Art. 12(1)", "GDPR Art. 13(1)(c)", "GDPR Art. 14(1)(d)", "GDPR Art. 4(11)"),
    fix="Say in the notice itself which data will be used for what, before asking for the choice.",
    tags=("left-in-the-dark", "information"),
    requires=(TracePart.FIRST_LAYER,),
    evidence=Measured,
)

KINDS = tuple(DATA_KIND_PHRASES)  # posts, photos, comments...: see auditor/words/phrases/data_kinds.py


def kinds_in(text: str) -> dict[str, str]:
    """kind -> the first wording that named it (one pass over the page's text)."""
    out: dict[str, str] = {}
    for m in ANY_DATA_KIND.finditer(scan_text(text)):
        kind = data_kind(m.group(0))
        if kind and kind not in out:
            out[kind] = m.group(0)
            if len(out) == len(KINDS):
                break
    return out


def check(trace: FlowTrace) -> list[Finding]:
    path = trace.goal
    step1, first = first_snapshot(path)
    if step1 is None or first is None:
        return []
    in_notice = kinds_in(first.text)
    if len(in_notice) > MAX_KINDS_IN_NOTICE:
        return []
    n = len(path.steps)
    new: dict[str, tuple[int | None, str]] = {}
    for number, snap in path.snapshots()[1:]:
        if snap is first:
            continue
        for kind, words in kinds_in(snap.text).items():
            if kind not in in_notice and kind not in new:
                new[kind] = (number if number <= n else None, words)
    if len(new) < MIN_NEW_KINDS:
        return []
    first_step = min((s for s, _ in new.values() if s is not None), default=None)
    named = ", ".join(w for _, w in new.values())
    notice = (", ".join(in_notice.values()) if in_notice else "none")
    where = f"step {first_step}" if first_step is not None else "the last page"
    detail = (f"The notice (step {step1.number}) names {len(in_notice)} kind(s) of data ({notice}); the goal "
              f"path's later pages name {len(new)} more, first at {where}: {named}. A person who stops at the "
              "notice never learns which of their data is concerned.")
    measured = Measured(kinds_in_notice=sorted(in_notice), kinds_named_later=sorted(new),
                        first_named_at_step={k: s for k, (s, _) in new.items()},
                        thresholds=Thresholds(min_new_kinds=MIN_NEW_KINDS, max_kinds_in_notice=MAX_KINDS_IN_NOTICE))
    few = ", ".join(list(new)[:3]) + (", ..." if len(new) > 3 else "")
    return [finding(META, title=f"Which data is used ({few}) is told only at {where}", detail=detail,
                    path="goal", step=first_step, measured=measured)]
