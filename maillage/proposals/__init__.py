"""Pistes d'action (SPEC §3.2): each finding of the indicators turned into a ranked,
evidenced proposal tied to one of Cap Rural's levers.

`build_proposals(model, today)` is the one entry point (`proposal_ids` when only the ids
matter: nothing is worded); `rules.py` holds one function per
rule, `ranking.py` the documented score, `wording.py` the French words and the quotations.
"""

from maillage.proposals.ranking import RULES, WEIGHTS, build_proposals, proposal_ids
from maillage.proposals.record import Factor, Proposal

__all__ = ["RULES", "WEIGHTS", "Factor", "Proposal", "build_proposals", "proposal_ids"]
