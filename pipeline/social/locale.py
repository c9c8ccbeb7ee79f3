"""The `ll_CC` locale of a language on social platforms (Facebook's caption file names).

Facebook takes a caption file only when its name ends in `.<ll_CC>.srt` with a locale from
its own list (https://www.facebook.com/help/261764017354370, "Add captions to your video";
locales: https://developers.facebook.com/docs/internationalization/). A language tag alone
names no territory, so the table below chooses one per language, for a UK public body's
audience where it matters (English: en_GB). A language not in the table takes CLDR's likely
territory (Babel's likely subtags: `so` -> so_SO). film.toml overrides it per language:
`social_locale = "bn_BD"`.
"""

from __future__ import annotations

import re

from babel.core import get_global

from pipeline.languages import parse_locale

LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}_[A-Z]{2}$")

# Facebook's locale for each language where CLDR's likely territory is not Facebook's choice
# (Facebook lists bn_IN, not bn_BD; ar_AR for Arabic) or not this audience's (en_GB, pt_PT).
DEFAULT_LOCALES: dict[str, str] = {
    "ar": "ar_AR",
    "bn": "bn_IN",
    "cy": "cy_GB",
    "en": "en_GB",
    "es": "es_ES",
    "fa": "fa_IR",
    "fr": "fr_FR",
    "ga": "ga_IE",
    "gu": "gu_IN",
    "hi": "hi_IN",
    "pa": "pa_IN",
    "pl": "pl_PL",
    "ps": "ps_AF",
    "pt": "pt_PT",
    "ro": "ro_RO",
    "so": "so_SO",
    "ta": "ta_IN",
    "ti": "ti_ET",
    "ur": "ur_PK",
    "zh": "zh_CN",
}


def default_locale(code: str) -> str:
    """`ll_CC` for a BCP 47 tag: the table, else the tag's own region, else CLDR's likely one."""
    locale = parse_locale(code)
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    if locale.language in DEFAULT_LOCALES:
        return DEFAULT_LOCALES[locale.language]
    likely = get_global("likely_subtags").get(locale.language, "")
    region = next((p for p in likely.split("_")[1:] if len(p) == 2 and p.isupper()), None)
    return f"{locale.language}_{region}" if region else f"{locale.language}_{locale.language.upper()}"
