"""NEST's ``Parameter`` objects as host-side numpy expression trees.

A Parameter is a tree whose leaves are constants or random distributions and
whose inner nodes are arithmetic, comparisons, ``exp``/``sin``/``cos``,
``min``/``max``, ``pow``, ``conditional`` and ``redraw`` (NEST's
nestkernel/parameter.h).  NEST asks a tree for one value at a time and every
call re-evaluates every leaf, so two uses of the same random leaf give
independent values.  Here ``evaluate(n, rng)`` asks for ``n`` such values at
once: each leaf draws ``n`` independent numbers, which is the same joint
distribution NEST produces, vectorised.

``ctx`` carries, for spatial parameters (``pynest_jax/spatial/parameters.py``), the
positions of the source/target (or node) of each of the ``n`` values and offers
``ctx.subset(index_array)`` (used by ``redraw``).  Non-spatial trees ignore it.
"""

import numpy as np

from pynest_jax.errors import NESTErrors

__all__ = [
    "Parameter",
    "create_parameter",
    "as_parameter",
    "set_default_rng",
    "uniform",
    "uniform_int",
    "normal",
    "lognormal",
    "exponential",
    "exp",
    "sin",
    "cos",
    "min",
    "max",
    "redraw",
    "conditional",
]

# NEST's RedrawParameter gives up after this many draws of one value (parameter.cpp).
MAX_REDRAWS = 1000

# GetValue() draws from the kernel's rank-synchronised generator in NEST; until the kernel
# owns one, a module-level generator stands in.  The kernel replaces it on ResetKernel /
# rng_seed changes through set_default_rng().
_default_rng = np.random.default_rng(143202461)  # NEST's default rng_seed


def set_default_rng(rng):
    """Replace the generator used by ``Parameter.GetValue()``."""
    global _default_rng
    _default_rng = rng


def _binary(op):
    """The operator method that builds ``self op other`` (other a Parameter or a number)."""
    def method(self, other):
        return _Binary(op, self, _operand(other))
    return method


class Parameter:
    """Base of every parameter expression; build them with the factory functions."""

    # Makes numpy scalars on the left (``np.float64(2) * p``) defer to our reflected
    # operators, as they do with PyNEST's Parameter.
    __array_ufunc__ = None

    def _children(self):
        return ()

    def evaluate(self, n, rng, ctx=None):
        """``n`` independent values as a float64 array."""
        raise NotImplementedError

    def operand(self, n, rng, ctx=None):
        """``evaluate`` for an inner node that only reads the values: (values, owned);
        ``owned``: a temporary of this evaluation, which the reader may overwrite with
        its own result (one array where there were two: a leaf that holds its values,
        a Connect's distances, hands them over without the copy ``evaluate`` makes)."""
        return self.evaluate(n, rng, ctx), False

    def is_spatial(self):
        """Whether the expression depends on node positions (then it has values only in Connect)."""
        return any(c.is_spatial() for c in self._children())

    def GetValue(self):
        """One value drawn from the expression (NEST's Parameter.GetValue); a spatial one raises."""
        if self.is_spatial():
            # NEST: spatial parameters only have values when connecting.
            raise NESTErrors.BadParameterValue("Spatial parameters can only be used when connecting.")
        return float(self.evaluate(1, _default_rng)[0])

    def __repr__(self):
        return f"<Parameter {self}>"

    # Operators mirror PyNEST's hl_api_types.Parameter, including how the reflected ones
    # are composed (2 - p is p * -1 + 2, 2 / p is p ** -1 * 2), so values round as NEST's.
    __add__, __sub__, __mul__, __truediv__ = (_binary(op) for op in "+-*/")
    # comparisons build Parameters too (the conditions of nest.logic.conditional)
    __lt__, __le__, __eq__, __ne__, __ge__, __gt__ = (
        _binary(op) for op in ("<", "<=", "==", "!=", ">=", ">"))

    def __radd__(self, lhs):
        return self + lhs

    def __rsub__(self, lhs):
        return self * (-1) + lhs

    def __pos__(self):
        return self

    def __neg__(self):
        return self * (-1)

    def __rmul__(self, lhs):
        return self * lhs

    def __rtruediv__(self, lhs):
        return self**-1 * lhs

    def __pow__(self, exponent):
        # float() refuses a Parameter exponent with TypeError, as PyNEST does.
        return _Unary("pow", self, float(exponent))

    __hash__ = None  # == builds a Parameter, so Parameters are unhashable (as in PyNEST)


