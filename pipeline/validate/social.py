"""Findings about the social pack, known before anything is encoded.

- SOCIAL_TOO_LONG (warning): the film lasts longer than a platform takes (X: 2:20 for an
  ordinary account); the finding names the cut that would be posted there and the limit.
  A warning, not an error: every other platform still takes the file.
- SOCIAL_POST_TOO_LONG (warning): the post text is longer than a platform takes (X: 280,
  counted as X counts); names the language's post.txt.
- SOCIAL_TITLE_GLYPHS (error): the translated title, drawn on every cut and cover, has a
  character that no caption font of the language can draw (the build would stop there).
"""

from __future__ import annotations

from pipeline.captions.render import caption_fonts
from pipeline.findings import Finding
from pipeline.fonts import missing_in_chain
from pipeline.locales import catalog_path
from pipeline.project import LanguageConfig, Project
from pipeline.social import post as posts
from pipeline.social.platforms import PLATFORMS, clock


def social_findings(project: Project, lang: LanguageConfig, duration: float | None) -> list[Finding]:
    if not project.social.enabled:
        return []
    folder = f"social/{lang.code}/"
    made = ("landscape", *project.social.shapes)
    found: list[Finding] = []
    for p in PLATFORMS:
        shape = next((s for s in p.shapes if s in made), None)
        if shape is None or duration is None:
            continue
        name = f"{folder}{project.film.id}-{lang.code}-{shape}.mp4"
        if duration > p.max_seconds:
            found.append(
                Finding(
                    "SOCIAL_TOO_LONG",
                    "warning",
                    f"{name} will last {clock(duration)}, longer than the {clock(p.max_seconds)} {p.name} takes",
                    f"post a shorter cut on {p.name} (or from an account that takes longer videos); the other platforms take this one",
                    language=lang.code,
                    file=name,
                )
            )
        elif duration < p.min_seconds:
            found.append(
                Finding(
                    "SOCIAL_TOO_LONG",
                    "warning",
                    f"{name} will last {duration:.1f} s, shorter than the {p.min_seconds:g} s {p.name} needs",
                    f"{p.name} will refuse it; the other platforms take it",
                    language=lang.code,
                    file=name,
                )
            )
    post = posts.compose(project, lang.code)
    try:
        chain = caption_fonts(lang.profile)
    except Exception:  # no font at all: doctor and the caption checks say so
        chain = []
    missing = missing_in_chain(chain, post.title) if chain else []
    if missing:
        found.append(
            Finding(
                "SOCIAL_TITLE_GLYPHS",
                "error",
                f"the {lang.profile.name} title '{post.title}' has {', '.join(repr(c) for c in missing[:5])}, "
                f"which the caption fonts ({', '.join(f.family for f in chain)}) cannot draw on the social cuts and covers",
                "replace or remove those characters in the title's translation",
                language=lang.code,
                file=project.relative(catalog_path(project, lang.code)),
            )
        )
    for p in PLATFORMS:
        length = posts.length_for(p, post)
        if length > p.post_chars:
            what = "title" if p.post_field == "title" else "post text"
            found.append(
                Finding(
                    "SOCIAL_POST_TOO_LONG",
                    "warning",
                    f"the {lang.profile.name} {what} in {folder}post.txt is {length} characters as {p.name} counts them; "
                    f"{p.name} takes {p.post_chars}",
                    f"shorten the {lang.profile.name} {'title' if p.post_field == 'title' else 'description or call to action'} "
                    f"in locales/{lang.code}/LC_MESSAGES/film.po, or cut the post by hand for {p.name}",
                    language=lang.code,
                    file=f"{folder}post.txt",
                )
            )
    return found
