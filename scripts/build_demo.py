"""Build the demo space: `data/demo/maillage-demo.xlsx`, a plausible workspace of the Allier.

The communes, EPCI and populations are real (the built-in reference, COG 2026); the actors,
schemes, participations and blockages are invented but shaped on the Cap Rural 2023 report
"Professionnels du social et du développement local" (its words for the blockages, and its
Allier example: a CTG and a Grandir en milieu rural run together by the CC du Bocage
Bourbonnais). No real person is named: people appear by their role.

The output is deterministic (fixed seed, fixed workbook dates): run it again and the file is
byte for byte the same, and tests/test_demo.py fails when the committed file drifts.

    .venv/bin/python scripts/build_demo.py [OUTPUT.xlsx]
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a plain script from a fresh clone
    sys.path.insert(0, str(ROOT))

from maillage.reference import Reference, load_reference  # noqa: E402
from maillage.schema import SHEETS, normalize_name  # noqa: E402
from maillage.vocabularies import SCHEME_SECTOR  # noqa: E402

OUTPUT = ROOT / "data" / "demo" / "maillage-demo.xlsx"
SEED = 2026
DEPARTEMENT = "03"
BOCAGE_SIREN = "200071496"
WORKBOOK_DATE = dt.datetime(2026, 1, 1)  # fixed so that the bytes are reproducible
TODAY = dt.date(2026, 1, 1)  # stage of a scheme: "termine" when it ended before this day


# ----- the Allier, from the reference ------------------------------------------------------


class Allier:
    """Real communes of département 03, looked up by name, with distances between seats."""

    def __init__(self, reference: Reference):
        self.everywhere = reference.communes  # EPCI may cross the border (Moulins, Charolais)
        self.communes = self.everywhere[self.everywhere["departement"] == DEPARTEMENT].sort_index()
        self.by_name = {name: code for code, name in self.communes["nom"].items()}
        self.epci_names = reference.epci["nom"]

    def code(self, name: str) -> str:
        """INSEE code of an Allier commune; names use the typographic apostrophe in the demo."""
        return self.by_name[name.replace("’", "'")]

    def name(self, code: str) -> str:
        return str(self.communes.at[code, "nom"]).replace("'", "’")

    def epci_members(self, siren: str, allier_only: bool = False) -> list[str]:
        communes = self.communes if allier_only else self.everywhere
        return sorted(communes.index[communes["epci"] == siren])

    def population(self, code: str) -> int:
        return int(self.everywhere.at[code, "population"])

    def arrondissement_members(self, arrondissement: str) -> list[str]:
        return self.communes.index[self.communes["arrondissement"] == arrondissement].tolist()

    def km(self, a: str, b: str) -> float:
        """Equirectangular distance between two communes' points: enough at this scale."""
        lat1, lon1 = self.communes.loc[a, ["latitude", "longitude"]]
        lat2, lon2 = self.communes.loc[b, ["latitude", "longitude"]]
        x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
        y = math.radians(lat2 - lat1)
        return 6371 * math.hypot(x, y)

    def around(self, seat: str, radius_km: float) -> list[str]:
        return [c for c in self.communes.index if self.km(seat, c) <= radius_km]

    def nearest_seat(self, seats: dict[str, str]) -> dict[str, list[str]]:
        """Split every commune to its nearest seat: borders that ignore the EPCI's."""
        groups: dict[str, list[str]] = {key: [] for key in seats}
        for commune in self.communes.index:
            key = min(seats, key=lambda k: self.km(self.code(seats[k]), commune))
            groups[key].append(commune)
        return groups


# The EPCI of the Allier: perimeter/actor slug, SIREN, seat. CC Le Grand Charolais lies
# mostly in Saône-et-Loire: only its three Allier communes are listed.
EPCIS: list[tuple[str, str, str | None]] = [
    ("montlucon", "200071082", "Montluçon"),
    ("moulins", "200071140", "Moulins"),
    ("vichy", "200071363", "Vichy"),
    ("saint_pourcain", "200071389", "Saint-Pourçain-sur-Sioule"),
    ("entr_allier", "200071470", "Varennes-sur-Allier"),
    ("bocage", BOCAGE_SIREN, "Bourbon-l’Archambault"),
    ("commentry", "200071512", "Commentry"),
    ("troncais", "240300558", "Cérilly"),
    ("lapalisse", "240300491", "Lapalisse"),
    ("huriel", "240300657", "Huriel"),
    ("val_de_cher", "240300566", "Vallon-en-Sully"),
    ("grand_charolais", "200071884", None),  # its seat is in Saône-et-Loire
]
EPCI_SIREN = {key: siren for key, siren, _seat in EPCIS}
# Half of the EPCI are written `epci:SIREN`, the others as explicit lists of communes.
EPCI_BY_SIREN = {"montlucon", "moulins", "vichy", "saint_pourcain", "bocage", "troncais"}

# Seats of the circonscriptions d’action sociale: each commune goes to the nearest one.
SOCIAL_WORK_SEATS = {
    "montlucon": "Montluçon",
    "commentry": "Commentry",
    "moulins": "Moulins",
    "lapalisse": "Lapalisse",
    "vichy": "Vichy",
    "gannat": "Gannat",
}
CAF_TERRITORIES = {
    "montlucon": ("031", "Montluçon"),
    "moulins": ("032", "Moulins"),
    "vichy": ("033", "Vichy"),
}
MSA_TERRITORIES = {
    "ouest": ("Allier Ouest", ["montlucon", "huriel", "val_de_cher", "commentry", "troncais"]),
    "nord_est": (
        "Allier Nord-Est",
        ["moulins", "bocage", "entr_allier", "lapalisse", "grand_charolais"],
    ),
    "sud": ("Allier Sud", ["vichy", "saint_pourcain"]),
}
SOCIAL_CENTRES = [  # seat of each centre social; its zone = communes within 9 km
    "Bourbon-l’Archambault",
    "Lurcy-Lévis",
    "Dompierre-sur-Besbre",
    "Le Donjon",
    "Varennes-sur-Allier",
    "Saint-Pourçain-sur-Sioule",
    "Gannat",
    "Commentry",
    "Cérilly",
    "Le Mayet-de-Montagne",
    "Marcillat-en-Combraille",
    "Cosne-d’Allier",
]
SOCIAL_CENTRE_RADIUS_KM = 9
PVD_TOWNS = ["Saint-Pourçain-sur-Sioule", "Lapalisse", "Cosne-d’Allier"]
TOWNS = [
    "Montluçon",
    "Moulins",
    "Vichy",
    "Saint-Pourçain-sur-Sioule",
    "Lapalisse",
    "Cosne-d’Allier",
    "Bourbon-l’Archambault",
    "Cérilly",
    "Le Donjon",
    "Gannat",
    "Commentry",
]


# ----- the workspace being built -----------------------------------------------------------


@dataclass
class Demo:
    allier: Allier
    rng: random.Random
    actors: list[dict] = field(default_factory=list)
    perimeters: list[dict] = field(default_factory=list)
    perimeter_communes: list[dict] = field(default_factory=list)
    schemes: list[dict] = field(default_factory=list)
    participations: list[dict] = field(default_factory=list)
    blockages: list[dict] = field(default_factory=list)
    members: dict[str, set[str]] = field(default_factory=dict)  # perimeter → communes

    # -- perimeters
    def perimeter(
        self,
        pid: str,
        nom: str,
        type_: str,
        communes: Iterable[str] = (),
        *,
        written: str | None = None,
        composition: Iterable[str] = (),
    ) -> str:
        """Record a perimeter; `written` is the `communes` cell when it is not a plain list."""
        communes = sorted(set(communes))
        composition = list(composition)
        for child in composition:
            communes = sorted(set(communes) | self.members[child])
        self.members[pid] = set(communes)
        cell = written if written is not None else ";".join(communes)
        self.perimeters.append(
            {
                "id": pid,
                "nom": nom,
                "type": type_,
                "communes": None if composition else cell or None,
                "composition": ";".join(composition) or None,
            }
        )
        return pid

    # -- actors
    def actor(
        self,
        aid: str,
        nom: str,
        categorie: str,
        champ: str,
        seat: str | None = None,
        *,
        forme: str = "structure",
        type_: str | None = None,
        ressort: str | None = None,
        echelle: str = "local",
        thematiques: Iterable[str] = (),
    ) -> str:
        self.actors.append(
            {
                "id": aid,
                "nom": nom,
                "categorie": categorie,
                "forme": forme,
                "type": type_,
                "champ": champ,
                "commune": self.allier.code(seat) if seat else None,
                "ressort": ressort,
                "echelle": echelle,
                "thematiques": ";".join(thematiques) or None,
            }
        )
        return aid


def slug(text: str) -> str:
    return normalize_name(text.replace("’", " "))


# ----- perimeters --------------------------------------------------------------------------


