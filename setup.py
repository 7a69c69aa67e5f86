"""Builds socketstat's backend for the operating system it runs on, and only that one."""

import os
import shutil
import sys
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "socketstat" / "codegen"))
import render  # noqa: E402  (the field tables' renderer, socketstat/codegen/render.py)

BACKENDS = {
    "linux": "socketstat/_linux.pyx",
    "darwin": "socketstat/_darwin.pyx",
    "freebsd": "socketstat/_freebsd.pyx",
    "windows": "socketstat/_windows.pyx",
}

# sys.platform is "linux", "darwin", "freebsd14" (the release that built Python) or "win32".
platform = {"win32": "windows"}.get(sys.platform, sys.platform.rstrip("0123456789"))
if platform not in BACKENDS:
    sys.exit(f"socketstat supports {', '.join(sorted(BACKENDS))}; this is {sys.platform!r}")

# The records' properties come from the field tables: render them before Cython reads the .pyx.
render.write_pxi(platform)
render.write_group_pxi(platform)

# Developer builds (SOCKETSTAT_WERROR=1, as .ci/run sets) turn our own C warnings into errors.
extra_compile_args = ["-Werror"] if os.environ.get("SOCKETSTAT_WERROR") == "1" else []
extra_link_args = []
# The sanitizer stage (SOCKETSTAT_SANITIZE=1, as .ci/sanitize sets): AddressSanitizer and
# UndefinedBehaviorSanitizer in the extension, every report fatal (gcc flags; -O1 after the
# interpreter's own -O2/-O3 wins).
if os.environ.get("SOCKETSTAT_SANITIZE") == "1":
    sanitize = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
    extra_compile_args += [*sanitize, "-fno-omit-frame-pointer", "-g", "-O1"]
    extra_link_args += sanitize

# Windows: Winsock's import library, and the header versions that declare SIO_TCP_INFO and
# TCP_INFO_v1 (Windows 10 1809, NTDDI_WIN10_RS5), set before any header is read; the running
# Windows may be older (1703 answers TCP_INFO_v0): see includes/windows_compat.h.
libraries = ["ws2_32"] if platform == "windows" else []
define_macros = ([("_WIN32_WINNT", "0x0A00"), ("NTDDI_VERSION", "0x0A000006")]
                 if platform == "windows" else [])

extension = Extension(
    f"socketstat._{platform}",
    [BACKENDS[platform]],
    include_dirs=["socketstat/includes"],
    libraries=libraries,
    define_macros=define_macros,
    extra_compile_args=extra_compile_args,
    extra_link_args=extra_link_args,
)


class build_py_with_stubs(build_py):
    """Ship the stubs of stubs/socketstat/ inside the package, with py.typed (PEP 561).

    An editable install imports the package from the source tree, so there the stubs are copied
    beside the source (git ignores the copies); every other build puts them in the wheel.
    """

    def run(self):
        super().run()
        target = HERE / "socketstat" if self.editable_mode else Path(self.build_lib) / "socketstat"
        for stub in sorted(Path(HERE / "stubs/socketstat").iterdir()):
            if stub.suffix == ".pyi" or stub.name == "py.typed":
                shutil.copy(stub, target / stub.name)


setup(
    cmdclass={"build_py": build_py_with_stubs},
    ext_modules=cythonize(
        [extension],
        compiler_directives={"language_level": "3", "embedsignature": True},
    ),
)
