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
from dataclasses import replace
from datetime import date

import numpy as np
from scipy import sparse

from maillage.model import Model
from maillage.proposals import rules
from maillage.proposals.findings import Findings
from maillage.proposals.record import Draft, Factor, Proposal
from maillage.proposals.wording import plural
from maillage.texts import format_share, label

WEIGHTS: dict[str, float] = {"strength": 30, "reach": 20, "calendar": 20, "stage": 15,
                             "blockages": 15}
CALENDAR_HORIZON_DAYS = 3 * 365
BLOCKAGES_FOR_FULL = 5
NEUTRAL = 0.5
STAGE_VALUES = {"emergence": 1.0, "mise_en_oeuvre": 0.7, "evaluation": 0.4, "termine": 0.0}

RULES = (  # SPEC §3.2, in its order; `articuler` folds the first two
    "mutualiser", "se_rencontrer", "articuler", "partager_diagnostic",
    "financeurs_des_emergence", "ouvrir_a_l_autre_champ", "personnes_relais",
    "couvrir_communes_blanches", "coordonner_ressorts", "lever_blocage", "associer_habitants",
    "integrer_isoles",
)


def drafts(f: Findings) -> list[Draft]:
    """Every rule's drafts, the pairs of a wide scheme folded into its `articuler`."""
    pooling = rules.mutualiser(f)
    diagnostics = rules.partager_diagnostic(f)
    pooled = {d.schemes: d for d in pooling}
    pooling = [_with_diagnostic(d, [x for x in diagnostics if x.schemes == d.schemes])
               for d in pooling]
    pairs = pooling + rules.se_rencontrer(f)
    wide, folded = rules.articuler(f, pairs)
    found = [d for d in pairs if d.id not in folded] + wide
    found += [d for d in diagnostics if d.schemes not in pooled]
    for rule in RULES[4:]:
        found += getattr(rules, rule)(f)
    return found


def _with_diagnostic(pooling: Draft, diagnostic: list[Draft]) -> Draft:
    """A pooling pair that also diagnosed twice: its `partager_diagnostic` is folded into its
    `mutualiser`, which already proposes « la gouvernance et le diagnostic » (one finding,
    one proposal); the years join its evidence."""
    if not diagnostic:
        return pooling
    (found,) = diagnostic
    years = [found.evidence["year_a"], found.evidence["year_b"]]
    return replace(pooling, evidence={**pooling.evidence, "diagnostic_years": years,
                                      "folded": [found.id]})


def build_proposals(model: Model, today: date) -> list[Proposal]:
    """The proposals of SPEC §3.2 for `model` (already cut to a perimeter and scheme types),
    best first, ties broken by id."""
    f = Findings(model, today)
    found = drafts(f)
    scorer = _Scorer(f, found)
    proposals = [_freeze(d, scorer.factors(i, d)) for i, d in enumerate(found)]
    return sorted(proposals, key=lambda p: (-p.score, p.id))


def _freeze(draft: Draft, factors: tuple[Factor, ...]) -> Proposal:
    return Proposal(
        id=draft.id, rule=draft.rule, levers=draft.levers, title=draft.title,
        explanation=draft.explanation, score=round(sum(x.points for x in factors), 2),
        factors=factors, schemes=draft.schemes, actors=draft.actors,
        perimeters=draft.perimeters, communes=draft.commune_count,
        population=int(draft.population), evidence=draft.evidence, page=draft.page,
        query=draft.query, folded=tuple(draft.evidence.get("folded", ())))


