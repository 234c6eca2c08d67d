"""GraphML for yEd, Gephi, Cytoscape and NetworkX.

Written by NetworkX's GraphML writer from the flat graphs of
:mod:`exports._common`: node ids are stable strings (``database:schema.name``,
or the service name at service level), edge ids unique (``e1``...), and every
attribute a string, integer or boolean (booleans spelled ``true``/``false`` as
the GraphML schema wants). Control characters that XML cannot carry (all but
line breaks and tabs) are spelled ``\\xNN``. Table level is the default and includes dropped FKs.

Examples
--------
>>> import io
>>> import networkx as nx
>>> from model.inventory import ForeignKey, Inventory, Table, TableRef
>>> u, p = TableRef("a", "public", "users"), TableRef("c", "public", "posts")
>>> inv = Inventory(tables=(Table(u, service="auth"), Table(p, service="content")),
...                 foreign_keys=(ForeignKey("p_fkey", p, ("user_id",), u, ("id",)),))
>>> out = io.StringIO()
>>> write_graphml(inv, out)
>>> G = nx.read_graphml(io.BytesIO(out.getvalue().encode()), force_multigraph=True)
>>> sorted(G.nodes), G.edges["c:public.posts", "a:public.users", "e1"]["name"]
(['a:public.users', 'c:public.posts'], 'p_fkey')
"""

from __future__ import annotations

import re
from typing import Any, TextIO

import networkx as nx

from exports._common import flat_graph, prepare
from graph.scope import Scope
from model.inventory import Inventory

__all__ = ["graphml_text", "write_graphml", "xml_text"]

_BOOL_KEY = re.compile(r'<key id="(?P<id>[^"]+)" for="\w+" attr\.name="[^"]*" attr\.type="boolean"')


def xml_text(text: str) -> str:
    r"""``text`` with the characters XML 1.0 cannot carry (or that readers normalise away, ``\r``)
    spelled ``\xNN``/``\uNNNN``; line breaks and tabs stay.

    >>> xml_text("a\nb\x00c\rd")
    'a\nb\\x00c\\x0dd'
    """
    out = []
    for ch in text:
        o = ord(ch)
        if (o < 32 and ch not in "\n\t") or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF):
            out.append(f"\\x{o:02x}" if o < 256 else f"\\u{o:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _clean(value: Any) -> Any:
    return xml_text(value) if isinstance(value, str) else value


def _xml_safe(F: nx.Graph) -> nx.Graph:
    H = F.__class__()
    H.graph.update({k: _clean(v) for k, v in F.graph.items()})
    H.add_nodes_from((xml_text(n), {k: _clean(v) for k, v in d.items()}) for n, d in F.nodes(data=True))
    if F.is_multigraph():
        H.add_edges_from(
            (xml_text(u), xml_text(v), k, {a: _clean(b) for a, b in d.items()})
            for u, v, k, d in F.edges(keys=True, data=True)
        )
    else:
        H.add_edges_from(
            (xml_text(u), xml_text(v), {a: _clean(b) for a, b in d.items()}) for u, v, d in F.edges(data=True)
        )
    return H


def graphml_text(source: Inventory | nx.MultiDiGraph, *, scope: Scope | None = None) -> str:
    """The GraphML document written by :func:`write_graphml`."""
    p = prepare(source, scope, level="tables", include_dropped=True)
    text = "\n".join(nx.generate_graphml(_xml_safe(flat_graph(p)))) + "\n"
    for key in _BOOL_KEY.finditer(text):
        data = re.escape(f'<data key="{key["id"]}">')
        text = re.sub(f"({data})True<", r"\1true<", text)
        text = re.sub(f"({data})False<", r"\1false<", text)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text


def write_graphml(source: Inventory | nx.MultiDiGraph, stream: TextIO, *, scope: Scope | None = None) -> None:
    """Write the scoped graph as GraphML (UTF-8 text)."""
    stream.write(graphml_text(source, scope=scope))
