"""A fabricated staging folder for the publish step: tiny media and hand-made TaskOutputs.

It follows the build's conventions (artifact kinds, dist-relative paths, audio meta) so the
manifest, preview page, report and verify can be tested without running a whole build.
Media are made with lavfi and stream copies: a few seconds for all six languages.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from conftest import CUES, LANGS, TIMES, write_project

from pipeline import codecs
from pipeline import ffmpeg as ff
from pipeline.engine.model import Artifact, BuildInfo, PlanContext, TaskOutput
from pipeline.findings import Finding, Report
from pipeline.locales import PAGE_LABELS
from pipeline.probe import probe_media
from pipeline.project import load_project
from pipeline.publish.site import write_site

HEIGHT = 180
WIDTH = 320
CREATED_AT = "2026-11-26T10:00:00Z"

# Translations for some languages only: ro, bn and gu fall back to English (LOCALE_MISSING).
TITLES = {
    "pl": "Poznaj swój lokalny zespół policji",
    "ur": "اپنی مقامی پولیس ٹیم سے ملیے",
}
LABELS = {
    "pl": {
        "Language": "Język",
        "Downloads": "Pliki do pobrania",
        "Watch": "Obejrzyj",
        "Copy": "Kopiuj",
        "Copied": "Skopiowano",
        "Subtitles": "Napisy",
        "Size": "Rozmiar",
    },
    "ur": {
        "Language": "زبان",
        "Downloads": "ڈاؤن لوڈز",
        "Watch": "دیکھیے",
        "Copy": "کاپی کریں",
        "Copied": "کاپی ہو گیا",
        "Subtitles": "سب ٹائٹلز",
        "Size": "سائز",
    },
}


def run_ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def vtt_text(lang: str) -> str:
    """A WebVTT file of the language's two test cues (RTL lines marked as the real writer does)."""

    def ts(seconds: float) -> str:
        ms = round(seconds * 1000)
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    blocks = ["WEBVTT"]
    for i, (text, (start, end)) in enumerate(zip(CUES[lang], TIMES, strict=False), 1):
        blocks.append(f"{i}\n{ts(start)} --> {ts(end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


def write_catalog(project: Path, lang: str) -> None:
    catalog = Catalog(locale=lang)
    catalog.add("Meet your neighbourhood policing team", TITLES[lang])
    for label in PAGE_LABELS:
        if label in LABELS[lang]:
            catalog.add(label, LABELS[lang][label])
    folder = project / "locales" / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "film.po").open("wb") as fh:
        write_po(fh, catalog)


@dataclass
class Fabricated:
    project: Path
    staging: Path
    context: PlanContext
    outputs: dict[str, TaskOutput]
    build: BuildInfo
    report: Report


def probe_codecs(path: Path) -> str:
    streams = ff.probe(path)["streams"]
    video = next(s for s in streams if s["codec_type"] == "video")
    audio = next(s for s in streams if s["codec_type"] == "audio")
    return codecs.join(codecs.from_stream(video), codecs.from_stream(audio))


