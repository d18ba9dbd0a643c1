"""From drafts to the ranked list of proposals: the score, its factors, the folding rule.

The score (0–100) is the sum of five named factors, each a value in [0, 1] times a weight:

- `strength` (30): how strong the finding is, defined by each rule in `rules.py` (the overlap
  of a pair, the share of blank communes of an EPCI, the split rate…);
- `reach` (20): log(1 + population it touches) / log(1 + population of the territory) — on a
  log scale, so that an EPCI still counts against a whole département (by communes when no
  population is known);
- `calendar` (20): common calendar still to run from the reference day, over 3 years (capped
  at 1); 0.5 when it does not apply or a date is missing;
- `stage` (15): mean stage of its schemes — émergence 1, mise en œuvre 0.7, évaluation 0.4,
  terminé 0, unknown 0.5; 0.5 without scheme;
- `blockages` (15): open or in-progress blockages on the same communes that it answers (their
  lever, or else their category's levers, is one of its levers), over 5 (capped at 1).

Ties are broken by id. The reference day is an input (the command line and the pages use the
day the version was published), so the same version always gives the same list.
"""

from __future__ import annotations

import math
from datetime import date
from itertools import chain
from typing import cast

import numpy as np
import pandas as pd
from scipy import sparse

from maillage.formats import format_share
from maillage.model import Model
from maillage.proposals import ids, rules
from maillage.proposals.findings import Findings
from maillage.proposals.record import Draft, Factor, Proposal, folded_ids
from maillage.proposals.wording import plural
from maillage.texts import label

WEIGHTS: dict[str, float] = {
    "strength": 30,
    "reach": 20,
    "calendar": 20,
    "stage": 15,
    "blockages": 15,
}
FACTORS = ("strength", "reach", "calendar", "stage", "blockages")  # in the order shown
CALENDAR_HORIZON_DAYS = 3 * 365
BLOCKAGES_FOR_FULL = 5
NEUTRAL = 0.5
STAGE_VALUES = {"emergence": 1.0, "mise_en_oeuvre": 0.7, "evaluation": 0.4, "termine": 0.0}

RULES = (  # SPEC §3.2, in its order; `articuler` folds the first two
    "mutualiser",
    "se_rencontrer",
    "articuler",
    "partager_diagnostic",
    "financeurs_des_emergence",
    "ouvrir_a_l_autre_champ",
    "personnes_relais",
    "couvrir_communes_blanches",
    "coordonner_ressorts",
    "lever_blocage",
    "associer_habitants",
    "integrer_isoles",
)


def drafts(f: Findings) -> list[Draft]:
    """Every rule's drafts, the pairs of a wide scheme folded into its `articuler`, and a
    pooling pair that also diagnosed twice folded into its `mutualiser` (which already
    proposes « la gouvernance et le diagnostic »: one finding, one proposal)."""
    pairs = f.pairs
    pooling = pairs[pairs["pooling_candidate"].to_numpy()]
    apart = pairs[pairs["side_by_side_not_crossing"].to_numpy()]
    diagnostics = rules.partager_diagnostic(f)
    diagnostic_of = {d.schemes: d for d in diagnostics}
    wide, kept_pooling, kept_apart = rules.articuler(f, pooling, apart, diagnostic_of)
    found = (
        rules.mutualiser(f, pooling[kept_pooling], diagnostic_of)
        + rules.se_rencontrer(f, apart[kept_apart])
        + wide
    )
    pooled = set(zip(pooling["a"].tolist(), pooling["b"].tolist(), strict=True))
    found += [d for d in diagnostics if d.schemes not in pooled]
    for rule in RULES[4:]:
        found += getattr(rules, rule)(f)
    return found


def _drafts_key(today: date) -> tuple[str, date]:
    return ("proposal drafts", today)


def _drafted(model: Model, today: date) -> tuple[Findings, list[Draft]]:
    """`drafts` once per (immutable) model and day: a dossier reads the latest version's
    proposals for its list and again for what changed since the last committee."""
    key = _drafts_key(today)
    if key not in model.memo:
        findings = Findings(model, today)
        model.memo[key] = (findings, drafts(findings))
    return cast(tuple[Findings, list[Draft]], model.memo[key])


