"""``nest.spatial_distributions``: distance-dependent profiles (PyNEST's nest/spatial_distributions)."""

from pynest_jax.spatial.parameters import exponential, gabor, gamma, gaussian, gaussian2D

__all__ = ["exponential", "gaussian", "gaussian2D", "gamma", "gabor"]
