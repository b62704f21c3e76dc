"""Finding the family: the searches behind family reports and duplicate files, and how they rank.

Searches run by themselves, in Celery tasks after the commit (tracing.tasks), and each face search is
written to the audit log (AuditEvent FACE_SEARCH: who, which image, what came back):

- a family report (new, a photo added, or "search again"): each of its search photos against every
  encoded resident portrait with face.search.nearest() (all stations, past and present residents;
  filtered by sex only: an estimated age is too often wrong to exclude a face), and its description
  against the register (description_matches);
- a resident's new encoded portrait (face.signals.portrait_encoded): against the search photos of
  every open report, by an exact numpy comparison (open reports are few: a station has tens, a
  province hundreds), and against the other residents for duplicate files (face_duplicates);
- a new file at intake, before it is saved (possible_duplicates, shelter.hooks.DUPLICATE_FINDERS): its
  description against the register of every station, for the warning "this may be the same person
  as file X (seen at station Y on date Z)".

Ranking. A candidate's rank score is the weighted mean of a face score (weight 2, less for an old photo:
face_weight) and the description score of family.matching (weight 1); a part that cannot be measured
(no photo, no portrait, nothing known in common) counts 0.5, no evidence either way. The face counts
double because a face distance separates people far better than a description, whereas "man, 60-70"
fits many residents and the same name many more (王秀英). The face score reads the distance by how
rare strangers that close are in the serving encoder's calibration (face_score). Equal rank scores are
ordered by face distance.

A resident is proposed when the face distance is within the encoder's calibrated decision
(candidate_distance), or when the description alone is strong: the same ID number, or a name that
sounds the same (name score at least TRACING_MIN_NAME_SCORE) with a description score of at least
TRACING_MIN_DESCRIPTION_SCORE. Sex and age alone never propose anyone: they fit too many. At most
TRACING_MAX_CANDIDATES per report.
"""

import math
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from face.calibration import floor as calibration_floor
from face.encoding import encode, encoder_title, false_match_rate, is_candidate, match_distance, strangers_this_close
from face.models import Portrait
from face.reencoding import LEGACY, serving_encoder
from face.search import nearest
from lib.messages import Said
from shelter.models import AuditEvent, Notification, Person, PersonNameKey, Sex
from tracing import clues
from tracing.models import Clue, ClueKind, ClueState

from .matching import Description, compare, fold, name_score, pinyin, split_names
from .models import Candidate, CandidateState, FamilyReport, FoundBy, PossibleDuplicate, ReportState

FACE_WEIGHT = 2.0
DESCRIPTION_WEIGHT = 1.0
UNMEASURED = 0.5
FACE_SCORE_DECADE = 0.25  # the face score's change for each tenfold change of the false-match rate
KEYED_NAME_SCORE = 0.7  # a name score this high needs a shared search key (narrow_register)


def may_search(user):
    """Face searches are for roles with family.search_faces; a search the system makes for nobody
    (the demo data) is allowed."""
    return user is None or user.has_perm("family.search_faces")


def face_score(distance):
    """0.5 where settings.FACE_FALSE_MATCH_RATE of strangers are this close (the candidate decision,
    face.encoding.is_candidate), up a quarter for each tenfold rarer, down a quarter for each tenfold
    commoner: 1 where 1 in 10,000 strangers are this close, 0 where all are (issue 24: from the serving
    encoder's calibration, not a fixed distance)."""
    if distance is None:
        return None
    rate = false_match_rate(distance, serving_encoder())
    score = 0.5 + (math.log10(settings.FACE_FALSE_MATCH_RATE) - math.log10(rate)) * FACE_SCORE_DECADE
    return min(1.0, max(0.0, score))


def face_evidence(distance, encoder):
    """How a face distance measured by `encoder` ("name@version") reads for a supervisor: N of "about 1
    in N strangers are this close" (the calibration set's stranger pairs, face.calibration), whether
    that is beyond what the calibration could see (fewer than 1 in N), and the encoder's title."""
    encoder = encoder or LEGACY
    rate = false_match_rate(distance, encoder)
    return {"one_in": strangers_this_close(distance, encoder), "floor": rate <= calibration_floor(encoder),
            "encoder": encoder_title(encoder), "near": is_candidate(distance, encoder)}


