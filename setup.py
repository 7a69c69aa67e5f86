"""Builds socketstat's backend for the operating system it runs on, and only that one."""

import os
import sys

import shutil
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_py import build_py

BACKENDS = {
    "linux": "socketstat/_linux.pyx",
    "darwin": "socketstat/_darwin.pyx",
}

platform = "darwin" if sys.platform == "darwin" else sys.platform.rstrip("0123456789")
if platform not in BACKENDS:
    sys.exit(f"socketstat supports {', '.join(sorted(BACKENDS))}; this is {sys.platform!r}")

# Developer builds (SOCKETSTAT_WERROR=1, as .ci/run sets) turn our own C warnings into errors.
extra_compile_args = ["-Werror"] if os.environ.get("SOCKETSTAT_WERROR") == "1" else []

extension = Extension(
    f"socketstat._{platform}",
    [BACKENDS[platform]],
    include_dirs=["socketstat/includes"],
    extra_compile_args=extra_compile_args,
)


class build_py_with_stubs(build_py):
    """Ship the hand-written stubs of stubs/socketstat/ inside the package, with py.typed (PEP 561)."""

    def run(self):
        super().run()
        target = Path(self.build_lib) / "socketstat"
        for stub in Path("stubs/socketstat").iterdir():
            shutil.copy(stub, target / stub.name)


setup(
    cmdclass={"build_py": build_py_with_stubs},
    ext_modules=cythonize(
        [extension],
        compiler_directives={"language_level": "3", "embedsignature": True},
    ),
)
