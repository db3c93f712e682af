"""Protocol handlers; importing this package registers them all.

Every module in this package registers its protocols with ``@handles`` when
imported, so a new handler module needs no line here.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