def candidate_distance():
    """The face distance within which a resident is proposed: the serving encoder's calibrated decision."""
    return match_distance(serving_encoder())


def rank_score(distance, description_score, face_weight=FACE_WEIGHT):
    face = face_score(distance)
    face = UNMEASURED if face is None else face
    description = UNMEASURED if description_score is None else description_score
    return (face_weight * face + DESCRIPTION_WEIGHT * description) / (face_weight + DESCRIPTION_WEIGHT)


def old_photo(photo):
    """The years since the photo was taken when that is FACE_OLD_PHOTO_YEARS or more, else None."""
    years = photo.years_old() if photo is not None else None
    return years if years is not None and years >= settings.FACE_OLD_PHOTO_YEARS else None


def face_weight(photo):
    """The face's weight in the rank for a face measured on this photo: FACE_WEIGHT, times
    FACE_OLD_PHOTO_WEIGHT for an old photo (issue 24: on the Large Age-Gap set, the share of same-person
    pairs found across decades against at the same age, bench_age_gap; docs/performance.md), so that
    description, clues and interviews carry more."""
    return FACE_WEIGHT * (settings.FACE_OLD_PHOTO_WEIGHT if old_photo(photo) is not None else 1.0)


@dataclass
class Scored:
    """A description compared with a person's file: score (None if nothing was comparable), the
    fields for Candidate.reasons (each reason in every language of the site), and the name's score."""

    score: float
    fields: list
    name_score: float = 0.0
    same_id: bool = False

    @property
    def strong(self):
        """Enough to propose without a face: the same ID number, or a name that sounds the same and a
        description that agrees."""
        return self.same_id or (
            self.name_score >= settings.TRACING_MIN_NAME_SCORE
            and (self.score or 0) >= settings.TRACING_MIN_DESCRIPTION_SCORE
        )


ID_REASONS = {True: _("same ID number"), False: _("different ID numbers")}


def score_description(description, person, id_number="", languages=None):
    """Compare a description with a person's file. The reasons are stored in every site language (or
    those asked for), so a page shows them in its reader's language whatever language the worker ran
    in. A known ID number decides: the same gives 1, a different one 0."""
    texts = {}
    for code in languages or [code for code, _name in settings.LANGUAGES]:
        with translation.override(code):
            match = compare(description, Description.of_person(person))
            texts[code] = [f.reason for f in match.fields]
            if id_number and person.id_number:
                texts[code].append(str(ID_REASONS[id_number == person.id_number]))
    fields = [{"field": f.field, "score": round(f.score, 3), "reason": {c: t[i] for c, t in texts.items()}}
              for i, f in enumerate(match.fields)]
    score = match.score if match.fields else None
    same_id = bool(id_number) and id_number == person.id_number
    if id_number and person.id_number:
        score = 1.0 if same_id else 0.0
        fields.append({"field": "id_number", "score": score,
                       "reason": {c: t[-1] for c, t in texts.items()}})
    name = next((f.score for f in match.fields if f.field == "name"), 0.0)
    return Scored(score, fields, name, same_id)


def in_language(texts, language=None):
    """One stored reason ({language: text}) in the reader's language."""
    return texts.get(language or translation.get_language()) or next(iter(texts.values()), "")


