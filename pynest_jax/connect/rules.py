"""NEST's connection rules as pure functions over arrays of node ids.

``RULES[name](pre, post, spec, rng) -> RuleResult``: ``pre``/``post`` are int64 arrays of
node ids, ``spec`` a conn_spec, ``rng`` a ``numpy.random.Generator``.  The result unpacks
as ``pre_idx, post_idx`` (indices into ``pre``/``post``, one entry per connection, in the
order NEST creates them, read from nestkernel/conn_builder.cpp for one virtual process).

Each rule draws from the same distribution as NEST's builder, but in bulk:
- a Bernoulli or Poisson trial per (target, source) pair, with a constant ``p`` or mean,
  is drawn as geometric gaps between the connected pairs (for Poisson, then a count of at
  least one per connected pair): the same joint law as one trial per pair, with work
  growing with the connections made, not with the pairs;
- NEST's "draw a partner, reject autapses/duplicates, repeat" makes each accepted draw
  uniform among the partners still allowed; we draw exactly that, for all targets at
  once (a partial Fisher-Yates shuffle per target when multapses are disallowed).
NEST would loop forever where a node cannot get its degree without autapses/multapses;
we raise ``BadProperty`` instead.
"""

import numpy as np

from pynest_jax.errors import NESTErrors
from pynest_jax.connect.parameters import Parameter

__all__ = ["RULES", "RuleResult", "validate_conn_spec"]

_CHUNK = 1 << 22  # pairs per block when a Parameter is drawn per pair
_PERM_CHUNK = 1 << 24  # entries of the per-row permutation buffers per block (64 MiB)


class RuleResult(tuple):
    """``(pre_idx, post_idx)``: connection k joins pre[pre_idx[k]] and post[post_idx[k]].

    ``reverse`` is None, or a bool array: where True the connection runs the other way,
    from post[post_idx[k]] to pre[pre_idx[k]] (the mirrored connections of
    ``make_symmetric`` and ``symmetric_pairwise_bernoulli``); a mirrored connection
    shares (pre_idx, post_idx) with the connection it mirrors.
    """

    def __new__(cls, pre_idx, post_idx, reverse=None):
        self = super().__new__(cls, (np.asarray(pre_idx, np.int64), np.asarray(post_idx, np.int64)))
        self.reverse = reverse
        return self

    def node_ids(self, pre, post):
        """``(sources, targets)`` as node ids."""
        s, t = np.asarray(pre)[self[0]], np.asarray(post)[self[1]]
        if self.reverse is not None:
            s, t = np.where(self.reverse, t, s), np.where(self.reverse, s, t)
        return s, t


# ---- conn_spec validation (NEST: BipartiteConnBuilder and rule constructors) ----------

_FLAGS = {"allow_autapses": True, "allow_multapses": True, "make_symmetric": False}
_RULE_KEYS = {
    "one_to_one": (),
    "all_to_all": (),
    "fixed_indegree": ("indegree",),
    "fixed_outdegree": ("outdegree",),
    "fixed_total_number": ("N",),
    "pairwise_bernoulli": ("p",),
    "symmetric_pairwise_bernoulli": ("p",),
    "pairwise_poisson": ("pairwise_avg_num_conns",),
}
_SUPPORTS_SYMMETRIC = ("one_to_one", "symmetric_pairwise_bernoulli")


def _cast_error(key, value, to):
    return NESTErrors.TypeMismatch(
        f"Expected datatype: Failed to cast '{key}' from {type(value).__name__} to type {to}"
    )


def _long(spec, key, allow_parameter):
    v = spec[key]
    if isinstance(v, Parameter) and allow_parameter:
        return _nonspatial(v, key)
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        raise _cast_error(key, v, "long")  # NEST refuses 2.0 for an integer key
    spec[key] = int(v)
    return spec[key]


def _double(spec, key, allow_parameter):
    v = spec[key]
    if isinstance(v, Parameter) and allow_parameter:
        return _nonspatial(v, key)
    if not isinstance(v, (bool, int, float, np.integer, np.floating)):
        raise _cast_error(key, v, "double")
    spec[key] = float(v)
    return spec[key]


