"""The networkx table graph: build, analysis, impact (one service's coupling), scope (what a view shows)."""
