"""Signed URL tokens: a token checked once is remembered, and still ages like any other."""

from __future__ import annotations

import time

import pytest

from clipset.errors import Forbidden
from clipset.security.tokens import UrlSigner


def code(call) -> str:
    with pytest.raises(Forbidden) as caught:
        call()
    return caught.value.error_code


def test_a_remembered_token_still_expires(monkeypatch):
    signer = UrlSigner([b"k" * 32], "media")
    token = signer.sign({"v": "abc", "k": "video"})
    assert signer.verify(token, 60) == {"v": "abc", "k": "video"}
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 61)
    assert code(lambda: signer.verify(token, 60)) == "link_expired"
    assert signer.verify(token, 3600) == {"v": "abc", "k": "video"}  # a longer-lived kind


def test_callers_cannot_change_a_remembered_payload():
    signer = UrlSigner([b"k" * 32], "media")
    token = signer.sign({"v": "abc"})
    signer.verify(token, 60)["v"] = "other"
    assert signer.verify(token, 60) == {"v": "abc"}


def test_tampered_and_foreign_tokens_are_refused_every_time():
    signer = UrlSigner([b"k" * 32], "media")
    token = signer.sign({"v": "abc"})
    i = len(token) - 10
    tampered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
    foreign = UrlSigner([b"k" * 32], "upload").sign({"v": "abc"})
    for _ in range(2):
        assert code(lambda: signer.verify(tampered, 60)) == "invalid_link"
        assert code(lambda: signer.verify(foreign, 60)) == "invalid_link"
