"""The rules of SPEC §3.2, one function per rule: a finding of the indicators becomes a `Draft`.

Each function reads `Findings` (the indicators computed once per model) and returns its drafts
sorted by id; a rule whose finding cannot exist in the data (no participation, no blockage,
a single scheme…) returns an empty list, never an error. Titles and explanations are written
here from the data — names, not ids, and French number formats — so that nothing in a
sentence is invented. `articuler` is the folding rule: it takes the drafts of `mutualiser` and
`se_rencontrer` and returns the wide schemes' proposals with the pairs they stand for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.blockages import without_lever
from maillage.columns import is_in
from maillage.coverage import blank_communes
from maillage.formats import format_number, format_share
from maillage.mismatch import MismatchResult, mismatch
from maillage.network import network_measures, participation_positions
from maillage.overlaps import THRESHOLD, duplicate_diagnostics
from maillage.proposals.findings import WHOLE_TERRITORY, Findings
from maillage.proposals.record import Draft, Words, written
from maillage.proposals.wording import FIELD_NAMES, duration, names, plural, quoted, themes
from maillage.reference import load_reference
from maillage.texts import label
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
    "circonscription_action_sociale": (
        "circonscription d’action sociale",
        "circonscriptions d’action sociale",
    ),
    "territoire_caf": ("territoire CAF", "territoires CAF"),
    "territoire_msa": ("territoire MSA", "territoires MSA"),
}
HABITANTS = "collectif_habitants"
STAGE_WORDS = {
    "emergence": "à l’émergence",
    "mise_en_oeuvre": "à la mise en œuvre",
    "evaluation": "à l’évaluation",
}


# ----- pairs of schemes ---------------------------------------------------------------------


def _pair_communes(row) -> str:
    """How a title says the shared communes of a pair."""
    if row.size_a == row.size_b == row.shared_communes:
        return f"mêmes {plural(int(row.shared_communes), 'commune')}"
    return (
        f"{plural(int(row.shared_communes), 'commune')} en commun "
        f"({format_share(row.overlap)} du plus petit)"
    )


def _pilots_words(f: Findings, sid: str) -> str:
    pilots = f.pilots_of(sid)
    if not pilots:
        return quoted(f.scheme_name(sid))
    who = names([f.actor_name(a) for a in pilots])
    return f"{quoted(f.scheme_name(sid))} (pilote\u00a0: {who})"


def _pair_evidence(row, **more) -> dict:
    days = None if pd.isna(row.shared_days) else int(row.shared_days)
    return {
        "overlap": float(row.overlap),
        "shared_communes": int(row.shared_communes),
        "shared_population": int(row.shared_population),
        "shared_days": days,
        "common_actors": int(row.common_actors),
        "common_themes": int(row.common_themes),
        "communes_a": int(row.size_a),
        "communes_b": int(row.size_b),
        **more,
    }


def _perimeters_of(f: Findings, schemes: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({f.scheme_perimeter[s] for s in schemes}))


class _Pair(NamedTuple):
    a: str
    b: str
    overlap: float
    shared_communes: int
    shared_population: int
    shared_days: float
    common_actors: int
    common_themes: int
    size_a: int
    size_b: int


def _pair_rows(frame: pd.DataFrame) -> list[_Pair]:
    """The rows of a pairs frame as plain tuples (iterating Arrow-backed columns row by row
    costs more than the rest of a rule)."""
    columns = [frame[name].tolist() for name in _Pair._fields]
    return [_Pair(*values) for values in zip(*columns, strict=True)]


def _common_theme_counts(f: Findings, frame: pd.DataFrame) -> np.ndarray:
    themes = f.scheme_themes
    return np.bitwise_count(themes[f.rows_of(frame["a"])] & themes[f.rows_of(frame["b"])])


def mutualiser(
    f: Findings, frame: pd.DataFrame, diagnostic_of: Mapping[tuple[str, ...], Draft]
) -> list[Draft]:
    """One per pooling candidate (SPEC §3) of `frame` (`f.pairs` rows left unfolded): one
    governance and one diagnostic for both."""
    common = _common_theme_counts(f, frame)
    strengths = frame["overlap"].to_numpy() * (0.5 + 0.5 * np.minimum(1.0, common / 2))
    return [
        Draft(
            rule="mutualiser",
            keys=(row.a, row.b),
            levers=("dispositifs_transversaux",),
            write=partial(_pooling_words, f, row, remaining, diagnostic_of.get((row.a, row.b))),
            schemes=(row.a, row.b),
            commune_count=int(row.shared_communes),
            population=int(row.shared_population),
            strength=strength,
            calendar_days=remaining,
            page="chevauchements",
        )
        for row, remaining, strength in zip(
            _pair_rows(frame),
            f.pairs_remaining(frame["a"], frame["b"]),
            strengths.tolist(),
            strict=True,
        )
    ]


def _pooling_words(f: Findings, row, remaining: int | None, diagnostic: Draft | None) -> Words:
    a, b = row.a, row.b
    common = f.common_themes(a, b)
    title = (
        f"Mutualiser la gouvernance et le diagnostic de {quoted(f.scheme_name(a))} et "
        f"de {quoted(f.scheme_name(b))}\u00a0: {_pair_communes(row)}, "
        f"{duration(int(row.shared_days))} de calendrier commun, {themes(common)} en commun"
    )
    still = (
        ""
        if remaining is None
        else f", dont {plural(remaining, 'jour')} restent à courir"
        if remaining
        else ", aujourd’hui écoulés"
    )
    explanation = (
        f"{_pilots_words(f, a)} et {_pilots_words(f, b)} couvrent "
        f"{plural(int(row.shared_communes), 'commune')} en commun "
        f"({plural(int(row.shared_population), 'habitant')})\u00a0; leurs calendriers se "
        f"recouvrent sur {plural(int(row.shared_days), 'jour')}{still}. Une seule "
        "gouvernance et un diagnostic partagé éviteraient de faire deux fois le même "
        "travail sur les mêmes communes."
    )
    evidence = _pair_evidence(row, themes=common, remaining_days=remaining)
    if diagnostic is not None:  # the years of the diagnostic it also stands for
        found = diagnostic.write().evidence
        evidence |= {
            "diagnostic_years": [found["year_a"], found["year_b"]],
            "folded": [diagnostic.id],
        }
    return Words(
        title,
        explanation,
        evidence,
        strength_detail=f"{format_share(row.overlap)} de chevauchement, "
        f"{plural(len(common), 'thème')} en commun",
        actors=f.pilots_of(a, b),
        perimeters=_perimeters_of(f, (a, b)),
        query={"paire": f"{a}|{b}"},
    )


def se_rencontrer(f: Findings, frame: pd.DataFrame) -> list[Draft]:
    """One per pair of `frame` side by side, not crossing: the pilots of both schemes meet."""
    return [
        Draft(
            rule="se_rencontrer",
            keys=(row.a, row.b),
            levers=("faire_reseau",),
            write=partial(_meeting_words, f, row),
            schemes=(row.a, row.b),
            commune_count=int(row.shared_communes),
            population=int(row.shared_population),
            strength=float(row.overlap),
            calendar_days=remaining,
            page="chevauchements",
        )
        for row, remaining in zip(
            _pair_rows(frame), f.pairs_remaining(frame["a"], frame["b"]), strict=True
        )
    ]


def _meeting_words(f: Findings, row) -> Words:
    a, b = row.a, row.b
    pilots = f.pilots_of(a, b)
    title = (
        f"Faire se rencontrer les pilotes de {quoted(f.scheme_name(a))} et de "
        f"{quoted(f.scheme_name(b))}\u00a0: {_pair_communes(row)}, aucun acteur en commun"
    )
    if len(pilots) > 1:
        who = f"{names([f.actor_name(p) for p in pilots])} pilotent deux dispositifs qui"
    elif pilots:
        who = f"{names([f.actor_name(p) for p in pilots])} pilote deux dispositifs qui"
    else:
        who = "Ces deux dispositifs"
    explanation = (
        f"{who} couvrent {format_share(row.overlap)} des mêmes communes "
        f"({plural(int(row.shared_population), 'habitant')}) sans aucun acteur "
        "en commun\u00a0: ils se côtoient sans se croiser."
    )
    return Words(
        title,
        explanation,
        _pair_evidence(row),
        strength_detail=f"{format_share(row.overlap)} de chevauchement",
        actors=pilots,
        perimeters=_perimeters_of(f, (a, b)),
        query={"paire": f"{a}|{b}"},
    )


def articuler(
    f: Findings,
    pooling: pd.DataFrame,
    apart: pd.DataFrame,
    diagnostic_of: Mapping[tuple[str, ...], Draft],
) -> tuple[list[Draft], np.ndarray, np.ndarray]:
    """Schemes that are the larger (more communes) in more than 3 distinct pairs of
    `mutualiser` (`pooling`) and `se_rencontrer` (`apart`): one proposal each, standing for
    those pairs; returns the drafts and, for each frame, which rows stay unfolded.

    Every other pair of a wide scheme (with one of the same size or larger) is folded too —
    into its largest wide scheme, then the one with most pairs, then the first id: otherwise
    the wide scheme would still flood the list through its equals."""
    fold = folding(f, pooling, apart)
    a, b, owner, owned = fold.a, fold.b, fold.owner, fold.owned
    is_pooling = np.arange(len(a)) < len(pooling)
    drafts = []
    for scheme in fold.wide:
        rows = np.flatnonzero(owned & (owner == scheme))
        drafts.append(_articulation(f, scheme, a[rows], b[rows], is_pooling[rows], diagnostic_of))
    return drafts, ~owned[: len(pooling)], ~owned[len(pooling) :]


class Folding(NamedTuple):
    """The pairs of `mutualiser` then `se_rencontrer` as scheme rows (`a`, `b`), which of
    them are `owned` by a wide scheme, that scheme (`owner`), and the wide schemes by id."""

    a: np.ndarray
    b: np.ndarray
    owner: np.ndarray
    owned: np.ndarray
    wide: list[int]


def folding(f: Findings, pooling: pd.DataFrame, apart: pd.DataFrame) -> Folding:
    """Which pairs `articuler` folds, and into which wide scheme (see `articuler`)."""
    a = np.concatenate([f.rows_of(pooling["a"]), f.rows_of(apart["a"])])
    b = np.concatenate([f.rows_of(pooling["b"]), f.rows_of(apart["b"])])
    size = f.scheme_sizes
    distinct = np.unique(a * len(size) + b)
    first, second = distinct // len(size), distinct % len(size)
    differ = size[first] != size[second]
    wider = np.where(size[first] > size[second], first, second)[differ]
    larger = np.bincount(wider, minlength=len(size))
    wide = larger > FOLD_ABOVE
    rank = f.scheme_id_rank
    a_first = (size[a] > size[b]) | (
        (size[a] == size[b])
        & ((larger[a] > larger[b]) | ((larger[a] == larger[b]) & (rank[a] < rank[b])))
    )
    owner = np.where(wide[a] & (a_first | ~wide[b]), a, b)
    owned = wide[a] | wide[b]
    ordered = sorted(np.unique(owner[owned]).tolist(), key=lambda s: rank[s])
    return Folding(a, b, owner, owned, ordered)


def _articulation(
    f: Findings,
    scheme: int,
    a: np.ndarray,
    b: np.ndarray,
    pooling: np.ndarray,
    diagnostic_of: Mapping[tuple[str, ...], Draft],
) -> Draft:
    ids = f.scheme_ids
    wide = str(ids[scheme])
    partners = np.unique(np.where(a == scheme, b, a))
    partner_ids = sorted(str(s) for s in ids[partners])
    inside = f.scheme_positions(wide)
    reached = np.unique(np.concatenate([f.scheme_positions(p) for p in partner_ids]))
    communes = np.intersect1d(inside, reached, assume_unique=True)
    schemes = tuple(sorted([wide, *partner_ids]))
    count = len(inside)
    pooled = int(pooling.sum())

    def write() -> Words:
        pairs = sorted({(str(ids[x]), str(ids[y])) for x, y in zip(a, b, strict=True)})
        folded = {
            f"{rule}:{'+'.join(sorted((str(ids[x]), str(ids[y]))))}"
            for x, y, p in zip(a, b, pooling, strict=True)
            for rule in ["mutualiser" if p else "se_rencontrer"]
        }
        folded |= {
            diagnostic_of[pair].id
            for pair, p in zip(
                ((str(ids[x]), str(ids[y])) for x, y in zip(a, b, strict=True)),
                pooling,
                strict=True,
            )
            if p and pair in diagnostic_of
        }
        apart = len(a) - pooled
        parts = [
            w
            for n, w in (
                (pooled, plural(pooled, "candidat") + " à la mutualisation"),
                (apart, plural(apart, "paire") + " qui se côtoient sans se croiser"),
            )
            if n
        ]
        title = (
            f"Articuler {quoted(f.scheme_name(wide))} avec les "
            f"{plural(len(partner_ids), 'dispositif')} qu’il recouvre, plutôt que "
            f"{plural(len(a), 'rapprochement')} séparés"
        )
        pilots = f.pilots_of(wide)
        explanation = (
            f"{quoted(f.scheme_name(wide))} ({plural(count, 'commune')}"
            + (f", pilote\u00a0: {names([f.actor_name(x) for x in pilots])}" if pilots else "")
            + ") couvre au moins "
            f"la moitié des communes de "
            f"{names([f.scheme_name(s) for s in partner_ids])}\u00a0: "
            f"{' et '.join(parts)}. Une articulation d’ensemble autour de ce "
            "dispositif remplace ces pistes une à une."
        )
        evidence = {
            "scheme": wide,
            "communes_of_scheme": count,
            "partners": partner_ids,
            "pairs": len(pairs),
            "pooling_candidates": pooled,
            "side_by_side_not_crossing": apart,
            "folded": sorted(folded),
        }
        return Words(
            title,
            explanation,
            evidence,
            strength_detail=f"{plural(len(a), 'paire')} regroupées",
            actors=f.pilots_of(*schemes),
            perimeters=_perimeters_of(f, schemes),
        )

    return Draft(
        rule="articuler",
        keys=(wide,),
        levers=("dispositifs_transversaux",),
        write=write,
        schemes=schemes,
        positions=communes,
        commune_count=len(communes),
        population=f.population_at(communes),
        strength=min(1.0, len(a) / 10),
        calendar_days=f.remaining_days(wide),
        page="chevauchements",
    )


def partager_diagnostic(f: Findings) -> list[Draft]:
    """One per pair overlapping ≥ 0.5 whose diagnostics are known and ≤ 2 years apart."""
    pairs = duplicate_diagnostics(f.model, THRESHOLD)  # reads the pairs at threshold, once
    if pairs.empty:
        return []
    population_of = dict(
        zip(
            zip(f.pairs["a"].tolist(), f.pairs["b"].tolist(), strict=True),
            f.pairs["shared_population"].tolist(),
            strict=True,
        )
    )
    drafts = []
    for row, remaining in zip(
        pairs.itertuples(index=False), f.pairs_remaining(pairs["a"], pairs["b"]), strict=True
    ):
        a, b = row.a, row.b
        low, high = sorted((int(row.year_a), int(row.year_b)))
        years = f"en {low} tous les deux" if low == high else f"en {low} et {high}"
        population = int(population_of[(a, b)])
        title = (
            f"Partager le diagnostic de {quoted(f.scheme_name(a))} et de "
            f"{quoted(f.scheme_name(b))}\u00a0: diagnostics {years} sur "
            f"{plural(int(row.shared_communes), 'commune')} en commun"
        )
        explanation = (
            f"{_pilots_words(f, a)} et {_pilots_words(f, b)} ont chacun fait leur "
            f"diagnostic ({years}) sur des communes en grande partie les mêmes "
            f"({format_share(row.overlap)} du plus petit, "
            f"{plural(population, 'habitant')})\u00a0: le prochain peut être fait "
            "une fois, pour les deux."
        )
        apart = int(row.years_apart)
        words = Words(
            title,
            explanation,
            {
                "overlap": float(row.overlap),
                "shared_communes": int(row.shared_communes),
                "shared_population": population,
                "year_a": int(row.year_a),
                "year_b": int(row.year_b),
                "years_apart": apart,
            },
            strength_detail=f"{format_share(row.overlap)} de chevauchement, "
            f"{plural(apart, 'an')} d’écart",
            actors=f.pilots_of(a, b),
            perimeters=_perimeters_of(f, (a, b)),
            query={"paire": f"{a}|{b}"},
        )
        drafts.append(
            Draft(
                rule="partager_diagnostic",
                keys=(a, b),
                levers=("methodes_communes",),
                write=written(words),
                schemes=(a, b),
                commune_count=int(row.shared_communes),
                population=population,
                strength=DIAGNOSTIC_STRENGTH
                * float(row.overlap)
                * (1 - apart / (DIAGNOSTIC_YEARS + 1)),
                calendar_days=remaining,
                page="chevauchements",
            )
        )
    return drafts


# ----- who takes part ------------------------------------------------------------------------


def _reach(f: Findings, actor_rows: np.ndarray, columns: sparse.spmatrix) -> sparse.csc_matrix:
    """Communes each of `actor_rows` acts on inside each column (commune × k indicator)."""
    return (f.actor_communes[actor_rows] @ columns).tocsc()


def late_participations(f: Findings) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Funder participations that began after `emergence`: (actor rows, scheme rows, entry
    stages), by actor then scheme."""
    actors, schemes, rows = participation_positions(f.model)
    participations = f.model.participations.iloc[rows]
    late = (
        (participations["role"] == FUNDER).to_numpy()
        & participations["stade_entree"].notna().to_numpy()
        & (participations["stade_entree"] != START).fillna(False).to_numpy()
    )
    order = np.lexsort((schemes[late], actors[late]))
    stages = participations["stade_entree"].to_numpy(dtype=object)[late][order]
    return actors[late][order], schemes[late][order], stages


