"""The actor–scheme network: who is connected to whom through the schemes they share.

The bipartite graph links an actor to each scheme it takes part in (pilote included). Its
projection on actors links two actors sharing a scheme; betweenness there finds the actors
through whom the shortest ways between others pass — the « personnes relais » seen from the
graph rather than from the sectors. Betweenness is exact on small graphs and sampled (`k`
sources, fixed seed) above a few thousand actors, so a region stays interactive.

The measures run on scipy.sparse matrices (Brandes' algorithm by blocks of sources,
csgraph components): networkx's Python loops took 11 s on a synthetic region (10,000
actors) where this takes about 1 s. networkx stays the reference the tests compare with,
and draws the layout of the figure.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.model import Model

SAMPLE_ABOVE = 3000  # actors in the projected graph above which betweenness is sampled
# One breadth-first pass costs about (stored adjacency entries + actors) per source; fewer
# sources are sampled, even below SAMPLE_ABOVE, when all of them would exceed this budget
# (measured: ~1 s for a synthetic region of 10,000 actors, 122 sources).
WORK_BUDGET = 30_000_000
MIN_SAMPLE = 16
CHUNK = 64  # sources walked together (memory: actors * CHUNK floats per array)
SEED = 20231121


@dataclass(frozen=True)
class NetworkMeasures:
    actors: pd.DataFrame  # index actor id: degree, neighbours, betweenness, component, isolated
    schemes: pd.DataFrame  # index scheme id: degree
    components: int  # connected components of the bipartite graph (isolated nodes included)
    largest_component_share: float | None  # share of actors in the largest component
    sampled_sources: int | None  # k of the betweenness sample, None when exact

    def summary(self) -> dict:
        """The JSON-friendly figures (ids sorted, shares in [0, 1])."""
        actors = self.actors
        return {
            "actors": len(actors),
            "schemes": len(self.schemes),
            "links": int(actors["degree"].sum()),
            "isolated_actors": sorted(str(a) for a in actors.index[actors["isolated"]]),
            "components": self.components,
            "largest_component_share": self.largest_component_share,
            "betweenness_sampled_sources": self.sampled_sources,
            "top_betweenness": [
                str(a)
                for a in actors.assign(key=actors.index)
                .sort_values(["betweenness", "degree", "key"], ascending=[False, False, True])
                .index[:10]
                if actors.at[a, "betweenness"] > 0
            ],
        }


def participation_positions(model: Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(actor positions, scheme positions, participation row numbers) of the participations
    whose actor and scheme are both in the model; a property of the (immutable) model, built
    once, as every indicator of this module family starts from them."""
    return model.participation_positions


def links(model: Model) -> pd.DataFrame:
    """acteur, dispositif: one row per actor–scheme pair, whatever the number of roles."""
    actors, schemes, _ = participation_positions(model)
    pairs = pd.DataFrame({"a": actors, "s": schemes}).drop_duplicates()
    return pd.DataFrame(
        {
            "acteur": model.actors.index.to_numpy(dtype=object)[pairs["a"].to_numpy()],
            "dispositif": model.schemes.index.to_numpy(dtype=object)[pairs["s"].to_numpy()],
        }
    )


def incidence(model: Model) -> sparse.csr_matrix:
    """Actor × scheme 0/1 matrix (rows: model.actors, columns: model.schemes)."""
    actors, schemes, _ = participation_positions(model)
    matrix = sparse.csr_matrix(
        (np.ones(len(actors)), (actors, schemes)), shape=(len(model.actors), len(model.schemes))
    )
    matrix.data[:] = 1.0  # several roles in one scheme are one link
    return matrix


