"""Are request payloads valid for an operation, as of a release, and since when are they broken.

>>> from changelog_tracker.check import check_payloads, validate   # doctest: +SKIP
>>> validate(shape, {"name": 1})                                    # doctest: +SKIP
[Error(path='name', kind='wrong-type', message='expected string, found integer 1')]
"""

from .compile import MODES, Compiler, Error, validate
from .history import Breakage
from .payloads import Payload, read_payloads
from .verdicts import Verdict, check_payloads

__all__ = [
    "MODES",
    "Breakage",
    "Compiler",
    "Error",
    "Payload",
    "Verdict",
    "check_payloads",
    "read_payloads",
    "validate",
]
