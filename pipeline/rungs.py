"""Which heights a build renders, from film.toml's [output] and the master's height.

Shared by the plan (pipeline/engine/plan.py) and by validation, which must lay out the social
cuts exactly as the build will (pipeline/validate/social.py) without planning a build.
"""

from __future__ import annotations

DRAFT_RUNGS = 2


def rendered_rungs(wanted: tuple[int, ...], master_height: int, draft: bool = False) -> tuple[int, ...]:
    """The ladder's rungs at or below the master's height (else one rung, the master's own even
    height); --draft keeps the top two."""
    rungs = tuple(h for h in wanted if h <= master_height)
    if not rungs:
        rungs = (master_height - master_height % 2,)
    return rungs[:DRAFT_RUNGS] if draft else rungs


def fit_heights(heights: tuple[int, ...], ladder_heights: tuple[int, ...]) -> tuple[int, ...]:
    """Map wanted heights onto rendered rungs: the rung itself, else the next one below, else the lowest."""
    fitted: list[int] = []
    for h in heights:
        below = [r for r in ladder_heights if r <= h]
        choice = max(below) if below else min(ladder_heights)
        if choice not in fitted:
            fitted.append(choice)
    return tuple(fitted)
