"""A corpus of broken manifests (tests/data/manifests/broken/): the schema or verify rejects each.

Every case is one likely mistake, applied as a JSON Patch to the manifest of a real tiny
build. Cases marked "schema" must break the shipped schema; "contract" cases pass the schema
(it cannot say these things) and must be caught by contract_errors, which the build runs
before publishing and verify runs on every folder; "verify" cases need the files.
The other way round: a manifest with fields and kinds a later filmpipe may add still passes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from site_staging import built_site, copy_dist  # noqa: F401 (fixture)

from pipeline.publish.manifest import MANIFEST_NAME, contract_errors, dumps, schema_errors
from pipeline.publish.verify import verify_dist

CORPUS = Path(__file__).parent / "data" / "manifests" / "broken"
CASES = sorted(CORPUS.glob("*.json"))


def _pointer(doc: Any, path: str) -> tuple[Any, str]:
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path.lstrip("/").split("/")]
    for part in parts[:-1]:
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc, parts[-1]


def _get(doc: Any, path: str) -> Any:
    parent, key = _pointer(doc, path)
    return parent[int(key)] if isinstance(parent, list) else parent[key]


def _value(base: dict, value: Any) -> Any:
    if not isinstance(value, str) or not value.startswith("$"):
        return copy.deepcopy(value)
    if value.startswith("$/"):
        return copy.deepcopy(_get(base, value[1:]))
    how, _, path = value[1:].partition(":")
    if how == "half":
        return round(_get(base, path) / 2, 3)
    if how == "plus1":
        return _get(base, path) + 1
    if how == "times10":
        return _get(base, path) * 10
    if how == "drop-first":
        return copy.deepcopy(_get(base, path)[1:])
    raise ValueError(f"unknown computed value {value}")


def apply(base: dict, patch: list[dict]) -> dict:
    """RFC 6902 add/replace/remove (what the corpus uses), values computed from `base`."""
    doc = copy.deepcopy(base)
    for op in patch:
        if op["value" if "value" in op else "op"] == "$double-all-durations":
            doc["film"]["durationSeconds"] = round(doc["film"]["durationSeconds"] * 2, 3)
            for lang in doc["languages"]:
                for rendition in lang["renditions"]:
                    rendition["durationSeconds"] = round(rendition["durationSeconds"] * 2, 3)
                    rendition["bitrateKbps"] = max(1, round(rendition["bitrateKbps"] / 2))
            continue
        parent, key = _pointer(doc, op["path"])
        if op["op"] == "remove":
            del parent[int(key) if isinstance(parent, list) else key]
        elif op["op"] == "add" and isinstance(parent, list):
            value = _value(base, op["value"])
            parent.append(value) if key == "-" else parent.insert(int(key), value)
        elif op["op"] in ("add", "replace"):
            parent[int(key) if isinstance(parent, list) else key] = _value(base, op["value"])
        else:
            raise ValueError(f"unsupported op {op}")
    return doc


@pytest.fixture(scope="module")
def base(built_site) -> dict:
    return json.loads((built_site.dist / MANIFEST_NAME).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def verify_copy(built_site, tmp_path_factory) -> Path:
    """One writable copy of the build's dist/ whose manifest each verify case replaces."""
    return copy_dist(built_site.dist, tmp_path_factory.mktemp("corpus"))


def test_the_corpus_covers_the_likely_mistakes():
    layers = [json.loads(p.read_text(encoding="utf-8"))["rejectedBy"] for p in CASES]
    assert len(CASES) >= 42
    assert {"schema", "contract", "verify"} == set(layers)


def test_the_base_manifest_is_clean(base, built_site):
    assert schema_errors(base) == [] and contract_errors(base) == []
    assert verify_dist(built_site.dist, probe=False).ok


@pytest.mark.parametrize("case", CASES, ids=[p.stem for p in CASES])
def test_each_broken_manifest_is_rejected(case, base, verify_copy):
    spec = json.loads(case.read_text(encoding="utf-8"))
    broken = apply(base, spec["patch"])
    assert broken != base, "the patch changed nothing"
    schema = schema_errors(broken)
    if spec["rejectedBy"] == "schema":
        assert schema, spec["mistake"]
        return
    assert schema == [], f"{spec['mistake']}: the schema already rejects it: {schema}"
    contract = contract_errors(broken)
    if spec["rejectedBy"] == "contract":
        assert contract, spec["mistake"]
    else:
        assert contract == [], f"{spec['mistake']}: caught without the files: {contract}"
    original = (verify_copy / MANIFEST_NAME).read_text(encoding="utf-8")
    try:
        (verify_copy / MANIFEST_NAME).write_text(dumps(broken), encoding="utf-8")
        result = verify_dist(verify_copy, probe=spec["rejectedBy"] == "verify")
    finally:
        (verify_copy / MANIFEST_NAME).write_text(original, encoding="utf-8")
    assert not result.ok, f"verify accepted: {spec['mistake']}"


def test_additions_a_later_version_may_make_are_accepted(base, verify_copy):
    """Consumers ignore what they do not know, so the v1 schema must accept additions everywhere."""
    later = copy.deepcopy(base)
    later["chapters"] = [{"title": "Intro", "startSeconds": 0}]
    later["film"]["keywords"] = ["police"]
    later["build"]["host"] = "ci"
    later["hls"]["dash"] = {"note": "not yet"}
    later["posters"][0]["alt"] = "A police officer waves"
    pl = later["languages"][1]
    pl["signLanguage"] = {"url": "video/pl/pl-bsl.mp4"}
    pl["subtitles"]["kind"] = "captions"
    pl["audio"]["described"] = False
    pl["renditions"].append({**pl["renditions"][0], "kind": "vertical-social"})
    assert schema_errors(later) == []
    assert contract_errors(later) == []
