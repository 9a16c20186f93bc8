"""Boilerplate translations and locale formatting for rendered pages.

Boilerplate sentences live in gettext catalogs (`ropa/locale/<lang>/LC_MESSAGES/ropa.po`),
read from the `.po` source at run time so that no build step is needed; record content is
translated in the YAML itself. Country names, dates and lists come from Babel's CLDR data.
"""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass
from typing import Any

from ropa import resources

DOMAIN = "ropa"
# English pages are for an EU audience: day-month-year dates and no serial comma.
FORMAT_LOCALES = {"en": "en_GB"}


@functools.cache
def translations(lang: str) -> Any:
    """gettext translations for `lang` (a `babel.support.Translations`)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    po = resources.package_file("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def available_languages() -> list[str]:
    """Languages that have a boilerplate catalog."""
    folder = resources.package_file("locale")
    return sorted(
        p.name for p in folder.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


@dataclass(frozen=True)
class Formatter:
    """Locale-aware formatting of dates, lists, country and language names."""

    lang: str

    @property
    def locale(self) -> str:
        return FORMAT_LOCALES.get(self.lang, self.lang)

    def date(self, value: str | datetime.date) -> str:
        from babel.dates import format_date

        day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
        return str(format_date(day, format="long", locale=self.locale))

    @functools.cached_property
    def _locale(self) -> Any:
        from babel import Locale

        return Locale.parse(self.locale)

    def join(self, items: list[str], style: str = "and") -> str:
        """'a, b and c' (or 'a, b or c' with style='or') in the locale's own way."""
        from babel.lists import format_list

        if len(items) < 2:
            return items[0] if items else ""
        return str(
            format_list(items, style="or" if style == "or" else "standard", locale=self._locale)
        )

    def country(self, code: str) -> str:
        name = self._locale.territories.get(code)
        return str(name) if name else code

    def language(self, code: str) -> str:
        from babel import Locale

        name = Locale.parse(code).get_display_name(code)
        return str(name) if name else code
