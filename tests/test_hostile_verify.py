"""`filmpipe verify` on manifests of the wrong shape: problems named, exit 1, never a traceback.

A named corpus of the shapes people and tools produce (a number where a list belongs, a text
where an object belongs, keys missing, wrong types anywhere), then Hypothesis mutating a real
tiny build's manifest at random places. The last-resort guard in `verify_dist` (which turns an
unforeseen shape into a problem line) must never be what saves a case: each must be handled
by a check that knows the shape.
"""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_staging import built_site, copy_dist  # noqa: F401 (fixture)

from pipeline.publish.verify import verify_dist

REPO = Path(__file__).resolve().parents[1]
GUARD = "has a shape verify cannot follow"


@pytest.fixture(scope="module")
def pristine(built_site, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:  # noqa: F811
    dist = copy_dist(built_site.dist, tmp_path_factory.mktemp("hostile-verify"))
    return dist, json.loads((dist / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(dist: Path, manifest: Any) -> None:
    (dist / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")


def run_cli(dist: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "verify", str(dist), *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], Any]:
    def change(m: dict[str, Any]) -> Any:
        node = m
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return m

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], Any]:
    def change(m: dict[str, Any]) -> Any:
        node = m
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
        return m

    return change


CORPUS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "posters-a-number": _set(("posters",), 3),
    "posters-a-list-of-numbers": _set(("posters",), [1, 2]),
    "poster-a-text": _set(("poster",), "posters/poster.jpg"),
    "hls-checksums-a-text": _set(("hls", "checksums"), "hls/SHA256SUMS"),
    "hls-checksums-url-a-number": _set(("hls", "checksums", "url"), 7),
    "hls-a-list": _set(("hls",), ["hls/master.m3u8"]),
    "hls-url-missing": _drop(("hls", "url")),
    "hls-url-absolute": _set(("hls", "url"), "/etc/passwd"),
    "hls-url-with-nul": _set(("hls", "url"), "hls/master\u0000.m3u8"),
    "hls-url-escaping": _set(("hls", "url"), "../../../etc/passwd"),
    "hls-url-bad-ipv6": _set(("hls", "url"), "http://[::1/x"),
    "languages-missing": _drop(("languages",)),
    "languages-an-object": _set(("languages",), {"en": {}}),
    "languages-of-texts": _set(("languages",), ["en", "pl"]),
    "language-renditions-a-number": _set(("languages", 0, "renditions"), 5),
    "rendition-url-a-number": _set(("languages", 0, "renditions", 0, "url"), 12),
    "rendition-width-a-text": _set(("languages", 0, "renditions", 0, "width"), "wide"),
    "rendition-duration-missing": _drop(("languages", 0, "renditions", 0, "durationSeconds")),
    "rendition-bytes-negative": _set(("languages", 0, "renditions", 0, "bytes"), -1),
    "rendition-sha-a-list": _set(("languages", 0, "renditions", 0, "sha256"), ["ab"]),
    "subtitles-a-text": _set(("languages", 0, "subtitles"), "subtitles/en.vtt"),
    "subtitles-cues-a-text": _set(("languages", 0, "subtitles", "cues"), "many"),
    "film-a-list": _set(("film",), []),
    "film-duration-a-text": _set(("film", "durationSeconds"), "74 s"),
    "film-frame-rate-zero": _set(("film", "frameRate"), 0),
    "film-frame-rate-a-text": _set(("film", "frameRate"), "25"),
    "report-frames-a-number": _set(("report", "frames"), 4),
    "report-a-text": _set(("report",), "report.html"),
    "schema-version-a-text": _set(("schemaVersion",), "1"),
    "whole-manifest-a-list": lambda m: [m],
    "whole-manifest-a-number": lambda m: 42,
    "whole-manifest-null": lambda m: None,
    "whole-manifest-a-text": lambda m: "manifest",
    "everything-dropped": lambda m: {},
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_wrong_shaped_manifest_is_a_mismatch_not_a_crash(pristine, tmp_path: Path, case: str) -> None:
    source, manifest = pristine
    dist = copy_dist(source, tmp_path)
    write_manifest(dist, CORPUS[case](copy.deepcopy(manifest)))
    result = verify_dist(dist, probe=True)
    assert not result.ok, case
    assert all(GUARD not in p.detail for p in result.problems), [p.line() for p in result.problems]
    lines = [p.line() for p in result.problems]
    assert any("manifest.json" in line or case.startswith("hls-url") for line in lines), lines


@pytest.mark.parametrize("case", ["posters-a-number", "hls-checksums-a-text", "languages-of-texts"])
def test_the_cli_says_it_in_lines_and_exits_1(pristine, tmp_path: Path, case: str) -> None:
    source, manifest = pristine
    dist = copy_dist(source, tmp_path)
    write_manifest(dist, CORPUS[case](copy.deepcopy(manifest)))
    for fmt in ("text", "json"):
        result = run_cli(dist, "--format", fmt)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr and result.stderr == "", result.stderr
        if fmt == "json":
            assert json.loads(result.stdout)["ok"] is False
        else:
            assert result.stdout.splitlines()[-1].startswith(("1 problem", *(f"{n} problems" for n in range(2, 99))))


def test_a_manifest_nested_too_deeply_is_named(pristine, tmp_path: Path) -> None:
    source, _ = pristine
    dist = copy_dist(source, tmp_path)
    (dist / "manifest.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run_cli(dist)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "nested too deeply" in result.stdout


def test_a_manifest_that_is_a_folder_exits_2(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").mkdir()
    result = run_cli(tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- fuzzing

JSON_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["../x", "/etc/passwd", "hls/master.m3u8", "a\u0000b", "%00", "http://[::1", ""]),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*prefix, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, manifest: dict[str, Any]) -> Any:
    """The manifest with 1-3 places replaced by any JSON value, or deleted."""
    result: Any = copy.deepcopy(manifest)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(result)
        where = draw(st.sampled_from(paths))
        value = draw(JSON_VALUES)
        if not where:
            result = value
            continue
        parent = result
        for key in where[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[where[-1]]
        else:
            parent[where[-1]] = value
    return result


def test_fuzzed_manifests_never_crash_verify(pristine, tmp_path: Path) -> None:
    source, manifest = pristine
    dist = copy_dist(source, tmp_path)

    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(mutated(manifest))
    def check(candidate: Any) -> None:
        text = json.dumps(candidate, ensure_ascii=False, allow_nan=True)
        (dist / "manifest.json").write_text(text, encoding="utf-8")
        result = verify_dist(dist, probe=False)
        assert all(GUARD not in p.detail for p in result.problems), [p.line() for p in result.problems]
        if not isinstance(candidate, dict):
            assert not result.ok, text[:300]

    check()
