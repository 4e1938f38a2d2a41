"""PyNEST's spatial plots: PlotLayer, PlotTargets, PlotSources, PlotProbabilityParameter.

Drawn with matplotlib from the layer's positions and the connections, as PyNEST
draws them (the same artists in the same order, so scripts that read the axes back
find what they find with NEST).
"""

from __future__ import annotations

import numpy as np

from .nodecollection import NodeCollection
from .spatial import GetPosition, GetSourcePositions, GetTargetPositions

__all__ = ["PlotLayer", "PlotTargets", "PlotSources", "PlotProbabilityParameter"]


def _plt():
    import matplotlib.pyplot as plt
    return plt


def _axes(fig, three_d=False):
    plt = _plt()
    if fig is None:
        fig = plt.figure()
        return fig, fig.add_subplot(111, projection="3d") if three_d else fig.add_subplot(111)
    return fig, fig.gca()


def _frame(ax, center, extent):
    """The layer's outline, equal aspect, 5 % margin, no ticks."""
    plt = _plt()
    (cx, cy), (ex, ey) = center, extent
    llx, lly = cx - ex / 2.0, cy - ey / 2.0
    ax.add_patch(plt.Rectangle((llx, lly), ex, ey, fc="none", ec="0.5", lw=1, zorder=1))
    ax.set(aspect="equal", xlim=(llx - 0.05 * ex, llx + ex + 0.05 * ex),
           ylim=(lly - 0.05 * ey, lly + ey + 0.05 * ey), xticks=tuple(), yticks=tuple())


def PlotLayer(layer, fig=None, nodecolor="b", nodesize=20):
    """Scatter the nodes of a 2-D or 3-D layer (2-D with the layer's outline); the figure."""
    if not isinstance(layer, NodeCollection):
        raise TypeError("layer must be a NodeCollection.")
    ext = layer.spatial["extent"]
    pos = np.atleast_2d(np.asarray(GetPosition(layer), float))
    if len(ext) == 2:
        fig, ax = _axes(fig)
        ax.scatter(pos[:, 0], pos[:, 1], s=nodesize, facecolor=nodecolor)
        _frame(ax, layer.spatial["center"], ext)
    elif len(ext) == 3:
        fig, ax = _axes(fig, three_d=True)
        ax.scatter(pos[:, 0], pos[:, 1], pos[:, 2], s=nodesize, c=nodecolor)
        _plt().draw_if_interactive()
    else:
        raise ValueError("unexpected dimension of layer")
    return fig


def _plot_partners(node, layer, partner_pos, fig, mask, probability_parameter, node_color, node_size,
                   color, size, mask_color, cmap):
    if not isinstance(node, NodeCollection) or len(node) != 1:
        raise TypeError("src_nrn must be a single element NodeCollection.")
    if not isinstance(layer, NodeCollection):
        raise TypeError("tgt_layer must be a NodeCollection.")
    own = GetPosition(node)
    ext = layer.spatial["extent"]
    positions = partner_pos()
    if len(ext) == 2:
        fig, ax = _axes(fig)
        if positions and positions[0]:
            xy = np.asarray(positions[0])
            ax.scatter(xy[:, 0], xy[:, 1], s=size, facecolor=color)
        ax.scatter(own[:1], own[1:], s=node_size, facecolor=node_color, alpha=0.4, zorder=-10)
        cx, cy = layer.spatial["center"]
        if mask is not None or probability_parameter is not None:
            PlotProbabilityParameter(node, probability_parameter, mask=mask,
                                     edges=[cx - ext[0], cx + ext[0], cy - ext[1], cy + ext[1]], ax=ax,
                                     prob_cmap=cmap, mask_color=mask_color)
        _frame(ax, (cx, cy), ext)
    else:
        fig, ax = _axes(fig, three_d=True)
        if positions and positions[0]:
            xyz = np.asarray(positions[0])
            ax.scatter3D(xyz[:, 0], xyz[:, 1], xyz[:, 2], s=size, facecolor=color)
        ax.scatter3D(own[:1], own[1:2], own[2:], s=node_size, facecolor=node_color, alpha=0.4, zorder=-10)
    _plt().draw_if_interactive()
    return fig


def PlotTargets(src_nrn, tgt_layer, syn_type=None, fig=None, mask=None, probability_parameter=None,
                src_color="red", src_size=50, tgt_color="blue", tgt_size=20, mask_color="yellow",
                probability_cmap="Greens"):
    """The targets of one source in ``tgt_layer``, with the mask and the probability if given."""
    return _plot_partners(src_nrn, tgt_layer, lambda: GetTargetPositions(src_nrn, tgt_layer, syn_type),
                          fig, mask, probability_parameter, src_color, src_size, tgt_color, tgt_size,
                          mask_color, probability_cmap)


