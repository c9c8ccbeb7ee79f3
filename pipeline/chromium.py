"""Chromium, run headless from its command line: an independent drawing of caption text.

The caption renderer (pipeline.captions) shapes text with HarfBuzz through Pillow. Debian's
libass looked right to the eye and still lost Urdu dots, so the build checks every caption
line against a second, independent text stack: Chromium (its own HarfBuzz, Skia, the same font
files through @font-face). Chromium is optional for a build: without it the QC report says the
check was not made. Only `--screenshot` of a local file is used (no Playwright, no network).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from pipeline import ffmpeg

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120.0


class ChromiumFailed(RuntimeError):
    """Chromium did not start, timed out or wrote no screenshot."""


def executable() -> str | None:
    """FILMPIPE_CHROMIUM (a path, or 'none' to turn the check off), else the first Chromium on PATH."""
    chosen = os.environ.get("FILMPIPE_CHROMIUM")
    if chosen is not None:
        if chosen.strip().lower() in ("", "none", "off"):
            return None
        return shutil.which(chosen) or (chosen if Path(chosen).is_file() else None)
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


@cache
def version(path: str) -> str | None:
    """'Chromium 142.0.7444.59' or None when it cannot say."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"([A-Za-z ]*?)\s*(\d+(?:\.\d+)+)", out)
    return f"{match.group(1).strip() or 'Chromium'} {match.group(2)}" if match else None


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def screenshot(path: str, page: Path, width: int, height: int, out: Path) -> None:
    """Draw the local HTML file `page` in a width x height window into the PNG `out`."""
    with tempfile.TemporaryDirectory(prefix="filmpipe-chromium-") as profile:
        argv = [
            path,
            "--headless",
            "--no-sandbox",  # run as root in CI and containers; the page is our own local file
            "--disable-gpu",
            "--hide-scrollbars",
            "--mute-audio",
            "--no-first-run",
            "--disable-extensions",
            "--force-device-scale-factor=1",
            "--force-color-profile=srgb",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            page.resolve().as_uri(),
        ]
        try:
            # Its own process group: Chromium starts helpers (zygote, renderer, GPU) that hold the
            # stderr pipe open; ending only the browser would leave communicate() waiting on them.
            proc = ffmpeg.spawn_tracked(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as err:
            raise ChromiumFailed(f"could not start {path}: {err.strerror or err}") from None
        try:
            _, err_text = proc.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.communicate()
            raise ChromiumFailed(f"{path} took over {TIMEOUT_SECONDS:g} s to draw a page") from None
        finally:
            _kill_group(proc)  # a helper left behind by a browser that has exited
            ffmpeg.forget(proc)
    if proc.returncode != 0 or not out.is_file():
        tail = err_text.decode("utf-8", "replace").strip().splitlines()[-1:] if err_text else []
        raise ChromiumFailed(f"{path} exited with {proc.returncode}" + (f": {tail[0]}" if tail else ""))
