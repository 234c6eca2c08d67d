"""Audience targeting. New-user experiments still read auth's users table
directly (a shared table: P0 consolidation, phase 4 replaces it with the
user.created event)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

NEW_USERS = text(
    "SELECT id FROM users WHERE created_at >= :since AND deleted_at IS NULL AND is_private = false"
)


def new_users_since(session: Session, since: datetime) -> list[uuid.UUID]:
    return list(session.scalars(NEW_USERS, {"since": since}))
