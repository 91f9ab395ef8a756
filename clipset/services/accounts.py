"""Accounts: first-run setup, registration by invitation, sign-in, sign-out, passwords."""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Callable

from peewee import IntegrityError

from ..errors import Conflict, Forbidden, RateLimited, Unauthorized, ValidationFailed
from ..security.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from ..security.ratelimit import limiter
from ..security.tokens import TokenIssuer
from ..settings import Settings
from ..store.db import immediate
from ..store.models import Invitation, User, now
from .invitations import check_usable

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,31}$")
# The same rule for clients that check before sending (the OpenAPI document): any case.
USERNAME_PATTERN = r"^\s*[A-Za-z0-9][A-Za-z0-9_.-]{2,31}\s*$"
USERNAME_MAX = 32
# Failures a username takes from all clients together, and one client across all
# usernames, as multiples of what one client may try on one username. A guesser on one
# device locks only itself out of that account; the owner elsewhere signs in as usual.
# Locking the name itself takes many clients and far more guesses.
USERNAME_FACTOR = 10
CLIENT_FACTOR = 10


def normalize_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        raise ValidationFailed(
            "username: use 3 to 32 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit",
            field="username",
        )
    return name


SETUP_CODE_DIGITS = 8


def _local_host_header(host: str, is_this_machine: Callable[[str], bool]) -> bool:
    """Whether a Host header names this machine by a loopback name or its own address;
    any other name may be a hostile site that re-pointed its DNS at us (DNS rebinding)."""
    name = host.strip().lower()
    if name.startswith("["):  # [v6]:port
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name in ("localhost", "localhost.") or is_this_machine(name)


def check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(
            f"{field}: use at least {MIN_LENGTH} characters",
            field=field,
            error_code="weak_password",
        )


