"""The `maillage` command line (SPEC §4). Its options and JSON are a contract: keep them stable."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from maillage.database import DatabaseError
from maillage.formats import counted, format_date, format_datetime, format_number
from maillage.problems import ERROR
from maillage.store import DEFAULT_SPACE, Store, UnknownVersion
from maillage.texts import SEVERITY_LABELS
from maillage.vocabularies import VOCABULARIES

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


class UnknownPerimeter(LookupError):
    """`--perimeter` names no perimeter of the published version."""


DEMO_SPACE = "demo"
DB_HELP = "fichier SQLite ou adresse postgresql://… (défaut : MAILLAGE_DB)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_OK
    try:
        return args.handler(args)
    except DatabaseError as unusable:  # unreachable server, wrong password, newer schema
        print(f"[Erreur] {unusable}", file=sys.stderr)
        return EXIT_ERRORS
    except UnknownPerimeter as unknown:
        print(
            f"[Erreur] Le périmètre « {unknown} » n’existe pas dans la version publiée de "
            f"l’espace « {args.space} ».",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    except UnknownVersion:
        print(
            f"[Erreur] L’espace « {args.space} » n’a aucune version publiée : importez d’abord "
            "un classeur (maillage import FICHIER) ou publiez la démonstration (maillage demo "
            "puis --space demo).",
            file=sys.stderr,
        )
        return EXIT_ERRORS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="maillage", description="Qui fait quoi sur le territoire."
    )
    commands = parser.add_subparsers(title="commandes")

    def command(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--db", default=None, help=DB_HELP)
        sub.add_argument("--space", default=DEFAULT_SPACE, help="espace de travail")
        sub.set_defaults(handler=handler)
        return sub

    sub = command("validate", _validate, "vérifie un classeur sans rien publier")
    sub.add_argument("files", nargs="+", type=Path)
    sub.add_argument("--json", action="store_true")
    _profile_options(sub)
    sub = command("import", _import, "vérifie puis publie une nouvelle version")
    sub.add_argument("files", nargs="+", type=Path)
    sub.add_argument("--author", default=None)
    sub.add_argument("--json", action="store_true")
    _profile_options(sub)
    sub = command("export", _export, "écrit une version publiée au format du modèle")
    sub.add_argument("target", type=Path, metavar="FICHIER.xlsx|DOSSIER")
    sub.add_argument("--version", type=int, default=None)
    sub.add_argument("--format", choices=["xlsx", "csv"], default=None)
    sub = command("template", _template, "écrit le modèle de classeur vide")
    sub.add_argument("file", type=Path)
    command("demo", _demo, "publie l’espace de démonstration « demo »")
    sub = command("history", _history, "versions publiées d’un espace, la plus récente d’abord")
    sub.add_argument("--json", action="store_true")
    sub = command("restore", _restore, "republie une version antérieure comme nouvelle version")
    sub.add_argument("version", type=int)
    sub = command("indicators", _indicators, "tous les indicateurs de la version courante")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--perimeter", default=None)
    sub = command("overlaps", _overlaps, "paires de dispositifs partageant des communes")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--min-overlap", type=float, default=0.0)
    sub.add_argument("--perimeter", default=None)
    sub = command("mismatch", _mismatch, "discordance entre deux types de périmètres")
    sub.add_argument("x_type", choices=VOCABULARIES["perimeter_type"], metavar="X")
    sub.add_argument("y_type", choices=VOCABULARIES["perimeter_type"], metavar="Y")
    sub.add_argument("--weight", choices=["communes", "population"], default="communes")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--perimeter", default=None)
    sub = command("changes", _changes, "ce qui a changé entre deux versions")
    sub.add_argument("--json", action="store_true")
    sub.add_argument(
        "--from",
        dest="from_version",
        type=int,
        default=None,
        metavar="N",
        help="version de départ (défaut : l’avant-dernière)",
    )
    sub.add_argument(
        "--to",
        dest="to_version",
        type=int,
        default=None,
        metavar="M",
        help="version d’arrivée (défaut : la dernière)",
    )
    sub.add_argument("--perimeter", default=None)
    sub = command("dossier", _dossier, "le dossier du comité en PDF (chiffres, carte, évolutions)")
    sub.add_argument("file", type=Path)
    sub.add_argument("--perimeter", default=None)
    sub.add_argument(
        "--since",
        type=int,
        default=None,
        metavar="N",
        help="montre ce qui a changé depuis la version N",
    )
    _proposal_commands(command)
    _account_commands(commands)
    _profile_commands(commands)
    return parser


def _proposal_commands(command) -> None:
    """`pistes [--json]` and `pistes decide ID --status S [--comment T]` (SPEC §4)."""
    sub = command("pistes", _pistes, "pistes d’action, les meilleures d’abord, et leurs décisions")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--perimeter", default=None)
    sub.add_argument("--limit", type=int, default=None)
    actions = sub.add_subparsers(title="actions")
    decide = actions.add_parser("decide", help="enregistre la décision d’un comité sur une piste")
    decide.add_argument("id", help="identifiant de la piste (ex. mutualiser:ctg_bocage+gmr_bocage)")
    decide.add_argument(
        "--status", required=True, help="retenue, ecartee (avec --comment), engagee ou realisee"
    )
    decide.add_argument("--comment", default=None, help="commentaire ; obligatoire pour ecartee")
    decide.add_argument(
        "--by",
        default=None,
        help="auteur (défaut : l’utilisateur du système) ; le nom d’un compte applique son rôle",
    )
    decide.add_argument("--db", default=argparse.SUPPRESS, help="fichier de base")
    decide.add_argument("--space", default=argparse.SUPPRESS, help="espace de travail")
    decide.set_defaults(handler=_pistes_decide)


def _profile_commands(commands) -> None:
    """`profile save|list|export|remove`: the import profiles kept in a space."""
    parser = commands.add_parser("profile", help="profils de correspondance enregistrés")
    parser.set_defaults(handler=lambda _args, p=parser: p.print_help() or EXIT_OK)
    actions = parser.add_subparsers(title="actions")

    def action(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--db", default=None, help="fichier de base (défaut : MAILLAGE_DB)")
        sub.add_argument("--space", default=DEFAULT_SPACE, help="espace de travail")
        sub.set_defaults(handler=handler)
        return sub

    sub = action("save", _profile_save, "enregistre un profil (.toml ou .json) dans l’espace")
    sub.add_argument("file", type=Path)
    action("list", _profile_list, "liste les profils de l’espace")
    sub = action("export", _profile_export, "écrit un profil enregistré en TOML (ou JSON)")
    sub.add_argument("name")
    sub.add_argument("file", type=Path)
    sub = action("remove", _profile_remove, "supprime un profil enregistré")
    sub.add_argument("name")


def _profile_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--profile",
        default=None,
        metavar="NOM|FICHIER.toml",
        help="profil de correspondance : intégré (france-services, "
        "data-inclusion), enregistré dans l’espace, ou fichier .toml/.json",
    )
    sub.add_argument(
        "--mode",
        choices=["remplacer", "completer"],
        default="remplacer",
        help="remplacer l’espace (défaut) ou compléter sa dernière version",
    )


def _account_commands(commands) -> None:
    """`share create|list|revoke` and `user add|remove|list`: two levels of sub-commands."""

    def group(name: str, help_text: str):
        parser = commands.add_parser(name, help=help_text)
        parser.set_defaults(handler=lambda _args, p=parser: p.print_help() or EXIT_OK)
        return parser.add_subparsers(title="actions")

    def action(actions, name: str, handler, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("--db", default=None, help=DB_HELP)
        sub.set_defaults(handler=handler)
        return sub

    shares = group("share", "liens de partage en lecture seule")
    sub = action(shares, "create", _share_create, "crée un lien (affiché une seule fois)")
    sub.add_argument("--space", default=DEFAULT_SPACE, help="espace de travail")
    sub.add_argument("--perimeter", default=None, help="id du périmètre auquel se limiter")
    sub.add_argument("--expires", default="30d", help="durée : 30d, 12h, 2w (défaut 30d)")
    sub.add_argument("--author", default=None)
    sub.add_argument(
        "--afficher-personnes",
        dest="show_persons",
        action="store_true",
        help="montre le nom des personnes à l’interface (par défaut, elles "
        "n’apparaissent que par leur fonction)",
    )
    sub = action(shares, "list", _share_list, "liste les liens et leur état")
    sub.add_argument("--space", default=None, help="un seul espace (défaut : tous)")
    sub = action(shares, "revoke", _share_revoke, "révoque un lien, définitivement")
    sub.add_argument("id", type=int)
    spaces = group("space", "réglages d’un espace de travail")
    sub = action(spaces, "settings", _space_settings, "affiche ou change les réglages d’un espace")
    sub.add_argument("--space", default=DEFAULT_SPACE, help="espace de travail")
    persons = sub.add_mutually_exclusive_group()
    persons.add_argument(
        "--masquer-personnes",
        dest="hide_persons",
        action="store_const",
        const=True,
        help="les lecteurs et tous les liens de partage ne voient "
        "les personnes que par leur fonction",
    )
    persons.add_argument(
        "--afficher-personnes",
        dest="hide_persons",
        action="store_const",
        const=False,
        help="les lecteurs voient le nom des personnes (les liens "
        "de partage suivent leur propre réglage)",
    )
    databases = group("db", "la base de données elle-même")
    sub = action(
        databases,
        "copy",
        _db_copy,
        "copie une base SQLite (--db) dans une base PostgreSQL vide (--to)",
    )
    sub.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="adresse postgresql://… de la base vide qui reçoit la copie",
    )
    users = group("user", "comptes et rôles (admin, analyste, lecteur)")
    sub = action(users, "add", _user_add, "crée un compte")
    sub.add_argument("name")
    sub.add_argument("--role", required=True, choices=["admin", "analyste", "lecteur"])
    sub.add_argument(
        "--password-stdin",
        action="store_true",
        help="lit le mot de passe sur l’entrée standard (sinon il est demandé)",
    )
    _scope_options(sub)
    sub = action(
        users, "update", _user_update, "change le rôle ou les territoires d’un compte existant"
    )
    sub.add_argument("name")
    sub.add_argument("--role", default=None, choices=["admin", "analyste", "lecteur"])
    _scope_options(sub)
    sub.add_argument(
        "--no-perimeter",
        action="store_true",
        help="retire toute limite : le compte voit de nouveau tout",
    )
    sub = action(users, "remove", _user_remove, "supprime un compte")
    sub.add_argument("name")
    action(users, "list", _user_list, "liste les comptes")
    sub = action(
        users,
        "sessions",
        _user_sessions,
        "sessions de connexion ouvertes (cookie), et leur révocation",
    )
    sub.add_argument("name", nargs="?", default=None, help="un seul compte (défaut : tous)")
    sub.add_argument(
        "--revoke", type=int, default=None, metavar="N", help="révoque la session n° N"
    )
    sub.add_argument(
        "--revoke-all", action="store_true", help="révoque toutes les sessions du compte nommé"
    )
    from maillage import cli_contributions

    cli_contributions.register(group, action)


def _scope_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--perimeter",
        action="append",
        default=[],
        metavar="P",
        help="id d’un périmètre auquel limiter un compte lecteur (répétable)",
    )
    sub.add_argument(
        "--space", default=None, help="le seul espace que voit le compte (défaut : tous)"
    )


def _store(args) -> Store:
    return Store(args.db)


def _existing_store(args) -> Store | None:
    from maillage.store import default_db_path

    if args.db and "://" in args.db:  # a server database: it exists or says why
        return _store(args)
    path = Path(args.db) if args.db else default_db_path()
    return Store(path) if path.exists() else None


def _print_json(data: object) -> None:
    """One compact line, written at once: Python's indenting encoder and a write per token
    took longer than computing a France-scale list of proposals (pipe it to `jq` to read)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")