def description_matches(description, id_number="", exclude=()):
    """[(person, Scored)] of files whose description is strong enough to propose, best first.

    The database first narrows the register to the files that could be strong (see narrow_register):
    the same ID number, or a name or alias with the same search key (shelter.models.PersonNameKey);
    the sex must not contradict. At most TRACING_DESCRIPTION_SCAN of those, newest first, are scored here.
    """
    if not description.names and not id_number:
        return []
    files = narrow_register(description.names, id_number).filter(merged_into__isnull=True)
    files = files.exclude(pk__in=[p for p in exclude if p])
    if description.sex in (Sex.MALE, Sex.FEMALE):
        files = files.filter(sex__in=[description.sex, Sex.UNKNOWN])
    files = files.select_related("station").order_by("-created_at")[:settings.TRACING_DESCRIPTION_SCAN]
    # Scored in one language first (half the work), then the few strong ones with all their reasons.
    quick = [settings.LANGUAGE_CODE]
    strong = [p for p in files if score_description(description, p, id_number, languages=quick).strong]
    found = [(person, score_description(description, person, id_number)) for person in strong]
    found.sort(key=lambda hit: -(hit[1].score or 0))
    return found


def narrow_register(names, id_number=""):
    """The files a description search scores: every file that could be strong (Scored.strong).

    A name scores TRACING_MIN_NAME_SCORE (0.8) or more only if the two names are the same, sound the
    same or sound alike in a southern accent (family.matching.name_score: anything else scores at most
    0.7), and then they share their search key (lib.names.name_key), looked up by an index: at a million
    files in a few milliseconds, where the surname's character alone matched tens of thousands
    (bench_description). Below 0.7 the score allows names that merely share characters, so the
    search falls back to the old narrowing: a name, an alias, or the surname's character.
    """
    ids = set(Person.objects.filter(id_number=id_number).values_list("pk", flat=True)) if id_number else set()
    if settings.TRACING_MIN_NAME_SCORE >= KEYED_NAME_SCORE:
        ids |= set(PersonNameKey.objects.people(names))
        return Person.objects.filter(pk__in=ids)
    narrow = models.Q(pk__in=ids)
    for name in names:
        narrow |= models.Q(name=name) | models.Q(aliases__contains=name) | models.Q(name__startswith=name[0])
    return Person.objects.filter(narrow)


def log_face_search(by, target, person=None, origin=None, at_station=None, **detail):
    """The audit record of one face search. The searches run in tasks, without a request: `origin`
    (lib.http.origin) carries the address and page of the request that caused it. A search nobody asked
    for (a report filed by a partner system) is recorded `at_station`, where its supervisors read it."""
    origin = origin or {}
    return AuditEvent.objects.create(
        user=by, station=getattr(by, "station", None) or at_station, action=AuditEvent.FACE_SEARCH, person=person,
        target=str(target)[:200], detail=detail, ip=origin.get("ip"), path=origin.get("path", ""),
    )


def hit_summary(person, distance):
    return {"person": person.pk, "file": person.file_no, "station": person.station.code, "distance": round(distance, 4)}


@dataclass
class FaceHit:
    distance: float
    portrait: object
    photo: object


def distances(vectors, vector):
    return np.linalg.norm(np.asarray(vectors, dtype=np.float32) - np.asarray(vector, dtype=np.float32), axis=1)


def nearest_pair(photos, portraits):
    """The nearest (photo, portrait) pair between two small lists, as a FaceHit, or None."""
    best = None
    for photo in photos:
        if not portraits:
            break
        d = distances([p.encoding for p in portraits], photo.encoding)
        i = int(np.argmin(d))
        if best is None or d[i] < best.distance:
            best = FaceHit(float(d[i]), portraits[i], photo)
    return best


# --- A family report against the register ----------------------------------------------------------