def _operand(arg):
    """PyNEST's ``_arg_as_parameter``: Parameters and Python numbers only."""
    if isinstance(arg, Parameter):
        return arg
    if isinstance(arg, (int, float)):  # includes bool and np.float64, excludes np.int64
        return Constant(float(arg))
    raise NotImplementedError()


def as_parameter(value):
    """A Parameter for ``value`` (Parameter or number); used by connection rules."""
    return value if isinstance(value, Parameter) else Constant(float(value))


class Constant(Parameter):
    def __init__(self, value):
        self.value = float(value)

    def evaluate(self, n, rng, ctx=None):
        return np.full(n, self.value)

    def __str__(self):
        return repr(self.value)


# Samplers in NEST's parametrisation (parameter.h / parameter.cpp).
_SAMPLERS = {
    # lower + drand() * (max - min), drand in [0, 1)
    "uniform": lambda rng, n, a: _in_place(np.add, _in_place(np.multiply, rng.random(n),
                                                               a["max"] - a["min"]), a["min"]),
    # ulrand(max): integers in [0, max), returned as doubles
    "uniform_int": lambda rng, n, a: rng.integers(0, a["max"], n).astype(np.float64),
    "normal": lambda rng, n, a: rng.normal(a["mean"], a["std"], n),
    # mean/std are those of the underlying normal (std::lognormal_distribution)
    "lognormal": lambda rng, n, a: rng.lognormal(a["mean"], a["std"], n),
    # beta * -log(1 - drand()): scale parameterisation
    "exponential": lambda rng, n, a: a["beta"] * rng.standard_exponential(n),
}


class _Random(Parameter):
    def __init__(self, name, args):
        self.name = name
        self.args = dict(args)

    def evaluate(self, n, rng, ctx=None):
        return _SAMPLERS[self.name](rng, n, self.args)

    def __str__(self):
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.name}({inner})"


def _in_place(op, x, y):
    """``op(x, y)`` into ``x`` (a temporary float64 array; ``y`` a number or an array of
    its shape): the same values as a new array, one allocation less."""
    return op(x, y, out=x)


def _owned_out(values, owned, shape):
    """The owned float64 operand among ``values`` that may take the result (float64, of
    ``shape``) of an operation on them, else None."""
    if np.result_type(*values) != np.float64:
        return None
    for v, own in zip(values, owned):
        if own and isinstance(v, np.ndarray) and v.dtype == np.float64 and v.ndim and v.shape == shape:
            return v
    return None


def _compare(op):
    return lambda a, b: op(a, b).astype(np.float64)


_BINARY = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
    # ComparingParameter: comparator 0..5, yields 1.0 / 0.0
    "<": _compare(np.less),
    "<=": _compare(np.less_equal),
    "==": _compare(np.equal),
    "!=": _compare(np.not_equal),
    ">=": _compare(np.greater_equal),
    ">": _compare(np.greater),
}


class _Binary(Parameter):
    def __init__(self, op, a, b):
        self.op, self.a, self.b = op, a, b

    def _children(self):
        return (self.a, self.b)

    def evaluate(self, n, rng, ctx=None):
        return self.operand(n, rng, ctx)[0]

    def operand(self, n, rng, ctx=None):
        a, b = self.a, self.b
        # a constant operand enters as a scalar (the same values, no column of n copies)
        one = isinstance(a, Constant) != isinstance(b, Constant)
        av, a_own = (a.value, False) if one and isinstance(a, Constant) else a.operand(n, rng, ctx)
        bv, b_own = (b.value, False) if one and isinstance(b, Constant) else b.operand(n, rng, ctx)
        op = _BINARY[self.op]
        out = None
        if isinstance(op, np.ufunc) and (a_own or b_own):  # arithmetic: the result may reuse one
            out = _owned_out((av, bv), (a_own, b_own), np.broadcast_shapes(np.shape(av), np.shape(bv)))
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = op(av, bv) if out is None else op(av, bv, out=out)
        return r, isinstance(r, np.ndarray)

    def __str__(self):
        return f"{_wrap(self.a)} {self.op} {_wrap(self.b)}"


def _wrap(p):
    infix = isinstance(p, _Binary) or (isinstance(p, _Unary) and p.name == "pow")
    return f"({p})" if infix else str(p)


