"""Boilerplate translations and locale formatting for rendered pages.

Boilerplate sentences live in gettext catalogs (`ropa/locale/<lang>/LC_MESSAGES/ropa.po`),
read from the `.po` source at run time so that no build step is needed; record content is
translated in the YAML itself. Country names, dates and lists come from Babel's CLDR data.
"""

from __future__ import annotations

import datetime
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ropa import resources
from ropa.errors import UsageError
from ropa.loader import forbidden_character

if TYPE_CHECKING:
    from ropa.resources import Traversable

DOMAIN = "ropa"
PLACEHOLDER = re.compile(r"%\((\w+)\)")
# English pages are for an EU audience: day-month-year dates and no serial comma.
FORMAT_LOCALES = {"en": "en_GB"}


class CatalogError(UsageError):
    """A record's own catalog that cannot be read (not valid `.po`, not UTF-8)."""

    def __init__(self, path: Path | Traversable, reason: str, line: int | None = None) -> None:
        super().__init__(f"{path}{f':{line}' if line else ''}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


def translations(lang: str, catalogs: Path | None = None) -> Any:
    """gettext translations for `lang` (a `babel.support.Translations`).

    `catalogs` is a record's own catalog folder (`Record.catalogs`, laid out as
    `<lang>/LC_MESSAGES/ropa.po`); a catalog there wins over the shipped one message by
    message, and the shipped catalog of the same language fills the rest. A language with
    no catalog at all gets English msgids: `ropa validate` refuses such a record first.
    """
    own = catalog_file(lang, catalogs)
    return _translations(lang, Path(catalogs).absolute() if catalogs and own else None)


@functools.cache
def _translations(lang: str, catalogs: Path | None) -> Any:
    # Keyed on the folder only when it holds a catalog for `lang`, so records without
    # catalogs share the shipped translations.
    from babel.support import NullTranslations

    own = catalog_file(lang, catalogs)
    if own is None:
        po = resources.package_file("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
        return _compile(_read(po, lang)) if po.is_file() else NullTranslations()
    shipped = _translations(lang, None)
    catalog = _read(own, lang)
    # Drop what is not fully translated, so that gettext falls through to the shipped
    # catalog of the same language (write_mo would put the English msgid in an empty
    # plural form).
    for message in list(catalog):
        if message.id and not _translated(message, catalog.num_plurals):
            catalog.delete(message.id, message.context)
    translated = _compile(catalog)
    if lang in available_languages():
        translated.add_fallback(shipped)
    return translated


def _read(po: Path | Traversable, lang: str) -> Any:
    from babel import localedata
    from babel.messages.pofile import PoFileError, read_po

    try:
        with po.open("rb") as handle:
            # A folder named after a code CLDR lacks is reported by validate (ROPA502); read
            # it without plural rules rather than fail here.
            locale = lang if localedata.exists(lang) else None
            catalog = read_po(handle, locale=locale, domain=DOMAIN, abort_invalid=True)
    except PoFileError as exc:
        # Babel counts lines from 0 in this message.
        reason = str(exc.args[0]).rsplit(" on ", 1)[0]
        raise CatalogError(po, reason, exc.lineno + 1) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogError(po, f"not a readable .po catalog ({exc})") from None
    except OSError as exc:
        raise CatalogError(po, str(exc.strerror)) from None
    # The same characters are refused here as in the record's YAML (ropa.loader).
    for message in catalog:
        strings = message.string if isinstance(message.string, (tuple, list)) else [message.string]
        for text in strings:
            bad = forbidden_character(text or "")
            if bad:
                raise CatalogError(po, f"{bad[1]} is not allowed in a translation", message.lineno)
    return catalog


def _compile(catalog: Any) -> Any:
    from babel.messages.mofile import write_mo
    from babel.support import Translations

    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def _translated(message: Any, plurals: int) -> bool:
    """Translated in full: not fuzzy, nothing empty, and a plural message in every plural
    form of the language (a copy of ropa.pot has two; Polish, say, needs three)."""
    if not message.pluralizable:
        return not message.fuzzy and bool(message.string)
    strings = tuple(message.string)
    return not message.fuzzy and len(strings) >= plurals and all(strings)


def available_languages() -> list[str]:
    """Languages that have a boilerplate catalog shipped with ropa."""
    folder = resources.package_file("locale")
    return sorted(
        p.name for p in folder.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def catalog_file(lang: str, catalogs: Path | None) -> Path | None:
    """The record's own catalog for `lang` in the folder `catalogs`, if there is one."""
    if catalogs is None:
        return None
    po = Path(catalogs).absolute() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    return po if po.is_file() else None


@functools.cache
def template() -> dict[str, bool]:
    """The messages of ropa's template, `ropa/locale/ropa.pot`: msgid (the singular of a
    plural) -> whether it is a plural message."""
    from babel.messages.pofile import read_po

    with resources.package_file("locale", f"{DOMAIN}.pot").open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    return {_singular(m.id): bool(m.pluralizable) for m in catalog if m.id}


def _singular(msgid: Any) -> str:
    return str(msgid[0] if isinstance(msgid, (tuple, list)) else msgid)


@dataclass(frozen=True)
class Gaps:
    """What a record's own catalog lacks against the template."""

    # msgids with no translation, an empty one (in any plural form) or a fuzzy one
    missing: tuple[str, ...]
    # msgids whose translation names a %(placeholder)s the msgid lacks, or has a lone %
    broken: tuple[str, ...]
    # messages in the template
    total: int


def gaps(lang: str, catalogs: Path | None) -> Gaps | None:
    """What the record's catalog for `lang` lacks; None when it has none for `lang`.

    A shipped language counts as complete (the test suite checks every shipped catalog),
    so a record's catalog for it need only hold the messages it overrides. For any other
    language the record's catalog must translate every message of the template.
    """
    own = catalog_file(lang, catalogs)
    if own is None:
        return None
    catalog = _read(own, lang)
    complete = lang in available_languages()
    wanted = template()
    missing: list[str] = []
    broken: list[str] = []
    for msgid, plural in wanted.items():
        message = catalog.get(msgid)
        if (
            message is None
            or message.pluralizable != plural
            or not _translated(message, catalog.num_plurals)
        ):
            if not complete:
                missing.append(msgid)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else [message.string]
        # Pages format every translation with the msgid's values (Jinja's newstyle
        # gettext does so even without any), so a translation must format with them.
        values = {name: 0 for text in ids for name in PLACEHOLDER.findall(text)}
        try:
            for text in strings:
                text % values
        except (KeyError, ValueError, TypeError):
            broken.append(msgid)
    return Gaps(tuple(missing), tuple(broken), len(wanted))


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
