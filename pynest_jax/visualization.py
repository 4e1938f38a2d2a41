"""Drawing of a network's connection graph (``nest.visualization``).

``plot_network`` as in PyNEST 3.10's ``nest/visualization.py``: one graph node per node ID,
one edge per connection leaving the given nodes, laid out left to right by Graphviz via
``pydot`` and written to a PDF or PNG file.

NEST imports ``pydot`` when the module is loaded, so without ``pydot`` even
``nest.visualization`` fails with ``ModuleNotFoundError``. Here the module loads without
it and ``plot_network`` raises that same ``ModuleNotFoundError`` when called.
"""

import sys

__all__ = [
    "plot_network",
]


def _nest():
    """The PyNEST-compatible module these functions talk to (tests swap in real NEST)."""
    return sys.modules["pynest_jax"]


def plot_network(nodes, filename, ext_conns=False, plot_modelnames=False):
    """Write the graph of ``nodes`` and the connections leaving them to ``filename``.

    Parameters
    ----------
    nodes : NodeCollection
        The nodes whose outgoing connections are drawn (with their targets).
    filename : str
        Output file; its extension, ``.pdf`` or ``.png``, picks the format.
    ext_conns, plot_modelnames : bool
        Not implemented in NEST 3.10 either; ``True`` raises ``NotImplementedError``.

    Raises
    ------
    ModuleNotFoundError
        If ``pydot`` is not installed.
    TypeError
        If ``nodes`` is not a ``NodeCollection``.
    ValueError
        If ``nodes`` is empty or ``filename`` ends in neither ``.pdf`` nor ``.png``.
    """
    import pydot

    nest = _nest()
    if not isinstance(nodes, nest.NodeCollection):
        raise TypeError("plot_network needs a NodeCollection as 'nodes'.")
    if len(nodes) == 0:
        raise ValueError("plot_network needs at least one node.")
    if ext_conns:
        raise NotImplementedError("ext_conns")
    if plot_modelnames:
        raise NotImplementedError("plot_modelnames")

    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    writers = {"pdf": "write_pdf", "png": "write_png"}
    if extension not in writers:
        raise ValueError(f"plot_network writes '.png' or '.pdf' files, not {filename!r}.")

    conns = nest.GetConnections(nodes)
    graph = pydot.Dot(rankdir="LR", ranksep="5")
    for source, target in zip(conns.sources(), conns.targets()):
        graph.add_edge(pydot.Edge(str(source), str(target)))
    getattr(graph, writers[extension])(filename)
