"""First-run setup, registration, sign-in and the signed-in user's account."""

from __future__ import annotations

from flask import Blueprint, g, request
from pydantic import Field

from ..security.passwords import MIN_LENGTH
from ..services.accounts import USERNAME_MAX, USERNAME_PATTERN
from .access import client_address, services
from .endpoint import PUBLIC, endpoint
from .schemas import Email, In, Out, SessionOut, UserOut

bp = Blueprint("accounts", __name__, url_prefix="/api")

Username = Field(min_length=1, max_length=32)
Password = Field(min_length=1, max_length=1024)
# What a new account's name and password must be (services/accounts.py decides; the
# document says the same, so clients can check before sending).
NewUsername = Field(pattern=USERNAME_PATTERN, max_length=USERNAME_MAX + 64)
NewPassword = Field(min_length=MIN_LENGTH, max_length=1024)


class SetupState(Out):
    needs_setup: bool
    setup_code_required: bool = Field(
        description="Whether setup from this browser needs "
        "the setup code shown on the host (in "
        "the log and the tray menu)."
    )


class NewAccount(In):
    username: str = NewUsername
    password: str = NewPassword
    email: str | None = Email


class SetupIn(NewAccount):
    setup_code: str | None = Field(
        None, max_length=32, description="Needed away from the computer that runs Clipset."
    )


class RegisterIn(NewAccount):
    invitation_token: str = Field(min_length=1, max_length=128)


class LoginIn(In):
    username: str = Username
    password: str = Password


class PasswordIn(In):
    current_password: str = Password
    new_password: str = NewPassword


@endpoint(bp, "/setup", response=SetupState, auth=PUBLIC)
def setup_state():
    """Whether Clipset still needs its first admin."""
    accounts = services().accounts
    needs = accounts.needs_setup()
    return {
        "needs_setup": needs,
        "setup_code_required": needs
        and accounts.setup_code_required(client_address(), request.host),
    }


@endpoint(
    bp,
    "/setup",
    "POST",
    body=SetupIn,
    response=SessionOut,
    status=201,
    auth=PUBLIC,
    errors=(403, 409, 429),
)
def setup(body: SetupIn):
    """Create the first admin (only while no user exists).

    From a browser on the computer that runs Clipset nothing more is needed; from
    anywhere else (or by a name that is not this computer's) also `setup_code`."""
    return services().accounts.setup(
        body.username,
        body.password,
        body.email,
        client=client_address(),
        host=request.host,
        code=body.setup_code,
    )


@endpoint(
    bp,
    "/auth/register",
    "POST",
    body=RegisterIn,
    response=SessionOut,
    status=201,
    auth=PUBLIC,
    errors=(404, 409),
)
def register(body: RegisterIn):
    """Create an account with an invitation."""
    return services().accounts.register(
        body.invitation_token, body.username, body.password, body.email
    )


@endpoint(
    bp,
    "/auth/login",
    "POST",
    body=LoginIn,
    response=SessionOut,
    auth=PUBLIC,
    errors=(401, 403, 429),
)
def login(body: LoginIn):
    """Sign in; repeated failures are rate limited per client and per username."""
    return services().accounts.login(body.username, body.password, client_address())


@endpoint(bp, "/auth/me", response=UserOut)
def me():
    """The signed-in user."""
    return g.user


@endpoint(bp, "/auth/logout", "POST", status=204)
def logout():
    """Sign out everywhere: every token of this user stops working."""
    services().accounts.logout(g.user)


@endpoint(bp, "/auth/password", "PATCH", body=PasswordIn, response=SessionOut, errors=(403,))
def change_password(body: PasswordIn):
    """Change password; other sessions end, the returned token continues this one."""
    return services().accounts.change_password(g.user, body.current_password, body.new_password)
