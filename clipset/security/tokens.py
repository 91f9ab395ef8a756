"""Sign-in tokens (JWT, HS256 pinned, ``exp`` required) and signed URL tokens.

A JWT names the user by their random ``subject`` (never the row id, which a later user
could get) and carries their ``token_version``; bumping that in the database revokes every
token issued before, which is how logout, password change and deactivation take effect.
Signed URL tokens (itsdangerous) stand in for S3 presigned URLs: a ``<video>`` tag cannot
send a header, so the URL carries a short-lived token bound to user and resource.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import time

import jwt
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..errors import Forbidden, Unauthorized

ALGORITHM = "HS256"
# Signed URL tokens whose signature each signer remembers having checked.
VERIFIED_TOKENS = 4096


def derive(key: bytes, purpose: str) -> bytes:
    """A separate key per purpose, so a token for one can never pass as another."""
    return hmac.new(key, purpose.encode(), hashlib.sha256).digest()


class TokenIssuer:
    def __init__(self, keys: list[bytes], ttl: dt.timedelta):
        self._keys = [derive(k, "jwt") for k in keys]
        self.ttl = ttl

    def issue(self, subject: str, token_version: int) -> str:
        issued = dt.datetime.now(dt.timezone.utc)
        claims = {"sub": subject, "ver": token_version, "iat": issued, "exp": issued + self.ttl}
        return jwt.encode(claims, self._keys[-1], algorithm=ALGORITHM)

    def decode(self, token: str) -> tuple[str, int]:
        """(subject, token_version) of a valid token, else ``Unauthorized``."""
        for key in reversed(self._keys):
            try:
                claims = jwt.decode(
                    token, key, algorithms=[ALGORITHM], options={"require": ["exp", "iat", "sub"]}
                )
                return str(claims["sub"]), int(claims.get("ver", -1))
            except jwt.ExpiredSignatureError:
                raise Unauthorized(
                    "Your session has expired. Sign in again.", error_code="token_expired"
                ) from None
            except jwt.InvalidSignatureError:
                continue
            except (jwt.InvalidTokenError, ValueError):
                break
        raise Unauthorized("Invalid token.", error_code="invalid_token")


class UrlSigner:
    """Short-lived tokens for URLs, bound to a purpose and a payload.

    A player asks for a video range by range with one URL, so a token's signature, which
    never changes, is checked once and remembered (``VERIFIED_TOKENS`` of them); its age
    is checked on every use."""

    def __init__(self, keys: list[bytes], purpose: str):
        # itsdangerous signs with the last key and accepts all of them.
        self._serializer = URLSafeTimedSerializer([derive(k, "url") for k in keys], salt=purpose)
        self._verified: dict[str, tuple[object, int]] = {}  # token: (payload, signed at)

    def sign(self, payload) -> str:
        return self._serializer.dumps(payload)

    def verify(self, token: str, max_age: int):
        found = self._verified.get(token)
        if found is None:
            try:
                payload, signed = self._serializer.loads(token, return_timestamp=True)
            except BadSignature:
                raise Forbidden("This link is not valid.", error_code="invalid_link") from None
            if len(self._verified) >= VERIFIED_TOKENS:
                self._verified.clear()
            found = self._verified[token] = (payload, int(signed.timestamp()))
        payload, signed_at = found
        age = int(time.time()) - signed_at  # as itsdangerous counts it
        if not 0 <= age <= max_age:
            raise Forbidden("This link has expired. Reload the page.", error_code="link_expired")
        return copy.copy(payload)  # the signers' payloads are flat: scalars in a dict
