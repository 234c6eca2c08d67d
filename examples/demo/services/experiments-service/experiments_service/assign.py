"""Sticky assignment: a user keeps the variant of an experiment once drawn."""

from __future__ import annotations

import hashlib
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from experiments_service.models import Experiment, ExperimentAssignment, ExperimentEvent, ExperimentVariant


def _bucket(experiment_key: str, user_id: uuid.UUID) -> int:
    digest = hashlib.sha256(f"{experiment_key}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100


def assign(session: Session, experiment_key: str, user_id: uuid.UUID) -> ExperimentVariant | None:
    experiment = session.scalars(select(Experiment).where(Experiment.key == experiment_key)).one()
    if experiment.status != "running" or _bucket(experiment.key, user_id) >= experiment.traffic_percent:
        return None
    found = session.scalars(
        select(ExperimentAssignment).where(
            ExperimentAssignment.experiment_id == experiment.id, ExperimentAssignment.user_id == user_id
        )
    ).one_or_none()
    if found is not None:
        return session.get(ExperimentVariant, found.variant_id)
    variants = session.scalars(
        select(ExperimentVariant).where(ExperimentVariant.experiment_id == experiment.id)
    ).all()
    total = sum(v.weight for v in variants) or 1
    point, variant = _bucket(experiment.key + ":variant", user_id) * total // 100, variants[0]
    for variant in variants:
        point -= variant.weight
        if point < 0:
            break
    session.add(ExperimentAssignment(experiment_id=experiment.id, user_id=user_id, variant_id=variant.id))
    return variant


def track(session: Session, experiment_id: uuid.UUID, user_id: uuid.UUID, event_name: str) -> None:
    session.add(ExperimentEvent(experiment_id=experiment_id, user_id=user_id, event_name=event_name))
