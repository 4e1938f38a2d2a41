"""NEST's exception classes.

PyNEST raises ``nest.NESTErrors.<Name>``, every one a subclass of
``nest.NESTErrors.KernelException`` (which ``nest.NESTError`` also names).
Scripts and NEST's test suite catch them by these names, so the names and the
hierarchy are NEST's; the message is ours.
"""

__all__ = ["NESTError", "NESTErrors", "KernelException"]


class KernelException(Exception):
    """Base class of every error the NEST kernel raises."""

    errorname = "KernelException"

    def __init__(self, message=""):
        super().__init__(message)
        self.errormessage = message


NESTError = KernelException

# The error names PyNEST 3.10 exposes in nest.NESTErrors.
_NAMES = """
BackendAlreadyRegistered BackendNotPrepared BackendPrepared BadDelay BadParameter
BadParameterValue BadProperty DimensionMismatch DistributionError
DynamicModuleManagementError GSLSolverFailure IOError IllegalConnection
IncompatibleReceptorType InexistentConnection InternalError InvalidDefaultResolution
InvalidTimeInModel KeyError LayerExpected LayerNodeExpected LocalNodeExpected
MPIErrorCode MPIPortsFileMissing MPIPortsFileUnknown MUSICChannelAlreadyMapped
MUSICChannelUnknown MUSICPortAlreadyPublished MUSICPortHasNoWidth MUSICPortUnconnected
MUSICPortUnknown MUSICSimulationHasRun ModelInUse NamingConflict NewModelNameExists
NoThreadSiblingsAvailable NodeWithProxiesExpected NotImplemented NumericalInstability
RangeCheck StepMultipleRequired TimeMultipleRequired TypeMismatch
UnaccessedDictionaryEntry UndefinedName UnexpectedEvent UnknownCompartment
UnknownComponent UnknownModelName UnknownNode UnknownPort UnknownReceptorType
UnknownSynapseType UnknownThread UnmatchedSteps UnsupportedEvent
""".split()


class _ErrorNamespace:
    """Attribute access ``NESTErrors.BadProperty`` as in PyNEST."""

    KernelException = KernelException

    def __iter__(self):
        return iter(n for n in dir(self) if not n.startswith("_"))


NESTErrors = _ErrorNamespace()
for _name in _NAMES:
    _cls = type(_name, (KernelException,), {"errorname": _name, "__module__": "NESTErrors"})
    setattr(_ErrorNamespace, _name, _cls)
KernelException.__module__ = "NESTErrors"
del _name, _cls


def unaccessed(keys, where="NodeManager::set_status"):
    """NEST's error for keys a status dictionary held that nobody read (its
    dict_miss_is_error check), with NEST's message."""
    return NESTErrors.UnaccessedDictionaryEntry(
        f"Unaccessed elements in params, in function {where}:  {' '.join(keys)}")