def _nonspatial(p, key):
    if p.is_spatial():
        raise NESTErrors.NotImplemented(f"spatial '{key}' needs spatial connection (not implemented yet)")
    return p


def _check_one_to_one(s, n_pre, n_post):
    if n_pre is not None and n_pre != n_post:
        raise NESTErrors.DimensionMismatch("Source and Target population must be of the same size.")


def _check_indegree(s, n_pre, n_post):
    k = _long(s, "indegree", True)
    if isinstance(k, Parameter):
        return  # NEST checks no range for Parameter degrees
    if k < 0:
        raise NESTErrors.BadProperty("Indegree cannot be less than zero.")
    if not s["allow_multapses"] and n_pre is not None and k > n_pre:
        raise NESTErrors.BadProperty("Indegree cannot be larger than population size.")


def _check_outdegree(s, n_pre, n_post):
    k = _long(s, "outdegree", True)
    if isinstance(k, Parameter):
        return
    if not s["allow_multapses"] and n_post is not None and k > n_post:
        raise NESTErrors.BadProperty("Outdegree cannot be larger than population size.")
    if k < 0:
        raise NESTErrors.BadProperty("Outdegree cannot be less than zero.")


def _check_total_number(s, n_pre, n_post):
    n = _long(s, "N", False)
    if not s["allow_multapses"] and n_pre is not None and n > n_pre * n_post:
        raise NESTErrors.BadProperty(
            "Total number of connections cannot exceed product of source and target population sizes."
        )
    if n < 0:
        raise NESTErrors.BadProperty("Total number of connections cannot be negative.")
    if not s["allow_multapses"]:
        raise NESTErrors.NotImplemented(
            "Connect doesn't support the suppression of multapses in the FixedTotalNumber connector."
        )


def _check_bernoulli(s, n_pre, n_post):
    p = _double(s, "p", True)
    if not isinstance(p, Parameter) and (p < 0 or 1 < p):
        raise NESTErrors.BadProperty("Connection probability 0 <= p <= 1 required.")


def _check_symmetric_bernoulli(s, n_pre, n_post):
    p = _double(s, "p", False)
    if p < 0 or 1 <= p:
        raise NESTErrors.BadProperty("Connection probability 0 <= p < 1 required.")
    if not s["allow_multapses"]:
        raise NESTErrors.BadProperty("Multapses must be enabled.")
    if s["allow_autapses"]:
        raise NESTErrors.BadProperty("Autapses must be disabled.")
    if not s["make_symmetric"]:
        raise NESTErrors.BadProperty("Symmetric connections must be enabled.")


def _check_poisson(s, n_pre, n_post):
    lam = _double(s, "pairwise_avg_num_conns", True)
    if not isinstance(lam, Parameter) and lam < 0:
        raise NESTErrors.BadProperty("Connection parameter 0 ≤ pairwise_avg_num_conns required.")
    if not s["allow_multapses"]:
        raise NESTErrors.BadProperty("Multapses must be allowed for this connection rule.")


_CHECKS = {
    "one_to_one": _check_one_to_one,
    "all_to_all": lambda s, n_pre, n_post: None,
    "fixed_indegree": _check_indegree,
    "fixed_outdegree": _check_outdegree,
    "fixed_total_number": _check_total_number,
    "pairwise_bernoulli": _check_bernoulli,
    "symmetric_pairwise_bernoulli": _check_symmetric_bernoulli,
    "pairwise_poisson": _check_poisson,
}