def financeurs_des_emergence(f: Findings) -> list[Draft]:
    """One per funder that joined a scheme after its emergence: those schemes, and the schemes
    now at `emergence` on its communes where it is absent."""
    model = f.model
    late_actors, late_schemes, late_stages = late_participations(f)
    if not len(late_actors):
        return []
    funders = np.unique(late_actors)
    bounds = [*np.searchsorted(late_actors, funders, side="left").tolist(), len(late_actors)]
    count = len(f.scheme_ids)
    joined = sparse.csr_matrix(
        (np.ones(len(late_schemes)), (np.searchsorted(funders, late_actors), late_schemes)),
        shape=(len(funders), count),
    )
    joined.data[:] = 1.0
    emerging = np.flatnonzero((model.schemes["stade"] == START).fillna(False).to_numpy())
    reach = _reach(f, funders, f.scheme_incidence[:, emerging]).tocsr()
    absent = reach - reach.multiply(f.participation[funders][:, emerging])
    absent.eliminate_zeros()
    absent = sparse.csr_matrix(absent)
    absent = sparse.csr_matrix(
        (np.ones(absent.nnz), emerging[absent.indices], absent.indptr), shape=(len(funders), count)
    )
    listed = (joined + absent).tocsr()
    listed.data[:] = 1.0
    communes, population = f.union_sizes(listed)
    by_id = f.scheme_id_order  # columns in id order: each row's ids come out sorted
    sorted_ids = f.scheme_ids[by_id].astype(str)
    listed, absent, joined = (_sorted_rows(m[:, by_id]) for m in (listed, absent, joined))
    named = sorted_ids[listed.indices]  # one lookup for every row's ids
    joined_count, absent_count = np.diff(joined.indptr), np.diff(absent.indptr)
    strengths = np.minimum(1.0, (joined_count + absent_count) / 4).tolist()
    drafts = []
    for i, aid in enumerate(f.actor_ids[funders].astype(str).tolist()):
        mine = slice(bounds[i], bounds[i + 1])
        drafts.append(
            Draft(
                rule="financeurs_des_emergence",
                keys=(aid,),
                levers=("faire_reseau",),
                write=partial(
                    _late_funder_words,
                    f,
                    aid,
                    sorted_ids,
                    joined.indices[joined.indptr[i] : joined.indptr[i + 1]],
                    absent.indices[absent.indptr[i] : absent.indptr[i + 1]],
                    late_schemes[mine],
                    late_stages[mine],
                ),
                schemes=tuple(named[listed.indptr[i] : listed.indptr[i + 1]]),
                commune_count=int(communes[i]),
                population=int(population[i]),
                strength=strengths[i],
                page="qui_fait_quoi",
            )
        )
    return drafts


