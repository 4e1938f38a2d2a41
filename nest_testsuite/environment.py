"""What `nest.build_info` tells NEST's tests about the build, as the runner declares it.

NEST's conftest.py and many tests read `nest.build_info["have_threads"]` (and have_mpi,
have_gsl, ...) to skip what the build cannot do. The runner's policy is "one process, no
threads, no MPI" for both implementations, so that NEST's pass count and pynest_jax's are
counted over the same tests; it declares that by pinning have_threads and have_mpi to
False. A conftest key the implementation lacks would turn every test into the same setup
error and hide everything else, so a missing key is filled with False ("absent") and
reported as a gap on the status page. Other keys are the implementation's own.
"""

import types

# The build_info keys NEST's conftest.py reads.
CONFTEST_KEYS = ("have_threads", "have_mpi", "have_gsl", "have_hdf5", "have_boost", "have_music")
POLICY_KEYS = {"have_threads": False, "have_mpi": False}


def declared(build_info, policy_on=True):
    """(the build_info the tests will see, the conftest keys the implementation lacked)."""
    info = dict(build_info)
    missing = [key for key in CONFTEST_KEYS if key not in info]
    if policy_on:
        info.update(POLICY_KEYS)
    for key in missing:
        info.setdefault(key, False)
    return info, missing


def pin_build_info(package, policy_on=True):
    """Make `package.build_info` return the declared dict; returns the lacking keys.

    PyNEST serves kernel attributes through data descriptors on its module's class, which
    an instance attribute cannot shadow, so the property goes onto that class (this only
    ever happens in a child process). The class itself is kept: PyNEST's lazy submodules
    (`nest.spatial`, ...) delete and replace their own class attributes and break on a
    subclass. A plain module gets an instance attribute.
    """
    try:
        original = dict(package.build_info)
    except Exception as err:  # noqa: BLE001 - any failure means "no usable build_info"
        original = {"_error": f"{type(err).__name__}: {err}"}
    info, missing = declared(original, policy_on)
    if info != original:
        if type(package) is types.ModuleType:
            vars(package)["build_info"] = info
        else:
            type(package).build_info = property(lambda self: dict(info))
    return missing
