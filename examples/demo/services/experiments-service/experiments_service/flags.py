"""Feature flags: global rollout percentage, per-user overrides, and the audit trail of rollouts."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from experiments_service.models import FeatureFlag, FeatureFlagOverride, RolloutChange


def set_rollout(session: Session, key: str, percent: int, changed_by: uuid.UUID) -> None:
    flag = session.scalars(select(FeatureFlag).where(FeatureFlag.key == key)).one()
    change = RolloutChange(feature_flag_id=flag.id, old_percent=flag.rollout_percent, new_percent=percent)
    change.changed_by = changed_by
    session.add(change)
    session.execute(update(FeatureFlag).where(FeatureFlag.id == flag.id).values(rollout_percent=percent))


def override(session: Session, flag_id: uuid.UUID, user_id: uuid.UUID, enabled: bool) -> None:
    session.merge(FeatureFlagOverride(flag_id=flag_id, user_id=user_id, enabled=enabled))
