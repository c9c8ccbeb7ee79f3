"""Checks that this machine can build: tools, encoders, filters, fonts and disk."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline import ffmpeg, fonts
from pipeline.errors import EnvironmentProblem
from pipeline.languages import package_of, profile_for

DEFAULT_LANGUAGES = ("en", "pl", "ro", "ur", "bn", "gu")
MIN_FREE_BYTES = 2 * 1024**3
APT = "apt-get install -y"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def caption_shaping_check() -> Check:
    """Captions are shaped by HarfBuzz through Pillow's raqm layout (pipeline.captions.render)."""
    from PIL import features

    ok = bool(features.check("raqm"))
    detail = (
        f"Pillow raqm {features.version('raqm')}, HarfBuzz {features.version('harfbuzz')}, "
        f"FriBiDi {features.version('fribidi')}"
        if ok
        else "Pillow has no raqm layout: Urdu, Bengali and Gujarati captions cannot be drawn"
    )
    return Check(
        "caption text shaping (HarfBuzz)", ok, detail, "pip install --force-reinstall pillow (its wheels carry raqm)"
    )


def check_machine(languages: tuple[str, ...] = DEFAULT_LANGUAGES, disk_at: Path | None = None) -> list[Check]:
    checks: list[Check] = []
    for tool in ("ffmpeg", "ffprobe"):
        found = shutil.which(tool)
        checks.append(Check(tool, bool(found), found or "not found", f"{APT} ffmpeg"))
    if all(c.ok for c in checks):
        try:
            caps = ffmpeg.capabilities()
        except EnvironmentProblem as exc:
            checks.append(Check("ffmpeg runs", False, exc.message, f"{APT} ffmpeg"))
        else:
            checks.append(Check("ffmpeg version", True, caps.version))
            for enc in ("libx264", "aac"):
                checks.append(
                    Check(
                        f"encoder {enc}",
                        enc in caps.encoders,
                        "present" if enc in caps.encoders else "missing",
                        f"{APT} ffmpeg (Debian's build has {enc})",
                    )
                )
            checks.append(
                Check(
                    "filter overlay (burned-in captions)",
                    "overlay" in caps.filters,
                    "present" if "overlay" in caps.filters else "missing",
                    f"{APT} ffmpeg",
                )
            )
    checks.append(caption_shaping_check())
    fc = fonts.fontconfig_available()
    checks.append(Check("fontconfig", fc, "present" if fc else "fc-list not found", f"{APT} fontconfig"))
    families: dict[str, list[str]] = {}  # family -> the languages whose captions need it
    packages: dict[str, str] = {}  # family -> the Debian package that ships it
    for code in languages:
        profile = profile_for(code)
        for i, family in enumerate(profile.fonts):
            families.setdefault(family, []).append(code)
            packages.setdefault(family, profile.font_package if i == 0 else package_of(family))
    families.setdefault(fonts.FALLBACK_FAMILY, [])
    for family, codes in families.items():
        font = fonts.find_font(family) if fc else None
        used_by = f" (for {', '.join(dict.fromkeys(codes))})" if codes else " (fallback for Latin text)"
        package = packages.get(family) or package_of(family)
        checks.append(
            Check(
                f"font {family}{used_by}",
                font is not None,
                str(font.path) if font else f"not installed: Debian package {package}",
                f"{APT} {package}",
            )
        )
    where = disk_at or Path.cwd()
    while not where.exists() and where != where.parent:
        where = where.parent
    free = shutil.disk_usage(where).free
    checks.append(
        Check(
            "free disk",
            free >= MIN_FREE_BYTES,
            f"{free / 1024**3:.1f} GiB free at {where}",
            "free at least 2 GiB for a build",
        )
    )
    return checks
