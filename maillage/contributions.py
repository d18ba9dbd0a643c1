"""Partners map themselves: contribution links, the form's checks, moderation, publication.

Cap Rural's 2023 report (outil 1) asks for a map « co-construite en collaboration avec
d'autres ». A contribution link lets a structure, a collectif d'habitants or an élu describe who
they are, what they take part in and what blocks them, without an account. Nothing they send
is published until an analyst has accepted it; accepted contributions become one new version
(the latest version plus their rows), validated as a whole like any workbook.

Links work like share links (`sharing.py`): a random token shown once, only its SHA-256 stored,
an expiry, a revocation, a territory, and here an optional cap on the number of contributions.
Limits per minute and per day are counted in the database, so they hold across sessions,
browsers and restarts.
"""

from __future__ import annotations

import difflib
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

import pandas as pd

from maillage.model import Model, build_model
from maillage.sharing import (
    DEFAULT_EXPIRY,
    MAX_EXPIRY,
    parse_duration,
    token_digest,
    utc_iso,
    utc_now,
)
from maillage.store import Store, VersionInfo
from maillage.store_contributions import (
    ContributionLinkRow,
    ContributionRow,
    ContributionStore,
    LimitReached,
    Limits,
)
from maillage.validation import Validation, validate
from maillage.vocabularies import VOCABULARIES
from maillage.workbook import raw_from_tables

__all__ = ["DEFAULT_EXPIRY", "parse_duration"]

QUERY_PARAM = "contribution"
PER_MINUTE = 10
PER_DAY = 200
MAX_LENGTH = {
    "name": 150,
    "kind": 80,
    "commune": 5,
    "blockage_text": 2000,
    "contact": 200,
    "reason": 500,
}
MAX_PARTICIPATIONS = 20
MAX_THEMES = 15
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

Status = Literal["en_attente", "acceptee", "corrigee", "rejetee", "publiee"]
Refusal = Literal["inconnu", "expire", "revoque", "epuise"]
REFUSAL_MESSAGES: dict[str, str] = {
    "inconnu": "Ce lien de contribution n’est pas valide : il a peut-être été mal copié. "
    "Demandez à la personne qui vous l’a envoyé de vous le transmettre à nouveau.",
    "expire": "Ce lien de contribution a expiré. Demandez un nouveau lien à la personne qui "
    "vous l’a envoyé.",
    "revoque": "Ce lien de contribution a été retiré par la personne qui l’a créé. Demandez-lui "
    "un nouveau lien si vous souhaitez encore contribuer.",
    "epuise": "Ce lien de contribution a reçu toutes les contributions prévues. Merci ! "
    "Demandez un nouveau lien si vous souhaitez en ajouter.",
}
LIMIT_MESSAGES: dict[str, str] = {
    "minute": "Beaucoup de contributions viennent d’arriver par ce lien : patientez une minute "
    "avant d’envoyer la vôtre.",
    "jour": "Ce lien a reçu le nombre maximal de contributions pour aujourd’hui : réessayez "
    "demain.",
    "total": REFUSAL_MESSAGES["epuise"],
}
STATUS_LABELS: dict[str, str] = {
    "en_attente": "En attente",
    "acceptee": "Acceptée",
    "corrigee": "Acceptée après correction",
    "rejetee": "Rejetée",
    "publiee": "Publiée",
}
ACCEPTED = ("acceptee", "corrigee")


class CannotContribute(ValueError):
    """The request cannot be carried out as asked; the message is French, ready to show."""


@dataclass(frozen=True)
class ContributionLink:
    id: int
    space: str
    perimeter: str | None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    author: str | None
    max_contributions: int | None

    def state(self, now: datetime | None = None) -> Literal["actif", "expire", "revoque"]:
        if self.revoked_at is not None:
            return "revoque"
        if utc_now(now) >= self.expires_at:
            return "expire"
        return "actif"


@dataclass(frozen=True)
class Participation:
    scheme: str
    role: str = "participant"
    entry_stage: str | None = None


@dataclass(frozen=True)
class Submission:
    """What a partner sends through the form. `contact` is for the analyst only."""

    name: str
    category: str
    field: str
    commune: str
    form: str = "structure"
    kind: str = ""
    themes: tuple[str, ...] = ()
    participations: tuple[Participation, ...] = ()
    blockage_category: str | None = None
    blockage_text: str | None = None
    blockage_lever: str | None = None
    contact: str | None = None

    def payload(self) -> dict:
        """What may become rows: everything but the contact."""
        data = asdict(self)
        data.pop("contact")
        return data

    @classmethod
    def from_payload(cls, payload: Mapping, contact: str | None = None) -> Submission:
        data = dict(payload)
        data["themes"] = tuple(data.get("themes") or ())
        data["participations"] = tuple(Participation(**p) for p in data.get("participations") or ())
        return cls(**data, contact=contact)


