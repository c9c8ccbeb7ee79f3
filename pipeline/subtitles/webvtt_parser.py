"""WebVTT text -> cues exactly as a browser reads them (W3C WebVTT, "WebVTT parser algorithm").

A browser is strict where filmpipe's SRT reader is lenient, and silent about it: a file whose
first line is not exactly `WEBVTT` holds no cues at all; a timestamp with one-digit minutes
or a `,` before the milliseconds drops its cue; a line with `-->` inside a cue's text ends
that cue there (and the rest is read as a new, broken block). This module follows the
algorithm step by step and, besides the cues, reports every place where a browser dropped or
repaired something (`VttProblem`), so the reader can turn each into a finding.

Implemented from the specification's prose (https://w3c.github.io/webvtt/#file-parsing):
- input: NUL -> U+FFFD, CRLF and lone CR -> LF (the pre-processing of the text);
- the signature: `WEBVTT` followed by the end of the file, a space, a tab or a line break;
- header lines up to the first blank line are ignored (legacy `Region:` lines, `X-TIMESTAMP-MAP`),
  except that, as in Chromium, a timing line as the header's first or second line starts a cue
  (with the line above as its identifier);
- "collect a WebVTT block": a block is a cue when its first or second line holds `-->`;
  `STYLE` and `REGION` blocks before the first cue; any other block is dropped;
- "collect a WebVTT timestamp": `[h*:]mm:ss.ttt`, hours of any length, minutes and seconds
  exactly two digits and under 60, exactly three fraction digits.
Where Chromium differs from today's text of the algorithm, Chromium is followed (the header
case above; a `STYLE` line right above the first cue's timing line is not its identifier):
tests/test_webvtt_parsing.py checks every case against Chromium itself.
Cue settings are read but not interpreted (filmpipe writes its own), so they never fail a cue.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

ARROW = "-->"
_WHITESPACE = " \t\n\f\r"  # the specification's "ASCII whitespace"


@dataclass(frozen=True)
class VttCue:
    identifier: str
    start: float
    end: float
    text: str  # raw cue text, lines joined by LF, markup and character references as written
    line: int  # 1-based line number of the timing line
    settings: str


@dataclass(frozen=True)
class VttProblem:
    """Something a browser drops or repairs without a word. `kind` names it:

    - `signature`: the file does not start with the WEBVTT signature; no cue is read;
    - `timing`: a cue's timing line cannot be read; the cue is dropped;
    - `arrow_in_text`: a text line holds `-->`: the cue ends before it (`line` is that line);
    - `no_timing`: a block without a timing line is dropped (text that lost its cue);
    - `style`: a STYLE/REGION block after the first cue, or CSS left after a blank line
      inside a STYLE block: browsers ignore it;
    - `nul`: a NUL character, shown as U+FFFD.
    """

    kind: str
    line: int
    text: str  # the line (or first line of the block) as written


@dataclass
class VttParse:
    cues: list[VttCue] = field(default_factory=list)
    problems: list[VttProblem] = field(default_factory=list)
    signature_ok: bool = True
    stylesheets: int = 0
    regions: int = 0


def preprocess(text: str) -> str:
    """The specification's input transformation: NUL -> U+FFFD, CRLF and CR -> LF."""
    return text.replace("\x00", "\ufffd").replace("\r\n", "\n").replace("\r", "\n")


def collect_timestamp(s: str, pos: int) -> tuple[float, int] | None:
    """ "Collect a WebVTT timestamp" at `pos`: (seconds, position after it) or None on failure."""
    n = len(s)

    def digits(p: int) -> tuple[str, int]:
        q = p
        while q < n and "0" <= s[q] <= "9":
            q += 1
        return s[p:q], q

    if pos >= n or not ("0" <= s[pos] <= "9"):
        return None
    first, pos = digits(pos)
    hours_first = len(first) != 2 or int(first) > 59
    if pos >= n or s[pos] != ":":
        return None
    pos += 1
    second, pos = digits(pos)
    if len(second) != 2:
        return None
    if hours_first or (pos < n and s[pos] == ":"):
        if pos >= n or s[pos] != ":":
            return None
        pos += 1
        third, pos = digits(pos)
        if len(third) != 2:
            return None
        v1, v2, v3 = int(first), int(second), int(third)
    else:
        v1, v2, v3 = 0, int(first), int(second)
    if pos >= n or s[pos] != ".":
        return None
    pos += 1
    frac, pos = digits(pos)
    if len(frac) != 3:
        return None
    if v2 > 59 or v3 > 59:
        return None
    return v1 * 3600 + v2 * 60 + v3 + int(frac) / 1000, pos


def _skip_whitespace(s: str, pos: int) -> int:
    while pos < len(s) and s[pos] in _WHITESPACE:
        pos += 1
    return pos


def parse_timing_line(line: str) -> tuple[float, float, str] | None:
    """ "Collect WebVTT cue timings and settings": (start, end, settings) or None on failure."""
    pos = _skip_whitespace(line, 0)
    start = collect_timestamp(line, pos)
    if start is None:
        return None
    pos = _skip_whitespace(line, start[1])
    if line[pos : pos + 3] != ARROW:
        return None
    pos = _skip_whitespace(line, pos + 3)
    end = collect_timestamp(line, pos)
    if end is None:
        return None
    return start[0], end[0], line[end[1] :].strip(_WHITESPACE)


def signature_ok(text: str) -> bool:
    """`WEBVTT` alone, or followed by a space, a tab or a line break (after pre-processing)."""
    if len(text) < 6 or text[:6] != "WEBVTT":
        return False
    return len(text) == 6 or text[6] in " \t\n"