def validate_conn_spec(spec, n_pre=None, n_post=None):
    """Check a conn_spec the way NEST does before creating anything; return it with defaults.

    ``spec`` may be None (all_to_all), a rule name or a dict.  With ``n_pre``/``n_post`` the
    size-dependent checks run too, in NEST's order (empty populations, then the rule's
    constructor checks, then unknown keys, then ``make_symmetric`` support).
    """
    if spec is None:
        spec = {"rule": "all_to_all"}
    elif isinstance(spec, str):
        spec = {"rule": spec}
    elif not isinstance(spec, dict):
        raise TypeError("conn_spec must be a string or dict")
    if n_pre == 0:
        raise NESTErrors.IllegalConnection("Presynaptic nodes cannot be an empty NodeCollection")
    if n_post == 0:
        raise NESTErrors.IllegalConnection("Postsynaptic nodes cannot be an empty NodeCollection")
    if "rule" not in spec:
        raise KeyError("rule")  # PyNEST indexes conn_spec["rule"]
    rule = spec["rule"]
    if not isinstance(rule, str):
        raise _cast_error("rule", rule, "std::string")
    if rule not in _RULE_KEYS:
        raise NESTErrors.BadProperty(f"Unknown connectivity rule: {rule}")
    out = {"rule": rule}
    for key, default in _FLAGS.items():
        v = spec.get(key, default)
        if not isinstance(v, (bool, np.bool_)):
            raise _cast_error(key, v, "bool")  # NEST refuses 0/1 for these
        out[key] = bool(v)
    for key in _RULE_KEYS[rule]:
        if key not in spec:
            raise IndexError(f"conn_spec of rule '{rule}' requires '{key}'")  # NEST: map::at
        out[key] = spec[key]
    _CHECKS[rule](out, n_pre, n_post)
    unread = [k for k in spec if k not in out]
    if unread:
        raise NESTErrors.UnaccessedDictionaryEntry(
            "Unaccessed elements in conn_spec, in function Connect:  " + " ".join(map(str, unread))
        )
    if out["make_symmetric"] and rule not in _SUPPORTS_SYMMETRIC:
        raise NESTErrors.NotImplemented("This connection rule does not support symmetric connections.")
    return out


# ---- sampling helpers ------------------------------------------------------------------


def _self_index(nodes, others):
    """For each of ``others``, the index in ``nodes`` of the same node id, else -1."""
    order = np.argsort(nodes, kind="stable")
    pos = np.minimum(np.searchsorted(nodes[order], others), len(nodes) - 1)
    return np.where(nodes[order][pos] == others, order[pos], -1)


def _autapse_flats(pre, post, allow_autapses):
    """Sorted positions t * n_pre + s of autapse pairs on the target-major pair grid."""
    if allow_autapses:
        return np.empty(0, np.int64)
    s = _self_index(pre, post)
    t = np.flatnonzero(s >= 0)
    return t * len(pre) + s[t]


def _rank_to_flat(rank, excluded):
    """Grid position of the rank-th pair that is not in the sorted ``excluded``."""
    before = excluded - np.arange(len(excluded))  # eligible pairs before each excluded one
    return rank + np.searchsorted(before, rank, side="right")


def _bernoulli_ranks(m, p, rng):
    """Sorted ranks in [0, m), each present with probability p, via geometric gaps."""
    if m == 0 or p <= 0:
        return np.empty(0, np.int64)
    if not p < 1:  # NEST connects unless drand() >= p: p >= 1 (or NaN) connects every pair
        return np.arange(m, dtype=np.int64)
    parts, last = [], -1
    while True:
        mean = (m - 1 - last) * p
        gaps = rng.geometric(p, int(mean + 6 * np.sqrt(mean) + 16))
        ranks = last + np.cumsum(gaps)
        parts.append(ranks[ranks < m])
        if ranks[-1] >= m:
            return np.concatenate(parts)
        last = ranks[-1]


def _round_half_away(x):
    """std::round: halves away from zero (numpy's round goes to even)."""
    r = np.trunc(x)
    return r + np.sign(x) * (np.abs(x - r) >= 0.5)


def _degrees(value, n, rng):
    """Per-node degrees: an int, or a Parameter drawn per node and rounded as NEST does."""
    if not isinstance(value, Parameter):
        return np.full(n, value, np.int64)
    d = _round_half_away(value.evaluate(n, rng))
    return np.where(d > 0, d, 0).astype(np.int64)  # a negative degree makes no connection


