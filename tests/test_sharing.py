"""Share links: unguessable tokens stored as hashes, expiry, revocation, tampering, scope."""

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from maillage import sharing
from maillage.model import build_model
from maillage.publishing import check, publish_checked
from maillage.sharing import CannotShare, ShareLink
from tests.workbooks import minimal_sheets, xlsx_bytes

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


@pytest.fixture
def db_path(both_backends):
    """Every test of this module runs on a SQLite file and on a real PostgreSQL server."""
    return both_backends


@pytest.fixture
def published(store):
    workbook, validation = check([("t.xlsx", xlsx_bytes(minimal_sheets()))])
    publish_checked(store, "principal", workbook, validation)
    return store


def test_token_is_random_and_only_its_hash_is_stored(published):
    token, link = sharing.create(published, "principal", "P_EPCI", now=T0)
    other, _ = sharing.create(published, "principal", "P_EPCI", now=T0)
    assert token != other and len(token) >= 43
    assert sharing.share_path(token) == f"/?partage={token}"
    with published.connect() as db:
        rows = db.execute("SELECT * FROM share_links").fetchall()
    flat = " ".join(str(v) for row in rows for v in row)
    assert token not in flat and other not in flat
    assert hashlib.sha256(token.encode()).hexdigest() in flat
    assert link.space == "principal" and link.perimeter == "P_EPCI"


def test_valid_token_resolves_to_its_space_and_perimeter(published):
    token, link = sharing.create(published, "principal", "P_CAS", now=T0)
    found = sharing.resolve(published, token, now=T0 + timedelta(days=1))
    assert isinstance(found, ShareLink)
    assert (found.id, found.space, found.perimeter) == (link.id, "principal", "P_CAS")


def test_link_expires(published):
    token, link = sharing.create(published, "principal", expires=timedelta(days=30), now=T0)
    assert link.expires_at == T0 + timedelta(days=30)
    assert isinstance(sharing.resolve(published, token, now=T0 + timedelta(days=29)), ShareLink)
    assert sharing.resolve(published, token, now=T0 + timedelta(days=30)) == "expire"
    assert sharing.resolve(published, token, now=T0 + timedelta(days=400)) == "expire"


def test_revoked_link_is_refused_and_others_still_work(published):
    token, link = sharing.create(published, "principal", now=T0)
    kept, _ = sharing.create(published, "principal", now=T0)
    assert sharing.revoke(published, link.id, now=T0 + timedelta(hours=2)) is True
    assert sharing.resolve(published, token, now=T0 + timedelta(hours=3)) == "revoque"
    assert isinstance(sharing.resolve(published, kept, now=T0 + timedelta(hours=3)), ShareLink)
    assert sharing.revoke(published, 9999) is False
    (listed,) = [x for x in sharing.links(published, "principal") if x.id == link.id]
    assert listed.revoked_at == T0 + timedelta(hours=2)
    assert listed.state(T0 + timedelta(hours=3)) == "revoque"


@pytest.mark.parametrize(
    "alter",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character changed
        lambda t: t[:-1],  # truncated
        lambda t: t + "x",  # lengthened
        lambda t: t.upper(),
        lambda t: "",
        lambda t: "' OR 1=1 --",
    ],
)
def test_altered_token_is_unknown(published, alter):
    token, _ = sharing.create(published, "principal", now=T0)
    assert sharing.resolve(published, alter(token), now=T0) == "inconnu"


def test_refusals_have_french_messages():
    assert set(sharing.REFUSAL_MESSAGES) == {"inconnu", "expire", "revoque"}
    assert "expiré" in sharing.REFUSAL_MESSAGES["expire"]
    assert "révoqué" in sharing.REFUSAL_MESSAGES["revoque"]


def test_scope_must_exist_and_space_must_be_published(published):
    with pytest.raises(CannotShare, match="n’existe pas"):
        sharing.create(published, "principal", "P_NOWHERE")
    with pytest.raises(CannotShare, match="aucune version"):
        sharing.create(published, "vide")
    with pytest.raises(CannotShare):
        sharing.create(published, "principal", expires=timedelta(0))
    with pytest.raises(CannotShare):
        sharing.create(published, "principal", expires=timedelta(days=1000))
    assert sharing.links(published) == []


