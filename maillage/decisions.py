"""A committee's decisions on proposals (SPEC §3.2): kept forever, following the proposal's id.

Statuses are `retenue`, `ecartee` (a reason is required), `engagee`, `realisee`. The latest
decision on a proposal is its status; the history stays (append-only, `store_decisions.py`).
A proposal whose finding has disappeared from the latest version is listed as resolved by the
data, with its last decision. Permission is checked here, by the code that records, not only
by hiding buttons: a lecteur or a share link gets a French refusal and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from maillage.accounts import DECIDE, authorize
from maillage.store import Store
from maillage.store_decisions import DecisionRow, DecisionStore

STATUSES = ("retenue", "ecartee", "engagee", "realisee")
SET_ASIDE = "ecartee"
STATUS_LABELS = {
    "retenue": "Retenue",
    "ecartee": "Écartée",
    "engagee": "Engagée",
    "realisee": "Réalisée",
}


class DecisionRefused(ValueError):
    """The decision cannot be recorded as asked; the message is French, ready to show."""


@dataclass(frozen=True)
class Decision:
    proposal: str
    status: str
    comment: str | None
    author: str | None
    decided_at: str  # ISO 8601, UTC
    version: int | None

    def as_json(self) -> dict:
        return {
            "id": self.proposal,
            "status": self.status,
            "comment": self.comment,
            "author": self.author,
            "decided_at": self.decided_at,
            "version": self.version,
        }


def _decision(row: DecisionRow) -> Decision:
    return Decision(row.proposal, row.status, row.comment, row.author, row.decided_at, row.version)


def decide(
    store: Store,
    space: str,
    proposal: str,
    status: str,
    comment: str | None = None,
    *,
    author: str | None,
    role: str | None,
    known: Collection[str],
    version: int | None = None,
    now: datetime | None = None,
) -> Decision:
    """Record one decision, after checking who asks, the status, the reason and the id.

    `known` holds the ids a decision may name: the proposals of the latest version and
    those already decided (a resolved proposal may still be marked `realisee`)."""
    authorize(role, DECIDE)
    if status not in STATUSES:
        raise DecisionRefused(
            f"Statut inconnu « {status} » : choisissez parmi {', '.join(STATUSES)}."
        )
    comment = (comment or "").strip() or None
    if status == SET_ASIDE and not comment:
        raise DecisionRefused(
            "Écarter une piste demande une raison : écrivez en commentaire "
            "pourquoi le comité l’écarte."
        )
    rows = DecisionStore(store)
    decided = {row.proposal for row in rows.all(space)}
    if proposal not in known and proposal not in decided:
        raise DecisionRefused(
            f"Aucune piste « {proposal} » dans la dernière version de "
            f"l’espace « {space} » : copiez l’identifiant tel que "
            "l’affiche « maillage pistes » (ex. mutualiser:ctg+gmr)."
        )
    moment = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    return _decision(rows.add(space, proposal, status, comment, author, moment, version))


def latest(store: Store, space: str) -> dict[str, Decision]:
    """The last decision on each proposal of the space."""
    found: dict[str, Decision] = {}
    for row in DecisionStore(store).all(space):
        found[row.proposal] = _decision(row)
    return found


def history(store: Store, space: str, proposal: str) -> list[Decision]:
    """Every decision on one proposal, oldest first."""
    return [_decision(row) for row in DecisionStore(store).of(space, proposal)]


def resolved(
    decisions: dict[str, Decision], current: Iterable[str], visible: Collection[str] | None = None
) -> list[Decision]:
    """Decided proposals no longer in `current` (the latest version's whole list), sorted by
    id; `visible` keeps only those a scoped view may name."""
    now = set(current)
    return [
        d
        for pid, d in sorted(decisions.items())
        if pid not in now and (visible is None or pid in visible)
    ]
