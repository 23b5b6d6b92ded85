"""Question families (topics). Each module registers its families with `@family(...)`.

Modules are discovered in name order, so adding a family is adding a file; `REGISTRY` maps a
topic name to its Family and is filled on first use by `load_families()`.
"""

from __future__ import annotations

import importlib
import pkgutil

from gatebp.questions.families.base import REGISTRY, Family, family

_SKIP = {"base", "common"}


def load_families() -> dict[str, Family]:
    """Import every family module once; return the registry in topic-name order."""
    if not getattr(load_families, "_done", False):
        for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
            if module not in _SKIP and not module.startswith("_"):
                importlib.import_module(f"{__name__}.{module}")
        load_families._done = True  # type: ignore[attr-defined]
    return dict(sorted(REGISTRY.items()))


__all__ = ["REGISTRY", "Family", "family", "load_families"]
