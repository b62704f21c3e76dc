"""Chinese names by their sound: pinyin without tones, the accent folds, and the search keys built from them.

family.matching scores two names with these (the same characters; the same sound; a similar sound
in a southern accent); shelter stores each file's keys (shelter.models.PersonNameKey) so that the
description search finds every file whose name could score that high with one indexed lookup.
"""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Sounds that southern speakers and tired listeners merge; folded to one spelling before comparing.
ACCENT_FOLDS = [(r"^zh", "z"), (r"^ch", "c"), (r"^sh", "s"), (r"^n", "l"), (r"^h(?=u)", "f"),
                (r"ng$", "n"), (r"^r", "l")]
KEY_LENGTH = 100  # PersonNameKey.key's max_length; longer keys are cut (still a superset of the matches)


def split_names(name, aliases=""):
    """A name and its aliases (separated by commas, 、, semicolons or spaces), each stripped."""
    names = [name] + re.split(r"[,，、;；\s]+", aliases or "")
    return [n.strip() for n in names if n and n.strip()]


@lru_cache(maxsize=65536)
def pinyin(name):
    """Toneless pinyin of the Chinese characters in a name (others are left out)."""
    return tuple(lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))


@lru_cache(maxsize=65536)
def fold(syllables):
    """The syllables (a tuple) as one string, each with the accent folds applied."""
    folded = []
    for s in syllables:
        for pattern, repl in ACCENT_FOLDS:
            s = re.sub(pattern, repl, s)
        folded.append(s)
    return " ".join(folded)


def name_key(name):
    """The key two names share whenever family.matching.name_score gives them 0.8 or more: the folded
    pinyin (the same characters, the same sound and a southern accent's sound all fold alike), or, for
    a name without Chinese characters (which only the same spelling matches), "=" and the name."""
    sound = pinyin(name)
    return (fold(sound) if sound else "=" + name)[:KEY_LENGTH]


def name_keys(name, aliases=""):
    """The distinct keys of a name and its aliases."""
    return sorted({name_key(n) for n in split_names(name, aliases)})