def build_perimeters(demo: Demo) -> None:
    allier = demo.allier
    demo.perimeter(
        "dep_allier",
        "Département de l’Allier",
        "departement",
        allier.communes.index,
        written=f"dep:{DEPARTEMENT}",
    )
    for key, siren, _seat in EPCIS:
        members = allier.epci_members(siren, allier_only=key == "grand_charolais")
        name = str(allier.epci_names[siren]).replace("'", "’")
        if key == "grand_charolais":
            name += " (communes de l’Allier)"
        written = f"epci:{siren}" if key in EPCI_BY_SIREN else None
        demo.perimeter(f"epci_{key}", name, "epci", members, written=written)

    for key, communes in allier.nearest_seat(SOCIAL_WORK_SEATS).items():
        demo.perimeter(
            f"cas_{key}",
            f"Circonscription d’action sociale de {SOCIAL_WORK_SEATS[key]}",
            "circonscription_action_sociale",
            communes,
        )
    for key, (arrondissement, town) in CAF_TERRITORIES.items():
        demo.perimeter(
            f"tcaf_{key}",
            f"Territoire CAF de {town}",
            "territoire_caf",
            allier.arrondissement_members(arrondissement),
        )
    for key, (name, epcis) in MSA_TERRITORIES.items():
        members = [c for k in epcis for c in demo.members[f"epci_{k}"]]
        demo.perimeter(
            f"tmsa_{key}",
            f"Échelon local MSA {name}",
            "territoire_msa",
            members,
            written=_epci_items(demo, epcis),
        )
    for town in SOCIAL_CENTRES:
        demo.perimeter(
            f"zcs_{slug(town)}",
            f"Zone du centre social de {town}",
            "centre_social",
            allier.around(allier.code(town), SOCIAL_CENTRE_RADIUS_KM),
        )

    west = ["montlucon", "huriel", "val_de_cher", "commentry", "troncais"]
    west_members = [c for k in west for c in demo.members[f"epci_{k}"]]
    demo.perimeter(
        "petr_montlucon",
        "PETR du Pays de la Vallée de Montluçon et du Cher",
        "pays_petr",
        west_members,
        written=_epci_items(demo, west),
    )
    rural = [c for c in west_members if allier.population(c) < 8000]
    demo.perimeter(
        "gal_montlucon", "GAL LEADER Vallée de Montluçon et du Cher", "gal_leader", rural
    )
    east = ["moulins", "bocage", "entr_allier", "lapalisse"]
    east_members = [c for k in east for c in demo.members[f"epci_{k}"]]
    demo.perimeter(
        "gal_bourbonnais",
        "GAL LEADER Bocage et Sologne bourbonnaise",
        "gal_leader",
        [c for c in east_members if allier.population(c) < 8000],
    )
    demo.perimeter(
        "pat_nord_allier",
        "Territoire du PAT Bocage – Moulins – Entr’Allier",
        "autre",
        composition=["epci_bocage", "epci_moulins", "epci_entr_allier"],
    )
    demo.perimeter(
        "industrie_montlucon",
        "Territoire d’industrie Montluçon-Commentry",
        "autre",
        composition=["epci_montlucon", "epci_commentry"],
    )
    moulins_lon = allier.communes.at[allier.code("Moulins"), "longitude"]
    sologne = [
        c
        for c in allier.epci_members(EPCI_SIREN["entr_allier"], allier_only=True)
        + allier.epci_members(EPCI_SIREN["moulins"], allier_only=True)
        if allier.communes.at[c, "longitude"] > moulins_lon
    ]
    demo.perimeter("paec_sologne", "Sologne bourbonnaise (zone du PAEC)", "autre", sologne)
    for town in [*PVD_TOWNS, "Montluçon", "Vichy"]:
        demo.perimeter(f"commune_{slug(town)}", town, "commune", [allier.code(town)])
    # The TZCLD territory is listed in the perimetre_communes sheet, one row per commune.
    tzcld = allier.around(allier.code("Cérilly"), 10)
    demo.perimeter(
        "tzcld_cerilly",
        "Territoire zéro chômeur de Cérilly et alentours",
        "autre",
        tzcld,
        written="",
    )
    demo.perimeter_communes += [{"perimetre": "tzcld_cerilly", "commune": c} for c in tzcld]


def _epci_items(demo: Demo, keys: list[str]) -> str:
    """A `communes` cell naming whole EPCI (`epci:SIREN`), the Charolais by its Allier part."""
    items: list[str] = []
    for key in keys:
        if key == "grand_charolais":
            items += sorted(demo.members["epci_grand_charolais"])
        else:
            items.append(f"epci:{EPCI_SIREN[key]}")
    return ";".join(items)


# ----- actors ------------------------------------------------------------------------------


