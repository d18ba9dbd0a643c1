"""Built-in profiles on small sample files written here with the published column names (no
personal data): the ANCT France services list and data·inclusion structures and services."""

import json

import pandas as pd
import pytest

from maillage.cli import main
from maillage.demo import publish_demo
from maillage.national import DATA_INCLUSION, FRANCE_SERVICES
from maillage.problems import WARNING
from maillage.publishing import check_files, import_files
from maillage.workbook import UnreadableWorkbook
from tests.workbooks import csv_bytes, minimal_sheets, xlsx_bytes

SITES = [  # the ANCT columns and values (list of 2024); contacts left out on purpose
    {
        "id_fs": "1201",
        "lib_fs": "France services de Moulins",
        "format_fs": "Fixe",
        "type_fs": "Principal",
        "labellisation_fs": "2020-01-01",
        "code_postal": "03000",
        "commune": "Moulins",
        "insee_com": "03190",
        "latitude": "46,5601",
        "longitude": "3,3317",
    },
    {
        "id_fs": "1202",
        "lib_fs": "France services itinérante du bocage",
        "format_fs": "Bus_équivalent",
        "type_fs": "Principal",
        "labellisation_fs": "2021-06-15",
        "code_postal": "03320",
        "commune": "Aubigny",
        "insee_com": "3123",
        "latitude": "46.70",
        "longitude": "3.20",
    },
    {
        "id_fs": "7512",
        "lib_fs": "France services Paris 12e",
        "format_fs": "Fixe_antenne(s)",
        "type_fs": "Antenne",
        "labellisation_fs": "2022-03-01",
        "code_postal": "75012",
        "commune": "Paris 12e Arrondissement",
        "insee_com": "75112",
        "latitude": "48.8412",
        "longitude": "2.3876",
    },
]
EXPECTED = {  # id → (commune, latitude, longitude, type)
    "FS-1201": ("03190", 46.5601, 3.3317, "France services"),
    "FS-1202": ("03158", 46.70, 3.20, "France services itinérante (bus)"),  # 03123: former code
    "FS-7512": ("75056", 48.8412, 2.3876, "Antenne France services"),
}


def same_rows(before: pd.DataFrame, after: pd.DataFrame) -> None:
    kept = after.reset_index(drop=True).iloc[: len(before)][before.columns]
    pd.testing.assert_frame_equal(kept, before.reset_index(drop=True))


@pytest.mark.parametrize("delimiter", [";", ","])
def test_france_services_completes_the_demo_and_keeps_every_demo_row(store, delimiter):
    publish_demo(store)
    demo = store.load("demo")
    files = [("liste-france-services.csv", csv_bytes(SITES, delimiter=delimiter))]
    outcome = import_files(store, "demo", files, profile=FRANCE_SERVICES, mode="completer")
    assert outcome.version is not None, outcome.validation.problems
    after = store.load("demo")
    for sheet, table in demo.items():
        same_rows(table, after[sheet])
    actors = after["acteurs"].set_index("id")
    assert len(actors) == len(demo["acteurs"]) + 3
    for actor_id, (commune, latitude, longitude, kind) in EXPECTED.items():
        row = actors.loc[actor_id]
        assert (row["commune"], row["latitude"], row["longitude"], row["type"]) == (
            commune,
            latitude,
            longitude,
            kind,
        )
        assert (row["categorie"], row["champ"]) == ("organisme_public", "les_deux")
    assert outcome.version.note == (
        "complété depuis liste-france-services.csv : 3 ajoutés, 0 mis à jour"
    )
    warnings = {(p.code, p.row, p.column, p.value) for p in outcome.validation.problems}
    assert ("guessed_value", 2, "champ", "les_deux") in warnings
    assert sum(p.code == "guessed_value" for p in outcome.validation.problems) == 1
    paris = next(p for p in outcome.validation.problems if p.value == "75112")
    assert (paris.sheet, paris.row, paris.column) == ("liste-france-services", 4, "insee_com")
    assert paris.message.startswith(
        "75112 est un arrondissement de Paris : le code de la commune, 75056, est utilisé"
    )


