"""Benchmark the description search (family.finding.description_matches): p50/p95 and recall.

    python manage.py bench_description                              # 100,000 files, the configured database
    DATABASE_URL=postgres://... python manage.py bench_description --people 1000000 --keep

It runs in a database beside the configured one (as bench_deadlines does), dropped at the end unless
--keep (then a later --keep run with the same --people and --seed finds it filled and skips the load).
Files get synthetic Chinese names (surnames by frequency, one- or two-character given names from a
pool of common characters, one in ten an alias), a sex, an estimated age or a date of birth and a native
place, at 20 stations; the name keys are written as shelter.services.upkeep.keep_name_keys writes them
(lib.names.name_keys).

Each query is a description of a file on the register as a family or an intake desk would give it:
the same name, a name that sounds the same with other characters, one a southern accent merges
(陈/程, 刘/牛), an alias, or a near miss (another given name); the sex, an age range around the file's
age, the native place. Timed: the whole search (narrowing by the index, scoring), one query at a time.

Recall, twice: against the search as it was before the name keys (the surname's character, at most
500 newest files scored: every file it proposed must still be proposed), and
against exhaustive scoring of every file of a sample (--sample, the first files): the search must
propose exactly the sample's files that scoring each of them finds strong.
"""

import contextlib
import datetime
import os
import statistics
import tempfile
import time

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, models
from django.utils import timezone

from family import finding
from family.matching import Description
from lib.names import name_keys
from shelter.models import Person, PersonNameKey, Sex, Station

from ...bench import load_average, write

STATIONS = 20
# The most frequent surnames, roughly by frequency (the first ten carry about 40 % of people).
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国文玉红梅林志晓春燕云飞鹏辉斌波宇浩凯峰"
             "海亮新成德荣丹萍玲雪琴慧颖婷倩欣佳俊鑫宏毅立民永忠福贵珍凤琳莉晶萍桃翠菊花荷兵松柏山川")
PLACES = ["湖南省邵阳市隆回县", "湖南省衡阳市", "四川省达州市渠县", "河南省周口市", "安徽省阜阳市", "广西玉林市",
          "贵州省毕节市", "江西省赣州市于都县", "湖北省黄冈市", "广东省湛江市", "云南省昭通市", "甘肃省天水市",
          "河北省邯郸市", "山东省临沂市", "福建省莆田市", "重庆市万州区", "黑龙江省齐齐哈尔市", "陕西省汉中市"]
KINDS = ["same name", "same sound", "accent", "alias", "near miss"]
OLD_SCAN = 500  # TRACING_DESCRIPTION_SCAN before the name keys


