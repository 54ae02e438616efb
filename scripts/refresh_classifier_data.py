"""Refresh auditor/classifier/data/libraries.csv: labelled texts from real consent libraries' translations.

The affordance classifier must tell, in every EU language, what a consent control does (accept, reject,
object, settings, save, dismiss, more-info) and what is not a control at all (other). The consent libraries
the web runs on ship professional translations of exactly those texts, keyed by what each text is for: a
key such as klaro's ``decline`` or orejime's ``banner.configure`` says its text's job, whatever the
language. So the labelling here is the per-library KEY -> LABEL tables below, read once by a person; every
translation of a key inherits its label. A key that no table knows stops the run (a new library version
must be looked at, not guessed).

Packages are pinned and fetched with ``npm pack`` into a temporary folder (no node_modules in the repo).
JavaScript translation files are evaluated by ``node`` inside a ``vm`` context with an empty global object
and a time limit, never imported. Run from the repository root (needs npm, node and the network; the
tests need none of them):

    .venv/bin/python scripts/refresh_classifier_data.py

Output is deterministic: running it twice gives byte-identical files.
"""

from __future__ import annotations

import csv
import fnmatch
import html
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import yaml

DATA = Path(__file__).resolve().parent.parent / "auditor" / "classifier" / "data"
# The project's languages: the 24 official EU languages, Catalan and Norwegian (bokmål as "no").
LANGUAGES = frozenset("bg ca cs da de el en es et fi fr ga hr hu it lt lv mt nl no pl pt ro sk sl sv".split())
# Library file names -> ISO 639-1. tarteaucitron's "se" is dropped: it is Swedish with Northern Sami
# (ISO "se") sentences mixed in, and its Swedish part duplicates lang/tarteaucitron.sv.js.
LANGUAGE_ALIASES = {"nb": "no", "pt-BR": "pt", "se": None}
MAX_CHARS = 200

# --- The labelling: per library, control keys -> label; every other key must match an `other` pattern. --

KLARO_CONTROLS = {
    "ok": "accept",                                  # "That's ok" on the first layer
    "acceptAll": "accept",
    "contextualConsent.acceptOnce": "accept",        # "Yes" (load this embed)
    "contextualConsent.acceptAlways": "accept",      # "Always"
    "decline": "reject",                             # "I decline"
    "consentNotice.learnMore": "settings",           # "Let me choose"
    "contextualConsent.modalLinkText": "settings",   # link opening the consent manager
    "acceptSelected": "save",
    "save": "save",
    "close": "dismiss",
    "privacyPolicy.name": "more-info",
    "consentNotice.privacyPolicy.name": "more-info",
    "consentModal.privacyPolicy.name": "more-info",
    "consentNotice.imprint.name": "more-info",
}
# Klaro's "learnMore" opens its settings and reads "Let me choose" in most languages, but these translate it
# as "Learn more" / "More": the wording promises information, and a text-only classifier learns wording.
KLARO_BY_LANGUAGE = {lang: {"consentNotice.learnMore": "more-info"}
                     for lang in ("ca", "da", "el", "fi", "hr", "hu", "no", "ro", "sv")}
KLARO_OTHER = ("*.description", "*.title", "*.text", "consentNotice.testing", "consentNotice.changeDescription",
               "contextualConsent.descriptionEmptyStore", "poweredBy", "purposeItem.*", "service.purpose",
               "service.purposes")

OREJIME_CONTROLS = {
    "banner.accept": "accept", "banner.acceptTitle": "accept",     # *Title: the button's title attribute
    "banner.decline": "reject", "banner.declineTitle": "reject",
    "banner.configure": "settings", "banner.configureTitle": "settings",
    "banner.privacyPolicyLabel": "more-info",
    "modal.acceptAll": "accept",
    "modal.declineAll": "reject",
    "modal.save": "save", "modal.saveTitle": "save",
    "modal.close": "dismiss", "modal.closeTitle": "dismiss",
    "modal.privacyPolicyLabel": "more-info",
    "contextual.accept": "accept",
    "contextual.privacyPolicyLabel": "more-info",
    "purpose.accept": "accept",                                   # per-purpose switch in the modal
    "purpose.decline": "reject",
    "purpose.showMore": "more-info",
}
OREJIME_OTHER = ("*.title", "*.description", "modal.globalPreferences", "contextual.accepted", "purpose.mandatory*",
                 "purpose.exempt*", "purpose.enabled", "purpose.disabled", "purpose.partial", "misc.*")