def build_actors(demo: Demo) -> None:
    a = demo.actor
    # État
    a(
        "prefecture",
        "Préfecture de l’Allier",
        "etat",
        "les_deux",
        "Moulins",
        type_="préfecture",
        ressort="dep_allier",
        echelle="departemental",
    )
    a(
        "sp_montlucon",
        "Sous-préfecture de Montluçon",
        "etat",
        "les_deux",
        "Montluçon",
        type_="sous-préfecture",
        echelle="departemental",
    )
    a(
        "sp_vichy",
        "Sous-préfecture de Vichy",
        "etat",
        "les_deux",
        "Vichy",
        type_="sous-préfecture",
        echelle="departemental",
    )
    a(
        "ddets",
        "DDETS-PP de l’Allier",
        "etat",
        "social",
        "Moulins",
        type_="service déconcentré",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=["emploi_insertion", "logement", "acces_aux_droits"],
    )
    a(
        "ddt",
        "Direction départementale des territoires de l’Allier",
        "etat",
        "developpement_local",
        "Moulins",
        type_="service déconcentré",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=["transition_ecologique", "logement"],
    )
    a(
        "dsden",
        "Services départementaux de l’Éducation nationale de l’Allier",
        "etat",
        "social",
        "Moulins",
        type_="service déconcentré",
        echelle="departemental",
        thematiques=["enfance_jeunesse"],
    )
    a(
        "draaf",
        "DRAAF Auvergne-Rhône-Alpes",
        "etat",
        "developpement_local",
        None,
        type_="service déconcentré",
        echelle="regional",
        thematiques=["alimentation"],
    )
    a(
        "anct",
        "ANCT — délégation territoriale de l’Allier",
        "etat",
        "les_deux",
        "Moulins",
        type_="agence de l’État",
        echelle="national",
        thematiques=["economie", "numerique"],
    )
    a(
        "delegue_prefet",
        "Délégué·e du préfet pour la politique de la ville",
        "etat",
        "social",
        "Montluçon",
        forme="personne",
        type_="délégué du préfet",
        echelle="departemental",
    )

    # Collectivités
    a(
        "cd_allier",
        "Conseil départemental de l’Allier",
        "collectivite",
        "les_deux",
        "Moulins",
        type_="département",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=[
            "acces_aux_droits",
            "vieillissement",
            "handicap",
            "enfance_jeunesse",
            "emploi_insertion",
        ],
    )
    a(
        "region_aura",
        "Région Auvergne-Rhône-Alpes",
        "collectivite",
        "developpement_local",
        None,
        type_="région",
        echelle="regional",
        thematiques=["economie", "transition_ecologique"],
    )
    for key, siren, seat in EPCIS:
        name = str(demo.allier.epci_names[siren]).replace("'", "’")
        kind = "communauté d’agglomération" if name.startswith("CA ") else "communauté de communes"
        a(
            f"epci_{key}_acteur",
            name,
            "collectivite",
            "les_deux",
            seat,
            type_=kind,
            ressort=f"epci_{key}",
            echelle="intercommunal",
            thematiques=demo.rng.sample(
                [
                    "enfance_jeunesse",
                    "economie",
                    "mobilite",
                    "transition_ecologique",
                    "alimentation",
                    "logement",
                ],
                2,
            ),
        )
    for town in TOWNS:
        perimeter = f"commune_{slug(town)}"
        a(
            f"ville_{slug(town)}",
            f"Commune de {town}",
            "collectivite",
            "les_deux",
            town,
            type_="commune",
            ressort=perimeter if perimeter in demo.members else None,
        )

    # Organismes publics
    for town in ["Montluçon", "Moulins", "Vichy", "Yzeure", "Cusset", "Commentry"]:
        a(
            f"ccas_{slug(town)}",
            f"CCAS de {town}",
            "organisme_public",
            "social",
            town,
            type_="CCAS",
            thematiques=["acces_aux_droits", "vieillissement"],
        )
    a(
        "cias_lapalisse",
        "CIAS du Pays de Lapalisse",
        "organisme_public",
        "social",
        "Lapalisse",
        type_="CIAS",
        ressort="epci_lapalisse",
        echelle="intercommunal",
        thematiques=["vieillissement", "acces_aux_droits"],
    )
    a(
        "cias_entr_allier",
        "CIAS Entr’Allier Besbre et Loire",
        "organisme_public",
        "social",
        "Dompierre-sur-Besbre",
        type_="CIAS",
        ressort="epci_entr_allier",
        echelle="intercommunal",
        thematiques=["vieillissement"],
    )
    for town in [
        "Cérilly",
        "Cosne-d’Allier",
        "Le Donjon",
        "Marcillat-en-Combraille",
        "Le Mayet-de-Montagne",
        "Lurcy-Lévis",
    ]:
        a(
            f"fs_{slug(town)}",
            f"France Services de {town}",
            "organisme_public",
            "social",
            town,
            type_="France Services",
            thematiques=["acces_aux_droits", "numerique"],
        )
    a(
        "codev_vichy",
        "Conseil de développement de Vichy Communauté",
        "organisme_public",
        "developpement_local",
        "Vichy",
        type_="conseil de développement",
        ressort="epci_vichy",
        echelle="intercommunal",
        thematiques=["participation_citoyenne"],
    )
    a(
        "codev_montlucon",
        "Conseil de développement du Pays de la Vallée de Montluçon",
        "organisme_public",
        "developpement_local",
        "Montluçon",
        type_="conseil de développement",
        ressort="petr_montlucon",
        echelle="intercommunal",
        thematiques=["participation_citoyenne"],
    )
    a(
        "petr_montlucon_acteur",
        "PETR du Pays de la Vallée de Montluçon et du Cher",
        "organisme_public",
        "developpement_local",
        "Montluçon",
        type_="PETR",
        ressort="petr_montlucon",
        echelle="intercommunal",
        thematiques=["economie", "transition_ecologique"],
    )
    a(
        "onf",
        "ONF — agence territoriale Montluçon",
        "organisme_public",
        "developpement_local",
        "Montluçon",
        type_="établissement public",
        echelle="departemental",
        thematiques=["transition_ecologique"],
    )
    a(
        "mdph",
        "Maison départementale des personnes handicapées de l’Allier",
        "organisme_public",
        "social",
        "Moulins",
        type_="MDPH",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=["handicap", "acces_aux_droits"],
    )

    # Protection sociale
    a(
        "caf",
        "CAF de l’Allier",
        "protection_sociale",
        "social",
        "Moulins",
        type_="CAF",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=["enfance_jeunesse", "logement", "acces_aux_droits"],
    )
    a(
        "msa",
        "MSA Auvergne",
        "protection_sociale",
        "les_deux",
        "Moulins",
        type_="MSA",
        echelle="regional",
        thematiques=["enfance_jeunesse", "vieillissement", "sante"],
    )
    a(
        "cpam",
        "CPAM de l’Allier",
        "protection_sociale",
        "social",
        "Moulins",
        type_="CPAM",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=["sante", "acces_aux_droits"],
    )
    a(
        "carsat",
        "CARSAT Auvergne",
        "protection_sociale",
        "social",
        None,
        type_="CARSAT",
        echelle="regional",
        thematiques=["vieillissement"],
    )

    # Associations: centres sociaux, EVS, MJC, éducation populaire, caritatif, habitants
    a(
        "fede_cs",
        "Fédération des centres sociaux de l’Allier",
        "association",
        "les_deux",
        "Moulins",
        type_="fédération",
        echelle="departemental",
        thematiques=["participation_citoyenne"],
    )
    for town in SOCIAL_CENTRES:
        a(
            f"cs_{slug(town)}",
            f"Centre social de {town}",
            "association",
            demo.rng.choice(["social", "social", "les_deux"]),
            town,
            type_="centre social",
            ressort=f"zcs_{slug(town)}",
            thematiques=demo.rng.sample(
                [
                    "enfance_jeunesse",
                    "participation_citoyenne",
                    "numerique",
                    "mobilite",
                    "vieillissement",
                    "culture",
                ],
                3,
            ),
        )
    for town in ["Ainay-le-Château", "Jaligny-sur-Besbre", "Chantelle", "Ébreuil"]:
        a(
            f"evs_{slug(town)}",
            f"Espace de vie sociale de {town}",
            "association",
            "social",
            town,
            type_="EVS",
            thematiques=["participation_citoyenne", "culture"],
        )
    for town in ["Montluçon", "Gannat", "Cusset"]:
        a(
            f"mjc_{slug(town)}",
            f"MJC de {town}",
            "association",
            "les_deux",
            town,
            type_="MJC",
            thematiques=["enfance_jeunesse", "culture"],
        )
    a(
        "udaf",
        "UDAF de l’Allier",
        "association",
        "social",
        "Moulins",
        type_="UDAF",
        echelle="departemental",
        thematiques=["acces_aux_droits"],
    )
    a(
        "familles_rurales",
        "Familles rurales de l’Allier",
        "association",
        "les_deux",
        "Moulins",
        type_="éducation populaire",
        echelle="departemental",
        thematiques=["enfance_jeunesse", "mobilite"],
    )
    a(
        "ligue_enseignement",
        "Ligue de l’enseignement de l’Allier",
        "association",
        "les_deux",
        "Moulins",
        type_="éducation populaire",
        echelle="departemental",
        thematiques=["culture", "enfance_jeunesse"],
    )
    a(
        "secours_populaire",
        "Secours populaire de l’Allier",
        "association",
        "social",
        "Montluçon",
        type_="caritatif",
        echelle="departemental",
        thematiques=["alimentation"],
    )
    a(
        "restos",
        "Restos du cœur de l’Allier",
        "association",
        "social",
        "Vichy",
        type_="caritatif",
        echelle="departemental",
        thematiques=["alimentation"],
    )
    a(
        "communes_forestieres",
        "Communes forestières de l’Allier",
        "association",
        "developpement_local",
        "Cérilly",
        type_="réseau d’élus",
        echelle="departemental",
        thematiques=["transition_ecologique", "economie"],
    )
    a(
        "admr",
        "ADMR de l’Allier",
        "association",
        "social",
        "Moulins",
        type_="aide à domicile",
        echelle="departemental",
        thematiques=["vieillissement", "handicap"],
    )
    a(
        "cafe_lurcy",
        "Café associatif de Lurcy-Lévis",
        "association",
        "les_deux",
        "Lurcy-Lévis",
        type_="café associatif",
        thematiques=["culture", "participation_citoyenne"],
    )
    for aid, nom, town in [
        ("collectif_lurcy", "Collectif d’habitants du bourg de Lurcy-Lévis", "Lurcy-Lévis"),
        (
            "collectif_parents_bourbon",
            "Collectif de parents de Bourbon-l’Archambault",
            "Bourbon-l’Archambault",
        ),
        ("collectif_mayet", "Collectif des habitants du Mayet-de-Montagne", "Le Mayet-de-Montagne"),
        ("collectif_mobilite_donjon", "Collectif « Bouger au Donjon »", "Le Donjon"),
    ]:
        a(
            aid,
            nom,
            "association",
            "les_deux",
            town,
            forme="collectif_habitants",
            type_="collectif d’habitants",
            thematiques=["participation_citoyenne"],
        )

    # Alimentation et agriculture
    a(
        "amap_bocage",
        "AMAP du Bocage",
        "alimentation_agriculture",
        "developpement_local",
        "Bourbon-l’Archambault",
        type_="AMAP",
        thematiques=["alimentation"],
    )
    a(
        "amap_vichy",
        "AMAP de Vichy",
        "alimentation_agriculture",
        "developpement_local",
        "Vichy",
        type_="AMAP",
        thematiques=["alimentation"],
    )
    a(
        "bio_allier",
        "Groupement des agriculteurs bio de l’Allier",
        "alimentation_agriculture",
        "developpement_local",
        "Moulins",
        type_="groupement",
        echelle="departemental",
        thematiques=["alimentation", "transition_ecologique"],
    )
    a(
        "terre_de_liens",
        "Terre de liens Auvergne",
        "alimentation_agriculture",
        "developpement_local",
        None,
        type_="association foncière",
        echelle="regional",
        thematiques=["alimentation"],
    )
    a(
        "epicerie_moulins",
        "Épicerie solidaire de Moulins",
        "alimentation_agriculture",
        "les_deux",
        "Moulins",
        type_="épicerie solidaire",
        thematiques=["alimentation", "acces_aux_droits"],
    )
    a(
        "legumerie",
        "Légumerie du Bourbonnais",
        "alimentation_agriculture",
        "les_deux",
        "Yzeure",
        type_="légumerie d’insertion",
        echelle="departemental",
        thematiques=["alimentation", "emploi_insertion"],
    )
    a(
        "drive_fermier",
        "Drive fermier de l’Allier",
        "alimentation_agriculture",
        "developpement_local",
        "Gannat",
        type_="circuit court",
        echelle="departemental",
        thematiques=["alimentation", "economie"],
    )

    # ESS et tiers-lieux
    a(
        "tl_cosne",
        "Tiers-lieu de Cosne-d’Allier",
        "ess_tiers_lieu",
        "les_deux",
        "Cosne-d’Allier",
        type_="tiers-lieu",
        thematiques=["numerique", "economie"],
    )
    a(
        "fablab_montlucon",
        "Fablab de Montluçon",
        "ess_tiers_lieu",
        "developpement_local",
        "Montluçon",
        type_="fablab",
        thematiques=["numerique"],
    )
    a(
        "recyclerie_bocage",
        "Recyclerie du Bocage",
        "ess_tiers_lieu",
        "les_deux",
        "Ygrande",
        type_="recyclerie",
        thematiques=["transition_ecologique", "emploi_insertion"],
    )
    a(
        "tl_lurcy",
        "Tiers-lieu de Lurcy-Lévis",
        "ess_tiers_lieu",
        "les_deux",
        "Lurcy-Lévis",
        type_="tiers-lieu",
        thematiques=["culture", "numerique"],
    )
    a(
        "cress",
        "CRESS Auvergne-Rhône-Alpes",
        "ess_tiers_lieu",
        "developpement_local",
        None,
        type_="chambre régionale de l’ESS",
        echelle="regional",
        thematiques=["economie"],
    )
    a(
        "cae_allier",
        "Coopérative d’activité et d’emploi de l’Allier",
        "ess_tiers_lieu",
        "les_deux",
        "Moulins",
        type_="CAE",
        echelle="departemental",
        thematiques=["emploi_insertion", "economie"],
    )

    # Emploi et insertion
    for town in ["Montluçon", "Moulins", "Vichy"]:
        a(
            f"mission_locale_{slug(town)}",
            f"Mission locale de {town}",
            "emploi_insertion",
            "social",
            town,
            type_="mission locale",
            echelle="intercommunal",
            thematiques=["emploi_insertion", "enfance_jeunesse", "mobilite"],
        )
    a(
        "france_travail",
        "France Travail Allier",
        "emploi_insertion",
        "social",
        "Moulins",
        type_="service public de l’emploi",
        echelle="departemental",
        thematiques=["emploi_insertion"],
    )
    a(
        "aci_troncais",
        "Chantier d’insertion de la forêt de Tronçais",
        "emploi_insertion",
        "les_deux",
        "Cérilly",
        type_="SIAE — atelier chantier d’insertion",
        thematiques=["emploi_insertion", "transition_ecologique"],
    )
    a(
        "ei_vichy",
        "Entreprise d’insertion du bassin de Vichy",
        "emploi_insertion",
        "les_deux",
        "Cusset",
        type_="SIAE — entreprise d’insertion",
        thematiques=["emploi_insertion"],
    )
    a(
        "ai_bocage",
        "Association intermédiaire du Bocage",
        "emploi_insertion",
        "social",
        "Bourbon-l’Archambault",
        type_="SIAE — association intermédiaire",
        thematiques=["emploi_insertion"],
    )
    a(
        "ebe_cerilly",
        "Entreprise à but d’emploi de Cérilly",
        "emploi_insertion",
        "les_deux",
        "Cérilly",
        type_="EBE",
        ressort="tzcld_cerilly",
        thematiques=["emploi_insertion"],
    )
    a(
        "cap_emploi",
        "Cap emploi de l’Allier",
        "emploi_insertion",
        "social",
        "Moulins",
        type_="Cap emploi",
        echelle="departemental",
        thematiques=["handicap", "emploi_insertion"],
    )

    # Chambres consulaires
    a(
        "chambre_agriculture",
        "Chambre d’agriculture de l’Allier",
        "chambre_consulaire",
        "developpement_local",
        "Moulins",
        type_="chambre d’agriculture",
        echelle="departemental",
        thematiques=["alimentation", "economie"],
    )
    a(
        "cci",
        "CCI de l’Allier",
        "chambre_consulaire",
        "developpement_local",
        "Montluçon",
        type_="CCI",
        echelle="departemental",
        thematiques=["economie"],
    )
    a(
        "cma",
        "Chambre de métiers et de l’artisanat de l’Allier",
        "chambre_consulaire",
        "developpement_local",
        "Moulins",
        type_="CMA",
        echelle="departemental",
        thematiques=["economie", "emploi_insertion"],
    )

    # Enseignement et recherche
    a(
        "lycee_agricole",
        "Lycée agricole de Moulins-Neuvy",
        "enseignement_recherche",
        "developpement_local",
        "Neuvy",
        type_="EPLEFPA",
        thematiques=["alimentation"],
    )
    a(
        "lycee_durdat",
        "Lycée agricole de Durdat-Larequille",
        "enseignement_recherche",
        "developpement_local",
        "Durdat-Larequille",
        type_="lycée agricole",
        thematiques=["alimentation", "transition_ecologique"],
    )
    a(
        "iut_allier",
        "IUT d’Allier",
        "enseignement_recherche",
        "les_deux",
        "Montluçon",
        type_="université",
        echelle="regional",
        thematiques=["economie", "numerique"],
    )
    a(
        "pole_universitaire_vichy",
        "Pôle universitaire de Vichy",
        "enseignement_recherche",
        "les_deux",
        "Vichy",
        type_="université",
        echelle="regional",
        thematiques=["sante"],
    )

    # Centres de ressources
    a(
        "cap_rural",
        "Cap Rural",
        "centre_ressources",
        "les_deux",
        None,
        type_="centre de ressources",
        echelle="regional",
        thematiques=["participation_citoyenne", "economie"],
    )
    a(
        "caue",
        "CAUE de l’Allier",
        "centre_ressources",
        "developpement_local",
        "Moulins",
        type_="CAUE",
        echelle="departemental",
        thematiques=["logement", "transition_ecologique"],
    )
    a(
        "atda",
        "Agence technique départementale de l’Allier",
        "centre_ressources",
        "developpement_local",
        "Moulins",
        type_="ingénierie publique",
        echelle="departemental",
    )
    a(
        "reseau_rural",
        "Réseau rural Auvergne-Rhône-Alpes",
        "centre_ressources",
        "developpement_local",
        None,
        type_="réseau rural",
        echelle="regional",
    )

    # Santé
    a(
        "ars",
        "ARS Auvergne-Rhône-Alpes — délégation de l’Allier",
        "sante",
        "social",
        "Moulins",
        type_="ARS",
        ressort="dep_allier",
        echelle="departemental",
        thematiques=["sante"],
    )
    for town, name in [
        ("Montluçon", "Centre hospitalier de Montluçon"),
        ("Vichy", "Centre hospitalier de Vichy"),
        ("Moulins", "Centre hospitalier Moulins-Yzeure"),
    ]:
        a(
            f"ch_{slug(town)}",
            name,
            "sante",
            "social",
            town,
            type_="hôpital",
            echelle="intercommunal",
            thematiques=["sante"],
        )
    for town in ["Cosne-d’Allier", "Le Donjon"]:
        a(
            f"msp_{slug(town)}",
            f"Maison de santé pluriprofessionnelle de {town}",
            "sante",
            "social",
            town,
            type_="MSP",
            thematiques=["sante"],
        )
    a(
        "cpts_nord",
        "CPTS du Nord Allier",
        "sante",
        "social",
        "Moulins",
        type_="CPTS",
        echelle="intercommunal",
        thematiques=["sante", "vieillissement"],
    )

    # Politique de la ville
    a(
        "contrat_ville_montlucon",
        "Équipe du contrat de ville de Montluçon",
        "politique_ville",
        "les_deux",
        "Montluçon",
        type_="contrat de ville",
        thematiques=["emploi_insertion", "participation_citoyenne"],
    )
    a(
        "conseil_citoyen_fontbouillant",
        "Conseil citoyen de Fontbouillant",
        "politique_ville",
        "les_deux",
        "Montluçon",
        forme="collectif_habitants",
        type_="conseil citoyen",
        thematiques=["participation_citoyenne"],
    )
    a(
        "adulte_relais_moulins",
        "Adulte-relais du quartier des Champins (Moulins)",
        "politique_ville",
        "social",
        "Moulins",
        forme="personne",
        type_="adulte-relais",
        thematiques=["acces_aux_droits"],
    )

    # Autres
    a(
        "bureau_etudes",
        "Bureau d’études en développement territorial",
        "autre",
        "les_deux",
        None,
        type_="bureau d’études",
        echelle="regional",
    )
    a(
        "fondation",
        "Fondation de France — Centre-Est",
        "autre",
        "social",
        None,
        type_="fondation",
        echelle="regional",
    )

    # People at the interface, named by their role only
    people = [
        (
            "cdp_pvd_saint_pourcain",
            "Chef·fe de projet PVD de Saint-Pourçain-sur-Sioule",
            "collectivite",
            "les_deux",
            "Saint-Pourçain-sur-Sioule",
            "chef de projet PVD",
            "commune_saint_pourcain_sur_sioule",
        ),
        (
            "cdp_pvd_lapalisse",
            "Chef·fe de projet PVD de Lapalisse",
            "collectivite",
            "les_deux",
            "Lapalisse",
            "chef de projet PVD",
            "commune_lapalisse",
        ),
        (
            "cdp_pvd_cosne",
            "Chef·fe de projet PVD de Cosne-d’Allier",
            "collectivite",
            "les_deux",
            "Cosne-d’Allier",
            "chef de projet PVD",
            "commune_cosne_d_allier",
        ),
        (
            "ts_moulins",
            "Travailleuse sociale de la circonscription d’action sociale de Moulins",
            "collectivite",
            "social",
            "Moulins",
            "travailleur social",
            "cas_moulins",
        ),
        (
            "ts_montlucon",
            "Travailleur social de la circonscription d’action sociale de Montluçon",
            "collectivite",
            "social",
            "Montluçon",
            "travailleur social",
            "cas_montlucon",
        ),
        (
            "ads_departement",
            "Agent·e de développement social territorial du Département",
            "collectivite",
            "les_deux",
            "Moulins",
            "développement social",
            "dep_allier",
        ),
        (
            "coord_ctg_gmr_bocage",
            "Coordinatrice CTG et GMR du Bocage Bourbonnais",
            "collectivite",
            "les_deux",
            "Bourbon-l’Archambault",
            "coordinateur CTG",
            "epci_bocage",
        ),
        (
            "elu_enfance_bocage",
            "Élu·e référent·e enfance-jeunesse du Bocage Bourbonnais",
            "collectivite",
            "les_deux",
            "Bourbon-l’Archambault",
            "élu",
            "epci_bocage",
        ),
        (
            "elu_solidarites_cosne",
            "Élu·e délégué·e aux solidarités de Cosne-d’Allier",
            "collectivite",
            "social",
            "Cosne-d’Allier",
            "élu",
            None,
        ),
        (
            "animateur_leader",
            "Animateur·rice LEADER du Pays de la Vallée de Montluçon",
            "organisme_public",
            "developpement_local",
            "Montluçon",
            "animateur LEADER",
            "gal_montlucon",
        ),
        (
            "charge_pat",
            "Chargé·e de mission PAT du Département",
            "collectivite",
            "les_deux",
            "Moulins",
            "chargé de mission",
            "dep_allier",
        ),
        (
            "coord_cls_montlucon",
            "Coordinateur·rice du CLS de Montluçon Communauté",
            "collectivite",
            "les_deux",
            "Montluçon",
            "coordinateur CLS",
            "epci_montlucon",
        ),
        (
            "conseiller_numerique_cerilly",
            "Conseiller·ère numérique de France Services de Cérilly",
            "organisme_public",
            "social",
            "Cérilly",
            "conseiller numérique",
            None,
        ),
        (
            "referente_familles_lurcy",
            "Référente familles du centre social de Lurcy-Lévis",
            "association",
            "social",
            "Lurcy-Lévis",
            "référent familles",
            "zcs_lurcy_levis",
        ),
        (
            "agent_accueil_bocage",
            "Agent·e d’accueil des nouveaux arrivants du Bocage Bourbonnais",
            "collectivite",
            "les_deux",
            "Bourbon-l’Archambault",
            "accueil",
            "epci_bocage",
        ),
    ]
    for aid, nom, categorie, champ, town, kind, ressort in people:
        a(aid, nom, categorie, champ, town, forme="personne", type_=kind, ressort=ressort)


