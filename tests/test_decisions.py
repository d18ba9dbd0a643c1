"""Committee decisions on proposals (SPEC §3.2, §4): append-only in the real SQLite file,
kept across versions and restores, refused in French with nothing stored; and the
`maillage pistes` command line."""

from __future__ import annotations

import json

import pytest

from maillage.accounts import READER, Accounts, NotAllowed
from maillage.cli import main
from maillage.decisions import DecisionRefused, decide, history, latest
from maillage.store_decisions import DecisionStore
from tests.test_proposals import actor, scheme, sheets_of
from tests.workbooks import write_xlsx

PAIR = "mutualiser:D_CTG+D_GMR"


@pytest.fixture
def db_path(both_backends):
    """Every test of this module runs on a SQLite file and on a real PostgreSQL server."""
    return both_backends


def pair_sheets(**gmr):
    """The pooling pair of tests/test_proposals.py: a CTG and a GMR on the same 4 communes."""
    return sheets_of(
        [actor("A_CC"), actor("A_MSA"), actor("A_CAF", "social")],
        {"P": ("autre", "03007;03098;03101;03136")},
        [
            scheme(
                "D_CTG",
                "P",
                "A_CC",
                debut="01/01/2024",
                fin="31/12/2026",
                thematiques="enfance_jeunesse;sante",
                stade="mise_en_oeuvre",
            ),
            scheme(
                "D_GMR",
                "P",
                "A_MSA",
                "GMR",
                debut="01/01/2025",
                fin="31/12/2027",
                thematiques=gmr.get("thematiques", "enfance_jeunesse;mobilite"),
                stade="emergence",
            ),
        ],
        [("D_CTG", "A_CAF", "participant"), ("D_GMR", "A_CAF", "participant")],
    )


def run(capsys, *args):
    code = main(list(args))
    return code, capsys.readouterr()


def pistes(capsys, *more):
    code, out = run(capsys, "pistes", "--json", *more)
    assert code == 0, out.err
    return json.loads(out.out)


def rows(store):
    return len(DecisionStore(store).all("principal"))


# ----- the domain and the store ----------------------------------------------------------------


def test_latest_decision_wins_and_history_stays(store):
    decide(
        store,
        "principal",
        PAIR,
        "retenue",
        author="claire",
        role="analyste",
        known=[PAIR],
        version=1,
    )
    decide(
        store,
        "principal",
        PAIR,
        "engagee",
        " COPIL du 12 mars ",
        author="paul",
        role="admin",
        known=[PAIR],
        version=2,
    )
    assert latest(store, "principal")[PAIR].status == "engagee"
    assert [
        (d.status, d.comment, d.author, d.version) for d in history(store, "principal", PAIR)
    ] == [("retenue", None, "claire", 1), ("engagee", "COPIL du 12 mars", "paul", 2)]
    assert latest(store, "autre_espace") == {}


@pytest.mark.parametrize(
    ("status", "comment", "role", "known", "refusal"),
    [
        ("retenue", None, READER, [PAIR], NotAllowed),
        ("retenue", None, None, [PAIR], NotAllowed),  # a share link has no role
        ("acceptee", None, "analyste", [PAIR], DecisionRefused),
        ("ecartee", None, "analyste", [PAIR], DecisionRefused),
        ("ecartee", "   ", "analyste", [PAIR], DecisionRefused),
        ("retenue", None, "analyste", ["autre:piste"], DecisionRefused),
    ],
)
def test_refusals_store_nothing(store, status, comment, role, known, refusal):
    with pytest.raises(refusal) as raised:
        decide(store, "principal", PAIR, status, comment, author="x", role=role, known=known)
    assert str(raised.value)  # a French sentence, ready to show
    assert rows(store) == 0


def test_decisions_are_append_only(store):
    decide(
        store,
        "principal",
        PAIR,
        "ecartee",
        "Déjà un COPIL commun",
        author="claire",
        role="analyste",
        known=[PAIR],
    )
    refused = store.database.dialect.integrity_errors
    with store.connect() as db, pytest.raises(refused, match="immutable"):
        db.execute("UPDATE decisions SET status = 'retenue'")
    with store.connect() as db, pytest.raises(refused, match="never deleted"):
        db.execute("DELETE FROM decisions")
    with store.connect() as db, pytest.raises(refused):  # the reason is required by the table
        db.execute(
            "INSERT INTO decisions (space, proposal, status, decided_at) "
            "VALUES ('principal', 'x', 'ecartee', '2026-01-01')"
        )
    assert [d.comment for d in history(store, "principal", PAIR)] == ["Déjà un COPIL commun"]


# ----- the command line ------------------------------------------------------------------------


