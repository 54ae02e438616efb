"""The published JSON Schema of report.json (schemas/report.schema.json), generated from the code.

It is the ``Report`` model's own schema, plus what a reporter cannot know: the shape of each finding's
``measured`` object, which its heuristic declares (heuristics/_evidence.py). Each registered heuristic's
model is ``$defs/measured-<heuristic id>`` (every property with its label as ``title`` and its ``unit``),
and the finding's schema applies it when ``heuristic`` names that id (``if``/``then``). Like the catalogue
(auditor/docs.py) it is built from the registry, so it lives beside it, not in the report stage. The
committed file cannot drift without a test failing. Regenerate it with::

    python -m auditor.schema --write-schema      # or --check-schema in CI
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from auditor.evidence.atomic import write_text_atomic
from auditor.report.model import REPORT_SCHEMA_VERSION, Report
from heuristics.registry import metadata

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:consent-audit:schema:report:v{REPORT_SCHEMA_VERSION}"
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "report.schema.json"


def report_schema() -> dict:
    """The JSON Schema (draft 2020-12) of report.json."""
    schema = Report.model_json_schema()
    # The default tool version would make the published schema change with every release.
    schema["properties"]["tool_version"].pop("default", None)
    schema.setdefault("description", "A consent-audit report (report.json): the verdict, the friction score and its "
                      "breakdown, the measured effort of the goal path and the baseline, and the numbered findings.")
    _add_measured(schema)
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": SCHEMA_ID, **schema}


def measured_schemas() -> dict[str, dict]:
    """``$defs`` entries: ``measured-<id>`` per heuristic that declares evidence, and its sub-models as
    ``measured-<id>.<Model>`` (two heuristics may both call a sub-model "Thresholds")."""
    defs: dict[str, dict] = {}
    for hid, meta in sorted(metadata().items()):
        if meta.evidence is None:
            continue
        name = f"measured-{hid}"
        model = meta.evidence.model_json_schema(ref_template=f"#/$defs/{name}.{{model}}")
        defs.update({f"{name}.{sub}": d for sub, d in sorted(model.pop("$defs", {}).items())})
        model["title"] = f"Measured ({hid})"
        model["description"] = (f"The figures a {hid} finding rests on; each property's title is the label the "
                                "reports show and 'unit' its unit. Only the figures the finding states are present.")
        defs[name] = model
    return defs


def _add_measured(schema: dict) -> None:
    defs = measured_schemas()
    finding = schema["$defs"]["ReportFinding"]
    finding["properties"]["measured"]["description"] = (
        "the figures the finding rests on, in the shape its heuristic declares: $defs/measured-<heuristic id> "
        "(applied below when 'heuristic' names a registered heuristic; any object otherwise)")
    finding["allOf"] = [{"if": {"properties": {"heuristic": {"const": name.removeprefix("measured-")}},
                                "required": ["heuristic"]},
                         "then": {"properties": {"measured": {"$ref": f"#/$defs/{name}"}}}}
                        for name in defs if "." not in name]
    schema["$defs"].update(defs)


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    write_text_atomic(path, schema_text())
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m auditor.schema",
                                     description="Write or check the published JSON Schema of report.json.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write-schema", action="store_true", help="(re)generate the schema file")
    mode.add_argument("--check-schema", action="store_true", help="exit 1 if the schema file is stale")
    parser.add_argument("path", nargs="?", type=Path, default=SCHEMA_PATH, help=f"default: {SCHEMA_PATH}")
    args = parser.parse_args(argv)
    if args.write_schema:
        print(write_schema(args.path))
        return 0
    try:
        current = args.path.read_text(encoding="utf-8")
    except OSError:
        current = ""
    if current != schema_text():
        print(f"{args.path} is stale: run python -m auditor.schema --write-schema", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
