"""Every indicator for one model, as the JSON object of `maillage indicators`.

Each indicator lives in the module of its idea; this one only gathers them, so that the
command line, the exports and the report print the same numbers as the pages.
"""

from __future__ import annotations

from maillage.blockages import blockage_summary
from maillage.coverage import blank_communes, coverage
from maillage.mismatch import duplicate_coverage
from maillage.model import Model
from maillage.network import network_summary
from maillage.overlaps import pooling_candidates, side_by_side_not_crossing
from maillage.transversality import bridging_actors, late_funders, transversality


def spec_indicators(model: Model) -> dict:
    """The indicators of SPEC §3, with the keys of SPEC §4 (every list sorted)."""
    return {
        "coverage": coverage(model).to_dict(orient="records"),
        "blank_communes": blank_communes(model),
        "side_by_side_not_crossing": [list(pair) for pair in side_by_side_not_crossing(model)],
        "pooling_candidates": [list(pair) for pair in pooling_candidates(model)],
        "transversality": transversality(model),
        "bridging_actors": bridging_actors(model),
        "late_funders": late_funders(model),
        "duplicate_coverage": duplicate_coverage(model),
        "blockages": blockage_summary(model),
    }


def all_indicators(model: Model, *, space: str, version: int) -> dict:
    """SPEC §3 plus the network of actors and schemes (degree, sampled betweenness, isolated
    actors, components), for the version and the territory asked."""
    return {"space": space, "version": version, "perimeter": model.scope,
            **spec_indicators(model), "network": network_summary(model)}
