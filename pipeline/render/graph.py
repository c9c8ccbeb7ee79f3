"""Filter graphs composed with ffmpeg-python, run by `pipeline.ffmpeg` (the one module that runs ffmpeg).

ffmpeg-python turns a graph of Python objects (inputs, filters, outputs) into the
`-filter_complex` text, with stream labels, `-map` lines and the escaping of filter
arguments done for us: no path or text is pasted into a graph by hand. `compile_args` gives
the argv after the program name, which `pipeline.ffmpeg.run` runs with its progress
reporting, parent-death signal and error handling. Every stage that composes a graph (the
ladder's `split`, caption compositing, social shapes) builds it here this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import ffmpeg as ffmpeg_python

Stream = Any  # ffmpeg-python's FilterableStream / OutputStream (the package has no type hints)


def source(path: str, **options: Any) -> Stream:
    """An input file (`-i path`), with input options such as `ss=1.5`."""
    return ffmpeg_python.input(path, **options)


def options(pairs: Sequence[str], *flags: str) -> dict[str, str | None]:
    """Output options for ffmpeg-python from an ffmpeg-style list: ['-c:v', 'libx264', …] plus
    value-less flags ('an', 'sn'): {'c:v': 'libx264', …, 'an': None}. Raises on a list that
    is not option/value pairs, so nothing is silently dropped or misread."""
    if len(pairs) % 2 or any(not key.startswith("-") for key in pairs[::2]):
        raise ValueError(f"not option/value pairs: {list(pairs)}")
    found: dict[str, str | None] = {}
    for key, value in zip(pairs[::2], pairs[1::2], strict=True):
        name = key[1:]
        if name in found:
            raise ValueError(f"option {key} given twice")
        found[name] = value
    for flag in flags:
        found[flag] = None
    return found


def join(streams: Sequence[Stream], name: str, *args: Any, **kwargs: Any) -> Stream:
    """A filter with several inputs (overlay, concat…), e.g. join([base, logo], "overlay", x=10, y=20)."""
    return ffmpeg_python.filter(list(streams), name, *args, **kwargs)


def at_frame_rate(stream: Stream, fps: Fraction) -> Stream:
    """The decoded picture at a constant frame rate (the master's), as every video output has it."""
    return stream.filter("fps", fps=f"{fps.numerator}/{fps.denominator}")


def to_bt709(stream: Stream, width: int, height: int, matrix: str) -> Stream:
    """The picture scaled to width x height (lanczos) from the master's colour `matrix` to BT.709
    limited range, with square pixels: the ladder's rungs, the caption videos and the social cuts."""
    return stream.filter(
        "scale",
        width,
        height,
        flags="lanczos",
        in_color_matrix=matrix,
        out_color_matrix="bt709",
        out_range="tv",
    ).filter("setsar", 1)


def lay_over(picture: Stream, drawn: Sequence[tuple[Stream, int, int]]) -> Stream:
    """Drawn text (transparent images: a still title, or the captions' concat stream of cue images)
    laid over the picture, each with its top-left corner at (x, y); yuv420p out.

    The drawn RGBA images are converted to BT.709 limited-range YUV with alpha first, so the
    text keeps its colour on the BT.709 picture; a stream that ends (a still) stays on screen.
    """
    stream = picture.filter("format", "yuv420p")
    for image, x, y in drawn:
        layer = image.filter("scale", out_color_matrix="bt709", out_range="tv").filter("format", "yuva420p")
        stream = join([stream, layer], "overlay", x=x, y=y, format="yuv420", eof_action="repeat", repeatlast=1)
    return stream.filter("format", "yuv420p")


def output(stream: Stream | Sequence[Stream], path: str, opts: dict[str, str | None]) -> Stream:
    """One output file of `stream` (or of several streams: a video and an audio)."""
    streams = list(stream) if isinstance(stream, (list, tuple)) else [stream]
    return ffmpeg_python.output(*streams, path, **opts)


def compile_args(*outputs: Stream) -> list[str]:
    """The argv after the program name for all `outputs` of one ffmpeg process."""
    argv = ffmpeg_python.merge_outputs(*outputs).compile(cmd="ffmpeg")
    return [str(a) for a in argv[1:]]
