"""What `filmpipe build` shows while it works.

On a terminal: a live block, redrawn in place, with the overall percentage, time left and
each running task; finished tasks scroll above it as one line each. Elsewhere (CI logs,
pipes): plain lines only, one per finished task, no redrawing.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO

from pipeline.engine.runner import Event

BAR_WIDTH = 28
REDRAW_EVERY = 0.15


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "--:--"
    seconds = max(0, int(round(seconds)))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = int(round(max(0.0, min(1.0, fraction)) * width))
    return "#" * filled + "-" * (width - filled)


class BuildDisplay:
    """An Event callback for the runner; `live` redraws a block in place (terminals only)."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None, films: int = 1, tasks: int = 0) -> None:
        self.stream = stream or sys.stdout
        self.films_total = films
        self.films_done = 0
        self.tasks_total = tasks
        self.tasks_done = 0
        self.live = self.stream.isatty() if live is None else live
        self.running: dict[str, tuple[str, float]] = {}
        self.overall = 0.0
        self.eta: float | None = None
        self._drawn = 0
        self._last_draw = 0.0
        self.started = time.monotonic()

    def line(self, text: str) -> None:
        """A permanent line (above the live block on a terminal)."""
        self._clear()
        self.stream.write(text + "\n")
        self._draw(force=True)

    def __call__(self, event: Event) -> None:
        task = event.task
        name = f"{event.film}: {task.id}" if event.film else task.id
        slot = f"{event.film}/{task.id}"
        if event.kind in ("start", "progress", "finish"):
            self.overall, self.eta = event.overall, event.eta_seconds
        if event.kind == "start":
            self.running[slot] = (task.title, 0.0)
            self._draw(force=True)
        elif event.kind == "progress":
            self.running[slot] = (task.title, event.fraction)
            self._draw()
        elif event.kind == "finish":
            self.tasks_done += 1
            self.running.pop(slot, None)
            self.line(f"  done  {name:<24} {task.title} ({event.seconds:.1f} s)")
        elif event.kind == "fail":
            self.running.pop(slot, None)
            self.line(f"  FAILED {name:<23} {task.title}")

    def film_done(self, text: str) -> None:
        self.films_done += 1
        self.line(text)

    def close(self) -> None:
        self._clear()
        self.stream.flush()

    def _clear(self) -> None:
        if self.live and self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _draw(self, force: bool = False) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < REDRAW_EVERY:
            return
        self._last_draw = now
        self._clear()
        lines = [
            f"[{bar(self.overall)}] {self.overall * 100:5.1f}%  elapsed {duration_text(now - self.started)}"
            f"  left {duration_text(self.eta)}"
            + (f"  films {self.films_done}/{self.films_total}" if self.films_total > 1 else "")
            + (f"  tasks {self.tasks_done}/{self.tasks_total}" if self.tasks_total else "")
        ]
        for _task_id, (title, fraction) in self.running.items():
            lines.append(f"  {fraction * 100:5.1f}%  {title}")
        width = max(20, shutil.get_terminal_size((100, 24)).columns - 1)
        lines = [line[:width] for line in lines]  # a wrapped line would break the redraw
        self.stream.write("\n".join(lines) + "\n")
        self.stream.flush()
        self._drawn = len(lines)
