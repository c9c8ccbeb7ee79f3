"""Findings about the social pack, known before anything is encoded.

- SOCIAL_TOO_LONG (warning): the film lasts longer than a platform takes (X: 2:20 for an
  ordinary account); the finding names the cut that would be posted there and the limit.
  A warning, not an error: every other platform still takes the file.
- SOCIAL_POST_TOO_LONG (warning): the post text is longer than a platform takes (X: 280,
  counted as X counts); names the language's post.txt.
- SOCIAL_TITLE_GLYPHS (error): the translated title, drawn on every cut and cover, has a
  character that no caption font of the language can draw (the build would stop there).
- SOCIAL_CUE_FITS (error): a cue does not fit a cut's caption band even drawn at 40 % of its
  size (layout.MIN_SIZE; the build would stop there); names the file, line, cue and cuts.
- SOCIAL_TITLE_FITS (error): the translated title does not fit a cut's title band or the 16:9
  cover's title box even drawn at 40 % of its size (the build would stop there).
"""

from __future__ import annotations

from pipeline.captions.render import caption_fonts
from pipeline.findings import Finding
from pipeline.fonts import missing_in_chain
from pipeline.locales import catalog_path, translator
from pipeline.probe import MediaFacts
from pipeline.project import LanguageConfig, Project
from pipeline.rungs import fit_heights, rendered_rungs
from pipeline.social import fit
from pipeline.social import post as posts
from pipeline.social.layout import LANDSCAPE, SMALLEST, SQUARE, VERTICAL, layouts_for, title_places, title_text
from pipeline.social.platforms import PLATFORMS, clock
from pipeline.subtitles.model import SubtitleDoc
from pipeline.validate.cache import MeasureCache
from pipeline.validate.media import MIN_MASTER_SIDE

CUT_NAMES = {LANDSCAPE: "16:9", VERTICAL: "vertical (9:16)", SQUARE: "square (1:1)"}


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


def cue_fit_findings(
    project: Project, lang: LanguageConfig, doc: SubtitleDoc, shown: str, master: MediaFacts, cache: MeasureCache
) -> list[Finding]:
    """SOCIAL_CUE_FITS: every cue drawn into every cut's caption band as the build will draw it."""
    video = master.video
    if not project.social.enabled or video is None or min(video.width, video.height) < MIN_MASTER_SIDE:
        return []  # no picture to lay out: MASTER_TOO_SMALL (or MASTER_DECODE) already says so
    shapes = (LANDSCAPE, *project.social.shapes)
    rungs = rendered_rungs(project.output.ladder, video.height)
    layouts = layouts_for(shapes, master, fit_heights(project.output.open_captions, rungs))
    style = project.captions
    misfits: dict[int, list[str]] = {}  # cue index -> the cuts it does not fit
    by_index = {cue.index: cue for cue in doc.cues}
    for shape, layout in layouts.items():
        drawn = fit.drawn_cues(doc.cues, lang.code, shape)
        key = fit.fit_key([text for _, text in drawn], lang.profile, layout, style)
        known = cache.get("socialfit", key)
        bad = known.get("misfits") if isinstance(known, dict) else None
        if not (isinstance(bad, list) and all(isinstance(i, int) and i in by_index for i in bad)):
            bad = [cue.index for cue, text in drawn if not fit.fits(text, lang.profile, layout, style)]
            cache.put("socialfit", key, {"misfits": bad})
        for index in bad:
            misfits.setdefault(index, []).append(CUT_NAMES.get(shape, shape))
    found = []
    for index, cuts in sorted(misfits.items()):
        cue = by_index[index]
        found.append(
            Finding(
                "SOCIAL_CUE_FITS",
                "error",
                f"cue {index} does not fit the caption band of the {' and '.join(cuts)} social "
                f"cut{'s' if len(cuts) > 1 else ''}, even drawn at {SMALLEST}",
                "split the cue or shorten it",
                language=lang.code,
                file=shown,
                line=cue.line,
                cue=index,
                time=cue.start,
            )
        )
    return found


def title_fit_findings(
    project: Project, lang: LanguageConfig, master: MediaFacts, cache: MeasureCache
) -> list[Finding]:
    """SOCIAL_TITLE_FITS: the title drawn where every cut and cover draws it, as the build will draw it."""
    video = master.video
    if not project.social.enabled or video is None or min(video.width, video.height) < MIN_MASTER_SIDE:
        return []  # no picture to lay out: MASTER_TOO_SMALL (or MASTER_DECODE) already says so
    title = posts.compose(project, lang.code).title
    if not title:
        return []
    rungs = rendered_rungs(project.output.ladder, video.height)
    layouts = layouts_for((LANDSCAPE, *project.social.shapes), master, fit_heights(project.output.open_captions, rungs))
    text = title_text(title)
    misfits: list[str] = []
    for layout in layouts.values():
        for place in title_places(layout, project.captions):
            key = fit.fit_key([text, repr(place)], lang.profile, layout, place.style)
            known = cache.get("titlefit", key)
            ok = known.get("fits") if isinstance(known, dict) else None
            if not isinstance(ok, bool):
                ok = fit.fits_at(text, lang.profile, layout, place.band, place.anchor, place.style, place.scale)
                cache.put("titlefit", key, {"fits": ok})
            if not ok:
                misfits.append(place.where)
    if not misfits:
        return []
    source = (
        lang.code == project.film.source_language or translator(project, lang.code).lookup(project.film.title) is None
    )
    return [
        Finding(
            "SOCIAL_TITLE_FITS",
            "error",
            f"the {lang.profile.name} title '{title}' does not fit {' or '.join(misfits)}, even drawn at {SMALLEST}",
            "shorten the title in film.toml"
            if source
            else "shorten the title's translation (its msgstr) in the catalog",
            language=lang.code,
            file="film.toml" if source else project.relative(catalog_path(project, lang.code)),
        )
    ]
