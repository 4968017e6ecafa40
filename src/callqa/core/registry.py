"""Named registries of factories (analyzers, detectors) with versioned names, e.g. ``callqa.redact.v1``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    """Maps a registered name to a value; an unknown name is an error that lists the known ones."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def add(item: T) -> T:
            if name in self._items:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._items[name] = item
            return item

        return add

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def items(self) -> list[tuple[str, T]]:
        """Every registered (name, value), sorted by name."""
        return sorted(self._items.items(), key=lambda item: item[0])

    def names(self) -> list[str]:
        return sorted(self._items)

    def __contains__(self, name: object) -> bool:
        return name in self._items