class Accounts:
    def __init__(
        self, settings: Settings, tokens: TokenIssuer, is_this_machine: Callable[[str], bool]
    ):
        self.tokens = tokens
        self._is_this_machine = is_this_machine
        window, attempts = settings.login_window_seconds, settings.login_attempts
        self._by_pair = limiter("login.pair", attempts, window)
        self._by_client = limiter("login.client", attempts * CLIENT_FACTOR, window)
        self._by_username = limiter("login.username", attempts * USERNAME_FACTOR, window)
        # Until the first admin exists, whoever reaches the port first could claim the
        # server: away from the host, setup also needs this code (log and tray show it).
        self.setup_code = f"{secrets.randbelow(10**SETUP_CODE_DIGITS):0{SETUP_CODE_DIGITS}d}"
        self._setup_attempts = limiter("setup", attempts, window)

    # -- sessions -------------------------------------------------------------------
    def session(self, user: User) -> dict:
        return {
            "access_token": self.tokens.issue(user.subject, user.token_version),
            "token_type": "bearer",
            "user": user,
        }

    def authenticate(self, token: str) -> User:
        subject, version = self.tokens.decode(token)
        user = User.get_or_none(User.subject == subject)
        if user is None or user.token_version != version:
            raise Unauthorized(
                "Your session has ended. Sign in again.", error_code="token_revoked"
            )
        if not user.is_active:
            raise Unauthorized("This account has been deactivated.", error_code="account_inactive")
        return user

    def login(self, username: str, password: str, client: str) -> dict:
        name = username.strip().lower()
        pair = f"{client}\n{name}"
        wait = max(
            self._by_pair.retry_after(pair),
            self._by_client.retry_after(client),
            self._by_username.retry_after(name),
        )
        if wait:
            raise RateLimited(
                wait, f"Too many sign-in attempts. Try again in {int(wait) + 1} seconds."
            )
        user = User.get_or_none(User.username == name)
        if not verify_password(user.password_hash if user else None, password):
            self._by_pair.hit(pair)
            self._by_client.hit(client)
            self._by_username.hit(name)
            raise Unauthorized("Wrong username or password.", error_code="invalid_credentials")
        if not user.is_active:
            raise Forbidden("This account has been deactivated.", error_code="account_inactive")
        self._by_pair.reset(pair)
        if needs_rehash(user.password_hash):
            User.update(password_hash=hash_password(password)).where(User.id == user.id).execute()
        return self.session(user)

    def logout(self, user: User) -> None:
        User.update(token_version=User.token_version + 1).where(User.id == user.id).execute()

    def change_password(self, user: User, current: str, new: str) -> dict:
        """Sets a new password, signs out every other session, returns a fresh one."""
        if not verify_password(user.password_hash, current):
            raise Forbidden(
                "The current password is wrong.",
                error_code="invalid_credentials",
                field="current_password",
            )
        check_password(new, "new_password")
        pw_hash = hash_password(new)  # slow on purpose, so not while holding a write lock
        User.update(password_hash=pw_hash, token_version=User.token_version + 1).where(
            User.id == user.id
        ).execute()
        return self.session(User.get_by_id(user.id))

    # -- creating accounts ----------------------------------------------------------
    def needs_setup(self) -> bool:
        return not User.select().exists()

    def setup_code_required(self, client: str, host: str) -> bool:
        """A browser on the host, addressing it by a local name, needs no code."""
        here = self._is_this_machine
        return not (here(client) and _local_host_header(host, here))

    def _check_setup_code(self, client: str, host: str, code: str | None) -> None:
        if not self.setup_code_required(client, host):
            return
        wait = self._setup_attempts.retry_after(client)
        if wait:
            raise RateLimited(wait, "Too many wrong setup codes. Try again later.")
        if not code:
            raise Forbidden(
                "Enter the setup code shown in Clipset's log or tray menu on "
                "the computer that runs it.",
                error_code="setup_code_required",
                field="setup_code",
            )
        if not hmac.compare_digest(code.strip(), self.setup_code):
            self._setup_attempts.hit(client)
            raise Forbidden(
                "That setup code is wrong.", error_code="setup_code_wrong", field="setup_code"
            )

    def setup(
        self,
        username: str,
        password: str,
        email: str | None,
        *,
        client: str,
        host: str,
        code: str | None = None,
    ) -> dict:
        """Creates the first admin; refused for good once any user exists."""
        if User.select().exists():
            raise Conflict(
                "Clipset is already set up. Sign in instead.", error_code="already_set_up"
            )
        self._check_setup_code(client, host, code)
        name, pw_hash = self._prepare(username, password)
        with immediate():
            if User.select().exists():
                raise Conflict(
                    "Clipset is already set up. Sign in instead.", error_code="already_set_up"
                )
            user = User.create(username=name, password_hash=pw_hash, email=email, role="admin")
        return self.session(user)

    def create_user(
        self, username: str, password: str, email: str | None = None, role: str = "user"
    ) -> User:
        name, pw_hash = self._prepare(username, password)
        with immediate():
            return self._insert(name, pw_hash, email, role)

    def register(
        self, invitation_token: str, username: str, password: str, email: str | None
    ) -> dict:
        name, pw_hash = self._prepare(username, password)
        with immediate():
            invitation = Invitation.get_or_none(Invitation.token == invitation_token)
            check_usable(invitation)
            user = self._insert(name, pw_hash, email or invitation.email, "user")
            claimed = (
                Invitation.update(used_at=now(), used_by=user)
                .where(Invitation.id == invitation.id, Invitation.used_at.is_null())
                .execute()
            )
            if not claimed:  # lost a race for the same invitation
                raise Conflict(
                    "This invitation has already been used.", error_code="invitation_used"
                )
        return self.session(user)

    @staticmethod
    def _prepare(username: str, password: str) -> tuple[str, str]:
        name = normalize_username(username)
        check_password(password)
        return name, hash_password(password)  # hashed outside the write lock

    @staticmethod
    def _insert(name: str, pw_hash: str, email: str | None, role: str) -> User:
        try:  # the unique index on username decides
            return User.create(username=name, password_hash=pw_hash, email=email, role=role)
        except IntegrityError:
            raise Conflict(
                "That username is taken.", error_code="username_taken", field="username"
            ) from None