class Command(BaseCommand):
    help = "Description search latency (p50/p95) and recall on a synthetic register (throwaway database)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--sample", type=int, default=10_000, help="files scored exhaustively for recall")
        parser.add_argument("--recall-queries", type=int, default=50,
                            help="queries checked against the exhaustive scoring of the sample")
        parser.add_argument("--keep", action="store_true", help="keep the database for a later --keep run")
        parser.add_argument("--seed", type=int, default=15)

    def handle(self, *args, people, queries, sample, recall_queries, keep, seed, **options):
        settings.DEBUG = False
        rng = np.random.default_rng(seed)
        register = synthetic_register(people, rng)
        with bench_database("bench_description", keep) as name:
            count = Person.objects.count()
            if count == people and Person.objects.filter(pk=people, name=register["name"][-1]).exists():
                self.out(f"bench_description: {connection.vendor} database {name}: {people:,} files from an earlier run")
            else:
                started = time.perf_counter()
                load(register)
                self.out(f"bench_description: {connection.vendor} database {name}: {people:,} files and "
                         f"{PersonNameKey.objects.count():,} name keys loaded in {time.perf_counter() - started:.0f} s")
            asked = make_queries(register, queries, rng)
            self.bench(asked, register, sample, recall_queries)

    def out(self, line=""):
        self.stdout.write(line)
        self.stdout.flush()

    def bench(self, asked, register, sample, recall_queries):
        for description, _kind in asked[:20]:  # warm-up: plans, caches
            finding.description_matches(description)
        times, narrowed, kinds, found = [], [], {}, []
        for description, kind in asked:
            started = time.perf_counter()
            hits = finding.description_matches(description)
            times.append((time.perf_counter() - started) * 1000)
            found.append({p.pk for p, _ in hits})
            kinds.setdefault(kind, []).append(len(hits))
            narrowed.append(finding.narrow_register(description.names).count())
        load = load_average()
        self.out(f"{len(asked)} queries (name, sex, age range, native place; at most "
                 f"{settings.TRACING_DESCRIPTION_SCAN} files scored): p50 {statistics.median(times):.1f} ms, "
                 f"p95 {np.percentile(times, 95):.1f} ms, max {max(times):.1f} ms; files scored per query: median "
                 f"{statistics.median(narrowed):.0f}, max {max(narrowed)}; load average {load}")
        self.out("  proposed per query, by kind: " + ", ".join(
            f"{kind} {statistics.mean(n):.1f}" for kind, n in kinds.items()))
        # Against the search before the name keys.
        started, old_times, missed, old_total = time.perf_counter(), [], 0, 0
        for (description, _kind), new in zip(asked, found):
            began = time.perf_counter()
            old = old_matches(description)
            old_times.append((time.perf_counter() - began) * 1000)
            old_total += len(old)
            missed += len(old - new)
        self.out(f"before (surname's character, {OLD_SCAN} newest scored): p50 "
                 f"{statistics.median(old_times):.1f} ms, p95 {np.percentile(old_times, 95):.1f} ms; it proposed "
                 f"{old_total} files, the keyed search {sum(map(len, found))}; recall of its proposals "
                 f"{(old_total - missed) / old_total if old_total else 1:.4f} ({missed} missed)")
        # Against exhaustive scoring of a sample.
        sample_people = list(Person.objects.filter(pk__lte=sample).select_related("station"))
        truth_total = hit = extra = 0
        started = time.perf_counter()
        for (description, _kind), new in list(zip(asked, found))[:recall_queries]:
            truth = {p.pk for p in sample_people
                     if finding.score_description(description, p, languages=[settings.LANGUAGE_CODE]).strong}
            mine = {pk for pk in new if pk <= sample}
            truth_total += len(truth)
            hit += len(truth & mine)
            extra += len(mine - truth)
        self.out(f"exhaustive scoring of the first {len(sample_people):,} files for {min(recall_queries, len(asked))} "
                 f"queries ({time.perf_counter() - started:.0f} s): {truth_total} strong, recall "
                 f"{hit / truth_total if truth_total else 1:.4f}, {extra} proposed that scoring does not find")


def old_matches(description):
    """The proposals of description_matches as it was before the name keys (narrowing by the name, an
    alias or the surname's character; at most the 500 newest files scored)."""
    narrow = models.Q(pk__in=[])
    for name in description.names:
        narrow |= models.Q(name=name) | models.Q(aliases__contains=name) | models.Q(name__startswith=name[0])
    files = Person.objects.filter(narrow, merged_into__isnull=True)
    if description.sex in (Sex.MALE, Sex.FEMALE):
        files = files.filter(sex__in=[description.sex, Sex.UNKNOWN])
    files = files.select_related("station").order_by("-created_at")[:OLD_SCAN]
    quick = [settings.LANGUAGE_CODE]
    return {p.pk for p in files if finding.score_description(description, p, languages=quick).strong}


