"""Burned-in captions: one renderer draws every caption, title and social-cut text.

- `pipeline.captions.render`: `render_cue(text, profile, box, style) -> CaptionImage`, with
  `CaptionBox` (picture size, anchor, margins); the public interface.
- `pipeline.captions.style`: `CaptionStyle` (film.toml's `[captions]`), per-script sizes, WCAG contrast.
- `pipeline.captions.bidi`: the order of mixed-direction runs on a line.

Nothing is imported here, so that project.py can read `CaptionStyle` without loading Pillow.
"""