def test_france_services_again_updates_instead_of_adding(store):
    publish_demo(store)
    files = [("fs.csv", csv_bytes(SITES))]
    import_files(store, "demo", files, profile=FRANCE_SERVICES, mode="completer")
    again = import_files(store, "demo", files, profile=FRANCE_SERVICES, mode="completer")
    assert again.completion.counts["acteurs"] == (0, 0)  # « 46,5601 » is 46.5601 published
    moved = [dict(SITES[0], lib_fs="France services de Moulins (nouveau local)")]
    outcome = import_files(
        store, "demo", [("fs.csv", csv_bytes(moved))], profile=FRANCE_SERVICES, mode="completer"
    )
    assert outcome.completion.counts["acteurs"] == (0, 1)
    actors = store.load("demo")["acteurs"].set_index("id")
    assert actors.at["FS-1201", "nom"] == "France services de Moulins (nouveau local)"


def test_cli_france_services_into_the_demo(capsys, tmp_path, db_path):
    source = tmp_path / "liste.csv"
    source.write_bytes(csv_bytes(SITES))
    assert main(["demo"]) == 0
    code = main(
        [
            "import",
            str(source),
            "--profile",
            "france-services",
            "--mode",
            "completer",
            "--space",
            "demo",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "complété depuis liste.csv : 3 ajoutés, 0 mis à jour" in out


def test_a_file_that_is_not_the_anct_list_is_refused(store):
    with pytest.raises(UnreadableWorkbook, match="ne ressemble pas à la liste des France services"):
        check_files(
            [("acteurs.csv", csv_bytes(minimal_sheets()["acteurs"]))], profile=FRANCE_SERVICES
        )


STRUCTURES = [
    {
        "id": "s1",
        "source": "mon-annuaire",
        "nom": "CAF de l’Allier",
        "siret": "53478712300017",
        "code_insee": "03190",
        "latitude": 46.56,
        "longitude": 3.33,
        "reseaux_porteurs": ["caf"],
        "date_maj": "2025-02-14",
    },
    {
        "id": "s2",
        "source": "mon-annuaire",
        "nom": "Mairie de Désertines",
        "code_insee": "03098",
        "reseaux_porteurs": ["communes"],
    },
    {
        "id": "s3",
        "source": "mon-annuaire",
        "nom": "MJC de Montluçon",
        "code_insee": "03185",
        "reseaux_porteurs": ["mjc", "fcsf"],
    },
    {
        "id": "s4",
        "source": "mon-annuaire",
        "nom": "Atelier vélo",
        "code_insee": "03185",
        "reseaux_porteurs": [],
    },
]
SERVICES = [
    {
        "id": "v1",
        "source": "mon-annuaire",
        "structure_id": "s1",
        "nom": "Accès aux droits",
        "thematiques": [
            "acces-aux-droits-et-citoyennete--connaitre-ses-droits",
            "famille--soutien-a-la-parentalite",
        ],
        "zone_eligibilite": ["03"],
    },
    {
        "id": "v2",
        "source": "mon-annuaire",
        "structure_id": "s1",
        "nom": "Santé",
        "thematiques": ["sante--acces-aux-soins"],
        "zone_eligibilite": ["200071082"],
    },
    {
        "id": "v3",
        "source": "mon-annuaire",
        "structure_id": "s4",
        "nom": "Réparation",
        "thematiques": ["mobilite--entretenir-reparer-son-vehicule"],
        "zone_eligibilite": ["03185", "03098"],
    },
]


def json_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def test_data_inclusion_structures_and_services(store):
    import_files(store, "principal", [("v1.xlsx", xlsx_bytes(minimal_sheets()))])
    files = [
        ("structures.json", json_bytes({"items": STRUCTURES})),
        ("services.json", json_bytes(SERVICES)),
    ]
    outcome = import_files(store, "principal", files, profile=DATA_INCLUSION, mode="completer")
    assert outcome.version is not None, outcome.validation.problems
    tables = store.load("principal")
    actors = tables["acteurs"].set_index("id")
    caf = actors.loc["DI-mon-annuaire-s1"]
    assert (caf["categorie"], caf["type"], caf["champ"], caf["commune"]) == (
        "protection_sociale",
        "CAF",
        "social",
        "03190",
    )
    assert caf["thematiques"] == "acces_aux_droits;enfance_jeunesse;sante"
    assert caf["siret"] == "53478712300017"
    assert actors.loc["DI-mon-annuaire-s2", ["categorie", "champ"]].tolist() == [
        "collectivite",
        "developpement_local",
    ]
    assert actors.loc["DI-mon-annuaire-s3", ["categorie", "type"]].tolist() == [
        "association",
        "MJC",
    ]
    assert actors.loc["DI-mon-annuaire-s4", ["categorie", "champ"]].tolist() == [
        "autre",
        "les_deux",
    ]
    perimeters = tables["perimetres"].set_index("id")
    zone = perimeters.loc[caf["ressort"]]
    assert (zone["type"], zone["communes"]) == ("autre", "epci:200071082;dep:03")
    assert perimeters.loc[actors.at["DI-mon-annuaire-s4", "ressort"], "communes"] == ("03098;03185")
    guessed = sorted(
        (p.value, p.row) for p in outcome.validation.problems if p.code == "guessed_value"
    )
    assert guessed == [
        ("developpement_local", 3),
        ("les_deux", 5),
        ("social", 2),
        ("social", 4),
    ]  # one per value and rule: « caf », then « mjc »


def test_data_inclusion_csv_structures(store):
    rows = [dict(s, reseaux_porteurs=",".join(s["reseaux_porteurs"])) for s in STRUCTURES]
    workbook = check_files([("structures.csv", csv_bytes(rows))], profile=DATA_INCLUSION)
    actors = workbook.validation.tables["acteurs"].set_index("id")
    assert actors.at["DI-mon-annuaire-s3", "categorie"] == "association"
    assert actors.at["DI-mon-annuaire-s1", "latitude"] == 46.56


@pytest.mark.parametrize(
    "data",
    [b'{"type": "FeatureCollection", "features": []}', b'[{"a": 1}]', b"pas du json", b"[[[[" * 10],
)
def test_a_json_that_is_not_data_inclusion_is_refused(store, data):
    import_files(store, "principal", [("v1.xlsx", xlsx_bytes(minimal_sheets()))])
    with pytest.raises(UnreadableWorkbook, match="ne ressemble pas à une liste data·inclusion"):
        import_files(
            store, "principal", [("export.json", data)], profile=DATA_INCLUSION, mode="completer"
        )
    assert len(store.history("principal")) == 1


def test_an_unknown_commune_in_a_national_list_is_left_out_with_a_warning(store):
    odd = dict(SITES[0], id_fs="9999", insee_com="99999")
    checked = check_files([("fs.csv", csv_bytes([SITES[0], odd]))], profile=FRANCE_SERVICES)
    errors = {p.code for p in checked.validation.problems if p.severity == "erreur"}
    assert errors == {"missing_sheet"}  # remplacer needs perimeters and schemes, not communes
    actors = checked.validation.tables["acteurs"].set_index("id")
    assert pd.isna(actors.at["FS-9999", "commune"])
    assert actors.at["FS-9999", "latitude"] == 46.5601
    assert ("national_unknown_commune", "fs", 3, "insee_com", "99999") in {
        (p.code, p.sheet, p.row, p.column, p.value) for p in checked.validation.problems
    }


def test_each_kind_of_site_reads_in_french():
    from maillage.national import site_types

    frame = pd.DataFrame(
        {
            "format_fs": ["Multisites", "Itinérante", "Point relais", None, "Fixe"],
            "type_fs": ["Principal", "Principal", "Principal", "Principal", "Antenne"],
        }
    )
    assert list(site_types(frame)) == [
        "France services multisite",
        "France services itinérante",
        "France services (Point relais)",  # a value of a later list, kept as written
        "France services",
        "Antenne France services",
    ]


def test_a_point_far_from_its_commune_is_drawn_at_the_commune_with_a_warning(store):
    """0 ; 0 and a swapped latitude and longitude, as found in older lists."""
    publish_demo(store)
    sites = [
        {**SITES[0], "id_fs": "1", "latitude": "0", "longitude": "0"},
        {**SITES[0], "id_fs": "2", "latitude": "3,3317", "longitude": "46,5601"},
        {**SITES[0], "id_fs": "3"},  # Moulins, where it is
    ]
    files = [("liste.csv", csv_bytes(sites, delimiter=";"))]
    outcome = import_files(store, "demo", files, profile=FRANCE_SERVICES, mode="completer")
    assert outcome.version is not None, outcome.validation.problems
    far = [p for p in outcome.validation.problems if p.code == "national_far_point"]
    assert [(p.row, p.severity) for p in far] == [(2, WARNING), (3, WARNING)]
    assert "Moulins (03190)" in far[0].message and "« 0 ; 0 »" in far[0].message
    actors = store.load("demo")["acteurs"].set_index("id")
    assert actors.loc[["FS-1", "FS-2"], ["latitude", "longitude"]].isna().all().all()
    assert actors.loc["FS-3", ["latitude", "longitude"]].tolist() == [46.5601, 3.3317]