TARTEAUCITRON_CONTROLS = {
    "acceptAll": "accept",            # "OK, accept all"
    "allowAll": "accept",             # "Allow all cookies"
    "allow": "accept",                # per-service "Allow"
    "denyAll": "reject",              # "Deny all cookies"
    "deny": "reject",                 # per-service "Deny"
    "personalize": "settings",        # "Personalize" on the banner
    "alertSmall": "settings",         # "Manage services": the small floating opener
    "save": "save",
    "close": "dismiss",
    "closeBanner": "dismiss",         # "Hide cookie banner"
    "privacyUrl": "more-info",
    "more": "more-info",              # "Read more" about a service
    "source": "more-info",            # "View the official website" of a service
    "toggleInfoBox": "more-info",     # "Show/hide informations about cookie storage"
}
TARTEAUCITRON_OTHER = ("*.title", "*.details", "middleBarHead", "adblock", "adblock_call", "reload", "alertBig*",
                       "all", "info", "disclaimer", "noCookie", "useCookie", "useCookieCurrent", "useNoCookie",
                       "credit", "noServices", "title", "cookieDetail", "ourSite", "modalWindow", "newWindow",
                       "icon", "fallback", "allowed", "disallowed", "mandatoryTitle", "mandatoryText",
                       "ourpartners")

C15T_CONTROLS = {
    "common.acceptAll": "accept", "iab.common.acceptAll": "accept",
    "frame.actionButton": "accept",                               # "Enable {category} consent" on an embed
    "common.rejectAll": "reject", "iab.common.rejectAll": "reject",
    "iab.preferenceCenter.purposeItem.objectButton": "object",    # "Object" (legitimate interest)
    "common.customize": "settings", "iab.common.customize": "settings",
    "common.save": "save", "iab.common.saveSettings": "save",
    "common.close": "dismiss",
    "legalLinks.privacyPolicy": "more-info", "legalLinks.cookiePolicy": "more-info",
    "legalLinks.termsOfService": "more-info",
    "iab.preferenceCenter.vendorList.privacyPolicy": "more-info",
    "iab.preferenceCenter.vendorList.storageDisclosure": "more-info",
}
C15T_OTHER = ("*.title", "*.description", "common.securedBy", "frame.*", "iab.banner.*",
              "iab.preferenceCenter.tabs.*", "iab.preferenceCenter.purposeItem.*",
              "iab.preferenceCenter.specialPurposes.*", "iab.preferenceCenter.vendorList.*",
              "iab.preferenceCenter.footer.*", "iab.common.*")

NUXT_COOKIE_CONTROL_CONTROLS = {
    "accept": "accept", "acceptAll": "accept",
    "decline": "reject", "declineAll": "reject",
    "manageCookies": "settings",      # "Learn more and customize"
    "save": "save",
    "close": "dismiss",
}
NUXT_COOKIE_CONTROL_OTHER = ("bannerDescription", "bannerTitle", "cookies*", "here", "iframeBlocked",
                             "settingsUnsaved")

PUBLISHERS68_CONTROLS = {
    "consent_modal_primary_btn": "accept",                        # "I agree"
    "settings_modal_accept_all_btn": "accept",
    "consent_modal_secondary_btn_accept_necessary": "reject",     # "Accept necessary" = refuse the rest
    "settings_modal_reject_all_btn": "reject",                    # also "Accept necessary"
    "consent_modal_secondary_btn_settings": "settings",           # "Customize"
    "modal_trigger_title": "settings",                            # floating "Cookie settings" opener
    "settings_modal_save_settings_btn": "save",
    "settings_modal_close_btn_label": "dismiss",
    "find_out_more": "more-info",
}
PUBLISHERS68_OTHER = ("*_title", "*_description", "cookie_table_*", "processing_time_*", "cookie_type_*")


