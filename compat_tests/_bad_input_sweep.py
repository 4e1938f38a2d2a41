"""The bad-argument sweep (issue 15): every public call a new user reaches first, each
argument replaced by values of the wrong type, shape or range (None, a string, -1, 1.5,
NaN, inf, empty containers, an id that does not exist, ...). Run as
`python _bad_input_sweep.py nest|pynest_jax`; prints JSON {case: exception class name
or "OK"}. Each case starts from a fresh kernel with a small network."""
import sys, importlib, json, math, warnings, io, contextlib
warnings.simplefilter("ignore")
nest = importlib.import_module(sys.argv[1])
nest.set_verbosity("M_FATAL")
M = "iaf_psc_alpha"
BAD = {"None": None, "str": "x", "neg": -1, "float": 1.5, "nan": math.nan, "inf": math.inf,
       "emptylist": [], "emptydict": {}, "bigid": 10**6, "zero": 0, "list_str": ["x"], "tuple_neg": (-1,)}

def setup():
    nest.ResetKernel(); nest.set_verbosity("M_FATAL")
    n = nest.Create(M, 3); sr = nest.Create("spike_recorder")
    nest.Connect(n, n); nest.Connect(n, sr)
    return n, sr

def cases():
    for bname, b in BAD.items():
        yield f"Create(model={bname})", lambda n, sr, b=b: nest.Create(b)
        yield f"Create(n={bname})", lambda n, sr, b=b: nest.Create(M, b)
        yield f"Create(params={bname})", lambda n, sr, b=b: nest.Create(M, 1, b)
        yield f"Connect(pre={bname})", lambda n, sr, b=b: nest.Connect(b, n)
        yield f"Connect(post={bname})", lambda n, sr, b=b: nest.Connect(n, b)
        yield f"Connect(conn_spec={bname})", lambda n, sr, b=b: nest.Connect(n, n, b)
        yield f"Connect(syn_spec={bname})", lambda n, sr, b=b: nest.Connect(n, n, "all_to_all", b)
        yield f"Connect(weight={bname})", lambda n, sr, b=b: nest.Connect(n, n, syn_spec={"weight": b})
        yield f"Connect(delay={bname})", lambda n, sr, b=b: nest.Connect(n, n, syn_spec={"delay": b})
        yield f"Simulate({bname})", lambda n, sr, b=b: nest.Simulate(b)
        yield f"SetStatus(nodes={bname})", lambda n, sr, b=b: nest.SetStatus(b, {"V_m": -60.0})
        yield f"SetStatus(params={bname})", lambda n, sr, b=b: nest.SetStatus(n, b)
        yield f"SetStatus(V_m={bname})", lambda n, sr, b=b: nest.SetStatus(n, {"V_m": b})
        yield f"GetStatus(nodes={bname})", lambda n, sr, b=b: nest.GetStatus(b)
        yield f"GetStatus(keys={bname})", lambda n, sr, b=b: nest.GetStatus(n, b)
        yield f"nc.get({bname})", lambda n, sr, b=b: n.get(b)
        yield f"nc.set(V_m={bname})", lambda n, sr, b=b: n.set(V_m=b)
        yield f"nc[{bname}]", lambda n, sr, b=b: n[b]
        yield f"NodeCollection({bname})", lambda n, sr, b=b: nest.NodeCollection(b)
        yield f"GetConnections(source={bname})", lambda n, sr, b=b: nest.GetConnections(source=b)
        yield f"GetConnections(synapse_model={bname})", lambda n, sr, b=b: nest.GetConnections(synapse_model=b)
        yield f"CopyModel(old={bname})", lambda n, sr, b=b: nest.CopyModel(b, "foo")
        yield f"CopyModel(new={bname})", lambda n, sr, b=b: nest.CopyModel(M, b)
        yield f"SetDefaults(model={bname})", lambda n, sr, b=b: nest.SetDefaults(b, {"V_m": 0.0})
        yield f"SetDefaults(params={bname})", lambda n, sr, b=b: nest.SetDefaults(M, b)
        yield f"GetDefaults({bname})", lambda n, sr, b=b: nest.GetDefaults(b)
        yield f"resolution={bname}", lambda n, sr, b=b: setattr(nest, "resolution", b)
        yield f"rng_seed={bname}", lambda n, sr, b=b: setattr(nest, "rng_seed", b)
        yield f"SetKernelStatus({bname})", lambda n, sr, b=b: nest.SetKernelStatus(b)
        yield f"sr.set(start={bname})", lambda n, sr, b=b: sr.set(start=b)
        yield f"sr.set(record_to={bname})", lambda n, sr, b=b: sr.set(record_to=b)
        yield f"Prepare-Run({bname})", lambda n, sr, b=b: (nest.Prepare(), nest.Run(b))

out = {}
for name, f in cases():
    n, sr = setup()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            r = f(n, sr)
        out[name] = "OK"
    except Exception as e:
        out[name] = type(e).__name__
    try:
        nest.Cleanup()
    except Exception:
        pass
print("JSON" + json.dumps(out))