def fabricate(root: Path, tiny_media: Path, languages: tuple[str, ...] = LANGS) -> Fabricated:
    project = write_project(root / "project", tiny_media, languages)
    for lang in TITLES:
        if lang in languages:
            write_catalog(project, lang)
    loaded = load_project(project)
    master = probe_media(project / "assets" / "master.mp4")

    staging = root / "staging"
    outputs: dict[str, TaskOutput] = {}
    master_path = str(project / "assets" / "master.mp4")
    for i, lang in enumerate(languages):
        folder = staging / "video" / lang
        folder.mkdir(parents=True)
        audio_in = master_path if lang == "en" else str(project / "assets" / "audio" / f"{lang}.m4a")
        iso = loaded.language(lang).profile.iso639_2
        progressive = folder / f"{lang}-{HEIGHT}.mp4"
        run_ffmpeg(
            "-i",
            master_path,
            "-i",
            audio_in,
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c",
            "copy",
            "-metadata:s:a:0",
            f"language={iso}",
            "-movflags",
            "+faststart",
            str(progressive),
        )
        captioned = folder / f"{lang}-{HEIGHT}-captioned.mp4"
        run_ffmpeg(
            "-i",
            master_path,
            "-i",
            audio_in,
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-vf",
            f"drawbox=x=0:y=ih-40:w=iw:h=30:color=0x{(i * 40) % 256:02x}80ff@0.9:t=fill",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "50",
            "-c:a",
            "copy",
            "-movflags",
            "+faststart",
            str(captioned),
        )
        artifacts = []
        for kind, path in (("progressive", progressive), ("open-captions", captioned)):
            facts = probe_media(path)
            artifacts.append(
                Artifact(
                    kind=kind,
                    path=path.relative_to(staging).as_posix(),
                    mime_type="video/mp4",
                    language=lang,
                    width=WIDTH,
                    height=HEIGHT,
                    codecs=probe_codecs(path),
                    bitrate_kbps=round(path.stat().st_size * 8 / facts.duration / 1000),
                    duration_seconds=round(facts.duration, 3),
                )
            )
        outputs[f"progressive/{lang}/{HEIGHT}"] = TaskOutput(artifacts=(artifacts[0],), meta={"file": progressive.name})
        outputs[f"captions/{lang}/{HEIGHT}"] = TaskOutput(artifacts=(artifacts[1],))
        outputs[f"audio/{lang}"] = TaskOutput(
            meta={
                "source": "master" if lang == "en" else "dub",
                "integratedLufs": -16.04 - i / 10,
                "truePeakDbtp": -1.46,
                "codecs": "mp4a.40.2",
                "file": "audio.m4a",
            }
        )
        vtt = staging / "subtitles" / f"{lang}.vtt"
        vtt.parent.mkdir(parents=True, exist_ok=True)
        vtt.write_text(vtt_text(lang), encoding="utf-8")
        outputs[f"vtt/{lang}"] = TaskOutput(
            artifacts=(
                Artifact(
                    kind="subtitles",
                    path=f"subtitles/{lang}.vtt",
                    mime_type="text/vtt",
                    language=lang,
                    extra={"cues": len(CUES[lang])},
                ),
            )
        )
        qc = staging / "qc" / f"{lang}-1.png"
        qc.parent.mkdir(parents=True, exist_ok=True)
        run_ffmpeg("-ss", "1", "-i", str(captioned), "-frames:v", "1", str(qc))
        outputs[f"qc/{lang}"] = TaskOutput(
            artifacts=(
                Artifact(
                    kind="qc-frame",
                    path=f"qc/{lang}-1.png",
                    mime_type="image/png",
                    language=lang,
                    width=WIDTH,
                    height=HEIGHT,
                    extra={"time": 1.0, "text": CUES[lang][0]},
                ),
            )
        )

    posters = staging / "posters"
    posters.mkdir()
    poster_artifacts = []
    for height, width in ((180, 320), (90, 160)):
        for ext, mime in (("jpg", "image/jpeg"), ("webp", "image/webp")):
            name = f"poster-{height}.{ext}"
            run_ffmpeg(
                "-ss", "1", "-i", master_path, "-frames:v", "1", "-vf", f"scale={width}:{height}", str(posters / name)
            )
            poster_artifacts.append(
                Artifact(kind="poster", path=f"posters/{name}", mime_type=mime, width=width, height=height)
            )
    outputs["posters"] = TaskOutput(artifacts=tuple(poster_artifacts))

    hls = staging / "hls"
    (hls / "v180").mkdir(parents=True)
    run_ffmpeg(
        "-i",
        str(staging / "video" / "en" / f"en-{HEIGHT}.mp4"),
        "-c",
        "copy",
        "-f",
        "hls",
        "-hls_time",
        "1",
        "-hls_playlist_type",
        "vod",
        "-hls_segment_type",
        "fmp4",
        "-hls_fmp4_init_filename",
        "init.mp4",
        "-hls_segment_filename",
        str(hls / "v180" / "seg%03d.m4s"),
        str(hls / "v180" / "index.m3u8"),
    )
    en_codecs = probe_codecs(staging / "video" / "en" / f"en-{HEIGHT}.mp4")
    (hls / "master.m3u8").write_text(
        "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n"
        f'#EXT-X-STREAM-INF:BANDWIDTH=400000,CODECS="{en_codecs}",RESOLUTION={WIDTH}x{HEIGHT}\n'
        "v180/index.m3u8\n",
        encoding="utf-8",
    )
    outputs["hls"] = TaskOutput(
        artifacts=(
            Artifact(
                kind="hls",
                path="hls/master.m3u8",
                mime_type="application/vnd.apple.mpegurl",
            ),
        )
    )

    context = PlanContext(
        project=loaded, master=master, ladder=(HEIGHT,), progressive=(HEIGHT,), open_captions=(HEIGHT,)
    )
    build = BuildInfo(
        id=hashlib.sha256(b"fabricated build").hexdigest(),
        tool="filmpipe 0.1.0",
        ffmpeg=ff.version(),
        created_at=CREATED_AT,
    )
    report = Report(
        findings=(
            Finding(
                code="SUB_READING_SPEED",
                severity="warning",
                language="ur",
                file="subtitles/ur.srt",
                line=5,
                cue=2,
                time=1.6,
                message="cue 2 reads at 18.2 characters per second, above 17",
                hint="shorten the text or lengthen the cue",
            ),
            Finding(code="MASTER_FRAME_RATE", severity="info", message="the master runs at 25 fps", hint=""),
        )
    )
    return Fabricated(project=project, staging=staging, context=context, outputs=outputs, build=build, report=report)


_CACHE: dict[str, object] = {}


@pytest.fixture(scope="session")
def fabricated_site(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path) -> Fabricated:
    """One fabricated staging folder with the site written into it, shared by every test module.

    Read-only: a test that changes files works on a copy (see `copy_site`).
    """
    if "site" not in _CACHE:  # modules importing this fixture share one build
        fab = fabricate(tmp_path_factory.mktemp("site"), tiny_media)
        write_site(fab.staging, fab.context, fab.outputs, fab.build, fab.report)
        _CACHE["site"] = fab
    return _CACHE["site"]


def copy_site(fab: Fabricated, where: Path) -> Path:
    """A writable copy of the fabricated dist/."""
    return copy_dist(fab.staging, where)


@dataclass
class Built:
    """A tiny film built for real by `filmpipe build` (six languages, 180p, locales for pl and ur)."""

    project: Path
    dist: Path


def build_project(root: Path, tiny_media: Path) -> Built:
    from pipeline.cli import cli
    from pipeline.cli.common import run_guarded

    project = write_project(root / "project", tiny_media, LANGS)
    for lang in TITLES:
        write_catalog(project, lang)
    code = run_guarded(cli, ["build", "-p", str(project)])
    assert code == 0, f"filmpipe build exited {code}"
    return Built(project=project, dist=project / "dist")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, tiny_media: Path) -> Built:
    """One real tiny build shared by every module that imports this fixture. Read-only: copy it to change it
    (its files are hard links into the build cache)."""
    if "built" not in _CACHE:
        _CACHE["built"] = build_project(tmp_path_factory.mktemp("built"), tiny_media)
    return _CACHE["built"]


def copy_dist(dist: Path, where: Path) -> Path:
    """A writable copy of a dist/ folder (real copies, not links)."""
    target = where / "dist"
    shutil.copytree(dist, target)
    return target