def search_report(report, by=None, origin=None):
    """Encode the report's new photos, search, and store the candidates. Returns the new candidates."""
    serving = serving_encoder()
    for photo in report.photos.all():
        # New, or encoded by an encoder the searches no longer use (face.reencoding).
        if photo.encoded_at is None or (photo.encoding is not None and (photo.encoder or LEGACY) != serving):
            encode_photo(photo)
    if not report.is_searching or not may_search(by):
        return []
    photos = report.search_photos()
    faces = {}  # person id -> FaceHit
    for photo in photos:
        hits = nearest(photo.encoding, k=settings.TRACING_FACE_CANDIDATES, sex=report.sex,
                       max_distance=candidate_distance())
        log_face_search(by, photo, origin=origin, at_station=report.station, report=report.reference,
                        photo=photo.pk, poor=photo.poor,
                        results=[hit_summary(p.person, d) for p, d in hits])
        for portrait, distance in hits:
            if portrait.person_id not in faces or distance < faces[portrait.person_id].distance:
                faces[portrait.person_id] = FaceHit(distance, portrait, photo)
    description = report.as_description()
    by_description = dict((p.pk, (p, s)) for p, s in description_matches(description, report.id_number))
    # A resident who said the missing person's name in an interview (an accepted clue of their own name)
    # is measured too, even when the file itself has no name.
    by_clue = said_names(report)
    people = Person.objects.filter(pk__in=set(faces) | set(by_description) | by_clue, merged_into__isnull=True)
    # A file found by its description is measured against the photos too: a far face speaks against it.
    portraits = {}
    for portrait in Portrait.objects.filter(person__in=(set(by_description) | by_clue) - set(faces),
                                            encoding__isnull=False):
        portraits.setdefault(portrait.person_id, []).append(portrait)
    said = accepted_clues([p.pk for p in people])
    rows = []
    for person in people.select_related("station"):
        face = faces.get(person.pk) or nearest_pair(photos, portraits.get(person.pk, []))
        scored = by_description[person.pk][1] if person.pk in by_description else score_description(
            description, person, report.id_number)
        effect = clue_effect(report, said.get(person.pk, []), scored.name_score)
        rows.append((person, face, scored, effect))
    # The resident's accepted interview clues move a candidate up or down (never out).
    rows.sort(key=lambda r: (-(rank_score(r[1].distance if r[1] else None, r[2].score,
                                          face_weight(r[1].photo if r[1] else None)) + r[3].delta),
                             r[1].distance if r[1] else 9))
    new = [c for c in (store(report, *row) for row in rows[:settings.TRACING_MAX_CANDIDATES]) if c]
    return finish(report, new, by)


def encode_photo(photo):
    """Compute and store the encoding of a report photo's main face with the encoder the searches use
    (face.reencoding.serving_encoder); False when it shows none."""
    encoder = serving_encoder()
    with photo.image.open("rb") as f:
        return photo.store_encoding(encode(f.read(), encoder), encoder)


def store(report, person, face, scored, effect=None):
    """Create or rescore the candidate (report, person); a reviewed pair is left as it was. `effect`: what
    the resident's accepted interview clues do to it (looked up when not given). Returns the candidate if
    it is new."""
    distance = face.distance if face else None
    if effect is None:
        effect = clue_effect(report, accepted_clues([person.pk]).get(person.pk, []), scored.name_score)
    values = {
        "stay": person.current_stay, "portrait": face.portrait if face else None, "photo": face.photo if face else None,
        "face_distance": distance, "description_score": scored.score,
        "score": rank_score(distance, scored.score, face_weight(face.photo if face else None)) + effect.delta,
        "clue_score": effect.delta,
        "reasons": {"fields": scored.fields, "clues": effect.entries}, "scored_at": timezone.now(),
    }
    candidate, created = Candidate.objects.get_or_create(report=report, person=person, defaults=values)
    if not created:
        Candidate.objects.filter(pk=candidate.pk, state=CandidateState.PROPOSED).update(**values)
    return candidate if created else None


def finish(report, new, by):
    """After a search: the report moves to "candidate found" on its first proposal; staff are told.
    What the search writes for people to read (history, messages) is stored as codes and parameters
    (tracing.messages), worded in each reader's language."""
    with transaction.atomic():
        report = FamilyReport.objects.select_for_update().get(pk=report.pk)
        if report.state == ReportState.OPEN and report.candidates.proposed().exists():
            report.propose(by=by, reason=Said("found_by_search"))
            report.save()
        FamilyReport.objects.filter(pk=report.pk).update(searched_at=timezone.now())
    if new:
        notify_new(report, new)
    return new