# --- Reading the packages ------------------------------------------------------------------------------

# Runs the JavaScript given on stdin in a fresh vm context (no require, no process) and prints the
# completion value as JSON.
_NODE_EVAL = """
const vm = require('vm');
let code = '';
process.stdin.on('data', d => code += d);
process.stdin.on('end', () => {
  const value = vm.runInNewContext(code, {}, {timeout: 5000});
  process.stdout.write(typeof value === 'string' ? value : JSON.stringify(value));
});
"""


def node_eval(code: str):
    """The JSON value of a JavaScript expression, evaluated in a sandboxed vm context."""
    out = subprocess.run(["node", "-e", _NODE_EVAL], input=code, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    """Nested translation objects as dotted keys -> strings (null and non-string leaves are not texts)."""
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, str):
            flat[f"{prefix}{key}"] = value
    return flat


def object_literal_at(source: str, start: int) -> str:
    """The balanced ``{...}`` starting at ``start``, skipping braces inside string literals."""
    depth, quote, i = 0, None, start
    while i < len(source):
        char = source[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return source[start:i + 1]
        i += 1
    raise ValueError("unbalanced object literal")


Translation = tuple[str, str, dict[str, str]]  # (library's language code, "file#" anchor, dotted key -> text)


def read_klaro(root: Path) -> Iterator[Translation]:
    for path in sorted((root / "src" / "translations").glob("*.yml")):
        if path.name.endswith(".ref.yml"):  # the English reference the en.yml is generated from
            continue
        flat = flatten(yaml.safe_load(path.read_text(encoding="utf-8")))
        # Klaro's key modifiers ("save|capitalize") change case only; "*_en" keys are English fallbacks.
        keys = {key.split("|")[0]: text for key, text in flat.items() if not key.endswith("_en")}
        # cs.yml spells the "purposes" key in Czech ("účely"); it is the same purpose texts.
        keys = {re.sub(r"^účely\.", "purposes.", key): text for key, text in keys.items()}
        yield path.stem, f"{path.relative_to(root).as_posix()}#", keys


def read_orejime(root: Path) -> Iterator[Translation]:
    # Translations are bundled into one build per language; the "dsfr" builds carry the same strings.
    for path in sorted((root / "dist").glob("orejime-standard-*.js")):
        source = path.read_text(encoding="utf-8")
        literal = object_literal_at(source, source.index("{banner:{"))
        yield path.stem.split("-", 2)[2], f"{path.relative_to(root).as_posix()}#", flatten(node_eval(f"({literal})"))


def read_tarteaucitron(root: Path) -> Iterator[Translation]:
    for path in sorted((root / "lang").glob("tarteaucitron.*.js")):
        if path.name.endswith(".min.js"):
            continue
        code = f"var tarteaucitron = {{}};\n{path.read_text(encoding='utf-8')}\n;tarteaucitron.lang"
        yield path.name.split(".")[1], f"{path.relative_to(root).as_posix()}#", flatten(node_eval(code))


def read_c15t(root: Path) -> Iterator[Translation]:
    # dist/all.js is an ES module: one `const <lang>_translations = {...}` per language, English imported
    # from translations/en.js, all gathered in `baseTranslations`. Drop the import/export lines and run both.
    def module_body(path: Path) -> str:
        lines = path.read_text(encoding="utf-8").splitlines()
        return "\n".join(line for line in lines if not re.match(r"\s*(import|export)\b", line))

    english = module_body(root / "dist" / "translations" / "en.js")
    code = ("(function () {\nconst en_translations = (function () {\n" + english + "\nreturn translations;\n})();\n"
            + module_body(root / "dist" / "all.js") + "\nreturn baseTranslations;\n})()")
    for lang, tree in sorted(node_eval(code).items()):
        yield lang, f"dist/all.js#{lang}.", flatten(tree)


def read_nuxt_cookie_control(root: Path) -> Iterator[Translation]:
    for path in sorted((root / "dist" / "runtime" / "locale").glob("*.js")):
        if path.name == "index.js":
            continue
        body = path.read_text(encoding="utf-8").replace("export default", "", 1).strip().rstrip(";")
        yield path.stem, f"{path.relative_to(root).as_posix()}#", flatten(node_eval(f"({body})"))


def read_68publishers(root: Path) -> Iterator[Translation]:
    for path in sorted((root / "src" / "resources" / "translations").glob("*.json")):
        yield path.stem, f"{path.relative_to(root).as_posix()}#", flatten(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Library:
    """One pinned npm package: how to read its translations and the tables that label its keys."""

    package: str
    version: str
    read: Callable[[Path], Iterator[Translation]]
    controls: dict[str, str]
    other: tuple[str, ...]
    by_language: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> key -> label, overrides
    licence_files: tuple[str, ...] = ("LICENSE", "LICENSE.md", "LICENSE.txt")

    def label(self, key: str, lang: str = "") -> str | None:
        if key in self.by_language.get(lang, {}):
            return self.by_language[lang][key]
        if key in self.controls:
            return self.controls[key]
        return "other" if any(fnmatch.fnmatchcase(key, p) for p in self.other) else None

    @property
    def slug(self) -> str:
        return f"{self.package.lstrip('@').replace('/', '-')}-{self.version}"


LIBRARIES = (
    Library("klaro", "0.7.22", read_klaro, KLARO_CONTROLS, KLARO_OTHER, KLARO_BY_LANGUAGE),
    Library("orejime", "3.2.1", read_orejime, OREJIME_CONTROLS, OREJIME_OTHER),
    Library("tarteaucitronjs", "1.34.0", read_tarteaucitron, TARTEAUCITRON_CONTROLS, TARTEAUCITRON_OTHER),
    Library("@c15t/translations", "2.2.1", read_c15t, C15T_CONTROLS, C15T_OTHER),
    Library("@dargmuesli/nuxt-cookie-control", "9.3.7", read_nuxt_cookie_control,
            NUXT_COOKIE_CONTROL_CONTROLS, NUXT_COOKIE_CONTROL_OTHER),
    Library("@68publishers/cookie-consent", "1.4.1", read_68publishers, PUBLISHERS68_CONTROLS, PUBLISHERS68_OTHER),
)


# --- Cleaning -----------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_PLACEHOLDER = re.compile(r"\{\{?[^{}]*\}\}?\w*|%[sd]")  # "{count} partners", "{days}d", "{{x}}", "%s"
_EMPTY_QUOTES = re.compile(r"(\"\"|''|“”|„“|«\s*»|‘’)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?)])")
_ORPHANED = re.compile(r"[:,](?=\.)|(?<!\S)-(?=\w)")  # "purposes: {purposes}." -> "purposes:.", "{x}-samtykke"
_SENTENCE_END = re.compile(r"[.!?。](?=\s|$)")
_LETTER = re.compile(r"[^\W\d_]")


def clean(text: str) -> str | None:
    """Visible text without markup and placeholders, at most MAX_CHARS (cut at a sentence end), or None."""
    text = _TAG.sub(" ", html.unescape(text))
    text = _EMPTY_QUOTES.sub("", _PLACEHOLDER.sub("", text))
    text = _ORPHANED.sub("", _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(text.split()))).strip()
    if len(text) > MAX_CHARS:
        ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, MAX_CHARS)]
        text = text[:ends[-1]] if ends else ""
    return text if _LETTER.search(text) else None


