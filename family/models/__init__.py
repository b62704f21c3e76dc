"""Family finding's models, in three rooms:

- what a family reports (reports: FamilyReport, ReportPhoto);
- the residents proposed for a report (candidates: Candidate);
- two files that may be one person (duplicates: PossibleDuplicate).

Each module holds its models, their transitions and their queries; nothing here queues work or reacts
to other apps (that is family.services and family.receivers).
"""

from .candidates import Candidate, CandidateQuerySet, CandidateState, sentences, undone_lines
from .duplicates import DuplicateState, FoundBy, PossibleDuplicate
from .reports import SEARCHING_STATES, FamilyReport, FamilyReportQuerySet, ReportedVia, ReportPhoto, ReportState

__all__ = [
    "SEARCHING_STATES", "Candidate", "CandidateQuerySet", "CandidateState", "DuplicateState", "FamilyReport",
    "FamilyReportQuerySet", "FoundBy", "PossibleDuplicate", "ReportPhoto", "ReportState", "ReportedVia", "sentences",
    "undone_lines",
]
