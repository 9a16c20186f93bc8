"""A wheel built from the repository works outside the checkout: it finds its schema and
data, and validates a copy of the shipped registers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("*.whl")
    return built


def test_wheel_carries_schema_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ropa/schemas/ropa.schema.json" in names
    assert "ropa/data/countries.yaml" in names
    assert "ropa/data/iso3166.yaml" in names
    assert "ropa/py.typed" in names
    assert "ropa/templates/privacy.html.j2" in names
    assert "ropa/templates/_base.html.j2" in names
    for lang in ("sv", "fi", "en"):
        assert f"ropa/locale/{lang}/LC_MESSAGES/ropa.po" in names
    assert not any(name.startswith(("tests/", "registers/")) for name in names)


def test_installed_wheel_validates_a_copy_of_the_registers(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "registers", work / "registers")
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment["ROPA_TODAY"] = "2026-11-25"
    ropa = env_dir / "bin" / "ropa"
    result = subprocess.run(
        [str(ropa), "validate"], cwd=work, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "0 errors, 33 warnings in 6 files\n"
    found = Counter(line.split()[2] for line in result.stdout.splitlines())
    assert found == {
        "ROPA107": 13, "ROPA210": 1, "ROPA211": 2, "ROPA215": 6, "ROPA306": 2, "ROPA307": 1,
        "ROPA402": 3, "ROPA601": 5,
    }  # fmt: skip
    # The installed package, not the checkout, answered.
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import ropa, ropa.resources as r; print(ropa.__file__); print(r.shipped('schemas'))",
        ],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert str(env_dir) in where[0] and str(env_dir) in where[1]
    broken = work / "registers" / "processors.yaml"
    broken.write_text(broken.read_text().replace("mechanism: scc\n", "mechanism: adequacy\n", 1))
    failing = subprocess.run(
        [str(ropa), "validate", "--format", "json"],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert failing.returncode == 1
    assert '"rule": "ROPA203"' in failing.stdout
    broken.write_text((ROOT / "registers" / "processors.yaml").read_text())
    rendered = subprocess.run(
        [str(ropa), "render", "--out", "site", "--lang", "sv", "--allow-overdue"], cwd=work,
        env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stderr.endswith("country data (EU/EEA, adequacy decisions) as of 2026-10-08\n")
    page = (work / "site" / "privacy.sv.html").read_text(encoding="utf-8")
    assert "<h1>Integritetspolicy</h1>" in page
    assert (
        '<td data-label="System">Visma Netvisor</td><td data-label="Leverantör">Visma Solutions'
        ' Oy</td><td data-label="Var uppgifterna behandlas">EU</td><td data-label="Syfte med'
        ' tjänsten">Finansiell administration</td>' in page
    )
