"""Files shipped with ropa: the JSON Schema, default templates and reference data."""

from __future__ import annotations

import functools
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover
    from importlib.abc import Traversable

_PACKAGE = resources.files("ropa")
# In a source checkout the schema and templates sit at the top of the repository; the wheel
# carries them inside the package (see [tool.hatch.build.targets.wheel.force-include]).
_CHECKOUT = Path(__file__).resolve().parent.parent


def shipped(folder: str) -> Traversable:
    """The packaged folder `schemas` or `templates`, or the checkout's top-level one."""
    packaged = _PACKAGE / folder
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / folder


def data_file(name: str) -> Traversable:
    """A reference data file from `ropa/data`."""
    return _PACKAGE / "data" / name


def package_file(*parts: str) -> Traversable:
    """A file or folder inside the installed package."""
    found = _PACKAGE
    for part in parts:
        found = found / part
    return found


@functools.cache
def schema() -> dict[str, Any]:
    """The record file schema (JSON Schema draft 2020-12)."""
    text = (shipped("schemas") / "ropa.schema.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