# ----- schemes and participations ----------------------------------------------------------

# id, name, type, perimeter, pilote, start, end, themes, instances, diagnostic year, sector
SCHEMES = [
    (
        "ctg_bocage",
        "CTG du Bocage Bourbonnais",
        "CTG",
        "epci_bocage",
        "epci_bocage_acteur",
        "01/01/2024",
        "31/12/2028",
        "enfance_jeunesse;acces_aux_droits;logement;participation_citoyenne",
        "COPIL CTG;COTECH enfance-jeunesse",
        2023,
        None,
    ),
    (
        "gmr_bocage",
        "Grandir en milieu rural — Bocage Bourbonnais",
        "GMR",
        "epci_bocage",
        "msa",
        "01/01/2026",
        "31/12/2028",
        "enfance_jeunesse;participation_citoyenne;mobilite",
        "COPIL GMR;groupes de travail",
        2024,
        None,
    ),
    (
        "ctg_moulins",
        "CTG de Moulins Communauté",
        "CTG",
        "epci_moulins",
        "epci_moulins_acteur",
        "01/01/2023",
        "31/12/2027",
        "enfance_jeunesse;logement;acces_aux_droits",
        "COPIL;COTECH",
        2022,
        None,
    ),
    (
        "ctg_vichy",
        "CTG de Vichy Communauté",
        "CTG",
        "epci_vichy",
        "epci_vichy_acteur",
        "01/07/2021",
        "30/06/2025",
        "enfance_jeunesse;vieillissement;acces_aux_droits",
        "COPIL;COTECH",
        2021,
        None,
    ),
    (
        "ctg_montlucon",
        "CTG de Montluçon Communauté",
        "CTG",
        "epci_montlucon",
        "epci_montlucon_acteur",
        "01/01/2024",
        "31/12/2028",
        "enfance_jeunesse;logement",
        "COPIL;COTECH",
        2023,
        None,
    ),
    (
        "ctg_troncais",
        "CTG du Pays de Tronçais",
        "CTG",
        "epci_troncais",
        "epci_troncais_acteur",
        "01/01/2023",
        "31/12/2026",
        "enfance_jeunesse;acces_aux_droits;numerique",
        "COPIL",
        2022,
        None,
    ),
    (
        "ctg_saint_pourcain",
        "CTG Saint-Pourçain Sioule Limagne",
        "CTG",
        "epci_saint_pourcain",
        "epci_saint_pourcain_acteur",
        "01/01/2022",
        "31/12/2025",
        "enfance_jeunesse;mobilite",
        "COPIL;COTECH",
        2021,
        None,
    ),
    (
        "gmr_troncais",
        "Grandir en milieu rural — Pays de Tronçais",
        "GMR",
        "epci_troncais",
        "msa",
        "01/03/2024",
        "28/02/2027",
        "enfance_jeunesse;culture",
        "COPIL",
        None,
        None,
    ),
    (
        "tzcld_cerilly",
        "Territoire zéro chômeur de longue durée de Cérilly",
        "TZCLD",
        "tzcld_cerilly",
        "epci_troncais_acteur",
        "01/04/2022",
        "31/03/2027",
        "emploi_insertion;transition_ecologique",
        "comité local pour l’emploi",
        2021,
        None,
    ),
    (
        "abs_montlucon",
        "Analyse des besoins sociaux de Montluçon",
        "ABS",
        "commune_montlucon",
        "ccas_montlucon",
        "01/01/2021",
        "31/12/2021",
        "acces_aux_droits;vieillissement;logement",
        None,
        2021,
        None,
    ),
    (
        "abs_vichy",
        "Analyse des besoins sociaux de Vichy",
        "ABS",
        "commune_vichy",
        "ccas_vichy",
        "01/09/2024",
        "30/06/2025",
        "acces_aux_droits;vieillissement",
        None,
        2024,
        None,
    ),
    (
        "cls_montlucon",
        "Contrat local de santé de Montluçon Communauté",
        "CLS",
        "epci_montlucon",
        "epci_montlucon_acteur",
        "01/01/2022",
        "31/12/2026",
        "sante;vieillissement;handicap",
        "COPIL;COTECH;ateliers santé",
        2021,
        None,
    ),
    (
        "cls_vichy",
        "Contrat local de santé de Vichy Communauté",
        "CLS",
        "epci_vichy",
        "ars",
        "01/06/2023",
        "31/05/2028",
        "sante;vieillissement",
        "COPIL;COTECH",
        2022,
        None,
    ),
    (
        "cls_bocage_moulins",
        "Contrat local de santé du Nord Allier",
        "CLS",
        "pat_nord_allier",
        "cpts_nord",
        "01/01/2025",
        "31/12/2029",
        "sante;alimentation",
        "COPIL",
        2020,
        None,
    ),
    (
        "pat_nord_allier",
        "PAT Bocage – Moulins – Entr’Allier",
        "PAT",
        "pat_nord_allier",
        "epci_moulins_acteur",
        "01/01/2023",
        "31/12/2026",
        "alimentation;sante;economie",
        "COPIL;comité alimentaire",
        2022,
        None,
    ),
    (
        "pat_allier",
        "Projet alimentaire territorial de l’Allier",
        "PAT",
        "dep_allier",
        "cd_allier",
        "01/01/2021",
        "31/12/2025",
        "alimentation;economie;transition_ecologique",
        "COPIL;COTECH",
        2018,
        None,
    ),
    (
        "leader_montlucon",
        "LEADER Vallée de Montluçon et du Cher",
        "LEADER",
        "gal_montlucon",
        "petr_montlucon_acteur",
        "01/01/2023",
        "31/12/2027",
        "economie;culture;transition_ecologique",
        "comité de programmation",
        2022,
        None,
    ),
    (
        "leader_bourbonnais",
        "LEADER Bocage et Sologne bourbonnaise",
        "LEADER",
        "gal_bourbonnais",
        "epci_moulins_acteur",
        "01/01/2023",
        "31/12/2027",
        "economie;alimentation;mobilite",
        "comité de programmation",
        2022,
        None,
    ),
    (
        "crte_vichy",
        "CRTE de Vichy Communauté",
        "CRTE",
        "epci_vichy",
        "epci_vichy_acteur",
        "01/07/2021",
        "31/12/2026",
        "transition_ecologique;mobilite;economie",
        "COPIL",
        2019,
        None,
    ),
    (
        "crte_moulins",
        "CRTE de Moulins Communauté",
        "CRTE",
        "epci_moulins",
        "epci_moulins_acteur",
        "01/07/2021",
        "31/12/2026",
        "transition_ecologique;logement",
        "COPIL",
        2018,
        None,
    ),
    (
        "crte_montlucon",
        "CRTE du Pays de la Vallée de Montluçon",
        "CRTE",
        "petr_montlucon",
        "petr_montlucon_acteur",
        "01/07/2021",
        "31/12/2026",
        "transition_ecologique;economie",
        "COPIL",
        2018,
        None,
    ),
    (
        "pvd_saint_pourcain",
        "Petites villes de demain — Saint-Pourçain-sur-Sioule",
        "PVD",
        "commune_saint_pourcain_sur_sioule",
        "ville_saint_pourcain_sur_sioule",
        "01/03/2021",
        "31/03/2026",
        "logement;economie;mobilite",
        "COPIL",
        None,
        None,
    ),
    (
        "pvd_lapalisse",
        "Petites villes de demain — Lapalisse",
        "PVD",
        "commune_lapalisse",
        "ville_lapalisse",
        "01/03/2021",
        "31/03/2026",
        "logement;economie",
        "COPIL",
        None,
        None,
    ),
    (
        "pvd_cosne",
        "Petites villes de demain — Cosne-d’Allier",
        "PVD",
        "commune_cosne_d_allier",
        "ville_cosne_d_allier",
        "01/06/2021",
        "31/03/2026",
        "logement;sante;economie",
        "COPIL",
        None,
        None,
    ),
    (
        "paec_sologne",
        "PAEC de la Sologne bourbonnaise",
        "PAEC",
        "paec_sologne",
        "chambre_agriculture",
        "01/01/2023",
        "31/12/2027",
        "transition_ecologique;alimentation",
        "comité de pilotage agro-environnemental",
        None,
        None,
    ),
    (
        "cft_troncais",
        "Charte forestière du Pays de Tronçais",
        "CFT",
        "epci_troncais",
        "communes_forestieres",
        "01/01/2020",
        "31/12/2025",
        "transition_ecologique;economie",
        "comité de pilotage",
        2019,
        None,
    ),
    (
        "cper_allier",
        "CPER 2021-2027 — volet territorial Allier",
        "CPER",
        "dep_allier",
        "region_aura",
        "01/01/2021",
        "31/12/2027",
        "economie;mobilite;transition_ecologique",
        None,
        None,
        None,
    ),
    (
        "industrie_montlucon",
        "Territoire d’industrie Montluçon-Commentry",
        "AUTRE",
        "industrie_montlucon",
        "epci_montlucon_acteur",
        "01/01/2023",
        "31/12/2027",
        "economie;emploi_insertion",
        "COPIL",
        None,
        "developpement_local",
    ),
    (
        "clts_lapalisse",
        "Conseil local du travail social de l’Est Allier",
        "AUTRE",
        "cas_lapalisse",
        "cd_allier",
        "01/09/2023",
        None,
        "acces_aux_droits;participation_citoyenne",
        "groupe de travail unique",
        None,
        "social",
    ),
    (
        "sdaasp_allier",
        "Schéma départemental d’amélioration de l’accessibilité des services au public",
        "AUTRE",
        "dep_allier",
        "prefecture",
        "01/01/2018",
        "31/12/2025",
        "acces_aux_droits;mobilite;numerique",
        "comité de suivi",
        2017,
        "developpement_local",
    ),
]

