"""What the atlas sends to the browser: the right level, the right numbers, a bounded size."""

import json
import math

import pytest
import shapely

from maillage.atlas import (
    MAX_PAYLOAD_BYTES,
    build_atlas,
    class_edges,
    shape_level,
    view_from_bounds,
    with_themes,
)
from maillage.model import build_model
from maillage.publishing import check
from maillage.reference import load_reference
from tests.workbooks import minimal_sheets, xlsx_bytes

EPCI_PART = ["03007", "03098", "03101", "03136"]

AURA = ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"]


def model_of(sheets):
    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets))])
    assert validation.valid, [p.message for p in validation.problems[:5]]
    return build_model(validation.tables)


@pytest.fixture(scope="module")
def small():
    return model_of(minimal_sheets())


def region_sheets():
    """Auvergne-Rhône-Alpes: its départements and EPCI as perimeters, a CTG on every other
    EPCI, a PAT per département, and three actors per EPCI seat."""
    reference = load_reference()
    communes = reference.communes[reference.communes["region"] == "84"]
    epcis = sorted(communes["epci"].dropna().unique())
    perimeters = [
        {"id": f"DEP_{d}", "nom": f"Département {d}", "type": "departement", "communes": f"dep:{d}"}
        for d in AURA
    ]
    members = communes.reset_index().groupby("epci")["code"].agg(";".join)  # inside the region
    perimeters += [
        {
            "id": f"EPCI_{e}",
            "nom": str(reference.epci.at[e, "nom"]),
            "type": "epci",
            "communes": members[e],
        }
        for e in epcis
    ]
    schemes = [
        {
            "id": f"CTG_{e}",
            "nom": f"CTG {e}",
            "type": "CTG",
            "perimetre": f"EPCI_{e}",
            "thematiques": "enfance_jeunesse",
        }
        for e in epcis[::2]
    ]
    schemes += [
        {
            "id": f"PAT_{d}",
            "nom": f"PAT {d}",
            "type": "PAT",
            "perimetre": f"DEP_{d}",
            "thematiques": "alimentation",
        }
        for d in AURA
    ]
    seats = communes.reset_index().groupby("epci")["code"].first()
    actors = []
    for e, seat in seats.items():
        for field, form in (
            ("social", "structure"),
            ("developpement_local", "personne"),
            ("les_deux", "collectif_habitants"),
        ):
            actors.append(
                {
                    "id": f"A_{e}_{field}",
                    "nom": f"Acteur {field} de {seat}",
                    "categorie": "association",
                    "champ": field,
                    "forme": form,
                    "commune": seat,
                }
            )
    return {"acteurs": actors, "perimetres": perimeters, "dispositifs": schemes}


@pytest.fixture(scope="module")
def region():
    return model_of(region_sheets())


def test_small_territory_is_drawn_commune_by_commune(small):
    atlas = build_atlas(small)
    assert atlas.level == "commune"
    assert atlas.communes == 5
    assert atlas.blank == 1
    names = load_reference().communes["nom"]
    assert sorted({a["label"] for a in atlas.records("area")}) == sorted(
        f"{names[c]} ({c})" for c in ["03007", "03098", "03101", "03136", "03140"]
    )
    # Layers by (class, blank): 03140 has one scheme (the PAT) and no social one.
    keys = {layer.key: {r["label"] for r in layer.records} for layer in atlas.of_kind("area")}
    assert keys == {
        (1, True): {f"{names['03140']} (03140)"},
        (2, False): {f"{names[c]} ({c})" for c in EPCI_PART},
    }
    blank = atlas.of_kind("area")[0].records[0]
    assert blank["detail"] == "1 dispositif · commune blanche : aucun dispositif social"
    for area in atlas.records("area"):
        assert set(area) == {"label", "detail", "polygon"}
        ring = area["polygon"]
        assert len(ring) % 2 == 0 and ring[:2] == ring[-2:]  # closed, flat lon/lat
        assert all(round(x, 4) == x for x in ring)