def notify_new(report, candidates):
    """The staff member who took the report hears of every new candidate; a station where a candidate
    lives hears of its own residents (it is the one to review them)."""
    taker = report.taken_by if report.taken_by and report.taken_by.is_active else None
    if taker:
        Notification.send(
            [taker], kind="family_candidate", params={"ref": report.reference, "n": len(candidates)},
            url=report.get_absolute_url(), station=report.station, reference=report.reference,
        )
    for candidate in candidates:
        if candidate.person.station_id == report.station_id:
            continue
        stay = candidate.stay
        staff = candidate.person.station.who_is_told(stay.staff_in_charge if stay else None)
        Notification.send(
            staff, kind="family_candidate_here", params={
                "station": report.station.name, "name": candidate.person.name, "file": candidate.person.file_no,
                "ref": report.reference, "phone": report.station.phone or "-"},
            url=candidate.get_absolute_url(), station=candidate.person.station, reference=candidate.person.file_no,
        )


# --- A resident's new portrait against the open reports --------------------------------------------


def search_portrait(portrait, origin=None):
    """Compare a newly encoded portrait with every open report's search photos, propose the resident
    where the face is near enough, and look for another file of the same person. Returns the new
    candidates."""
    person = portrait.person
    by = portrait.taken_by
    if portrait.encoding is None or person.merged_into_id or not may_search(by):
        return []
    reports = FamilyReport.objects.searching().select_related("station").prefetch_related("photos")
    if person.sex in (Sex.MALE, Sex.FEMALE):
        reports = reports.filter(sex__in=[person.sex, Sex.UNKNOWN])
    hits = []
    for report in reports:
        face = nearest_pair(report.search_photos(), [portrait])
        if face and face.distance <= candidate_distance():
            hits.append((report, face))
    twins = face_duplicates(portrait)
    log_face_search(by, portrait, person=person, origin=origin, portrait=portrait.pk,
                    reports=[{"report": r.reference, "distance": round(f.distance, 4)} for r, f in hits],
                    people=[hit_summary(p.person, d) for p, d in twins])
    new = []
    for report, face in hits:
        candidate = store(report, person, face, score_description(report.as_description(), person, report.id_number))
        finish(report, [candidate] if candidate else [], by)
        new += [candidate] if candidate else []
    return new


# --- Have we seen this person before? -------------------------------------------------------------


@dataclass
class Duplicate:
    """A file that may be the person being registered, with what the intake page says of it."""

    person: Person
    score: float
    fields: list
    last_stay: object

    @property
    def station(self):
        return self.person.station

    @property
    def reasons(self):
        """The reasons in the reader's language."""
        return [in_language(f["reason"]) for f in self.fields]


def possible_duplicates(person):
    """Files of any station that may be the same person as `person` (not saved yet, or saved: it is
    left out), from the description; [] when neither a name nor an ID number was given."""
    found = description_matches(Description.of_person(person), person.id_number, exclude=[person.pk])
    return [Duplicate(p, s.score, s.fields, p.current_stay) for p, s in found]


def face_duplicates(portrait):
    """Other residents whose portrait is near this one: [(Portrait, distance)], each recorded as a
    PossibleDuplicate (still open unless already judged)."""
    hits = nearest(portrait.encoding, k=settings.TRACING_DUPLICATE_CANDIDATES, exclude_person=portrait.person,
                   max_distance=candidate_distance())
    hits = [(p, d) for p, d in hits if not p.person.merged_into_id]
    for other, distance in hits:
        PossibleDuplicate.record(portrait.person, other.person, FoundBy.FACE, face_distance=distance)
    return hits


# --- What an interview's accepted clues say about the family reports ---------------------------------

PLACE_SCORES = {6: 1.0, 4: 0.7, 2: 0.4}  # the same county, city, province (digits of the code in common)
ACCENT_SCORE = 0.1  # an accent only adds; it never takes away
CONTRADICTS = -1.0  # a report whose home place is known and in another province


