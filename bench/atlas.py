"""Atlas build time and the size of the map data sent to the browser.

The bar: Auvergne-Rhône-Alpes (4,025 communes) drawn commune by commune under 5 MB of
pretty-printed JSON; France aggregated. The bench runner passes the model of each scale
(`bench.indicators_scale.synthetic_tables`). Run alone: `python -m bench.atlas`.
"""

from __future__ import annotations

import json
import time

from maillage.atlas import MAX_PAYLOAD_BYTES, build_atlas
from maillage.model import Model, build_model


def bench_atlas(model: Model) -> dict:
    from maillage.ui.atlas import atlas_deck  # pydeck lives in the UI layer only

    started = time.perf_counter()
    atlas = build_atlas(model, perimeter_types=["epci", "departement"])
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    deck = atlas_deck(atlas).to_json()
    deck_seconds = time.perf_counter() - started
    return {
        "step": "atlas",
        "communes": len(model.territory),
        "actors": len(model.actors),
        "schemes": len(model.schemes),
        "level": atlas.level,
        "tolerance_degrees": round(atlas.tolerance, 5),
        "seconds": round(seconds, 3),
        "payload_bytes": atlas.payload_bytes(),
        "deck_json_bytes": len(deck.encode()),
        "deck_json_seconds": round(deck_seconds, 3),
        "under_limit": len(deck.encode()) < MAX_PAYLOAD_BYTES,
    }


if __name__ == "__main__":
    from bench.indicators_scale import synthetic_tables

    for scale in ("region", "france"):
        print(json.dumps({"scale": scale, **bench_atlas(build_model(synthetic_tables(scale)))}))