@dataclass(frozen=True)
class FieldProblem:
    field: str  # the Submission attribute the message is about
    message: str


@dataclass(frozen=True)
class Submitted:
    id: int | None  # None when the honeypot was filled: accepted in appearance, stored nowhere


@dataclass(frozen=True)
class QueueItem:
    id: int
    submitted_at: str
    submission: Submission  # as corrected by the analyst when she did
    status: Status
    reason: str | None = None
    merge_into: str | None = None
    reviewer: str | None = None
    version: int | None = None  # the version that published it
    history: tuple[tuple[str, str | None, str | None, str], ...] = field(default=())

    def as_json(self) -> dict:
        """The queue line for scripts; never the contact."""
        return {
            "id": self.id,
            "submitted_at": self.submitted_at,
            "status": self.status,
            "reason": self.reason,
            "merge_into": self.merge_into,
            "reviewer": self.reviewer,
            "version": self.version,
            "submission": self.submission.payload(),
        }


# --- links ------------------------------------------------------------------------------------


def create_link(
    store: Store,
    space: str,
    perimeter: str | None = None,
    expires: timedelta = DEFAULT_EXPIRY,
    max_contributions: int | None = None,
    author: str | None = None,
    now: datetime | None = None,
) -> tuple[str, ContributionLink]:
    """Issue a link for partners of `space` (of `perimeter` when given)."""
    if not timedelta(hours=1) <= expires <= MAX_EXPIRY:
        raise CannotContribute("La durée d’un lien doit être comprise entre une heure et un an.")
    if max_contributions is not None and max_contributions < 1:
        raise CannotContribute("Le nombre maximal de contributions doit être au moins 1.")
    if store.latest(space) is None:
        raise CannotContribute(
            f"L’espace « {space} » n’a aucune version publiée : publiez "
            "d’abord un classeur, les contributions viendront le compléter."
        )
    if perimeter is not None and perimeter not in set(store.load(space)["perimetres"]["id"]):
        raise CannotContribute(
            f"Le périmètre « {perimeter} » n’existe pas dans la dernière "
            f"version de l’espace « {space} »."
        )
    token = secrets.token_urlsafe(32)
    moment = utc_now(now)
    row = ContributionStore(store).add_link(
        token_digest(token),
        space,
        perimeter,
        utc_iso(moment),
        utc_iso(moment + expires),
        author,
        max_contributions,
    )
    return token, _link(row)


def contribution_path(token: str) -> str:
    """The address of the form, relative to the server root."""
    return f"/?{QUERY_PARAM}={token}"


def resolve(store: Store, token: str, now: datetime | None = None) -> ContributionLink | Refusal:
    """The link a token opens, or why it opens nothing."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return "inconnu"
    book = ContributionStore(store)
    row = book.link_by_hash(token_digest(token))
    if row is None:
        return "inconnu"
    link = _link(row)
    state = link.state(now)
    if state != "actif":
        return state
    if link.max_contributions is not None and book.count(link.id) >= link.max_contributions:
        return "epuise"
    return link


def links(store: Store, space: str | None = None) -> list[ContributionLink]:
    return [_link(row) for row in ContributionStore(store).links(space)]


def revoke(store: Store, link_id: int, now: datetime | None = None) -> bool:
    """Revoke at once and for good; False when no link has this id."""
    return ContributionStore(store).revoke_link(link_id, utc_iso(utc_now(now)))


def received(store: Store, link_id: int) -> int:
    return ContributionStore(store).count(link_id)


# --- the form ---------------------------------------------------------------------------------


def territory_model(store: Store, link: ContributionLink) -> Model:
    """The latest version as the link's partners may see it: its territory only."""
    model = build_model(store.load(link.space))
    return model.restrict(link.perimeter) if link.perimeter else model


