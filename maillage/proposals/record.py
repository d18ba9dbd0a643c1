"""A proposal (« piste d'action », SPEC §3.2) as a frozen record, and the factors of its score.

Rules build `Draft`s (the finding, its evidence and the communes it touches); the ranking adds
the score and freezes them into `Proposal`s. Everything a page, the command line or an export
shows comes from these records: nothing is recomputed downstream.
"""

from __future__ import annotations

from collections.abc import Mapping
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
        return {"value": round(self.value, 4), "weight": self.weight, "points": self.points,
                "detail": self.detail}


@dataclass(frozen=True)
class Draft:
    """What a rule found, before it is scored."""

    rule: str
    keys: tuple[str, ...]  # the ids that define it (SPEC: sorted, joined by +)
    levers: tuple[str, ...]
    title: str
    explanation: str
    schemes: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    perimeters: tuple[str, ...] = ()
    positions: np.ndarray | None = None  # its communes, as positions in the territory
    commune_count: int = 0  # len(positions), or the shared communes of a pair
    population: int = 0
    evidence: Mapping[str, object] = field(default_factory=dict)
    strength: float = 0.0  # how strong the finding is, in [0, 1] (see ranking.STRENGTH)
    strength_detail: str = ""
    calendar_days: int | None = None  # common calendar still to run; None: does not apply
    page: str = ""  # stem of the page that shows the rows behind it
    query: Mapping[str, str] = field(default_factory=dict)  # its filter, as URL codes

    @property
    def id(self) -> str:
        return f"{self.rule}:{'+'.join(sorted(self.keys))}"


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
            "id": self.id, "rule": self.rule, "lever": self.lever, "levers": list(self.levers),
            "title": self.title, "explanation": self.explanation, "score": self.score,
            "factors": {f.name: f.as_json() for f in self.factors},
            "schemes": list(self.schemes), "actors": list(self.actors),
            "perimeters": list(self.perimeters), "communes": self.communes,
            "population": self.population, "evidence": dict(self.evidence),
            "folded": list(self.folded), "page": self.page, "query": dict(self.query),
            "status": status,
        }
