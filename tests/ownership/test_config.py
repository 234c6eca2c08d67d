"""The fkmap.toml dataclasses: what an ``[[infer.references]]`` entry matches."""

from __future__ import annotations

from model.inventory import TableRef
from ownership.config import InferRef


def test_infer_ref_matching() -> None:
    ref = InferRef("public.messages.sender_id", "auth:users")
    assert ref.matches(TableRef("db", "public", "messages"), "sender_id")
    assert not ref.matches(TableRef("db", "chat", "messages"), "sender_id")
    assert not ref.matches(TableRef("db", "public", "messages"), "sender")
    assert InferRef("*_id", "a:b").matches(TableRef("db", "s", "t"), "user_id")
