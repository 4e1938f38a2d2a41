"""``nest.help(model)``: a model's page, written from its declaration (models/_spec.py).

NEST reads a model's page from its installed documentation; pynest_jax writes it from the
tables the kernel itself runs on, so that the page cannot disagree with the model: the
parameters with their units and defaults, the state, the recordables, the receptor ports,
the integration method and the declaration's own text.
"""

from __future__ import annotations

import inspect
import pydoc

from ..models._spec import GeneratorModel, NeuronModel, RecorderModel, SynapseModel
from ..models.registry import NODE_MODELS, SYNAPSE_MODELS

_INTEGRATORS = {
    "exact": "exact integration on the grid (closed-form propagators, as NEST's)",
    "euler": "NEST's explicit Euler step of the model's own update",
    "gsl_rkf45": "adaptive Runge-Kutta-Fehlberg 4(5) with GSL's step control, as NEST drives it",
}
_KINDS = {NeuronModel: "neuron", GeneratorModel: "stimulation device",
          RecorderModel: "recording device", SynapseModel: "synapse"}


def _declaration(name):
    """(declaration, the built-in model it was copied from or '') of a model name."""
    if name in NODE_MODELS:
        return NODE_MODELS[name], ""
    if name in SYNAPSE_MODELS:
        return SYNAPSE_MODELS[name], ""
    from ._kernel import kernel  # a CopyModel copy lives in the kernel only
    graph = kernel.graph
    if name in graph.models:
        base = graph.models[name].base
        return NODE_MODELS.get(base), base
    if name in graph.synapses:
        base = graph.synapses[name][2]
        return SYNAPSE_MODELS.get(base), base
    return None, ""


def _unit(unit):
    return "" if unit is None else str(unit)


def _value(v):
    if isinstance(v, str):
        return repr(v)
    if callable(v):
        return "(computed)"
    return str(v)


def _entries(title, rows, with_default=True):
    """A reStructuredText list table of declared keys."""
    rows = list(rows)
    if not rows:
        return []
    out = [title, "-" * len(title), ""]
    for r in rows:
        bits = [f"``{r.name}``"]
        if with_default:
            bits.append(f"= {_value(r.default if hasattr(r, 'default') else r.initial)}")
        unit = _unit(r.unit)
        if unit:
            bits.append(unit)
        extra = [] if r.dtype == "float" else [r.dtype]
        if getattr(r, "readonly", False):
            extra.append("read-only")
        if getattr(r, "per_port", False):
            extra.append("one per receptor port")
        if getattr(r, "offset", None):
            extra.append(f"stored relative to {r.offset}")
        line = "* " + " ".join(bits)
        if extra:
            line += f" ({', '.join(extra)})"
        if r.doc:
            line += f": {r.doc}"
        out.append(line)
    return out + [""]


def _neuron_sections(spec):
    out = []
    if isinstance(spec, NeuronModel) and spec.integrator is not None:
        cat = type(spec.integrator).category
        out += ["Integration", "-----------", "", _INTEGRATORS.get(cat, cat), ""]
    recordables = list(getattr(spec, "recordables", ()))
    recordables += [f.format("<port>") for f in getattr(spec, "port_recordables", ())]
    if recordables:
        out += ["Recordables", "-----------", "", ", ".join(f"``{r}``" for r in recordables), ""]
    if isinstance(spec, NeuronModel):
        out += ["Receptor ports", "--------------", ""]
        types_ = dict(spec.receptor_types) or dict(spec.extra_status.get("receptor_types", {}))
        if types_:
            out += [f"* ``{k}`` = {v}" for k, v in types_.items()]
        if spec.ports is not None or spec.port_list is not None:
            count = spec.ports if spec.port_list is None else f"the length of {spec.port_list}"
            out.append(f"* spike receptors 1 .. n, one per port; n is {count}")
        else:
            out.append("* spike receptors: " + ", ".join(str(r) for r in spec.spike_receptors))
        if spec.emits_spikes:
            out.append("* current receptors: "
                       + ", ".join(str(r) for r in spec.current_receptors))
        out.append("")
    if isinstance(spec, GeneratorModel):
        what = "one value per target" if spec.per_target else "the same value to all targets"
        out += ["Output", "------", "", f"{spec.event} events, {what}", ""]
    if isinstance(spec, RecorderModel):
        out += ["Records", "-------", "", "spikes" if spec.kind == "spike" else
                "samples of its targets' recordables", ""]
    return out


def _synapse_sections(spec):
    facts = [f"* has a delay: {spec.has_delay}", f"* default weight: {spec.default_weight}"]
    if spec.weight_common:
        facts.append("* the weight is common to all connections of the model")
    if spec.plastic:
        facts.append("* plastic: updated when a presynaptic spike passes through it")
    if spec.post:
        facts.append(f"* reads the postsynaptic neuron's {spec.post} archive")
    if spec.on_trigger is not None:
        facts.append("* neuromodulated: names a volume_transmitter")
    if spec.continuous_delay:
        facts.append("* its delay may lie between grid points")
    out = ["Properties", "----------", ""] + facts + [""]
    out += _entries("Per-connection parameters and state", spec.params)
    out += _entries("Common properties (one value per model, set by SetDefaults)", spec.common)
    return out


def model_text(name):
    """The page of a model by its NEST name, or None when pynest_jax has no such model."""
    spec, base = _declaration(name)
    if spec is None:
        return None
    kind = next((k for t, k in _KINDS.items() if isinstance(spec, t)), "model")
    out = [name, "=" * len(name), ""]
    out += [f"*{kind}*" + (f", a copy of ``{base}`` (CopyModel); its defaults may differ "
                           "from the ones below: see ``nest.GetDefaults``" if base else ""), ""]
    if spec.doc:
        out += [spec.doc.strip(), ""]
    if isinstance(spec, SynapseModel):
        if spec.base:
            out += [f"The ``_{spec.variant}`` variant of ``{spec.base}``.", ""]
        out += _synapse_sections(spec)
    else:
        out += _entries("Parameters", spec.params)
        out += _entries("State", (s for s in spec.state if not s.hidden))
        out += _neuron_sections(spec)
    out += ["Model functions and tables: ``pynest_jax.models.registry`` "
            f"(``{name if not base else base}``).", ""]
    return "\n".join(out)


def no_help(obj):
    print(f"\nSorry, there is no help for model '{obj}'.\n"
          "Use the Python help() function to obtain help on PyNEST functions.")


def show(obj, return_text=False):
    """NEST's ``help(obj, return_text)`` for a model name; a Python object (a function
    of the API) gets its docstring page from pydoc."""
    if isinstance(obj, str):
        text = model_text(obj)
    elif callable(obj) or inspect.ismodule(obj):
        text = pydoc.render_doc(obj, renderer=pydoc.plaintext)
    else:  # a number, a dict: no page, as in NEST
        text = None
    if text is None:
        no_help(obj)
        return None
    if return_text:
        return text
    pydoc.pager(text)
    return None