def test_scoped_model_holds_only_the_perimeter(published):
    """What a scoped link shows is the model restricted to its perimeter: nothing outside."""
    _, link = sharing.create(published, "principal", "P_CAS", now=T0)
    full = build_model(published.load("principal"))
    scoped = full.restrict(perimeter=link.perimeter)
    inside = full.communes_of("P_CAS")
    assert set(scoped.territory) <= inside
    seats = scoped.actors["commune"].dropna()
    assert set(seats) <= inside | set(
        scoped.actors.loc[scoped.actors.index.isin(scoped.participations["acteur"]), "commune"]
    )
    assert set(scoped.membership["commune"]) <= inside


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", timedelta(days=30)),
        ("30j", timedelta(days=30)),
        ("12h", timedelta(hours=12)),
        ("2w", timedelta(weeks=2)),
        ("7", timedelta(days=7)),
    ],
)
def test_parse_duration(text, expected):
    assert sharing.parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "0d", "trente jours", "-3d", "5m"])
def test_parse_duration_refuses(text):
    with pytest.raises(CannotShare):
        sharing.parse_duration(text)


def test_list_is_newest_first_and_filtered_by_space(published):
    _, first = sharing.create(published, "principal", now=T0)
    _, second = sharing.create(published, "principal", "P_EPCI", now=T0)
    assert [x.id for x in sharing.links(published, "principal")] == [second.id, first.id]
    assert sharing.links(published, "autre") == []


def test_command_line_creates_lists_and_revokes(published, db_path, capsys):
    from maillage.cli import main

    assert (
        main(
            [
                "share",
                "create",
                "--db",
                str(db_path),
                "--space",
                "principal",
                "--perimeter",
                "P_EPCI",
                "--expires",
                "7d",
            ]
        )
        == 0
    )
    address, sentence = capsys.readouterr().out.splitlines()[:2]
    assert address.startswith("http://127.0.0.1:8501/?partage=")  # the whole link, by default
    token = address.removeprefix("http://127.0.0.1:8501/?partage=")
    link = sharing.resolve(published, token)
    assert isinstance(link, ShareLink) and link.perimeter == "P_EPCI"
    assert f"n° {link.id}" in sentence
    assert link.expires_at - link.created_at == timedelta(days=7)
    assert main(["share", "list", "--db", str(db_path)]) == 0
    assert "actif" in capsys.readouterr().out
    assert main(["share", "revoke", "--db", str(db_path), str(link.id)]) == 0
    assert sharing.resolve(published, token) == "revoque"
    assert main(["share", "list", "--db", str(db_path)]) == 0
    assert "révoqué" in capsys.readouterr().out
    assert main(["share", "revoke", "--db", str(db_path), "999"]) == 1
    assert main(["share", "create", "--db", str(db_path), "--perimeter", "P_X"]) == 1


def test_the_link_is_whole_with_the_configured_public_address(
    published, db_path, capsys, monkeypatch
):
    from maillage.cli import main

    monkeypatch.setenv("MAILLAGE_URL", "https://maillage.allier.fr/tableau/")
    assert main(["share", "create", "--db", str(db_path), "--space", "principal"]) == 0
    address = capsys.readouterr().out.splitlines()[0]
    prefix = "https://maillage.allier.fr/tableau/?partage="
    assert address.startswith(prefix)
    assert isinstance(sharing.resolve(published, address.removeprefix(prefix)), ShareLink)
    assert sharing.share_url("T", "http://10.0.0.5:8501") == "http://10.0.0.5:8501/?partage=T"


@pytest.mark.parametrize(
    "wrong", ["maillage.allier.fr", "ftp://serveur", "https://x.fr/?a=1", "https://"]
)
def test_an_unreadable_public_address_issues_no_link(
    published, db_path, capsys, monkeypatch, wrong
):
    from maillage.cli import main

    monkeypatch.setenv("MAILLAGE_URL", wrong)
    assert main(["share", "create", "--db", str(db_path), "--space", "principal"]) == 1
    err = capsys.readouterr().err
    assert "MAILLAGE_URL" in err and "https://maillage.mon-departement.fr" in err
    assert sharing.links(published) == []