def _sample_partners(degrees, n_choices, self_idx, allow_multapses, rng, what):
    """For row r, ``degrees[r]`` partners in [0, n_choices), never ``self_idx[r]`` (if >= 0).

    Returns (rows, choices) row-major, each row in draw order.  NEST draws uniformly and
    rejects the node itself and, without multapses, partners already chosen; so each
    accepted draw is uniform among the partners still allowed, which is what we draw.
    """
    n_rows = len(degrees)
    own = np.zeros(n_rows, bool) if self_idx is None else self_idx >= 0
    available = n_choices - own
    limit = np.where(available > 0, np.inf, 0) if allow_multapses else available
    short = np.flatnonzero(degrees > limit)
    if short.size:
        r = short[0]
        raise NESTErrors.BadProperty(
            f"{what} {degrees[r]} cannot be met without autapses/multapses: only {available[r]} "
            "possible partners (NEST would not terminate)."
        )
    rows = np.repeat(np.arange(n_rows), degrees)
    if not allow_multapses:
        return rows, _sample_distinct(degrees, n_choices, self_idx, rng)
    if not own.any():
        return rows, rng.integers(0, n_choices, rows.size)
    # uniform among the others: draw from n - 1 and step over the node itself
    c = rng.integers(0, n_choices - 1, rows.size) if own.all() else rng.integers(0, available[rows])
    s = self_idx[rows]
    return rows, c + ((c >= s) & (s >= 0))