def _sorted_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    rows = sparse.csr_matrix(matrix)
    rows.sort_indices()
    return rows


def _late_funder_words(
    f: Findings,
    aid: str,
    sorted_ids: np.ndarray,
    late: np.ndarray,
    new: np.ndarray,
    late_schemes: np.ndarray,
    late_stages: np.ndarray,
) -> Words:
    late_ids, new_ids = sorted_ids[late].tolist(), sorted_ids[new].tolist()
    stages = {
        str(f.scheme_ids[s]): str(st)
        for s, st in zip(late_schemes.tolist(), late_stages.tolist(), strict=True)
    }
    name = quoted(f.actor_name(aid))
    title = (
        f"Associer {name} dès l’émergence des projets\u00a0: arrivé après "
        f"l’émergence dans {plural(len(late_ids), 'dispositif')}"
    )
    if new_ids:
        title += f", absent de {plural(len(new_ids), 'dispositif')} qui émergent sur ses communes"
    joined = [
        f"{quoted(f.scheme_name(s))} ({STAGE_WORDS.get(stages[s], stages[s])})" for s in late_ids
    ]
    explanation = (
        f"{name} est entré comme partenaire financier après l’émergence dans {_listed(joined)}."
    )
    if new_ids:
        explanation += (
            " Dispositifs qui émergent sur ses communes sans lui\u00a0: "
            f"{names([f.scheme_name(s) for s in new_ids], 5)}."
        )
    explanation += (
        " L’associer dès la réflexion, et non seulement au financement, évite "
        "de reprendre le projet à la fin."
    )
    schemes = tuple(sorted({*late_ids, *new_ids}))
    return Words(
        title,
        explanation,
        {"late_schemes": late_ids, "entry_stages": stages, "emerging_schemes_without_it": new_ids},
        strength_detail=f"{plural(len(late_ids), 'arrivée tardive', 'arrivées tardives')}, "
        f"{plural(len(new_ids), 'dispositif')} en émergence",
        actors=tuple(sorted({aid, *f.pilots_of(*new_ids)})),
        perimeters=_perimeters_of(f, schemes),
    )


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _ranked(
    f: Findings, rows: np.ndarray, counts: np.ndarray, themes_mask: int | None, limit: int
) -> list[tuple[str, int, int]]:
    """(actor id, shared communes, common themes), most shared communes first, then most
    common themes, then id."""
    ids = f.actor_ids[rows]
    common = (
        np.zeros(len(rows), dtype=np.int64)
        if themes_mask is None
        else np.bitwise_count(f.actor_themes[rows] & themes_mask).astype(np.int64)
    )
    order = np.lexsort((ids.astype(str), -common, -counts))[:limit]
    return [(str(ids[i]), int(counts[i]), int(common[i])) for i in order]