def test_pistes_json_is_the_spec_shape(capsys, tmp_path, db_path):
    assert run(capsys, "import", str(write_xlsx(tmp_path / "v1.xlsx", pair_sheets())))[0] == 0
    data = pistes(capsys)
    assert list(data) == ["space", "version", "perimeter", "proposals", "resolved"]
    assert (data["space"], data["version"], data["perimeter"], data["resolved"]) == (
        "principal",
        1,
        None,
        [],
    )
    (proposal,) = data["proposals"]
    assert {
        "id",
        "rule",
        "lever",
        "title",
        "score",
        "factors",
        "schemes",
        "actors",
        "perimeters",
        "communes",
        "population",
        "evidence",
        "status",
    } <= set(proposal)
    assert proposal["id"] == PAIR and proposal["status"] is None
    assert proposal["schemes"] == ["D_CTG", "D_GMR"] and proposal["actors"] == ["A_CC", "A_MSA"]
    assert (proposal["communes"], proposal["perimeters"]) == (4, ["P"])
    assert proposal["score"] == pytest.approx(
        sum(f["points"] for f in proposal["factors"].values())
    )
    assert pistes(capsys, "--limit", "0")["proposals"] == []
    code, out = run(capsys, "pistes", "--perimeter", "NULLE_PART")
    assert code == 1 and "NULLE_PART" in out.err and "Traceback" not in out.err


def test_decision_follows_the_proposal_and_resolution(capsys, tmp_path, db_path, store):
    assert run(capsys, "import", str(write_xlsx(tmp_path / "v1.xlsx", pair_sheets())))[0] == 0
    code, out = run(
        capsys,
        "pistes",
        "decide",
        PAIR,
        "--status",
        "retenue",
        "--comment",
        "COPIL du 12 mars",
        "--by",
        "claire",
    )
    assert code == 0 and "retenue" in out.out
    # v2: the same workbook plus an unrelated change (a scheme renamed)
    renamed = pair_sheets()
    renamed["dispositifs"][0]["nom"] = "CTG renommée"
    assert run(capsys, "import", str(write_xlsx(tmp_path / "v2.xlsx", renamed)))[0] == 0
    data = pistes(capsys)
    assert data["version"] == 2
    assert [(p["id"], p["status"]) for p in data["proposals"]] == [(PAIR, "retenue")]
    # v3: the GMR shares no theme any more — no pooling candidate, the finding is gone
    gone = pair_sheets(thematiques="culture")
    assert run(capsys, "import", str(write_xlsx(tmp_path / "v3.xlsx", gone)))[0] == 0
    data = pistes(capsys)
    assert PAIR not in [p["id"] for p in data["proposals"]]
    code, out = run(capsys, "changes", "--json")  # v2 → v3: the pair's finding is gone
    assert code == 0 and json.loads(out.out)["proposals"] == {"new": [], "resolved": [PAIR]}
    assert [(r["id"], r["status"], r["comment"]) for r in data["resolved"]] == [
        (PAIR, "retenue", "COPIL du 12 mars")
    ]
    # restoring v1 brings the proposal back with its decision
    assert run(capsys, "restore", "1")[0] == 0
    data = pistes(capsys)
    assert [(p["id"], p["status"]) for p in data["proposals"]] == [(PAIR, "retenue")]
    assert data["resolved"] == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["nope:x", "--status", "retenue"], "Aucune piste « nope:x »"),
        ([PAIR, "--status", "bof"], "Statut inconnu « bof »"),
        ([PAIR, "--status", "ecartee"], "demande une raison"),
        ([PAIR, "--status", "retenue", "--by", "paul"], "lecture seule"),
    ],
)
def test_bad_decisions_exit_1_and_store_nothing(capsys, tmp_path, db_path, store, args, words):
    Accounts(store).add("paul", READER, "un mot de passe assez long")
    assert run(capsys, "import", str(write_xlsx(tmp_path / "v1.xlsx", pair_sheets())))[0] == 0
    code, out = run(capsys, "pistes", "decide", *args)
    assert code == 1 and words in out.err and "Traceback" not in out.err
    assert rows(store) == 0


def test_a_perimeter_view_names_nothing_outside(capsys, tmp_path, db_path, store):
    """A decision on a proposal of the whole territory is neither listed nor resolved in the
    view of a perimeter it does not belong to."""
    sheets = pair_sheets()
    sheets["perimetres"].append(
        {"id": "P_EST", "nom": "Est", "type": "autre", "communes": "03190;03013"}
    )
    sheets["acteurs"].append(actor("A_EST"))
    sheets["dispositifs"].append(scheme("D_EST", "P_EST", "A_EST"))
    assert run(capsys, "import", str(write_xlsx(tmp_path / "v1.xlsx", sheets)))[0] == 0
    assert run(capsys, "pistes", "decide", PAIR, "--status", "engagee")[0] == 0
    east = pistes(capsys, "--perimeter", "P_EST")
    assert (east["perimeter"], east["proposals"], east["resolved"]) == ("P_EST", [], [])
    assert PAIR in json.dumps(pistes(capsys))
