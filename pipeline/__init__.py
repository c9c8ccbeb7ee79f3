"""filmpipe: a master film plus per-language subtitles and dubs in, web-ready video out."""

__version__ = "0.1.0"
