"""WCAG 2.3.1 Three Flashes or Below Threshold: the general and the red flash thresholds.

Measured on small frames (ANALYSIS_WIDTH pixels wide, yuv444p, point-sampled by ffmpeg's
scaler) that the master's one validation decode hands over on a pipe (see media.py); they are
turned into linear RGB here with integer arithmetic and a table, a batch of frames at a time, so the check costs a few per cent
of the decode (bench/flash_bench.py), not a second decode.

What counts (WCAG 2.2, definitions of "general flash and red flash thresholds"):

- a *transition* of a pixel is a change in relative luminance of at least 10% of the maximum
  (0.1) where the darker state is below 0.80; for red, a change of more than 20 in
  (R - G - B) x 320 where one state is a saturated red (R / (R + G + B) >= 0.8), R, G, B linear;
  a pixel that keeps moving the same way makes one transition, however long it takes;
- a *flash* is a pair of opposing transitions; the thresholds are crossed where more than three
  flashes (more than six transitions) fall in any one second;
- only flashes over a large enough area count: 25% of any 10 degree visual field, which WCAG
  puts at a 341 x 256 rectangle of a 1024 x 768 screen, a third of the width and of the height.
  Each such window of the frame is checked on its own (windows overlap by half).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ANALYSIS_WIDTH = 80  # frames are scaled to this width (height keeps the aspect, even)
LUMINANCE_STEP = 0.10
DARKER_BELOW = 0.80
RED_STEP = 20.0
RED_SCALE = 320.0
RED_SATURATION = 0.8
AREA_SHARE = 0.25  # flashes over at least a quarter of a 10 degree visual field count
MAX_FLASHES = 3  # per second; more is a failure
# The frame is cut into BLOCKS x BLOCKS blocks; a 10 degree visual field (a third of the width
# and of the height) is FIELD_BLOCKS x FIELD_BLOCKS of them, at every block position.
BLOCKS = 6
FIELD_BLOCKS = 2

KINDS = {"general": "general flash threshold", "red": "red flash threshold"}


def analysis_size(width: int, height: int) -> tuple[int, int]:
    """The small frame size the check works on: ANALYSIS_WIDTH wide, even height, aspect kept."""
    w = min(ANALYSIS_WIDTH, width - width % 2) or 2
    h = max(2, round(height * w / max(1, width) / 2) * 2)
    return w, h


BATCH_FRAMES = 50  # frames converted to RGB together (numpy works best on larger arrays)
# Y'CbCr -> R'G'B' (limited range): Kr, Kb of BT.709 for HD pictures, BT.601 below 720 lines.
MATRICES = {"bt709": (0.2126, 0.0722), "bt601": (0.299, 0.114)}


def matrix_for(height: int, color_space: str | None) -> str:
    if color_space and color_space.startswith("bt709"):
        return "bt709"
    if color_space and (color_space.startswith(("smpte170m", "bt470bg", "bt601"))):
        return "bt601"
    return "bt709" if height >= 720 else "bt601"


TABLE_OFFSET = 1024  # 8-bit R'G'B' computed from Y'CbCr may fall below 0 or above 255


def _srgb_table() -> np.ndarray:
    """Linear light of every 8-bit sRGB level, clamped outside 0..255, indexed by level + TABLE_OFFSET."""
    c = np.clip(np.arange(-TABLE_OFFSET, TABLE_OFFSET + 256, dtype=np.float64), 0, 255) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4).astype(np.float32)


_LINEAR = _srgb_table()


@dataclass(frozen=True)
class FlashSpan:
    kind: str  # "general" or "red"
    start: float  # seconds
    end: float

    def to_json(self) -> list:
        return [self.kind, round(self.start, 3), round(self.end, 3)]

    @classmethod
    def from_json(cls, data: list) -> FlashSpan:
        return cls(str(data[0]), float(data[1]), float(data[2]))


class _Transitions:
    """Transitions of one signal (luminance, or the red measure) in every field window.

    A window's change from one frame to the next is the mean change of its pixels, counted only
    when the pixels that change by a whole step the same way cover AREA_SHARE of the window (so
    an object moving across the picture, whose pixels change both ways, is not a flash). Changes
    the same way add up; a transition is a run that reaches the step, opposite to the last one.
    """

    def __init__(self, shape: tuple[int, ...], step: float, darker_below: float | None) -> None:
        self.step = step
        self.darker_below = darker_below
        self.last: np.ndarray | None = None  # the previous frame's signal, per pixel
        self.run = np.zeros(shape, dtype=np.float32)  # change added up in the current direction
        self.run_sign = np.zeros(shape, dtype=np.int8)
        self.run_from = np.zeros(shape, dtype=np.float32)  # window mean where the run started
        self.last_turn = np.zeros(shape, dtype=np.int8)  # direction of the last transition

    def counted(self, change: np.ndarray, moved_up: np.ndarray, moved_down: np.ndarray) -> np.ndarray:
        """The mean change of each window, where enough of its pixels moved a whole step that way (else 0)."""
        large = ((change > 0) & (moved_up >= AREA_SHARE)) | ((change < 0) & (moved_down >= AREA_SHARE))
        return np.where(large, change, 0.0)

    def update(self, counted: np.ndarray, level: np.ndarray) -> np.ndarray:
        """One frame with some counted change: which windows make a transition."""
        sign = np.sign(counted).astype(np.int8)
        new_run = (sign != 0) & (sign != self.run_sign)
        self.run_from = np.where(new_run, level - counted, self.run_from)
        self.run = np.where(new_run, counted, self.run + counted)
        self.run_sign = np.where(new_run, sign, self.run_sign)
        turn = (np.abs(self.run) >= self.step) & (self.run_sign != self.last_turn) & (self.run_sign != 0)
        if self.darker_below is not None:
            turn &= np.minimum(level, self.run_from) < self.darker_below
        self.last_turn = np.where(turn, self.run_sign, self.last_turn)
        return turn


class FlashMeter:
    """Fed one small yuv444p frame at a time; `spans()` at the end."""

    def __init__(self, width: int, height: int, fps: float, matrix: str = "bt709") -> None:
        self.width, self.height = width, height
        self.fps = fps if fps and fps > 0 else 25.0
        self.frame_bytes = width * height * 3
        kr, kb = MATRICES[matrix]
        kg = 1 - kr - kb
        chroma = 255 / 224 * 256  # limited-range chroma to full-range 8-bit, 8 fractional bits
        self.luma_scale = round(255 / 219 * 256)
        self.rv = round(2 * (1 - kr) * chroma)
        self.bu = round(2 * (1 - kb) * chroma)
        self.gu = round(2 * (1 - kb) * kb / kg * chroma)
        self.gv = round(2 * (1 - kr) * kr / kg * chroma)
        self.pending: list[bytes] = []
        self.cols = np.linspace(0, width, BLOCKS + 1).round().astype(int)
        self.lines = np.linspace(0, height, BLOCKS + 1).round().astype(int)
        pixels = np.outer(np.diff(self.lines), np.diff(self.cols)).astype(np.float32)
        self.field_pixels = self._fields(pixels[None])[0]
        shape = self.field_pixels.shape
        self.trackers = {
            "general": _Transitions(shape, LUMINANCE_STEP, DARKER_BELOW),
            "red": _Transitions(shape, RED_STEP, None),
        }
        self.rows: dict[str, list[np.ndarray]] = {"general": [], "red": []}
        self.frames = 0

    def feed(self, frame: bytes) -> None:
        self.pending.append(frame[: self.frame_bytes])
        if len(self.pending) >= BATCH_FRAMES:
            self._process()

    def _rgb(self, frames: list[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Linear R, G, B of a batch of yuv444p frames: (frames, height, width) float32 each."""
        n, w, h = len(frames), self.width, self.height
        data = np.frombuffer(b"".join(frames), dtype=np.uint8).reshape(n, 3, h, w).astype(np.int32)
        y = (data[:, 0] - 16) * self.luma_scale + 128 + (TABLE_OFFSET << 8)
        u = data[:, 1] - 128
        v = data[:, 2] - 128
        r = (y + self.rv * v) >> 8
        g = (y - self.gu * u - self.gv * v) >> 8
        b = (y + self.bu * u) >> 8
        return _LINEAR.take(r), _LINEAR.take(g), _LINEAR.take(b)

    @staticmethod
    def _fields(blocks: np.ndarray) -> np.ndarray:
        """Sums over every field window from per-block sums (frames, BLOCKS, BLOCKS)."""
        k = FIELD_BLOCKS
        n = blocks.shape[1] - k + 1
        rows: np.ndarray = blocks[:, 0:n].copy()
        for i in range(1, k):
            rows += blocks[:, i : i + n]
        m = blocks.shape[2] - k + 1
        fields: np.ndarray = rows[:, :, 0:m].copy()
        for j in range(1, k):
            fields += rows[:, :, j : j + m]
        return fields

    def _means(self, values: np.ndarray) -> np.ndarray:
        """Mean of `values` (frames, height, width) over every field window: (frames, rows, columns)."""
        blocks = np.add.reduceat(np.add.reduceat(values, self.cols[:-1], axis=2), self.lines[:-1], axis=1)
        return self._fields(blocks) / self.field_pixels

    def _process(self) -> None:
        if not self.pending:
            return
        r, g, b = self._rgb(self.pending)
        self.pending = []
        total = r + g + b
        saturated = (r >= RED_SATURATION * total) & (total > 0)
        signals: dict[str, np.ndarray] = {
            "general": 0.2126 * r + 0.7152 * g + 0.0722 * b,
            "red": np.where(saturated, np.maximum(0.0, (r - g - b) * RED_SCALE), 0.0).astype(np.float32),
        }
        for kind, signal in signals.items():
            tracker = self.trackers[kind]
            previous = signal[:1] if tracker.last is None else tracker.last[None]
            tracker.last = signal[-1]
            change = np.diff(np.concatenate([previous, signal]), axis=0)
            step = tracker.step
            up = self._means((change >= step).astype(np.float32))
            down = self._means((change <= -step).astype(np.float32))
            counted = tracker.counted(self._means(change), up, down)
            level = self._means(signal)
            still = np.zeros(self.field_pixels.shape, dtype=bool)
            moved: np.ndarray = np.asarray(counted.reshape(len(counted), -1).any(axis=1))
            for i in range(len(counted)):
                # A frame with no large change adds nothing to any run: no transition.
                self.rows[kind].append(tracker.update(counted[i], level[i]) if moved[i] else still)
        self.frames += len(r)

    def spans(self) -> list[FlashSpan]:
        """Time spans (merged) where some field window has more than MAX_FLASHES flashes in a second."""
        self._process()
        per_second = max(1, round(self.fps))
        found: list[FlashSpan] = []
        for kind, rows in self.rows.items():
            if len(rows) < 2:
                continue
            hits = np.stack(rows).reshape(len(rows), -1).astype(np.int32)
            counts = np.vstack([np.zeros((1, hits.shape[1]), np.int32), hits.cumsum(0)])
            n = len(rows)
            starts = np.arange(n)
            ends = np.minimum(starts + per_second, n)
            in_window = counts[ends] - counts[starts]  # transitions in frames [start, start + 1 s)
            failing = (in_window > 2 * MAX_FLASHES).any(axis=1)
            spans: list[list[float]] = []
            for start in np.flatnonzero(failing):
                window = hits[start : ends[start]].any(axis=1)
                frames = np.flatnonzero(window)
                a, z = (start + frames[0]) / self.fps, (start + frames[-1] + 1) / self.fps
                if spans and a <= spans[-1][1]:
                    spans[-1][1] = max(spans[-1][1], float(z))
                else:
                    spans.append([float(a), float(z)])
            found += [FlashSpan(kind, a, z) for a, z in spans]
        return found