def _looks_like_css(block: str) -> bool:
    """CSS left over from a STYLE block: braces, or every line a `property: value;` declaration."""
    lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
    return "{" in block or "}" in block or bool(lines) and all(ln.endswith(";") for ln in lines)


def _only_whitespace(s: str) -> bool:
    return all(ch in _WHITESPACE for ch in s)


def _is_block_keyword(buffer: str, keyword: str) -> bool:
    return buffer.startswith(keyword) and _only_whitespace(buffer[len(keyword) :])


class _Reader:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.pos = 0
        self._breaks = [i for i, ch in enumerate(text) if ch == "\n"]
        self.out = VttParse()
        self.after_style = False  # the block before was a STYLE block (CSS may follow a blank line)

    def line_no(self, pos: int) -> int:
        return bisect.bisect_left(self._breaks, pos) + 1

    def collect_line(self) -> str:
        end = self.s.find("\n", self.pos)
        end = self.n if end < 0 else end
        line = self.s[self.pos : end]
        self.pos = end
        return line

    def skip_newlines(self) -> None:
        while self.pos < self.n and self.s[self.pos] == "\n":
            self.pos += 1

    def block(self, in_header: bool, seen_cue: bool) -> tuple[str, object | None]:
        """ "Collect a WebVTT block": ('cue', VttCue) / ('style', None) / ('region', None) / ('none', None)."""
        line_count = 0
        previous = self.pos
        block_start = self.pos
        buffer = ""
        seen_arrow = False
        cue: tuple[float, float, str, str, int] | None = None
        kind: str | None = None
        timing_failed: tuple[int, str] | None = None
        while True:
            line_start = self.pos
            line = self.collect_line()
            line_count += 1
            seen_eof = self.pos >= self.n
            if not seen_eof:
                self.pos += 1
            if ARROW in line:
                # Chromium reads a timing line as the first or second line of the header block too
                # (an older version of the algorithm): "WEBVTT\nfoo\n00:00.000 --> …" is a cue "foo".
                if line_count == 1 or (line_count == 2 and not seen_arrow):
                    seen_arrow = True
                    previous = self.pos
                    parsed = parse_timing_line(line)
                    if parsed is None:
                        cue = None
                        timing_failed = (self.line_no(line_start), line)
                    else:
                        # Chromium: a "STYLE" line above the first cue's timing is not its identifier.
                        ident = "" if not seen_cue and _is_block_keyword(buffer, "STYLE") else buffer
                        cue = (parsed[0], parsed[1], parsed[2], ident, self.line_no(line_start))
                        buffer = ""
                else:
                    if cue is not None and not in_header and parse_timing_line(line) is None:
                        self.out.problems.append(VttProblem("arrow_in_text", self.line_no(line_start), line))
                    self.pos = previous
                    break
            elif line == "":
                break
            else:
                if not in_header and line_count == 2 and not seen_cue:
                    if _is_block_keyword(buffer, "STYLE"):
                        kind, buffer = "style", ""
                    elif _is_block_keyword(buffer, "REGION"):
                        kind, buffer = "region", ""
                if buffer:
                    buffer += "\n"
                buffer += line
                previous = self.pos
            if seen_eof:
                break
        if cue is not None:
            start, end, settings, ident, line_no = cue
            return "cue", VttCue(ident, start, end, buffer, line_no, settings)
        if kind is not None:
            self.after_style = kind == "style"
            return kind, None
        if in_header:
            return "header", None
        first = self.s[block_start:].split("\n", 1)[0]
        if timing_failed is not None:
            self.out.problems.append(VttProblem("timing", timing_failed[0], timing_failed[1]))
        elif seen_cue and (first.startswith("STYLE") or first.startswith("REGION")):
            self.out.problems.append(VttProblem("style", self.line_no(block_start), first))
        elif first.startswith("NOTE") and (len(first) == 4 or first[4] in " \t\n"):
            pass  # a comment: dropped by design
        elif not seen_cue and (self.after_style or _looks_like_css(self.s[block_start : self.pos])):
            self.out.problems.append(VttProblem("style", self.line_no(block_start), first))
        else:
            self.out.problems.append(VttProblem("no_timing", self.line_no(block_start), first))
        return "none", None

    def run(self) -> VttParse:
        out = self.out
        if not signature_ok(self.s):
            out.signature_ok = False
            out.problems.append(VttProblem("signature", 1, self.s.split("\n", 1)[0]))
            return out
        self.collect_line()  # the rest of the signature line
        if self.pos >= self.n:
            return out
        self.pos += 1
        if self.pos >= self.n:
            return out
        seen_cue = False
        if self.s[self.pos] != "\n":
            kind, cue = self.block(in_header=True, seen_cue=False)
            if kind == "cue" and isinstance(cue, VttCue):
                out.cues.append(cue)
                seen_cue = True
        else:
            self.pos += 1
        self.skip_newlines()
        while self.pos < self.n:
            kind, cue = self.block(in_header=False, seen_cue=seen_cue)
            if kind == "cue" and isinstance(cue, VttCue):
                out.cues.append(cue)
                seen_cue = True
                self.after_style = False
            elif kind == "style":
                out.stylesheets += 1
            elif kind == "region":
                out.regions += 1
            self.skip_newlines()
        return out


def parse(text: str) -> VttParse:
    """Parse WebVTT text (already decoded, a leading BOM removed) as a browser does."""
    nul_lines = []
    if "\x00" in text:
        normalised = text.replace("\r\n", "\n").replace("\r", "\n")
        line = 1
        for chunk in normalised.split("\n"):
            if "\x00" in chunk:
                nul_lines.append(VttProblem("nul", line, chunk.replace("\x00", "\ufffd")))
            line += 1
    result = _Reader(preprocess(text)).run()
    result.problems[:0] = nul_lines
    return result