@dataclass
class ReportFit:
    """A family report measured against what a person said: place, name and accent scores, the
    candidate (if the searches proposed one), and the reasons; best first by `score`."""

    report: FamilyReport
    place: float = 0.0
    name: float = 0.0
    accent: float = 0.0
    candidate: object = None
    reasons: list = None

    @property
    def score(self):
        base = self.candidate.score if self.candidate and self.candidate.score is not None else 0.0
        return self.place + self.name + self.accent + base


def report_places(report):
    """The division codes a report's home place (else where they were last seen) names."""
    codes = []
    for text in (report.native_place, report.last_seen_place):
        for clue in clues.places(text or ""):
            codes += clue.place_codes
        if codes:
            break
    return codes


def precision(code):
    """How many digits of a division code count: 2 for a province, 4 for a city, 6 for a county."""
    return 2 if code.endswith("0000") else 4 if code.endswith("00") else 6


def place_score(said, known):
    """How far two lists of division codes agree: the same county 1, city 0.7, province 0.4; only
    other provinces, -1; nothing known, 0."""
    if not said or not known:
        return 0.0
    return max(PLACE_SCORES.get(agreement(a, b), CONTRADICTS) for a in said for b in known)


def rank_reports(person):
    """The family reports still searching, ranked by the person's accepted interview clues: a report
    from the county they named ranks first; names they gave are compared with the missing person's
    and the reporter's names (pinyin-aware, family.matching); accent words add regions, never remove
    one. Reports already proposed as candidates for the person keep their search score as a base."""
    accepted = list(Clue.objects.accepted().filter(interview__stay__person=person))
    places = [code for c in accepted if c.kind in (ClueKind.PLACE, ClueKind.ID_NUMBER) for code in c.place_codes]
    names = [c.normalised for c in accepted if c.kind == ClueKind.NAME]
    regions = {r for c in accepted if c.kind == ClueKind.ACCENT for r in c.regions}
    candidates = {c.report_id: c for c in Candidate.objects.filter(person=person)}
    fits = []
    for report in FamilyReport.objects.searching().select_related("station"):
        fit = ReportFit(report, candidate=candidates.get(report.pk), reasons=[])
        known = report_places(report)
        fit.place = place_score(places, known)
        if fit.place > 0:
            fit.reasons.append(report.native_place or report.last_seen_place)
        wanted = split_names(report.name, report.aliases) + [report.reporter_name]
        for said in names:
            for other in wanted:
                score, reason = name_score(said, other)
                if score >= settings.TRACING_MIN_NAME_SCORE and score > fit.name:
                    fit.name, fit.reasons = score, fit.reasons + [str(reason)]
        if regions and any(code[:2] in regions for code in known):
            fit.accent = ACCENT_SCORE
        if fit.candidate or fit.place > 0 or fit.name > 0:
            fits.append(fit)
    fits.sort(key=lambda f: (-f.score, -f.report.reported_at.timestamp()))
    return fits


# --- Accepted clues in the automatic matching ------------------------------------------------------
#
# A resident's accepted interview clues also move the candidates the searches propose (family report ->
# residents, resident's portrait -> reports): the rank score of a candidate whose report names the county
# the person named gains CLUE_PLACE[6], the city CLUE_PLACE[4], the province CLUE_PLACE[2]; a report that
# names only other provinces loses CLUE_ELSEWHERE (lower, never excluded). A name the person gave that
# sounds like the missing person's (their own name) or the reporter's (a relative's name) adds
# CLUE_NAME_WEIGHT × its name score to the description score (on top of it: a description that already
# agrees in full still gains; a name the file has already counts once). These are small beside the
# face (weight 2 of 3): a clue reorders candidates of like evidence, it never outweighs a face.

CLUE_PLACE = {6: 0.15, 4: 0.10, 2: 0.05}
CLUE_ELSEWHERE = -0.05
CLUE_NAME_WEIGHT = 0.3
# An accent word typical of the report's province (tracing/data/accents.csv) adds a little, never takes
# away, and not on top of a place clue that already agrees with the report's province or closer.
CLUE_ACCENT = 0.03
LEVELS = {6: "county", 4: "city", 2: "province", 0: "elsewhere"}
CLUE_KINDS = (ClueKind.PLACE, ClueKind.ID_NUMBER, ClueKind.NAME, ClueKind.ACCENT)


