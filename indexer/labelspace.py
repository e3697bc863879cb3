"""Labels padded with spaces (索 引 号, 发　布　日　期) and the patterns that find them.

Pages pad labels to an equal width with any horizontal space: ASCII, the ideographic
U+3000, no-break U+00A0, the typographic U+2002–U+200A and U+202F. A character class
holding the ones past U+00FF costs Python's regex compiler about 0.3 ms per occurrence,
and a label alternation has one between every two characters: 20–40 ms a pattern at
every start-up, a tenth of a one-file update. So a line is matched with its wide spaces
turned into ASCII spaces first (one character for one: every offset still holds, and
values are cut from the original line), and the patterns need only [ \\t\\u00a0].
"""
from __future__ import annotations

import re

WIDE_SPACES = "\u3000\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
NARROW_WS = "[ \t\u00a0]"
WS = f"[ \t\u00a0{WIDE_SPACES}]"          # any horizontal space, as written
_TO_NARROW = str.maketrans(dict.fromkeys(WIDE_SPACES, " "))


def narrowed(line: str) -> str:
    """The line with every wide space an ASCII space, same length."""
    return line.translate(_TO_NARROW)


def spaced(word: str) -> str:
    """A pattern for the word with spaces between its characters (on a narrowed line)."""
    return f"{NARROW_WS}*".join(map(re.escape, word))
