"""The list a committee reads: proposals of one version with their decisions, and the
decided proposals the data has since resolved (`maillage pistes --json`, the page, the report).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from maillage.decisions import Decision, resolved
from maillage.model import Model
from maillage.proposals.findings import WHOLE_TERRITORY
from maillage.proposals.ranking import Ranking, proposal_ids
from maillage.proposals.record import Proposal
from maillage.vocabularies import VOCABULARIES

_CODES = set(VOCABULARIES["blockage_category"]) | set(VOCABULARIES["perimeter_type"])


@dataclass(frozen=True, eq=False)
class Listing:
    space: str
    version: int
    perimeter: str | None
    proposals: list[Proposal]  # best first
    decisions: dict[str, Decision]  # last decision per proposal id (this list's and resolved)
    resolved: list[Decision]  # decided proposals gone from the latest version, by id
    ids: list[str]  # every proposal of the view, best first (`proposals` may be the first)

    def status(self, proposal_id: str) -> str | None:
        decision = self.decisions.get(proposal_id)
        return decision.status if decision else None

    def as_json(self, limit: int | None = None) -> dict:
        shown = self.proposals if limit is None else self.proposals[: max(limit, 0)]
        return {
            "space": self.space,
            "version": self.version,
            "perimeter": self.perimeter,
            "proposals": [p.as_json(self.status(p.id)) for p in shown],
            "resolved": [d.as_json() for d in self.resolved],
        }


def reference_day(published_at: str) -> date:
    """The day a version was published: the day its calendars are counted from, so that one
    version always gives the same scores."""
    return date.fromisoformat(published_at[:10])


def listing(
    model: Model,
    *,
    space: str,
    version: int,
    today: date,
    decisions: dict[str, Decision],
    whole: Model | None = None,
    limit: int | None = None,
) -> Listing:
    """`model` is the view (perimeter, types); `whole` the version's whole space, which says
    what is resolved (a proposal outside a perimeter is not resolved, only out of view);
    `limit`: only the first proposals are worded (what is resolved still reads them all)."""
    ranking = Ranking(model, today)
    whole_space = whole is None or whole is model
    every = proposal_ids(whole, today) if whole is not None and whole is not model else ranking.ids
    return assemble(
        model,
        ranking.proposals(limit),
        every,
        space=space,
        version=version,
        decisions=decisions,
        whole_space=whole_space,
        ids=ranking.ids,
    )


def assemble(
    model: Model,
    proposals: list[Proposal],
    every: list[str] | None,
    *,
    space: str,
    version: int,
    decisions: dict[str, Decision],
    whole_space: bool = False,
    ids: list[str] | None = None,
) -> Listing:
    """The listing from proposals already built (a page caches them per version and view,
    and reads the decisions afresh on every run); `every`: the whole space's ids, None when
    `model` is the whole space and `proposals` all of its proposals (`whole_space`: `model`
    is the whole space, `proposals` maybe only its first ones; `ids`: every id of the view,
    when `proposals` are only the first)."""
    view_ids = ids if ids is not None else [p.id for p in proposals]
    shown = {p.id for p in proposals}
    if every is None:
        gone = resolved(decisions, shown)
    elif whole_space:
        gone = resolved(decisions, every)
    else:
        gone = resolved(decisions, every, {pid for pid in decisions if within(pid, model)})
    gone_ids = {d.proposal for d in gone}
    return Listing(
        space,
        version,
        model.scope,
        proposals,
        {pid: d for pid, d in decisions.items() if pid in shown or pid in gone_ids},
        gone,
        view_ids,
    )


def within(proposal_id: str, model: Model) -> bool:
    """Whether every id a proposal's id is made of belongs to `model` (a scoped view names
    nothing outside its perimeter, not even in the list of resolved proposals)."""
    _, _, keys = proposal_id.partition(":")
    epci = set(model.communes["epci"].dropna().astype(str))
    for key in keys.split("+"):
        if key == WHOLE_TERRITORY and model.scope is not None:
            return False
        if not (
            key in model.schemes.index
            or key in model.actors.index
            or key in model.perimeters.index
            or key in epci
            or key in _CODES
            or key == WHOLE_TERRITORY
        ):
            return False
    return True
