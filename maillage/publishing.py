"""Read, validate, publish: the one path by which data enters a space, from the CLI or the UI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from maillage.completing import Completion, complete
from maillage.mapping import Relocation, apply_profile
from maillage.problems import Problem, sort_key
from maillage.profiles import Profile
from maillage.reference import Reference
from maillage.store import Store, VersionInfo
from maillage.texts import CANNOT_COMPLETE
from maillage.validation import Validation, validate
from maillage.workbook import MAX_FILE_BYTES, RawWorkbook, read_workbook

Step = Callable[[str, float], None]
Mode = Literal["remplacer", "completer"]
REPLACE: Mode = "remplacer"
COMPLETE: Mode = "completer"
MODES: tuple[Mode, ...] = (REPLACE, COMPLETE)


class CannotComplete(ValueError):
    """`completer` needs a published version to complete; the message says so in French."""


@dataclass(frozen=True)
class Checked:
    """A file read, mapped by its profile, completed onto the latest version if asked, and
    validated as a whole; every problem points at the analyst's own file."""

    workbook: RawWorkbook  # as read from the files
    validation: Validation
    completion: Completion | None = None
    profile: Profile | None = None

    @property
    def note(self) -> str | None:
        return self.completion.note(", ".join(self.workbook.files)) if self.completion else None


@dataclass(frozen=True)
class ImportOutcome:
    workbook: RawWorkbook
    validation: Validation
    version: VersionInfo | None  # None when validation found an error: nothing was stored
    completion: Completion | None = None


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


def read_source(
    files: Sequence[tuple[str, bytes]], profile: Profile | None, max_bytes: int = MAX_FILE_BYTES
) -> RawWorkbook:
    """The files as raw sheets; a built-in profile brings its own reader (JSON, services…)."""
    if profile is not None and profile.builtin:
        from maillage.national import read_national

        return read_national(profile.builtin, files, max_bytes)
    return read_workbook(files, max_bytes)


def check_files(
    files: Sequence[tuple[str, bytes]],
    *,
    profile: Profile | None = None,
    mode: Mode = REPLACE,
    store: Store | None = None,
    space: str | None = None,
    reference: Reference | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    on_step: Step | None = None,
) -> Checked:
    """Read, map by `profile`, complete the latest version of `space` (`completer`), validate.
    Raises UnreadableWorkbook, BadProfile or CannotComplete; never stores anything."""
    step = on_step or (lambda _label, _progress: None)
    step("Lecture du classeur", 0.1)
    source = read_source(files, profile, max_bytes)
    workbook, relocation = source, Relocation()
    problems: list[Problem] = []
    if profile is not None:
        mapped = apply_profile(source, profile, partial=mode == COMPLETE)
        workbook, relocation = mapped.workbook, mapped.relocation
        problems += mapped.problems
    completion = None
    if mode == COMPLETE:
        latest = store.latest(space) if store is not None and space else None
        if store is None or space is None or latest is None:
            raise CannotComplete(CANNOT_COMPLETE.format(space=space))
        step("Ajout des lignes du fichier à la dernière version", 0.25)
        keys = {profile.sheet: profile.key} if profile is not None else None
        completion = complete(
            store.load(space, latest.version), latest.version, workbook, relocation, keys
        )
        workbook, relocation = completion.workbook, completion.relocation
        problems += completion.problems
    step("Vérification des feuilles, des colonnes et des références", 0.4)
    validation = validate(workbook, reference)
    if completion is not None:
        completion = completion.recounted(validation.tables)
    located = sorted([*problems, *relocation.locate_all(validation.problems)], key=sort_key)
    return Checked(source, Validation(tuple(located), validation.tables), completion, profile)


def publish_checked(
    store: Store,
    space: str,
    workbook: RawWorkbook,
    validation: Validation,
    author: str | None = None,
    note: str | None = None,
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
        note=note,
    )


def import_files(
    store: Store,
    space: str,
    files: Sequence[tuple[str, bytes]],
    author: str | None = None,
    reference: Reference | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    on_step: Step | None = None,
    profile: Profile | None = None,
    mode: Mode = REPLACE,
) -> ImportOutcome:
    checked = check_files(
        files,
        profile=profile,
        mode=mode,
        store=store,
        space=space,
        reference=reference,
        max_bytes=max_bytes,
        on_step=on_step,
    )
    if on_step:
        on_step("Publication d’une nouvelle version", 0.8)
    version = publish_checked(
        store, space, checked.workbook, checked.validation, author, checked.note
    )
    return ImportOutcome(checked.workbook, checked.validation, version, checked.completion)
