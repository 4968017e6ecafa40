"""What loading a CSV file gave: the rows stored and each refused row's coded error (the shifts' and the
routing ids' imports report alike)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportReport:
    file: str
    loaded: int
    errors: tuple[str, ...]
    warnings: tuple[str, ...] = ()  # stored, but worth a look (e.g. a name nothing else knows)

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "loaded": self.loaded,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
        }
