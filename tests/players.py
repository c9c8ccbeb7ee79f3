"""Three HLS players in Chromium, each behind one small JavaScript adapter: hls.js, Shaka Player
and video.js 8 with its built-in VHS, all from tests/js/node_modules (npm, test-only).

Each adapter answers the same questions in the player's own terms (what audio and text tracks
it offers, with which language codes; which rungs its ABR has; which track is on) and switches
tracks through the player's own API. What reached the screen is read back from the player's
text tracks (active cues); which audio plays is read from the player and from the segment
requests it makes after a switch.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import m3u8

NODE_MODULES = Path(__file__).parent / "js" / "node_modules"

PLAYER_SCRIPTS = {
    "hls.js": ["hls.js/dist/hls.min.js"],
    "shaka": ["shaka-player/dist/shaka-player.compiled.js"],
    "video.js": ["video.js/dist/video.min.js"],
}

# window.P: the adapter. Every function returns plain data for Playwright.
COMMON_JS = """
function cueTexts(tracks) {
  var out = [];
  for (var i = 0; i < tracks.length; i++) {
    var t = tracks[i];
    if (t.mode !== 'showing' || !t.activeCues) continue;
    for (var j = 0; j < t.activeCues.length; j++) {
      var c = t.activeCues[j];
      out.push({text: c.text, start: c.startTime, end: c.endTime, language: t.language, label: t.label});
    }
  }
  return out;
}
function described(characteristics) { return (characteristics || '').indexOf('public.accessibility.describes-video') >= 0; }
"""

ADAPTERS = {
    "hls.js": """
var hls = new Hls({renderTextTracksNatively: true});
hls.loadSource(SOURCE);
hls.attachMedia(video);
function chars(t) { return t.characteristics || (t.attrs && t.attrs.CHARACTERISTICS) || ''; }
window.P = {
  ready: function () { return hls.levels.length > 0 && hls.audioTracks.length > 0 && hls.subtitleTracks.length > 0 && video.readyState >= 1; },
  audio: function () { return hls.audioTracks.map(function (t) { return {lang: t.lang, name: t.name, described: described(chars(t)), isDefault: !!t.default}; }); },
  text: function () { return hls.subtitleTracks.map(function (t) { return {lang: t.lang, name: t.name}; }); },
  rungs: function () { return hls.levels.map(function (l) { return l.height; }); },
  audioOn: function () { var t = hls.audioTracks[hls.audioTrack]; return t ? {lang: t.lang, name: t.name, described: described(chars(t))} : null; },
  selectAudio: function (lang, desc) {
    var i = hls.audioTracks.findIndex(function (t) { return t.lang === lang && described(chars(t)) === desc; });
    hls.audioTrack = i; return i;
  },
  selectText: function (lang) {
    var i = hls.subtitleTracks.findIndex(function (t) { return t.lang === lang; });
    hls.subtitleDisplay = true; hls.subtitleTrack = i; return i;
  },
  cues: function () { return cueTexts(video.textTracks); }
};
""",
    "shaka": """
shaka.polyfill.installAll();
var player = new shaka.Player();
window.shakaError = null;
player.addEventListener('error', function (e) { window.shakaError = String(e.detail && e.detail.code); });
var loaded = false;
player.attach(video).then(function () { return player.load(SOURCE); }).then(function () { loaded = true; },
  function (e) { window.shakaError = String(e && e.code); });
function isDescribed(t) {
  return t.accessibilityPurpose === 'visually_impaired' || (t.audioRoles || []).some(function (r) { return described(r); });
}
function audios() {
  var seen = {}, out = [];
  player.getVariantTracks().forEach(function (t) {
    var key = t.language + '|' + t.label + '|' + isDescribed(t);
    if (seen[key]) return;
    seen[key] = true;
    out.push({lang: t.language, name: t.label, described: isDescribed(t), isDefault: !!t.primary});
  });
  return out;
}
window.P = {
  ready: function () { return loaded && player.getVariantTracks().length > 0 && video.readyState >= 1; },
  audio: audios,
  text: function () { return player.getTextTracks().map(function (t) { return {lang: t.language, name: t.label}; }); },
  rungs: function () {
    var hs = [];
    player.getVariantTracks().forEach(function (t) { if (hs.indexOf(t.height) < 0) hs.push(t.height); });
    return hs;
  },
  audioOn: function () {
    var t = player.getVariantTracks().find(function (v) { return v.active; });
    return t ? {lang: t.language, name: t.label, described: isDescribed(t)} : null;
  },
  selectAudio: function (lang, desc) {
    var now = player.getVariantTracks().find(function (v) { return v.active; });
    var pick = player.getVariantTracks().filter(function (t) { return t.language === lang && isDescribed(t) === desc; })
      .sort(function (a, b) { return Math.abs(a.height - now.height) - Math.abs(b.height - now.height); })[0];
    if (!pick) return -1;
    player.configure({abr: {enabled: false}});
    player.selectVariantTrack(pick, true);
    return pick.id;
  },
  selectText: function (lang) {
    var t = player.getTextTracks().find(function (t) { return t.language === lang; });
    if (!t) return -1;
    player.selectTextTrack(t);
    player.setTextTrackVisibility(true);
    return t.id;
  },
  cues: function () { return cueTexts(video.textTracks); }
};
""",
    "video.js": """