def check(submission: Submission, model: Model) -> list[FieldProblem]:
    """Every problem of the form at once, each on its field, in French."""
    problems: list[FieldProblem] = []

    def add(name: str, message: str) -> None:
        problems.append(FieldProblem(name, message))

    def within(name: str, value: str | None, label: str) -> None:
        if value and len(value) > MAX_LENGTH[name]:
            add(
                name,
                f"{label} : {MAX_LENGTH[name]} caractères au plus "
                f"({len(value)} saisis). Raccourcissez le texte.",
            )

    if not submission.name.strip():
        add("name", "Indiquez le nom de votre structure ou de votre collectif.")
    within("name", submission.name, "Le nom")
    within("kind", submission.kind, "Le type")
    within("blockage_text", submission.blockage_text, "La description")
    within("contact", submission.contact, "Le contact")
    _one_of(
        add,
        "category",
        submission.category,
        "actor_category",
        "Choisissez la famille de votre structure dans la liste.",
    )
    _one_of(
        add,
        "form",
        submission.form,
        "actor_form",
        "Choisissez la forme : structure, personne ou collectif d’habitants.",
    )
    _one_of(
        add,
        "field",
        submission.field,
        "field",
        "Choisissez votre champ : action sociale, développement local ou les deux.",
    )
    if submission.commune not in set(model.territory):
        add(
            "commune",
            "Choisissez votre commune parmi celles du territoire proposées dans la liste.",
        )
    if len(submission.themes) > MAX_THEMES:
        add("themes", f"Choisissez au plus {MAX_THEMES} thématiques.")
    if unknown := [t for t in submission.themes if t not in VOCABULARIES["theme"]]:
        add("themes", f"Thématique inconnue : {', '.join(unknown)}. Choisissez-les dans la liste.")
    if len(submission.participations) > MAX_PARTICIPATIONS:
        add("participations", f"Indiquez au plus {MAX_PARTICIPATIONS} dispositifs.")
    schemes = set(model.schemes.index)
    for number, taken in enumerate(submission.participations, start=1):
        if taken.scheme not in schemes:
            add(
                "participations",
                f"Dispositif n° {number} : il n’est pas sur le territoire de "
                "ce lien. Choisissez un dispositif de la liste.",
            )
        if taken.role not in VOCABULARIES["role"]:
            add("participations", f"Dispositif n° {number} : choisissez votre rôle dans la liste.")
        if taken.entry_stage and taken.entry_stage not in VOCABULARIES["entry_stage"]:
            add(
                "participations",
                f"Dispositif n° {number} : choisissez l’étape à laquelle "
                "vous l’avez rejoint dans la liste.",
            )
    if len({p.scheme for p in submission.participations}) < len(submission.participations):
        add("participations", "Un même dispositif est indiqué deux fois : gardez-en un.")
    text = (submission.blockage_text or "").strip()
    if text and not submission.blockage_category:
        add("blockage_category", "Choisissez la famille de ce qui bloque.")
    if submission.blockage_category and not text:
        add("blockage_text", "Décrivez en quelques mots ce qui bloque.")
    if submission.blockage_category:
        _one_of(
            add,
            "blockage_category",
            submission.blockage_category,
            "blockage_category",
            "Choisissez la famille de ce qui bloque dans la liste.",
        )
    if submission.blockage_lever:
        _one_of(
            add,
            "blockage_lever",
            submission.blockage_lever,
            "lever",
            "Choisissez le levier dans la liste.",
        )
    return problems


def submit(
    store: Store,
    token: str,
    submission: Submission,
    *,
    honeypot: str = "",
    now: datetime | None = None,
) -> Submitted | list[FieldProblem]:
    """Store a valid contribution; return its problems otherwise (nothing stored).

    Raises CannotContribute (French) for a link that opens nothing or a limit reached."""
    link = resolve(store, token, now)
    if isinstance(link, str):
        raise CannotContribute(REFUSAL_MESSAGES[link])
    if honeypot.strip():  # a robot filled the hidden field: thank it, keep nothing
        return Submitted(None)
    submission = clean(submission)
    if problems := check(submission, territory_model(store, link)):
        return problems
    moment = utc_now(now)
    try:
        contribution_id = ContributionStore(store).add(
            _row(link),
            utc_iso(moment),
            submission.payload(),
            submission.contact or None,
            limits(link),
            utc_iso(moment - timedelta(minutes=1)),
            utc_iso(moment - timedelta(days=1)),
        )
    except LimitReached as reached:
        raise CannotContribute(LIMIT_MESSAGES[reached.which]) from reached
    return Submitted(contribution_id)