class _Scorer:
    """The five factors. What several drafts read (the blockages and stages of their schemes)
    is computed for all drafts at once with sparse products, not draft by draft."""

    def __init__(self, f: Findings, drafts: list[Draft]):
        self.f = f
        self.population = f.territory_population
        self.communes = len(f.model.territory)
        self._stages(drafts)
        self._answered(drafts)

    def _schemes_matrix(self, drafts: list[Draft]) -> sparse.csr_matrix:
        """Draft × scheme 0/1, over the schemes of the model (a draft may name a scheme that a
        filter on scheme types left out, e.g. through a blockage: it then weighs nothing)."""
        position = self.f.scheme_position
        pairs = [(row, position[s]) for row, d in enumerate(drafts) for s in d.schemes
                 if s in position]
        rows = np.array([r for r, _ in pairs], dtype=np.int64)
        cols = np.array([c for _, c in pairs], dtype=np.int64)
        return sparse.csr_matrix((np.ones(len(cols)), (rows, cols)),
                                 shape=(len(drafts), len(self.f.scheme_ids)))

    def _stages(self, drafts: list[Draft]) -> None:
        stages = self.f.model.schemes["stade"].astype(object).to_numpy()
        values = np.array([STAGE_VALUES.get(s, NEUTRAL) if isinstance(s, str) else NEUTRAL
                           for s in stages])
        codes = list(STAGE_VALUES)
        onehot = np.array([[s == c for c in codes] for s in stages], dtype=np.float64)
        matrix = self._schemes_matrix(drafts)
        counts = np.asarray(matrix.sum(axis=1)).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            self.stage_values = np.where(counts > 0, (matrix @ values) / counts, NEUTRAL)
        present = (matrix @ onehot.reshape(len(stages), len(codes))) > 0
        self.stage_words = [", ".join(sorted(label("stage", c) for c, on in zip(codes, row,
                                                                                 strict=True)
                                             if on)) for row in present]

    def _answered(self, drafts: list[Draft]) -> None:
        """Open blockages on the communes of each draft's schemes (on its own communes when
        it has no scheme) whose lever, or else their category's levers, is one of its."""
        f = self.f
        blockages = f.open_blockages
        order = np.argsort(blockages.index.astype(str).to_numpy(dtype=object), kind="stable")
        self.blockage_ids = blockages.index.astype(str).to_numpy(dtype=object)[order]
        named = [{str(lever)} if isinstance(lever, str)
                 else set(rules.CATEGORY_LEVERS.get(str(c), ()))
                 for lever, c in zip(blockages["levier"], blockages["categorie"], strict=True)]
        named = [named[i] for i in order]
        answering = {lever: np.array([lever in n for n in named], dtype=bool)
                     for lever in {x for n in named for x in n}}
        incidence = f.blockage_incidence[order]  # blockage × commune, rows by id
        touched = (self._schemes_matrix(drafts) @ (incidence @ f.scheme_incidence).T).tocsr()
        alone = [i for i, d in enumerate(drafts) if not d.schemes and d.positions is not None]
        rows = np.repeat(alone, [len(drafts[i].positions) for i in alone]).astype(np.int64)
        cols = (np.concatenate([drafts[i].positions for i in alone]) if alone
                else np.zeros(0, dtype=np.int64))
        own = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)),
                                shape=(len(drafts), len(f.commune_positions)))
        touched = (touched + own @ incidence.T).tocsr()
        touched.sort_indices()
        self.answered: list[list[str]] = []
        for i, draft in enumerate(drafts):
            hit = touched.indices[touched.indptr[i]:touched.indptr[i + 1]]
            keep = np.zeros(len(hit), dtype=bool)
            for lever in draft.levers:
                if lever in answering:
                    keep |= answering[lever][hit]
            self.answered.append(self.blockage_ids[hit[keep]].tolist())

    def factors(self, i: int, draft: Draft) -> tuple[Factor, ...]:
        return (self._strength(draft), self._reach(draft), self._calendar(draft),
                self._stage(i, draft), self._blockages(i))

    def _strength(self, draft: Draft) -> Factor:
        value = min(max(draft.strength, 0.0), 1.0)
        return Factor("strength", value, WEIGHTS["strength"], draft.strength_detail)

    def _reach(self, draft: Draft) -> Factor:
        if self.population:
            part, whole = draft.population, self.population
            detail = (f"{plural(part, 'habitant')} ({format_share(part / whole)} du "
                      "territoire)")
        else:
            part, whole = draft.commune_count, self.communes
            detail = f"{plural(part, 'commune')}"
        value = math.log1p(part) / math.log1p(whole) if whole else 0.0
        return Factor("reach", min(max(value, 0.0), 1.0), WEIGHTS["reach"], detail)

    def _calendar(self, draft: Draft) -> Factor:
        days = draft.calendar_days
        if days is None:
            return Factor("calendar", NEUTRAL, WEIGHTS["calendar"], "ne s’applique pas")
        return Factor("calendar", min(days / CALENDAR_HORIZON_DAYS, 1.0), WEIGHTS["calendar"],
                      f"{plural(days, 'jour')} restant à courir")

    def _blockages(self, i: int) -> Factor:
        answered = self.answered[i]
        value = min(len(answered) / BLOCKAGES_FOR_FULL, 1.0)
        detail = plural(len(answered), "blocage") + (f" ({', '.join(answered[:5])})"
                                                     if answered else "")
        return Factor("blockages", value, WEIGHTS["blockages"], detail)

    def _stage(self, i: int, draft: Draft) -> Factor:
        if not draft.schemes:
            return Factor("stage", NEUTRAL, WEIGHTS["stage"], "aucun dispositif")
        return Factor("stage", float(self.stage_values[i]), WEIGHTS["stage"],
                      self.stage_words[i] or "inconnu")