# Unary nodes with an optional float argument (ExpParameter, SinParameter, CosParameter,
# PowParameter, MinParameter, MaxParameter).
_UNARY = {"exp": np.exp, "sin": np.sin, "cos": np.cos, "pow": np.power, "min": np.minimum,
          "max": np.maximum}


class _Unary(Parameter):
    def __init__(self, name, p, value=None):
        self.name, self.p, self.value = name, p, value

    def _children(self):
        return (self.p,)

    def evaluate(self, n, rng, ctx=None):
        return self.operand(n, rng, ctx)[0]

    def operand(self, n, rng, ctx=None):
        x, own = self.p.operand(n, rng, ctx)
        args = (x,) if self.value is None else (x, self.value)
        out = _owned_out(args, (own, False), np.shape(x)) if own else None
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            r = _UNARY[self.name](*args) if out is None else _UNARY[self.name](*args, out=out)
        return r, isinstance(r, np.ndarray)

    def __str__(self):
        if self.name == "pow":
            return f"{_wrap(self.p)} ** {self.value!r}"
        if self.value is None:
            return f"{self.name}({self.p})"
        return f"{self.name}({self.p}, {self.value!r})"


class _Conditional(Parameter):
    """ConditionalParameter: a nonzero condition picks ``if_true``.

    NEST evaluates only the chosen branch; evaluating both and selecting gives the
    same distribution because branches draw independently of the condition.
    """

    def __init__(self, condition, if_true, if_false):
        self.condition, self.if_true, self.if_false = condition, if_true, if_false

    def _children(self):
        return (self.condition, self.if_true, self.if_false)

    def evaluate(self, n, rng, ctx=None):
        cond = self.condition.evaluate(n, rng, ctx)
        return np.where(cond != 0, self.if_true.evaluate(n, rng, ctx), self.if_false.evaluate(n, rng, ctx))

    def __str__(self):
        return f"conditional({self.condition}, {self.if_true}, {self.if_false})"


class _Redraw(Parameter):
    """RedrawParameter: redraw values outside [min, max] (NaN is kept, as in NEST)."""

    def __init__(self, p, lo, hi):
        self.p, self.lo, self.hi = p, lo, hi

    def _children(self):
        return (self.p,)

    def evaluate(self, n, rng, ctx=None):
        values = np.array(self.p.evaluate(n, rng, ctx), dtype=np.float64)
        bad = np.flatnonzero((values < self.lo) | (values > self.hi))
        draws = 1
        while bad.size:
            if draws == MAX_REDRAWS:
                raise NESTErrors.KernelException(f"Number of redraws exceeded limit of {MAX_REDRAWS}")
            new = self.p.evaluate(bad.size, rng, None if ctx is None else ctx.subset(bad))
            values[bad] = new
            bad = bad[(new < self.lo) | (new > self.hi)]
            draws += 1
        return values

    def __str__(self):
        return f"redraw({self.p}, min={self.lo!r}, max={self.hi!r})"


# ---- CreateParameter ---------------------------------------------------------------

# Non-spatial types: key -> (default, kind).  A default of None means required.
_TYPES = {
    "constant": {"value": (None, "double")},
    "uniform": {"min": (0.0, "double"), "max": (1.0, "double")},
    "uniform_int": {"max": (1, "long")},
    "normal": {"mean": (0.0, "double"), "std": (1.0, "double")},
    "lognormal": {"mean": (0.0, "double"), "std": (1.0, "double")},
    "exponential": {"beta": (1.0, "double")},
}
# pynest_jax.spatial.parameters registers its factory of the spatial types here.
SPATIAL_FACTORY = None
_SPATIAL_TYPES = {"position", "distance", "gaussian", "gaussian2d", "gamma", "exp_distribution", "gabor"}


def _read(specs, key, default, kind):
    if key not in specs:
        if default is None:
            raise IndexError(f"parameter specification lacks required key '{key}'")  # NEST: map::at
        return default
    v = specs[key]
    if kind == "long":
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            # NEST 3.10 raises a plain RuntimeError here.
            raise RuntimeError(f"The dictionary value with key {key} does not hold a numeric integer type.")
        return int(v)
    if isinstance(v, (bool, int, float, np.integer, np.floating)):
        return float(v)
    raise NESTErrors.TypeMismatch(f"Expected datatype: Failed to cast '{key}' to type double.")


