"""What a version gives, kept beside it (`maillage.derived`): read back, it is exactly what
computing it again gives — the listing byte for byte, the comparison of two versions value for
value — and a row kept by another code is never read."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from maillage import derived
from maillage.changes import INDICATORS, compare, published
from maillage.cli import main
from maillage.decisions import Decision
from maillage.demo import publish_demo
from maillage.indicators import spec_indicators
from maillage.model import build_model
from maillage.proposals.listing import listing, reference_day
from maillage.store import Store
from maillage.store_derived import DerivedStore
from tests.apptests import publish
from tests.test_changes import first_version, second_version
from tests.test_proposals import random_sheets, wide_scheme_sheets
from tests.workbooks import xlsx_bytes


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "derived.db")
    return request.getfixturevalue("postgres_url")


def decision(proposal: str, status: str = "retenue") -> Decision:
    return Decision(proposal, status, None, "claire", "2026-11-30T10:00:00+00:00", 1)


def computed_listing(store: Store, space: str, decisions: dict, limit: int | None) -> bytes:
    """`pistes --json` the long way: the model built, every rule, the Listing's JSON."""
    info = store.version(space)
    model = build_model(store.load(space, info.version))
    found = listing(
        model,
        space=space,
        version=info.version,
        today=reference_day(info.published_at),
        decisions=decisions,
        whole=model,
        limit=limit,
    )
    return (json.dumps(found.as_json(), ensure_ascii=False, default=str) + "\n").encode()


def kept_listing(store: Store, space: str, decisions: dict, limit: int | None) -> bytes:
    out = io.BytesIO()
    derived.write_listing(out, store, store.version(space), decisions, limit)
    return out.getvalue()


def spaces(store: Store) -> list[str]:
    """The demo (every rule) and small spaces with ties, folded pairs and no proposal."""
    publish_demo(store)
    names = ["demo"]
    for seed in range(4):
        sheets, _ = random_sheets(seed)
        store.publish(f"hasard-{seed}", model_tables(sheets), file=None, sha256=None)
        names.append(f"hasard-{seed}")
    store.publish("large", model_tables(wide_scheme_sheets(5)), file=None, sha256=None)
    return [*names, "large"]


def model_tables(sheets: dict) -> dict:
    from maillage.publishing import check

    _, validation = check([("classeur.xlsx", xlsx_bytes(sheets))])
    assert validation.valid
    return validation.tables


def test_the_kept_listing_is_the_computed_one_byte_for_byte(tmp_path):
    store = Store(tmp_path / "derived.db")
    names = spaces(store)
    for space in names:
        every = json.loads(computed_listing(store, space, {}, None))["proposals"]
        decisions = {"mutualiser:gone+away": decision("mutualiser:gone+away", "engagee")}
        if every:  # the first decided, the last set aside: statuses patched in place
            decisions[every[0]["id"]] = decision(every[0]["id"])
            decisions[every[-1]["id"]] = decision(every[-1]["id"], "ecartee")
        for limit in (None, 0, 1, 3):
            expected = computed_listing(store, space, decisions, limit)
            first = kept_listing(store, space, decisions, limit)  # derived on first read
            assert first == expected, (space, limit)
            assert kept_listing(store, space, decisions, limit) == expected, (space, limit)
        shown = json.loads(kept_listing(store, space, decisions, None))
        assert [d["id"] for d in shown["resolved"]] == ["mutualiser:gone+away"]
        decided = {pid: d.status for pid, d in decisions.items()}
        assert {p["id"]: p["status"] for p in shown["proposals"]} == {
            p["id"]: decided.get(p["id"]) for p in every
        }
    assert any(json.loads(computed_listing(store, n, {}, None))["proposals"] for n in names)


def test_what_is_kept_reads_back_on_both_backends(location):
    store = Store(location)
    info = publish_demo(store)
    texts = derived.derive(store, info)
    model = build_model(store.load("demo", info.version))
    for name, value in spec_indicators(model).items():
        assert json.loads(derived.kept(store, info, derived.indicator(name))) == json.loads(
            json.dumps(value, default=str)
        ), name
    kept = derived.kept(store, info, derived.PROPOSALS)
    assert kept is not None and kept.decode() == texts[derived.PROPOSALS]
    assert len(kept.splitlines()) == len(json.loads(derived.kept(store, info, "proposal ids")))


def test_a_row_kept_by_another_code_is_never_read_and_is_replaced(tmp_path):
    store = Store(tmp_path / "derived.db")
    info = publish_demo(store)
    DerivedStore(store).put("demo", info.version, "older code", {derived.PROPOSALS: "faux"})
    assert derived.kept(store, info, derived.PROPOSALS) is None
    assert kept_listing(store, "demo", {}, None) == computed_listing(store, "demo", {}, None)
    assert derived.kept(store, info, derived.PROPOSALS) != b"faux"
    assert DerivedStore(store).get("demo", info.version, "older code", derived.PROPOSALS) is None


def test_the_fingerprint_follows_the_domain_code_not_the_screens(tmp_path, monkeypatch):
    copy = tmp_path / "maillage"
    shutil.copytree(Path(derived.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    monkeypatch.setattr(derived, "_DOMAIN", copy)

    def fingerprint() -> str:
        derived.fingerprint.cache_clear()
        return derived.fingerprint()

    try:
        first = fingerprint()
        (copy / "ui" / "atlas.py").write_text("# a screen reworded\n", encoding="utf-8")
        assert fingerprint() == first
        rules = copy / "proposals" / "rules.py"
        rules.write_text(rules.read_text(encoding="utf-8") + "\n# a rule changed\n", "utf-8")
        assert fingerprint() != first
    finally:
        derived.fingerprint.cache_clear()  # the real code's, on next use


def test_changes_from_what_was_kept_equal_changes_computed_afresh(db_path):
    for sheets in (first_version(), second_version()):
        publish(db_path, sheets)
    store = Store(db_path)
    sides = [published(store, "principal", v) for v in (1, 2)]
    fresh = compare(*sides, space="principal", proposal_ids=_ids(sides))
    sides = [published(store, "principal", v) for v in (1, 2)]
    for side in sides:
        info = store.version("principal", side.version)
        derived.recall(store, info, side.model, INDICATORS, derive_missing=True)
    assert ("indicator", "coverage") in sides[0].model.memo  # read, not computed
    recalled = compare(*sides, space="principal", proposal_ids=_ids(sides))
    assert recalled.as_json() == fresh.as_json()
    assert fresh.proposals.new or fresh.proposals.resolved


def _ids(sides):
    from maillage.changes import proposal_ids_on

    return proposal_ids_on(*sides)


def test_a_page_reading_a_version_never_derived_computes_and_keeps_nothing(db_path):
    publish(db_path, first_version())
    store = Store(db_path)
    info = store.version("principal")
    model = published(store, "principal", 1).model
    derived.recall(store, info, model, INDICATORS)
    assert not model.memo
    assert derived.kept(store, info, derived.indicator("coverage")) is None


def test_the_command_line_derives_a_version_as_it_publishes_it(db_path, tmp_path, capsys):
    workbook = tmp_path / "classeur.xlsx"
    workbook.write_bytes(xlsx_bytes(first_version()))
    assert main(["import", str(workbook)]) == 0
    store = Store(db_path)
    info = store.version("principal")
    assert derived.kept(store, info, derived.PROPOSALS) is not None
    assert derived.kept(store, info, derived.indicator("blank_communes")) is not None
    capsys.readouterr()
    assert main(["restore", "1"]) == 0
    assert derived.kept(store, store.version("principal", 2), derived.PROPOSALS) is not None
