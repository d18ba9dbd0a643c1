"""What a version gives — SPEC §3's indicators and §3.2's proposals of its whole space —
derived once and kept beside it (`maillage.store_derived`).

A published version never changes, and its proposals are dated by its publication
(`reference_day`), so what it gives never changes either: the comparison of two versions and
`maillage pistes` read what was kept instead of deriving it again (at France scale: 45 s of
proposals, 3 s of indicators and ids). The command line derives a version when it publishes
it, and any reader derives a version it finds without, and keeps the result.

Only the whole space, as the local analyst sees it, is kept: a share link's scope, a perimeter
or hidden persons make another model, derived afresh. Every row is keyed by a fingerprint of
the domain's code, so after an upgrade a version is derived again on first read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from maillage.store import Store, VersionInfo
from maillage.store_derived import DerivedStore

if TYPE_CHECKING:
    from maillage.decisions import Decision
    from maillage.model import Model

PROPOSAL_IDS = "proposal ids"  # JSON list, best first
PROPOSALS = "proposals"  # one compact JSON object per line, best first, `status` null

_DOMAIN = Path(__file__).resolve().parent
_NO_STATUS = b'"status": null}'


@cache
def fingerprint() -> str:
    """The sha256 of what derives: the domain's code (not the screens') and the reference
    communes the model reads (not their shapes, which only maps draw)."""
    from maillage.reference import REFERENCE_DIR

    code = [p for p in _DOMAIN.rglob("*.py") if "ui" not in p.relative_to(_DOMAIN).parts]
    tables = [p for p in REFERENCE_DIR.glob("*.parquet") if not p.stem.endswith("_shapes")]
    digest = hashlib.sha256()
    for path in sorted(code) + sorted(tables):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def indicator(name: str) -> str:
    """The kind of one SPEC §3 indicator (by its SPEC §4 key): its JSON value, as
    `indicators --json` prints it. One row each, so a reader loads only those it reads."""
    return f"indicator:{name}"


def derive(
    store: Store,
    info: VersionInfo,
    kinds: Iterable[str] | None = None,
    model: Model | None = None,
) -> dict[str, str]:
    """Derive `kinds` of a published version (every indicator and the proposals by default)
    from its whole space (`model` when already built from it), keep them and return them.
    PROPOSALS brings their ids along."""
    from maillage.indicators import SPEC_INDICATORS, indicator_values
    from maillage.model import build_model
    from maillage.proposals import build_proposals, proposal_ids
    from maillage.proposals.listing import reference_day

    wanted = set(kinds) if kinds is not None else {*map(indicator, SPEC_INDICATORS), PROPOSALS}
    if model is None:
        model = build_model(store.load(info.space, info.version))
    day = reference_day(info.published_at)
    names = [name for name in SPEC_INDICATORS if indicator(name) in wanted]
    texts = {indicator(k): _json(v) for k, v in indicator_values(model, names).items()}
    if PROPOSALS in wanted:
        proposals = build_proposals(model, day)
        texts[PROPOSALS] = "\n".join(_json(p.as_json(None)) for p in proposals)
        texts[PROPOSAL_IDS] = _json([p.id for p in proposals])
    elif PROPOSAL_IDS in wanted:
        texts[PROPOSAL_IDS] = _json(proposal_ids(model, day))
    DerivedStore(store).put(info.space, info.version, fingerprint(), texts)
    return texts


def kept(store: Store, info: VersionInfo, kind: str) -> bytes | None:
    """What this code kept of `kind` for the version (UTF-8), or None."""
    return DerivedStore(store).get(info.space, info.version, fingerprint(), kind)


def recall(
    store: Store,
    info: VersionInfo,
    model: Model,
    indicators: Iterable[str],
    *,
    derive_missing: bool = False,
) -> None:
    """Give `model`, the version's whole space, the `indicators` and proposal ids kept for
    it, so that comparing it computes none of them; what was not kept is derived and kept
    first when `derive_missing` (the command line), else left to be computed (a page)."""
    from maillage.indicators import remember_indicators
    from maillage.proposals.listing import reference_day
    from maillage.proposals.ranking import remember_ids

    names = list(indicators)
    kinds = [*map(indicator, names), PROPOSAL_IDS]
    texts: dict[str, str | bytes | None] = {kind: kept(store, info, kind) for kind in kinds}
    missing = [kind for kind, text in texts.items() if text is None]
    if missing and derive_missing:
        texts.update(derive(store, info, missing, model))
    found = {name: texts[indicator(name)] for name in names}
    remember_indicators(model, {k: json.loads(v) for k, v in found.items() if v is not None})
    if (ids := texts[PROPOSAL_IDS]) is not None:
        remember_ids(model, reference_day(info.published_at), json.loads(ids))


def write_listing(
    out: BinaryIO,
    store: Store,
    info: VersionInfo,
    decisions: Mapping[str, Decision],
    limit: int | None,
) -> None:
    """Write `maillage pistes --json` of the version's whole space to `out`, byte for byte
    what `Listing.as_json` gives, from the proposals kept (derived first when none were):
    170 MB at France scale, written from the kept bytes without a copy."""
    from maillage.decisions import resolved

    lines, ids = kept(store, info, PROPOSALS), kept(store, info, PROPOSAL_IDS)
    if lines is None or ids is None:
        texts = derive(store, info, [PROPOSALS])
        lines, ids = texts[PROPOSALS].encode(), texts[PROPOSAL_IDS].encode()
    every: list[str] = json.loads(ids)
    shown = every if limit is None else every[: max(limit, 0)]
    head = _json({"space": info.space, "version": info.version, "perimeter": None})[:-1]
    out.write(f'{head}, "proposals": ['.encode())
    view, start = memoryview(lines), 0
    for rank, pid in enumerate(shown):
        end = lines.find(b"\n", start)
        end = len(lines) if end < 0 else end
        out.write(b", " if rank else b"")
        decision = decisions.get(pid)
        out.write(view[start:end] if decision is None else _with_status(view[start:end], decision))
        start = end + 1
    gone = _json([d.as_json() for d in resolved(dict(decisions), every)])
    out.write(f'], "resolved": {gone}}}\n'.encode())


def _with_status(line: memoryview, decision: Decision) -> bytes:
    """A kept proposal with its status, the last key of SPEC §4's shape."""
    text = line.tobytes()
    assert text.endswith(_NO_STATUS), text[-40:]
    return text[: -len(_NO_STATUS)] + f'"status": {_json(decision.status)}}}'.encode()
