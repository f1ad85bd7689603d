"""The JSON Schema of a corpus YAML file, generated from :class:`~foedus.model.CorpusFile`.

The committed copy lives in ``src/foedus/schema/corpus.schema.json`` (editors use it to check
YAML as it is typed); a test keeps it equal to a fresh generation. Regenerate with::

    python -m foedus.corpus.schema
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from foedus.model import EVENT_TYPES, NORM_KINDS, CorpusFile

_DATE_FORMS = {
    "anyOf": [
        {
            "type": "string",
            "description": "an ISO day (1940-06-15) or the source's own words "
            "(mid-June 1940, September 1939, the end of 1918)",
        },
        {"type": "integer", "description": "a year"},
        {"$ref": "#/$defs/FuzzyDate"},
    ]
}
_QUOTE_FORMS = {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/Quote"}]}


def _loosen(node: Any) -> Any:
    """Accept what the validators accept: dates as words, quotes as plain strings."""
    if isinstance(node, dict):
        if node.get("$ref") == "#/$defs/FuzzyDate":
            return dict(_DATE_FORMS)
        if node.get("type") == "array" and node.get("items") == {"$ref": "#/$defs/Quote"}:
            many = {k: v for k, v in node.items() if k not in ("title", "default")}
            loose = {"anyOf": [{"type": "string"}, {**many, "items": _QUOTE_FORMS}]}
            return {k: v for k, v in node.items() if k in ("title", "default")} | loose
        return {k: _loosen(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_loosen(v) for v in node]
    return node


def generate() -> dict[str, Any]:
    """The JSON Schema of one corpus YAML file."""
    schema = CorpusFile.model_json_schema(mode="validation")
    defs = schema.pop("$defs", {})
    out = _loosen(schema)
    out["$defs"] = {name: (d if name == "FuzzyDate" else _loosen(d)) for name, d in defs.items()}
    out["$defs"]["Event"]["properties"]["type"]["enum"] = list(EVENT_TYPES)
    out["$defs"]["Norm"]["properties"]["kind"]["enum"] = list(NORM_KINDS)
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = "foedus corpus file"
    return out


def render() -> str:
    """The schema as the committed file's text."""
    return json.dumps(generate(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def schema_path() -> Path:
    """Where the committed schema lives in the package."""
    return Path(str(files("foedus") / "schema" / "corpus.schema.json"))


def write(path: Path | None = None) -> Path:
    """Write the schema (to the package's committed copy by default)."""
    target = path or schema_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write())