# Core partners of some schemes: (scheme, actor, role, entry stage, nature)
CORE_PARTICIPATIONS = [
    # The Allier case: one governance for the CTG and the GMR of the Bocage Bourbonnais.
    ("ctg_bocage", "epci_bocage_acteur", "pilote", "emergence", "coordination"),
    ("ctg_bocage", "caf", "copilote", "emergence", "financement;expertise"),
    ("ctg_bocage", "msa", "partenaire_financier", "emergence", "financement"),
    ("ctg_bocage", "prefecture", "partenaire_technique", "emergence", "expertise"),
    ("ctg_bocage", "coord_ctg_gmr_bocage", "operateur", "emergence", "coordination;animation"),
    ("ctg_bocage", "bureau_etudes", "operateur", "mise_en_oeuvre", "animation;expertise"),
    ("ctg_bocage", "cd_allier", "partenaire_financier", "evaluation", "financement"),
    ("gmr_bocage", "epci_bocage_acteur", "copilote", "emergence", "coordination"),
    ("gmr_bocage", "caf", "partenaire_financier", "emergence", "financement"),
    ("gmr_bocage", "coord_ctg_gmr_bocage", "operateur", "emergence", "coordination;animation"),
    ("gmr_bocage", "elu_enfance_bocage", "participant", "emergence", None),
    ("gmr_bocage", "collectif_parents_bourbon", "participant", "mise_en_oeuvre", None),
    ("sdaasp_allier", "cd_allier", "pilote", "emergence", "coordination"),
    ("tzcld_cerilly", "ebe_cerilly", "operateur", "emergence", "animation"),
    ("pat_allier", "chambre_agriculture", "copilote", "emergence", "expertise;animation"),
    ("pat_allier", "charge_pat", "operateur", "emergence", "coordination"),
    ("pat_nord_allier", "cd_allier", "partenaire_financier", "mise_en_oeuvre", "financement"),
    ("leader_montlucon", "animateur_leader", "operateur", "emergence", "animation"),
    ("cls_montlucon", "coord_cls_montlucon", "operateur", "emergence", "coordination"),
    ("cls_montlucon", "ars", "copilote", "emergence", "financement;expertise"),
    ("pvd_saint_pourcain", "cdp_pvd_saint_pourcain", "operateur", "emergence", "coordination"),
    ("pvd_lapalisse", "cdp_pvd_lapalisse", "operateur", "emergence", "coordination"),
    ("pvd_cosne", "cdp_pvd_cosne", "operateur", "emergence", "coordination"),
    ("pvd_cosne", "elu_solidarites_cosne", "participant", "mise_en_oeuvre", None),
    ("cft_troncais", "onf", "partenaire_technique", "emergence", "expertise"),
    ("clts_lapalisse", "ts_moulins", "participant", "emergence", None),
]