def _sample_distinct(degrees, n, self_idx, rng):
    out = []
    step = max(1, _PERM_CHUNK // n)
    for r0 in range(0, len(degrees), step):
        deg = degrees[r0 : r0 + step]
        own = None if self_idx is None else self_idx[r0 : r0 + step]
        k = int(deg.max(initial=0))
        if k:
            # swaps cost ~k vector steps, a full shuffle ~n per row: pick the cheaper
            draw = _head_by_swaps if 2 * k <= n else _head_by_shuffle
            out.append(draw(deg, k, n, own, rng))
    return np.concatenate(out) if out else np.empty(0, np.int64)


def _head_by_swaps(deg, k, n, own, rng):
    # Partial Fisher-Yates shuffle of every row at once: draw j takes a uniform element of
    # the not-yet-chosen slots j..m-1 of the row's permutation buffer.
    rows = len(deg)
    perm = np.tile(np.arange(n, dtype=np.int32), rows)
    base = np.arange(rows, dtype=np.int64) * n
    m = np.full(rows, n)
    if own is not None:  # park the node itself in the last slot, out of reach
        o = np.flatnonzero(own >= 0)
        perm[base[o] + own[o]] = n - 1
        perm[base[o] + n - 1] = own[o]
        m[o] = n - 1
    table = np.empty((rows, k), np.int64)
    for j in range(k):
        span = np.maximum(m - j, 1)  # rows already past their degree draw harmlessly
        pick = base + j + np.minimum((rng.random(rows) * span).astype(np.int64), span - 1)
        table[:, j] = perm[pick]
        perm[pick] = perm[base + j]
    return table[np.arange(k)[None, :] < deg[:, None]]


def _head_by_shuffle(deg, k, n, own, rng):
    # Head of a uniform permutation of each row; dropping the node itself from a uniform
    # permutation leaves a uniform permutation of the others.
    perm = np.tile(np.arange(n, dtype=np.int32), (len(deg), 1))
    head = rng.permuted(perm, axis=1, out=perm)[:, : min(k + 1, n)]
    keep = np.ones(head.shape, bool) if own is None else head != own[:, None]
    keep &= np.cumsum(keep, axis=1) <= deg[:, None]
    return head[keep].astype(np.int64)


def _zero_truncated_poisson(lam, n, rng):
    """``n`` Poisson(lam) counts conditioned on being at least 1."""
    if lam >= 1:  # P(0) <= 1/e: redraw zeros
        c = rng.poisson(lam, n)
        bad = np.flatnonzero(c == 0)
        while bad.size:
            c[bad] = rng.poisson(lam, bad.size)
            bad = bad[c[bad] == 0]
        return c
    # inverse CDF over k = 1, 2, ...; terms fall like lam**k / k!
    u = rng.random(n) * -np.expm1(-lam)
    c = np.ones(n, np.int64)
    term = cdf = np.exp(-lam) * lam
    k = 1
    live = np.flatnonzero(u >= cdf)
    while live.size and term > 1e-300:
        k += 1
        term *= lam / k
        cdf += term
        c[live] += 1
        live = live[u[live] >= cdf]
    return c


def _pairs_by_parameter(pre, post, param, allow_autapses, rng, count):
    """Per-pair trials with a Parameter (evaluated once per pair, as NEST does), chunked
    over targets; ``count(values, rng)`` gives the connections per pair."""
    n_pre, n_post = len(pre), len(post)
    self_idx = None if allow_autapses else _self_index(pre, post)
    pre_parts, post_parts = [], []
    step = max(1, _CHUNK // n_pre)
    for t0 in range(0, n_post, step):
        rows = min(step, n_post - t0)
        counts = count(param.evaluate(rows * n_pre, rng), rng).reshape(rows, n_pre)
        if self_idx is not None:
            own = np.flatnonzero(self_idx[t0 : t0 + rows] >= 0)
            counts[own, self_idx[t0 + own]] = 0
        flat = np.repeat(np.arange(rows * n_pre), counts.ravel())
        post_parts.append(flat // n_pre + t0)
        pre_parts.append(flat % n_pre)
    return RuleResult(np.concatenate(pre_parts), np.concatenate(post_parts))


def _grid_result(flat, n_pre):
    post_idx, pre_idx = np.divmod(flat, n_pre)
    return RuleResult(pre_idx, post_idx)


# ---- the rules -------------------------------------------------------------------------


def _prepare(name, pre, post, spec):
    pre = np.asarray(pre, np.int64)
    post = np.asarray(post, np.int64)
    spec = {"rule": name} if spec is None else dict(spec)
    if spec.setdefault("rule", name) != name:
        raise ValueError(f"conn_spec names rule '{spec['rule']}', not '{name}'")
    return pre, post, validate_conn_spec(spec, len(pre), len(post))


def one_to_one(pre, post, spec, rng):
    """pre[i] -> post[i]; with make_symmetric, then post[i] -> pre[i] (a second pass)."""
    pre, post, spec = _prepare("one_to_one", pre, post, spec)
    idx = np.arange(len(pre))
    if not spec["allow_autapses"]:
        idx = idx[pre != post]
    if not spec["make_symmetric"]:
        return RuleResult(idx, idx)
    reverse = np.repeat([False, True], len(idx))
    return RuleResult(np.tile(idx, 2), np.tile(idx, 2), reverse)


def all_to_all(pre, post, spec, rng):
    """For each target, every source in order (AllToAllBuilder)."""
    pre, post, spec = _prepare("all_to_all", pre, post, spec)
    pre_idx = np.tile(np.arange(len(pre)), len(post))
    post_idx = np.repeat(np.arange(len(post)), len(pre))
    if spec["allow_autapses"]:
        return RuleResult(pre_idx, post_idx)
    keep = np.ones(len(pre_idx), bool)
    keep[_autapse_flats(pre, post, False)] = False
    return RuleResult(pre_idx[keep], post_idx[keep])


def _fixed_degree(rule, degree, pre, post, spec, rng):
    """Each owner (a target for the indegree, a source for the outdegree) draws its
    ``degree`` partners uniformly from the other side."""
    pre, post, spec = _prepare(rule, pre, post, spec)
    indegree = degree == "indegree"
    owners, partners = (post, pre) if indegree else (pre, post)
    degrees = _degrees(spec[degree], len(owners), rng)
    self_idx = None if spec["allow_autapses"] else _self_index(partners, owners)
    rows, cols = _sample_partners(degrees, len(partners), self_idx, spec["allow_multapses"], rng,
                                  degree.capitalize())
    return RuleResult(cols, rows) if indegree else RuleResult(rows, cols)


def fixed_indegree(pre, post, spec, rng):
    """For each target, ``indegree`` sources drawn uniformly (FixedInDegreeBuilder)."""
    return _fixed_degree("fixed_indegree", "indegree", pre, post, spec, rng)


def fixed_outdegree(pre, post, spec, rng):
    """For each source, ``outdegree`` targets drawn uniformly (FixedOutDegreeBuilder)."""
    return _fixed_degree("fixed_outdegree", "outdegree", pre, post, spec, rng)


def fixed_total_number(pre, post, spec, rng):
    """``N`` (source, target) pairs drawn uniformly, autapses redrawn (FixedTotalNumberBuilder,
    one virtual process)."""
    pre, post, spec = _prepare("fixed_total_number", pre, post, spec)
    n = spec["N"]
    s = rng.integers(0, len(pre), n)
    t = rng.integers(0, len(post), n)
    if not spec["allow_autapses"] and n:
        if len(_autapse_flats(pre, post, False)) == len(pre) * len(post):
            raise NESTErrors.BadProperty(
                "Only autapses are possible, but autapses are disallowed (NEST would not terminate)."
            )
        bad = np.flatnonzero(pre[s] == post[t])
        while bad.size:
            s[bad] = rng.integers(0, len(pre), bad.size)
            t[bad] = rng.integers(0, len(post), bad.size)
            bad = bad[pre[s[bad]] == post[t[bad]]]
    return RuleResult(s, t)


def pairwise_bernoulli(pre, post, spec, rng):
    """Each (target, source) pair connected with probability ``p`` (BernoulliBuilder)."""
    pre, post, spec = _prepare("pairwise_bernoulli", pre, post, spec)
    p = spec["p"]
    if isinstance(p, Parameter):
        # NEST: no connection where drand() >= p, p drawn per pair
        return _pairs_by_parameter(
            pre, post, p, spec["allow_autapses"], rng, lambda v, g: (~(g.random(v.size) >= v)).astype(np.int64)
        )
    excluded = _autapse_flats(pre, post, spec["allow_autapses"])
    m = len(pre) * len(post) - len(excluded)
    return _grid_result(_rank_to_flat(_bernoulli_ranks(m, p, rng), excluded), len(pre))


def pairwise_poisson(pre, post, spec, rng):
    """Each (target, source) pair gets Poisson(``pairwise_avg_num_conns``) connections,
    consecutively (PoissonBuilder)."""
    pre, post, spec = _prepare("pairwise_poisson", pre, post, spec)
    lam = spec["pairwise_avg_num_conns"]
    if isinstance(lam, Parameter):
        # a negative (or NaN) mean gives no connection, as observed in NEST 3.10
        return _pairs_by_parameter(
            pre, post, lam, spec["allow_autapses"], rng, lambda v, g: g.poisson(np.where(v > 0, v, 0.0))
        )
    excluded = _autapse_flats(pre, post, spec["allow_autapses"])
    m = len(pre) * len(post) - len(excluded)
    # a pair has connections with probability 1 - exp(-lam), then a zero-truncated count
    ranks = _bernoulli_ranks(m, -np.expm1(-lam), rng)
    ranks = np.repeat(ranks, _zero_truncated_poisson(lam, ranks.size, rng))
    return _grid_result(_rank_to_flat(ranks, excluded), len(pre))


def symmetric_pairwise_bernoulli(pre, post, spec, rng):
    """For each target, Binomial(n_pre, p) distinct sources (redrawn while = n_pre), each
    connected both ways: s -> t then t -> s (SymmetricBernoulliBuilder)."""
    pre, post, spec = _prepare("symmetric_pairwise_bernoulli", pre, post, spec)
    n_pre = len(pre)
    k = rng.binomial(n_pre, spec["p"], len(post))
    bad = np.flatnonzero(k >= n_pre)
    while bad.size:  # NEST truncates the binomial below n_pre by redrawing
        k[bad] = rng.binomial(n_pre, spec["p"], bad.size)
        bad = bad[k[bad] >= n_pre]
    rows, cols = _sample_partners(k, n_pre, _self_index(pre, post), False, rng, "Degree")
    reverse = np.tile([False, True], len(rows))
    return RuleResult(np.repeat(cols, 2), np.repeat(rows, 2), reverse)


RULES = {
    "one_to_one": one_to_one,
    "all_to_all": all_to_all,
    "fixed_indegree": fixed_indegree,
    "fixed_outdegree": fixed_outdegree,
    "fixed_total_number": fixed_total_number,
    "pairwise_bernoulli": pairwise_bernoulli,
    "symmetric_pairwise_bernoulli": symmetric_pairwise_bernoulli,
    "pairwise_poisson": pairwise_poisson,
}
