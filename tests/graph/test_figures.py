"""The service cycles of the headline figures, counted without networkx, agree with networkx's count."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph.figures import service_cycle_count


@pytest.mark.parametrize("seed", range(40))
def test_the_cycle_count_is_networkx_s(seed: int) -> None:
    rng = random.Random(seed)
    names = [f"s{i}" for i in range(rng.randint(1, 12))]
    edges = {(rng.choice(names), rng.choice(names)) for _ in range(rng.randint(0, 30))}
    G = nx.DiGraph(list(edges))
    expected = sum(1 for c in nx.strongly_connected_components(G) if len(c) > 1)
    assert service_cycle_count(sorted(edges)) == expected


def test_a_long_chain_is_no_recursion_problem() -> None:
    chain = [(f"s{i}", f"s{i + 1}") for i in range(5000)]
    assert service_cycle_count(chain) == 0
    assert service_cycle_count([*chain, ("s5000", "s0")]) == 1