def _print_problems(validation) -> None:
    for p in validation.problems:
        where = " · ".join(str(x) for x in (p.sheet, p.row and f"ligne {p.row}", p.column) if x)
        print(f"[{SEVERITY_LABELS[p.severity]}] {where} : {p.message}")
    errors = sum(p.severity == ERROR for p in validation.problems)
    warnings = len(validation.problems) - errors
    verdict = "valide" if validation.valid else "non valide"
    problems = f"{counted(errors, 'erreur')}, {counted(warnings, 'avertissement')}"
    print(f"Classeur {verdict} : {problems}.")


def _unreadable(message: str, as_json: bool) -> None:
    if as_json:
        _print_json(
            {
                "valid": False,
                "problems": [
                    {
                        "severity": ERROR,
                        "sheet": None,
                        "row": None,
                        "column": None,
                        "value": None,
                        "message": message,
                    }
                ],
            }
        )
    else:
        print(f"[Erreur] {message}", file=sys.stderr)


def _validate(args) -> int:
    from maillage.profiles import BadProfile, find_profile
    from maillage.publishing import CannotComplete, check_files
    from maillage.workbook import UnreadableWorkbook, read_files

    try:
        files = read_files(args.files)
        store = _existing_store(args)  # validating never creates a database
        profile = find_profile(args.profile, store, args.space, files)
        checked = check_files(files, profile=profile, mode=args.mode, store=store, space=args.space)
    except (UnreadableWorkbook, BadProfile, CannotComplete) as error:
        _unreadable(str(error), args.json)
        return EXIT_UNREADABLE
    validation = checked.validation
    _print_json(validation.as_json()) if args.json else _print_problems(validation)
    return EXIT_OK if validation.valid else EXIT_ERRORS