def _non_transversal(f: Findings) -> pd.DataFrame:
    fields = f.fields
    return fields[(fields["participants"] > 0) & ~fields["transversal"]]


def one_field_schemes(f: Findings) -> list[tuple[str, pd.DataFrame]]:
    """(the missing field, the schemes with participants of the other field only)."""
    lonely = _non_transversal(f)
    found = []
    for missing in (LOCAL_DEVELOPMENT, SOCIAL):
        present = SOCIAL if missing == LOCAL_DEVELOPMENT else LOCAL_DEVELOPMENT
        group = lonely[lonely[present]]
        if not group.empty:
            found.append((missing, group))
    return found


def ouvrir_a_l_autre_champ(f: Findings) -> list[Draft]:
    """One per scheme with participants but not transversal: up to 3 actors of the missing
    field acting on its communes, most shared communes first, then most common themes."""
    drafts = []
    for missing, group in one_field_schemes(f):
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
        title = (
            f"Ouvrir {scheme} au {field_words}\u00a0: y associer "
            f"{names([f.actor_name(a) for a in actors])}"
        )
        explanation = (
            f"Les participants de {scheme} viennent tous du même champ\u00a0; aucun "
            f"ne relève du {field_words}. "
            + " ".join(
                f"{quoted(f.actor_name(a))} agit sur "
                f"{plural(n, 'commune')} du dispositif"
                + (f" et partage {plural(t, 'thème')} avec lui" if t else "")
                + "."
                for a, n, t in top
            )
        )
    else:
        title = f"Ouvrir {scheme} au {field_words}\u00a0: aucun acteur de ce champ n’y prend part"
        explanation = (
            f"Les participants de {scheme} viennent tous du même champ et aucun "
            f"acteur connu du {field_words} n’agit sur ses communes\u00a0: "
            "à rechercher avec les partenaires."
        )
    words = Words(
        title,
        explanation,
        {
            "missing_field": missing,
            "participants": int(f.fields.at[sid, "participants"]),
            "candidates": [
                {"actor": a, "shared_communes": n, "common_themes": t} for a, n, t in top
            ],
        },
        strength_detail=f"{plural(len(actors), 'acteur')} de l’autre champ sur ses communes",
        actors=tuple(actors),
        perimeters=_perimeters_of(f, (sid,)),
    )
    return Draft(
        rule="ouvrir_a_l_autre_champ",
        keys=(sid,),
        levers=("dispositifs_transversaux",),
        write=written(words),
        schemes=(sid,),
        positions=communes,
        commune_count=len(communes),
        population=f.population_at(communes),
        strength=0.4 + 0.2 * len(actors),
        calendar_days=f.remaining_days(sid),
        page="qui_fait_quoi",
    )


