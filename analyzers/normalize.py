"""Width normalisation for matching.

Every mapping is one character to one character, so an offset into the normalised
text is the same offset into the original: highlights computed on the normalised
form land exactly on the displayed wording.
"""
from __future__ import annotations

import re
from functools import lru_cache

_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}   # full-width ASCII → ASCII
_TABLE[0x3000] = 0x20                                         # ideographic space
_TABLE.update({cp: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
_TABLE.update({cp + 0xFEE0: cp + 32 for cp in range(ord("A"), ord("Z") + 1)})
_TABLE[0x00A0] = 0x20                                         # no-break space


# every key of _TABLE: the runs to translate are found in C, and str.translate (a dict
# lookup per character of a mostly-CJK text) runs only on them, six times faster
_MAPPED = re.compile("[\uff01-\uff5e\u3000\u00a0A-Z]+")


def _translate(m: re.Match) -> str:
    return m.group().translate(_TABLE)


@lru_cache(maxsize=1024)   # a clause's text is normalised by each analyzer in turn
def normalize(text: str) -> str:
    """Full-width → half-width, Latin lower-cased; same length as the input."""
    return _MAPPED.sub(_translate, text)
