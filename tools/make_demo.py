#!/usr/bin/env python3
"""Regenerate the demo film project's media and texts, deterministically.

Writes, from the texts in ``tools/demo_text.py`` (the single source of truth):

* ``subtitles/{en,pl,ro,ur,bn,gu}.srt``          subtitles, one cue per narration line
* ``locales/<lang>/LC_MESSAGES/film.po``           title, description, call to action, page labels
* ``assets/master.mp4``   74 s, 1920x1080, 25 fps, H.264 High + AAC 48 kHz stereo,
                          flat vector animation drawn with Pillow, English narration
* ``assets/audio/{pl,ro,ur,bn,gu}.m4a``   dubbed full mixes (narration + the same music bed),
                          exactly the master's duration

How to run (from the repository root, takes about 3-5 minutes on 2 cores)::

    sudo apt-get install ffmpeg espeak-ng sox fonts-noto-core   # Debian 12 packages
    .venv/bin/pip install pillow numpy regex                      # or: pip install -e '.[demo]'
    .venv/bin/python tools/make_demo.py                           # everything
    .venv/bin/python tools/make_demo.py --only text               # just .srt and .po files
    .venv/bin/python tools/make_demo.py --only audio              # .srt/.po + dubs (no video)
    .venv/bin/python tools/make_demo.py --only audio --langs pl,ro  # .srt/.po + the Polish and Romanian dubs

It is run by hand, not by make or CI; its outputs are committed.  Re-runs on the
same machine (same ffmpeg/x264/espeak-ng builds) produce byte-identical files:
no random seeds, no timestamps, fixed encoder thread counts, bitexact muxing.
After writing the subtitles it checks them against the rules of
``filmpipe validate`` (durations, gaps, lines, reading speed in grapheme clusters,
Romanian comma-below letters) and stops with an error if one is broken.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
import regex
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
import demo_text as T  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
W, H = 1920, 1080
FPS = T.FPS
NFRAMES = round(T.DURATION * FPS)
SR = T.SAMPLE_RATE
NSAMPLES = round(T.DURATION * SR)
FONT_DIR = Path("/usr/share/fonts/truetype/noto")
LANGS = list(T.LANGUAGES)
DUB_LANGS = [lang for lang in LANGS if lang != T.SOURCE_LANGUAGE]


def log(msg: str) -> None:
    print(f"[make_demo] {msg}", flush=True)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    """Run a command (argv list, never a shell); raise with its stderr on failure."""
    proc = subprocess.run(cmd, capture_output=True, **kw)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace") if isinstance(proc.stderr, bytes) else proc.stderr
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return proc


# ==========================================================================
# Texts: subtitles and gettext catalogs
# ==========================================================================


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def srt_time(t: float) -> str:
    ms = round(t * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def write_subtitles() -> None:
    for lang in LANGS:
        cues = T.SUBTITLES[lang]
        assert len(cues) == len(T.CUE_TIMES), (lang, len(cues))
        blocks = []
        for i, (lines, (start, end)) in enumerate(zip(cues, T.CUE_TIMES, strict=False), 1):
            text = "\n".join(nfc(line) for line in lines)
            blocks.append(f"{i}\n{srt_time(start)} --> {srt_time(end)}\n{text}\n")
        path = ROOT / "subtitles" / f"{lang}.srt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes("\n".join(blocks).encode("utf-8"))
    log("wrote subtitles/*.srt")


def vtt_time(t: float) -> str:
    return srt_time(t).replace(",", ".")


def write_descriptions() -> None:
    """descriptions/<lang>.vtt: the text descriptions of T.DESCRIPTIONS."""
    for lang, items in T.DESCRIPTIONS.items():
        blocks = ["WEBVTT\n"]
        for i, (start, end, text) in enumerate(items, 1):
            blocks.append(f"{i}\n{vtt_time(start)} --> {vtt_time(end)}\n{nfc(text)}\n")
        path = ROOT / "descriptions" / f"{lang}.vtt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes("\n".join(blocks).encode("utf-8"))
    log("wrote descriptions/*.vtt")


def master_mix() -> np.ndarray:
    """The committed master's audio, decoded to 48 kHz stereo float (NSAMPLES long)."""
    proc = run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            str(ROOT / "assets" / "master.mp4"),
            "-map",
            "0:a:0",
            "-ac",
            "2",
            "-ar",
            str(SR),
            "-f",
            "f32le",
            "-",
        ],
    )
    x = np.frombuffer(proc.stdout, dtype="<f4").astype(np.float64).reshape(-1, 2)
    out = np.zeros((NSAMPLES, 2))
    out[: min(NSAMPLES, len(x))] = x[:NSAMPLES]
    return out


def voice_descriptions(lang: str, work: Path) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The descriptions spoken (mono, NSAMPLES), each fitted into its slot, and where they sound."""
    out = np.zeros(NSAMPLES)
    spans = []
    speed = 170
    for i, (start, end, text) in enumerate(T.DESCRIPTIONS[lang], 1):
        slot = end - start
        wav, raw = work / f"ad-{lang}-{i}.wav", work / f"ad-{lang}-{i}.raw"
        espeak(T.DESCRIPTION_VOICE, speed, text, wav)
        fmt = ["-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1"]
        run(["sox", "-D", "-R", str(wav), *fmt, str(raw), "highpass", "90", "rate", "-v", str(SR)])
        x = trim(read_raw(raw))
        if len(x) / SR > slot:  # speak faster to fit the pause
            fast = work / f"ad-{lang}-{i}-fast.raw"
            src = [*fmt, "-r", str(SR)]
            run(["sox", "-D", "-R", *src, str(raw), *src, str(fast), "tempo", "-s", f"{len(x) / SR / slot * 1.02:.4f}"])
            x = trim(read_raw(fast))
        x = x / (np.max(np.abs(x)) or 1.0) * 0.7
        s0 = round(start * SR)
        out[s0 : s0 + len(x)] += x[: NSAMPLES - s0]
        spans.append((start, start + len(x) / SR))
        log(f"  {lang} description {i}: {len(x) / SR:.2f} s in a {slot:.2f} s pause")
    return out, spans


def make_described(work: Path) -> None:
    """assets/audio/<lang>-ad.m4a: the master's mix with the descriptions voiced over it, the
    mix ducked under each (made as the dubs are: same ducking, compressor, level and encoder)."""
    mix = master_mix()
    for lang in T.DESCRIPTIONS:
        voice, spans = voice_descriptions(lang, work)
        out = ROOT / "assets" / "audio" / f"{lang}-ad.m4a"
        lufs, tp = mix_and_encode(voice, spans, mix, out, work, "80k", f"{lang}-ad")
        log(f"  {lang} described mix: {lufs:.1f} LUFS, true peak {tp:.1f} dBTP")


def graphemes(s: str) -> int:
    return len(regex.findall(r"\X", s))


def check_subtitles() -> dict[str, tuple[float, int]]:
    """Check the written .srt files against the validate rules; return max cps/line per language."""
    problems = []
    stats = {}
    frame = 1 / FPS
    pat = re.compile(r"(\d+)\n(\d\d):(\d\d):(\d\d),(\d{3}) --> (\d\d):(\d\d):(\d\d),(\d{3})\n(.+?)(?:\n\n|\n?$)", re.S)

    def secs(h, m, s, ms):
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    ref = None
    for lang in LANGS:
        raw = (ROOT / "subtitles" / f"{lang}.srt").read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            problems.append(f"{lang}: BOM")
        text = raw.decode("utf-8")
        if nfc(text) != text:
            problems.append(f"{lang}: not NFC")
        if lang == "ro" and re.search("[\u015e\u015f\u0162\u0163]", text):
            problems.append("ro: cedilla s/t")
        cues = []
        for m in pat.finditer(text):
            g = m.groups()
            cues.append((secs(*g[1:5]), secs(*g[5:9]), g[9].split("\n")))
        if len(cues) != len(T.CUE_TIMES):
            problems.append(f"{lang}: parsed {len(cues)} cues")
        limit = 20 if lang == "en" else 17
        max_cps, max_line = 0.0, 0
        for i, (a, b, lines) in enumerate(cues, 1):
            dur = b - a
            if not (5 / 6 <= dur <= 7):
                problems.append(f"{lang} cue {i}: duration {dur:.3f}")
            if i < len(cues):
                gap = cues[i][0] - b
                if gap < 0 or 0 < gap < 2 * frame:
                    problems.append(f"{lang} cue {i}: gap {gap:.3f}")
            if b > T.DURATION:
                problems.append(f"{lang} cue {i}: ends after the master")
            if len(lines) > 2:
                problems.append(f"{lang} cue {i}: {len(lines)} lines")
            n = sum(graphemes(line) for line in lines) + len(lines) - 1
            cps = n / dur
            longest = max(graphemes(line) for line in lines)
            if longest > 42:
                problems.append(f"{lang} cue {i}: line of {longest}")
            if cps > limit:
                problems.append(f"{lang} cue {i}: {cps:.1f} cps")
            max_cps, max_line = max(max_cps, cps), max(max_line, longest)
        timings = [(a, b) for a, b, _ in cues]
        if ref is None:
            ref = timings
        elif timings != ref:
            problems.append(f"{lang}: timings differ from {LANGS[0]}")
        stats[lang] = (max_cps, max_line)
    if problems:
        raise SystemExit("subtitle check failed:\n  " + "\n  ".join(problems))
    for lang, (cps, line) in stats.items():
        log(f"  {lang}: max {cps:.2f} cps, longest line {line} graphemes")
    return stats


def po_quote(s: str) -> str:
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{s}"'


def write_catalogs() -> None:
    msgids = [m for m, _ in T.MESSAGES]
    for lang in LANGS:
        meta = T.LANGUAGES[lang]
        cat = T.CATALOGS[lang]
        assert set(cat) == set(msgids), (lang, set(msgids) ^ set(cat))
        header = [
            "Project-Id-Version: filmpipe demo film",
            "Report-Msgid-Bugs-To: ",
            "POT-Creation-Date: 2026-11-26 00:00+0000",
            "PO-Revision-Date: 2026-11-26 00:00+0000",
            "Last-Translator: ",
            f"Language-Team: {meta['name']}",
            f"Language: {lang}",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: 8bit",
            f"Plural-Forms: {meta['plural_forms']}",
        ]
        out = [
            f"# {meta['name']} translations of the demo film's texts.",
            "# Generated by tools/make_demo.py from tools/demo_text.py: edit that file, not this one.",
            "#",
            'msgid ""',
            'msgstr ""',
        ]
        out += [po_quote(h + "\n") for h in header]
        for msgid, comment in T.MESSAGES:
            out.append("")
            out.append(f"#. {comment}")
            out.append(f"msgid {po_quote(nfc(msgid))}")
            out.append(f"msgstr {po_quote(nfc(cat[msgid]))}")
        path = ROOT / "locales" / lang / "LC_MESSAGES" / "film.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("\n".join(out) + "\n").encode("utf-8"))
    log("wrote locales/*/LC_MESSAGES/film.po")


# ==========================================================================
# Audio: music bed, narration, mixes
# ==========================================================================


def note_hz(midi: float) -> float:
    return 440.0 * 2 ** ((midi - 69) / 12)


def music_bed() -> np.ndarray:
    """A gentle, quiet chord bed (stereo float32, NSAMPLES long): pad, bass and a soft arpeggio."""
    n = NSAMPLES
    t = np.arange(n, dtype=np.float64) / SR
    out = np.zeros((n, 2), dtype=np.float64)
    # I - V/7 - vi - IV in C major, 3 s per chord (80 bpm, 4 beats)
    chords = [
        (48, [60, 64, 67]),  # C
        (43, [59, 62, 67]),  # G/B
        (45, [60, 64, 69]),  # Am
        (41, [60, 65, 69]),  # F
    ]
    bar = 3.0
    nbars = math.ceil(T.DURATION / bar) + 1
    for b in range(nbars):
        root, tones = chords[b % len(chords)]
        t0 = b * bar
        # pad: each tone a sine plus a soft octave, slow attack, release into the next bar
        s0, s1 = int(t0 * SR), min(n, int((t0 + bar + 1.2) * SR))
        if s0 >= n:
            break
        tt = t[s0:s1] - t0
        env = np.minimum(1.0, tt / 0.9) * np.clip((bar + 1.2 - tt) / 1.4, 0.0, 1.0)
        for j, m in enumerate(tones):
            f = note_hz(m)
            wave = np.sin(2 * np.pi * f * tt + j) + 0.25 * np.sin(2 * np.pi * 2 * f * tt + 2 * j)
            wave += 0.12 * np.sin(2 * np.pi * f * 1.003 * tt)  # slight chorus
            pan = (j - 1) * 0.35
            out[s0:s1, 0] += 0.045 * env * wave * (1 - pan)
            out[s0:s1, 1] += 0.045 * env * wave * (1 + pan)
        # bass: root, soft pluck on beats 1 and 3
        for beat in (0, 2):
            bs = int((t0 + beat * bar / 4) * SR)
            be = min(n, bs + int(1.6 * SR))
            if bs >= n:
                continue
            tb = t[bs:be] - t[bs]
            benv = np.minimum(1.0, tb / 0.02) * np.exp(-tb / 0.55)
            wave = np.sin(2 * np.pi * note_hz(root) * tb) + 0.3 * np.sin(2 * np.pi * 2 * note_hz(root) * tb)
            out[bs:be] += (0.10 * benv * wave)[:, None]
        # arpeggio: eighth notes of the chord an octave up, bell-like
        pattern = [0, 1, 2, 1, 0, 2, 1, 2]
        for k, idx in enumerate(pattern):
            bs = int((t0 + k * bar / 8) * SR)
            be = min(n, bs + int(1.2 * SR))
            if bs >= n:
                continue
            tb = t[bs:be] - t[bs]
            f = note_hz(tones[idx] + 12)
            aenv = np.minimum(1.0, tb / 0.005) * np.exp(-tb / 0.35)
            wave = np.sin(2 * np.pi * f * tb) + 0.2 * np.sin(2 * np.pi * 3 * f * tb) * np.exp(-tb / 0.1)
            pan = 0.4 if k % 2 else -0.4
            out[bs:be, 0] += 0.028 * aenv * wave * (1 - pan)
            out[bs:be, 1] += 0.028 * aenv * wave * (1 + pan)
    # fade in and out
    fade_in = np.clip(t / 1.0, 0, 1)
    fade_out = np.clip((T.DURATION - t) / 2.5, 0, 1)
    out *= (fade_in * fade_out)[:, None]
    return out


def espeak(voice: str, speed: int, text: str, path: Path) -> None:
    run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), "--", nfc(text)])


def read_raw(path: Path) -> np.ndarray:
    return np.frombuffer(path.read_bytes(), dtype="<i2").astype(np.float64) / 32768.0


def trim(x: np.ndarray, thresh: float = 0.01) -> np.ndarray:
    idx = np.nonzero(np.abs(x) > thresh)[0]
    if len(idx) == 0:
        return x[:0]
    a = max(0, idx[0] - int(0.01 * SR))
    b = min(len(x), idx[-1] + int(0.05 * SR))
    return x[a:b]


def synth_line(lang: str, cue: int, lines: list[str], slot: float, work: Path) -> tuple[np.ndarray, float, int]:
    """Speak one cue; returns (48 kHz mono samples, tempo factor, espeak speed)."""
    meta = T.LANGUAGES[lang]
    segments = T.SPOKEN.get(lang, {}).get(cue) or [(None, " ".join(lines))]
    base_speed = int(meta["speed"])
    speed = base_speed
    for _attempt in range(4):
        parts = []
        for k, (voice, text) in enumerate(segments):
            v = T.LANGUAGES[voice]["voice"] if voice else meta["voice"]
            s = speed if voice in (None, lang) else int(T.LANGUAGES[voice]["speed"]) * speed // base_speed
            wav = work / f"{lang}-{cue}-{k}.wav"
            espeak(str(v), s, text, wav)
            raw = work / f"{lang}-{cue}-{k}.raw"
            run(
                [
                    "sox",
                    "-D",
                    "-R",
                    str(wav),
                    "-t",
                    "raw",
                    "-e",
                    "signed-integer",
                    "-b",
                    "16",
                    "-c",
                    "1",
                    str(raw),
                    "highpass",
                    "90",
                    "treble",
                    "-2",
                    "rate",
                    "-v",
                    str(SR),
                ]
            )
            parts.append(trim(read_raw(raw)))
            if k < len(segments) - 1:
                parts.append(np.zeros(int(0.12 * SR)))
        x = np.concatenate(parts)
        dur = len(x) / SR
        factor = dur / slot
        if factor <= 1.18 or speed >= base_speed * 1.35:
            break
        speed = int(speed * min(1.15, factor / 1.1))
    tempo = 1.0
    if factor > 1.0:
        tempo = factor * 1.01
        src = work / f"{lang}-{cue}-pre.raw"
        dst = work / f"{lang}-{cue}-tempo.raw"
        src.write_bytes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
        fmt = ["-t", "raw", "-e", "signed-integer", "-b", "16", "-c", "1", "-r", str(SR)]
        run(["sox", "-D", "-R", *fmt, str(src), *fmt, str(dst), "tempo", "-s", f"{tempo:.4f}"])
        x = trim(read_raw(dst))
    return x, tempo, speed


def narration(lang: str, work: Path) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """The language's narration (mono, NSAMPLES) and the spoken (start, end) per cue."""
    out = np.zeros(NSAMPLES, dtype=np.float64)
    spans = []
    cues = T.SUBTITLES[lang]
    for i, (lines, (start, _end)) in enumerate(zip(cues, T.CUE_TIMES, strict=False), 1):
        nxt = T.CUE_TIMES[i][0] if i < len(cues) else T.DURATION - 0.25
        slot = nxt - start - 0.2
        x, tempo, speed = synth_line(lang, i, lines, slot, work)
        peak = np.max(np.abs(x)) or 1.0
        x = x / peak * 0.7
        s0 = round(start * SR)
        out[s0 : s0 + len(x)] += x[: NSAMPLES - s0]
        spans.append((start, start + len(x) / SR))
        note = []
        if speed != T.LANGUAGES[lang]["speed"]:
            note.append(f"speed {speed}")
        if tempo != 1.0:
            note.append(f"tempo x{tempo:.2f}")
        if note:
            log(f"  {lang} cue {i}: {len(x) / SR:.2f} s in a {slot:.2f} s slot ({', '.join(note)})")
    return out, spans