def personnes_relais(f: Findings) -> list[Draft]:
    """The territory's bridging actors: the 5 with the highest betweenness, and the
    non-transversal schemes (with participants) on their communes they do not take part in."""
    bridging = bridging_actors(f.model)
    if not bridging:
        return []
    measures = network_measures(f.model).actors.loc[bridging]
    ranked = measures.assign(key=measures.index.astype(str)).sort_values(
        ["betweenness", "degree", "key"], ascending=[False, False, True]
    )
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
            cols = reach.indices[reach.indptr[i] : reach.indptr[i + 1]]
            could[aid] = sorted(str(lonely.index[c]) for c in cols)
    schemes = tuple(sorted({s for v in could.values() for s in v}))
    communes = f.union_positions(schemes) if schemes else np.arange(len(f.commune_positions))
    who = names([f.actor_name(a) for a in top], RELAYS)
    title = f"S’appuyer sur les personnes relais {who}"
    title += (
        f" pour ouvrir {plural(len(schemes), 'dispositif')} à l’autre champ"
        if schemes
        else ", à l’interface du social et du développement local"
    )
    explanation = (
        f"{plural(len(bridging), 'acteur')} {f.of_territory} prennent part à la "
        "fois à un dispositif du social et à un du développement local\u00a0; "
        f"{who} sont les plus centraux du réseau (intermédiarité)."
    )
    if schemes:
        explanation += (
            " Dispositifs d’un seul champ sur leurs communes, où ils ne sont pas "
            f"encore\u00a0: {names([f.scheme_name(s) for s in schemes], 5)}."
        )
    words = Words(
        title,
        explanation,
        {
            "bridging_actors": len(bridging),
            "relays": [
                {
                    "actor": a,
                    "betweenness": round(float(ranked.at[a, "betweenness"]), 6),
                    "degree": int(ranked.at[a, "degree"]),
                    "could_join": could[a],
                }
                for a in top
            ],
        },
        strength_detail=f"{plural(len(schemes), 'dispositif')} qu’ils pourraient rejoindre",
        actors=tuple(top),
        perimeters=(f.model.scope,) if f.model.scope else (),
    )
    return [
        Draft(
            rule="personnes_relais",
            keys=(f.territory_id,),
            levers=("personnes_relais",),
            write=written(words),
            schemes=schemes,
            positions=communes,
            commune_count=len(communes),
            population=f.population_at(communes),
            strength=min(1.0, 0.3 + 0.1 * len(schemes)),
            page="qui_fait_quoi",
        )
    ]