def create_parameter(parametertype, specs):
    """``nest.CreateParameter(parametertype, specs)`` for the non-spatial types."""
    if parametertype in _SPATIAL_TYPES:
        if SPATIAL_FACTORY is None:
            raise NESTErrors.NotImplemented(f"spatial parameter '{parametertype}' needs pynest_jax.spatial")
        return SPATIAL_FACTORY(parametertype, specs)
    if parametertype not in _TYPES:
        raise NESTErrors.UndefinedName(f"The name {parametertype} is not defined.")
    specs = dict(specs or {})
    table = _TYPES[parametertype]
    args = {k: _read(specs, k, default, kind) for k, (default, kind) in table.items()}
    unread = [k for k in specs if k not in table]
    if unread:
        raise NESTErrors.UnaccessedDictionaryEntry(
            "Unaccessed elements in param, in function create_parameter:  " + " ".join(unread)
        )
    if parametertype == "constant":
        return Constant(args["value"])
    _check_random(parametertype, args)
    return _Random(parametertype, args)


def _check_random(name, a):
    # Constructor checks of parameter.h as NEST 3.10 ships them (std > 0, not >= 0;
    # exponential accepts any beta).
    if name == "uniform" and not a["min"] < a["max"]:
        raise NESTErrors.BadProperty("nest::UniformParameter: min < max required.")
    if name == "uniform_int" and a["max"] <= 0:
        raise NESTErrors.BadProperty("nest::UniformIntParameter: max > 0 required.")
    if name == "normal" and not a["std"] > 0:
        raise NESTErrors.BadProperty("nest::NormalParameter: std > 0 required.")
    if name == "lognormal" and not a["std"] > 0:
        raise NESTErrors.BadProperty("nest::LognormalParameter: std > 0 required.")


# ---- nest.random / nest.math / nest.logic ------------------------------------------


def uniform(min=0.0, max=1.0):
    """Values uniform in [min, max)."""
    return create_parameter("uniform", {"min": float(min), "max": float(max)})


def uniform_int(max):
    """Integer values uniform in [0, max), as floats."""
    return create_parameter("uniform_int", {"max": max})


def normal(mean=0.0, std=1.0):
    """Values drawn from a normal distribution of mean ``mean`` and standard deviation ``std``."""
    return create_parameter("normal", {"mean": float(mean), "std": float(std)})


def lognormal(mean=0.0, std=1.0):
    """exp(X) with X ~ normal(mean, std): mean and std of the underlying normal."""
    return create_parameter("lognormal", {"mean": float(mean), "std": float(std)})


def exponential(beta=1.0):
    """Exponential values with scale ``beta`` (mean ``beta``)."""
    return create_parameter("exponential", {"beta": float(beta)})


def _need_parameter(p):
    # PyNEST reads p._datum and so fails with AttributeError on anything else.
    if not isinstance(p, Parameter):
        raise AttributeError(f"'{type(p).__name__}' object has no attribute '_datum'")
    return p


def exp(parameter):
    """The exponential of each value of ``parameter`` (a Parameter), evaluated when it is drawn."""
    return _Unary("exp", _need_parameter(parameter))


def sin(parameter):
    """The sine of each value of ``parameter`` (a Parameter, in radians)."""
    return _Unary("sin", _need_parameter(parameter))


def cos(parameter):
    """The cosine of each value of ``parameter`` (a Parameter, in radians)."""
    return _Unary("cos", _need_parameter(parameter))


def min(parameter, value):
    """Smaller of the parameter's value and ``value``."""
    return _Unary("min", _need_parameter(parameter), float(value))


def max(parameter, value):
    """Larger of the parameter's value and ``value``."""
    return _Unary("max", _need_parameter(parameter), float(value))


def redraw(parameter, min, max):
    """Redraw values outside [min, max]; more than 1000 draws for one value is an error."""
    lo, hi = float(min), float(max)
    p = _need_parameter(parameter)
    if lo > hi:
        raise NESTErrors.BadParameterValue("min <= max required.")
    return _Redraw(p, lo, hi)


def conditional(condition, param_if_true, param_if_false):
    """``param_if_true`` where ``condition`` is nonzero, else ``param_if_false``."""
    if isinstance(param_if_true, (int, float)):
        param_if_true = Constant(param_if_true)
    if isinstance(param_if_false, (int, float)):
        param_if_false = Constant(param_if_false)
    return _Conditional(
        _need_parameter(condition), _need_parameter(param_if_true), _need_parameter(param_if_false)
    )
