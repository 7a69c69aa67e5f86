"""socketstat's benchmark suite: ``python -m benchmarks --help`` (run from the repository root).

Every figure is per call, in nanoseconds, from one run on one machine, and each is set against
the floor: the same syscalls in a C loop that the suite compiles at run time and runs on the very
same socket. See benchmarks/README.md.
"""
