"""Refresh tests/data/consent_library_texts.json: the default texts of real consent libraries, per language.

The wording heuristics must not call a compliant banner shaming or ambiguous; the test that checks this
(tests/test_phrases_languages.py) runs the phrase sets over these texts. They come, pinned, from the
libraries' npm packages (translations are in the packages: klaro's YAML files, tarteaucitron's lang/*.js,
orejime's built bundles). vanilla-cookieconsent ships no translations (the site writes them), so it is not
here. Run from the repository root (needs ``npm`` and the network; the tests do not):

    python scripts/refresh_library_texts.py
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "consent_library_texts.json"
PACKAGES = {"klaro": "0.7.22", "orejime": "3.2.1", "tarteaucitronjs": "1.34.0"}
LANGUAGES = set("bg ca cs da de el en es et fi fr ga hr hu it lt lv mt nl no pl pt ro sk sl sv".split())
ALIASES = {"se": "sv", "nb": "no"}  # the libraries' file names -> the project's language codes
_PLACEHOLDER = re.compile(r"\{\w+\}")
_JS_PAIR = re.compile(r'"?(\w+)"?\s*:\s*(?:"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\')')


def _unpack(name: str, version: str, into: Path) -> Path:
    subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=into, check=True, capture_output=True)
    tgz = next(into.glob(f"{name}-{version}.tgz"))
    target = into / name
    with tarfile.open(tgz) as tar:
        tar.extractall(target, filter="data")
    return target / "package"


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _js_strings(source: str) -> list[str]:
    return [json.loads(f'"{m.group(2)}"') if m.group(2) is not None else m.group(3)
            for m in _JS_PAIR.finditer(source)]


def _klaro(root: Path):
    for f in sorted((root / "src" / "translations").glob("*.yml")):
        yield f.stem, _strings(yaml.safe_load(f.read_text(encoding="utf-8")))


def _tarteaucitron(root: Path):
    for f in sorted((root / "lang").glob("tarteaucitron.*.js")):
        if not f.name.endswith(".min.js"):
            yield f.name.split(".")[1], _js_strings(f.read_text(encoding="utf-8"))


def _orejime(root: Path):
    for f in sorted((root / "dist").glob("orejime-standard-*.js")):
        text = f.read_text(encoding="utf-8")
        start = text.index("={banner:{") + 1
        end = text.index("}}", text.index("misc:{", start)) + 2  # the translation object ends with misc
        yield f.stem.rsplit("-", 1)[1], _js_strings(text[start:end])


def _clean(texts: list[str]) -> list[str]:
    out = []
    for t in texts:
        t = " ".join(_PLACEHOLDER.sub("…", t).split())
        if len(t) > 1 and re.search(r"[^\W\d_]{2}", t) and t not in out:
            out.append(t)
    return out


def main() -> None:
    readers = {"klaro": _klaro, "orejime": _orejime, "tarteaucitronjs": _tarteaucitron}
    data = {"about": __doc__.split("\n\n")[0], "sources": [], "texts": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name, version in PACKAGES.items():
            root = _unpack(name, version, Path(tmp))
            meta = json.loads((root / "package.json").read_text(encoding="utf-8"))
            data["sources"].append({"package": name, "version": version, "licence": meta.get("license"),
                                    "licence_text": (root / "LICENSE").read_text(encoding="utf-8")})
            for lang, texts in readers[name](root):
                lang = ALIASES.get(lang, lang)
                if lang in LANGUAGES:
                    data["texts"].setdefault(lang, {})[name] = _clean(texts)
    data["texts"] = dict(sorted(data["texts"].items()))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {sum(len(t) for by in data['texts'].values() for t in by.values())} texts, "
          f"{len(data['texts'])} languages")


if __name__ == "__main__":
    main()