# ----- territories ---------------------------------------------------------------------------


def epci_communes(f: Findings) -> pd.DataFrame:
    """The territory's communes that have an EPCI: `commune`, `epci`, `blank` (no scheme of
    the social field reaches it)."""
    epci = f.model.communes["epci"].reindex(f.model.territory)
    table = pd.DataFrame({"commune": f.model.territory, "epci": epci.to_numpy()}).dropna()
    table["blank"] = table["commune"].isin(blank_communes(f.model)).to_numpy(dtype=bool)
    return table


def couvrir_communes_blanches(f: Findings) -> list[Draft]:
    """One per EPCI of the reference holding blank communes: how many, their population, and
    up to 3 actors of the social field already acting there."""
    table = epci_communes(f)
    groups = table[table["blank"]].groupby("epci")["commune"]
    sirens = sorted(str(s) for s in groups.groups)
    if not sirens:
        return []
    totals = table.groupby("epci")["commune"].size()
    epci_names = load_reference().epci["nom"]
    positions = f.commune_positions
    social = f.actors_of_field(SOCIAL)
    columns = sparse.csc_matrix(
        (
            np.ones(sum(len(groups.get_group(s)) for s in sirens)),
            (
                np.concatenate([positions.get_indexer(groups.get_group(s)) for s in sirens]),
                np.concatenate([[j] * len(groups.get_group(s)) for j, s in enumerate(sirens)]),
            ),
        ),
        shape=(len(positions), len(sirens)),
    )
    reach = _reach(f, social, columns)
    drafts = []
    for j, siren in enumerate(sirens):
        codes = sorted(groups.get_group(siren))
        block = slice(reach.indptr[j], reach.indptr[j + 1])
        top = _ranked(
            f, social[reach.indices[block]], reach.data[block].astype(np.int64), None, CANDIDATES
        )
        where = f.positions_of(codes)
        population = f.population_at(where)
        name = str(epci_names.get(siren, siren)).replace("'", "’")
        share = len(codes) / int(totals[siren])
        title = (
            f"Couvrir les {plural(len(codes), 'commune')} blanches de {quoted(name)}\u00a0: "
            f"{plural(population, 'habitant')} sans dispositif social"
        )
        explanation = (
            f"{format_number(len(codes))} des "
            f"{plural(int(totals[siren]), 'commune')} de {quoted(name)} "
            f"({format_share(share)}) ne sont couvertes par aucun dispositif du "
            "social (CTG, GMR, CLS, ABS, TZCLD…)."
        )
        if top:
            explanation += (
                " Acteurs du social qui y agissent déjà\u00a0: "
                f"{names([f.actor_name(a) for a, _, _ in top])}."
            )
        words = Words(
            title,
            explanation,
            {
                "epci": siren,
                "epci_name": name,
                "blank_communes": codes,
                "epci_communes": int(totals[siren]),
                "blank_population": population,
            },
            strength_detail=f"{format_share(share)} des communes de l’EPCI",
            actors=tuple(a for a, _, _ in top),
        )
        drafts.append(
            Draft(
                rule="couvrir_communes_blanches",
                keys=(siren,),
                levers=("ingenierie_qualifiee",),
                write=written(words),
                positions=where,
                commune_count=len(where),
                population=population,
                strength=share,
                page="atlas",
            )
        )
    return drafts


