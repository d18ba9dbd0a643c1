"""What to call the territory on screen and on paper: a committee must read its own name in
the title, never « Tout le territoire » or a space's technical name.

A share link or a territory filter names its perimeter. A whole space is named after the
perimeter that covers (almost) all its communes — the département of the demo covers 317 of
its 319 communes — and otherwise after the space itself.
"""

from __future__ import annotations

from maillage.model import Model

COVERING = 0.9  # a perimeter this close to the whole territory names it


def territory_name(model: Model, space: str | None = None) -> str:
    if model.scope is not None and model.scope in model.perimeters.index:
        return str(model.perimeters.loc[model.scope, "nom"])
    territory = set(model.territory)
    if territory:
        sizes = (
            model.membership[model.membership["commune"].isin(territory)]
            .groupby("perimeter")["commune"]
            .nunique()
        )
        if len(sizes) and sizes.max() >= COVERING * len(territory):
            widest = sizes[sizes == sizes.max()].index
            names = model.perimeters["nom"].reindex(widest).dropna().sort_values()
            if len(names):
                return str(names.iloc[0])
    return f"Espace « {space} »" if space else "Tout le territoire"
