"""The import graph of `pipeline/`, read from the source: no layer imports a layer above it.

Data flows one way (DESIGN.md): project -> probe -> validate -> plan -> run -> publish, with
text and findings underneath everything that reads subtitles. Reading subtitles must never
need validation, so `pipeline.subtitles` sits below `pipeline.validate`. Every import counts,
including ones inside functions and under `TYPE_CHECKING`: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "pipeline"

# Lowest first. A module may import its own layer and any layer below it, never one above.
# The longest listed prefix decides a module's layer (pipeline.engine.model sits below render,
# the rest of pipeline.engine above it, because render tasks are built from the engine's model).
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "pipeline",
        "pipeline.errors",
        "pipeline.hashing",
        "pipeline.content_names",
        "pipeline.codecs",
        "pipeline.filekind",
    ),
    ("pipeline.languages", "pipeline.findings", "pipeline.accessibility", "pipeline.social.locale"),
    ("pipeline.text",),
    ("pipeline.captions.style",),
    (
        "pipeline.ffmpeg",
        "pipeline.chromium",
        "pipeline.probe",
        "pipeline.fonts",
        "pipeline.project",
        "pipeline.locales",
        "pipeline.rungs",
    ),
    ("pipeline.subtitles", "pipeline.captions"),
    ("pipeline.social",),
    ("pipeline.validate",),
    ("pipeline.engine.model",),
    ("pipeline.render", "pipeline.publish"),
    ("pipeline.engine",),
    ("pipeline.doctor", "pipeline.scaffold"),
    ("pipeline.cli", "pipeline.__main__"),
)
# A module in none of the listed prefixes (a new top-level package) sits just below the CLI:
# it may use everything listed, and nothing listed below the CLI may import it until it is
# given its place above.
UNLISTED = len(LAYERS) - 1.5


def layer_of(module: str) -> float:
    best: tuple[int, float] = (-1, UNLISTED)
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                if prefix == "pipeline" and module != "pipeline":
                    continue  # the bare package holds only __version__; submodules need their own line
                best = (len(prefix), float(level))
    return best[1]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str, root: Path) -> bool:
    rel = Path(*name.split("."))
    base = root.parent / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports_of(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, imported pipeline module) for every import in the file, wherever it is written."""
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "pipeline"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base.split(".")[0] != "pipeline":
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.append((node.lineno, candidate if _is_module(candidate, root) else base))
    return found


def violations(root: Path) -> list[str]:
    problems = []
    for path in sorted(root.rglob("*.py")):
        me = module_name(path, root)
        for line, target in imports_of(path, root):
            if layer_of(target) > layer_of(me):
                rel = path.relative_to(root.parent)
                problems.append(
                    f"{rel}:{line}: {me} (layer {layer_of(me):g}) imports {target} (layer {layer_of(target):g})"
                )
    return problems


def test_no_module_imports_a_layer_above_it() -> None:
    problems = violations(PACKAGE_ROOT)
    assert not problems, "imports against the layer order (see LAYERS):\n" + "\n".join(problems)


def test_reading_subtitles_does_not_import_validation() -> None:
    readers = sorted((PACKAGE_ROOT / "subtitles").rglob("*.py"))
    assert readers, "pipeline/subtitles has no modules"
    for path in readers:
        for line, target in imports_of(path, PACKAGE_ROOT):
            assert not target.startswith("pipeline.validate"), f"{path.name}:{line} imports {target}"


def test_subtitles_sit_below_validate_and_text_below_both() -> None:
    assert (
        layer_of("pipeline.text.encoding") < layer_of("pipeline.subtitles.reader") < layer_of("pipeline.validate.run")
    )
    assert layer_of("pipeline.findings") < layer_of("pipeline.subtitles.reader")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from pipeline.validate.rules import Context\n", "pipeline.validate.rules"),
        ("from pipeline.validate import run\n", "pipeline.validate.run"),
        ("def f():\n    from ..validate import context\n", "pipeline.validate.context"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pipeline.engine.job\n",
            "pipeline.engine.job",
        ),
    ],
)
def test_the_checker_catches_an_upward_import(tmp_path: Path, source: str, expected: str) -> None:
    """The checker itself can fail: a copy of the package with one upward import added is caught."""
    root = tmp_path / "pipeline"
    for path in PACKAGE_ROOT.rglob("*.py"):
        target = root / path.relative_to(PACKAGE_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert violations(root) == []
    reader = root / "subtitles" / "reader.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\n" + source, encoding="utf-8")
    problems = violations(root)
    assert len(problems) == 1 and expected in problems[0], problems