# Schemes whose partners all come from one field (SPEC §3.2 `ouvrir_a_l_autre_champ`): the
# random partners drawn for them are of that field only (`les_deux` excluded).
ONE_FIELD = {
    "cls_vichy": "social",
    "paec_sologne": "developpement_local",
    "cft_troncais": "developpement_local",
    "abs_montlucon": "social",
}
# Actors no scheme has involved yet: a collectif d'habitants (`associer_habitants`).
NOT_INVOLVED = {"collectif_mayet", "collectif_mobilite_donjon"}

# Pairs that share communes but must share no actor: "ils se côtoient sans se croiser".
KEPT_APART = [
    ("ctg_troncais", "cft_troncais"),
    ("crte_vichy", "cls_vichy"),
    ("cls_montlucon", "leader_montlucon"),
]

# Roles of the random partners; pilotes and copilotes are chosen by hand above.
ROLE_WEIGHTS = {
    "partenaire_technique": 30,
    "partenaire_financier": 24,
    "operateur": 18,
    "participant": 28,
}
NATURE_BY_ROLE = {
    "copilote": ["coordination", "financement"],
    "partenaire_technique": ["expertise", "accompagnement"],
    "partenaire_financier": ["financement"],
    "operateur": ["animation", "accompagnement", "coordination"],
    "participant": ["animation"],
}
EXTRA_PARTICIPANTS = (8, 14)  # random partners added to every scheme, min and max


def build_schemes(demo: Demo) -> None:
    for sid, nom, type_, perimeter, pilot, start, end, themes, instances, year, sector in SCHEMES:
        demo.schemes.append(
            {
                "id": sid,
                "nom": nom,
                "type": type_,
                "perimetre": perimeter,
                "pilote": pilot,
                "debut": _date(start),
                "fin": _date(end) if end else None,
                "stade": _stage(_date(start), _date(end) if end else None),
                "thematiques": themes,
                "instances": instances,
                "annee_diagnostic": year,
                "secteur": sector,
            }
        )


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d/%m/%Y").date()


