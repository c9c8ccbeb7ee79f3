"""The `ll_CC` locale of a language on social platforms (Facebook's caption file names), when the
language table has none.

Facebook takes a caption file only when its name ends in `.<ll_CC>.srt` with a locale from
its own list (https://www.facebook.com/help/261764017354370). The language table
(pipeline/data/languages.toml, `social_locale`, overridable per film in film.toml) names the
locale for the languages it knows (en_GB, pl_PL, ro_RO, ur_PK, bn_IN, gu_IN, …). For any other
language the tag's own region is used (`pt-BR` -> pt_BR), else CLDR's likely region for the
language (Babel's likely subtags: `sq` -> sq_AL).
"""

from __future__ import annotations

import re

from babel.core import get_global

from pipeline.languages import parse_locale

LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}_[A-Z]{2}$")


def default_locale(code: str) -> str:
    """`ll_CC` for a BCP 47 tag the language table has no locale for."""
    locale = parse_locale(code)
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely = get_global("likely_subtags").get(locale.language, "")
    region = next((p for p in likely.split("_")[1:] if len(p) == 2 and p.isupper()), None)
    return f"{locale.language}_{region}" if region else f"{locale.language}_{locale.language.upper()}"
