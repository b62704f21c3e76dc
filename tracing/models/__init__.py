"""Tracing's models, in two rooms:

- tracing cases against the clock (cases: TracingCase with its deadlines, QuickQuery, Publication,
  DnaReferral, HouseholdApplication);
- interviews and the clues in their words (interviews: Interview, Clue).

Each module holds its models, their transitions and their queries; nothing here queues work or reacts
to other apps (that is tracing.services and tracing.receivers).
"""

from .cases import (
    OPEN_STATES,
    CaseState,
    Channel,
    CloseCause,
    Deadline,
    DnaDatabase,
    DnaReferral,
    DnaResult,
    HouseholdApplication,
    HouseholdOutcome,
    Publication,
    PublicationState,
    QueryKind,
    QueryResult,
    QuickQuery,
    Stage,
    TracingCase,
    TracingCaseQuerySet,
    due_field,
    in_stage,
    sent_field,
    warn_field,
)
from .interviews import Clue, ClueKind, ClueState, Interview

__all__ = [
    "OPEN_STATES", "CaseState", "Channel", "CloseCause", "Clue", "ClueKind", "ClueState", "Deadline", "DnaDatabase",
    "DnaReferral", "DnaResult", "HouseholdApplication", "HouseholdOutcome", "Interview", "Publication", "PublicationState", "QueryKind", "QueryResult",
    "QuickQuery", "Stage", "TracingCase", "TracingCaseQuerySet", "due_field", "in_stage", "sent_field", "warn_field",
]
