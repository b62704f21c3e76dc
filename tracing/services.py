"""Writes of tracing that span several models. Keyword-only arguments and no request: views, tasks,
receivers, the demo data and the tests call the same functions. The rules stay on the models
(transitions, querysets)."""

from django.db import transaction
from django.utils import timezone

from . import clues
from .models import Clue, Interview, TracingCase


def follow_transfer(*, stay):
    """A transfer accepted: the open case of the sending station's stay moves to `stay`, the receiving
    station's, with its notices and deadlines. Returns whether a case moved."""
    return bool(TracingCase.objects.filter(stay_id=stay.transferred_from_id, closed_at__isnull=True).update(
        stay=stay, station=stay.person.station_id))


def follow_merge(*, merged, survivor, by):
    """Files of two stations merged by an administrator: the moved stays' cases are the surviving
    station's (inside the merge's transaction)."""
    TracingCase.objects.filter(stay__person=survivor).exclude(station=survivor.station_id).update(
        station=survivor.station_id)


# --- Interviews -------------------------------------------------------------------------------------


def record_interview(*, stay, by, words, interviewer, held_at=None, language="", interpreter="", conclusion="",
                     show_on_notice=False, audio=None):
    """Save an interview on the stay and the clues its words suggest (proposed, for staff to judge)."""
    interview = Interview(stay=stay, words=words, interviewer=interviewer, held_at=held_at or timezone.now(),
                          language=language, interpreter=interpreter, conclusion=conclusion,
                          show_on_notice=show_on_notice, entered_by=by, audio=audio)
    interview.full_clean()
    with transaction.atomic():
        interview.save()
        propose_clues(interview)
    return interview


def propose_clues(interview):
    """Store the clues of the interview's words (its language recorded by staff counts as an accent)."""
    found = clues.extract(interview.words)
    regions = clues.dialect_regions(interview.language)
    if regions:
        found.append(clues.Clue("accent", interview.language, interview.language, "", "", len(interview.words),
                                regions=regions))
    Clue.objects.bulk_create([
        Clue(interview=interview, kind=c.kind, value=c.value[:100], normalised=c.normalised[:100], code=c.code[:20],
             candidates=[list(x) for x in c.candidates], regions=c.regions, valid=c.valid, sentence=c.sentence,
             position=c.start)
        for c in found
    ])
