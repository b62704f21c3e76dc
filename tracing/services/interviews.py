"""Interviews and their clues: recorded, and each clue judged (accepted or dismissed)."""

from django.db import transaction
from django.utils import timezone

from lib import workflow

from .. import clues
from ..models import Clue, Interview, TracingCase


def record_interview(*, stay, by, words, interviewer, held_at=None, language="", interpreter="", conclusion="",
                     show_on_notice=False, audio=None):
    """Save an interview on the stay and the clues its words suggest (proposed, for staff to judge); the
    open case's next interview falls due a month after it (TracingCase.restart_interview)."""
    interview = Interview(stay=stay, words=words, interviewer=interviewer, held_at=held_at or timezone.now(),
                          language=language, interpreter=interpreter, conclusion=conclusion,
                          show_on_notice=show_on_notice, entered_by=by, audio=audio)
    interview.full_clean()
    with transaction.atomic():
        interview.save()
        propose_clues(interview)
        case = TracingCase.objects.filter(stay=stay, closed_at__isnull=True).first()
        if case is not None:
            case.restart_interview(interview.held_at)
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


def judge_clue(*, clue, step, by, code=""):
    """Accept (with the place chosen when the name was ambiguous, `code`) or dismiss a clue: Clue.accept /
    dismiss hold the rule; other apps follow on post_transition (family re-ranks the candidates)."""
    if step not in ("accept", "dismiss"):
        raise ValueError(step)
    return workflow.apply(clue, step, by, **({"code": code} if step == "accept" else {}))
