"""Package re-exports imported on first use (PEP 562).

A package's ``__init__`` names what it offers; the module that defines each name is imported
only when the name is first read. ``yigai --help`` imports a command's package to build its
help, and must not pay for pandas, Arrow or DuckDB to do so (tests/test_cli_startup.py).
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from importlib import import_module


class _Package(types.ModuleType):
    """A package whose re-exports win over its submodules of the same name: importing
    ``yigai.assess.consequences`` must not turn ``yigai.assess.consequences`` (the function
    the package offers) into the module."""

    def __setattr__(self, name: str, value: object) -> None:
        offered = self.__dict__.get("_lazy_names", ())
        if (
            name in offered
            and isinstance(value, types.ModuleType)
            and value.__name__ == f"{self.__name__}.{name}"
        ):
            return
        super().__setattr__(name, value)


def lazy_exports(
    package: str, exports: dict[str, list[str]]
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``, given ``{module: [names]}``."""
    where = {name: module for module, names in exports.items() for name in names}
    module_object = sys.modules[package]
    module_object._lazy_names = frozenset(where)  # type: ignore[attr-defined]
    module_object.__class__ = _Package

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)  # read once, then a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__, sorted(where)
