"""Built-in accounts: who may import, publish, restore and share, and who may only read.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106), never stored.
Failed logins are counted in the database, not in memory, so that the limit holds across
sessions, browser tabs and app restarts: after `MAX_FAILURES` failures in `LOCK_WINDOW` the
account refuses every attempt until the oldest of them leaves the window. Each attempt is
reserved in the database (counted as a failure) *before* its password is verified, so 20
parallel attempts count 20 and at most `MAX_FAILURES` of them are ever verified. An unknown
name costs the same hash as a known one and gets the same answer, so a login form does not
tell which accounts exist: the decoy hash it is checked against is computed once per process
and per hasher setting, at import for the default one, never lazily during a login.

Permissions are checked here, by the code that acts, not only by hiding buttons: a page
calls `authorize(role, action)` before publishing, restoring or sharing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from maillage.store import Store
from maillage.store_accounts import AccountStore
from maillage.store_accounts import DuplicateUser as DuplicateUser  # callers catch it from here

ADMIN, ANALYST, READER = "admin", "analyste", "lecteur"
ROLES = (ADMIN, ANALYST, READER)
ROLE_LABELS = {ADMIN: "administrateur·rice", ANALYST: "analyste", READER: "lecteur·rice"}

PUBLISH, RESTORE, SHARE, MANAGE_USERS = "publier", "restaurer", "partager", "gerer_comptes"
DECIDE = "decider"  # record a committee's decision on a proposal (SPEC §3.2)
PERMISSIONS: dict[str, frozenset[str]] = {
    ADMIN: frozenset({PUBLISH, RESTORE, SHARE, MANAGE_USERS, DECIDE}),
    ANALYST: frozenset({PUBLISH, RESTORE, SHARE, DECIDE}),
    READER: frozenset(),
}
REFUSALS = {
    PUBLISH: "Votre accès est en lecture seule : seul·e un·e analyste peut publier une version.",
    RESTORE: "Votre accès est en lecture seule : seul·e un·e analyste peut restaurer une version.",
    SHARE: "Votre accès est en lecture seule : seul·e un·e analyste peut créer ou révoquer un "
    "lien de partage.",
    MANAGE_USERS: "Seul·e un·e administrateur·rice peut gérer les comptes.",
    DECIDE: "Votre accès est en lecture seule : seul·e un·e analyste peut enregistrer la "
    "décision d’un comité sur une piste.",
}

MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_FORGET_AFTER = timedelta(days=1)
_DECOY_PASSWORD = "maillage: no such account"
_decoys: dict[tuple, str] = {}


def _settings(hasher: PasswordHasher) -> tuple:
    return (
        hasher.time_cost,
        hasher.memory_cost,
        hasher.parallelism,
        hasher.hash_len,
        hasher.salt_len,
        hasher.type,
    )


def decoy_hash(hasher: PasswordHasher) -> str:
    """A hash with `hasher`'s settings that no password matches the way an account's would:
    checked for unknown names so that they cost what known ones cost."""
    key = _settings(hasher)
    if key not in _decoys:
        _decoys[key] = hasher.hash(_DECOY_PASSWORD)
    return _decoys[key]


class NotAllowed(PermissionError):
    """The role does not grant this action; the message is French, ready to show."""


class UnknownRole(ValueError):
    pass


class WeakPassword(ValueError):
    pass


class UnknownUser(LookupError):
    pass


def can(role: str | None, action: str) -> bool:
    return action in PERMISSIONS.get(role or "", frozenset())


def authorize(role: str | None, action: str) -> None:
    """Raise NotAllowed unless `role` grants `action`."""
    if not can(role, action):
        raise NotAllowed(REFUSALS.get(action, "Action non autorisée."))


class UnknownScope(ValueError):
    """A territory limit names a perimeter or space that is not published; French message."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str
    space: str | None = None  # the only space this account sees (None: every space)
    perimeters: tuple[str, ...] = ()  # the territories it sees, as a share link would

    @property
    def limited(self) -> bool:
        return bool(self.perimeters) or self.space is not None