def clean(submission: Submission) -> Submission:
    """Trim the texts and drop control characters: stored as text, shown as text."""

    def text(value: str | None) -> str | None:
        return _CONTROL.sub("", value).strip() if value is not None else None

    return replace(
        submission,
        name=text(submission.name) or "",
        kind=text(submission.kind) or "",
        commune=(submission.commune or "").strip(),
        blockage_text=text(submission.blockage_text) or None,
        contact=text(submission.contact) or None,
    )


def limits(link: ContributionLink) -> Limits:
    """Per minute and per day from MAILLAGE_CONTRIBUTIONS_PAR_MINUTE / _PAR_JOUR (10 and 200)."""
    return Limits(
        _setting("MAILLAGE_CONTRIBUTIONS_PAR_MINUTE", PER_MINUTE),
        _setting("MAILLAGE_CONTRIBUTIONS_PAR_JOUR", PER_DAY),
        link.max_contributions,
    )


# --- moderation -------------------------------------------------------------------------------


def queue(store: Store, space: str) -> list[QueueItem]:
    """Every contribution of the space, oldest first, with its current status."""
    book = ContributionStore(store)
    events: dict[int, list] = {}
    for event in book.events(space):
        events.setdefault(event.contribution_id, []).append(event)
    return [_item(row, events.get(row.id, [])) for row in book.contributions(space)]


def contacts(store: Store, space: str) -> dict[int, str]:
    """The contacts partners left, for the analyst's moderation screen only."""
    return {
        row.id: row.contact for row in ContributionStore(store).contributions(space) if row.contact
    }


def review(
    store: Store,
    space: str,
    contribution_id: int,
    status: str,
    *,
    author: str | None = None,
    reason: str | None = None,
    corrected: Submission | None = None,
    merge_into: str | None = None,
    now: datetime | None = None,
) -> QueueItem:
    """Accept (possibly merged into an existing actor, possibly corrected) or reject."""
    items = {item.id: item for item in queue(store, space)}
    if contribution_id not in items:
        raise CannotContribute(
            f"Aucune contribution n° {contribution_id} dans l’espace « {space} »."
        )
    item = items[contribution_id]
    if item.status == "publiee":
        raise CannotContribute(
            "Cette contribution est déjà publiée : corrigez-la dans le classeur de l’espace."
        )
    if status not in ("acceptee", "corrigee", "rejetee"):
        raise CannotContribute(
            f"Décision inconnue « {status} » : choisissez acceptee, corrigee ou rejetee."
        )
    reason = (reason or "").strip() or None
    if status == "rejetee" and not reason:
        raise CannotContribute(
            "Indiquez la raison du rejet : elle est gardée avec la contribution."
        )
    if reason and len(reason) > MAX_LENGTH["reason"]:
        raise CannotContribute(f"La raison : {MAX_LENGTH['reason']} caractères au plus.")
    payload = None
    if status == "corrigee":
        if corrected is None:
            raise CannotContribute("Une contribution corrigée a besoin de sa version corrigée.")
        corrected = clean(replace(corrected, contact=None))
        model = build_model(store.load(space))
        if problems := check(corrected, model):
            raise CannotContribute(" ".join(p.message for p in problems))
        payload = corrected.payload()
    if merge_into is not None and status != "rejetee":
        actors = set(store.load(space)["acteurs"]["id"])
        if merge_into not in actors:
            raise CannotContribute(
                f"L’acteur « {merge_into} » n’existe pas dans la dernière "
                "version : choisissez-en un de la liste."
            )
    ContributionStore(store).add_event(
        contribution_id,
        status,
        utc_iso(utc_now(now)),
        author,
        reason=reason,
        payload=payload,
        merge_into=merge_into if status != "rejetee" else None,
    )
    return next(i for i in queue(store, space) if i.id == contribution_id)


def duplicates(submission: Submission, actors: pd.DataFrame, limit: int = 3) -> list[str]:
    """Existing actors this contribution may duplicate: same commune and a close name, or the
    same name anywhere; best match first."""
    wanted = _normalised(submission.name)
    scored = []
    for actor_id, name, commune in zip(actors.index, actors["nom"], actors["commune"], strict=True):
        ratio = difflib.SequenceMatcher(None, wanted, _normalised(str(name))).ratio()
        same_place = isinstance(commune, str) and commune == submission.commune
        if ratio == 1.0 or (same_place and ratio >= 0.75):
            scored.append((-ratio, str(actor_id)))
    return [actor_id for _score, actor_id in sorted(scored)[:limit]]