class Ranking:
    """Every draft of a model scored and sorted (best first, ties broken by id); a proposal
    is worded only when asked for, so that ids and order cost no sentence."""

    def __init__(self, model: Model, today: date):
        self._f, self._drafts = _drafted(model, today)
        self._scorer = _Scorer(self._f, self._drafts)
        ids = [d.id for d in self._drafts]
        scores = self._scorer.scores
        self._order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
        self.ids = [ids[i] for i in self._order]

    def proposals(self, limit: int | None = None) -> list[Proposal]:
        chosen = self._order if limit is None else self._order[: max(limit, 0)]
        return [self._scorer.freeze(i, self._drafts[i]) for i in chosen]


def build_proposals(model: Model, today: date, limit: int | None = None) -> list[Proposal]:
    """The proposals of SPEC §3.2 for `model` (already cut to a perimeter and scheme types),
    best first, ties broken by id; the first `limit` only when given."""
    return Ranking(model, today).proposals(limit)


def proposal_ids(model: Model, today: date) -> list[str]:
    """The ids of `build_proposals`, sorted by id: what is new or resolved between two
    versions needs neither a score nor a sentence, nor the drafts when none were made."""
    if _ids_key(today) in model.memo:
        return sorted(cast(list[str], model.memo[_ids_key(today)]))
    if _drafts_key(today) in model.memo:
        return sorted(d.id for d in _drafted(model, today)[1])
    return ids.proposal_ids(model, today)


def _ids_key(today: date) -> tuple[str, date]:
    return ("proposal ids", today)


def remember_ids(model: Model, today: date, found: list[str]) -> None:
    """Give `model` the ids its proposals were found to have (`maillage.derived`)."""
    model.memo[_ids_key(today)] = found