def split_ressorts(f: Findings) -> list[tuple[str, MismatchResult, float]]:
    """The types of social ressort present whose split rate against the EPCI is > 0: the
    type, its mismatch against the EPCI, that rate."""
    types = set(f.model.perimeters["type"].dropna())
    if "epci" not in types:
        return []
    found = []
    for kind in RESSORT_TYPES:
        result = mismatch(f.model, "epci", kind) if kind in types else None
        if result is not None and result.split_rate:
            found.append((kind, result, result.split_rate))
    return found


def coordonner_ressorts(f: Findings) -> list[Draft]:
    """One per type of social ressort present whose split rate against the EPCI is > 0: the
    EPCI cut between several of its perimeters (`mismatch(epci, type)`), as a committee
    reads it — « 5 des 12 EPCI sont coupés entre plusieurs circonscriptions »."""
    drafts = []
    for kind, result, rate in split_ressorts(f):
        split = result.rows[result.rows["y_count"] >= 2]
        ids = tuple(sorted(str(x) for x in split["x"]))
        communes = f.positions_of(set().union(*(f.model.communes_of(x) for x in ids)))
        many = RESSORT_WORDS[kind][1]
        total = len(result.x_ids)
        if len(ids) == total == 1:
            split_words = "le seul EPCI du territoire est coupé"
        elif len(ids) == total:
            split_words = f"les {plural(total, 'EPCI', 'EPCI')} sont tous coupés"
        else:
            split_words = (
                f"{format_number(len(ids))} des {plural(total, 'EPCI', 'EPCI')} "
                f"{'sont coupés' if len(ids) > 1 else 'est coupé'}"
            )
        title = f"Coordonner les ressorts\u00a0: {split_words} entre plusieurs {many}"
        explanation = (
            f"{names([f.perimeter_name(x) for x in ids], 4)} "
            f"{'relèvent' if len(ids) > 1 else 'relève'} de plusieurs {many} "
            f"({plural(result.split_population, 'habitant')})\u00a0: les "
            "professionnels ne savent pas qui couvre qui. Une carte commune des "
            "ressorts et des interlocuteurs par EPCI évite les angles morts."
        )
        inside = set(f.commune_positions[communes])
        cutting = [str(y) for y in result.y_ids if not f.model.communes_of(y).isdisjoint(inside)]
        ressort = f.model.actors["ressort"]  # who acts for those EPCI or those ressorts
        actors = tuple(sorted(str(a) for a in ressort.index[is_in(ressort, [*ids, *cutting])]))
        words = Words(
            title,
            explanation,
            {
                "perimeter_type": kind,
                "split_rate": rate,
                "split_epci": list(ids),
                "epci": total,
                "split_population": int(result.split_population),
            },
            strength_detail=f"taux de coupure {format_share(rate)}",
            actors=actors,
            perimeters=ids,
            query={"x": "epci", "y": kind},
        )
        drafts.append(
            Draft(
                rule="coordonner_ressorts",
                keys=(kind,),
                levers=("methodes_communes",),
                write=written(words),
                positions=communes,
                commune_count=len(communes),
                population=int(result.split_population),
                strength=rate,
                page="discordances",
            )
        )
    return drafts


def blockages_without_lever(f: Findings) -> pd.DataFrame:
    """Open or in-progress blockages naming no lever, with `where`: their territory, or
    `WHOLE_TERRITORY`."""
    found = without_lever(f.model)
    territory = f.open_blockages["territoire"].reindex(found.index)
    return found.assign(where=territory.fillna(WHOLE_TERRITORY).to_numpy())


def lever_blocage(f: Findings) -> list[Draft]:
    """One per (category, territory) with open or in-progress blockages naming no lever."""
    table = blockages_without_lever(f)
    if table.empty:
        return []
    schemes_of = table["dispositif"].to_numpy(dtype=object)
    drafts = []
    for (category, where), rows in sorted(table.groupby(["categorie", "where"]).indices.items()):
        place = None if where == WHOLE_TERRITORY else str(where)
        schemes = tuple(sorted({str(s) for s in schemes_of[rows] if isinstance(s, str)}))
        communes = f.perimeter_positions(place) if place else np.arange(len(f.commune_positions))
        drafts.append(
            Draft(
                rule="lever_blocage",
                keys=(str(category), str(where)),
                levers=CATEGORY_LEVERS[str(category)],
                write=partial(_blockage_words, f, str(category), place, schemes, table, rows),
                schemes=schemes,
                positions=communes,
                commune_count=len(communes),
                population=f.population_at(communes),
                strength=min(1.0, len(rows) / 3),
                page="blocages",
            )
        )
    return drafts