def PlotSources(src_layer, tgt_nrn, syn_type=None, fig=None, mask=None, probability_parameter=None,
                tgt_color="red", tgt_size=50, src_color="blue", src_size=20, mask_color="yellow",
                probability_cmap="Greens"):
    """The sources of one target in ``src_layer``, with the mask and the probability if given."""
    return _plot_partners(tgt_nrn, src_layer, lambda: GetSourcePositions(src_layer, tgt_nrn, syn_type),
                          fig, mask, probability_parameter, tgt_color, tgt_size, src_color, src_size,
                          mask_color, probability_cmap)


def PlotProbabilityParameter(source, parameter=None, mask=None, edges=[-0.5, 0.5, -0.5, 0.5],
                             shape=[100, 100], ax=None, prob_cmap="Greens", mask_color="yellow"):
    """The parameter's values from ``source`` over a grid of positions (clipped to [0, 1]),
    and the mask's outline."""
    plt = _plt()
    if parameter is None and mask is None:
        raise ValueError("At least one of parameter or mask must be specified")
    if ax is None:
        _, ax = plt.subplots()
    ax.set_xlim(*edges[:2])
    ax.set_ylim(*edges[2:])
    if parameter is not None:
        xs = np.linspace(edges[0], edges[1], shape[0])
        ys = np.linspace(edges[2], edges[3], shape[1])
        grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)  # row j: y_j, all x
        z = np.asarray(parameter.apply(source, [list(p) for p in grid])).reshape(len(ys), len(xs))
        img = ax.imshow(np.clip(z, 0.0, 1.0), extent=edges, origin="lower", cmap=prob_cmap, vmin=0.0, vmax=1.0)
        plt.colorbar(img, ax=ax, fraction=0.046, pad=0.04)
    if mask is not None:
        for patch in _mask_patches(mask, source.spatial["edge_wrap"], source.spatial["extent"],
                                   np.asarray(GetPosition(source), float), mask_color):
            patch.set_zorder(0.5)
            ax.add_patch(patch)


def _mask_patches(mask, periodic, extent, source_pos, face_color):
    """One patch at the source (plus the anchor) and, on a periodic layer, its 8 copies
    one extent away."""
    import matplotlib as mpl
    plt = _plt()
    style = dict(fc=face_color, ec="black", alpha=0.2, lw=2)
    offset = np.asarray(mask.get("anchor", [0.0, 0.0]), float)

    def at(center):
        if "circular" in mask:
            return plt.Circle(center, radius=mask["circular"]["radius"], **style)
        if "doughnut" in mask:
            d = mask["doughnut"]
            t = np.arange(0, np.pi * 2.0, 0.01)[:, None]
            ring = np.hstack((np.cos(t), np.sin(t)))
            verts = np.concatenate([d["outer_radius"] * ring[::-1], d["inner_radius"] * ring]) + center
            codes = np.full(len(ring), mpl.path.Path.LINETO, dtype=mpl.path.Path.code_type)
            codes[0] = mpl.path.Path.MOVETO
            return mpl.patches.PathPatch(mpl.path.Path(verts, np.concatenate([codes, codes])), **style)
        if "rectangular" in mask:
            r = mask["rectangular"]
            ll, ur = np.asarray(r["lower_left"], float), np.asarray(r["upper_right"], float)
            corner = center + ll
            patch = plt.Rectangle(corner, *(ur - ll), **style)
            mid = corner + (ur - ll) / 2
            patch.set_transform(mpl.transforms.Affine2D().rotate_deg_around(
                mid[0], mid[1], r.get("azimuth_angle", 0.0)) + plt.gca().transData)
            return patch
        if "elliptical" in mask:
            e = mask["elliptical"]
            return mpl.patches.Ellipse(center + np.asarray(e.get("anchor", [0.0, 0.0]), float),
                                       e["major_axis"], e["minor_axis"], angle=e.get("azimuth_angle", 0.0),
                                       **style)
        raise ValueError("Mask type cannot be plotted with this version of PyNEST.")

    centers = [source_pos + offset]
    if periodic:
        ext = np.asarray(extent, float)[:2]
        centers += [centers[0] + ext * (i, j) for i, j in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, -1),
                                                           (-1, 1), (1, 1), (-1, -1))]
    return [at(c) for c in centers]