def _stage(start: dt.date, end: dt.date | None) -> str:
    if end and end < TODAY:
        return "termine"
    if (TODAY - start).days < 365:
        return "emergence"
    if end and (end - TODAY).days < 365:
        return "evaluation"
    return "mise_en_oeuvre"


def build_participations(demo: Demo) -> None:
    """Core partners first, then a few plausible partners drawn near each scheme."""
    rng = demo.rng
    actors = {row["id"]: row for row in demo.actors}
    taken: dict[str, set[str]] = {s["id"]: {s["pilote"]} for s in demo.schemes}
    for sid, aid, role, stage, nature in CORE_PARTICIPATIONS:
        demo.participations.append(
            {
                "dispositif": sid,
                "acteur": aid,
                "role": role,
                "stade_entree": stage,
                "nature": nature,
            }
        )
        taken[sid].add(aid)
    apart = {s: set() for s in taken}
    for a, b in KEPT_APART:
        apart[a].add(b)
        apart[b].add(a)
    for scheme in demo.schemes:
        sid = scheme["id"]
        forbidden = set().union(*(taken[other] for other in apart[sid]))
        candidates = [
            aid
            for aid in actors
            if aid not in taken[sid]
            and aid not in forbidden
            and aid not in NOT_INVOLVED
            and _plausible(demo, actors[aid], scheme)
            and ONE_FIELD.get(sid, actors[aid]["champ"]) == actors[aid]["champ"]
        ]
        count = min(len(candidates), rng.randint(*EXTRA_PARTICIPANTS))
        for aid in rng.sample(candidates, count):
            role = rng.choices(list(ROLE_WEIGHTS), weights=list(ROLE_WEIGHTS.values()))[0]
            demo.participations.append(
                {
                    "dispositif": sid,
                    "acteur": aid,
                    "role": role,
                    "stade_entree": _entry_stage(rng, role),
                    "nature": _nature(rng, role),
                }
            )
            taken[sid].add(aid)
    for a, b in KEPT_APART:  # the demo promises these pairs never cross
        assert not taken[a] & taken[b], (a, b, taken[a] & taken[b])


def _plausible(demo: Demo, actor: dict, scheme: dict) -> bool:
    """An actor joins schemes of its field, on its territory, or works at a wider scale."""
    communes = demo.members[scheme["perimetre"]]
    located = actor["commune"] in communes
    wide = actor["echelle"] in ("departemental", "regional", "national")
    if not (located or (wide and demo.rng.random() < 0.35)):
        return False
    sector = scheme["secteur"] or SCHEME_SECTOR[scheme["type"]]
    if actor["champ"] in ("les_deux", sector):
        return True
    return demo.rng.random() < 0.25  # some crossing: the bridges the dashboard looks for


def _entry_stage(rng: random.Random, role: str) -> str | None:
    if role == "partenaire_financier":  # funders often join late (Cap Rural 2023)
        return rng.choices(
            ["emergence", "mise_en_oeuvre", "evaluation", None], weights=[70, 15, 5, 10]
        )[0]
    return rng.choices(
        ["emergence", "mise_en_oeuvre", "evaluation", None], weights=[55, 25, 5, 15]
    )[0]


def _nature(rng: random.Random, role: str) -> str | None:
    if rng.random() < 0.15:
        return None
    options = NATURE_BY_ROLE[role]
    chosen = rng.sample(options, rng.randint(1, len(options)))
    return ";".join(sorted(chosen))


# ----- blockages ---------------------------------------------------------------------------

# (category, sub-theme, words reported): Cap Rural 2023, « Identifier ce qui bloque ».
BLOCKAGES = [
    (
        "segmentation",
        "approches populationnelles",
        "Des approches très marquées par des prestations à destination de populations cibles : "
        "petite enfance, personnes âgées, à mobilité réduite.",
    ),
    (
        "segmentation",
        "publics cloisonnés",
        "Des approches institutionnelles des publics très cloisonnées : « invisibles », "
        "« empêchés », « seniors », « jeunes »… alors que le social devrait concerner tout "
        "le monde.",
    ),
    (
        "segmentation",
        "pensée en silos",
        "Une pensée en silos, par publics et par thématiques, qui débouche sur des financements "
        "en silo.",
    ),
    (
        "segmentation",
        "appels à projets",
        "Les appels à projets créent de la concurrence entre les structures du territoire.",
    ),
    (
        "segmentation",
        "manque de lisibilité",
        "On ne sait pas qui fait quoi, sur quoi, avec qui : beaucoup d’acteurs, de dispositifs, "
        "de réseaux, de jargons.",
    ),
    (
        "segmentation",
        "dispositifs qui se côtoient",
        "La CTG, les centres sociaux et les espaces de vie sociale se côtoient sans se croiser "
        "ni s’enrichir.",
    ),
    (
        "segmentation",
        "dialogue interne",
        "Un manque de liens et de dialogue en interne, entre les services de la collectivité et "
        "ceux de la CAF.",
    ),
    (
        "segmentation",
        "CIAS",
        "Le CIAS n’a pas la capacité de coordonner l’ensemble de l’action sociale locale.",
    ),
    (
        "segmentation",
        "champs de travail trop larges",
        "Des champs de travail si larges qu’il est difficile d’avancer sur plusieurs axes et de "
        "mener des actions concrètes.",
    ),
    (
        "segmentation",
        "réorganisation des collectivités",
        "Le sentiment que la réorganisation des collectivités n’est pas aboutie rajoute au manque "
        "de lisibilité.",
    ),
    (
        "methode",
        "approches administratives",
        "Des approches administratives et non opérationnelles.",
    ),
    (
        "methode",
        "partenaires financiers tardifs",
        "Le Département n’est associé qu’en fin de projet, uniquement sur le volet financement.",
    ),
    (
        "methode",
        "aide individuelle",
        "Des pratiques institutionnalisées orientées sur l’aide individuelle, en décalage avec "
        "l’intervention collective.",
    ),
    (
        "methode",
        "passage à l’action",
        "Une fois la mobilisation et le diagnostic réalisés, il est difficile de mener "
        "concrètement des actions.",
    ),
    (
        "methode",
        "communication",
        "Un manque de communication sur où on en est et ce qui va suivre : les temporalités ne "
        "sont pas les mêmes pour tous.",
    ),
    (
        "methode",
        "coordinateur à plusieurs casquettes",
        "Le coordinateur CTG est aussi directeur du pôle enfance jeunesse : il n’a pas le temps "
        "de rencontrer les acteurs locaux.",
    ),
    (
        "methode",
        "parole des habitants",
        "La difficulté à recueillir la parole de tous les acteurs et des habitants dans les "
        "instances de travail.",
    ),
    (
        "methode",
        "métiers peu connus",
        "Des métiers et des méthodes peu normés et peu connus en dehors de chaque sphère "
        "professionnelle.",
    ),
    (
        "portage_politique",
        "thématiques peu vendeuses",
        "Des thématiques sociales peu attractives, moins évidentes à porter politiquement car "
        "elles ne sont pas vendeuses pour le territoire.",
    ),
    (
        "portage_politique",
        "vision à court terme",
        "Absence de projection durable des politiques : logique d’appels à projets et vision à "
        "court terme.",
    ),
    (
        "portage_politique",
        "blocages d’élus",
        "Des blocages de certains élus et de certains techniciens, par manque de compétences ou "
        "de volonté.",
    ),
    (
        "portage_politique",
        "délégations cloisonnées",
        "Les délégations des élus ne se croisent pas : personne ne porte le sujet transversal.",
    ),
    (
        "moyens",
        "petites villes sans centre social",
        "Sans centre social, la petite ville prend en charge l’animation de la vie sociale, sans "
        "compétence ni moyens : souvent rien n’est fait.",
    ),
    (
        "moyens",
        "contraintes rurales",
        "Ce qui se fait facilement en urbain est plus difficile en rural : les contraintes ne "
        "sont pas les mêmes.",
    ),
    (
        "moyens",
        "disponibilité des partenaires",
        "Un manque de disponibilité des parties prenantes, alors que les partenariats existent.",
    ),
    (
        "moyens",
        "ingénierie",
        "Un manque d’ingénierie salariée compétente : le territoire a du mal à attirer et "
        "fidéliser les agents de développement.",
    ),
    (
        "moyens",
        "financements pérennes",
        "Une absence de financements pérennes, notamment pour le fonctionnement.",
    ),
    (
        "moyens",
        "lieux d’accueil",
        "Une difficulté à trouver des lieux pour accueillir les personnes accompagnées et les "
        "partenaires, renforcée depuis la crise de la Covid.",
    ),
    (
        "moyens",
        "temps pour se rencontrer",
        "Le rythme des appels à projets laisse peu de temps pour se rencontrer : tout le monde "
        "« a le nez dans le guidon ».",
    ),
    (
        "moyens",
        "arrêt de financements",
        "L’arrêt de financements de projets qui permettaient d’impulser de la transversalité.",
    ),
]
LEVERS_BY_CATEGORY = {
    "segmentation": [
        "faire_reseau",
        "dispositifs_transversaux",
        "methodes_communes",
        "personnes_relais",
        "faire_ensemble",
    ],
    "methode": [
        "methodes_communes",
        "faire_ensemble",
        "besoins_habitants",
        "legitimer",
        "faire_reseau",
    ],
    "portage_politique": ["portage_politique", "legitimer", "dispositifs_transversaux"],
    "moyens": [
        "ingenierie_qualifiee",
        "dispositifs_transversaux",
        "faire_reseau",
        "portage_politique",
    ],
}
BLOCKAGE_COUNT = 40
# A blockage reported again on another territory is said in other words there, as people do:
# the same difficulty, never the same sentence (a reader of one territory's link never finds
# another territory's words on it).
SAID_AGAIN = dict(
    zip(
        (words for *_, words in BLOCKAGES),
        (
            "Des services et des équipements dédiés à des publics cibles (EHPAD, crèches…) : "
            "une approche « populationnelle ».",
            "Dès que l’on parle de social, les publics sont découpés en « empêchés », "
            "« handicapés », « habitants »… alors qu’il devrait concerner tout le monde.",
            "Chaque public et chaque thématique a son silo, et ses financements avec.",
            "Les appels à projets mettent les associations en concurrence au lieu de les faire "
            "coopérer.",
            "Beaucoup d’acteurs qui ne se connaissent pas ou peu et ne travaillent pas ensemble.",
            "La convention territoriale globale d’un côté, les centres sociaux de l’autre : "
            "deux démarches parallèles.",
            "Peu de dialogue entre professionnels d’une même structure, d’un service à l’autre.",
            "Aucune structure n’a les moyens de coordonner l’action sociale locale dans son "
            "ensemble.",
            "Des champs de travail trop larges empêchent souvent d’agir concrètement.",
            "La réorganisation des collectivités semble inachevée : on ne sait plus à qui "
            "s’adresser.",
            "Des démarches pensées pour l’administration plutôt que pour l’action.",
            "Des partenariats restreints aux considérations financières : les financeurs "
            "arrivent à la fin.",
            "Sur le terrain, l’aide individuelle prend toute la place, le collectif reste à la "
            "marge.",
            "Une difficulté à passer aux actions une fois le travail de mobilisation et de "
            "diagnostic fait.",
            "Personne ne dit où en est la démarche ni ce qui va suivre, et les délais s’allongent.",
            "Le coordinateur porte trop de casquettes pour aller à la rencontre des acteurs "
            "locaux.",
            "Les habitants et les petits acteurs peinent à s’exprimer librement dans les "
            "instances.",
            "Chaque métier a ses méthodes, mal connues des autres sphères professionnelles.",
            "Le social n’est pas « vendeur » : les élus hésitent à le porter.",
            "Des politiques au coup par coup, au rythme des appels à projets, sans vision durable.",
            "Certains élus et techniciens freinent, faute de compétences ou d’envie.",
            "Chaque élu tient sa délégation : le sujet transversal n’a pas de porteur.",
            "Là où il n’y a pas de centre social, l’animation de la vie sociale repose sur une "
            "petite commune qui n’en a pas les moyens.",
            "Les contraintes du rural ne sont pas celles de la ville : ce qui y est simple "
            "devient difficile ici.",
            "Les partenaires sont là, mais toujours trop pris pour se rendre disponibles.",
            "Les postes d’agents de développement sont exigeants et mal payés : personne n’y "
            "reste longtemps.",
            "Pas de financements pérennes : le fonctionnement n’est jamais assuré.",
            "Pas de lieu pour recevoir les personnes et les partenaires, encore moins depuis la "
            "Covid.",
            "Au rythme des appels à projets, plus personne n’a le temps d’aller voir les "
            "partenaires.",
            "Un désengagement local : les projets qui faisaient vivre la transversalité ne "
            "sont plus financés.",
        ),
        strict=True,
    )
)


