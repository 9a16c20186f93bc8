"""The rendered pages in real tools: the Nu Html Checker (vnu.jar on Java) and axe-core in
headless Chromium, plus a full-page screenshot of each language version.

Tools are found through ROPA_VNU_JAR and ROPA_AXE_JS, or in .ci/tools/node_modules where
`.ci/run` installs them. Without them the tests skip with a message; with
ROPA_REQUIRE_BROWSER=1 (set by .ci/run) a missing tool fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".ci" / "tools" / "node_modules"
VNU = Path(os.environ.get("ROPA_VNU_JAR", TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"))
AXE = Path(os.environ.get("ROPA_AXE_JS", TOOLS / "axe-core" / "axe.min.js"))
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("ROPA_SCREENSHOTS", ROOT / "build" / "screenshots"))
LANGUAGES = ("sv", "fi", "en")
PAGES = ("privacy", "processors", "transfers")


def _need(condition: bool, what: str) -> None:
    if condition:
        return
    message = f"{what} not found; install it as .ci/run does to run the browser checks"
    if os.environ.get("ROPA_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(
        app,
        [
            "render",
            str(ROOT / "registers"),
            "--out",
            str(out),
            "--format",
            "html",
            "--allow-overdue",
        ],
    )
    assert result.exit_code == 0, result.stderr
    return out


def test_pages_pass_the_nu_html_checker(site: Path) -> None:
    _need(shutil.which("java") is not None, "java")
    _need(VNU.is_file(), f"vnu.jar ({VNU})")
    pages = sorted(str(p) for p in site.glob("*.html"))
    assert len(pages) == len(LANGUAGES) * len(PAGES)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "gnu", *pages],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    # No errors and no warnings: the checker prints nothing and exits 0.
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    _need(Path(CHROMIUM).is_file(), f"Chromium ({CHROMIUM})")
    _need(Path(CHROMEDRIVER).is_file(), f"ChromeDriver ({CHROMEDRIVER})")
    _need(AXE.is_file(), f"axe-core ({AXE})")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # The machine has no network: without these flags Chromium keeps trying to reach its
    # update and sync services.
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.map(n => n.target.join(" "))}))))
  .catch(e => done([{id: "axe-error", help: String(e)}]));
"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_have_no_accessibility_violations(
    browser: Any, site: Path, page: str, lang: str
) -> None:
    browser.get((site / f"{page}.{lang}.html").as_uri())
    assert browser.execute_script("return document.documentElement.lang") == lang
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    assert browser.execute_async_script(AXE_RUN) == []


# Where a page is read: a phone, a desktop screen, and A4 paper (210 mm less 12 mm margins on
# each side is 186 mm, 703 CSS pixels at 96 per inch).
MEDIA = {"phone": (390, "screen"), "desktop": (1280, "screen"), "print": (703, "print")}
LAYOUT = (Path(__file__).parent / "measure_layout.js").read_text(encoding="utf-8")


def _show(browser: Any, page: Path, media: str) -> None:
    width, kind = MEDIA[media]
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": media == "phone"},
    )
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": kind})
    # Paper has no scroll bar: the whole 703 pixels hold the page.
    browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": kind == "print"})
    browser.get(page.as_uri())


@pytest.fixture
def media_reset(browser: Any) -> Iterator[Any]:
    yield browser
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    browser.execute_cdp_cmd("Emulation.setScrollbarsHidden", {"hidden": False})


# The shipped record in its three languages, and two other organisations' records in theirs.
OTHERS = {"kilkenny": ("en",), "norrhalsa": ("sv", "en")}
LAYOUTS = [("askele", lang) for lang in LANGUAGES] + [
    (org, lang) for org, langs in OTHERS.items() for lang in langs
]


@pytest.fixture(scope="module")
def sites(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    found = {"askele": site}
    for org in OTHERS:
        out = tmp_path_factory.mktemp(org)
        result = CliRunner().invoke(
            app, ["render", str(ROOT / "tests" / "orgs" / org / "registers"), "--out", str(out),
                  "--format", "html", "--allow-overdue"],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        found[org] = out
    return found


@pytest.mark.parametrize("media", MEDIA)
@pytest.mark.parametrize(("record", "lang"), LAYOUTS)
@pytest.mark.parametrize("page", PAGES)
def test_every_cell_is_on_the_page_and_whole(
    media_reset: Any, sites: dict[str, Path], page: str, record: str, lang: str, media: str
) -> None:
    """No cell, caption or heading extends beyond the page or hides in a scroll box, no text
    is cut, and where a narrow screen shows rows as blocks each cell carries its column's
    name (tests/measure_layout.js)."""
    browser = media_reset
    site = sites[record]
    _show(browser, site / f"{page}.{lang}.html", media)
    assert browser.execute_script("return document.querySelectorAll('main td').length") > 0
    assert browser.execute_script(LAYOUT) == []
    if media != "print":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        width = MEDIA[media][0]
        browser.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(int(height), 16000), "deviceScaleFactor": 1,
             "mobile": media == "phone"},
        )  # fmt: skip
        name = (
            f"{page}.{lang}.{media}.png"
            if record == "askele"
            else f"{record}.{page}.{lang}.{media}.png"
        )
        assert browser.save_screenshot(str(SCREENSHOTS / name))


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_printed_to_a4_every_cell_reaches_the_pdf(
    media_reset: Any, site: Path, page: str, lang: str
) -> None:
    """Printed as Chromium prints (A4, the page's own @page), the PDF holds the text of every
    cell; the PDFs are kept beside the screenshots."""
    import base64

    browser = media_reset
    browser.get((site / f"{page}.{lang}.html").as_uri())
    cells = browser.execute_script(
        "return [...document.querySelectorAll('main td')].map(td => td.innerText)"
    )
    pdf = base64.b64decode(
        browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"]
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{page}.{lang}.pdf").write_bytes(pdf)
    pdftotext = shutil.which("pdftotext")
    _need(pdftotext is not None, "pdftotext (Debian poppler-utils)")
    text = subprocess.run(
        [str(pdftotext), "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode("utf-8")
    flat = "".join(text.split())
    for cell in cells:
        assert "".join(cell.split()) in flat, cell


@pytest.mark.parametrize("lang", LANGUAGES)
def test_screenshot_of_each_language_version(browser: Any, site: Path, lang: str) -> None:
    browser.get((site / f"privacy.{lang}.html").as_uri())
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(int(height), 16000))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"privacy.{lang}.png"
    try:
        assert browser.save_screenshot(str(shot))
    finally:
        browser.set_window_size(1280, 900)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 50_000
    print(f"screenshot: {shot}")


def test_other_records_and_the_audit_view_pass_the_nu_html_checker(tmp_path: Path) -> None:
    _need(shutil.which("java") is not None, "java")
    _need(VNU.is_file(), f"vnu.jar ({VNU})")
    pages: list[str] = []
    for org in sorted((ROOT / "tests" / "orgs").iterdir()):
        for extra in ([], ["--explain"]):
            out = tmp_path / f"{org.name}{''.join(extra)}"
            result = CliRunner().invoke(
                app, ["render", str(org / "registers"), "--out", str(out), "--format", "html",
                      *extra],
            )  # fmt: skip
            assert result.exit_code == 0, result.stderr
            pages += sorted(str(p) for p in out.glob("*.html"))
    assert any(".explain." in p for p in pages)
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "gnu", *pages],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.stdout + result.stderr == ""
    assert result.returncode == 0
