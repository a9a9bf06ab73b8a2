"""One module per dashboard page.

A page module defines ``PATH``, ``NAME``, ``ORDER``, ``layout(**query)`` and ``register(app, home)``; the latter
calls ``dash.register_page`` and attaches the page's callbacks to ``app``. Adding a page is adding a module here:
the shell finds it, registers it and puts it in the navbar.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def page_modules() -> list[ModuleType]:
    """The page modules of this package, in navbar order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "register", None)):
            found.append(module)
    return sorted(found, key=lambda m: (m.ORDER, m.PATH))


def navbar_paths() -> tuple[str, ...]:
    """The paths of the pages in the navbar (every page but "not found"), in navbar order."""
    return tuple(m.PATH for m in page_modules() if getattr(m, "IN_NAVBAR", True))