def accepted_tables(
    store: Store, space: str, items: list[QueueItem]
) -> tuple[dict[str, pd.DataFrame], VersionInfo]:
    """The latest version's sheets plus the rows of the accepted contributions."""
    latest = store.latest(space)
    if latest is None:
        raise CannotContribute(f"L’espace « {space} » n’a aucune version publiée.")
    tables = store.load(space)
    rows: dict[str, list[dict]] = {"acteurs": [], "participations": [], "blocages": []}
    for item in items:
        actor = item.merge_into or _actor_id(item.id)
        taken = item.submission
        if item.merge_into is None:
            rows["acteurs"].append(
                {
                    "id": actor,
                    "nom": taken.name,
                    "categorie": taken.category,
                    "forme": taken.form,
                    "type": taken.kind or None,
                    "champ": taken.field,
                    "commune": taken.commune,
                    "thematiques": ";".join(taken.themes) or None,
                }
            )
        rows["participations"] += [
            {"dispositif": p.scheme, "acteur": actor, "role": p.role, "stade_entree": p.entry_stage}
            for p in taken.participations
        ]
        if taken.blockage_text:
            rows["blocages"].append(
                {
                    "id": f"{_actor_id(item.id)}_blocage",
                    "categorie": taken.blockage_category,
                    "description": taken.blockage_text,
                    "source": "enquete",
                    "statut": "ouvert",
                    "levier": taken.blockage_lever,
                    "date": pd.Timestamp(item.submitted_at[:10]),
                }
            )
    for sheet, new in rows.items():
        if new:
            tables[sheet] = pd.concat(
                [tables.get(sheet, pd.DataFrame()), pd.DataFrame(new)], ignore_index=True
            )
    return tables, latest


def preview(store: Store, space: str, items: list[QueueItem]) -> Validation:
    """The latest version plus these contributions, validated like an uploaded workbook."""
    tables, _latest = accepted_tables(store, space, items)
    return validate(raw_from_tables(tables, "contributions"))


def publish_accepted(
    store: Store, space: str, author: str | None = None, now: datetime | None = None
) -> VersionInfo:
    """One new version: the latest plus every accepted contribution not yet published."""
    ready = [item for item in queue(store, space) if item.status in ACCEPTED]
    if not ready:
        raise CannotContribute("Aucune contribution acceptée n’attend d’être publiée.")
    validation = preview(store, space, ready)
    if not validation.valid:
        first = next(p for p in validation.problems if p.severity == "erreur")
        raise CannotContribute(
            "Les contributions acceptées ne peuvent pas être publiées "
            f"telles quelles : {first.message} Corrigez-les ou rejetez-les."
        )
    count = len(ready)
    summary = f"{count} contribution{'s' if count > 1 else ''} acceptée{'s' if count > 1 else ''}"
    version = store.publish(space, validation.tables, file=summary, sha256=None, author=author)
    book = ContributionStore(store)
    for item in ready:
        book.add_event(item.id, "publiee", utc_iso(utc_now(now)), author, version=version.version)
    return version


# --- helpers ----------------------------------------------------------------------------------


def _one_of(add, name: str, value: str | None, vocabulary: str, message: str) -> None:
    if value not in VOCABULARIES[vocabulary]:
        add(name, message)


def _item(row: ContributionRow, events: list) -> QueueItem:
    submission = Submission.from_payload(row.payload)
    item = QueueItem(row.id, row.submitted_at, submission, "en_attente")
    for event in events:
        if event.status == "publiee":
            item = replace(item, status="publiee", version=event.version)
        else:
            corrected = Submission.from_payload(event.payload) if event.payload else item.submission
            item = replace(
                item,
                status=event.status,
                reason=event.reason,
                merge_into=event.merge_into,
                reviewer=event.author,
                submission=corrected,
            )
        item = replace(
            item, history=(*item.history, (event.status, event.reason, event.author, event.at))
        )
    return item


def _actor_id(contribution_id: int) -> str:
    return f"contribution_{contribution_id}"


def _normalised(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _setting(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def _link(row: ContributionLinkRow) -> ContributionLink:
    def moment(text: str | None) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    created, expires = moment(row.created_at), moment(row.expires_at)
    assert created is not None and expires is not None
    return ContributionLink(
        row.id,
        row.space,
        row.perimeter,
        created,
        expires,
        moment(row.revoked_at),
        row.author,
        row.max_contributions,
    )


def _row(link: ContributionLink) -> ContributionLinkRow:
    return ContributionLinkRow(
        link.id,
        link.space,
        link.perimeter,
        utc_iso(link.created_at),
        utc_iso(link.expires_at),
        None,
        link.author,
        link.max_contributions,
    )
