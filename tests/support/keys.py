"""Fernet keys for tests (made once with ``studiocore keys generate``; they
protect nothing). The contract suite's SQL databases encrypt with
:data:`TEST_SECRET_KEYS`, so every test that stores a platform's ``api_config``
exercises the encryption."""

from __future__ import annotations

__all__ = ["OTHER_SECRET_KEY", "TEST_SECRET_KEY", "TEST_SECRET_KEYS"]

TEST_SECRET_KEY = "t5eTfKk0btg_TyyDgU8ezoSeNSns4vbaqHuz8ZQ7tuI="
OTHER_SECRET_KEY = "SlNKuvm4nVS3Ws6R3ypUo18H7DO9iVJkuchFEiP5ZCM="
TEST_SECRET_KEYS = (TEST_SECRET_KEY,)
