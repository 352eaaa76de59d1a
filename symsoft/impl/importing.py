"""Import a user's code: a script, a notebook, or a module of an installed or local package.

Module-level code runs the way its author runs it, with three allowances: a script whose demo
code fails after it defined the requested name still yields that name (with a note); a module
it imports that is not installed is replaced by an inert stub while importing (never NumPy,
SciPy, PyTorch or JAX; CuPy and ``autograd.numpy`` by NumPy, whose API they mirror), and
named in a note; warnings and ``np.seterr`` changes made by module-level code do not leak out.
Imports are time-limited like calls.

Examples
--------
>>> import sys
>>> notes = []
>>> _stub("surely_not_installed_pkg", notes), "surely_not_installed_pkg" in sys.modules
(True, True)
>>> sys.modules.pop("surely_not_installed_pkg").anything().more.__name__
'surely_not_installed_pkg.anything().more'
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import re
import sys
import types
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from symsoft.errors import ImplementationError
from symsoft.impl.calling import TimedOut, describe_error, user_code

__all__ = ["import_file", "import_module", "import_notebook", "importing", "stub_name"]


def import_file(path: Path, spec: str, first: str, timeout: float | None, notes: list[str]) -> Any:
    if not path.is_file():
        raise ImplementationError(spec, f"no such file: {path}")
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:10]
    name = f"_symsoft_impl_{re.sub(r'[^0-9A-Za-z_]', '_', path.stem)}_{digest}"
    stubs: list[str] = []
    package = ""
    # The user's file may import its neighbours, as it would when run as a script.
    sys.path.insert(0, str(path.resolve().parent))
    try:
        while True:
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or module_spec.loader is None:
                raise ImplementationError(spec, f"cannot import {path} as a Python module")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            try:
                with importing(timeout):
                    module_spec.loader.exec_module(module)
                break
            except (Exception, SystemExit, TimedOut) as error:
                missing = (
                    getattr(error, "name", None) if type(error) is ModuleNotFoundError else None
                )
                if missing and first not in vars(module) and _stub(missing, stubs):
                    continue  # a demo-only dependency (nnfs, matplotlib, ...): retry without it
                if not package and _needs_package(error):
                    # ``from .Base import BaseLayer``: a module of a package (an exercise's
                    # Layers/), imported as such, its siblings resolved from its directory.
                    sys.modules.pop(name, None)
                    package = _synthetic_package(path, digest)
                    name = f"{package}.{path.stem}"
                    notes.append(f"imported as a module of the package in {path.resolve().parent}")
                    continue
                return _salvage(module, error, path, spec, first, timeout, notes)
    finally:
        sys.path.remove(str(path.resolve().parent))
        for stubbed in stubs:
            sys.modules.pop(stubbed, None)
        shown = [stub.replace(f"{package}.", ".") if package else stub for stub in stubs]
        notes.extend(
            _stub_notes(
                shown,
                " (their decorators leave functions as written; code that really uses them fails"
                " when called)",
            )
        )
    return module


def _needs_package(error: BaseException) -> bool:
    return isinstance(error, ImportError) and "relative import" in str(error)


def _synthetic_package(path: Path, digest: str) -> str:
    """Register packages for the file's directory and two above it; return the innermost name.

    Relative imports up to ``from ...x import y`` then resolve to the user's real neighbouring
    files, under names that cannot clash with installed packages.
    """
    here = path.resolve().parent
    directories = [*list(here.parents)[:2][::-1], here]
    name = f"_symsoft_pkg_{digest}"
    for level, directory in enumerate(directories):
        name = f"{name}._d{level}" if level else name
        package = types.ModuleType(name)
        package.__path__ = [str(directory)]
        package.__package__ = name
        sys.modules[name] = package
    return name


def import_notebook(path: Path, spec: str, timeout: float | None, notes: list[str]) -> Any:
    """Run a notebook's code cells in order, as its author would, skipping cells that fail.

    A notebook is code like a ``.py`` file; IPython magics and shell lines are left out.
    """
    if not path.is_file():
        raise ImplementationError(spec, f"no such file: {path}")
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ImplementationError(
            spec, f"not a readable notebook: {describe_error(error)}"
        ) from None
    module = types.ModuleType(f"_symsoft_notebook_{re.sub(r'[^0-9A-Za-z_]', '_', path.stem)}")
    stubs: list[str] = []
    skipped = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        code = "\n".join(
            "" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()
        )
        for _ in range(_MAX_STUBS + 1):
            try:
                with importing(timeout):
                    # Running the user's notebook is what check-impl is for (it says so).
                    exec(compile(code, f"{path} cell {number}", "exec"), module.__dict__)
                break
            except (Exception, SystemExit, TimedOut) as error:
                missing = (
                    getattr(error, "name", None) if type(error) is ModuleNotFoundError else None
                )
                if missing and _stub(missing, stubs):
                    continue
                why = "timed out" if isinstance(error, TimedOut) else describe_error(error)
                skipped.append(f"cell {number} ({why})")
                break
    for stubbed in stubs:
        sys.modules.pop(stubbed, None)
    if skipped:
        notes.append(f"notebook cells that failed and were skipped: {'; '.join(skipped[:5])}")
    notes.extend(_stub_notes(stubs, ""))
    return module


@contextlib.contextmanager
def importing(timeout: float | None) -> Iterator[None]:
    # Module-level code of scripts warns freely (deprecated NumPy aliases, plots); those
    # warnings are not about the function under test, and must not become errors.
    with warnings.catch_warnings(), user_code(timeout), np.errstate():
        # np.errstate() restores NumPy's error handling if the module changes it (np.seterr).
        warnings.simplefilter("ignore")
        yield


def _salvage(module, error, path, spec, first, timeout, notes) -> Any:
    """Keep ``first`` if the file defined it before failing; otherwise a cannot-run error."""
    stopped = f"timed out after {timeout:g} s" if isinstance(error, TimedOut) else None
    stopped = stopped or f"raised {describe_error(error)}"
    if first in vars(module):
        notes.append(
            f"importing {path} {stopped} after {first} was defined; "
            "the rest of the file did not run"
        )
        return module
    sys.modules.pop(module.__name__, None)
    hint = ""
    if isinstance(error, ImportError) and "relative import" in str(error):
        hint = "; name it as package.module:NAME from the directory above the package"
    raise ImplementationError(spec, f"importing {path} {stopped}{hint}") from None


_MAX_STUBS = 8


class _Stub(types.ModuleType):
    """Stands in for a module that is not installed: every attribute and call gives a stub."""

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "__all__":
            # ``from layer import *``: the names the importing file uses and never defines
            # (its ``Layer`` base class) are the ones it expects from the missing module.
            names = _undefined_names(sys._getframe(1))
            if names is not None:
                return names
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        name = f"{self.__name__}.{attribute}"
        if name in _ON_NUMPY:
            # ``from autograd import numpy as np``: the submodule is reached as an attribute.
            _REACHED.add(name)
            return _NumpyStandIn(name)
        return _Stub(name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and not kwargs and inspect.isroutine(args[0]):
            # A decorator from a missing module (@njit, @njit(cache=True), @timeit) leaves the
            # function it decorates as written.
            return args[0]
        return _Stub(f"{self.__name__}()")

    def __iter__(self) -> Any:
        raise TypeError(f"{self.__name__} comes from a module that is not installed")

    def __mro_entries__(self, bases: tuple[Any, ...]) -> tuple[type, ...]:
        # ``class Softmax(Layer)`` with ``Layer`` from a sibling module that is not there: the
        # class is still defined, without that base (PEP 560).
        return ()


def stub_name(obj: Any) -> str:
    """The dotted name of an inert stub (``nnfs.activations.Activation_Softmax``), else ""."""
    return obj.__name__ if isinstance(obj, _Stub) else ""


def _undefined_names(frame: types.FrameType) -> list[str] | None:
    """Names a module's source loads but never binds, and that are not bound yet or builtins."""
    if frame.f_code.co_name != "<module>":
        return None
    try:
        tree = ast.parse(Path(frame.f_code.co_filename).read_text(encoding="utf-8"))
    except (OSError, ValueError, SyntaxError):
        return None
    loaded: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return sorted(loaded - bound - set(dir(builtins)) - set(frame.f_globals))


