"""Atlas build time and the size of the map data sent to the browser, at region and France scale.

The bar: Auvergne-Rhône-Alpes (4,025 communes) drawn commune by commune under 5 MB of
pretty-printed JSON; France aggregated. `bench_atlas()` returns one dict per scale; the bench
runner prints them. Run alone: `python -m bench.atlas`.
"""

from __future__ import annotations

import json
import random
import time

import pandas as pd

from maillage.atlas import MAX_PAYLOAD_BYTES, build_atlas
from maillage.model import build_model
from maillage.reference import load_reference

SCHEME_TYPES = ["CTG", "GMR", "CLS", "PAT", "LEADER", "CRTE", "PVD"]
FIELDS = ["social", "developpement_local", "les_deux"]
FORMS = ["structure", "structure", "structure", "personne", "collectif_habitants"]


def synthetic_tables(communes: pd.DataFrame, actors: int, schemes: int, seed: int = 1) -> dict:
    """Départements and EPCI as perimeters, schemes spread over them, actors at their seat."""
    rng = random.Random(seed)
    codes = communes.index.tolist()
    members = communes.reset_index().groupby("epci")["code"].agg(";".join)
    perimeters = [{"id": f"DEP_{d}", "nom": f"Département {d}", "type": "departement",
                   "communes": f"dep:{d}", "composition": None}
                  for d in sorted(communes["departement"].unique())]
    perimeters += [{"id": f"EPCI_{e}", "nom": f"EPCI {e}", "type": "epci",
                    "communes": members[e], "composition": None} for e in members.index]
    ids = [p["id"] for p in perimeters]
    scheme_rows = [{"id": f"D{i}", "nom": f"Dispositif {i}", "type": rng.choice(SCHEME_TYPES),
                    "perimetre": rng.choice(ids), "pilote": None, "secteur": None,
                    "thematiques": "alimentation;sante"} for i in range(schemes)]
    actor_rows = [{"id": f"A{i}", "nom": f"Acteur {i}", "categorie": "association",
                   "champ": rng.choice(FIELDS), "forme": rng.choice(FORMS),
                   "commune": rng.choice(codes), "latitude": None, "longitude": None,
                   "ressort": None, "thematiques": None} for i in range(actors)]
    return {
        "acteurs": pd.DataFrame(actor_rows).astype({"latitude": float, "longitude": float}),
        "perimetres": pd.DataFrame(perimeters),
        "dispositifs": pd.DataFrame(scheme_rows),
    }


def measure(name: str, communes: pd.DataFrame, actors: int, schemes: int) -> dict:
    from maillage.ui.maps import atlas_deck  # pydeck lives in the UI layer only

    model = build_model(synthetic_tables(communes, actors, schemes))
    started = time.perf_counter()
    atlas = build_atlas(model, perimeter_types=["epci", "departement"])
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    deck = atlas_deck(atlas).to_json()
    deck_seconds = time.perf_counter() - started
    return {
        "step": f"atlas_{name}",
        "communes": len(model.territory),
        "actors": actors,
        "schemes": schemes,
        "level": atlas.level,
        "tolerance_degrees": round(atlas.tolerance, 5),
        "seconds": round(seconds, 3),
        "payload_bytes": atlas.payload_bytes(),
        "deck_json_bytes": len(deck.encode()),
        "deck_json_seconds": round(deck_seconds, 3),
        "under_limit": len(deck.encode()) < MAX_PAYLOAD_BYTES,
    }


def bench_atlas(region_actors: int = 10_000, region_schemes: int = 2_000,
                france_actors: int = 100_000, france_schemes: int = 15_000) -> dict:
    communes = load_reference().communes
    region = communes[communes["region"] == "84"]  # Auvergne-Rhône-Alpes, 4,025 communes
    return {
        "region": measure("region", region, region_actors, region_schemes),
        "france": measure("france", communes, france_actors, france_schemes),
    }


if __name__ == "__main__":
    for result in bench_atlas().values():
        print(json.dumps(result))