# --- Building the rows --------------------------------------------------------------------------------

Row = tuple[str, str, str, str]  # text, label, lang, source


def npm_unpack(library: Library, into: Path) -> Path:
    spec = f"{library.package}@{library.version}"
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=into, check=True, capture_output=True)
    target = into / library.slug
    with tarfile.open(into / f"{library.slug}.tgz") as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def library_rows(library: Library, root: Path) -> list[Row]:
    translations = [(LANGUAGE_ALIASES.get(code, code), anchor, keys) for code, anchor, keys in library.read(root)]
    english = next(keys for lang, _, keys in translations if lang == "en")
    unknown = sorted({key for _, _, keys in translations for key in keys if library.label(key) is None})
    if unknown:
        sys.exit(f"{library.package}: keys with no label, add them to its tables: {unknown}")
    rows = []
    for lang, anchor, keys in translations:
        if lang not in LANGUAGES:
            continue
        for key, raw in keys.items():
            text = clean(raw)
            # A sentence left in English in another language's file is an untranslated fallback, not
            # that language ("Marketing" or "Cookies" may honestly be the same word, so only 3+ words).
            if text is None or (lang != "en" and raw == english.get(key) and len(text.split()) >= 3):
                continue
            rows.append((text, library.label(key, lang), lang, f"{library.package}@{library.version}:{anchor}{key}"))
    return rows