def duck_envelope(spans: list[tuple[float, float]]) -> np.ndarray:
    """Music gain: 1 between lines, 0.45 while the voice speaks, with 0.25 s ramps."""
    g = np.ones(NSAMPLES)
    t = np.arange(NSAMPLES) / SR
    for a, b in spans:
        ramp = np.clip(np.minimum(t - (a - 0.25), (b + 0.25) - t) / 0.25, 0, 1)
        g = np.minimum(g, 1 - 0.55 * ramp)
    return g


def measure_loudness(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ebur128 filter."""
    proc = run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
        text=True,
    )
    err = proc.stderr
    summary = err[err.rfind("Summary:") :]
    i_lufs = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    tp = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return i_lufs, tp


def mix_and_encode(
    voice: np.ndarray, spans, music: np.ndarray, out: Path, work: Path, bitrate: str, tag: str
) -> tuple[float, float]:
    mix = music * duck_envelope(spans)[:, None] + voice[:, None]
    raw_wav = work / f"mix-{tag}-raw.wav"
    write_wav(raw_wav, mix)
    # tame the synthetic voice's peaks a little, then set the level
    wav = work / f"mix-{tag}.wav"
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-y",
            "-i",
            str(raw_wav),
            "-af",
            "acompressor=threshold=-20dB:ratio=3:attack=4:release=120:makeup=2",
            "-c:a",
            "pcm_f32le",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            str(wav),
        ]
    )
    i_lufs, _tp = measure_loudness(wav)
    gain = -16.0 - i_lufs
    out.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            "ffmpeg",
            "-nostdin",
            "-hide_banner",
            "-y",
            "-i",
            str(wav),
            "-af",
            f"volume={gain:.2f}dB,alimiter=limit=0.72:attack=2:release=80:level=false",
            "-c:a",
            "aac",
            "-b:a",
            bitrate,
            "-ar",
            str(SR),
            "-ac",
            "2",
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-flags:a",
            "+bitexact",
            *(["-f", "mp4"] if out.suffix == ".mp4" else ["-f", "ipod"]),
            "-movflags",
            "+faststart",
            str(out),
        ]
    )
    return measure_loudness(out)


def write_wav(path: Path, x: np.ndarray) -> None:
    import wave

    pcm = (np.clip(x, -1, 1) * 32767).round().astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes(pcm.tobytes())


def make_audio(work: Path, langs: list[str]) -> dict[str, tuple[float, float]]:
    t0 = time.time()
    music = music_bed()
    log(f"music bed generated ({time.time() - t0:.1f} s)")
    results = {}
    for lang in langs:
        voice, spans = narration(lang, work)
        if lang == T.SOURCE_LANGUAGE:
            out = work / "master-audio.m4a"
            results[lang] = mix_and_encode(voice, spans, music, out, work, "128k", lang)
        else:
            out = ROOT / "assets" / "audio" / f"{lang}.m4a"
            results[lang] = mix_and_encode(voice, spans, music, out, work, "80k", lang)
        log(f"  {lang}: {results[lang][0]:.1f} LUFS, true peak {results[lang][1]:.1f} dBTP")
    return results


# ==========================================================================
# Video: drawing helpers
# ==========================================================================

SS = 3  # supersampling factor: shapes are drawn 3x and scaled down (anti-aliasing)

# palette (flat colours compress well)
SKY = (207, 234, 246)
NAVY = (27, 42, 74)
NAVY2 = (40, 60, 102)
HIVIS = (214, 232, 52)
HIVIS_D = (180, 198, 40)
SILVER = (222, 226, 230)
POLICE_BLUE = (29, 91, 191)
YELLOW = (245, 208, 0)
WHITE = (255, 255, 255)
BLACK = (28, 28, 32)
GRASS = (140, 192, 120)
PAVE = (214, 218, 222)
ROAD = (94, 106, 115)
SKINS = [(241, 200, 160), (198, 134, 88), (141, 85, 54), (224, 172, 130), (110, 66, 42)]


@functools.cache
def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    name = "NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


class Canvas:
    """An RGBA drawing surface in output pixels, drawn SS times larger and scaled down.

    Coordinates go through a transform (origin ox, oy and scale k) so that figures
    can be drawn in their own units."""

    def __init__(self, w: int, h: int, bg=(0, 0, 0, 0), ss: int = SS):
        self.w, self.h, self.ss = w, h, ss
        self.img = Image.new("RGBA", (w * ss, h * ss), bg)
        self.d = ImageDraw.Draw(self.img, "RGBA")
        self.ox, self.oy, self.k = 0.0, 0.0, 1.0

    def at(self, ox: float, oy: float, k: float = 1.0) -> Canvas:
        self.ox, self.oy, self.k = ox, oy, k
        return self

    def p(self, x: float, y: float) -> tuple[float, float]:
        return ((self.ox + x * self.k) * self.ss, (self.oy + y * self.k) * self.ss)

    def n(self, v: float) -> float:
        return v * self.k * self.ss

    def rect(self, x0, y0, x1, y1, fill, r: float = 0, outline=None, width: float = 0):
        a, b = self.p(x0, y0)
        c, d = self.p(x1, y1)
        box = [min(a, c), min(b, d), max(a, c), max(b, d)]
        ow = max(1, round(self.n(width))) if outline else 0
        if r:
            self.d.rounded_rectangle(box, radius=self.n(r), fill=fill, outline=outline, width=ow)
        else:
            self.d.rectangle(box, fill=fill, outline=outline, width=ow)

    def ellipse(self, cx, cy, rx, ry, fill, outline=None, width: float = 0):
        a, b = self.p(cx - rx, cy - ry)
        c, d = self.p(cx + rx, cy + ry)
        ow = max(1, round(self.n(width))) if outline else 0
        self.d.ellipse([a, b, c, d], fill=fill, outline=outline, width=ow)

    def circle(self, cx, cy, r, fill, outline=None, width: float = 0):
        self.ellipse(cx, cy, r, r, fill, outline, width)

    def poly(self, pts, fill):
        self.d.polygon([self.p(x, y) for x, y in pts], fill=fill)

    def line(self, pts, fill, width: float, caps: bool = True):
        pp = [self.p(x, y) for x, y in pts]
        wd = max(1, round(self.n(width)))
        self.d.line(pp, fill=fill, width=wd, joint="curve")
        if caps:
            r = wd / 2
            for x, y in (pp[0], pp[-1]):
                self.d.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    def arc(self, cx, cy, r, a0, a1, fill, width: float):
        a, b = self.p(cx - r, cy - r)
        c, d = self.p(cx + r, cy + r)
        self.d.arc([a, b, c, d], a0, a1, fill=fill, width=max(1, round(self.n(width))))

    def pie(self, cx, cy, r, a0, a1, fill):
        a, b = self.p(cx - r, cy - r)
        c, d = self.p(cx + r, cy + r)
        self.d.pieslice([a, b, c, d], a0, a1, fill=fill)

    def text(self, x, y, s, size, fill, bold=True, anchor="la"):
        self.d.text(self.p(x, y), s, font=font(round(self.n(size)), bold), fill=fill, anchor=anchor)

    def image(self) -> Image.Image:
        return self.img.resize((self.w, self.h), Image.BOX)


def text_width(s: str, size: int, bold: bool = True) -> float:
    return font(size * SS, bold).getlength(s) / SS


def paste(base: Image.Image, sprite: Image.Image, x: float, y: float, alpha: float = 1.0) -> None:
    """Composite an RGBA sprite onto an opaque RGB frame (clipping at the edges)."""
    if alpha <= 0.0:
        return
    if alpha < 1.0:
        sprite = faded(sprite, round(alpha * 40))
    base.paste(sprite, (round(x), round(y)), sprite)


_fade_cache: dict = {}


def faded(sprite: Image.Image, level: int) -> Image.Image:
    key = (id(sprite), level)
    if key not in _fade_cache:
        s = sprite.copy()
        a = s.getchannel("A").point(lambda v: v * level // 40)
        s.putalpha(a)
        _fade_cache[key] = (sprite, s)  # keep sprite alive so its id stays unique
    return _fade_cache[key][1]


def clamp(x, a=0.0, b=1.0):
    return max(a, min(b, x))


def ease_out(x):
    x = clamp(x)
    return 1 - (1 - x) ** 3


def ease_in_out(x):
    x = clamp(x)
    return x * x * (3 - 2 * x)


def ease_back(x, s=1.6):
    x = clamp(x)
    x -= 1
    return x * x * ((s + 1) * x + s) + 1


def prog(t, a, b):
    return clamp((t - a) / (b - a))


# ==========================================================================
# Video: characters
# ==========================================================================

STYLES = {
    "officer": dict(
        skin=SKINS[0],
        hair=(70, 50, 35),
        top=HIVIS,
        under=NAVY,
        legs=NAVY,
        shoes=BLACK,
        hat="helmet",
        hivis=True,
        label="POLICE",
        hair_style="short",
    ),
    "pcso": dict(
        skin=SKINS[2],
        hair=(30, 24, 22),
        top=HIVIS,
        under=NAVY,
        legs=NAVY,
        shoes=BLACK,
        hat="pcso",
        hivis=True,
        label="PCSO",
        hair_style="bun",
    ),
    "officer_in": dict(
        skin=SKINS[0],
        hair=(70, 50, 35),
        top=NAVY,
        under=NAVY,
        legs=NAVY,
        shoes=BLACK,
        hat=None,
        hivis=False,
        label="POLICE",
        hair_style="short",
        epaulettes=True,
    ),
    "pcso_in": dict(
        skin=SKINS[2],
        hair=(30, 24, 22),
        top=NAVY,
        under=NAVY,
        legs=NAVY,
        shoes=BLACK,
        hat=None,
        hivis=False,
        label="PCSO",
        hair_style="bun",
        epaulettes=True,
    ),
    "council1": dict(
        skin=SKINS[1],
        hair=(40, 30, 26),
        top=(120, 72, 140),
        under=(250, 250, 250),
        legs=(60, 60, 70),
        shoes=BLACK,
        hat="hijab",
        hijab=(46, 140, 130),
        hivis=False,
        hair_style="none",
        lanyard=True,
    ),
    "council2": dict(
        skin=SKINS[3],
        hair=(150, 150, 150),
        top=(70, 110, 160),
        under=(240, 240, 240),
        legs=(50, 55, 65),
        shoes=(90, 60, 40),
        hat=None,
        hivis=False,
        hair_style="bald",
        tie=(200, 60, 60),
        lanyard=True,
        glasses=True,
    ),
    "resident1": dict(
        skin=SKINS[4],
        hair=(20, 20, 20),
        top=(232, 120, 80),
        under=(232, 120, 80),
        legs=(60, 80, 120),
        shoes=(240, 240, 240),
        hat=None,
        hivis=False,
        hair_style="curly",
    ),
    "resident2": dict(
        skin=SKINS[3],
        hair=(190, 130, 60),
        top=(100, 170, 110),
        under=(100, 170, 110),
        legs=(70, 60, 60),
        shoes=(90, 60, 40),
        hat=None,
        hivis=False,
        hair_style="long",
    ),
    "resident3": dict(
        skin=SKINS[1],
        hair=(220, 220, 220),
        top=(180, 80, 90),
        under=(180, 80, 90),
        legs=(90, 90, 100),
        shoes=(60, 40, 30),
        hat="hijab",
        hijab=(240, 180, 60),
        hivis=False,
        hair_style="none",
    ),
}


def shade(c, f=0.8):
    return tuple(int(v * f) for v in c[:3])


def limb(c, p0, a1, l1, a2, l2):
    """Two-segment limb from p0: first segment at angle a1 (degrees from straight down,
    positive = forward/right), second at a1 + a2.  Returns (joint, end)."""
    r1 = math.radians(a1)
    j = (p0[0] + l1 * math.sin(r1), p0[1] + l1 * math.cos(r1))
    r2 = math.radians(a1 + a2)
    e = (j[0] + l2 * math.sin(r2), j[1] + l2 * math.cos(r2))
    return j, e


def draw_head(c: Canvas, hx, hy, st, side: bool, talk: float = 0.0, smile: bool = True):
    skin, hair = st["skin"], st["hair"]
    hs = st.get("hair_style", "short")
    if st.get("hat") == "hijab":
        col = st["hijab"]
        c.ellipse(hx, hy + 1, 11.5, 12.5, col)
        c.poly([(hx - 11, hy + 2), (hx + 11, hy + 2), (hx + 13, hy + 16), (hx - 13, hy + 16)], col)
    if hs == "long":
        c.ellipse(hx - (2 if side else 0), hy + 2, 10.5, 12, hair)
        c.rect(hx - 10.5, hy, hx + (4 if side else 10.5), hy + 12, hair)
    if hs == "bun":
        c.circle(hx - (9 if side else 0), hy - (6 if side else 10), 4.5, hair)
    # face
    c.ellipse(hx, hy, 9, 9.6, skin)
    if st.get("hat") == "hijab":
        col = st["hijab"]
        # frame the face
        c.arc(hx, hy, 9.6, 180, 360, col, 2.2)
    elif hs == "short":
        if side:
            c.pie(hx - 0.5, hy - 1, 9.4, 170, 330, hair)
            c.ellipse(hx - 5, hy - 1, 4.5, 6, hair)
        else:
            c.pie(hx, hy - 1, 9.6, 180, 360, hair)
            c.ellipse(hx, hy - 5, 9.3, 4.5, hair)
    elif hs == "bun":
        c.pie(hx, hy - 0.5, 9.6, 175 if side else 180, 345 if side else 360, hair)
    elif hs == "curly":
        for dx, dy in ((-7, -5), (-3, -8), (2, -8.5), (6.5, -5.5), (-8.5, 0), (8.5, -1)):
            if side and dx > 5:
                continue
            c.circle(hx + dx, hy + dy, 4.3, hair)
    elif hs == "long":
        c.pie(hx, hy - 1, 9.6, 180, 360, hair)
    elif hs == "bald":
        c.arc(hx, hy, 9.2, 150, 210, hair, 2.5)
        c.arc(hx, hy, 9.2, 330, 30, hair, 2.5)
    # features
    ink = (40, 30, 30)
    if side:
        c.circle(hx + 5.2, hy - 0.5, 1.1, ink)
        c.ellipse(hx - 1.5, hy + 1, 1.6, 2.2, shade(skin, 0.88))  # ear
        if talk > 0.5:
            c.ellipse(hx + 6, hy + 4.5, 1.4, 1.1, ink)
        else:
            c.arc(hx + 4.5, hy + 2.5, 2.6, 20, 100, ink, 0.8)
    else:
        c.circle(hx - 3.4, hy - 0.5, 1.1, ink)
        c.circle(hx + 3.4, hy - 0.5, 1.1, ink)
        if st.get("glasses"):
            c.circle(hx - 3.4, hy - 0.5, 2.6, None, ink, 0.6)
            c.circle(hx + 3.4, hy - 0.5, 2.6, None, ink, 0.6)
            c.line([(hx - 0.8, hy - 0.5), (hx + 0.8, hy - 0.5)], ink, 0.6, caps=False)
        if talk > 0.5:
            c.ellipse(hx, hy + 4.5, 2.0, 1.4, ink)
        elif smile:
            c.arc(hx, hy + 2, 3.2, 30, 150, ink, 0.8)
        c.ellipse(hx - 5.5, hy + 2.5, 1.6, 1.0, (235, 140, 130, 90))
        c.ellipse(hx + 5.5, hy + 2.5, 1.6, 1.0, (235, 140, 130, 90))
    # hats
    hat = st.get("hat")
    if hat == "helmet":  # custodian helmet
        dx = 1 if side else 0
        c.poly(
            [
                (hx - 10.5 + dx, hy - 3),
                (hx + 10.5 + dx, hy - 3),
                (hx + 8 + dx, hy - 12),
                (hx + 3 + dx, hy - 19),
                (hx - 3 + dx, hy - 19),
                (hx - 8 + dx, hy - 12),
            ],
            BLACK,
        )
        c.ellipse(hx + dx, hy - 19.5, 2.2, 1.6, (60, 60, 66))
        c.rect(hx - 11.5 + dx, hy - 4, hx + 11.5 + dx, hy - 2, (50, 50, 56), r=1)
        bx = hx + (6 if side else 0)
        c.poly([(bx, hy - 13), (bx + 2.6, hy - 10.5), (bx, hy - 6.5), (bx - 2.6, hy - 10.5)], SILVER)
    elif hat == "pcso":  # peaked cap with a blue chequered band
        dx = 1 if side else 0
        c.rect(hx - 10 + dx, hy - 14, hx + 10 + dx, hy - 9, NAVY, r=2)
        c.rect(hx - 10 + dx, hy - 9, hx + 10 + dx, hy - 5.5, WHITE)
        for q in range(8):
            x0 = hx - 10 + dx + q * 2.5
            c.rect(x0, hy - 9 if q % 2 else hy - 7.25, x0 + 2.5, hy - 7.25 if q % 2 else hy - 5.5, POLICE_BLUE)
        if side:
            c.poly([(hx + 8, hy - 5.5), (hx + 15.5, hy - 4.2), (hx + 15, hy - 3), (hx + 7, hy - 3.6)], BLACK)
        else:
            c.ellipse(hx, hy - 4.6, 10.5, 1.8, BLACK)
        c.circle(hx + (5 if side else 0), hy - 11.5, 1.6, SILVER)


def draw_torso(c: Canvas, x, top, bottom, half, st, side: bool):
    col = st["top"]
    c.rect(x - half, top, x + half, bottom, col, r=5)
    if st.get("hivis"):
        # reflective bands and a chequered hem
        c.rect(x - half, bottom - 13, x + half, bottom - 10.5, SILVER)
        c.rect(x - half, top + 10, x + half, top + 12.5, SILVER)
        for q in range(int(half * 2 / 3)):
            x0 = x - half + q * 3
            c.rect(x0, bottom - 4, x0 + 3, bottom - 1, POLICE_BLUE if q % 2 else WHITE)
        if not side:
            c.rect(x - 1, top + 1, x + 1, bottom - 2, HIVIS_D)  # zip
            c.rect(x - half + 1.5, top + 15, x - 1.5, top + 20, NAVY, r=1)
            c.text(x - half / 2, top + 17.5, st.get("label", "POLICE"), 3.2, WHITE, anchor="mm")
            c.rect(x + 3, top + 2.5, x + 7, top + 9, BLACK, r=1)  # radio
        else:
            c.rect(x + half - 5, top + 3, x + half - 1.5, top + 9, BLACK, r=1)
    elif not side:
        if st.get("epaulettes"):
            c.rect(x - half, top + 1, x - half + 7, top + 3.5, (20, 30, 55))
            c.rect(x + half - 7, top + 1, x + half, top + 3.5, (20, 30, 55))
            c.rect(x - half + 2, top + 14, x - 2, top + 19, (20, 30, 55), r=1)
            c.text(x - half / 2 - 0.5, top + 16.5, st.get("label", "POLICE"), 3.0, SILVER, anchor="mm")
            c.rect(x + 3, top + 2.5, x + 7, top + 9, BLACK, r=1)
        else:
            c.poly([(x - 5, top), (x + 5, top), (x, top + 9)], st["under"])
            if st.get("tie"):
                c.poly(
                    [(x - 1.6, top + 2), (x + 1.6, top + 2), (x + 2.4, top + 16), (x, top + 18), (x - 2.4, top + 16)],
                    st["tie"],
                )
        if st.get("lanyard"):
            c.line(
                [(x - 5, top + 1), (x - 2, top + 14), (x + 2, top + 14), (x + 5, top + 1)],
                (40, 120, 200),
                0.8,
                caps=False,
            )
            c.rect(x - 3, top + 13, x + 3, top + 20, WHITE, r=0.8)
            c.rect(x - 3, top + 13, x + 3, top + 15, (40, 120, 200), r=0.8)


def draw_person_side(c: Canvas, st, phase: float, amp: float, wave: float = 0.0, talk: float = 0.0):
    """A figure walking to the right; feet at y=0, 100 units tall; phase in [0,1)."""
    s = math.sin(2 * math.pi * phase)
    bob = -1.2 * abs(math.cos(2 * math.pi * phase)) * amp / 17
    hip = (0.0, -46 + bob)
    sh = (1.0, -74 + bob)
    legs = st["legs"]
    for side_sign, col in ((-1, shade(legs, 0.78)), (1, legs)):
        a = side_sign * amp * s
        # knee bends while the leg swings forward
        swing = side_sign * math.cos(2 * math.pi * phase)
        bend = -(8 + 22 * max(0.0, swing)) * amp / 17
        if side_sign == -1:
            ac = shade(st["top"], 0.8)
            arm_a = -side_sign * amp * 1.2 * s
            el, hand = limb(c, sh, arm_a, 16, 14, 15)
            c.line([sh, el, hand], ac, 7)
            c.circle(hand[0], hand[1], 3, shade(st["skin"], 0.85))
        knee, foot = limb(c, hip, a, 23, bend, 22)
        c.line([hip, knee, foot], col, 9)
        shoe = st["shoes"] if side_sign == 1 else shade(st["shoes"], 0.7)
        c.rect(foot[0] - 4, foot[1] - 2.5, foot[0] + 7, foot[1] + 2.2, shoe, r=2)
    draw_torso(c, 0.5, -78 + bob, -42 + bob, 11, st, side=True)
    draw_head(c, 2, -88.5 + bob, st, side=True, talk=talk)
    # near arm
    arm_a = amp * 1.2 * s
    if wave > 0:
        el, hand = limb(c, sh, 150, 15, 25 * math.sin(wave * 2 * math.pi), 14)
    else:
        el, hand = limb(c, sh, arm_a, 16, 14, 15)
    c.line([sh, el, hand], shade(st["top"], 0.93), 7.5)
    c.circle(hand[0], hand[1], 3.2, st["skin"])


def draw_person_front(c: Canvas, st, arm_l=(8, 0), arm_r=(-8, 0), bob=0.0, talk=0.0, legs=True, lean=0.0):
    """A figure facing the viewer; feet at y=0, 100 units tall.  arm_* = (shoulder, elbow) angles
    in degrees away from the body (left arm is on the viewer's left)."""
    hx = lean
    if legs:
        for dx in (-5.5, 5.5):
            c.line([(dx, -46 + bob), (dx * 1.05, -3)], st["legs"], 9.5)
            c.rect(dx - 5, -4.5, dx + 5 + (1 if dx > 0 else -1), 0.5, st["shoes"], r=2.2)
    top, bottom = -78 + bob, -41 + bob
    # arms behind the torso edges
    for sign, (a1, a2) in ((-1, arm_l), (1, arm_r)):
        sh = (sign * 11.5 + lean * 0.5, top + 4)
        r1 = math.radians(a1)
        el = (sh[0] + sign * 15 * math.sin(r1), sh[1] + 15 * math.cos(r1))
        r2 = math.radians(a1 + a2)
        hand = (el[0] + sign * 14 * math.sin(r2), el[1] + 14 * math.cos(r2))
        c.line([sh, el, hand], shade(st["top"], 0.9), 7)
        c.circle(hand[0], hand[1], 3.2, st["skin"])
    draw_torso(c, lean * 0.5, top, bottom, 13, st, side=False)
    c.rect(hx - 3, top - 6, hx + 3, top + 1, st["skin"])  # neck
    draw_head(c, hx, top - 10.5, st, side=False, talk=talk)


@functools.lru_cache(maxsize=4096)
def walker_sprite(name: str, k: float, phase_q: int, amp_q: int, wave_q: int = -1, talk: int = 0):
    """A walking figure (facing right) as an RGBA sprite; returns (image, x_offset, y_offset)
    where the offsets place the feet's origin."""
    w, h = int(60 * k), int(128 * k)
    c = Canvas(w, h)
    c.at(w * 0.42, h - 6 * k, k)
    draw_person_side(c, STYLES[name], phase_q / 48, amp_q / 2.0, wave=(wave_q / 16 if wave_q >= 0 else 0.0), talk=talk)
    return c.image(), -w * 0.42, -(h - 6 * k)


@functools.lru_cache(maxsize=4096)
def stander_sprite(name: str, k: float, arm_l=(8, 0), arm_r=(-8, 0), bob_q=0, talk=0, legs=True):
    w, h = int(84 * k), int(128 * k)
    c = Canvas(w, h)
    c.at(w / 2, h - 6 * k, k)
    draw_person_front(c, STYLES[name], arm_l, arm_r, bob_q / 4, talk, legs)
    return c.image(), -w / 2, -(h - 6 * k)


def put_walker(frame, name, k, x, y, phase, amp, **kw):
    img, ox, oy = walker_sprite(name, k, int(phase * 48) % 48, round(amp * 2), **kw)
    paste(frame, img, x + ox, y + oy)


def put_stander(frame, name, k, x, y, alpha=1.0, **kw):
    img, ox, oy = stander_sprite(name, k, **kw)
    paste(frame, img, x + ox, y + oy, alpha)


def shadow_sprite(w, h):
    c = Canvas(int(w) + 4, int(h) + 4)
    c.ellipse(w / 2 + 2, h / 2 + 2, w / 2, h / 2, (0, 0, 0, 40))
    return c.image()


# ==========================================================================
# Video: scenery
# ==========================================================================


class Rng:
    """A tiny deterministic generator (LCG), independent of Python's random module."""

    def __init__(self, seed: int):
        self.s = seed & 0xFFFFFFFF

    def next(self) -> float:
        self.s = (1664525 * self.s + 1013904223) & 0xFFFFFFFF
        return self.s / 2**32

    def pick(self, seq):
        return seq[int(self.next() * len(seq)) % len(seq)]

    def uni(self, a, b):
        return a + (b - a) * self.next()


HOUSE_COLS = [
    (217, 130, 91),
    (242, 212, 155),
    (124, 156, 180),
    (181, 83, 60),
    (236, 180, 120),
    (160, 190, 160),
    (230, 150, 140),
    (190, 170, 210),
]
ROOF_COLS = [(90, 62, 54), (70, 74, 90), (120, 70, 60), (60, 60, 70)]
DOOR_COLS = [(40, 90, 150), (190, 50, 60), (40, 120, 80), (30, 30, 40), (230, 170, 40)]


def draw_house(c: Canvas, x, base, w, h, rng: Rng, number: int | None = None):
    body = rng.pick(HOUSE_COLS)
    roof = rng.pick(ROOF_COLS)
    door = rng.pick(DOOR_COLS)
    top = base - h
    # chimney
    cx = x + w * rng.uni(0.2, 0.7)
    c.rect(cx, top - 95, cx + 34, top - 30, shade(body, 0.8))
    c.rect(cx - 4, top - 102, cx + 38, top - 92, shade(body, 0.65))
    c.rect(x, top, x + w, base, body)
    if rng.next() < 0.5:
        c.poly([(x - 14, top + 2), (x + w + 14, top + 2), (x + w / 2, top - 105)], roof)
        c.circle(x + w / 2, top - 45, 16, (255, 243, 196))
        c.circle(x + w / 2, top - 45, 16, None, WHITE, 3)
    else:
        c.poly([(x - 14, top + 2), (x + w + 14, top + 2), (x + w - 40, top - 80), (x + 40, top - 80)], roof)
    glass = (255, 243, 196)
    frame = WHITE
    ww = w * 0.24
    for fx in (0.17, 0.59):
        wx = x + w * fx
        c.rect(wx - 5, top + 36, wx + ww + 5, top + 36 + ww * 1.15 + 5, frame)
        c.rect(wx, top + 41, wx + ww, top + 36 + ww * 1.15, (176, 214, 232))
        c.poly(
            [
                (wx + ww * 0.2, top + 36 + ww * 1.15),
                (wx + ww * 0.75, top + 41),
                (wx + ww, top + 41),
                (wx + ww * 0.45, top + 36 + ww * 1.15),
            ],
            (210, 234, 245),
        )
        c.rect(wx + ww / 2 - 2, top + 41, wx + ww / 2 + 2, top + 36 + ww * 1.15, frame)
    # door and window downstairs
    dw, dh = w * 0.22, h * 0.36
    dx = x + w * (0.14 if rng.next() < 0.5 else 0.64)
    c.rect(dx - 6, base - dh - 6, dx + dw + 6, base, WHITE, r=dw * 0.5)
    c.rect(dx, base - dh, dx + dw, base, door, r=dw * 0.45)
    c.circle(dx + dw * 0.78, base - dh * 0.45, 4, (240, 200, 80))
    c.rect(dx - 10, base - 8, dx + dw + 10, base, (200, 200, 200))
    if number is not None:
        c.text(dx + dw / 2, base - dh - 18, str(number), 18, WHITE, anchor="mm")
    wx = x + w * (0.56 if dx < x + w / 2 else 0.1)
    c.rect(wx - 5, base - h * 0.42 - 5, wx + w * 0.34 + 5, base - h * 0.1 + 5, frame)
    c.rect(wx, base - h * 0.42, wx + w * 0.34, base - h * 0.1, glass)
    c.rect(wx + w * 0.17 - 2, base - h * 0.42, wx + w * 0.17 + 2, base - h * 0.1, frame)
    c.rect(wx - 9, base - h * 0.1 + 5, wx + w * 0.34 + 9, base - h * 0.1 + 12, frame)


def draw_tree(c: Canvas, x, base, s=1.0, col=(88, 158, 92)):
    c.rect(x - 9 * s, base - 120 * s, x + 9 * s, base, (120, 84, 60))
    c.circle(x, base - 170 * s, 62 * s, shade(col, 0.9))
    c.circle(x - 40 * s, base - 130 * s, 46 * s, col)
    c.circle(x + 42 * s, base - 135 * s, 48 * s, col)
    c.circle(x + 5 * s, base - 205 * s, 45 * s, col)


def draw_lamp(c: Canvas, x, base, h=330):
    c.rect(x - 5, base - h, x + 5, base, (60, 66, 76))
    c.rect(x - 9, base - 14, x + 9, base, (60, 66, 76))
    c.line([(x, base - h), (x + 14, base - h - 18), (x + 40, base - h - 18)], (60, 66, 76), 8)
    c.rect(x + 26, base - h - 22, x + 62, base - h - 10, (60, 66, 76), r=4)
    c.rect(x + 30, base - h - 10, x + 58, base - h - 5, (255, 240, 170), r=2)


def draw_hedge(c: Canvas, x0, x1, base, h=50, col=(96, 160, 96)):
    c.rect(x0, base - h, x1, base, col, r=h * 0.45)


def draw_cloud(c: Canvas, x, y, s=1.0):
    col = (255, 255, 255)
    c.ellipse(x, y, 90 * s, 34 * s, col)
    c.circle(x - 35 * s, y - 20 * s, 38 * s, col)
    c.circle(x + 20 * s, y - 34 * s, 46 * s, col)


@functools.cache
def cloud_sprite(s: float):
    c = Canvas(int(220 * s), int(140 * s))
    draw_cloud(c, 110 * s, 95 * s, s)
    return c.image()


def battenburg(c: Canvas, x0, y0, x1, y1, rows=2, cols=None, a=POLICE_BLUE, b=YELLOW):
    h = (y1 - y0) / rows
    n = cols or int((x1 - x0) / h)
    wq = (x1 - x0) / n
    for r in range(rows):
        for q in range(n):
            c.rect(x0 + q * wq, y0 + r * h, x0 + (q + 1) * wq, y0 + (r + 1) * h, a if (q + r) % 2 else b)


@functools.cache
def wheel_sprite(r: int, angle_q: int):
    c = Canvas(2 * r + 4, 2 * r + 4)
    cx = cy = r + 2
    c.circle(cx, cy, r, (38, 38, 44))
    c.circle(cx, cy, r * 0.58, (190, 196, 204))
    c.circle(cx, cy, r * 0.2, (120, 126, 134))
    a0 = angle_q * (72 / 12)
    for q in range(5):
        a = math.radians(a0 + q * 72)
        c.line(
            [
                (cx + r * 0.2 * math.cos(a), cy + r * 0.2 * math.sin(a)),
                (cx + r * 0.52 * math.cos(a), cy + r * 0.52 * math.sin(a)),
            ],
            (120, 126, 134),
            r * 0.1,
        )
    return c.image()


def put_wheel(frame, cx, cy, r, dist):
    ang = math.degrees(dist / r)
    img = wheel_sprite(r, int((ang % 72) / 6) % 12)
    paste(frame, img, cx - r - 2, cy - r - 2)


@functools.cache
def car_body(col=(220, 70, 70)):
    w, h = 360, 150
    c = Canvas(w, h)
    c.rect(10, 55, 350, 125, col, r=26)
    c.poly([(80, 58), (120, 10), (250, 10), (292, 58)], col)
    c.poly([(95, 55), (127, 20), (178, 20), (178, 55)], (190, 226, 240))
    c.poly([(190, 55), (190, 20), (244, 20), (276, 55)], (190, 226, 240))
    c.rect(336, 72, 352, 86, (255, 236, 150), r=3)
    c.rect(8, 72, 20, 86, (230, 60, 50), r=3)
    c.rect(185, 66, 205, 70, shade(col, 0.7))
    c.circle(85, 122, 34, shade(col, 0.6))
    c.circle(275, 122, 34, shade(col, 0.6))
    return c.image()


def put_car(frame, x, y, dist, col=(220, 70, 70)):
    """Car with its top-left at (x, y)."""
    paste(frame, car_body(col), x, y)
    put_wheel(frame, x + 85, y + 122, 28, dist)
    put_wheel(frame, x + 275, y + 122, 28, dist)


@functools.cache
def text_sprite(s: str, size: int, col, bold=True, pad=6):
    wdt = int(text_width(s, size, bold)) + 2 * pad
    hgt = int(size * 1.45) + 2 * pad
    c = Canvas(wdt, hgt)
    c.text(pad, pad + size * 0.1, s, size, col, bold)
    return c.image()


def bubble_sprite(w, h, tail="left", col=WHITE, icon=None):
    c = Canvas(int(w) + 10, int(h) + 40)
    c.rect(5, 5, w + 5, h + 5, col, r=h * 0.35)
    tx = 30 if tail == "left" else w - 30
    c.poly([(tx - 14, h), (tx + 14, h), (tx - (6 if tail == "left" else -6) - 12, h + 34)], col)
    if icon == "dots":
        for q in range(3):
            c.circle(w / 2 + 5 + (q - 1) * 30, h / 2 + 5, 9, (120, 130, 150))
    elif icon == "heart":
        cx, cy, r = w / 2 + 5, h / 2 + 2, h * 0.2
        c.circle(cx - r * 0.75, cy - r * 0.3, r, (225, 70, 90))
        c.circle(cx + r * 0.75, cy - r * 0.3, r, (225, 70, 90))
        c.poly([(cx - r * 1.68, cy), (cx + r * 1.68, cy), (cx, cy + r * 2.1)], (225, 70, 90))
    elif icon == "idea":
        cx, cy = w / 2 + 5, h / 2 + 2
        c.circle(cx, cy - 6, 22, (250, 200, 50))
        c.rect(cx - 10, cy + 12, cx + 10, cy + 24, (150, 150, 160), r=3)
        for q in range(7):
            a = math.radians(200 + q * 23)
            c.line(
                [
                    (cx + 30 * math.cos(a), cy - 6 + 30 * math.sin(a)),
                    (cx + 40 * math.cos(a), cy - 6 + 40 * math.sin(a)),
                ],
                (250, 200, 50),
                4,
            )
    elif icon == "pin":
        cx, cy = w / 2 + 5, h / 2 - 4
        c.circle(cx, cy - 6, 20, (220, 60, 60))
        c.poly([(cx - 17, cy + 4), (cx + 17, cy + 4), (cx, cy + 32)], (220, 60, 60))
        c.circle(cx, cy - 6, 8, WHITE)
    elif icon == "thumb":
        cx, cy = w / 2 + 5, h / 2 + 5
        blue = POLICE_BLUE
        c.rect(cx - 28, cy - 6, cx - 14, cy + 26, blue, r=3)
        c.rect(cx - 10, cy - 8, cx + 26, cy + 26, blue, r=8)
        c.poly([(cx - 10, cy - 4), (cx - 2, cy - 32), (cx + 8, cy - 30), (cx + 6, cy - 6)], blue)
    return c.image()


def pop_scale(t, t0, dur=0.35):
    return ease_back(prog(t, t0, t0 + dur))


def put_popped(frame, sprite, cx, by, t, t0, t1=None, dur=0.35):
    """Show a sprite growing from its bottom centre at t0 (ease-back), fading out at t1."""
    if t < t0 or (t1 is not None and t > t1 + 0.3):
        return
    s = pop_scale(t, t0, dur)
    a = 1.0 if t1 is None else 1 - prog(t, t1, t1 + 0.3)
    if s < 0.05:
        return
    if abs(s - 1) > 0.01:
        q = max(1, round(s * 20))
        sprite = _scaled(sprite, q)
    paste(frame, sprite, cx - sprite.width / 2, by - sprite.height, a)


_scale_cache: dict = {}


def _scaled(sprite, q):
    key = (id(sprite), q)
    if key not in _scale_cache:
        w, h = max(1, round(sprite.width * q / 20)), max(1, round(sprite.height * q / 20))
        _scale_cache[key] = (sprite, sprite.resize((w, h), Image.BICUBIC))
    return _scale_cache[key][1]


# ==========================================================================
# Video: scenes.  Each has prepare() (static art, once) and frame(t) -> RGB image.
# ==========================================================================


def flat(col, w=W, h=H) -> Image.Image:
    return Image.new("RGB", (w, h), col)


def bird_sprite(flap: int):
    c = Canvas(60, 40)
    if flap:
        c.line([(6, 14), (22, 24), (30, 20), (38, 24), (54, 14)], (70, 80, 100), 3.2)
    else:
        c.line([(6, 28), (22, 22), (30, 20), (38, 22), (54, 28)], (70, 80, 100), 3.2)
    return c.image()


class StreetScene:
    """1: the street with its houses, and the title."""

    PAN = 420

    def prepare(self):
        rng = Rng(11)
        ww = W + self.PAN
        sky = Canvas(W, H, bg=SKY + (255,), ss=2)
        sky.circle(1640, 170, 78, (255, 214, 107))
        sky.circle(1640, 170, 100, (255, 214, 107, 60))
        for x, r in ((200, 420), (900, 520), (1600, 460)):
            sky.ellipse(x, 740, r, 200, (183, 219, 174))
        self.sky = sky.image().convert("RGB")
        st = Canvas(ww, H, ss=2)
        base = 720
        st.rect(0, base - 10, ww, 770, GRASS)
        x = 30
        n = 2
        while x < ww:
            w = rng.uni(250, 300)
            h = rng.uni(290, 340)
            if rng.next() < 0.3:
                draw_tree(st, x + 70, base + 5, rng.uni(0.85, 1.05))
                x += 150
                continue
            draw_house(st, x, base, w, h, rng, number=n)
            n += 2
            x += w + rng.uni(18, 40)
        for hx in range(0, ww, 340):
            draw_hedge(st, hx + 10, hx + 120, 772, 44)
        st.rect(0, 770, ww, 822, PAVE)
        st.rect(0, 818, ww, 826, (170, 176, 182))
        st.rect(0, 826, ww, 990, ROAD)
        for dx in range(0, ww, 180):
            st.rect(dx + 40, 902, dx + 140, 912, (240, 240, 240))
        st.rect(0, 990, ww, 998, (170, 176, 182))
        st.rect(0, 998, ww, H, PAVE)
        for lx in range(120, ww, 620):
            draw_lamp(st, lx, 800, 330)
        self.street = st.image()
        # the title card
        t1, t2 = "Meet your neighbourhood", "policing team"
        tw = max(text_width(t1, 84), text_width(t2, 84))
        cw, ch = int(tw + 140), 330
        card = Canvas(cw + 20, ch + 30)
        card.rect(14, 18, cw + 14, ch + 18, (0, 0, 0, 45), r=34)
        card.rect(4, 4, cw + 4, ch + 4, WHITE, r=34)
        card.text(74, 36, "NEIGHBOURHOOD POLICING", 30, POLICE_BLUE)
        card.text(74, 78, t1, 84, NAVY)
        card.text(74, 178, t2, 84, NAVY)
        battenburg(card, 74, 298, cw - 66, 318, rows=2)
        self.card = card.image()
        self.birds = [bird_sprite(0), bird_sprite(1)]

    def frame(self, t):
        f = self.sky.copy()
        for _i, (cx, cy, s, v) in enumerate(
            ((200, 120, 1.0, 14), (900, 70, 0.8, 10), (1500, 150, 0.9, 12), (2100, 90, 0.7, 9))
        ):
            x = (cx + v * t - 0.35 * self.PAN * ease_in_out(t / 10)) % (W + 500) - 300
            paste(f, cloud_sprite(s), x, cy)
        for i in range(3):
            bx = -80 + 160 * t + i * 70
            by = 260 + 20 * math.sin(t * 1.3 + i) - i * 25
            paste(f, self.birds[int(t * 6 + i) % 2], bx, by)
        pan = self.PAN * ease_in_out(t / 10)
        paste(f, self.street, -pan, 0)
        # a car drives along the road
        cx = -420 + (t - 1.2) * 420
        if -420 < cx < W + 20:
            put_car(f, cx, 800, cx + 420)
        # the title card drops in
        y = -380 + (470 * ease_back(prog(t, 0.6, 1.5), 1.2))
        paste(f, self.card, (W - self.card.width) / 2, y)
        if t < 0.6:
            f = Image.blend(flat((0, 0, 0)), f, t / 0.6)
        return f


class BeatScene:
    """2: a neighbourhood officer and a PCSO walking the beat; they stop to chat to a resident."""

    T0 = 10.0
    V = 190.0
    CYCLE = 230.0

    def cam(self, t):
        u = t - self.T0
        if u < 8.0:
            return self.V * u, self.V
        tau = min(u - 8.0, 2.0)
        return self.V * 8.0 + self.V * (tau - tau * tau / 4), self.V * (1 - tau / 2)

    def prepare(self):
        rng = Rng(23)
        travel = self.cam(25.0)[0]
        self.travel = travel
        ww = int(W + travel + 40)
        sky = Canvas(W, H, bg=SKY + (255,), ss=2)
        sky.circle(260, 150, 70, (255, 214, 107))
        self.sky = sky.image().convert("RGB")
        st = Canvas(ww, H, ss=2)
        base = 610
        st.rect(0, base - 10, ww, 672, GRASS)
        x = 20
        self.gate_x = travel + 1420  # world x of the resident's gate
        houses = []
        while x < ww:
            w = rng.uni(320, 380)
            if abs(x + w / 2 - self.gate_x) > 200 and rng.next() < 0.25:
                draw_tree(st, x + 90, base + 8, rng.uni(1.1, 1.3))
                x += 190
                continue
            houses.append((x, w))
            draw_house(st, x, base, w, rng.uni(330, 370), rng)
            x += w + rng.uni(20, 50)
        # hedges with gaps at the doors, and the resident's gate
        hx = 0
        while hx < ww:
            if abs(hx + 110 - self.gate_x) < 250:
                hx += 200
                continue
            draw_hedge(st, hx, hx + 220, 684, 58, (86, 152, 90))
            hx += 280
        gx = self.gate_x
        for q in range(7):
            st.rect(gx - 105 + q * 30, 630, gx - 95 + q * 30, 688, WHITE, r=3)
        st.rect(gx - 112, 644, gx + 100, 652, WHITE)
        st.rect(gx - 112, 668, gx + 100, 676, WHITE)
        st.rect(0, 684, ww, 1000, PAVE)
        for px in range(0, ww, 160):
            st.rect(px, 684, px + 3, 1000, (200, 204, 208))
        st.rect(0, 812, ww, 815, (200, 204, 208))
        st.rect(0, 994, ww, 1006, (168, 174, 180))
        st.rect(0, 1006, ww, H, ROAD)
        for lx in range(300, ww, 760):
            draw_lamp(st, lx, 712, 420)
        self.street = st.image()
        self.bubble_res = bubble_sprite(170, 100, "right", icon="dots")
        self.bubble_off = bubble_sprite(150, 100, "left", icon="thumb")
        self.bubble_heart = bubble_sprite(150, 100, "right", icon="heart")
        self.shadow = shadow_sprite(150, 26)

    def frame(self, t):
        d, v = self.cam(t)
        f = self.sky.copy()
        for cx, cy, s in ((300, 80, 0.9), (1000, 40, 0.7), (1700, 110, 1.0), (2300, 60, 0.8)):
            x = (cx - 0.25 * d) % (W + 500) - 300
            paste(f, cloud_sprite(s), x, cy)
        paste(f, self.street, -d, 0)
        amp = 17.0 * v / self.V
        phase = d / self.CYCLE
        # the resident at her gate (in world coordinates)
        rx = self.gate_x - d
        if -200 < rx < W + 200:
            wave = t > 19.4
            wv = round(math.sin((t - 19.4) * 9) * 3) / 3 if wave else 0
            arm_r = (150 + 18 * wv, 20) if wave else (8, 0)
            paste(f, self.shadow, rx - 75, 705)
            put_stander(f, "resident3", 3.9, rx, 718, arm_r=arm_r, arm_l=(10, -5))
            put_popped(f, self.bubble_res, rx + 40, 290, t, 20.6, 22.6)
            put_popped(f, self.bubble_heart, rx + 40, 290, t, 23.0)
        # the PCSO (further from us) and the officer
        for name, k, sx, fy, ph in (("pcso", 4.0, 1000, 890, 0.5), ("officer", 4.3, 720, 935, 0.0)):
            paste(f, self.shadow, sx - 60, fy - 14)
            kw = {}
            if name == "officer" and 21.2 < t < 23.0:
                kw["wave_q"] = int((t - 21.2) * 2.2 * 16) % 16
            put_walker(f, name, k, sx, fy, phase + ph, amp, **kw)
        put_popped(f, self.bubble_off, 1080, 470, t, 21.6)
        return f


class MeetingScene:
    """3: a partner meeting with the council around a table."""

    T0 = 25.0
    PEOPLE = [  # style, x, talk periods
        ("council2", 330, [(25.4, 27.6)]),
        ("officer_in", 745, [(30.2, 33.2), (35.2, 38.6)]),
        ("council1", 1165, [(27.8, 30.0), (33.4, 35.0)]),
        ("pcso_in", 1580, []),
    ]
    BOARD = (560, 46, 1360, 356)

    def prepare(self):
        c = Canvas(W, H, bg=(243, 230, 211, 255))
        c.rect(0, 780, W, H, (196, 160, 124))
        for x in range(-200, W + 200, 180):
            c.line([(x, 780), (x - 120, H)], (184, 148, 112), 3, caps=False)
        c.rect(0, 770, W, 786, (226, 210, 190))
        # window with a view of the town
        wx0, wy0, wx1, wy1 = 70, 70, 450, 370
        c.rect(wx0 - 14, wy0 - 14, wx1 + 14, wy1 + 14, WHITE, r=6)
        c.rect(wx0, wy0, wx1, wy1, SKY)
        c.ellipse(200, wy1, 260, 80, (183, 219, 174))
        rng = Rng(5)
        for _i, hx in enumerate(range(wx0 + 10, wx1 - 20, 70)):
            hh = rng.uni(50, 90)
            c.rect(hx, wy1 - hh, hx + 56, wy1, rng.pick(HOUSE_COLS))
            c.poly([(hx - 4, wy1 - hh), (hx + 60, wy1 - hh), (hx + 28, wy1 - hh - 30)], rng.pick(ROOF_COLS))
        c.rect(wx0, (wy0 + wy1) / 2 - 6, wx1, (wy0 + wy1) / 2 + 6, WHITE)
        c.rect((wx0 + wx1) / 2 - 6, wy0, (wx0 + wx1) / 2 + 6, wy1, WHITE)
        c.rect(wx0 - 24, wy1 + 10, wx1 + 24, wy1 + 26, WHITE, r=4)
        # plant
        c.poly([(1800, 780), (1880, 780), (1868, 680), (1812, 680)], (200, 110, 80))
        for a in (-60, -30, 0, 30, 60):
            r = math.radians(a)
            c.ellipse(1840 + 70 * math.sin(r), 640 - 60 * math.cos(r), 24, 52, (80, 150, 90))
        # the board: a map of the ward
        x0, y0, x1, y1 = self.BOARD
        c.rect(x0 - 16, y0 - 16, x1 + 16, y1 + 16, (52, 58, 70), r=12)
        c.rect(x0, y0, x1, y1, (214, 236, 200))
        c.poly(
            [
                (x0, y0 + 220),
                (x0 + 300, y0 + 170),
                (x0 + 520, y0 + 250),
                (x1, y0 + 200),
                (x1, y0 + 240),
                (x0 + 520, y0 + 290),
                (x0 + 300, y0 + 210),
                (x0, y0 + 260),
            ],
            (150, 200, 235),
        )
        c.rect(x0 + 540, y0 + 30, x0 + 740, y0 + 140, (150, 205, 140), r=20)
        for yy in (y0 + 90, y0 + 160):
            c.rect(x0, yy, x1, yy + 14, WHITE)
        for xx in (x0 + 160, x0 + 420, x0 + 640):
            c.rect(xx, y0, xx + 14, y1, WHITE)
        rng = Rng(9)
        for _ in range(26):
            bx = x0 + rng.uni(10, 760)
            by = y0 + rng.uni(10, 280)
            if x0 + 530 < bx < x0 + 750 and by < y0 + 150:
                continue
            c.rect(bx, by, bx + 26, by + 18, (236, 214, 180))
        c.rect(x0, y0, x1, y0 + 44, NAVY)
        c.text(x0 + 22, y0 + 5, "Neighbourhood priorities", 26, WHITE)
        # clock
        c.circle(1640, 190, 74, WHITE, (52, 58, 70), 8)
        for q in range(12):
            a = math.radians(q * 30)
            c.line(
                [(1640 + 56 * math.sin(a), 190 - 56 * math.cos(a)), (1640 + 64 * math.sin(a), 190 - 64 * math.cos(a))],
                (52, 58, 70),
                4,
            )
        self.bg = c.image().convert("RGB")
        # table and the things on it (drawn over the people)
        tb = Canvas(W, 460)
        tb.at(0, 60)
        tb.rect(90, 8, 1830, 40, (176, 122, 80), r=10)
        tb.rect(120, 40, 1800, 300, (150, 100, 64))
        tb.rect(120, 40, 1800, 52, (124, 82, 52))
        for label, x in (("Council", 330), ("Police", 745), ("Council", 1165), ("PCSO", 1580)):
            wdt = text_width(label, 30) + 50
            tb.poly(
                [(x - wdt / 2, 30), (x + wdt / 2, 30), (x + wdt / 2 - 8, -30), (x - wdt / 2 + 8, -30)], (0, 0, 0, 0)
            )
            tb.rect(x - wdt / 2, -38, x + wdt / 2, 30, WHITE, r=4)
            tb.rect(x - wdt / 2, 22, x + wdt / 2, 30, (225, 225, 230))
            tb.text(x, -6, label, 30, NAVY if label != "Council" else (120, 72, 140), anchor="mm")
        for x in (520, 960, 1380):
            tb.rect(x - 18, -14 + 6, x + 18, 26, WHITE, r=5)
            tb.arc(x + 20, 8, 10, 270, 90, WHITE, 5)
        tb.rect(1220, 18, 1400, 30, (240, 240, 240), r=3)  # papers
        self.table = tb.image()
        self.table_y = 672 - 68
        # priorities panel (cue 8): three icons with labels
        pw, ph = x1 - x0 - 40, y1 - y0 - 70
        p = Canvas(pw, ph)
        p.rect(0, 0, pw, ph, WHITE, r=16)
        self.icons = []
        for _i, (label, icon) in enumerate(
            (("Antisocial behaviour", "spray"), ("Speeding", "speed"), ("Litter", "litter"))
        ):
            ic = Canvas(220, 200)
            cx, cy = 110, 78
            if icon == "spray":
                ic.rect(cx - 30, cy - 30, cx + 6, cy + 60, (220, 60, 60), r=8)
                ic.rect(cx - 22, cy - 46, cx - 2, cy - 30, (90, 90, 100))
                for q, (dx, dy) in enumerate(((16, -52), (30, -60), (26, -40), (44, -50), (40, -32))):
                    ic.circle(cx + dx, cy + dy, 5 - q * 0.5, (120, 60, 180))
                ic.line(
                    [(cx + 20, cy + 10), (cx + 40, cy - 10), (cx + 55, cy + 20), (cx + 70, cy - 5)], (120, 60, 180), 7
                )
            elif icon == "speed":
                ic.circle(cx, cy, 62, (220, 40, 40))
                ic.circle(cx, cy, 47, WHITE)
                ic.text(cx, cy + 2, "30", 46, BLACK, anchor="mm")
            else:
                ic.poly([(cx - 40, cy - 30), (cx + 40, cy - 30), (cx + 32, cy + 62), (cx - 32, cy + 62)], (60, 130, 90))
                ic.rect(cx - 48, cy - 44, cx + 48, cy - 30, (50, 110, 76), r=4)
                for q in range(3):
                    ic.rect(cx - 20 + q * 20 - 3, cy - 18, cx - 20 + q * 20 + 3, cy + 50, (50, 110, 76), r=2)
                ic.circle(cx + 62, cy + 52, 14, (236, 226, 200))
                ic.circle(cx - 66, cy + 56, 11, (220, 230, 240))
                ic.rect(cx + 40, cy + 58, cx + 70, cy + 66, (200, 90, 60), r=2)
            ic.text(cx, 178, label, 23, NAVY, anchor="mm")
            self.icons.append(ic.image())
        self.panel = p.image()
        self.bubbles = {
            "idea": bubble_sprite(140, 96, "left", icon="idea"),
            "pin": bubble_sprite(140, 96, "left", icon="pin"),
            "dots": bubble_sprite(150, 90, "left", icon="dots"),
        }
        pc = Canvas(44, 60)
        pc.circle(22, 20, 18, (220, 60, 60))
        pc.poly([(6, 28), (38, 28), (22, 58)], (220, 60, 60))
        pc.circle(22, 20, 7, WHITE)
        self.map_pin = pc.image()

    def frame(self, t):
        f = self.bg.copy()
        # clock hands
        ang = (t - self.T0) * 6 + 120
        paste(f, clock_hands(int(ang) % 360), 1640 - 80, 190 - 80)
        # map pins drop onto the board
        x0, y0, x1, y1 = self.BOARD
        for _i, (px, py, t0) in enumerate(
            (
                (x0 + 230, y0 + 120, 30.4),
                (x0 + 480, y0 + 200, 31.1),
                (x0 + 690, y0 + 250, 31.8),
                (x0 + 90, y0 + 150, 32.5),
            )
        ):
            if t >= t0:
                drop = (1 - ease_out(prog(t, t0, t0 + 0.4))) * 60
                paste(f, self.map_pin, px - 22, py - 58 - drop, prog(t, t0, t0 + 0.2))
        # priorities panel slides up over the map
        if t >= 34.9:
            a = ease_out(prog(t, 34.9, 35.4))
            paste(f, self.panel, x0 + 20, y0 + 52 + (1 - a) * 40, a)
            for i, t0 in enumerate((35.2, 36.3, 37.4)):
                put_popped(f, self.icons[i], x0 + 20 + 13 + 120 + i * 252 - 10, y0 + 52 + 224, t, t0)
        # people
        for i, (name, x, talks) in enumerate(self.PEOPLE):
            talk = 0
            arm = ((14, -95), (14, -95))
            for a, b in talks:
                if a <= t < b:
                    talk = int((t - a) * 7) % 2
                    g = round(math.sin((t - a) * 3.0) * 3) / 3
                    arm = ((14, -95), (35 + 15 * g, 95 + 20 * g))
            nod = round(2 * math.sin(t * 1.7 + i * 1.3) + 2)
            put_stander(f, name, 6.0, x, 965, arm_l=arm[0], arm_r=arm[1], bob_q=nod, talk=talk, legs=False)
        put_popped(f, self.bubbles["idea"], 1165 + 150, 400, t, 27.9, 30.0)
        put_popped(f, self.bubbles["pin"], 745 + 150, 400, t, 30.3, 33.4)
        put_popped(f, self.bubbles["dots"], 330 + 150, 400, t, 25.5, 27.6)
        paste(f, self.table, 0, self.table_y)
        # steam from the cups
        for j, x in enumerate((520, 960, 1380)):
            paste(f, steam_sprite(int((t * 12 + j * 7) % 24)), x - 30, self.table_y + 60 - 110)
        return f


@functools.cache
def clock_hands(angle: int):
    c = Canvas(160, 160)
    cx = cy = 80
    c.line([(cx, cy), (cx + 34 * math.sin(math.radians(300)), cy - 34 * math.cos(math.radians(300)))], (52, 58, 70), 7)
    c.line([(cx, cy), (cx + 52 * math.sin(math.radians(60)), cy - 52 * math.cos(math.radians(60)))], (52, 58, 70), 5)
    a = math.radians(angle)
    c.line(
        [(cx - 10 * math.sin(a), cy + 10 * math.cos(a)), (cx + 60 * math.sin(a), cy - 60 * math.cos(a))],
        (220, 60, 60),
        2.5,
    )
    c.circle(cx, cy, 6, (220, 60, 60))
    return c.image()


@functools.cache
def steam_sprite(q: int):
    c = Canvas(60, 110)
    for j, dx in enumerate((22, 38)):
        pts = []
        for s in range(12):
            y = 100 - s * 8
            x = dx + 5 * math.sin(s * 0.7 + (q / 24) * 2 * math.pi + j * 2)
            pts.append((x, y))
        c.line(pts, (255, 255, 255, 150), 3.5)
    return c.image()


class BusScene:
    """4: a community surgery on a Neighbourhood Beat Bus, which drives in and stops."""

    BUS_Y = 446
    BUS_X0, BUS_X1 = 2010, 560
    T_IN0, T_IN1 = 39.9, 44.6

    def prepare(self):
        c = Canvas(W, H, bg=SKY + (255,), ss=2)
        c.circle(1700, 120, 60, (255, 214, 107))
        # buildings around the square
        c.rect(0, 620, W, H, (222, 214, 200))
        for y in range(660, H, 70):
            c.rect(0, y, W, y + 3, (206, 198, 184))
        # library
        c.rect(40, 250, 640, 630, (196, 110, 84))
        c.poly([(20, 252), (660, 252), (340, 150)], (150, 80, 64))
        for q in range(5):
            c.rect(90 + q * 112, 330, 130 + q * 112, 620, (236, 226, 206))
        c.rect(40, 610, 640, 630, (236, 226, 206))
        c.rect(200, 262, 480, 312, NAVY, r=6)
        c.text(340, 287, "Library", 34, WHITE, anchor="mm")
        # cafe with a striped awning
        c.rect(680, 300, 1180, 630, (242, 212, 155))
        c.rect(720, 470, 1140, 630, (176, 214, 232))
        for q in range(10):
            c.rect(700 + q * 46, 400, 746 + q * 46, 460, (220, 80, 80) if q % 2 == 0 else WHITE)
        c.rect(820, 330, 1040, 385, (90, 60, 50), r=6)
        c.text(930, 357, "Café", 34, WHITE, anchor="mm")
        # community centre
        c.rect(1220, 230, 1900, 630, (124, 156, 180))
        c.rect(1220, 210, 1900, 240, (90, 110, 130))
        for q in range(5):
            c.rect(1260 + q * 128, 280, 1350 + q * 128, 380, (176, 214, 232))
        c.rect(1430, 470, 1560, 630, (40, 90, 150))
        c.rect(1300, 400, 1820, 450, WHITE, r=6)
        c.text(1560, 425, "Community Centre", 32, NAVY, anchor="mm")
        draw_tree(c, 660, 640, 0.9)
        draw_tree(c, 1200, 640, 0.8)
        # bench
        c.rect(120, 700, 380, 716, (130, 90, 60), r=4)
        c.rect(130, 716, 144, 760, (70, 70, 76))
        c.rect(356, 716, 370, 760, (70, 70, 76))
        c.rect(120, 660, 380, 676, (130, 90, 60), r=4)
        self.bg = c.image().convert("RGB")
        self.bus = bus_body(door_open=0)
        self.bus_open = [bus_body(door_open=q / 6) for q in range(7)]
        self.shadow = shadow_sprite(1180, 50)
        self.pshadow = shadow_sprite(110, 22)
        # the A-board
        a = Canvas(180, 330)
        a.poly([(8, 320), (30, 10), (150, 10), (172, 320)], (60, 66, 76))
        a.rect(16, 30, 164, 240, (30, 36, 48), r=8)
        a.text(90, 70, "Community", 23, WHITE, anchor="mm")
        a.text(90, 104, "surgery", 23, WHITE, anchor="mm")
        a.text(90, 140, "today", 23, YELLOW, anchor="mm")
        a.text(90, 190, "Drop in", 21, WHITE, False, anchor="mm")
        a.text(90, 218, "10am–2pm", 21, WHITE, False, anchor="mm")
        self.aboard = a.image()
        self.bubble = bubble_sprite(150, 90, "right", icon="dots")
        self.bubble2 = bubble_sprite(150, 96, "left", icon="thumb")

    def bus_x(self, t):
        return self.BUS_X0 + (self.BUS_X1 - self.BUS_X0) * ease_out(prog(t, self.T_IN0, self.T_IN1))

    def frame(self, t):
        f = self.bg.copy()
        bx = self.bus_x(t)
        dist = self.BUS_X0 - bx
        bounce = 0.0
        if t > self.T_IN1:
            u = t - self.T_IN1
            bounce = 5 * math.sin(u * 14) * math.exp(-u * 5)
        elif t > self.T_IN0:
            bounce = 1.5 * math.sin(t * 25)
        paste(f, self.shadow, bx - 30, self.BUS_Y + 440)
        door = prog(t, 45.0, 45.6)
        body = self.bus_open[round(door * 6)]
        paste(f, body, bx, self.BUS_Y + bounce)
        put_wheel(f, bx + 240, self.BUS_Y + 420, 56, -dist)
        put_wheel(f, bx + 930, self.BUS_Y + 420, 56, -dist)
        # the A-board is put out
        if t > 45.6:
            ay = 600 - 60 * (1 - ease_out(prog(t, 45.6, 46.0)))
            paste(f, self.aboard, 1738, ay, prog(t, 45.6, 45.9))
        # the officer steps out of the door and stands by it
        if t > 45.5:
            u = prog(t, 45.5, 46.8)
            ox = bx + 200 - 200 * ease_in_out(u)
            alpha = prog(t, 45.5, 45.8)
            if u < 1:
                img, sx, sy = walker_sprite("officer", 3.0, int(u * 2.2 * 48) % 48, 28)
                img = img.transpose(Image.FLIP_LEFT_RIGHT)
                paste(f, img, ox - img.width - sx, 930 + sy, alpha)
            else:
                wv = round(math.sin((t - 47.0) * 8) * 3) / 3 if 47.0 < t < 48.6 else None
                arm_l = (150 + 15 * wv, 20) if wv is not None else (10, 0)
                talk = int(t * 7) % 2 if 50.6 < t < 52.6 else 0
                paste(f, self.pshadow, ox - 55, 918)
                put_stander(f, "officer", 3.0, ox, 930, arm_l=arm_l, talk=talk)
        # two residents walk over from the left and stop to chat
        for name, k, x_end, t0, t1, fy in (
            ("resident1", 2.9, 330, 46.4, 49.6, 940),
            ("resident2", 2.8, 170, 47.0, 50.2, 925),
        ):
            if t < t0:
                continue
            u = prog(t, t0, t1)
            x = -120 + (x_end + 120) * u
            paste(f, self.pshadow, x - 55, fy - 12)
            if u < 1:
                put_walker(f, name, k, x, fy, (x + 120) / 160, 20)
            else:
                talk = int(t * 7) % 2 if 49.9 < t < 51.2 and name == "resident1" else 0
                put_walker(f, name, k, x, fy, 0, 0, talk=talk)
        put_popped(f, self.bubble, 330 + 10, 600, t, 49.9, 51.6)
        put_popped(f, self.bubble2, bx - 30 + 110, 600, t, 51.2)
        return f


@functools.cache
def bus_body(door_open: float = 0.0):
    """The Neighbourhood Beat Bus, facing left, 1200x470 (wheels drawn separately)."""
    w, h = 1200, 470
    c = Canvas(w, h)
    white = (248, 248, 250)
    c.rect(20, 40, 1180, 420, white, r=40)
    c.rect(20, 40, 160, 300, white, r=40)
    # roof light bar and front
    c.rect(60, 22, 200, 42, POLICE_BLUE, r=8)
    c.rect(20, 330, 1180, 420, (230, 232, 236), r=30)
    # windscreen
    c.poly([(26, 90), (120, 90), (120, 250), (22, 250)], (60, 90, 130))
    c.rect(28, 54, 150, 84, NAVY, r=6)
    c.text(89, 69, "POLICE", 22, WHITE, anchor="mm")
    # windows
    for q in range(6):
        x0 = 300 + q * 140
        c.rect(x0, 90, x0 + 120, 190, (60, 90, 130), r=10)
        c.poly([(x0 + 20, 190), (x0 + 70, 90), (x0 + 92, 90), (x0 + 42, 190)], (80, 115, 160))
    # door (front, beside the windscreen)
    dx0, dx1 = 140, 260
    c.rect(dx0 - 4, 80, dx1 + 4, 410, (200, 204, 210), r=8)
    c.rect(dx0, 84, dx1, 406, (30, 36, 48), r=6)
    c.rect(dx0 + 10, 380, dx1 - 10, 394, (120, 126, 134))
    off = (dx1 - dx0 - 6) * door_open
    c.rect(dx0 + off, 84, dx1 + off * 0.02, 406, (180, 200, 220), r=6)
    c.rect(dx0 + off + 10, 94, dx1 - 10 + off * 0.02, 250, (60, 90, 130), r=4)
    # name band and Battenburg
    c.rect(290, 205, 1170, 262, white)
    c.text(730, 234, "NEIGHBOURHOOD BEAT BUS", 42, NAVY, anchor="mm")
    battenburg(c, 290, 270, 1170, 330, rows=2, cols=30)
    c.rect(20, 330, 1180, 338, (200, 204, 210))
    c.rect(1150, 90, 1178, 150, (220, 60, 50), r=6)
    c.rect(22, 300, 50, 330, (255, 236, 150), r=6)
    c.circle(240, 420, 72, (200, 204, 210))
    c.circle(930, 420, 72, (200, 204, 210))
    c.circle(240, 420, 64, (40, 40, 46))
    c.circle(930, 420, 64, (40, 40, 46))
    return c.image()


def wrap(s: str, size: int, width: float, bold=False) -> list[str]:
    words, lines, cur = s.split(), [], ""
    for wd in words:
        trial = (cur + " " + wd).strip()
        if text_width(trial, size, bold) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = wd
    lines.append(cur)
    return lines


def notification(title: str, body: str) -> Image.Image:
    w = 416
    lines = wrap(body, 21, w - 118)
    h = 92 + 28 * len(lines)
    c = Canvas(w + 16, h + 16)
    c.rect(8, 12, w + 8, h + 12, (0, 0, 0, 40), r=26)
    c.rect(6, 6, w + 6, h + 6, WHITE, r=26)
    c.circle(54, 56, 30, POLICE_BLUE)
    c.rect(38, 42, 70, 64, WHITE, r=8)
    c.poly([(44, 62), (54, 62), (42, 74)], WHITE)
    c.text(100, 24, "TALKING", 17, POLICE_BLUE)
    c.text(w - 14, 24, "now", 17, (130, 136, 146), False, anchor="ra")
    c.text(100, 48, title, 23, BLACK)
    for i, line in enumerate(lines):
        c.text(100, 82 + 28 * i, line, 21, (70, 76, 86), False)
    return c.image()


class PhoneScene:
    """5: a phone receives "Talking" community messages."""

    PX, PY = 1090, 100  # phone top-left
    PW, PH = 470, 1010

    def prepare(self):
        c = Canvas(W, H, bg=(36, 118, 138, 255), ss=2)
        for x, y, r in ((300, 900, 380), (1700, 150, 300), (900, 0, 200), (1850, 950, 260)):
            c.circle(x, y, r, (46, 132, 152))
        self.bg = c.image().convert("RGB")
        p = Canvas(self.PW + 140, self.PH + 60)
        ox = 60
        p.rect(ox, 0, ox + self.PW, self.PH, (30, 32, 40), r=64)
        p.rect(ox + 10, 24, ox + self.PW + 10, self.PH + 14, (0, 0, 0, 50), r=64)
        p.rect(ox, 0, ox + self.PW, self.PH, (30, 32, 40), r=64)
        scr = Canvas(self.PW - 32, self.PH - 32)
        scr.rect(0, 0, self.PW - 32, self.PH - 32, (226, 236, 248))
        scr.circle(90, 290, 170, (212, 226, 244))
        scr.circle(380, 640, 200, (214, 230, 246))
        mask = Canvas(self.PW - 32, self.PH - 32)
        mask.rect(0, 0, self.PW - 32, self.PH - 32, WHITE, r=50)
        scr_img = scr.image()
        scr_img.putalpha(mask.image().getchannel("A"))
        p.img.alpha_composite(
            scr_img.resize((scr_img.width * SS, scr_img.height * SS), Image.NEAREST), (round((ox + 16) * SS), 16 * SS)
        )
        p.rect(ox + self.PW / 2 - 60, 28, ox + self.PW / 2 + 60, 52, (30, 32, 40), r=12)
        p.text(ox + self.PW / 2, 150, "10:42", 96, NAVY, anchor="mm")
        p.text(ox + self.PW / 2, 226, "Saturday 14 June", 28, (80, 90, 110), False, anchor="mm")
        self.phone = p.image()
        self.phone_ox = ox
        self.notes = [
            (
                55.3,
                notification("Beat Bus this Saturday", "Meet your neighbourhood team in Market Square, 10am to 2pm."),
            ),
            (
                59.5,
                notification(
                    "Appeal for information", "Have you seen a red bike taken from Elm Road? Please get in touch."
                ),
            ),
            (61.4, notification("Crime alert", "Car break-ins reported nearby. Please lock up and hide valuables.")),
        ]
        self.title = text_sprite("Talking", 130, WHITE)
        self.sub = text_sprite("Community messaging", 50, (220, 240, 245), bold=False)
        self.chips = [chip(s) for s in ("News", "Appeals", "Crime alerts")]
        self.button = button_sprite("Sign up today")
        self.buzz = buzz_sprite()

    def frame(self, t):
        f = self.bg.copy()
        a = ease_out(prog(t, 54.5, 55.1))
        paste(f, self.title, 140 - 60 * (1 - a), 230, a)
        a2 = ease_out(prog(t, 54.8, 55.4))
        paste(f, self.sub, 146 - 60 * (1 - a2), 400, a2)
        for i, t0 in enumerate((59.7, 60.3, 60.9)):
            put_popped(
                f, self.chips[i], 146 + [0, 160, 360][i] + self.chips[i].width / 2, 560 + self.chips[i].height, t, t0
            )
        put_popped(f, self.button, 146 + self.button.width / 2, 780, t, 56.2)
        # phone: a gentle sway, and a buzz when a message arrives
        dx = 0.0
        dy = 6 * math.sin(t * 1.6)
        for t0, _ in self.notes:
            if t0 <= t < t0 + 0.4:
                dx = 7 if int((t - t0) * 25) % 2 else -7
                paste(f, self.buzz, self.PX - 70, self.PY + 380)
                paste(f, self.buzz.transpose(Image.FLIP_LEFT_RIGHT), self.PX + self.PW + 16, self.PY + 380)
        px, py = self.PX + dx, self.PY + 30 * (1 - ease_out(prog(t, 54.4, 55.0))) + dy
        paste(f, self.phone, px - self.phone_ox, py)
        # notifications stack under the clock, newest on top
        arrived = [(t0, img) for t0, img in self.notes if t >= t0]
        y = py + 290
        for t0, img in reversed(arrived):
            u = ease_out(prog(t, t0, t0 + 0.45))
            paste(f, img, px + 27, y - 40 * (1 - u), u)
            # later cards slide down to make room
            y += (img.height + 8) * u
        return f


def chip(s):
    wdt = text_width(s, 30) + 56
    c = Canvas(int(wdt) + 4, 64)
    c.rect(2, 2, wdt + 2, 60, (255, 255, 255, 235), r=29)
    c.circle(28, 31, 8, YELLOW)
    c.text(44, 31, s, 30, NAVY, anchor="lm")
    return c.image()


def button_sprite(s):
    wdt = text_width(s, 36) + 90
    c = Canvas(int(wdt) + 10, 90)
    c.rect(5, 8, wdt + 5, 86, (0, 0, 0, 50), r=39)
    c.rect(5, 2, wdt + 5, 80, YELLOW, r=39)
    c.text(wdt / 2 + 5, 41, s, 36, NAVY, anchor="mm")
    return c.image()


def buzz_sprite():
    c = Canvas(60, 160)
    for r in (30, 50):
        c.arc(60, 80, r, 140, 220, WHITE, 5)
    return c.image()


class EndCardScene:
    """6: end card with the website."""

    def prepare(self):
        c = Canvas(W, H, bg=NAVY + (255,), ss=2)
        rng = Rng(3)
        x = -20
        while x < W:
            w = rng.uni(150, 240)
            h = rng.uni(120, 200)
            col = (36, 56, 98)
            c.rect(x, H - h, x + w, H, col)
            c.poly([(x - 8, H - h), (x + w + 8, H - h), (x + w / 2, H - h - 70)], col)
            for q in range(2):
                wx = x + w * (0.2 + q * 0.45)
                c.rect(wx, H - h + 30, wx + w * 0.2, H - h + 70, (250, 214, 110, 110 if rng.next() < 0.6 else 40))
            x += w + rng.uni(4, 30)
        self.bg = c.image().convert("RGB")
        s = Canvas(260, 300)
        s.poly([(130, 10), (240, 50), (230, 170), (130, 290), (30, 170), (20, 50)], WHITE)
        s.poly([(130, 30), (222, 64), (213, 166), (130, 266), (47, 166), (38, 64)], POLICE_BLUE)
        s.poly([(80, 150), (130, 100), (180, 150)], WHITE)
        s.rect(92, 148, 168, 210, WHITE)
        s.rect(120, 172, 140, 210, POLICE_BLUE)
        self.shield = s.image()
        self.find = text_sprite("Find your local team at", 60, WHITE, bold=False)
        self.url_full = T.WEBSITE
        self.url_w = text_width(T.WEBSITE, 84)
        self.strap = text_sprite("Your neighbourhood policing team: here for you", 50, (220, 230, 245), bold=False)
        st = Canvas(W + 200, 30)
        battenburg(st, 0, 0, W + 200, 30, rows=2, cols=int((W + 200) / 15))
        self.strip = st.image()

    def frame(self, t):
        f = self.bg.copy()
        paste(f, self.strip, -((t - 64.2) * 30 % 30), 812)
        put_popped(f, self.shield, W / 2, 340, t, 64.4, dur=0.5)
        a = ease_out(prog(t, 64.7, 65.2))
        paste(f, self.find, (W - self.find.width) / 2, 384 + 30 * (1 - a), a)
        n = int(len(self.url_full) * prog(t, 65.2, 67.2))
        if n:
            spr = text_sprite(self.url_full[:n], 84, YELLOW)
            paste(f, spr, W / 2 - self.url_w / 2 - 6, 470)
        if 65.0 < t < 68.6 and int(t * 2.5) % 2 == 0:
            cx = W / 2 - self.url_w / 2 + text_width(self.url_full[:n], 84) + 6
            f.paste(YELLOW, (round(cx), 490, round(cx) + 7, 580))
        u = ease_out(prog(t, 67.3, 67.9))
        if u > 0:
            lw = self.url_w * u
            f.paste(YELLOW, (round(W / 2 - lw / 2), 602, round(W / 2 + lw / 2), 610))
        a = ease_out(prog(t, 69.4, 70.0))
        paste(f, self.strap, (W - self.strap.width) / 2, 660 + 30 * (1 - a), a)
        if t > T.DURATION - 0.7:
            f = Image.blend(flat((0, 0, 0)), f, clamp((T.DURATION - t) / 0.7))
        return f


SCENE_CLASSES = {
    "street": StreetScene,
    "beat": BeatScene,
    "meeting": MeetingScene,
    "bus": BusScene,
    "phone": PhoneScene,
    "endcard": EndCardScene,
}


def build_scenes():
    scenes = []
    for name, a, b in T.SCENES:
        t0 = time.time()
        sc = SCENE_CLASSES[name]()
        sc.prepare()
        scenes.append((a, b, sc))
        log(f"  prepared scene {name} ({time.time() - t0:.1f} s)")
    return scenes


def scene_at(scenes, t):
    for a, b, sc in scenes:
        if a <= t < b:
            return sc
    return scenes[-1][2]


def render_video(out: Path, scenes, audio: Path | None) -> None:
    """Render every frame, pipe RGB to x264 (fixed threads: repeatable output)."""
    cmd = [
        "ffmpeg",
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-s",
        f"{W}x{H}",
        "-r",
        str(FPS),
        "-i",
        "-",
    ]
    if audio:
        cmd += ["-i", str(audio)]
    cmd += ["-map", "0:v"] + (["-map", "1:a", "-c:a", "copy"] if audio else [])
    cmd += [
        "-vf",
        "scale=out_color_matrix=bt709:out_range=tv:flags=bicubic+accurate_rnd+full_chroma_int,format=yuv420p",
        "-c:v",
        "libx264",
        "-preset",
        "slow",
        "-tune",
        "animation",
        "-crf",
        "29",
        "-profile:v",
        "high",
        "-pix_fmt",
        "yuv420p",
        "-g",
        "50",
        "-threads",
        "2",
        "-color_primaries",
        "bt709",
        "-color_trc",
        "bt709",
        "-colorspace",
        "bt709",
        "-color_range",
        "tv",
        "-r",
        str(FPS),
        "-map_metadata",
        "-1",
        "-fflags",
        "+bitexact",
        "-flags:v",
        "+bitexact",
        "-metadata:s:a",
        "language=eng",
        "-movflags",
        "+faststart",
        str(out),
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
    t_start = time.time()
    try:
        for i in range(NFRAMES):
            t = i / FPS
            img = scene_at(scenes, t).frame(t)
            proc.stdin.write(img.tobytes())
            if i % 250 == 0 and i:
                el = time.time() - t_start
                log(f"  frame {i}/{NFRAMES}, {el:.0f} s, about {el / i * (NFRAMES - i):.0f} s left")
        proc.stdin.close()
    except BrokenPipeError:
        pass
    if proc.wait() != 0:
        raise SystemExit("ffmpeg failed while encoding the video")


# ==========================================================================
# Main
# ==========================================================================


def probe(path: Path) -> dict:
    proc = run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)], text=True)
    return json.loads(proc.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--only",
        choices=["text", "audio", "described", "video", "all"],
        default="all",
        help="text: .srt/.po/.vtt only; audio: text + dubbed mixes; described: text + the described mix "
        "(from the committed master); video: text + master; all (default)",
    )
    ap.add_argument(
        "--langs",
        help="with --only audio: remake only these dubs (comma-separated, e.g. pl,ro); the others stay as committed",
    )
    ap.add_argument("--frames", help="debug: write PNGs of these times (comma-separated seconds) to /tmp")
    ap.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    args = ap.parse_args(argv)
    for tool in () if args.only == "text" else ("ffmpeg", "ffprobe", "espeak-ng", "sox"):  # text needs none
        if not shutil.which(tool):
            raise SystemExit(f"{tool} not found: apt-get install ffmpeg espeak-ng sox")
    t_start = time.time()
    write_subtitles()
    write_descriptions()
    check_subtitles()
    write_catalogs()
    if args.only == "text":
        return 0
    if args.frames:
        scenes = build_scenes()
        for s in args.frames.split(","):
            t = float(s)
            scene_at(scenes, t).frame(t).save(f"/tmp/demo-{t:05.2f}.png")
        return 0
    work = Path(tempfile.mkdtemp(prefix="make_demo-"))
    if args.only == "described":
        try:
            make_described(work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    try:
        langs = {"audio": LANGS, "video": [T.SOURCE_LANGUAGE], "all": LANGS}[args.only]
        if args.only == "audio":
            langs = DUB_LANGS
            if args.langs:
                wanted = [code.strip() for code in args.langs.split(",") if code.strip()]
                unknown = [code for code in wanted if code not in DUB_LANGS]
                if unknown:
                    raise SystemExit(f"--langs: {', '.join(unknown)} has no dub; choose from {', '.join(DUB_LANGS)}")
                langs = wanted
        make_audio(work, langs)
        if args.only in ("video", "all"):
            scenes = build_scenes()
            out = ROOT / "assets" / "master.mp4"
            out.parent.mkdir(parents=True, exist_ok=True)
            render_video(out, scenes, work / "master-audio.m4a")
            info = probe(out)
            log(f"master: {float(info['format']['duration']):.3f} s, {out.stat().st_size / 1e6:.2f} MB")
            make_described(work)
    finally:
        if args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    log(f"done in {time.time() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
