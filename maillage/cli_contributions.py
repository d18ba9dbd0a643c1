"""`maillage contribution create|list|revoke` and `maillage contributions list --json`: the
links partners use to propose their own rows, and the moderation queue, for scripts."""

from __future__ import annotations

import json
import sys

from maillage import contributions, sharing
from maillage.formats import format_datetime
from maillage.store import DEFAULT_SPACE, Store

EXIT_OK, EXIT_ERRORS = 0, 1
STATES = {"actif": "actif", "expire": "expiré", "revoque": "révoqué"}


def register(group, action) -> None:
    """Add the two command groups with the CLI's own `group` and `action` builders."""
    links = group("contribution", "liens de contribution pour les partenaires")
    sub = action(links, "create", _create, "crée un lien (affiché une seule fois)")
    sub.add_argument("--space", default=DEFAULT_SPACE, help="espace de travail")
    sub.add_argument("--perimeter", default=None, help="id du périmètre auquel se limiter")
    sub.add_argument("--expires", default="30d", help="durée : 30d, 12h, 2w (défaut 30d)")
    sub.add_argument(
        "--max",
        type=int,
        default=None,
        dest="max_contributions",
        help="nombre maximal de contributions par ce lien",
    )
    sub.add_argument("--author", default=None)
    sub = action(links, "list", _list, "liste les liens et leur état")
    sub.add_argument("--space", default=None, help="un seul espace (défaut : tous)")
    sub = action(links, "revoke", _revoke, "révoque un lien, définitivement")
    sub.add_argument("id", type=int)
    queue = group("contributions", "file des contributions reçues")
    sub = action(queue, "list", _queue, "les contributions d’un espace et leur état")
    sub.add_argument("--space", default=DEFAULT_SPACE, help="espace de travail")
    sub.add_argument("--json", action="store_true")


def _store(args) -> Store:
    return Store(args.db)


def _create(args) -> int:
    try:
        sharing.public_url()  # a link nobody could open is not issued
        token, link = contributions.create_link(
            _store(args),
            args.space,
            args.perimeter,
            contributions.parse_duration(args.expires),
            args.max_contributions,
            author=args.author,
        )
    except ValueError as refusal:  # CannotContribute, CannotShare: French, ready to show
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    print(sharing.public_url() + contributions.contribution_path(token))
    cap = f", {link.max_contributions} contributions au plus" if link.max_contributions else ""
    print(
        f"Lien de contribution n° {link.id} : espace « {link.space} », "
        f"{f'périmètre « {link.perimeter} »' if link.perimeter else 'tout le territoire'}"
        f"{cap}, valable jusqu’au {format_datetime(link.expires_at, zone=True)}. Le jeton "
        "n’est affiché qu’une fois."
    )
    return EXIT_OK


def _list(args) -> int:
    store = _store(args)
    found = contributions.links(store, args.space)
    if not found:
        print("Aucun lien de contribution.")
    for link in found:
        cap = f"/{link.max_contributions}" if link.max_contributions else ""
        print(
            f"{link.id}  {STATES[link.state()]:8}  espace « {link.space} »  "
            f"{link.perimeter or 'tout le territoire'}  "
            f"{contributions.received(store, link.id)}{cap} reçues  "
            f"expire le {format_datetime(link.expires_at, zone=True)}"
        )
    return EXIT_OK


def _revoke(args) -> int:
    if not contributions.revoke(_store(args), args.id):
        print(f"[Erreur] Aucun lien de contribution n° {args.id}.", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Lien de contribution n° {args.id} révoqué : il n’accepte plus rien.")
    return EXIT_OK


def _queue(args) -> int:
    items = contributions.queue(_store(args), args.space)
    if args.json:
        print(json.dumps([item.as_json() for item in items], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not items:
        print(f"Aucune contribution dans l’espace « {args.space} ».")
    for item in items:
        label = contributions.STATUS_LABELS[item.status]
        print(f"{item.id}  {label:26}  {item.submission.name}  ({item.submission.commune})")
    return EXIT_OK