def _import(args) -> int:
    from maillage.profiles import BadProfile, find_profile
    from maillage.publishing import CannotComplete, import_files
    from maillage.workbook import UnreadableWorkbook, read_files

    try:
        files = read_files(args.files)
        store = _store(args)
        profile = find_profile(args.profile, store, args.space, files)
        outcome = import_files(
            store, args.space, files, author=args.author, profile=profile, mode=args.mode
        )
    except (UnreadableWorkbook, BadProfile, CannotComplete) as error:
        _unreadable(str(error), args.json)
        return EXIT_ERRORS
    if args.json:
        data = outcome.validation.as_json()
        data["version"] = outcome.version.version if outcome.version else None
        _print_json(data)
    else:
        _print_problems(outcome.validation)
    if outcome.version is None:
        if not args.json:
            print("Rien n’a été publié : corrigez les erreurs puis recommencez.")
        return EXIT_ERRORS
    if not args.json:
        if profile is not None:
            print(f"Profil utilisé : « {profile.name} ».")
        note = f" ({outcome.version.note})" if outcome.version.note else ""
        print(f"Version {outcome.version.version} de l’espace « {args.space} » publiée{note}.")
    _derive(store, outcome.version)
    return EXIT_OK


def _derive(store: Store, info) -> None:
    """What a version gives, derived as it is published: it is read many times after."""
    from maillage import derived

    sys.stdout.flush()  # the publication is told first: deriving France takes a minute
    derived.derive(store, info)


