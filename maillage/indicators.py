"""Every indicator for one model, as the JSON object of `maillage indicators`.

Each indicator lives in the module of its idea; this one only gathers them, so that the
command line, the exports, the report and the comparison of two versions (`maillage.changes`)
print the same numbers as the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from maillage.blockages import blockage_summary
from maillage.coverage import blank_communes, coverage
from maillage.mismatch import duplicate_coverage
from maillage.model import Model
from maillage.network import network_summary
from maillage.overlaps import pooling_candidates, side_by_side_not_crossing
from maillage.transversality import bridging_actors, late_funders, transversality

# SPEC §4's key → the JSON value of that indicator for a model (every list sorted)
SPEC_INDICATORS: dict[str, Callable[[Model], object]] = {
    "coverage": lambda model: coverage(model).to_dict(orient="records"),
    "blank_communes": blank_communes,
    "side_by_side_not_crossing": lambda model: [
        list(pair) for pair in side_by_side_not_crossing(model)
    ],
    "pooling_candidates": lambda model: [list(pair) for pair in pooling_candidates(model)],
    "transversality": transversality,
    "bridging_actors": bridging_actors,
    "late_funders": late_funders,
    "duplicate_coverage": duplicate_coverage,
    "blockages": blockage_summary,
}


def indicator_values(model: Model, names: Iterable[str]) -> dict:
    """Some indicators of SPEC §3 by their SPEC §4 key, computed as `indicators --json` does
    (or as it did when the version was published: `remember_indicators`)."""
    return {name: _value(model, name) for name in names}


def _value(model: Model, name: str) -> object:
    key = ("indicator", name)
    if key not in model.memo:
        model.memo[key] = SPEC_INDICATORS[name](model)
    return model.memo[key]


def remember_indicators(model: Model, values: Mapping[str, object]) -> None:
    """Give `model` the JSON values its indicators were found to have (`maillage.derived`)."""
    for name, value in values.items():
        model.memo[("indicator", name)] = value


def spec_indicators(model: Model) -> dict:
    """The indicators of SPEC §3, with the keys of SPEC §4 (every list sorted)."""
    return indicator_values(model, SPEC_INDICATORS)


def all_indicators(model: Model, *, space: str, version: int) -> dict:
    """SPEC §3 plus the network of actors and schemes (degree, sampled betweenness, isolated
    actors, components), for the version and the territory asked."""
    return {
        "space": space,
        "version": version,
        "perimeter": model.scope,
        **spec_indicators(model),
        "network": network_summary(model),
    }
