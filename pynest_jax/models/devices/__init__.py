# Here rather than in _common, which builds unit tables: the kernel's backends read it at
# import, before any model is named.
RECORDING_BACKENDS = ("memory", "ascii", "screen")  # those NEST 3.10 has without MPI/SIONlib