@dataclass
class ClueEffect:
    delta: float = 0.0  # added to the rank score
    entries: list = None  # what each clue did, as codes and parameters (Candidate.clue_reasons words them)


def accepted_clues(people, changed=None):
    """{person id: [Clue]}: the accepted place, ID-number and name clues of these people's interviews.
    `changed`: a clue whose step has just run and is not saved yet (it counts as it now stands)."""
    clues_ = Clue.objects.accepted().filter(interview__stay__person__in=list(people), kind__in=CLUE_KINDS)
    if changed is not None:
        clues_ = clues_.exclude(pk=changed.pk)
    found = {}
    for clue in clues_.select_related("interview__stay"):
        found.setdefault(clue.interview.stay.person_id, []).append(clue)
    if changed is not None and changed.state == ClueState.ACCEPTED and changed.kind in CLUE_KINDS:
        found.setdefault(changed.interview.stay.person_id, []).append(changed)
    return found


def agreement(said, known):
    """Digits two division codes share, as far as both are precise: 6 (county), 4 (city), 2 (province), 0."""
    common = 6 if said == known else 4 if said[:4] == known[:4] else 2 if said[:2] == known[:2] else 0
    return min(common, precision(said), precision(known))


def clue_entry(clue, **more):
    value = clue.normalised or clue.value
    if clue.kind == ClueKind.ID_NUMBER:  # the ID number's county, not the number
        value = next((name for _code, name in clue.candidates or []), value)
    on = timezone.localtime(clue.interview.held_at).date().isoformat()
    return {"kind": clue.kind, "clue": clue.pk, "value": value, "on": on, **more}


def clue_effect(report, said, description_name=0.0):
    """What a resident's accepted clues (`said`) do to their candidacy for `report`: a ClueEffect."""
    effect = ClueEffect(0.0, [])
    known = report_places(report) if any(c.kind != ClueKind.NAME for c in said) else []
    best = None  # (digits in common, clue)
    for clue in said:
        if clue.kind in (ClueKind.NAME, ClueKind.ACCENT):
            continue
        for code in clue.place_codes:
            for other in known:
                level = agreement(code, other)
                if best is None or level > best[0]:
                    best = (level, clue)
    if best is not None:
        level, clue = best
        delta = CLUE_PLACE.get(level, CLUE_ELSEWHERE)
        effect.delta += delta
        effect.entries.append(clue_entry(clue, level=LEVELS[level], delta=round(delta, 3)))
    if best is None or best[0] < 2:
        provinces = {code[:2] for code in known}
        spoken = next((c for c in said if c.kind == ClueKind.ACCENT and provinces & set(c.regions)), None)
        if spoken is not None:
            effect.delta += CLUE_ACCENT
            effect.entries.append(clue_entry(spoken, level="accent", delta=CLUE_ACCENT))
    heard = None  # (name score, clue, the report's name, whose)
    for clue in said:
        if clue.kind != ClueKind.NAME:
            continue
        targets = [(n, "missing") for n in split_names(report.name, report.aliases)] if clue.code in ("self", "") else []
        if clue.code != "self" and report.reporter_name:
            targets.append((report.reporter_name, "reporter"))
        for other, role in targets:
            score, _reason = name_score(clue.normalised, other)
            if score >= settings.TRACING_MIN_NAME_SCORE and (heard is None or score > heard[0]):
                heard = (score, clue, other, role)
    # A name the file already has, and that the description scored as high, counts once.
    if heard is not None and not (heard[3] == "missing" and description_name >= heard[0]):
        score, clue, other, role = heard
        delta = DESCRIPTION_WEIGHT * CLUE_NAME_WEIGHT * score / (FACE_WEIGHT + DESCRIPTION_WEIGHT)
        effect.delta += delta
        effect.entries.append(clue_entry(clue, role=role, other=other, delta=round(delta, 3)))
    return effect