def _export(args) -> int:
    from maillage.workbook_export import export_tables

    store = _store(args)
    try:
        info = store.version(args.space, args.version)
    except UnknownVersion:
        which = f"de version {args.version}" if args.version else "aucune version publiée"
        print(f"[Erreur] L’espace « {args.space} » n’a {which}.", file=sys.stderr)
        return EXIT_ERRORS
    written = export_tables(store.load(args.space, info.version), args.target, args.format)
    names = ", ".join(str(path) for path in written)
    print(f"Version {info.version} de l’espace « {args.space} » écrite : {names}")
    return EXIT_OK


def _profile_save(args) -> int:
    from maillage.profiles import BadProfile, read_profile_file, save_profile

    try:
        profile = read_profile_file(args.file)
    except BadProfile as error:
        print(f"[Erreur] {error}", file=sys.stderr)
        return EXIT_ERRORS
    save_profile(_store(args), args.space, profile)
    print(f"Profil « {profile.name} » enregistré dans l’espace « {args.space} ».")
    return EXIT_OK


def _profile_list(args) -> int:
    from maillage.profiles import saved_profiles

    found = saved_profiles(_store(args), args.space)
    if not found:
        print(f"Aucun profil enregistré dans l’espace « {args.space} ».")
    for profile in found:
        columns = counted(len(profile.targets), "colonne")
        print(f"{profile.name}  feuille {profile.sheet}  {columns}")
    return EXIT_OK