# When one text (ignoring case) gets several labels in one language, the earliest label here wins, so a text
# never teaches two answers. Any control beats "other": "Cookie settings" is a heading in one library and a
# button in another, and on a clickable element the control meaning is what the classifier needs. Wording
# beats one library's wiring: nuxt-cookie-control's "manageCookies" is pl "Dowiedz się więcej" (learn more),
# which 68publishers uses for "find out more". A refusal beats a close: hu "Elvet" is orejime's decline and
# klaro's close.
CONFLICT_PRECEDENCE = ("reject", "object", "accept", "save", "more-info", "settings", "dismiss", "other")


def deduplicate(rows: list[Row]) -> list[Row]:
    """One row per (text, label, lang), keeping the first source; conflicting labels resolved as above."""
    first: dict[tuple[str, str, str], Row] = {}
    for row in rows:
        first.setdefault(row[:3], row)
    winner: dict[tuple[str, str], int] = {}
    for text, label, lang, _ in first.values():
        rank = CONFLICT_PRECEDENCE.index(label)
        winner[(text.casefold(), lang)] = min(rank, winner.get((text.casefold(), lang), rank))
    kept = [row for row in first.values() if CONFLICT_PRECEDENCE.index(row[1]) == winner[(row[0].casefold(), row[2])]]
    return sorted(kept, key=lambda row: (row[2], row[1], row[0], row[3]))


def copy_licence(library: Library, root: Path) -> None:
    target = DATA / "licenses" / f"{library.slug}.txt"
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in library.licence_files:
        if (root / name).is_file():
            target.write_text((root / name).read_text(encoding="utf-8"), encoding="utf-8")
            return
    # @c15t/translations ships no licence file; its package.json declares the licence by SPDX id.
    declared = json.loads((root / "package.json").read_text(encoding="utf-8"))["license"]
    standard = Path("/usr/share/common-licenses") / declared
    note = (f"{library.package}@{library.version} ships no licence file; its package.json declares "
            f'"license": "{declared}".\n')
    if standard.is_file():
        note += f"The standard {declared} text follows.\n\n" + standard.read_text(encoding="utf-8")
    target.write_text(note, encoding="utf-8")


def main() -> None:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for library in LIBRARIES:
            root = npm_unpack(library, Path(tmp))
            copy_licence(library, root)
            found = library_rows(library, root)
            print(f"{library.package}@{library.version}: {len(found)} rows before de-duplication")
            rows += found
    rows = deduplicate(rows)
    out = DATA / "libraries.csv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("text", "label", "lang", "source"))
        writer.writerows(rows)
    print(f"wrote {out}: {len(rows)} rows")
    print("per label:", dict(sorted(Counter(r[1] for r in rows).items())))
    print("per language:", dict(sorted(Counter(r[2] for r in rows).items())))
    print("per library:", dict(sorted(Counter(r[3].split(":")[0] for r in rows).items())))


if __name__ == "__main__":
    main()
