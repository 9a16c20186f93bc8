"""Published languages: codes CLDR knows (ROPA502) with a complete boilerplate catalog
(ROPA503), shipped or the record's own, and never English under another language's name."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from typer.testing import CliRunner

from ropa import i18n
from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "languages"
runner = CliRunner()

DK = "registers/controller.yaml:9:19 error ROPA502 'dk' is not a language code; Danish is 'da'\n"
DE = (
    "03-unsupported-language-de.yaml:8:19 error ROPA503 no catalog for 'de': ropa ships en, fi,"
    " sv; add one as locale/de/LC_MESSAGES/ropa.po (docs/languages.md)\n"
)
# German for a few messages; the rest of the test catalog is marked, not translated.
GERMAN = {
    "Privacy policy": "Datenschutzerklärung",
    "Consent": "Einwilligung",
    "Contract": "Vertrag",
    "Changes": "Änderungen",
}


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    # The records were last reviewed on this day: no review warnings in the output.
    monkeypatch.setenv("ROPA_TODAY", "2026-11-30")


def _complete(path: Path) -> None:
    """Give a case's record what later rules ask beyond languages (the date its DPA was
    signed, ROPA107; portability for its contract purposes, ROPA308), so that only the
    language findings show; line numbers stay the same."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("dpa: {signed: true}", "dpa: {signed: true, date: 2026-01-15}")
    text = text.replace("objection, complaint]", "objection, portability, complaint]")
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def dk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Files case 11: a folder record with `languages: [en, dk]`."""
    shutil.copytree(DATA / "11-unknown-language-code" / "registers", tmp_path / "registers")
    for path in (tmp_path / "registers").glob("*.yaml"):
        _complete(path)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "registers"


@pytest.fixture
def de(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Records case 03: a one-file record with `languages: [sv, de]` and no German catalog."""
    record = tmp_path / "03-unsupported-language-de.yaml"
    shutil.copy(DATA / record.name, record)
    _complete(record)
    monkeypatch.chdir(tmp_path)
    return record


def _template() -> Catalog:
    with (ROOT / "ropa" / "locale" / "ropa.pot").open("rb") as handle:
        return read_po(handle)


def _write_catalog(folder: Path, lang: str, skip: tuple[str, ...] = (), **changes: str) -> Path:
    """A catalog for `lang` translating every message of the template (marked with the
    language, or German from GERMAN), without the msgids in `skip`; `changes` maps a msgid
    to "fuzzy" or "empty"."""
    catalog = Catalog(locale=lang, domain="ropa")
    for message in _template():
        if not message.id or _singular(message.id) in skip:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = tuple(GERMAN.get(text, f"[{lang}] {text}") for text in ids)
        change = changes.get(_singular(message.id))
        if change == "empty":
            strings = tuple("" for _ in strings)
        catalog.add(
            message.id,
            strings if isinstance(message.id, tuple) else strings[0],
            flags=["fuzzy"] if change == "fuzzy" else [],
        )
    po = folder / "locale" / lang / "LC_MESSAGES" / "ropa.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as handle:
        write_po(handle, catalog)
    return po


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


# ROPA502: a code CLDR does not know


def test_validate_names_the_language_of_a_country_code(dk: Path) -> None:
    result = runner.invoke(app, ["validate", "registers"])
    assert result.stdout == DK
    assert result.stderr == "1 error, 0 warnings in 3 files\n"
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("command", "what"),
    [(["render", "registers", "--out", "site"], "rendered"),
     (["export", "registers", "--out", "ropa.xlsx"], "exported"),
     (["export", "registers", "--out", "ropa.csv", "--format", "csv", "--lang", "dk"],
      "exported")],
)  # fmt: skip
def test_render_and_export_refuse_with_the_finding_not_a_traceback(
    dk: Path, command: list[str], what: str
) -> None:
    result = runner.invoke(app, command)
    assert result.stdout == DK
    assert result.stderr == f"ropa: the record has errors; nothing was {what}\n"
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert not (dk.parent / "site").exists()


def test_a_lang_option_the_record_does_not_publish_is_one_line(dk: Path, tmp_path: Path) -> None:
    (dk / "controller.yaml").write_text(
        (dk / "controller.yaml").read_text().replace("[en, dk]", "[en]")
    )
    result = runner.invoke(app, ["export", "registers", "--out", "ropa.csv", "--format", "csv",
                                 "--lang", "da"])  # fmt: skip
    assert result.stderr == (
        "ropa: error: the record is not published in 'da'; controller.languages lists en\n"
    )
    assert result.exit_code == 2


# ROPA503: a language CLDR knows without a complete catalog