def _blockage_words(
    f: Findings,
    category: str,
    place: str | None,
    schemes: tuple[str, ...],
    table: pd.DataFrame,
    rows: np.ndarray,
) -> Words:
    group = table.iloc[rows]
    ids = sorted(str(b) for b in group.index)
    first, second = (label("lever", x) for x in CATEGORY_LEVERS[category])
    on = f"sur {quoted(f.perimeter_name(place))}" if place else "sans territoire précis"
    title = (
        f"Choisir un levier contre {plural(len(ids), 'blocage')} "
        f"«\u00a0{label('blockage_category', category)}\u00a0» {on}\u00a0: "
        f"{first.lower()} ou {second.lower()}"
    )
    words = list(
        dict.fromkeys(
            str(w) for w in group["sous_categorie"].to_numpy(dtype=object) if isinstance(w, str)
        )
    )
    state = (
        "blocage encore ouvert ou en cours n’a"
        if len(ids) == 1
        else "blocages encore ouverts ou en cours n’ont"
    )
    explanation = (
        f"{format_number(len(ids))}\u00a0{state} aucun levier proposé"
        + (f" ({', '.join(words[:4])})" if words else "")
        + ". Cap Rural "
        f"propose pour cette catégorie\u00a0: {quoted(first)} et {quoted(second)}."
    )
    statuses = group["statut"].fillna("ouvert").value_counts()
    return Words(
        title,
        explanation,
        {
            "category": category,
            "territory": place,
            "blockages": ids,
            "statuses": {s: int(n) for s, n in statuses.items()},
        },
        strength_detail=plural(len(ids), "blocage"),
        actors=f.pilots_of(*schemes),
        perimeters=(place,) if place else (),
        query={"categorie": category},
    )


def _isolated(f: Findings) -> np.ndarray:
    """Actors taking part in no scheme (pilote included)."""
    return np.asarray(f.participation.sum(axis=1)).ravel() == 0


def _territory_actors(
    f: Findings,
    rule: str,
    chosen: np.ndarray,
    lever: str,
    title: str,
    explanation: str,
    strength: float,
) -> Draft:
    actors = tuple(sorted(str(a) for a in f.actor_ids[chosen]))
    seats = f.model.actors["commune"].iloc[chosen].dropna()
    communes = f.positions_of(str(c) for c in seats)
    reached = (
        np.asarray(f.scheme_incidence[communes].sum(axis=0)).ravel() > 0
        if len(communes)
        else np.zeros(len(f.scheme_ids), dtype=bool)
    )
    schemes = tuple(sorted(str(s) for s in f.scheme_ids[reached]))
    if schemes:
        covering = "couvre" if len(schemes) == 1 else "couvrent"
        explanation += (
            f" {plural(len(schemes), 'dispositif')} {covering} leurs "
            f"communes\u00a0: {names([f.scheme_name(s) for s in schemes])}."
        )
    words = Words(
        title,
        explanation,
        {
            "actors": len(actors),
            "actors_in_territory": len(f.actor_ids),
            "schemes_on_their_communes": len(schemes),
        },
        strength_detail=plural(len(actors), "acteur"),
        actors=actors,
        perimeters=(f.model.scope,) if f.model.scope else (),
    )
    return Draft(
        rule=rule,
        keys=(f.territory_id,),
        levers=(lever,),
        write=written(words),
        schemes=schemes,
        positions=communes,
        commune_count=len(communes),
        population=f.population_at(communes),
        strength=strength,
        page="qui_fait_quoi",
    )


def isolated(f: Findings, habitants: bool) -> np.ndarray:
    """Rows of the actors taking part in no scheme that are (or are not) collectifs
    d'habitants."""
    forme = f.model.actors["forme"].astype(object).to_numpy()
    return np.flatnonzero(_isolated(f) & ((forme == HABITANTS) == habitants))


def associer_habitants(f: Findings) -> list[Draft]:
    """The territory's collectifs d'habitants taking part in no scheme."""
    chosen = isolated(f, habitants=True)
    if not len(chosen):
        return []
    who = names([f.actor_name(a) for a in sorted(f.actor_ids[chosen])])
    return [
        _territory_actors(
            f,
            "associer_habitants",
            chosen,
            "besoins_habitants",
            f"Associer {plural(len(chosen), 'collectif')} d’habitants aux dispositifs\u00a0: {who}",
            f"{who} ne {'prennent' if len(chosen) > 1 else 'prend'} part à aucun dispositif "
            f"{f.of_territory}.",
            min(1.0, 0.5 + 0.25 * len(chosen)),
        )
    ]


def integrer_isoles(f: Findings) -> list[Draft]:
    """The territory's other actors (not collectifs d'habitants) taking part in no scheme."""
    chosen = isolated(f, habitants=False)
    if not len(chosen):
        return []
    who = names([f.actor_name(a) for a in sorted(f.actor_ids[chosen])])
    share = len(chosen) / len(f.actor_ids)
    return [
        _territory_actors(
            f,
            "integrer_isoles",
            chosen,
            "faire_reseau",
            f"Intégrer {plural(len(chosen), 'acteur qui ne prend', 'acteurs qui ne prennent')} "
            f"part à aucun dispositif\u00a0: {who}",
            (
                f"Le seul acteur {f.of_territory} ne prend part à aucun dispositif."
                if len(chosen) == len(f.actor_ids) == 1
                else f"{format_number(len(chosen))} des {plural(len(f.actor_ids), 'acteur')} "
                f"{f.of_territory} ({format_share(share)}) "
                f"{'ne prend' if len(chosen) == 1 else 'ne prennent'} part à aucun dispositif."
            ),
            min(1.0, 2 * share),
        )
    ]
