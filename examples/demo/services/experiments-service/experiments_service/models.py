"""SQLAlchemy models of the experiments tables (created by the monolith's migrations 033, 042, 058)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, SmallInteger, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Experiment(Base):
    __tablename__ = "experiments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    traffic_percent: Mapped[int] = mapped_column(SmallInteger, default=100)
    # auth user id; the FK into users is still declared (033)
    created_by: Mapped[uuid.UUID | None]


class ExperimentVariant(Base):
    __tablename__ = "experiment_variants"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    experiment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(50))
    weight: Mapped[int] = mapped_column(SmallInteger, default=50)
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class ExperimentAssignment(Base):
    __tablename__ = "experiment_assignments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    experiment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID]
    variant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("experiment_variants.id"))


class ExperimentEvent(Base):
    __tablename__ = "experiment_events"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    experiment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID]
    variant_id: Mapped[uuid.UUID | None]
    event_name: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime]


class FeatureFlag(Base):
    __tablename__ = "feature_flags"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    rollout_percent: Mapped[int] = mapped_column(SmallInteger, default=0)


class FeatureFlagOverride(Base):
    __tablename__ = "feature_flag_overrides"

    flag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feature_flags.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    enabled: Mapped[bool]
    expires_at: Mapped[datetime | None]


class RolloutChange(Base):
    __tablename__ = "feature_flag_rollout_percentage_change_history"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    feature_flag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("feature_flags.id"))
    old_percent: Mapped[int] = mapped_column(SmallInteger)
    new_percent: Mapped[int] = mapped_column(SmallInteger)
    changed_by: Mapped[uuid.UUID | None]