def build_blockages(demo: Demo) -> None:
    """Every reported blockage once, then some reported again, in other words, on another
    territory."""
    rng = demo.rng
    territories = [
        p["id"]
        for p in demo.perimeters
        if p["type"]
        in ("epci", "circonscription_action_sociale", "departement", "centre_social", "gal_leader")
    ]
    schemes = [s["id"] for s in demo.schemes]
    again = rng.sample(BLOCKAGES, BLOCKAGE_COUNT - len(BLOCKAGES))
    reports = BLOCKAGES + [(category, theme, SAID_AGAIN[words]) for category, theme, words in again]
    for number, (category, theme, words) in enumerate(reports, start=1):
        scheme = rng.choice(schemes) if rng.random() < 0.4 else None
        reported = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
        status = rng.choices(["ouvert", "en_cours", "leve"], weights=[50, 30, 20])[0]
        lever = rng.choice(LEVERS_BY_CATEGORY[category]) if rng.random() < 0.8 else None
        demo.blockages.append(
            {
                "id": f"B{number:02d}",
                "categorie": category,
                "sous_categorie": theme,
                "description": words,
                "territoire": rng.choice(territories),
                "dispositif": scheme,
                "date": reported,
                "source": rng.choices(
                    ["atelier", "enquete", "copil", "entretien", "autre"],
                    weights=[40, 20, 20, 15, 5],
                )[0],
                "statut": status,
                "levier": lever,
            }
        )
    # The Allier case, before the committee acts: the CTG and the GMR each keep their own
    # committee and diagnostic on the same communes (« Pistes d'action » proposes to pool them).
    demo.blockages.append(
        {
            "id": f"B{len(reports) + 1:02d}",
            "categorie": "segmentation",
            "sous_categorie": "dispositifs qui se côtoient",
            "description": "La CTG et Grandir en milieu rural ont chacun leur comité et leur "
            "diagnostic, pour les mêmes familles et les mêmes communes.",
            "territoire": "epci_bocage",
            "dispositif": "gmr_bocage",
            "date": dt.date(2025, 3, 14),
            "source": "copil",
            "statut": "ouvert",
            "levier": "dispositifs_transversaux",
        }
    )
    demo.blockages.append(
        {
            "id": f"B{len(reports) + 2:02d}",
            "categorie": "moyens",
            "sous_categorie": "temps pour se rencontrer",
            "description": "Deux COPIL et deux diagnostics à animer avec la même coordinatrice : "
            "il ne reste plus de temps pour les actions.",
            "territoire": "epci_bocage",
            "dispositif": "ctg_bocage",
            "date": dt.date(2025, 6, 2),
            "source": "entretien",
            "statut": "en_cours",
            "levier": None,
        }
    )


# ----- writing -----------------------------------------------------------------------------


def demo_sheets(reference: Reference | None = None) -> dict[str, list[dict]]:
    """The demo's rows by sheet, in schema order; same seed, same rows."""
    demo = Demo(Allier(reference or load_reference()), random.Random(SEED))
    build_perimeters(demo)
    build_actors(demo)
    build_schemes(demo)
    build_participations(demo)
    build_blockages(demo)
    return {
        "acteurs": demo.actors,
        "perimetres": demo.perimeters,
        "perimetre_communes": demo.perimeter_communes,
        "dispositifs": demo.schemes,
        "participations": demo.participations,
        "blocages": demo.blockages,
    }


TEXT_COLUMNS = {"commune", "communes"}  # INSEE codes stay text, leading zeros kept


def write_workbook(sheets: dict[str, list[dict]], path: Path) -> Path:
    """Write the sheets with their schema columns; dates as real Excel dates."""
    path.parent.mkdir(parents=True, exist_ok=True)
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties(
        {
            "title": "maillage — espace de démonstration (Allier)",
            "author": "maillage",
            "created": WORKBOOK_DATE,
        }
    )
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF4"})
    text = workbook.add_format({"num_format": "@"})
    date = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        columns = [
            c.name for c in SHEETS[name].columns if any(row.get(c.name) is not None for row in rows)
        ]
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for position, column in enumerate(columns):
            sheet.write_string(0, position, column, header)
            width = 40 if column in ("nom", "description", "communes") else 18
            sheet.set_column(position, position, width, text if column in TEXT_COLUMNS else None)
        for number, row in enumerate(rows, start=1):
            for position, column in enumerate(columns):
                value = row.get(column)
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(
                        number, position, dt.datetime.combine(value, dt.time()), date
                    )
                elif isinstance(value, int):
                    sheet.write_number(number, position, value)
                else:
                    sheet.write_string(
                        number, position, str(value), text if column in TEXT_COLUMNS else None
                    )
    workbook.close()
    return path


def build(path: Path = OUTPUT) -> Path:
    return write_workbook(demo_sheets(), Path(path))


if __name__ == "__main__":
    target = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
    print(f"Démo écrite : {target}")