var player = videojs(video, {html5: {vhs: {overrideNative: true}, nativeAudioTracks: false, nativeVideoTracks: false}});
player.src({src: SOURCE, type: 'application/x-mpegURL'});
var firstAudio = null;
function audioList() { var l = player.audioTracks(), out = []; for (var i = 0; i < l.length; i++) out.push(l[i]); return out; }
function textList() {
  var l = player.textTracks(), out = [];
  for (var i = 0; i < l.length; i++) if (l[i].kind === 'subtitles' || l[i].kind === 'captions') out.push(l[i]);
  return out;
}
window.P = {
  ready: function () {
    var ok = player.readyState() >= 1 && audioList().length > 0 && textList().length > 0 && player.qualityLevels().length > 0;
    if (ok && firstAudio === null) { var on = audioList().find(function (t) { return t.enabled; }); firstAudio = on ? on.id : ''; }
    return ok;
  },
  audio: function () {
    return audioList().map(function (t) {
      return {lang: t.language, name: t.label, described: t.kind === 'main-desc', isDefault: t.kind === 'main' || t.id === firstAudio};
    });
  },
  text: function () { return textList().map(function (t) { return {lang: t.language, name: t.label}; }); },
  rungs: function () { var q = player.qualityLevels(), hs = []; for (var i = 0; i < q.length; i++) hs.push(q[i].height); return hs; },
  audioOn: function () {
    var t = audioList().find(function (t) { return t.enabled; });
    return t ? {lang: t.language, name: t.label, described: t.kind === 'main-desc'} : null;
  },
  selectAudio: function (lang, desc) {
    var t = audioList().find(function (t) { return t.language === lang && (t.kind === 'main-desc') === desc; });
    if (!t) return -1;
    t.enabled = true;
    return t.id;
  },
  selectText: function (lang) {
    var pick = -1;
    textList().forEach(function (t, i) { if (t.language === lang) { t.mode = 'showing'; pick = i; } else { t.mode = 'disabled'; } });
    return pick;
  },
  cues: function () { return cueTexts(player.textTracks()); }
};
""",
}


def page_html(player: str, source: str) -> str:
    scripts = "".join(f'<script src="players/{s}"></script>' for s in PLAYER_SCRIPTS[player])
    css = '<link rel="stylesheet" href="players/video.js/dist/video-js.min.css">' if player == "video.js" else ""
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{player}</title>{css}<body>'
        f'<video id="film" class="video-js" muted playsinline preload="auto" width="640" height="360"></video>'
        f"{scripts}<script>var SOURCE = {json.dumps(source)}; var video = document.getElementById('film');"
        f"{COMMON_JS}{ADAPTERS[player]}</script></body></html>"
    )


@dataclass(frozen=True)
class Rendition:
    language: str
    name: str
    described: bool
    default: bool
    folder: str  # URL of the rendition playlist's folder, ending in '/'


@dataclass(frozen=True)
class Expected:
    """What the dist says a player should offer, read from manifest.json and the master playlist."""

    master_url: str
    audio: tuple[Rendition, ...]
    subtitles: tuple[Rendition, ...]
    rung_heights: tuple[int, ...]
    cues: dict[str, list[tuple[float, float, str]]]  # language -> (start, end, text) from its WebVTT


def _vtt_cues(text: str) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        parts = [float(p) for p in stamp.replace(",", ".").split(":")]
        return sum(p * 60**i for i, p in enumerate(reversed(parts)))

    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            if "-->" in line:
                start, end = (part.split()[0] for part in line.split("-->"))
                cues.append((seconds(start), seconds(end), "\n".join(lines[i + 1 :])))
                break
    return cues


def expected_from(dist: Path, base_url: str) -> Expected:
    """`base_url` is where dist/ is served (ending in '/'). Files are found through the manifest."""
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    master_rel = manifest["hls"]["url"]
    master_url = urljoin(base_url, master_rel)
    playlist = m3u8.loads((dist / master_rel).read_text(encoding="utf-8"), uri=master_url)

    def rendition(m) -> Rendition:
        return Rendition(
            language=m.language,
            name=m.name,
            described="public.accessibility.describes-video" in (m.characteristics or ""),
            default=m.default == "YES",
            folder=urljoin(master_url, m.uri).rsplit("/", 1)[0] + "/",
        )

    audio = tuple(rendition(m) for m in playlist.media if m.type == "AUDIO")
    subtitles = tuple(rendition(m) for m in playlist.media if m.type == "SUBTITLES")
    heights = tuple(sorted({p.stream_info.resolution[1] for p in playlist.playlists}))
    cues = {}
    for lang in manifest["languages"]:
        if lang.get("subtitles"):
            text = (dist / lang["subtitles"]["url"]).read_text(encoding="utf-8")
            cues[lang["code"]] = _vtt_cues(text)
    return Expected(master_url=master_url, audio=audio, subtitles=subtitles, rung_heights=heights, cues=cues)


def plain(text: str) -> str:
    """Cue text as shown: no tags, no direction marks, whitespace collapsed."""
    text = re.sub(r"<[^>]+>", "", text).replace("\u200f", "").replace("\u200e", "")
    return " ".join(text.split())
