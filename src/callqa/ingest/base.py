"""What every input format yields, and the registry of formats."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from callqa.core.config import IngestConfig
from callqa.core.document import Interaction
from callqa.core.errors import CallqaError, ErrorCode
from callqa.privacy.redact import redact_identifier, redact_text


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where something came from: a file, and a line (1-based) when the format has lines."""

    path: Path
    line: int | None = None
    byte_offset: int | None = None

    def __str__(self) -> str:
        """The path (and line) to show or store: a card number in a file name is never written out."""
        path = redact_identifier(str(self.path))
        return f"{path}:{self.line}" if self.line is not None else path


@dataclass(frozen=True, slots=True)
class Parsed:
    """One interaction read from an input.

    ``merge`` marks a fragment (e.g. some messages of an e-mail thread): its turns are merged with the
    stored copy by turn ``external_id`` instead of replacing them. ``consumed`` is an input file to delete
    once the interaction is stored (a recording whose redacted copy is kept instead).
    """

    interaction: Interaction
    ref: SourceRef
    merge: bool = False
    consumed: Path | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """One input (a file or a record in it) that could not be read; ``message`` carries the error code."""

    ref: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.ref}: {self.message}"

    @classmethod
    def of(cls, ref: SourceRef, error: CallqaError) -> Failure:
        return cls(ref, redact_text(str(error)).text)

    @classmethod
    def coded(cls, ref: SourceRef, code: ErrorCode, **values: object) -> Failure:
        # Messages quote ids and values from the input; they are shown, logged and stored redacted.
        return cls(ref, redact_text(code.format(**values)).text)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found in a folder and deliberately not read (hidden, a note, a link to a folder): reported, so
    nothing is left out silently, but not a failure."""

    ref: SourceRef
    reason: str

    def __str__(self) -> str:
        return f"{self.ref}: skipped, {self.reason}"


@dataclass(frozen=True, slots=True)
class MetadataRow:
    """Interaction fields from a metadata-only source (a CSV of agents, queues, CSAT ...), keyed by id."""

    external_id: str
    fields: dict[str, object]
    ref: SourceRef
    source: str | None = None


ParseResult = Parsed | Failure | MetadataRow


class InputFormat(Protocol):
    """An input format: how to recognise a file of it and how to read it.

    ``sniff`` gets the path and the first bytes (up to 64 KiB) and returns a confidence in 0..1; the
    format with the highest confidence above 0 wins. ``parse`` yields one result per interaction (or per
    bad record) and must never raise for bad content: a problem becomes a ``Failure`` naming the line.
    ``per_file`` formats hold one interaction per file, so a sidecar JSON and the file-name pattern apply.
    """

    name: str
    summary: str
    per_file: bool

    def sniff(self, path: Path, head: bytes) -> float: ...

    def parse(self, path: Path, config: IngestConfig) -> Iterator[ParseResult]: ...


@dataclass
class FormatRegistry:
    """Input formats by name; third parties can add theirs with ``register``."""

    formats: dict[str, InputFormat] = field(default_factory=dict)

    def register(self, fmt: InputFormat) -> InputFormat:
        self.formats[fmt.name] = fmt
        return fmt

    def get(self, name: str) -> InputFormat:
        try:
            return self.formats[name]
        except KeyError:
            raise CallqaError(ErrorCode.I105, name=name, known=", ".join(sorted(self.formats))) from None

    def names(self) -> list[str]:
        return sorted(self.formats)

    def detect(self, path: Path, head: bytes) -> InputFormat | None:
        """The format that claims this file most confidently, or None."""
        best: tuple[float, str] | None = None
        for name, fmt in self.formats.items():
            score = fmt.sniff(path, head)
            if score > 0 and (best is None or score > best[0]):
                best = (score, name)
        return self.formats[best[1]] if best else None


FormatFactory = Callable[[], InputFormat]
