"""Small migration repositories for ``fkmap init`` and the ownership parts of ``fkmap scan``.

Each is a ``{relative path: SQL}`` mapping; :func:`write_repo` writes one under a folder.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import networkx as nx

from graph.build import build_graph
from model.inventory import Inventory

#: One folder per service, external references into auth's users.
SERVICES_LAYOUT = {
    "services/auth/migrations/001_init.sql": """\
CREATE TABLE users (id UUID PRIMARY KEY, email TEXT);
CREATE TABLE sessions (id UUID PRIMARY KEY, user_id UUID REFERENCES users(id) ON DELETE CASCADE);
""",
    "services/content/migrations/001_posts.sql": """\
CREATE TABLE posts (id UUID PRIMARY KEY, user_id UUID NOT NULL REFERENCES users(id));
CREATE TABLE comments (id UUID PRIMARY KEY, post_id UUID REFERENCES posts(id) ON DELETE CASCADE);
""",
    "services/billing/db/001_invoices.sql": """\
CREATE TABLE invoices (id UUID PRIMARY KEY, user_id UUID REFERENCES users(id));
""",
}

#: A shared monolith folder whose file names name the services; two tables nobody owns.
SHARED_MONOLITH = {
    "services/auth/migrations/001_init.sql": "CREATE TABLE accounts (id INT PRIMARY KEY);\n",
    "services/chat/migrations/001_init.sql": "CREATE TABLE rooms (id INT PRIMARY KEY);\n",
    "db/migrations/001_auth_users.sql": """\
CREATE TABLE users (id INT PRIMARY KEY);
CREATE TABLE tokens (id INT PRIMARY KEY, user_id INT REFERENCES users(id));
""",
    "db/migrations/002_chat_messages.sql": """\
CREATE TABLE messages (id INT PRIMARY KEY, sender_id INT REFERENCES users(id));
""",
    "db/migrations/003_misc.sql": """\
CREATE TABLE settings (id INT PRIMARY KEY);
CREATE TABLE notes (
    id INT PRIMARY KEY, setting_id INT REFERENCES settings(id), user_id INT REFERENCES users(id)
);
""",
}

#: One migration set, one schema per service (Supabase style), app tables in public.
SCHEMA_PER_SERVICE = {
    "supabase/migrations/20240101_init.sql": """\
CREATE SCHEMA auth;
CREATE SCHEMA storage;
CREATE TABLE auth.users (id UUID PRIMARY KEY);
CREATE TABLE auth.sessions (id UUID PRIMARY KEY, user_id UUID REFERENCES auth.users(id));
CREATE TABLE storage.buckets (id TEXT PRIMARY KEY, owner UUID REFERENCES auth.users(id));
CREATE TABLE storage.objects (id UUID PRIMARY KEY, bucket_id TEXT REFERENCES storage.buckets(id));
""",
    "supabase/migrations/20240102_app.sql": """\
CREATE TABLE profiles (id UUID PRIMARY KEY REFERENCES auth.users(id));
""",
}

#: chat keeps a local copy of auth's users.
REPLICA = {
    "services/auth/migrations/001_init.sql": "CREATE TABLE users (id UUID PRIMARY KEY, email TEXT);\n",
    "services/chat/migrations/001_init.sql": """\
CREATE TABLE users (id UUID PRIMARY KEY, name TEXT);
CREATE TABLE messages (id UUID PRIMARY KEY, sender_id UUID REFERENCES users(id) ON DELETE CASCADE);
""",
}

#: The same, and billing references a users table it never creates: auth's or chat's, it cannot tell.
REPLICA_AMBIGUOUS = {
    **REPLICA,
    "services/billing/migrations/001_init.sql": """\
CREATE TABLE invoices (id UUID PRIMARY KEY, user_id UUID REFERENCES users(id));
""",
}

REPOS: dict[str, Mapping[str, str]] = {
    "services-layout": SERVICES_LAYOUT,
    "shared-monolith": SHARED_MONOLITH,
    "schema-per-service": SCHEMA_PER_SERVICE,
    "replica": REPLICA,
    "replica-ambiguous": REPLICA_AMBIGUOUS,
}


def write_repo(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``files`` under ``root`` (created) and return it."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def ownership_view(inv: Inventory) -> tuple[dict[str, tuple[str, str]], dict[tuple[str, str], bool]]:
    """``({table: (service, replica_of)}, {(table, fk name): cross_service})`` as the reports see them."""
    G: nx.MultiDiGraph = build_graph(inv, include_dropped=True)
    cross = {(str(d["fk"].table), d["fk"].name): d["cross_service"] for _, _, d in G.edges(data=True)}
    return {str(t.ref): (t.service, t.replica_of) for t in inv.tables}, cross
