"""Read, validate, publish: the one path by which data enters a space, from the CLI or the UI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from maillage.reference import Reference
from maillage.store import Store, VersionInfo
from maillage.validation import Validation, validate
from maillage.workbook import MAX_FILE_BYTES, RawWorkbook, read_workbook

Step = Callable[[str, float], None]


@dataclass(frozen=True)
class ImportOutcome:
    workbook: RawWorkbook
    validation: Validation
    version: VersionInfo | None  # None when validation found an error: nothing was stored


def check(
    files: Sequence[tuple[str, bytes]],
    reference: Reference | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    on_step: Step | None = None,
) -> tuple[RawWorkbook, Validation]:
    """Read and validate; raises UnreadableWorkbook when the files cannot be opened at all."""
    step = on_step or (lambda _label, _progress: None)
    step("Lecture du classeur", 0.1)
    workbook = read_workbook(files, max_bytes)
    step("Vérification des feuilles, des colonnes et des références", 0.4)
    return workbook, validate(workbook, reference)


def publish_checked(
    store: Store,
    space: str,
    workbook: RawWorkbook,
    validation: Validation,
    author: str | None = None,
) -> VersionInfo | None:
    """Publish a validated workbook as a new version; refuse (store nothing) if it has errors."""
    if not validation.valid:
        return None
    return store.publish(
        space,
        validation.tables,
        file=", ".join(workbook.files),
        sha256=workbook.sha256,
        author=author,
    )


def import_files(
    store: Store,
    space: str,
    files: Sequence[tuple[str, bytes]],
    author: str | None = None,
    reference: Reference | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    on_step: Step | None = None,
) -> ImportOutcome:
    workbook, validation = check(files, reference, max_bytes, on_step)
    if on_step:
        on_step("Publication d’une nouvelle version", 0.8)
    version = publish_checked(store, space, workbook, validation, author)
    return ImportOutcome(workbook, validation, version)
