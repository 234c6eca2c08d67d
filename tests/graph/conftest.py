"""The seed graph of the graph tests: present FKs only (``G``) and with dropped ones (``G_all``)."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.build import build_graph
from tests.graph.fkmap_seed import seed_inventory


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return build_graph(seed_inventory())


@pytest.fixture(scope="module")
def G_all() -> nx.MultiDiGraph:
    return build_graph(seed_inventory(), include_dropped=True)
