"""The one place where brainunit units are attached to and stripped from values.

Inside the jitted step, model functions see brainunit quantities in NEST's
unit for each key; the kernel stores plain arrays in those units. A unit
collapses at trace time, so it costs nothing in the compiled program.
"""

from ._brainunit import u
from .models._spec import Vars


def attach(values: dict, units: dict) -> Vars:
    """Plain arrays -> quantities, by a {name: unit or None} table."""
    return Vars({k: (v if units.get(k) is None else u.Quantity(v, unit=units[k]))
                 for k, v in values.items()})


def strip(values: dict, units: dict) -> dict:
    """Quantities -> plain arrays in the table's unit (checks the dimension)."""
    out = {}
    for k, v in values.items():
        unit = units.get(k)
        if isinstance(v, u.Quantity):
            out[k] = v.to_decimal(unit) if unit is not None else v.to_decimal()
        else:
            out[k] = v
    return out


def unit_table(decls) -> dict:
    return {d.name: d.unit for d in decls}