def test_validate_refuses_a_language_without_a_catalog(de: Path) -> None:
    result = runner.invoke(app, ["validate", de.name])
    assert result.stdout == DE
    assert result.exit_code == 1


def test_render_refuses_a_language_without_a_catalog(de: Path) -> None:
    result = runner.invoke(app, ["render", de.name, "--out", "site", "--format", "md"])
    assert result.stdout == DE
    assert result.stderr == "ropa: the record has errors; nothing was rendered\n"
    assert result.exit_code == 1


def test_a_complete_record_catalog_makes_the_language_publishable(
    de: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    _write_catalog(de.parent, "de")
    result = runner.invoke(app, ["validate", de.name])
    assert result.stdout == ""
    assert result.exit_code == 0
    german = i18n.translations("de", catalogs=de.parent / "locale")
    assert german.gettext("Privacy policy") == "Datenschutzerklärung"
    assert (
        german.ngettext("%(num)d day after %(event)s", "%(num)d days after %(event)s", 2)
        == "[de] %(num)d days after %(event)s"
    )
    # Without the record's folder there is still no German: nothing changed for callers.
    assert i18n.translations("de").gettext("Privacy policy") == "Privacy policy"
    # The record's catalog reaches the published page, and no English is left under lang="de".
    out = tmp_path_factory.mktemp("site")
    rendered = runner.invoke(app, ["render", de.name, "--out", str(out), "--format", "html"])
    assert rendered.exit_code == 0, rendered.stderr
    page = (out / "privacy.de.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in page and "<h1>Datenschutzerklärung</h1>" in page
    assert "Privacy policy" not in page


def test_a_partial_record_catalog_lists_what_it_lacks(de: Path) -> None:
    po = _write_catalog(
        de.parent,
        "de",
        skip=("Cookies and similar technologies",),
        Consent="fuzzy",
        Contract="empty",
    )
    result = runner.invoke(app, ["validate", de.name])
    total = len(i18n.template())
    assert result.stdout == (
        f"03-unsupported-language-de.yaml:8:19 error ROPA503 the catalog for 'de'"
        f" (locale/de/LC_MESSAGES/ropa.po) lacks 3 of the {total} messages of ropa.pot"
        " (missing, empty or fuzzy): 'Consent', 'Contract', 'Cookies and similar technologies'\n"
    )
    assert result.exit_code == 1
    assert po.is_file()


def test_a_plural_message_needs_every_plural_form_of_the_language(tmp_path: Path) -> None:
    # Each plural message gets two forms, as in ropa.pot; Polish has three.
    _write_catalog(tmp_path, "pl")
    plurals = [msgid for msgid, plural in i18n.template().items() if plural]
    found = i18n.gaps("pl", tmp_path / "locale")
    assert found is not None
    assert found.missing == tuple(plurals)
    assert len(plurals) > 1


def test_a_record_catalog_for_a_folder_record_sits_in_the_folder(dk: Path) -> None:
    (dk / "controller.yaml").write_text(
        (dk / "controller.yaml").read_text().replace("[en, dk]", "[en, de]")
    )
    for name in ("customers.yaml",):
        (dk / name).write_text((dk / name).read_text().replace(" dk:", " de:"))
    result = runner.invoke(app, ["validate", "registers"])
    assert result.stdout == (
        "registers/controller.yaml:9:19 error ROPA503 no catalog for 'de': ropa ships en, fi,"
        " sv; add one as registers/locale/de/LC_MESSAGES/ropa.po (docs/languages.md)\n"
    )
    _write_catalog(dk, "de")
    # Not a record file, though it is YAML in the record's folder.
    (dk / "locale" / "notes.yaml").write_text("- not: a record file\n")
    result = runner.invoke(app, ["validate", "registers"])
    assert result.stdout == ""
    assert result.stderr == "0 errors, 0 warnings in 3 files\n"
    assert result.exit_code == 0


def test_a_record_catalog_overrides_messages_of_a_shipped_language(tmp_path: Path) -> None:
    po = tmp_path / "locale" / "sv" / "LC_MESSAGES" / "ropa.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid "Privacy policy"\nmsgstr "Dataskyddspolicy"\n\n'
        '#, fuzzy\nmsgid "Consent"\nmsgstr "Medgivande"\n',
        encoding="utf-8",
    )
    swedish = i18n.translations("sv", catalogs=tmp_path / "locale")
    assert swedish.gettext("Privacy policy") == "Dataskyddspolicy"
    # Everything else, and a fuzzy override, from ropa's own Swedish: never English.
    shipped = i18n.translations("sv")
    assert swedish.gettext("Consent") == shipped.gettext("Consent") != "Consent"
    assert shipped.gettext("Privacy policy") == "Integritetspolicy"
    assert i18n.gaps("sv", tmp_path / "locale") == i18n.Gaps((), (), len(i18n.template()))


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("Integritets\u200bpolicy", "invisible character U+200B ZERO WIDTH SPACE"),
        ("\u202epolicy", "bidi control U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\x1b[31mpolicy", "control character U+001B"),
        ("Bad\ufffe", "noncharacter U+FFFE"),
    ],
)
def test_a_record_catalog_is_held_to_the_record_s_characters(
    tmp_path: Path, text: str, described: str
) -> None:
    po = tmp_path / "locale" / "sv" / "LC_MESSAGES" / "ropa.po"
    po.parent.mkdir(parents=True)
    po.write_text(f'msgid "Consent"\nmsgstr "x"\n\nmsgid "Privacy policy"\nmsgstr "{text}"\n')
    with pytest.raises(i18n.CatalogError) as caught:
        i18n.translations("sv", catalogs=tmp_path / "locale")
    assert str(caught.value) == f"{po}:4: {described} is not allowed in a translation"


