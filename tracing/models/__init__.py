"""Tracing's models, in two rooms:

- tracing cases against the clock (cases: TracingCase with its deadlines, QuickQuery, Publication,
  DnaReferral);
- finding the family (reports: FamilyReport, ReportPhoto; candidates: Candidate; duplicates:
  PossibleDuplicate).

Each module holds its models, their transitions and their queries; nothing here queues work or reacts
to other apps (that is tracing.services and tracing.receivers).
"""

from .candidates import Candidate, CandidateQuerySet, CandidateState
from .cases import (
    OPEN_STATES,
    CaseState,
    Channel,
    CloseCause,
    Deadline,
    DnaDatabase,
    DnaReferral,
    DnaResult,
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
from .duplicates import DuplicateState, FoundBy, PossibleDuplicate
from .finance import FinanceComparison
from .interviews import Clue, ClueKind, ClueState, Interview
from .problems import DataComparison, MonthlyInspection, Problem, ProblemKind, ProblemState, Severity
from .reports import SEARCHING_STATES, FamilyReport, FamilyReportQuerySet, ReportedVia, ReportPhoto, ReportState

__all__ = [
    "OPEN_STATES", "SEARCHING_STATES", "Candidate", "CandidateQuerySet", "CandidateState", "CaseState", "Channel",
    "CloseCause", "Clue", "ClueKind", "ClueState", "DataComparison", "Deadline", "DnaDatabase", "DnaReferral",
    "DnaResult", "DuplicateState", "FamilyReport", "FamilyReportQuerySet", "FinanceComparison", "FoundBy", "Interview",
    "MonthlyInspection", "PossibleDuplicate", "Problem", "ProblemKind", "ProblemState", "Publication",
    "PublicationState", "QueryKind", "Severity",
    "QueryResult", "QuickQuery", "ReportPhoto", "ReportState", "ReportedVia", "Stage", "TracingCase",
    "TracingCaseQuerySet", "due_field", "in_stage", "sent_field", "warn_field",
]