@dataclass(frozen=True)
class Login:
    """The answer to a login attempt: a user, or why not (and until when, when locked)."""

    user: User | None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Accounts:
    def __init__(self, store: Store, hasher: PasswordHasher | None = None):
        self.rows = AccountStore(store)
        self.hasher = hasher or PasswordHasher()
        self._decoy_hash = decoy_hash(self.hasher)

    def add(
        self,
        name: str,
        role: str,
        password: str,
        now: datetime | None = None,
        perimeters: tuple[str, ...] = (),
        space: str | None = None,
    ) -> User:
        """A new account; with `perimeters` and/or `space`, a reader limited to them."""
        name = name.strip()
        if not name:
            raise ValueError("Le nom du compte est vide.")
        if role not in ROLES:
            raise UnknownRole(f"Rôle inconnu « {role} » : choisissez parmi {', '.join(ROLES)}.")
        _check_password(password, name)
        perimeters = self._check_scope(role, space, perimeters)
        created_at = _iso(_now(now))
        self.rows.add_user(name, role, self.hasher.hash(password), created_at)
        if perimeters or space:
            self.rows.set_user_perimeters(name, space, perimeters)
        return User(name, role, created_at, space, perimeters)

    def limit(
        self,
        name: str,
        perimeters: tuple[str, ...] = (),
        space: str | None = None,
        role: str | None = None,
    ) -> User:
        """Change what an account sees (no perimeter and no space: everything) and, when
        given, its role; checked like `add`."""
        user = self.get(name)
        if user is None:
            raise UnknownUser(name)
        role = role or user.role
        if role not in ROLES:
            raise UnknownRole(f"Rôle inconnu « {role} » : choisissez parmi {', '.join(ROLES)}.")
        perimeters = self._check_scope(role, space, perimeters)
        self.rows.set_user_perimeters(name, space, perimeters, role=role)
        return User(user.name, role, user.created_at, space, perimeters)

    def _check_scope(
        self, role: str, space: str | None, perimeters: tuple[str, ...]
    ) -> tuple[str, ...]:
        """The perimeters, deduplicated and sorted, once each is known to be published."""
        perimeters = tuple(sorted({p.strip() for p in perimeters if p.strip()}))
        if not perimeters and space is None:
            return ()
        if role != READER:
            raise UnknownScope(
                "Seul un compte « lecteur » peut être limité à des territoires : "
                "un·e analyste publie pour tout l’espace."
            )
        store = self.rows.store
        spaces = [space] if space is not None else store.spaces()
        if space is not None and store.latest(space) is None:
            raise UnknownScope(
                f"L’espace « {space} » n’a aucune version publiée : publiez-la "
                "d’abord, ou corrigez --space."
            )
        known = set()
        for each in spaces:
            known |= set(store.load(each)["perimetres"]["id"])
        if missing := [p for p in perimeters if p not in known]:
            where = f"l’espace « {space} »" if space else "aucun espace publié"
            unknown = "Périmètre inconnu" if len(missing) == 1 else "Périmètres inconnus"
            raise UnknownScope(
                f"{unknown} dans {where} : {', '.join(missing)}. "
                "Utilisez l’identifiant de la feuille « perimetres » (colonne "
                "id)."
            )
        return perimeters

    def remove(self, name: str) -> bool:
        return self.rows.remove_user(name)

    def get(self, name: str) -> User | None:
        row = self.rows.user(name)
        return self._user(row) if row else None

    def list(self) -> list[User]:
        return [self._user(r) for r in self.rows.users()]

    def _user(self, row) -> User:
        space, perimeters = self.rows.user_perimeters(row.name)
        return User(row.name, row.role, row.created_at, space, perimeters)

    def set_password(self, name: str, password: str) -> None:
        _check_password(password, name)
        if not self.rows.set_password_hash(name, self.hasher.hash(password)):
            raise UnknownUser(name)

    def locked_until(self, name: str, now: datetime | None = None) -> datetime | None:
        """When the account accepts attempts again, or None if it does now."""
        moment = _now(now)
        return _unlock_time(self.rows.recent_failures(name, _iso(moment - LOCK_WINDOW)))

    def authenticate(self, name: str, password: str, now: datetime | None = None) -> Login:
        moment = _now(now)
        name = name.strip()
        attempt, failures = self.rows.reserve_attempt(
            name,
            _iso(moment),
            _iso(moment - LOCK_WINDOW),
            MAX_FAILURES,
            _iso(moment - _FORGET_AFTER),
        )
        if attempt is None:
            return Login(None, _unlock_time(failures))
        row = self.rows.user(name)
        ok = self._verify(row.password_hash if row else self._decoy_hash, password) and bool(row)
        if not ok or row is None:
            return Login(None, _unlock_time(failures))
        self.rows.mark_success(attempt)
        if self.hasher.check_needs_rehash(row.password_hash):
            self.rows.set_password_hash(name, self.hasher.hash(password))
        return Login(self._user(row))

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def _unlock_time(failures: list[str]) -> datetime | None:
    """When `MAX_FAILURES` failures in the window no longer hold, or None if they do not."""
    if len(failures) < MAX_FAILURES:
        return None
    return datetime.fromisoformat(failures[-MAX_FAILURES]) + LOCK_WINDOW


def _check_password(password: str, name: str) -> None:
    """At least `MIN_PASSWORD_LENGTH` characters, not only blanks, not the account's name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères."
        )
    if not password.strip():
        raise WeakPassword(
            "Le mot de passe ne peut pas être fait que d’espaces : choisissez "
            "une phrase d’au moins 12 caractères."
        )
    if password.strip().casefold() == name.strip().casefold():
        raise WeakPassword(
            "Le mot de passe ne peut pas être le nom du compte : choisissez "
            "une phrase d’au moins 12 caractères."
        )