def _profile_export(args) -> int:
    from maillage.profiles import profile_json, profile_toml, saved_profiles

    found = {p.name: p for p in saved_profiles(_store(args), args.space)}
    if args.name not in found:
        print(
            f"[Erreur] Aucun profil « {args.name} » dans l’espace « {args.space} ».",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    as_json = args.file.suffix.lower() == ".json"
    text = (profile_json if as_json else profile_toml)(found[args.name])
    args.file.write_text(text, encoding="utf-8")
    print(f"Profil « {args.name} » écrit : {args.file}")
    return EXIT_OK


def _profile_remove(args) -> int:
    from maillage.profiles import remove_profile

    if not remove_profile(_store(args), args.space, args.name):
        print(
            f"[Erreur] Aucun profil « {args.name} » dans l’espace « {args.space} ».",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    print(f"Profil « {args.name} » supprimé.")
    return EXIT_OK


def _template(args) -> int:
    from maillage.template import write_template

    write_template(args.file)
    print(f"Modèle écrit : {args.file}")
    return EXIT_OK


def _demo(args) -> int:
    from maillage.demo import publish_demo

    version = publish_demo(_store(args))
    print(f"Espace « {DEMO_SPACE} » publié (version {version.version}).")
    return EXIT_OK


def _history(args) -> int:
    versions = _store(args).history(args.space)
    if args.json:
        _print_json([{**v.as_json(), "author": v.author} for v in versions])
        return EXIT_OK
    if not versions:
        print(f"L’espace « {args.space} » n’a aucune version publiée.")
    for v in versions:
        restored = f" (restauration de la v{v.restored_from})" if v.restored_from else ""
        note = f" — {v.note}" if v.note else ""
        rows = ", ".join(f"{name} {count}" for name, count in v.rows.items())
        by = f"  par {v.author}" if v.author else ""
        when = format_datetime(v.published_at, zone=True)
        print(f"v{v.version}  {when}  {v.file or '—'}{restored}{note}{by}  [{rows}]")
    return EXIT_OK


def _restore(args) -> int:
    store = _store(args)
    try:
        info = store.restore(args.space, args.version)
    except UnknownPerimeter as unknown:
        print(
            f"[Erreur] Le périmètre « {unknown} » n’existe pas dans la version publiée de "
            f"l’espace « {args.space} ».",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    except UnknownVersion:
        print(
            f"[Erreur] L’espace « {args.space} » n’a pas de version {args.version}.",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    print(f"Version {args.version} republiée comme version {info.version}.")
    _derive(store, info)
    return EXIT_OK


def _model(args):
    from maillage.model import build_model

    store = _store(args)
    info = store.version(args.space)
    model = build_model(store.load(args.space, info.version))
    if getattr(args, "perimeter", None):
        if args.perimeter not in model.perimeters.index:
            raise UnknownPerimeter(args.perimeter)
        model = model.restrict(perimeter=args.perimeter)
    return info, model


def _indicators(args) -> int:
    from maillage.indicators import all_indicators

    info, model = _model(args)
    _print_json(all_indicators(model, space=args.space, version=info.version))
    return EXIT_OK


def _overlaps(args) -> int:
    from maillage.overlaps import overlaps_json

    _, model = _model(args)
    _print_json(overlaps_json(model, min_overlap=args.min_overlap))
    return EXIT_OK


def _mismatch(args) -> int:
    from maillage.mismatch import mismatch

    _, model = _model(args)
    _print_json(mismatch(model, args.x_type, args.y_type, weight=args.weight).as_json())
    return EXIT_OK


def _changes(args) -> int:
    from maillage.changes import (
        CannotCompare,
        compare,
        headline,
        proposal_ids_on,
        published,
        versions_to_compare,
    )

    store = _store(args)
    try:
        before, after = versions_to_compare(
            args.space,
            [v.version for v in store.history(args.space)],
            args.from_version,
            args.to_version,
        )
    except CannotCompare as refusal:
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    old, new = (published(store, args.space, v, derive_missing=True) for v in (before, after))
    if args.perimeter and not any(
        args.perimeter in side.model.perimeters.index for side in (old, new)
    ):
        raise UnknownPerimeter(args.perimeter)
    changes = compare(
        old, new, space=args.space, perimeter=args.perimeter, proposal_ids=proposal_ids_on(old, new)
    )
    if args.json:
        _print_json(changes.as_json())
        return EXIT_OK
    print(headline(changes))
    labels = {"added": "ajoutés", "removed": "retirés", "modified": "modifiés"}
    for sheet, rows in changes.as_json()["rows"].items():
        counts = ", ".join(f"{len(rows[k])} {word}" for k, word in labels.items() if rows[k])
        if counts:
            print(f"  {sheet} : {counts}")
    return EXIT_OK


def _dossier(args) -> int:
    from maillage.changes import CannotCompare, versions_to_compare
    from maillage.dossier import EmptyDossier, dossier_for

    store = _store(args)
    versions = [v.version for v in store.history(args.space)]
    if not versions:
        print(
            f"[Erreur] L’espace « {args.space} » n’a aucune version publiée : il n’y a rien "
            "à mettre dans un dossier. Importez d’abord un classeur (maillage import "
            "FICHIER).",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    try:
        if args.since is not None:
            versions_to_compare(args.space, versions, args.since, None)
        content = dossier_for(store, args.space, perimeter=args.perimeter, since=args.since)
    except (CannotCompare, EmptyDossier) as refusal:
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    except KeyError:
        raise UnknownPerimeter(args.perimeter) from None
    args.file.write_bytes(content)
    print(f"Dossier écrit : {args.file}")
    return EXIT_OK


def _listing(args, perimeter: str | None, limit: int | None = None):
    from maillage.decisions import latest
    from maillage.model import build_model
    from maillage.proposals.listing import listing, reference_day

    store = _store(args)
    info = store.version(args.space)
    whole = build_model(store.load(args.space, info.version))
    model = whole
    if perimeter:
        if perimeter not in whole.perimeters.index:
            raise UnknownPerimeter(perimeter)
        model = whole.restrict(perimeter=perimeter)
    return listing(
        model,
        space=args.space,
        version=info.version,
        today=reference_day(info.published_at),
        decisions=latest(store, args.space),
        whole=whole,
        limit=limit,
    )


def _pistes(args) -> int:
    from maillage.decisions import STATUS_LABELS

    if args.json and not args.perimeter:  # the whole space: what its version was found to give
        from maillage import derived
        from maillage.decisions import latest

        store = _store(args)
        info = store.version(args.space)
        sys.stdout.flush()
        derived.write_listing(sys.stdout.buffer, store, info, latest(store, args.space), args.limit)
        return EXIT_OK
    found = _listing(args, args.perimeter, args.limit)
    if args.json:
        _print_json(found.as_json())
        return EXIT_OK
    shown = found.proposals
    if not shown:
        print(f"Aucune piste d’action pour l’espace « {args.space} » (version {found.version}).")
    for rank, proposal in enumerate(shown, start=1):
        status = found.status(proposal.id)
        state = f"  [{STATUS_LABELS[status]}]" if status else ""
        print(
            f"{rank}. {proposal.title}{state}\n   {proposal.id} · score "
            f"{format_number(proposal.score, 1)}"
        )
    for decision in found.resolved:
        print(f"Résolue par les données : {decision.proposal} [{STATUS_LABELS[decision.status]}]")
    return EXIT_OK


def _pistes_decide(args) -> int:
    import getpass

    from maillage.accounts import ANALYST, Accounts, NotAllowed
    from maillage.decisions import STATUS_LABELS, DecisionRefused, decide

    store = _store(args)
    author = args.by or getpass.getuser()
    account = Accounts(store).get(author) if args.by else None
    role = account.role if account else ANALYST  # at the keyboard: the local analyst
    found = _listing(args, None, limit=0)
    try:
        decision = decide(
            store,
            args.space,
            args.id,
            args.status,
            args.comment,
            author=author,
            role=role,
            known=found.ids,
            version=found.version,
        )
    except (DecisionRefused, NotAllowed) as refusal:
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    print(
        f"Décision enregistrée sur « {decision.proposal} » : "
        f"{STATUS_LABELS[decision.status].lower()} (par {author}, version {found.version})."
    )
    return EXIT_OK


def _share_create(args) -> int:
    from maillage import sharing

    try:
        base = sharing.public_url()  # checked first: a bad address issues no link
        token, link = sharing.create(
            _store(args),
            args.space,
            args.perimeter,
            sharing.parse_duration(args.expires),
            author=args.author,
            hide_persons=not args.show_persons,
        )
    except sharing.CannotShare as refusal:
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    print(sharing.share_url(token, base))
    print(
        f"Lien n° {link.id} : espace « {link.space} », "
        f"{f'périmètre « {link.perimeter} »' if link.perimeter else 'tout le territoire'}, "
        f"valable jusqu’au {format_datetime(link.expires_at, zone=True)}, personnes "
        f"{'masquées' if link.hide_persons else 'affichées'}. Le lien n’est affiché qu’une "
        "fois : copiez-le tel quel dans votre message. (Adresse du tableau de bord : "
        f"{sharing.URL_VARIABLE}.)"
    )
    return EXIT_OK


def _space_settings(args) -> int:
    from maillage import sharing

    store = _store(args)
    if args.hide_persons is not None:
        if store.latest(args.space) is None:
            print(
                f"[Erreur] L’espace « {args.space} » n’a aucune version publiée : importez "
                "d’abord un classeur (maillage import FICHIER).",
                file=sys.stderr,
            )
            return EXIT_ERRORS
        sharing.set_space_hides_persons(store, args.space, args.hide_persons)
    hidden = sharing.space_hides_persons(store, args.space)
    print(
        f"Espace « {args.space} » : personnes {'masquées' if hidden else 'affichées'} pour "
        "les lecteurs."
    )
    return EXIT_OK


def _share_list(args) -> int:
    from maillage import sharing

    found = sharing.links(_store(args), args.space)
    if not found:
        print("Aucun lien de partage.")
    states = {"actif": "actif", "expire": "expiré", "revoque": "révoqué"}
    for link in found:
        print(
            f"{link.id}  {states[link.state()]:8}  espace « {link.space} »  "
            f"{link.perimeter or 'tout le territoire'}  "
            f"expire le {format_datetime(link.expires_at, zone=True)}  personnes "
            f"{'masquées' if link.hide_persons else 'affichées'}"
        )
    return EXIT_OK


def _share_revoke(args) -> int:
    from maillage import sharing

    if not sharing.revoke(_store(args), args.id):
        print(f"[Erreur] Aucun lien n° {args.id}.", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Lien n° {args.id} révoqué : il ne donne plus accès à rien.")
    return EXIT_OK


def _db_copy(args) -> int:
    from maillage.database import redacted
    from maillage.database_copy import copy
    from maillage.store import default_location

    source = args.db or default_location()
    copied = copy(source, args.to)
    for table in copied:
        print(f"{table.name} : {counted(table.rows, 'ligne')}, sha256 {table.sha256[:16]}…")
    print(
        f"Copie vérifiée de « {redacted(source)} » vers « {redacted(args.to)} » : mêmes "
        "lignes et mêmes empreintes SHA-256 pour chaque table. Les données du fichier SQLite "
        "sont intactes : gardez-le comme sauvegarde."
    )
    return EXIT_OK


def _user_add(args) -> int:
    from getpass import getpass

    from maillage.accounts import (
        Accounts,
        DuplicateUser,
        UnknownRole,
        UnknownScope,
        WeakPassword,
    )

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass("Mot de passe : ")
        if getpass("Mot de passe (confirmation) : ") != password:
            print("[Erreur] Les deux mots de passe diffèrent.", file=sys.stderr)
            return EXIT_ERRORS
    try:
        user = Accounts(_store(args)).add(
            args.name, args.role, password, perimeters=tuple(args.perimeter), space=args.space
        )
    except DuplicateUser:
        print(f"[Erreur] Le compte « {args.name} » existe déjà.", file=sys.stderr)
        return EXIT_ERRORS
    except (UnknownRole, UnknownScope, WeakPassword, ValueError) as refusal:
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Compte « {user.name} » créé (rôle {user.role}{_limits(user)}).")
    return EXIT_OK


def _limits(user) -> str:
    """How far an account sees, as `user add|update|list` say it."""
    parts = []
    if user.perimeters:
        parts.append(f"limité à {', '.join(user.perimeters)}")
    if user.space is not None:
        parts.append(f"espace « {user.space} » seulement")
    return f", {', '.join(parts)}" if parts else ""


def _user_sessions(args) -> int:
    from maillage import sessions

    store = _store(args)
    if args.revoke_all:
        if not args.name:
            print(
                "[Erreur] --revoke-all révoque les sessions d’un compte : nommez-le.",
                file=sys.stderr,
            )
            return EXIT_ERRORS
        count = sessions.revoke(store, name=args.name)
        revoked = "révoquées" if count > 1 else "révoquée"
        print(f"{counted(count, 'session')} de « {args.name} » {revoked}.")
        return EXIT_OK
    if args.revoke is not None:
        if not sessions.revoke(store, session_id=args.revoke):
            print(f"[Erreur] Aucune session active n° {args.revoke}.", file=sys.stderr)
            return EXIT_ERRORS
        print(f"Session n° {args.revoke} révoquée : son cookie n’ouvre plus rien.")
        return EXIT_OK
    found = sessions.sessions(store, args.name)
    if not found:
        print("Aucune session de connexion.")
    for session in found:
        print(
            f"{session.id}  {session.name}  {session.state():9}  ouverte le "
            f"{format_datetime(session.created_at)}, vue le "
            f"{format_datetime(session.last_seen, zone=True)}"
        )
    return EXIT_OK


def _user_update(args) -> int:
    from maillage.accounts import Accounts, UnknownRole, UnknownScope, UnknownUser

    if args.no_perimeter and (args.perimeter or args.space):
        print(
            "[Erreur] --no-perimeter retire toute limite : ne le combinez pas avec "
            "--perimeter ou --space.",
            file=sys.stderr,
        )
        return EXIT_ERRORS
    book = Accounts(_store(args))
    current = book.get(args.name)
    if current is None:
        print(f"[Erreur] Aucun compte « {args.name} ».", file=sys.stderr)
        return EXIT_ERRORS
    perimeters: tuple[str, ...]
    space: str | None
    if args.no_perimeter:
        perimeters, space = (), None
    elif args.perimeter or args.space:
        perimeters, space = tuple(args.perimeter), args.space
    else:  # only the role changes: the limits stay
        perimeters, space = current.perimeters, current.space
    try:
        user = book.limit(args.name, perimeters, space, role=args.role)
    except (UnknownRole, UnknownScope, UnknownUser) as refusal:
        print(f"[Erreur] {refusal}", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Compte « {user.name} » : rôle {user.role}{_limits(user) or ', sans limite'}.")
    return EXIT_OK


def _user_remove(args) -> int:
    from maillage.accounts import Accounts

    if not Accounts(_store(args)).remove(args.name):
        print(f"[Erreur] Aucun compte « {args.name} ».", file=sys.stderr)
        return EXIT_ERRORS
    print(f"Compte « {args.name} » supprimé.")
    return EXIT_OK


def _user_list(args) -> int:
    from maillage.accounts import Accounts

    users = Accounts(_store(args)).list()
    if not users:
        print("Aucun compte.")
    for user in users:
        print(f"{user.name}  {user.role}  créé le {format_date(user.created_at)}{_limits(user)}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
