"""The rules of SPEC §3.2, one function per rule: a finding of the indicators becomes a `Draft`.

Each function reads `Findings` (the indicators computed once per model) and returns its drafts
sorted by id; a rule whose finding cannot exist in the data (no participation, no blockage,
a single scheme…) returns an empty list, never an error. Titles and explanations are written
here from the data — names, not ids, and French number formats — so that nothing in a
sentence is invented. `articuler` is the folding rule: it takes the drafts of `mutualiser` and
`se_rencontrer` and returns the wide schemes' proposals with the pairs they stand for.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.blockages import without_lever
from maillage.columns import is_in
from maillage.coverage import blank_communes
from maillage.mismatch import mismatch
from maillage.network import network_measures, participation_positions
from maillage.overlaps import THRESHOLD, duplicate_diagnostics
from maillage.proposals.findings import WHOLE_TERRITORY, Findings
from maillage.proposals.record import Draft
from maillage.proposals.wording import FIELD_NAMES, duration, names, plural, quoted, themes
from maillage.reference import load_reference
from maillage.texts import format_number, format_share, label
from maillage.transversality import FUNDER, START, bridging_actors
from maillage.vocabularies import LOCAL_DEVELOPMENT, SOCIAL

FOLD_ABOVE = 3  # SPEC: a scheme larger in more than 3 pairs gets one `articuler` instead
CANDIDATES = 3  # actors named by `ouvrir_a_l_autre_champ` and `couvrir_communes_blanches`
RELAYS = 5  # bridging actors named by `personnes_relais`
DIAGNOSTIC_YEARS = 2
DIAGNOSTIC_STRENGTH = 0.8  # one shared diagnostic is a part of what pooling a pair proposes
CATEGORY_LEVERS: dict[str, tuple[str, str]] = {
    "segmentation": ("faire_reseau", "dispositifs_transversaux"),
    "methode": ("methodes_communes", "legitimer"),
    "portage_politique": ("portage_politique", "personnes_relais"),
    "moyens": ("ingenierie_qualifiee", "dispositifs_transversaux"),
}
RESSORT_TYPES = ("circonscription_action_sociale", "territoire_caf", "territoire_msa")
RESSORT_WORDS = {
    "circonscription_action_sociale": ("circonscription d’action sociale",
                                       "circonscriptions d’action sociale"),
    "territoire_caf": ("territoire CAF", "territoires CAF"),
    "territoire_msa": ("territoire MSA", "territoires MSA"),
}
HABITANTS = "collectif_habitants"
STAGE_WORDS = {"emergence": "à l’émergence", "mise_en_oeuvre": "à la mise en œuvre",
               "evaluation": "à l’évaluation"}


# ----- pairs of schemes ---------------------------------------------------------------------

def _pair_communes(row) -> str:
    """How a title says the shared communes of a pair."""
    if row.size_a == row.size_b == row.shared_communes:
        return f"mêmes {plural(int(row.shared_communes), 'commune')}"
    return (f"{plural(int(row.shared_communes), 'commune')} en commun "
            f"({format_share(row.overlap)} du plus petit)")


def _pilots_words(f: Findings, sid: str) -> str:
    pilots = f.pilots_of(sid)
    if not pilots:
        return quoted(f.scheme_name(sid))
    who = names([f.actor_name(a) for a in pilots])
    return f"{quoted(f.scheme_name(sid))} (pilote\u00a0: {who})"


def _pair_evidence(row, **more) -> dict:
    days = None if pd.isna(row.shared_days) else int(row.shared_days)
    return {"overlap": float(row.overlap), "shared_communes": int(row.shared_communes),
            "shared_population": int(row.shared_population), "shared_days": days,
            "common_actors": int(row.common_actors), "common_themes": int(row.common_themes),
            "communes_a": int(row.size_a), "communes_b": int(row.size_b), **more}


def _perimeters_of(f: Findings, schemes: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({f.scheme_perimeter[s] for s in schemes}))


def mutualiser(f: Findings) -> list[Draft]:
    """One per pooling candidate (SPEC §3): one governance and one diagnostic for both."""
    drafts = []
    frame = f.pairs[f.pairs["pooling_candidate"]]
    for row, remaining in zip(frame.itertuples(index=False),
                              f.pairs_remaining(frame["a"], frame["b"]), strict=True):
        a, b = row.a, row.b
        where = _pair_communes(row)
        common = f.common_themes(a, b)
        title = (f"Mutualiser la gouvernance et le diagnostic de {quoted(f.scheme_name(a))} et "
                 f"de {quoted(f.scheme_name(b))}\u00a0: {where}, {duration(int(row.shared_days))} "
                 f"de calendrier commun, {themes(common)} en commun")
        still = ("" if remaining is None else
                 f", dont {plural(remaining, 'jour')} restent à courir" if remaining
                 else ", aujourd’hui écoulés")
        explanation = (
            f"{_pilots_words(f, a)} et {_pilots_words(f, b)} couvrent "
            f"{plural(int(row.shared_communes), 'commune')} en commun "
            f"({plural(int(row.shared_population), 'habitant')})\u00a0; leurs calendriers se "
            f"recouvrent sur {plural(int(row.shared_days), 'jour')}{still}. Une seule "
            "gouvernance et un diagnostic partagé éviteraient de faire deux fois le même "
            "travail sur les mêmes communes.")
        drafts.append(Draft(
            rule="mutualiser", keys=(a, b), levers=("dispositifs_transversaux",), title=title,
            explanation=explanation, schemes=(a, b), actors=f.pilots_of(a, b),
            perimeters=_perimeters_of(f, (a, b)), commune_count=int(row.shared_communes),
            population=int(row.shared_population),
            evidence=_pair_evidence(row, themes=common, remaining_days=remaining),
            strength=float(row.overlap) * (0.5 + 0.5 * min(1.0, len(common) / 2)),
            strength_detail=f"{format_share(row.overlap)} de chevauchement, "
            f"{plural(len(common), 'thème')} en commun",
            calendar_days=remaining, page="chevauchements", query={"paire": f"{a}|{b}"}))
    return drafts


def se_rencontrer(f: Findings) -> list[Draft]:
    """One per pair side by side, not crossing: the pilots of both schemes meet."""
    drafts = []
    frame = f.pairs[f.pairs["side_by_side_not_crossing"]]
    for row, remaining in zip(frame.itertuples(index=False),
                              f.pairs_remaining(frame["a"], frame["b"]), strict=True):
        a, b = row.a, row.b
        where = _pair_communes(row)
        pilots = f.pilots_of(a, b)
        title = (f"Faire se rencontrer les pilotes de {quoted(f.scheme_name(a))} et de "
                 f"{quoted(f.scheme_name(b))}\u00a0: {where}, aucun acteur en commun")
        who = (f"{names([f.actor_name(p) for p in pilots])} pilotent deux dispositifs qui"
               if pilots else "Ces deux dispositifs")
        explanation = (f"{who} couvrent {format_share(row.overlap)} des mêmes communes "
                       f"({plural(int(row.shared_population), 'habitant')}) sans aucun acteur "
                       "en commun\u00a0: ils se côtoient sans se croiser.")
        drafts.append(Draft(
            rule="se_rencontrer", keys=(a, b), levers=("faire_reseau",), title=title,
            explanation=explanation, schemes=(a, b), actors=pilots,
            perimeters=_perimeters_of(f, (a, b)), commune_count=int(row.shared_communes),
            population=int(row.shared_population), evidence=_pair_evidence(row),
            strength=float(row.overlap),
            strength_detail=f"{format_share(row.overlap)} de chevauchement",
            calendar_days=remaining, page="chevauchements", query={"paire": f"{a}|{b}"}))
    return drafts


def articuler(f: Findings, pairs: Sequence[Draft]) -> tuple[list[Draft], set[str]]:
    """Schemes that are the larger (more communes) in more than 3 pairs of `pairs`: one
    proposal each, standing for those pairs; returns the drafts and the ids folded.

    Every other pair of a wide scheme (with one of the same size or larger) is folded too —
    into its largest wide scheme, then the one with most pairs, then the first id: otherwise
    the wide scheme would still flood the list through its equals."""
    size = {s: len(f.scheme_positions(s)) for d in pairs for s in d.schemes}
    larger: dict[str, int] = {}  # distinct pairs (a pair may be under both rules)
    for a, b in sorted({d.schemes for d in pairs}):
        if size[a] != size[b]:
            wide = a if size[a] > size[b] else b
            larger[wide] = larger.get(wide, 0) + 1
    wide_schemes = {s for s, n in larger.items() if n > FOLD_ABOVE}
    by_wide: dict[str, list[Draft]] = {}
    for draft in pairs:
        owners = [s for s in draft.schemes if s in wide_schemes]
        if owners:
            owner = min(owners, key=lambda s: (-size[s], -larger[s], s))
            by_wide.setdefault(owner, []).append(draft)
    drafts, folded = [], set()
    for wide, found in sorted(by_wide.items()):
        partners = sorted({s for d in found for s in d.schemes} - {wide})
        pooling = sum(d.rule == "mutualiser" for d in found)
        apart = len(found) - pooling
        communes = np.unique(np.concatenate([
            np.intersect1d(f.scheme_positions(d.schemes[0]), f.scheme_positions(d.schemes[1]),
                           assume_unique=True) for d in found]))
        schemes = tuple(sorted([wide, *partners]))
        count = size[wide]
        partner_names = [f.scheme_name(s) for s in partners]
        parts = [w for n, w in ((pooling, plural(pooling, "candidat") + " à la mutualisation"),
                                (apart, plural(apart, "paire") + " qui se côtoient sans se "
                                 "croiser")) if n]
        title = (f"Articuler {quoted(f.scheme_name(wide))} avec les "
                 f"{plural(len(partners), 'dispositif')} qu’il recouvre, plutôt que "
                 f"{plural(len(found), 'rapprochement')} séparés")
        explanation = (f"{quoted(f.scheme_name(wide))} ({plural(count, 'commune')}"
                       + (f", pilote\u00a0: {names([f.actor_name(a) for a in f.pilots_of(wide)])}"
                          if f.pilots_of(wide) else "") + ") couvre au moins "
                       f"la moitié des communes de {names(partner_names)}\u00a0: "
                       f"{' et '.join(parts)}. Une articulation d’ensemble autour de ce "
                       "dispositif remplace ces pistes une à une.")
        ids = sorted({d.id for d in found}
                     | {x for d in found for x in d.evidence.get("folded", ())})
        folded.update(ids)
        drafts.append(Draft(
            rule="articuler", keys=(wide,), levers=("dispositifs_transversaux",), title=title,
            explanation=explanation, schemes=schemes, actors=f.pilots_of(*schemes),
            perimeters=_perimeters_of(f, schemes), positions=communes,
            commune_count=len(communes), population=f.population_at(communes),
            evidence={"scheme": wide, "communes_of_scheme": count, "partners": partners,
                      "pairs": len({d.schemes for d in found}), "pooling_candidates": pooling,
                      "side_by_side_not_crossing": apart, "folded": ids},
            strength=min(1.0, len(found) / 10),
            strength_detail=f"{plural(len(found), 'paire')} regroupées",
            calendar_days=f.remaining_days(wide), page="chevauchements"))
    return drafts, folded


def partager_diagnostic(f: Findings) -> list[Draft]:
    """One per pair overlapping ≥ 0.5 whose diagnostics are known and ≤ 2 years apart."""
    pairs = duplicate_diagnostics(f.model, THRESHOLD)  # reads the pairs at threshold, once
    population_of = dict(zip(zip(f.pairs["a"], f.pairs["b"], strict=True),
                          f.pairs["shared_population"].tolist(), strict=True))
    drafts = []
    for row, remaining in zip(pairs.itertuples(index=False),
                              f.pairs_remaining(pairs["a"], pairs["b"]), strict=True):
        a, b = row.a, row.b
        low, high = sorted((int(row.year_a), int(row.year_b)))
        years = f"en {low} tous les deux" if low == high else f"en {low} et {high}"
        population = int(population_of[(a, b)])
        title = (f"Partager le diagnostic de {quoted(f.scheme_name(a))} et de "
                 f"{quoted(f.scheme_name(b))}\u00a0: diagnostics {years} sur "
                 f"{plural(int(row.shared_communes), 'commune')} en commun")
        explanation = (f"{_pilots_words(f, a)} et {_pilots_words(f, b)} ont chacun fait leur "
                       f"diagnostic ({years}) sur des communes en grande partie les mêmes "
                       f"({format_share(row.overlap)} du plus petit, "
                       f"{plural(population, 'habitant')})\u00a0: le prochain peut être fait "
                       "une fois, pour les deux.")
        apart = int(row.years_apart)
        drafts.append(Draft(
            rule="partager_diagnostic", keys=(a, b), levers=("methodes_communes",), title=title,
            explanation=explanation, schemes=(a, b), actors=f.pilots_of(a, b),
            perimeters=_perimeters_of(f, (a, b)), commune_count=int(row.shared_communes),
            population=population,
            evidence={"overlap": float(row.overlap),
                      "shared_communes": int(row.shared_communes),
                      "shared_population": population, "year_a": int(row.year_a),
                      "year_b": int(row.year_b), "years_apart": apart},
            strength=DIAGNOSTIC_STRENGTH * float(row.overlap)
            * (1 - apart / (DIAGNOSTIC_YEARS + 1)),
            strength_detail=f"{format_share(row.overlap)} de chevauchement, "
            f"{plural(apart, 'an')} d’écart",
            calendar_days=remaining, page="chevauchements", query={"paire": f"{a}|{b}"}))
    return drafts


# ----- who takes part ------------------------------------------------------------------------

def _reach(f: Findings, actor_rows: np.ndarray, columns: sparse.spmatrix) -> sparse.csc_matrix:
    """Communes each of `actor_rows` acts on inside each column (commune × k indicator)."""
    return (f.actor_communes[actor_rows] @ columns).tocsc()


def financeurs_des_emergence(f: Findings) -> list[Draft]:
    """One per funder that joined a scheme after its emergence: those schemes, and the schemes
    now at `emergence` on its communes where it is absent."""
    model = f.model
    actors, schemes, rows = participation_positions(model)
    participations = model.participations.iloc[rows]
    late = ((participations["role"] == FUNDER).to_numpy()
            & participations["stade_entree"].notna().to_numpy()
            & (participations["stade_entree"] != START).fillna(False).to_numpy())
    if not late.any():
        return []
    table = pd.DataFrame({"actor": actors[late], "scheme": schemes[late],
                          "stage": participations["stade_entree"].to_numpy()[late]})
    funders = np.unique(table["actor"].to_numpy())
    emerging = np.flatnonzero((model.schemes["stade"] == START).fillna(False).to_numpy())
    reach = _reach(f, funders, f.scheme_incidence[:, emerging]).tocsr()
    present = f.participation[funders][:, emerging]
    absent = reach - reach.multiply(present)
    absent.eliminate_zeros()
    absent = absent.tocsr()
    drafts = []
    table = table.sort_values(["actor", "scheme"], kind="stable")
    bounds = np.searchsorted(table["actor"].to_numpy(), funders, side="left").tolist()
    bounds.append(len(table))
    late_schemes = table["scheme"].to_numpy()
    late_stages = table["stage"].to_numpy(dtype=object)
    groups = {funder: (late_schemes[bounds[i]:bounds[i + 1]].tolist(),
                       late_stages[bounds[i]:bounds[i + 1]].tolist())
              for i, funder in enumerate(funders)}
    listed = []
    for i, funder in enumerate(funders):
        cols = absent.indices[absent.indptr[i]:absent.indptr[i + 1]]
        listed.append((funder, sorted(set(groups[funder][0]) | set(emerging[cols].tolist()))))
    rows = sparse.csr_matrix(
        (np.ones(sum(len(c) for _, c in listed)),
         (np.repeat(np.arange(len(listed)), [len(c) for _, c in listed]),
          np.concatenate([np.asarray(c, dtype=np.int64) for _, c in listed]))),
        shape=(len(listed), len(f.scheme_ids)))
    communes_of, population_of = f.union_rows(rows)
    drafts = []
    for i, funder in enumerate(funders):
        aid = str(f.actor_ids[funder])
        mine_schemes, mine_stages = groups[funder]
        late_ids = sorted({str(f.scheme_ids[s]) for s in mine_schemes})
        stages = {str(f.scheme_ids[s]): str(st) for s, st in zip(mine_schemes, mine_stages,
                                                                  strict=True)}
        cols = absent.indices[absent.indptr[i]:absent.indptr[i + 1]]
        new_ids = sorted(str(f.scheme_ids[emerging[c]]) for c in cols)
        schemes_all = tuple(sorted(set(late_ids) | set(new_ids)))
        communes = communes_of[i]
        name = quoted(f.actor_name(aid))
        title = (f"Associer {name} dès l’émergence des projets\u00a0: arrivé après "
                 f"l’émergence dans {plural(len(late_ids), 'dispositif')}")
        if new_ids:
            title += (f", absent de {plural(len(new_ids), 'dispositif')} qui émergent sur ses "
                      "communes")
        joined = [f"{quoted(f.scheme_name(s))} ({STAGE_WORDS.get(stages[s], stages[s])})"
                  for s in late_ids]
        explanation = (f"{name} est entré comme partenaire financier après l’émergence dans "
                       f"{_listed(joined)}.")
        if new_ids:
            explanation += (" Dispositifs qui émergent sur ses communes sans lui\u00a0: "
                            f"{names([f.scheme_name(s) for s in new_ids], 5)}.")
        explanation += (" L’associer dès la réflexion, et non seulement au financement, évite "
                        "de reprendre le projet à la fin.")
        drafts.append(Draft(
            rule="financeurs_des_emergence", keys=(aid,), levers=("faire_reseau",), title=title,
            explanation=explanation, schemes=schemes_all,
            actors=tuple(sorted({aid, *f.pilots_of(*new_ids)})),
            perimeters=_perimeters_of(f, schemes_all), positions=communes,
            commune_count=len(communes), population=int(population_of[i]),
            evidence={"late_schemes": late_ids, "entry_stages": stages,
                      "emerging_schemes_without_it": new_ids},
            strength=min(1.0, (len(late_ids) + len(new_ids)) / 4),
            strength_detail=f"{plural(len(late_ids), 'arrivée')} tardive(s), "
            f"{plural(len(new_ids), 'dispositif')} en émergence",
            page="qui_fait_quoi"))
    return drafts


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _ranked(f: Findings, rows: np.ndarray, counts: np.ndarray, themes_mask: int | None,
            limit: int) -> list[tuple[str, int, int]]:
    """(actor id, shared communes, common themes), most shared communes first, then most
    common themes, then id."""
    ids = f.actor_ids[rows]
    common = (np.zeros(len(rows), dtype=np.int64) if themes_mask is None else
              np.bitwise_count(f.actor_themes[rows] & themes_mask).astype(np.int64))
    order = np.lexsort((ids.astype(str), -common, -counts))[:limit]
    return [(str(ids[i]), int(counts[i]), int(common[i])) for i in order]


def _non_transversal(f: Findings) -> pd.DataFrame:
    fields = f.fields
    return fields[(fields["participants"] > 0) & ~fields["transversal"]]


def ouvrir_a_l_autre_champ(f: Findings) -> list[Draft]:
    """One per scheme with participants but not transversal: up to 3 actors of the missing
    field acting on its communes, most shared communes first, then most common themes."""
    lonely = _non_transversal(f)
    drafts = []
    for missing in (LOCAL_DEVELOPMENT, SOCIAL):
        present = SOCIAL if missing == LOCAL_DEVELOPMENT else LOCAL_DEVELOPMENT
        group = lonely[lonely[present]]
        if group.empty:
            continue
        columns = np.array([f.scheme_position[s] for s in group.index])
        candidates = f.actors_of_field(missing)
        shared = _reach(f, candidates, f.scheme_incidence[:, columns])
        taking_part = f.participation[candidates][:, columns].tocsc()
        shared = (shared - shared.multiply(taking_part)).tocsc()
        shared.eliminate_zeros()
        for j, sid in enumerate(group.index):
            block = slice(shared.indptr[j], shared.indptr[j + 1])
            rows = candidates[shared.indices[block]]
            counts = shared.data[block].astype(np.int64)
            top = _ranked(f, rows, counts, int(f.scheme_themes[columns[j]]), CANDIDATES)
            drafts.append(_opening(f, str(sid), missing, top))
    return sorted(drafts, key=lambda d: d.id)


def _opening(f: Findings, sid: str, missing: str, top: list[tuple[str, int, int]]) -> Draft:
    field_words = FIELD_NAMES[missing]
    scheme = quoted(f.scheme_name(sid))
    communes = f.scheme_positions(sid)
    actors = [a for a, _, _ in top]
    if actors:
        title = (f"Ouvrir {scheme} au {field_words}\u00a0: y associer "
                 f"{names([f.actor_name(a) for a in actors])}")
        explanation = (f"Les participants de {scheme} viennent tous du même champ\u00a0; aucun "
                       f"ne relève du {field_words}. "
                       + " ".join(f"{quoted(f.actor_name(a))} agit sur "
                                  f"{plural(n, 'commune')} du dispositif"
                                  + (f" et partage {plural(t, 'thème')} avec lui" if t else "")
                                  + "." for a, n, t in top))
    else:
        title = f"Ouvrir {scheme} au {field_words}\u00a0: aucun acteur de ce champ n’y prend part"
        explanation = (f"Les participants de {scheme} viennent tous du même champ et aucun "
                       f"acteur connu du {field_words} n’agit sur ses communes\u00a0: "
                       "à rechercher avec les partenaires.")
    return Draft(
        rule="ouvrir_a_l_autre_champ", keys=(sid,), levers=("dispositifs_transversaux",),
        title=title, explanation=explanation, schemes=(sid,), actors=tuple(actors),
        perimeters=_perimeters_of(f, (sid,)), positions=communes,
        commune_count=len(communes), population=f.population_at(communes),
        evidence={"missing_field": missing, "participants": int(f.fields.at[sid, "participants"]),
                  "candidates": [{"actor": a, "shared_communes": n, "common_themes": t}
                                 for a, n, t in top]},
        strength=0.4 + 0.2 * len(actors),
        strength_detail=f"{plural(len(actors), 'acteur')} de l’autre champ sur ses communes",
        calendar_days=f.remaining_days(sid), page="qui_fait_quoi")


def personnes_relais(f: Findings) -> list[Draft]:
    """The territory's bridging actors: the 5 with the highest betweenness, and the
    non-transversal schemes (with participants) on their communes they do not take part in."""
    bridging = bridging_actors(f.model)
    if not bridging:
        return []
    measures = network_measures(f.model).actors.loc[bridging]
    ranked = measures.assign(key=measures.index.astype(str)).sort_values(
        ["betweenness", "degree", "key"], ascending=[False, False, True])
    top = [str(a) for a in ranked.index[:RELAYS]]
    lonely = _non_transversal(f)
    rows = np.array([f.model.actors.index.get_loc(a) for a in top])
    could: dict[str, list[str]] = {a: [] for a in top}
    if not lonely.empty:
        columns = np.array([f.scheme_position[s] for s in lonely.index])
        reach = _reach(f, rows, f.scheme_incidence[:, columns]).tocsr()
        taking_part = f.participation[rows][:, columns]
        reach = (reach - reach.multiply(taking_part)).tocsr()
        reach.eliminate_zeros()
        for i, aid in enumerate(top):
            cols = reach.indices[reach.indptr[i]:reach.indptr[i + 1]]
            could[aid] = sorted(str(lonely.index[c]) for c in cols)
    schemes = tuple(sorted({s for v in could.values() for s in v}))
    communes = (f.union_positions(schemes) if schemes
                else np.arange(len(f.commune_positions)))
    who = names([f.actor_name(a) for a in top], RELAYS)
    title = f"S’appuyer sur les personnes relais {who}"
    title += (f" pour ouvrir {plural(len(schemes), 'dispositif')} à l’autre champ" if schemes
              else ", à l’interface du social et du développement local")
    explanation = (f"{plural(len(bridging), 'acteur')} de {f.territory_name} prennent part à la "
                   "fois à un dispositif du social et à un du développement local\u00a0; "
                   f"{who} sont les plus centraux du réseau (intermédiarité).")
    if schemes:
        explanation += (" Dispositifs d’un seul champ sur leurs communes, où ils ne sont pas "
                        f"encore\u00a0: {names([f.scheme_name(s) for s in schemes], 5)}.")
    return [Draft(
        rule="personnes_relais", keys=(f.territory_id,), levers=("personnes_relais",),
        title=title, explanation=explanation, schemes=schemes, actors=tuple(top),
        perimeters=(f.model.scope,) if f.model.scope else (), positions=communes,
        commune_count=len(communes), population=f.population_at(communes),
        evidence={"bridging_actors": len(bridging),
                  "relays": [{"actor": a, "betweenness": round(float(ranked.at[a, "betweenness"]),
                                                                6),
                              "degree": int(ranked.at[a, "degree"]), "could_join": could[a]}
                             for a in top]},
        strength=min(1.0, 0.3 + 0.1 * len(schemes)),
        strength_detail=f"{plural(len(schemes), 'dispositif')} qu’ils pourraient rejoindre",
        page="qui_fait_quoi")]


# ----- territories ---------------------------------------------------------------------------

def couvrir_communes_blanches(f: Findings) -> list[Draft]:
    """One per EPCI of the reference holding blank communes: how many, their population, and
    up to 3 actors of the social field already acting there."""
    blank = blank_communes(f.model)
    if not blank:
        return []
    epci = f.model.communes["epci"].reindex(f.model.territory)
    table = pd.DataFrame({"commune": f.model.territory, "epci": epci.to_numpy()}).dropna()
    blank_set = set(blank)
    table["blank"] = [c in blank_set for c in table["commune"]]
    groups = table[table["blank"]].groupby("epci")["commune"]
    totals = table.groupby("epci")["commune"].size()
    epci_names = load_reference().epci["nom"]
    positions = f.commune_positions
    social = f.actors_of_field(SOCIAL)
    sirens = sorted(str(s) for s in groups.groups)
    columns = sparse.csc_matrix(
        (np.ones(sum(len(groups.get_group(s)) for s in sirens)),
         (np.concatenate([positions.get_indexer(groups.get_group(s)) for s in sirens]),
          np.concatenate([[j] * len(groups.get_group(s)) for j, s in enumerate(sirens)]))),
        shape=(len(positions), len(sirens)))
    reach = _reach(f, social, columns)
    drafts = []
    for j, siren in enumerate(sirens):
        codes = sorted(groups.get_group(siren))
        block = slice(reach.indptr[j], reach.indptr[j + 1])
        top = _ranked(f, social[reach.indices[block]], reach.data[block].astype(np.int64),
                      None, CANDIDATES)
        where = f.positions_of(codes)
        population = f.population_at(where)
        name = str(epci_names.get(siren, siren)).replace("'", "’")
        share = len(codes) / int(totals[siren])
        title = (f"Couvrir les {plural(len(codes), 'commune')} blanches de {quoted(name)}\u00a0: "
                 f"{plural(population, 'habitant')} sans dispositif social")
        explanation = (f"{format_number(len(codes))} des "
                       f"{plural(int(totals[siren]), 'commune')} de {quoted(name)} "
                       f"({format_share(share)}) ne sont couvertes par aucun dispositif du "
                       "social (CTG, GMR, CLS, ABS, TZCLD…).")
        if top:
            explanation += (" Acteurs du social qui y agissent déjà\u00a0: "
                            f"{names([f.actor_name(a) for a, _, _ in top])}.")
        drafts.append(Draft(
            rule="couvrir_communes_blanches", keys=(siren,), levers=("ingenierie_qualifiee",),
            title=title, explanation=explanation, actors=tuple(a for a, _, _ in top),
            positions=where, commune_count=len(where), population=population,
            evidence={"epci": siren, "epci_name": name, "blank_communes": codes,
                      "epci_communes": int(totals[siren]), "blank_population": population},
            strength=share, strength_detail=f"{format_share(share)} des communes de l’EPCI",
            page="atlas"))
    return drafts


def coordonner_ressorts(f: Findings) -> list[Draft]:
    """One per type of social ressort present whose split rate against the EPCI is > 0: the
    EPCI cut between several of its perimeters (`mismatch(epci, type)`), as a committee
    reads it — « 5 des 12 EPCI sont coupés entre plusieurs circonscriptions »."""
    types = set(f.model.perimeters["type"].dropna())
    if "epci" not in types:
        return []
    drafts = []
    for kind in RESSORT_TYPES:
        if kind not in types:
            continue
        result = mismatch(f.model, "epci", kind)
        if not result.split_rate:
            continue
        split = result.rows[result.rows["y_count"] >= 2]
        ids = tuple(sorted(str(x) for x in split["x"]))
        communes = f.positions_of(set().union(*(f.model.communes_of(x) for x in ids)))
        many = RESSORT_WORDS[kind][1]
        total = len(result.x_ids)
        title = (f"Coordonner les ressorts\u00a0: {format_number(len(ids))} des "
                 f"{plural(total, 'EPCI', 'EPCI')} {'sont coupés' if len(ids) > 1 else 'est coupé'}"
                 f" entre plusieurs {many}")
        explanation = (f"{names([f.perimeter_name(x) for x in ids], 4)} "
                       f"{'relèvent' if len(ids) > 1 else 'relève'} de plusieurs {many} "
                       f"({plural(result.split_population, 'habitant')})\u00a0: les "
                       "professionnels ne savent pas qui couvre qui. Une carte commune des "
                       "ressorts et des interlocuteurs par EPCI évite les angles morts.")
        inside = set(f.commune_positions[communes])
        cutting = [str(y) for y in result.y_ids if not f.model.communes_of(y).isdisjoint(inside)]
        ressort = f.model.actors["ressort"]  # who acts for those EPCI or those ressorts
        actors = tuple(sorted(str(a) for a in ressort.index[is_in(ressort, [*ids, *cutting])]))
        drafts.append(Draft(
            rule="coordonner_ressorts", keys=(kind,), levers=("methodes_communes",),
            title=title, explanation=explanation, actors=actors, perimeters=ids,
            positions=communes, commune_count=len(communes),
            population=int(result.split_population),
            evidence={"perimeter_type": kind, "split_rate": float(result.split_rate),
                      "split_epci": list(ids), "epci": total,
                      "split_population": int(result.split_population)},
            strength=float(result.split_rate),
            strength_detail=f"taux de coupure {format_share(result.split_rate)}",
            page="discordances", query={"x": "epci", "y": kind}))
    return drafts


def lever_blocage(f: Findings) -> list[Draft]:
    """One per (category, territory) with open or in-progress blockages naming no lever."""
    found = without_lever(f.model)
    if found.empty:
        return []
    territory = f.open_blockages["territoire"].reindex(found.index)
    table = found.assign(where=territory.fillna(WHOLE_TERRITORY).to_numpy())
    drafts = []
    for (category, where), group in table.groupby(["categorie", "where"], sort=True):
        ids = sorted(str(b) for b in group.index)
        place = None if where == WHOLE_TERRITORY else str(where)
        levers = CATEGORY_LEVERS[str(category)]
        schemes = tuple(sorted({str(s) for s in group["dispositif"].to_numpy(dtype=object)
                                if isinstance(s, str)}))
        communes = (f.positions_of(f.model.communes_of(place)) if place
                    else np.arange(len(f.commune_positions)))
        on = f"sur {quoted(f.perimeter_name(place))}" if place else "sans territoire précis"
        title = (f"Choisir un levier contre {plural(len(ids), 'blocage')} "
                 f"«\u00a0{label('blockage_category', str(category))}\u00a0» {on}\u00a0: "
                 f"{label('lever', levers[0]).lower()} ou {label('lever', levers[1]).lower()}")
        words = list(dict.fromkeys(str(w) for w in group["sous_categorie"].to_numpy(dtype=object)
                                   if isinstance(w, str)))
        explanation = (f"{plural(len(ids), 'blocage')} encore ouvert(s) ou en cours n’ont aucun "
                       "levier proposé"
                       + (f" ({', '.join(words[:4])})" if words else "") + ". Cap Rural "
                       f"propose pour cette catégorie\u00a0: {quoted(label('lever', levers[0]))} "
                       f"et {quoted(label('lever', levers[1]))}.")
        drafts.append(Draft(
            rule="lever_blocage", keys=(str(category), str(where)), levers=levers, title=title,
            explanation=explanation, schemes=schemes, actors=f.pilots_of(*schemes),
            perimeters=(place,) if place else (), positions=communes,
            commune_count=len(communes), population=f.population_at(communes),
            evidence={"category": str(category), "territory": place, "blockages": ids,
                      "statuses": {s: int(n) for s, n in
                                   group["statut"].fillna("ouvert").value_counts().items()}},
            strength=min(1.0, len(ids) / 3), strength_detail=plural(len(ids), "blocage"),
            page="blocages", query={"categorie": str(category)}))
    return drafts


def _isolated(f: Findings) -> np.ndarray:
    """Actors taking part in no scheme (pilote included)."""
    return np.asarray(f.participation.sum(axis=1)).ravel() == 0


def _territory_actors(f: Findings, rule: str, chosen: np.ndarray, lever: str,
                      title: str, explanation: str, strength: float) -> Draft:
    actors = tuple(sorted(str(a) for a in f.actor_ids[chosen]))
    seats = f.model.actors["commune"].iloc[chosen].dropna()
    communes = f.positions_of(str(c) for c in seats)
    reached = (np.asarray(f.scheme_incidence[communes].sum(axis=0)).ravel() > 0
               if len(communes) else np.zeros(len(f.scheme_ids), dtype=bool))
    schemes = tuple(sorted(str(s) for s in f.scheme_ids[reached]))
    return Draft(
        rule=rule, keys=(f.territory_id,), levers=(lever,), title=title,
        explanation=explanation + (f" {plural(len(schemes), 'dispositif')} couvrent leurs "
                                   f"communes\u00a0: {names([f.scheme_name(s) for s in schemes])}."
                                   if schemes else ""),
        schemes=schemes, actors=actors, perimeters=(f.model.scope,) if f.model.scope else (),
        positions=communes, commune_count=len(communes), population=f.population_at(communes),
        evidence={"actors": len(actors), "actors_in_territory": len(f.actor_ids),
                  "schemes_on_their_communes": len(schemes)},
        strength=strength, strength_detail=plural(len(actors), "acteur"),
        page="qui_fait_quoi")


def associer_habitants(f: Findings) -> list[Draft]:
    """The territory's collectifs d'habitants taking part in no scheme."""
    forme = f.model.actors["forme"].astype(object).to_numpy()
    chosen = np.flatnonzero(_isolated(f) & (forme == HABITANTS))
    if not len(chosen):
        return []
    who = names([f.actor_name(a) for a in sorted(f.actor_ids[chosen])])
    return [_territory_actors(
        f, "associer_habitants", chosen, "besoins_habitants",
        f"Associer {plural(len(chosen), 'collectif')} d’habitants aux dispositifs\u00a0: {who}",
        f"{who} ne {'prennent' if len(chosen) > 1 else 'prend'} part à aucun dispositif de "
        f"{f.territory_name}.", min(1.0, 0.5 + 0.25 * len(chosen)))]


def integrer_isoles(f: Findings) -> list[Draft]:
    """The territory's other actors (not collectifs d'habitants) taking part in no scheme."""
    forme = f.model.actors["forme"].astype(object).to_numpy()
    chosen = np.flatnonzero(_isolated(f) & (forme != HABITANTS))
    if not len(chosen):
        return []
    who = names([f.actor_name(a) for a in sorted(f.actor_ids[chosen])])
    share = len(chosen) / len(f.actor_ids)
    return [_territory_actors(
        f, "integrer_isoles", chosen, "faire_reseau",
        f"Intégrer {plural(len(chosen), 'acteur')} qui ne prennent part à aucun dispositif\u00a0: "
        f"{who}",
        f"{format_number(len(chosen))} des {plural(len(f.actor_ids), 'acteur')} de "
        f"{f.territory_name} ({format_share(share)}) ne prennent part à aucun dispositif.",
        min(1.0, 2 * share))]
