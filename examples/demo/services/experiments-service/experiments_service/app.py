"""HTTP API of experiments-service (FastAPI)."""

from __future__ import annotations

import os
import uuid

import uvicorn
from fastapi import FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from experiments_service.assign import assign

engine = create_engine(os.environ.get("DATABASE_URL", "postgresql+psycopg://localhost/kindred_core"))
api = FastAPI(title="experiments-service")


@api.get("/experiments/{key}/variant")
def variant(key: str, user_id: uuid.UUID) -> dict[str, str | None]:
    with Session(engine) as session, session.begin():
        found = assign(session, key, user_id)
        return {"variant": found.key if found is not None else None}


def main() -> None:
    uvicorn.run(api, host="0.0.0.0", port=8000)