def test_translations_are_cached_per_language_and_folder(tmp_path: Path) -> None:
    assert i18n.translations("sv") is i18n.translations("sv", catalogs=None)
    # A folder without a catalog for the language shares the shipped translations.
    assert i18n.translations("sv", catalogs=tmp_path) is i18n.translations("sv")


# The same hints from ropa init, which offers the shipped catalogs


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("dk", "--lang 'dk': choose from en, fi, sv ('dk' is not a language code; Danish is 'da')"),
        ("en,se", "--lang 'en,se': choose from en, fi, sv ('se' is Northern Sami; if you meant"
                  " the country, Swedish is 'sv')"),
        ("de", "--lang 'de': choose from en, fi, sv"),
    ],
)  # fmt: skip
def test_init_refuses_a_language_without_a_shipped_catalog(
    tmp_path: Path, lang: str, message: str
) -> None:
    result = runner.invoke(app, ["init", str(tmp_path / "x"), "--company", "X", "--lang", lang])
    assert result.stderr == f"ropa: error: {message}\n"
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


# ropa changelog reads the record from git, so it checks the languages itself


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "DPO", "GIT_AUTHOR_EMAIL": "dpo@example.com",
        "GIT_COMMITTER_NAME": "DPO", "GIT_COMMITTER_EMAIL": "dpo@example.com",
        "GIT_AUTHOR_DATE": "2026-11-30T12:00:00+00:00",
        "GIT_COMMITTER_DATE": "2026-11-30T12:00:00+00:00",
    }  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_changelog_refuses_a_bad_language(dk: Path) -> None:
    _git(dk.parent, "init", "-q", "-b", "main")
    _git(dk.parent, "add", "-A")
    _git(dk.parent, "commit", "-q", "-m", "record")
    result = runner.invoke(app, ["changelog", "registers", "--out", "site"])
    assert result.stdout == f"HEAD:{DK}"
    assert result.stderr == "ropa: the record at HEAD has errors; nothing was written\n"
    assert result.exit_code == 1
    other = runner.invoke(app, ["changelog", "registers", "--out", "site", "--lang", "da"])
    assert other.stderr == "ropa: error: the record is not published in 'da'\n"
    assert other.exit_code == 2
    assert not (dk.parent / "site").exists()


def test_a_record_catalog_reaches_every_output(tmp_path: Path) -> None:
    """Pages, the processor CSV and the export all speak with the record's own catalog."""
    record = tmp_path / "registers"
    shutil.copytree(Path(__file__).resolve().parent.parent / "registers", record)
    po = record / "locale" / "sv" / "LC_MESSAGES" / "ropa.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid "Privacy policy"\nmsgstr "Dataskyddspolicy"\n\n'
        'msgid "Register"\nmsgstr "Förteckning"\n\n'
        'msgid "Business function"\nmsgstr "Verksamhet"\n',
        encoding="utf-8",
    )
    site = tmp_path / "site"
    rendered = runner.invoke(
        app, ["render", str(record), "--out", str(site), "--lang", "sv", "--allow-overdue"]
    )
    assert rendered.exit_code == 0, rendered.stderr
    assert "<h1>Dataskyddspolicy</h1>" in (site / "privacy.sv.html").read_text(encoding="utf-8")
    assert (site / "processors.sv.csv").read_text(encoding="utf-8").startswith("Förteckning,")
    out = tmp_path / "ropa.csv"
    exported = runner.invoke(
        app, ["export", str(record), "--format", "csv", "--lang", "sv", "--out", str(out)]
    )
    assert exported.exit_code == 0, exported.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("Verksamhet,")
