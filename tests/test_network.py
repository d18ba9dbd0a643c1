"""Network measures of the actor–scheme graph, against networkx on hand-made and random
workbooks (networkx is the independent reference here)."""

import networkx as nx
import numpy as np
import pytest
from networkx.algorithms import bipartite
from scipy import sparse

from maillage import network
from maillage.network import betweenness, network_measures, network_summary
from tests.test_transversality import model_of, random_sheets
from tests.workbooks import minimal_sheets


def reference_graph(sheets):
    """The bipartite graph built from the sheets themselves, pilote included."""
    graph = nx.Graph()
    graph.add_nodes_from((a["id"] for a in sheets["acteurs"]), kind="acteur")
    graph.add_nodes_from((d["id"] for d in sheets["dispositifs"]), kind="dispositif")
    graph.add_edges_from((d["pilote"], d["id"]) for d in sheets["dispositifs"] if d.get("pilote"))
    graph.add_edges_from((p["acteur"], p["dispositif"]) for p in sheets.get("participations", []))
    return graph


def test_minimal_workbook_by_hand():
    sheets = minimal_sheets()
    sheets["acteurs"].append(
        {"id": "A_SEUL", "nom": "Association isolée", "categorie": "association", "champ": "social"}
    )
    measures = network_measures(model_of(sheets))
    actors = measures.actors
    # A_CC pilots both schemes, A_CAF funds both; A_CS is in the CTG only, A_CHA in the PAT.
    assert actors["degree"].to_dict() == {"A_CC": 2, "A_CAF": 2, "A_CS": 1, "A_CHA": 1, "A_SEUL": 0}
    assert measures.schemes["degree"].to_dict() == {"D_CTG": 3, "D_PAT": 3}
    # Projected: A_CC and A_CAF meet everyone; A_CS and A_CHA only meet them.
    assert actors["neighbours"].to_dict() == {
        "A_CC": 3,
        "A_CAF": 3,
        "A_CS": 2,
        "A_CHA": 2,
        "A_SEUL": 0,
    }
    # A_CS–A_CHA has two shortest paths (via A_CC or A_CAF): each carries 1/2 of 1 pair,
    # normalised by (n-1)(n-2)/2 = 6 pairs.
    assert actors.loc["A_CC", "betweenness"] == pytest.approx(0.5 / 6)
    assert actors.loc["A_CS", "betweenness"] == 0
    assert actors["isolated"].to_dict()["A_SEUL"] and actors["isolated"].sum() == 1
    assert measures.components == 2  # everyone linked, plus the isolated association
    assert measures.largest_component_share == pytest.approx(4 / 5)
    assert measures.sampled_sources is None
    summary = network_summary(model_of(sheets))
    assert summary["isolated_actors"] == ["A_SEUL"]
    assert summary["top_betweenness"] == ["A_CAF", "A_CC"]


@pytest.mark.parametrize("seed", range(8))
def test_random_workbooks_match_networkx(seed):
    sheets = random_sheets(seed)
    model = model_of({k: v for k, v in sheets.items() if v})
    measures = network_measures(model)
    graph = reference_graph(sheets)
    actors = [n for n, kind in graph.nodes(data="kind") if kind == "acteur"]
    projected = bipartite.projected_graph(graph, actors)
    expected = nx.betweenness_centrality(projected)
    for actor in actors:
        row = measures.actors.loc[actor]
        assert row["degree"] == graph.degree(actor)
        assert row["neighbours"] == projected.degree(actor)
        assert row["betweenness"] == pytest.approx(expected[actor], abs=1e-12)
        assert row["isolated"] == (graph.degree(actor) == 0)
    assert measures.components == nx.number_connected_components(graph)
    same = {a: measures.actors.loc[a, "component"] for a in actors}
    for component in nx.connected_components(graph):
        members = {same[n] for n in component if n in same}
        assert len(members) <= 1


def test_betweenness_of_random_graphs_matches_networkx():
    for seed, (n, p) in enumerate([(40, 0.1), (150, 0.03), (300, 0.01)]):
        graph = nx.gnp_random_graph(n, p, seed=seed)
        matrix = sparse.csr_matrix(nx.to_scipy_sparse_array(graph, nodelist=range(n)))
        expected = nx.betweenness_centrality(graph)
        assert betweenness(matrix) == pytest.approx([expected[i] for i in range(n)], abs=1e-12)
        # Every node taken as a sample source is the exact value again.
        assert betweenness(matrix, np.arange(n)) == pytest.approx(betweenness(matrix))


def test_large_graphs_are_sampled(monkeypatch):
    monkeypatch.setattr(network, "SAMPLE_ABOVE", 2)
    monkeypatch.setattr(network, "MIN_SAMPLE", 2)
    sheets = random_sheets(3)
    measures = network_measures(model_of({k: v for k, v in sheets.items() if v}))
    assert measures.sampled_sources == 2
    assert (measures.actors["betweenness"] >= 0).all()
    assert network.sample_size(nodes=10, stored=10) == 2  # above SAMPLE_ABOVE: sampled