def projection(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """Actors linked when they share a scheme: B·Bᵀ without its diagonal, as 0/1."""
    shared = (matrix @ matrix.T).tocsr()
    shared.setdiag(0)
    shared.eliminate_zeros()
    shared.data[:] = 1.0
    return shared


def actor_pairs(model: Model) -> pd.DataFrame:
    """a, b (a < b), weight = number of schemes they share: the projected graph's edges."""
    members = incidence(model)
    shared = sparse.triu(members @ members.T, k=1).tocoo()
    actors = model.actors.index
    return pd.DataFrame(
        {"a": actors[shared.row], "b": actors[shared.col], "weight": shared.data.astype("int64")}
    )


def sample_size(nodes: int, stored: int) -> int | None:
    """How many sources to sample: at most SAMPLE_ABOVE, at most what the budget allows (but
    MIN_SAMPLE), and None — exact — when that covers every node anyway."""
    affordable = WORK_BUDGET // max(stored + nodes, 1)
    k = max(MIN_SAMPLE, min(affordable, SAMPLE_ABOVE))
    return None if k >= nodes else k


def betweenness(matrix: sparse.csr_matrix, sources: np.ndarray | None = None) -> np.ndarray:
    """Normalised betweenness of an unweighted undirected graph (networkx's definition),
    exact over all sources or estimated from `sources` (scaled by n / k).

    Brandes' algorithm run for a block of sources at once: the breadth-first layers and the
    back-propagated dependencies are sparse × dense products, so the work happens in scipy's
    C loops instead of networkx's Python ones (about 30 times faster on a region)."""
    n = matrix.shape[0]
    total = np.zeros(n)
    if n < 3:
        return total
    sources = np.arange(n) if sources is None else np.asarray(sources)
    for block in np.array_split(sources, max(1, math.ceil(len(sources) / CHUNK))):
        total += _dependencies(matrix, block)
    return total * (n / len(sources)) / ((n - 1) * (n - 2))


def _dependencies(matrix: sparse.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Sum over `sources` of Brandes' dependencies δ_s(v)."""
    n, k = matrix.shape[0], len(sources)
    columns = np.arange(k)
    sigma = np.zeros((n, k))
    sigma[sources, columns] = 1.0
    depth = np.full((n, k), -1, dtype=np.int32)
    depth[sources, columns] = 0
    frontier, level = sigma.copy(), 0
    while True:  # forward: layer by layer, counting shortest paths
        reached = matrix @ frontier
        new = (depth < 0) & (reached > 0)
        if not new.any():
            break
        level += 1
        depth[new] = level
        sigma[new] = reached[new]
        frontier = np.where(new, sigma, 0.0)
    delta = np.zeros((n, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for current in range(level - 1, 0, -1):  # backward: dependencies of each layer
            coefficient = np.where(depth == current + 1, (1.0 + delta) / sigma, 0.0)
            inner = depth == current
            delta[inner] = (sigma * (matrix @ coefficient))[inner]
    return delta.sum(axis=1)


_MEASURED: weakref.WeakKeyDictionary[Model, NetworkMeasures] = weakref.WeakKeyDictionary()


def network_measures(model: Model) -> NetworkMeasures:
    """Degree, betweenness of the projected actor graph, isolated actors and connected
    components of the bipartite graph, for the territory and types the model is cut to;
    computed once per (immutable) model, as `overlaps.pairs_at_threshold`: the indicators,
    the proposals and the changes between versions read the same measures."""
    if model not in _MEASURED:
        _MEASURED[model] = _measure(model)
    return _MEASURED[model]


def _measure(model: Model) -> NetworkMeasures:
    actors = model.actors.index
    members = incidence(model)
    degree = np.diff(members.indptr).astype("int64")
    matrix = projection(members)
    k = sample_size(matrix.shape[0], matrix.nnz)
    sources = (
        None if k is None else np.random.default_rng(SEED).choice(matrix.shape[0], k, replace=False)
    )
    bipartite = sparse.bmat([[None, members], [members.T, None]], format="csr")
    from scipy.sparse import csgraph  # 0,1 s to import: only the network measures need it

    count, labels = csgraph.connected_components(bipartite, directed=False)
    component = labels[: len(actors)]
    table = pd.DataFrame(
        {
            "degree": degree,
            "neighbours": np.diff(matrix.indptr).astype("int64"),
            "betweenness": betweenness(matrix, sources),
            "component": component.astype("int64"),
            "isolated": degree == 0,
        },
        index=actors,
    )
    largest = int(np.bincount(component).max()) if len(actors) else 0
    return NetworkMeasures(
        actors=table,
        schemes=pd.DataFrame(
            {"degree": np.asarray(members.sum(axis=0)).ravel().astype("int64")},
            index=model.schemes.index,
        ),
        components=int(count),
        largest_component_share=(largest / len(actors)) if len(actors) else None,
        sampled_sources=k,
    )


def network_summary(model: Model) -> dict:
    """`network_measures(model).summary()`, for the command line and exports."""
    return network_measures(model).summary()