def said_names(report):
    """Ids of the people who gave, in an accepted interview clue, their own name sounding like the missing
    person's (pinyin-aware, at least TRACING_MIN_NAME_SCORE). Narrowed to the clues beginning with a
    surname of the same sound."""
    wanted = split_names(report.name, report.aliases)
    if not wanted:
        return set()
    narrow = models.Q(pk__in=[])
    for name in wanted:
        for surname in sounding_surnames(name):
            narrow |= models.Q(normalised__startswith=surname)
    found = set()
    for person_id, said in (Clue.objects.accepted().filter(narrow, kind=ClueKind.NAME, code__in=["self", ""])
                            .values_list("interview__stay__person", "normalised")):
        if any(name_score(said, name)[0] >= settings.TRACING_MIN_NAME_SCORE for name in wanted):
            found.add(person_id)
    return found


def rerank(person_id, changed=None):
    """Score the proposed candidates of a resident again after a clue was accepted or dismissed (only
    the clues' part changes; the face and description stay as the last search measured them). Cheap:
    a resident is a candidate for a few reports. Returns how many candidates were rescored."""
    said = accepted_clues([person_id], changed).get(person_id, [])
    done = 0
    for candidate in Candidate.objects.proposed().filter(person_id=person_id).select_related("report", "photo"):
        name = next((f["score"] for f in candidate.reasons.get("fields", []) if f.get("field") == "name"), 0.0)
        effect = clue_effect(candidate.report, said, name)
        if effect.entries == candidate.reasons.get("clues", []) and effect.delta == candidate.clue_score:
            continue
        base = rank_score(candidate.face_distance, candidate.description_score, face_weight(candidate.photo))
        done += Candidate.objects.filter(pk=candidate.pk, state=CandidateState.PROPOSED).update(
            score=base + effect.delta, clue_score=effect.delta, reasons={**candidate.reasons, "clues": effect.entries},
            scored_at=timezone.now())
    return done


# --- Names the person gave, against the files of other stations -------------------------------------


@dataclass
class Lead:
    """A file at another station whose name sounds like a name the person gave: shown as a lead with
    only what a station may see of another station's file (station, file number, how the names agree)."""

    clue: object
    person: Person
    score: float

    @property
    def station(self):
        return self.person.station


def sounding_surnames(name):
    """The surname characters that sound like the first of `name` (章 for 张), itself included."""
    first = fold(pinyin(name[:1]))
    return {s for s in clues.SURNAMES if fold(pinyin(s)) == first} | {name[:1]}


def name_leads(person):
    """Files of other stations (not merged) whose name or an alias sounds like an accepted name clue of
    the person (pinyin-aware, matching.name_score at least TRACING_MIN_NAME_SCORE), best first. The
    register is narrowed to the names beginning with a surname of the same sound."""
    said = list(Clue.objects.accepted().filter(kind=ClueKind.NAME, interview__stay__person=person)
                .select_related("interview"))
    if not said:
        return []
    narrow = models.Q(pk__in=[])
    for clue in said:
        for surname in sounding_surnames(clue.normalised):
            narrow |= models.Q(name__startswith=surname) | models.Q(aliases__contains=surname)
    files = (Person.objects.filter(narrow, merged_into__isnull=True).exclude(station=person.station_id)
             .exclude(pk=person.pk).select_related("station").order_by("-created_at")[:settings.TRACING_DESCRIPTION_SCAN])
    leads = {}
    for other in files:
        for clue in said:
            score = max(name_score(clue.normalised, n)[0] for n in split_names(other.name, other.aliases))
            if score >= settings.TRACING_MIN_NAME_SCORE and (other.pk not in leads or score > leads[other.pk].score):
                leads[other.pk] = Lead(clue, other, score)
    return sorted(leads.values(), key=lambda lead: (-lead.score, lead.person.file_no))
