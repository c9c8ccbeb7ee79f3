"""RFC 6381 codec strings derived from probed streams (for HLS CODECS and the manifest).

`avc1.PPCCLL`: profile_idc, constraint flags and level_idc as hex bytes. ffprobe reports the
profile by name and the level as level_idc (e.g. 31 for 3.1), which is all we need.
"""

from __future__ import annotations

# ffprobe profile name -> (profile_idc, constraint_set flags byte)
_AVC_PROFILES: dict[str, tuple[int, int]] = {
    "constrained baseline": (66, 0xC0),
    "baseline": (66, 0x00),
    "main": (77, 0x00),
    "extended": (88, 0x00),
    "high": (100, 0x00),
    "high 10": (110, 0x00),
    "high 4:2:2": (122, 0x00),
    "high 4:4:4 predictive": (244, 0x00),
}

AAC_LC = "mp4a.40.2"
HE_AAC = "mp4a.40.5"


def avc1(profile: str | None, level: int | None) -> str:
    """RFC 6381 string of an H.264 stream, e.g. avc1("High", 31) -> "avc1.64001f"."""
    idc, flags = _AVC_PROFILES.get((profile or "high").strip().lower(), (100, 0x00))
    lvl = level if level and level > 0 else 40
    return f"avc1.{idc:02x}{flags:02x}{lvl:02x}"


def mp4a(profile: str | None) -> str:
    """RFC 6381 string of an AAC stream: AAC-LC unless ffprobe says HE-AAC."""
    return HE_AAC if profile and profile.strip().upper().startswith("HE") else AAC_LC


def from_stream(stream: dict) -> str | None:
    """The codec string of one ffprobe stream dict (video H.264 or audio AAC), else None."""
    name = stream.get("codec_name")
    if name == "h264":
        level = stream.get("level")
        return avc1(
            stream.get("profile"),
            int(level) if isinstance(level, (int, str)) and str(level).lstrip("-").isdigit() else None,
        )
    if name == "aac":
        return mp4a(stream.get("profile"))
    return None


def join(*codecs: str | None) -> str:
    """Comma-joined codec strings, skipping unknown ones: "avc1.64001f,mp4a.40.2"."""
    return ",".join(c for c in codecs if c)