def test_bounds_and_view_frame_the_territory(small):
    atlas = build_atlas(small)
    west, south, east, north = atlas.bounds
    communes = load_reference().communes.loc[small.territory]
    assert west < communes["longitude"].min() <= communes["longitude"].max() < east
    assert south < communes["latitude"].min() <= communes["latitude"].max() < north
    view = view_from_bounds(atlas.bounds)
    assert west < view["longitude"] < east and south < view["latitude"] < north
    # A few communes are seen far closer than the whole of France.
    assert view["zoom"] > view_from_bounds((-5.2, 41.3, 9.6, 51.1))["zoom"] + 3


def test_actors_are_points_by_field_and_form(small):
    atlas = build_atlas(small)
    # Only the centre social sits inside the five communes: it alone is a point.
    assert sum(p["count"] for p in atlas.records("actors")) == 1 == atlas.actors
    assert {layer.key for layer in atlas.of_kind("actors")} == {("social", "structure")}
    [centre] = atlas.records("actors")
    assert centre["label"] == "Centre social du bocage"
    assert centre["detail"] == (
        "Association, centre social, EVS, éducation populaire · Social · Structure"
    )


def test_actors_seated_outside_the_territory_are_listed_not_drawn(small):
    """Montluçon (03185) and Moulins (03190) are not among the five communes: their actors
    would float in the blank around the shapes."""
    atlas = build_atlas(small)
    assert atlas.outside == (
        "CAF de l’Allier (Moulins)",
        "Chambre d’agriculture (Moulins)",
        "Montluçon Communauté (Montluçon)",
    )
    drawn = {p["label"] for p in atlas.records("actors")}
    assert not drawn & {"CAF de l’Allier", "Chambre d’agriculture", "Montluçon Communauté"}
    # once the territory holds their seat, they are on the map and no longer listed
    sheets = minimal_sheets()
    sheets["acteurs"][0]["commune"] = "03098"
    inside = build_atlas(model_of(sheets))
    assert "Montluçon Communauté" in {p["label"] for p in inside.records("actors")}
    assert inside.outside == ("CAF de l’Allier (Moulins)", "Chambre d’agriculture (Moulins)")


def test_the_territory_is_outlined(small):
    atlas = build_atlas(small)
    [territory] = atlas.of_kind("territory")
    assert territory.records, "no outline"
    for record in territory.records:
        assert set(record) == {"label", "detail", "path"}
        ring = record["path"]
        assert ring[:2] == ring[-2:] and all(round(x, 4) == x for x in ring)
    xs = [x for r in territory.records for x in r["path"][0::2]]
    ys = [y for r in territory.records for y in r["path"][1::2]]
    west, south, east, north = atlas.bounds
    slack = 2 * atlas.tolerance + 1e-4  # simplified, then rounded to 4 decimals
    assert abs(min(xs) - west) < slack and abs(max(xs) - east) < slack
    assert abs(min(ys) - south) < slack and abs(max(ys) - north) < slack
    # one ring per separate part of the territory, as the exact union of its communes has
    from maillage.reference import load_shapes

    exact = shapely.union_all(load_shapes("commune", small.territory)["geometry"].to_numpy())
    assert len(territory.records) == len(shapely.get_parts(exact)) == 5


def test_actors_at_one_place_with_one_field_share_a_point():
    sheets = minimal_sheets()
    for i in range(5):
        sheets["acteurs"].append(
            {
                "id": f"A_P{i}",
                "nom": f"Élu {i}",
                "categorie": "collectivite",
                "champ": "social",
                "forme": "personne",
                "commune": "03098",
            }
        )
    atlas = build_atlas(model_of(sheets))
    [people] = [layer for layer in atlas.of_kind("actors") if layer.key[1] == "personne"]
    [shared] = people.records
    assert shared["count"] == 5
    assert shared["label"] == "5 acteurs au même endroit"
    assert shared["detail"].startswith("Élu 0 ; Élu 1 ; Élu 2 …")