class _NumpyStandIn(types.ModuleType):
    """CuPy or autograd's numpy when not installed: both mirror NumPy, which runs the same code."""

    def __getattr__(self, attribute: str) -> Any:
        if attribute in ("asnumpy", "asarray"):
            return np.asarray
        if attribute == "get_array_module":
            return lambda *arrays: np
        return getattr(np, attribute)


def _stub(missing: str, stubs: list[str]) -> bool:
    if missing in stubs or len(stubs) >= _MAX_STUBS or missing.split(".")[0] in _NEVER_STUBBED:
        return False
    sys.modules[missing] = _NumpyStandIn(missing) if missing in _ON_NUMPY else _Stub(missing)
    stubs.append(missing)
    return True


def _stub_notes(stubs: list[str], consequence: str) -> list[str]:
    inert = [name for name in stubs if name not in _ON_NUMPY]
    on_numpy = [name for name in stubs if name in _ON_NUMPY]
    on_numpy += [name for name in sorted(_REACHED) if name not in on_numpy]
    _REACHED.clear()
    notes = []
    if on_numpy:
        notes.append(f"not installed, NumPy stood in for: {', '.join(on_numpy)} (same API)")
    if inert:
        notes.append(f"not installed, imported as inert stubs: {', '.join(inert)}{consequence}")
    return notes


#: array modules that mirror NumPy (a GPU library, HIPS autograd's wrapper): when they are not
#: installed, the code runs on NumPy arrays
_ON_NUMPY = {"cupy", "autograd.numpy"}
#: stand-ins handed out as attributes of a stub during the current import, for its note
_REACHED: set[str] = set()


#: libraries whose absence must be reported, never papered over
_NEVER_STUBBED = {"numpy", "torch", "jax", "jaxlib", "scipy", "symsoft"}


def import_module(where: str, spec: str, timeout: float | None) -> Any:
    # The installed `symsoft` script does not put the working directory on sys.path, but a
    # user naming `mypackage.ops:fn` means the package in the directory they are in.
    cwd = os.getcwd()
    added = cwd not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        with importing(timeout):
            return importlib.import_module(where)
    except TimedOut:
        raise ImplementationError(
            spec, f"importing {where} timed out after {timeout:g} s"
        ) from None
    except ModuleNotFoundError as error:
        raise ImplementationError(spec, f"no module named {error.name or where!r}") from None
    except (Exception, SystemExit) as error:
        raise ImplementationError(
            spec, f"importing {where} raised {describe_error(error)}"
        ) from None
    finally:
        if added:
            sys.path.remove(cwd)