@contextlib.contextmanager
def bench_database(suffix, keep):
    """A database beside the configured one (a file beside it for SQLite), dropped unless `keep`."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = os.path.join(tempfile.gettempdir(), f"homeward-{suffix}.sqlite3")
    else:
        test["NAME"] = f"{old_name}_{suffix}"
    name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=keep)
    try:
        yield name
    finally:
        if keep:
            connection.close()
            connection.settings_dict["NAME"] = old_name
        else:
            creation.destroy_test_db(old_name, verbosity=0)


def synthetic_register(count, rng):
    """Columns of `count` files (person id = index + 1)."""
    weights = 1 / np.arange(1, len(SURNAMES) + 1) ** 0.9
    surname = rng.choice(len(SURNAMES), size=count, p=weights / weights.sum())
    first = rng.integers(0, len(GIVEN), size=count)
    second = np.where(rng.random(count) < 0.7, rng.integers(0, len(GIVEN), size=count), -1)
    names = [SURNAMES[s] + GIVEN[a] + (GIVEN[b] if b >= 0 else "") for s, a, b in
             zip(surname.tolist(), first.tolist(), second.tolist())]
    alias = rng.random(count) < 0.1
    aliases = [("阿" + GIVEN[a] if i % 2 else "老" + SURNAMES[s]) if has else ""
               for i, (has, s, a) in enumerate(zip(alias.tolist(), surname.tolist(), first.tolist()))]
    age_min = rng.integers(16, 85, size=count)
    how = rng.choice(3, size=count, p=[0.6, 0.3, 0.1])  # estimate, date of birth, unknown
    return {
        "name": names, "aliases": aliases,
        "sex": rng.choice(np.array(["M", "F", "U"]), size=count, p=[0.7, 0.25, 0.05]),
        "station": rng.integers(1, STATIONS + 1, size=count),
        "age_min": np.where(how == 0, age_min, -1),
        "age_max": np.where(how == 0, age_min + rng.integers(3, 11, size=count), -1),
        "born_days_ago": np.where(how == 1, age_min * 365 + rng.integers(0, 365, size=count), -1),
        "place": rng.integers(0, len(PLACES), size=count),
        "created_minutes_ago": rng.integers(0, 5 * 365 * 24 * 60, size=count),
    }


def load(register):
    """Replace the files and their name keys (COPY on PostgreSQL)."""
    with connection.cursor() as cursor:
        for model in (PersonNameKey, Person, Station):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"TRUNCATE {table} CASCADE" if connection.vendor == "postgresql" else f"DELETE FROM {table}")
    Station.objects.bulk_create([Station(pk=i, code=f"D{i:02d}", name=f"Bench station {i}")
                                 for i in range(1, STATIONS + 1)])
    now, today = timezone.now(), timezone.localdate()
    count = len(register["name"])
    write("default", Person, count, {
        "id": range(1, count + 1),
        "file_no": (f"DESC-{i:08d}" for i in range(count)),
        "station_id": register["station"].tolist(),
        "name": register["name"], "aliases": register["aliases"],
        "sex": register["sex"].tolist(),
        "date_of_birth": (None if d < 0 else today - datetime.timedelta(days=d) for d in register["born_days_ago"].tolist()),
        "age_min": (None if a < 0 else a for a in register["age_min"].tolist()),
        "age_max": (None if a < 0 else a for a in register["age_max"].tolist()),
        "native_place": (PLACES[p] for p in register["place"].tolist()),
        "created_at": (now - datetime.timedelta(minutes=m) for m in register["created_minutes_ago"].tolist()),
    })
    keys = [(i + 1, key) for i, (name, aliases) in enumerate(zip(register["name"], register["aliases"]))
            for key in name_keys(name, aliases)]
    write("default", PersonNameKey, len(keys), {"id": range(1, len(keys) + 1), "person_id": (p for p, _ in keys),
                                                 "key": (k for _, k in keys)})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model, last in ((Person, count), (PersonNameKey, len(keys))):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), %s)", [last])
            cursor.execute("ANALYZE")


# Characters that sound alike: the same toneless pinyin, or the same after a southern accent's folds.
SAME_SOUND = {"王": "汪", "李": "黎", "张": "章", "刘": "留", "杨": "阳", "黄": "皇", "吴": "武", "周": "州",
              "徐": "许", "英": "鹰", "华": "花", "明": "名", "芳": "方", "丽": "莉", "平": "萍", "红": "宏"}
ACCENT = {"陈": "程", "刘": "牛", "张": "詹", "王": "万", "林": "宁", "胡": "傅", "生": "森", "兰": "南", "荣": "龙", "成": "岑"}


def make_queries(register, n, rng):
    """[(Description, kind)] of files on the register, in each way a name is heard."""
    asked = []
    count = len(register["name"])
    for i, person in enumerate(rng.integers(0, count, size=n).tolist()):
        kind = KINDS[i % len(KINDS)]
        name = register["name"][person]
        if kind == "same sound":
            name = "".join(SAME_SOUND.get(c, c) for c in name)
        elif kind == "accent":
            name = "".join(ACCENT.get(c, c) for c in name)
        elif kind == "alias" and register["aliases"][person]:
            name = register["aliases"][person]
        elif kind == "near miss":
            name = name[0] + GIVEN[(GIVEN.index(name[1]) + 7) % len(GIVEN)] + name[2:]
        born = register["born_days_ago"][person]
        youngest = int(born // 365) if born >= 0 else int(register["age_min"][person])
        sex = str(register["sex"][person])
        asked.append((Description(
            names=[name], sex=sex if sex != "U" else "M",
            age_min=max(youngest - 3, 0) if youngest >= 0 else None, age_max=youngest + 5 if youngest >= 0 else None,
            place=PLACES[register["place"][person]][:2],
        ), kind))
    return asked
