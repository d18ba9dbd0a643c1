"""A proposal (« piste d'action », SPEC §3.2) as a frozen record, and the factors of its score.

Rules build `Draft`s (the finding, the numbers of its score, and how to word it); the ranking
scores every draft, sorts them, and freezes into `Proposal`s only those a reader is shown.
Everything a page, the command line or an export shows comes from these records: nothing is
recomputed downstream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Factor:
    """One named part of a score: `value` in [0, 1] times `weight` gives `points`."""

    name: str
    value: float
    weight: float
    detail: str  # the French words saying where the value comes from

    @property
    def points(self) -> float:
        return round(self.value * self.weight, 2)

    def as_json(self) -> dict:
        return {
            "value": round(self.value, 4),
            "weight": self.weight,
            "points": self.points,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Words:
    """What a proposal says: written only for the proposals a reader is shown, since a
    France-scale space finds tens of thousands and a committee reads ten."""

    title: str
    explanation: str
    evidence: Mapping[str, object] = field(default_factory=dict)
    strength_detail: str = ""
    actors: tuple[str, ...] = ()
    perimeters: tuple[str, ...] = ()
    query: Mapping[str, str] = field(default_factory=dict)  # its filter, as URL codes


@dataclass(frozen=True, slots=True)
class Draft:
    """What a rule found, before it is scored: the numbers the score reads, and `write`,
    which turns them into words when the proposal is shown."""

    rule: str
    keys: tuple[str, ...]  # the ids that define it (SPEC: sorted, joined by +)
    levers: tuple[str, ...]
    write: Callable[[], Words]
    schemes: tuple[str, ...] = ()
    positions: np.ndarray | None = None  # its communes, as positions in the territory
    commune_count: int = 0  # len(positions), or the shared communes of a pair
    population: int = 0
    strength: float = 0.0  # how strong the finding is, in [0, 1], as each rule defines it
    calendar_days: int | None = None  # common calendar still to run; None: does not apply
    page: str = ""  # stem of the page that shows the rows behind it
    folded: tuple[str, ...] = ()  # ids of the findings this one stands for

    @property
    def id(self) -> str:
        return f"{self.rule}:{'+'.join(sorted(self.keys))}"


def written(words: Words) -> Callable[[], Words]:
    """`write` for a rule that finds few proposals and writes them at once."""
    return lambda: words


@dataclass(frozen=True)
class Proposal:
    id: str
    rule: str
    levers: tuple[str, ...]
    title: str
    explanation: str
    score: float
    factors: tuple[Factor, ...]
    schemes: tuple[str, ...]
    actors: tuple[str, ...]
    perimeters: tuple[str, ...]
    communes: int
    population: int
    evidence: Mapping[str, object]
    page: str
    query: Mapping[str, str]
    folded: tuple[str, ...] = ()  # ids of the proposals an `articuler` stands for

    @property
    def lever(self) -> str:
        return self.levers[0]

    def as_json(self, status: str | None = None) -> dict:
        """SPEC §4's shape (`maillage pistes --json`), plus the explanation and the link."""
        return {
            "id": self.id,
            "rule": self.rule,
            "lever": self.lever,
            "levers": list(self.levers),
            "title": self.title,
            "explanation": self.explanation,
            "score": self.score,
            "factors": {f.name: f.as_json() for f in self.factors},
            "schemes": list(self.schemes),
            "actors": list(self.actors),
            "perimeters": list(self.perimeters),
            "communes": self.communes,
            "population": self.population,
            "evidence": dict(self.evidence),
            "folded": list(self.folded),
            "page": self.page,
            "query": dict(self.query),
            "status": status,
        }


def folded_ids(evidence: Mapping[str, object]) -> tuple[str, ...]:
    """The ids of the proposals an evidence says it stands for (its `folded` list)."""
    folded = evidence.get("folded", ())
    return tuple(str(x) for x in folded) if isinstance(folded, list | tuple | set) else ()
