"""Benchmark: extracting the clues of a 2,000-character interview (tracing.clues.extract).

The division and township tables are read once per process (loading them is timed apart); each run extracts every clue
from a fresh interview of 2,000 characters: places (some old, some ambiguous), names and kin, landmarks,
phone and ID numbers, accent words. Goal: under 200 ms a run (the median is printed).
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand

from lib import idcard
from tracing import clues

GOAL_MS = 200
PIECES = [
    "俺是湖南邵阳的，屋里在隆回那边。", "我哥叫王建军，在红星机械厂上班。", "小时候在桃花坪镇读书，村口有条资江。",
    "那时候还叫黔阳地区，后来改了。", "他说他娘的电话是13873912345，记不清了。", "额爸是开拖拉机的，家在鼓楼区附近。",
    "问他吃饭没有，他说啥子都不想吃。", "记得有个大水库，旁边是农贸市场，赶集要走两个钟头。", "俺娘叫李秀英，在家种地。",
    "后来去了襄樊打工，在砖厂干过。", "他不太说话，问了好几遍才讲。", "他说屋后有条河，河边有棵大樟树。",
]


def interview(rng, size=2000):
    number = "43052419800101123" + idcard.check_char("43052419800101123")
    parts, length = [f"身份证号是{number}。"], 0
    while length < size:
        piece = rng.choice(PIECES)
        parts.append(piece)
        length += len(piece)
    return "".join(parts)[:size]


class Command(BaseCommand):
    help = "Time the extraction of clues from a 2,000-character interview (goal: under 200 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument("--chars", type=int, default=2000)

    def handle(self, *args, runs, chars, **options):
        start = time.perf_counter()
        clues.gazetteer()
        clues.accents()
        clues.townships()
        self.stdout.write(f"bench_interview: division and township tables loaded once in "
                          f"{(time.perf_counter() - start) * 1000:.0f} ms ({len(clues.gazetteer().names):,} division "
                          f"names, {len(clues.townships()):,} township names)")
        rng = random.Random(20261129)
        times, found = [], 0
        for _ in range(runs):
            text = interview(rng, chars)
            start = time.perf_counter()
            found = len(clues.extract(text))
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        verdict = "OK" if median < GOAL_MS else "TOO SLOW"
        self.stdout.write(f"  {chars:,} characters, {found} clues: median {median:.1f} ms, worst {max(times):.1f} ms "
                          f"over {runs} runs (goal < {GOAL_MS} ms): {verdict}")
