"""Message catalogs stay complete and in step with the templates and code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ropa import i18n
from ropa.i18n import available_languages, translations

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "ropa" / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _ids(path: Path) -> set[object]:
    return {m.id for m in _read(path) if m.id}


def test_template_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "ropa.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
         str(LOCALE / "babel.cfg"), "-k", "n_:1,2", "-o", str(fresh), "--no-location",
         "--sort-output", "--omit-header", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    assert _ids(fresh) == _ids(LOCALE / "ropa.pot"), "run the extract command in babel.cfg"


def test_the_shipped_languages() -> None:
    assert available_languages() == ["en", "fi", "sv"]


@pytest.mark.parametrize("lang", ["sv", "fi", "en"])
def test_catalog_translates_every_message_with_the_same_placeholders(lang: str) -> None:
    catalog = _read(LOCALE / lang / "LC_MESSAGES" / "ropa.po", lang)
    assert {m.id for m in catalog if m.id} == _ids(LOCALE / "ropa.pot")
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated {message.id!r}"
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == wanted, f"{lang}: {message.id!r}"


def test_plural_forms_reach_the_page() -> None:
    sv = translations("sv")
    assert (
        sv.ngettext(
            "up to %(num)d month after %(event)s", "up to %(num)d months after %(event)s", 6
        )
        % {"num": 6, "event": "x"}
        == "upp till 6 månader efter x"
    )
    assert sv.gettext("Privacy policy") == "Integritetspolicy"
    assert translations("fi").gettext("Privacy policy") == "Tietosuojaseloste"


def test_the_languages_guide_counts_the_messages_of_ropa_pot() -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "languages.md").read_text(
        encoding="utf-8"
    )
    assert f"of the {len(i18n.template())} messages of ropa.pot" in guide
