"""A record assembled from its files: the controller, the catalogues and the registers.

Every entity keeps the document and path it came from, so rules can report where a problem
is without knowing how the record was split into files.
"""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ropa.loader import Document
from ropa.problem import Path

CATALOGUES = ("processors", "recipients", "sources", "data_categories", "purpose_groups")


class Place(NamedTuple):
    """A node of a loaded document: where a value lives.

    A named tuple rather than a dataclass: rules make one for every list element they walk,
    hundreds of thousands in a large record.
    """

    doc: Document
    path: Path

    def __truediv__(self, part: str | int) -> Place:
        return Place(self.doc, (*self.path, part))


class Entity(NamedTuple):
    """A mapping from the record (a processor, a register, a purpose...) and its place.

    A named tuple for the same reason as Place: rules make one per purpose, basis, use...
    """

    place: Place
    data: dict[str, Any]

    @property
    def id(self) -> str:
        value = self.data.get("id")
        return value if isinstance(value, str) else ""

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def items(self, key: str) -> Iterator[tuple[Place, Any]]:
        """The elements of the list under `key`, with their places."""
        doc, path = self.place.doc, (*self.place.path, key)
        for index, value in enumerate(self.data.get(key) or ()):
            yield Place(doc, (*path, index)), value

    def entities(self, key: str) -> Iterator[Entity]:
        """The mappings in the list under `key`, as entities."""
        for place, value in self.items(key):
            if isinstance(value, dict):
                yield Entity(place, value)

    def child(self, key: str) -> Entity | None:
        value = self.data.get(key)
        return Entity(self.place / key, value) if isinstance(value, dict) else None


def languages(controller: Entity | None) -> list[str]:
    """The languages a controller publishes in (`languages:`), the first being its own."""
    langs = controller.get("languages") if controller else None
    return [lang for lang in langs if isinstance(lang, str)] if isinstance(langs, list) else []


@dataclass
class Record:
    """All files of one record."""

    documents: list[Document]
    controllers: list[Entity] = field(default_factory=list)
    catalogues: dict[str, list[Entity]] = field(default_factory=dict)
    registers: list[Entity] = field(default_factory=list)
    # The folder for the record's own boilerplate catalogs (`locale/` beside its files, as
    # `<lang>/LC_MESSAGES/ropa.po`; not the `catalogues` above, which are processors etc.).
    # Set by `ropa.validate` for a record read from disk, whether or not the folder exists
    # yet (so that a message can say where to add one); None when nobody set it. See
    # `i18n.translations`.
    catalogs: pathlib.Path | None = field(default=None, compare=False)
    _indexes: dict[str, dict[str, Entity]] = field(default_factory=dict, repr=False, compare=False)
    # With `assemble(parts=...)`: the caller's store, and for each catalogue the identities of
    # the documents' entity lists it is made of (equal keys: the same index).
    _shared: dict[Any, Any] | None = field(default=None, repr=False, compare=False)
    _index_keys: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def assemble(cls, documents: list[Document], parts: dict[Any, Any] | None = None) -> Record:
        """The record of these documents. `parts` keeps each document's entities (by the
        document's identity) for a caller that assembles many records from mostly the same
        documents, such as history; the caller keeps the documents alive."""
        record = cls(documents, catalogues={name: [] for name in CATALOGUES})
        for doc in documents:
            found = parts.get(id(doc)) if parts is not None else None
            if found is None:
                top = Entity(Place(doc, ()), doc.data)
                found = (
                    top.child("controller"),
                    {name: list(top.entities(name)) for name in CATALOGUES},
                    list(top.entities("registers")),
                )
                if parts is not None:
                    parts[id(doc)] = found
            controller, catalogues, registers = found
            if controller is not None:
                record.controllers.append(controller)
            for name in CATALOGUES:
                record.catalogues[name].extend(catalogues[name])
            record.registers.extend(registers)
        if parts is not None:
            record._shared = parts
            # A document with no entries of a catalogue adds nothing to its index.
            record._index_keys = {
                name: tuple(
                    id(entries) for doc in documents if (entries := parts[id(doc)][1][name])
                )
                for name in CATALOGUES
            }
        return record

    @property
    def controller(self) -> Entity | None:
        return self.controllers[0] if self.controllers else None

    @property
    def languages(self) -> list[str]:
        return languages(self.controller)

    @functools.cached_property
    def processor_uses(self) -> dict[str, list[tuple[Entity, dict[str, Any]]]]:
        """Processor id -> (register, use) for every use of it, in record order."""
        found: dict[str, list[tuple[Entity, dict[str, Any]]]] = {}
        for register in self.registers:
            for use in register.get("processors") or []:
                found.setdefault(use.get("processor"), []).append((register, use))
        return found

    def index(self, catalogue: str) -> dict[str, Entity]:
        """Catalogue entries by id; the first of duplicates wins (duplicates are reported).

        Built once per catalogue: callers look entries up per register and per use.
        """
        found = self._indexes.get(catalogue)
        if found is None:
            key = ("index", catalogue, self._index_keys.get(catalogue))
            shared = self._shared
            found = shared.get(key) if shared is not None else None
            if found is None:
                found = {}
                for entity in self.catalogues[catalogue]:
                    found.setdefault(entity.id, entity)
                if shared is not None:
                    shared[key] = found
            self._indexes[catalogue] = found
        return found
