"""Filter graphs are composed with ffmpeg-python (pipeline/render/graph.py) and run by
pipeline/ffmpeg.py; the ladder is the first user. Checked against ffmpeg itself."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline import ffmpeg
from pipeline.render import graph

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"


def test_options_from_an_ffmpeg_style_list() -> None:
    assert graph.options(["-c:v", "libx264", "-map_metadata", "-1"], "an") == {
        "c:v": "libx264",
        "map_metadata": "-1",
        "an": None,
    }
    with pytest.raises(ValueError, match="pairs"):
        graph.options(["-c:v", "libx264", "-an"])
    with pytest.raises(ValueError, match="twice"):
        graph.options(["-crf", "21", "-crf", "23"])


def test_filter_arguments_are_escaped_by_ffmpeg_python(tmp_path: Path, tiny_master: Callable[..., Path]) -> None:
    """A value holding the graph's own syntax (':' '=' ';' quotes) reaches ffmpeg as one value."""
    hostile = tmp_path / "in ; [x] 'q'.mp4"
    shutil.copy(tiny_master(64, 36, 5, 1, audio=False), hostile)
    text = "a:b=c;d'e,f[g]"
    stream = graph.source(str(hostile))["v:0"].filter("drawtext", text=text, fontsize=8).filter("setsar", 1)
    argv = graph.compile_args(graph.output(stream, str(tmp_path / "out.mp4"), graph.options(["-c:v", "libx264"])))
    assert argv[argv.index("-i") + 1] == str(hostile)  # a path is an argv item, never graph text
    ffmpeg.run(argv)  # ffmpeg parses the graph: a badly escaped value would fail or split the chain
    assert (tmp_path / "out.mp4").stat().st_size > 0


def test_the_ladder_graph_parses_in_ffmpeg(tmp_path: Path, tiny_master: Callable[..., Path]) -> None:
    """ffmpeg itself accepts the ladder's compiled graph: one decode, split, a scale per rung."""
    source = tiny_master(duration=1, audio=False)
    decoded = graph.source(str(source))["v:0"].filter("fps", fps="25/1").filter_multi_output("split", 2)
    outs = [
        graph.output(decoded[i].filter("scale", w, h).filter("setsar", 1), str(tmp_path / f"{h}.mp4"), {"an": None})
        for i, (w, h) in enumerate(((320, 180), (160, 90)))
    ]
    argv = graph.compile_args(*outs)
    assert argv.count("-i") == 1 and "split=2" in argv[argv.index("-filter_complex") + 1]
    ffmpeg.run(argv)
    heights = [ffmpeg.probe(tmp_path / f"{h}.mp4")["streams"][0]["height"] for h in (180, 90)]
    assert heights == [180, 90]


def _ffmpeg_python_use(path: Path) -> tuple[bool, list[str]]:
    """(imports ffmpeg-python, the names of its functions that start processes it calls)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == "ffmpeg"}
        elif isinstance(node, ast.ImportFrom) and node.module == "ffmpeg" and not node.level:
            aliases.add("ffmpeg")
    runs = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("run", "run_async", "probe")
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
    ]
    return bool(aliases), runs


def test_ffmpeg_python_composes_graphs_and_never_runs_ffmpeg() -> None:
    """Graphs are composed with ffmpeg-python in render/ modules; pipeline/ffmpeg.py runs them all."""
    users = []
    for path in sorted(PACKAGE.rglob("*.py")):
        imports, runs = _ffmpeg_python_use(path)
        rel = path.relative_to(PACKAGE).as_posix()
        if imports:
            users.append(rel)
            assert rel.startswith("render/"), f"{rel} composes ffmpeg graphs outside pipeline/render"
        assert not runs, f"{rel} runs ffmpeg through ffmpeg-python ({runs}); hand the argv to pipeline.ffmpeg"
    assert "render/graph.py" in users
    ladder = (PACKAGE / "render" / "ladder.py").read_text(encoding="utf-8")
    assert "graph.compile_args(" in ladder and 'filter_multi_output("split"' in ladder


def test_the_poster_graph_makes_every_size_and_format(tmp_path: Path, tiny_master: Callable[..., Path]) -> None:
    from pipeline.render import poster

    source = tiny_master(duration=1, audio=False)
    ffmpeg.run(poster.poster_argv(str(source), 0.4, [[320, 180], [160, 90]]), cwd=tmp_path)
    for height, width in ((180, 320), (90, 160)):
        for ext in ("jpg", "webp"):
            stream = ffmpeg.probe(tmp_path / poster.file_name(height, ext))["streams"][0]
            assert (stream["width"], stream["height"]) == (width, height)
