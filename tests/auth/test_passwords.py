"""Passwords are kept only as Argon2 hashes."""

from __future__ import annotations

import pytest

from yigai.auth.passwords import hash_password, verify
from yigai.errors import Invalid


def test_the_hash_is_argon2id_and_does_not_contain_the_password() -> None:
    stored = hash_password("村医口令-2026")
    assert stored.startswith("$argon2id$")
    assert "村医口令" not in stored


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    stored = hash_password("correct horse")
    assert verify(stored, "correct horse")
    assert not verify(stored, "correct horsE")


def test_a_malformed_hash_never_verifies() -> None:
    assert not verify("not-a-hash", "anything at all")


def test_a_short_password_is_refused() -> None:
    with pytest.raises(Invalid, match="8"):
        hash_password("short")
