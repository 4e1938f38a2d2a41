"""The NEST version whose PyNEST API this package provides."""

__version__ = "3.10.0"