def test_theme_filter_keeps_the_territory_and_narrows_schemes_and_actors(small):
    themed = with_themes(small, ["enfance_jeunesse"])
    assert themed.territory == small.territory
    assert themed.schemes.index.tolist() == ["D_CTG"]
    # A_CS works on the theme; A_CC, A_CAF take part in the CTG; A_CHA does neither.
    assert sorted(themed.actors.index) == ["A_CAF", "A_CC", "A_CS"]
    atlas = build_atlas(small, themes=["alimentation"])
    assert atlas.blank == 5  # the PAT alone reaches nobody socially
    assert with_themes(small, []) is small


def test_perimeter_outlines_by_type(small):
    atlas = build_atlas(small, perimeter_types=["epci", "circonscription_action_sociale", "pnr"])
    outlines = {layer.key[0]: layer.records for layer in atlas.of_kind("outline")}
    assert sorted(outlines) == ["circonscription_action_sociale", "epci"]  # no PNR here
    epci = outlines["epci"]
    assert {o["label"] for o in epci} == {"Montluçon (extrait)"}
    assert epci[0]["detail"] == "EPCI (intercommunalité) · 4 communes"
    assert all(len(o["path"]) >= 8 for o in epci)


def test_class_edges_are_whole_schemes():
    import pandas as pd

    assert class_edges(pd.Series([0, 1, 2])) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert class_edges(pd.Series([0, 12])) == [0.0, 3.0, 6.0, 9.0, 12.0]
    assert class_edges(pd.Series([], dtype=float)) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_a_region_is_drawn_by_commune_and_stays_under_5_mb(region):
    assert len(region.territory) == 4_025
    atlas = build_atlas(region, perimeter_types=["epci", "departement"])
    assert atlas.level == "commune"
    drawn = {a["label"] for a in atlas.records("area")}
    with_shape = load_reference().communes.loc[region.territory, "has_shape"].sum()
    assert len(drawn) == with_shape
    payload = json.dumps(
        {"layers": [{"data": layer.records} for layer in atlas.layers]}, indent=2, sort_keys=True
    )
    assert len(payload.encode()) == atlas.payload_bytes()
    assert atlas.payload_bytes() < MAX_PAYLOAD_BYTES
    # Every EPCI without a CTG leaves its communes blank.
    ctg = set(region.schemes.index[region.schemes["type"] == "CTG"])
    covered = set(region.scheme_communes.loc[region.scheme_communes["scheme"].isin(ctg), "commune"])
    assert atlas.blank == len(set(region.territory) - covered)


def test_above_a_region_shapes_are_aggregated(region):
    atlas = build_atlas(region, level="departement")
    assert atlas.level == "departement"
    areas = atlas.records("area")
    assert sorted({a["label"].rsplit("(", 1)[1].rstrip(")") for a in areas}) == AURA
    rhone = next(a for a in areas if a["label"].endswith("(69)"))
    communes = load_reference().communes
    assert rhone["detail"].startswith(f"{(communes['departement'] == '69').sum()} communes")
    epci = build_atlas(region, level="epci")
    epcis = region.communes.loc[region.territory, "epci"].nunique()
    assert len({a["label"] for a in epci.records("area")}) == epcis
    assert epci.payload_bytes() < build_atlas(region).payload_bytes()


def test_level_follows_the_size_of_the_territory(small, region):
    assert shape_level(small) == "commune"
    assert shape_level(region) == "commune"


def test_view_zoom_fits_width_and_height():
    view = view_from_bounds((2.0, 44.0, 7.0, 47.0), width=1000, height=600)
    # 5 degrees of longitude on 1,000 pixels of a 512-pixel world.
    assert view["zoom"] <= math.log2(1000 * 360 / (512 * 5))
    assert view_from_bounds(None)["zoom"] < 6
