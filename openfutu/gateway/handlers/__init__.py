"""Protocol handlers; importing this package registers them all."""

from . import system  # noqa: F401