class _Scorer:
    """The five factors of every draft at once: numbers as arrays (sparse products for what
    several drafts read, the blockages and stages of their schemes), words per draft shown."""

    def __init__(self, f: Findings, drafts: list[Draft]):
        self.f = f
        self.population = f.territory_population
        self.communes = len(f.model.territory)
        self.stages = f.model.schemes["stade"].astype(object).to_numpy()
        self.rows = self._schemes_matrix(drafts)
        self.touched = self._answered(drafts)
        self.values = np.column_stack(
            [
                np.clip([d.strength for d in drafts], 0.0, 1.0),
                self._reach(drafts),
                self._calendar(drafts),
                self._stage(drafts),
                np.minimum(np.diff(self.touched.indptr) / BLOCKAGES_FOR_FULL, 1.0),
            ]
        ).reshape(len(drafts), len(FACTORS))
        weights = [WEIGHTS[name] for name in FACTORS]
        self.scores = [
            round(sum(round(v * w, 2) for v, w in zip(row, weights, strict=True)), 2)
            for row in self.values.tolist()
        ]

    def _schemes_matrix(self, drafts: list[Draft]) -> sparse.csr_matrix:
        """Draft × scheme 0/1, over the schemes of the model (a draft may name a scheme that a
        filter on scheme types left out, e.g. through a blockage: it then weighs nothing)."""
        lengths = [len(d.schemes) for d in drafts]
        named = np.fromiter(
            chain.from_iterable(d.schemes for d in drafts), dtype=object, count=sum(lengths)
        )
        cols = self.f.rows_of(pd.Series(named, dtype=object))
        rows = np.repeat(np.arange(len(drafts), dtype=np.int64), lengths)
        known = cols >= 0
        matrix = sparse.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], cols[known])),
            shape=(len(drafts), len(self.f.scheme_ids)),
        )
        matrix.sort_indices()
        return matrix

    def _reach(self, drafts: list[Draft]) -> np.ndarray:
        if self.population:
            part = np.array([d.population for d in drafts], dtype=np.float64)
            whole = self.population
        else:
            part = np.array([d.commune_count for d in drafts], dtype=np.float64)
            whole = self.communes
        if not whole:
            return np.zeros(len(drafts))
        return np.clip(np.log1p(part) / math.log1p(whole), 0.0, 1.0)

    def _calendar(self, drafts: list[Draft]) -> np.ndarray:
        days = np.array(
            [-1 if d.calendar_days is None else d.calendar_days for d in drafts], dtype=np.float64
        )
        return np.where(days < 0, NEUTRAL, np.minimum(days / CALENDAR_HORIZON_DAYS, 1.0))

    def _stage(self, drafts: list[Draft]) -> np.ndarray:
        values = np.array(
            [STAGE_VALUES.get(s, NEUTRAL) if isinstance(s, str) else NEUTRAL for s in self.stages]
        )
        counts = np.diff(self.rows.indptr)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = (self.rows @ values) / counts
        return np.where(counts > 0, mean, NEUTRAL)

    def _answered(self, drafts: list[Draft]) -> sparse.csr_matrix:
        """Draft × open blockage (columns by id): the blockages on the communes of each
        draft's schemes (on its own communes when it has no scheme) whose lever, or else
        their category's levers, is one of its levers."""
        f = self.f
        blockages = f.open_blockages
        ids = blockages.index.astype(str).to_numpy(dtype=object)
        order = np.argsort(ids, kind="stable")
        self.blockage_ids = ids[order]
        named = [
            {str(lever)} if isinstance(lever, str) else set(rules.CATEGORY_LEVERS.get(str(c), ()))
            for lever, c in zip(blockages["levier"], blockages["categorie"], strict=True)
        ]
        bits = {lever: 1 << i for i, lever in enumerate(sorted({x for n in named for x in n}))}
        answers = np.array([sum(bits[x] for x in named[i]) for i in order], dtype=np.int64)
        wants = np.array([sum(bits.get(x, 0) for x in d.levers) for d in drafts], dtype=np.int64)
        incidence = f.blockage_incidence[order]  # blockage × commune, rows by id
        touched = self.rows @ (incidence @ f.scheme_incidence).T
        alone = {
            i: d.positions
            for i, d in enumerate(drafts)
            if not d.schemes and d.positions is not None
        }  # draft → its own communes
        if alone:
            rows = np.repeat(
                np.array(list(alone), dtype=np.int64), [len(p) for p in alone.values()]
            ).astype(np.int64)
            cols = np.concatenate(list(alone.values()))
            own = sparse.csr_matrix(
                (np.ones(len(cols)), (rows, cols)), shape=(len(drafts), len(f.commune_positions))
            )
            touched = touched + own @ incidence.T
        touched = sparse.csr_matrix(touched)
        touched.sort_indices()
        row_of = np.repeat(np.arange(len(drafts)), np.diff(touched.indptr))
        touched.data = ((wants[row_of] & answers[touched.indices]) != 0).astype(np.float64)
        touched.eliminate_zeros()
        return touched

    def freeze(self, i: int, draft: Draft) -> Proposal:
        words = draft.write()
        strength, reach, calendar, stage, blockages = self.values[i].tolist()
        factors = (
            Factor("strength", strength, WEIGHTS["strength"], words.strength_detail),
            Factor("reach", reach, WEIGHTS["reach"], self._reach_words(draft)),
            Factor("calendar", calendar, WEIGHTS["calendar"], self._calendar_words(draft)),
            Factor("stage", stage, WEIGHTS["stage"], self._stage_words(i, draft)),
            Factor("blockages", blockages, WEIGHTS["blockages"], self._blockage_words(i)),
        )
        return Proposal(
            id=draft.id,
            rule=draft.rule,
            levers=draft.levers,
            title=words.title,
            explanation=words.explanation,
            score=self.scores[i],
            factors=factors,
            schemes=draft.schemes,
            actors=words.actors,
            perimeters=words.perimeters,
            communes=draft.commune_count,
            population=int(draft.population),
            evidence=words.evidence,
            page=draft.page,
            query=words.query,
            folded=folded_ids(words.evidence),
        )

    def _reach_words(self, draft: Draft) -> str:
        if self.population:
            share = format_share(draft.population / self.population)
            return f"{plural(draft.population, 'habitant')} ({share} du territoire)"
        return plural(draft.commune_count, "commune")

    @staticmethod
    def _calendar_words(draft: Draft) -> str:
        if draft.calendar_days is None:
            return "ne s’applique pas"
        return f"{plural(draft.calendar_days, 'jour')} restant à courir"

    def _stage_words(self, i: int, draft: Draft) -> str:
        if not draft.schemes:
            return "aucun dispositif"
        present = set(self.stages[self.rows.indices[self.rows.indptr[i] : self.rows.indptr[i + 1]]])
        return ", ".join(sorted(label("stage", c) for c in STAGE_VALUES if c in present)) or (
            "inconnu"
        )

    def _blockage_words(self, i: int) -> str:
        hit = self.touched.indices[self.touched.indptr[i] : self.touched.indptr[i + 1]]
        answered = self.blockage_ids[hit].tolist()
        return plural(len(answered), "blocage") + (
            f" ({', '.join(answered[:5])})" if answered else ""
        )
