"""The station register: one person, one file.

A Person is the lifelong file; each arrival opens a Stay, which follows a django-fsm workflow
(reception -> in care -> departed | deceased). Services, departure and death hang off the stay.
Every record keeps when it happened and when it was entered (the ledger rule); nothing is deleted.

One module per family of records, lowest first: stations (and users), ledger (the rule every record of
an event follows), stays (with belongings, services, reviews), people, endings (departures, deaths, the
death report's sendings), transfers, notifications, audit (the transition log, the audit trail, the
heartbeats). Everything is re-exported here: `from shelter.models import X`.
"""

from .audit import (
    AuditEvent,
    Heartbeat,
    StateLog,
)
from .checks import (
    CheckState,
    Decision,
    SecondCheck,
    SelfApprovalRefused,
    checkers,
    checks_of,
    self_approval_message,
    target_key,
)
from .endings import (
    FOUND_CHANNEL_CHOICES,
    MONEY,
    Body,
    BodyState,
    Death,
    DeathReportSending,
    Departure,
    DepartureKind,
    FoundChannel,
    ProofKind,
    ReportRecipient,
)
from .ledger import (
    DOCUMENT_EXTENSIONS,
    FUTURE_MESSAGE,
    LateEntryError,
    LedgerEntry,
    late_reason_message,
)
from .notifications import (
    Notification,
    NotificationQuerySet,
)
from .people import (
    AGE_CONFLICT_YEARS,
    ID_NUMBER_MESSAGES,
    OLDEST_AGE,
    ArrivalRefused,
    Build,
    Fingerprints,
    MergeError,
    Person,
    PersonNameKey,
    PersonNameKeyQuerySet,
    PersonQuerySet,
    Sex,
    age_overlaps,
    check_identity_fields,
)
from .stations import (
    Station,
    StationQuerySet,
    User,
)
from .stays import (
    DEATH_OUTCOMES,
    DEPARTURE_OUTCOMES,
    OPEN_STAY_STATES,
    Belonging,
    BelongingOutcome,
    BroughtBy,
    Identity,
    IdentityBasis,
    MentalState,
    ReviewDecision,
    ReviewError,
    ReviewPoint,
    Service,
    ServiceKind,
    Stay,
    StayQuerySet,
    StayReview,
    StayState,
    identity_basis_errors,
)
from .transfers import (
    Transfer,
    TransferQuerySet,
    TransferState,
)

__all__ = [
    "CheckState",
    "Decision",
    "SecondCheck",
    "SelfApprovalRefused",
    "checkers",
    "checks_of",
    "self_approval_message",
    "target_key",
    "AGE_CONFLICT_YEARS",
    "ArrivalRefused",
    "AuditEvent",
    "Belonging",
    "BelongingOutcome",
    "Body",
    "BodyState",
    "BroughtBy",
    "DEATH_OUTCOMES",
    "DEPARTURE_OUTCOMES",
    "Build",
    "Fingerprints",
    "DOCUMENT_EXTENSIONS",
    "Death",
    "DeathReportSending",
    "Departure",
    "DepartureKind",
    "FOUND_CHANNEL_CHOICES",
    "FUTURE_MESSAGE",
    "FoundChannel",
    "Heartbeat",
    "ID_NUMBER_MESSAGES",
    "Identity",
    "IdentityBasis",
    "identity_basis_errors",
    "LateEntryError",
    "LedgerEntry",
    "MONEY",
    "MentalState",
    "MergeError",
    "Notification",
    "NotificationQuerySet",
    "OLDEST_AGE",
    "Person",
    "PersonNameKey",
    "PersonNameKeyQuerySet",
    "PersonQuerySet",
    "ProofKind",
    "ReportRecipient",
    "ReviewDecision",
    "ReviewError",
    "ReviewPoint",
    "Service",
    "ServiceKind",
    "Sex",
    "StateLog",
    "Station",
    "StationQuerySet",
    "Stay",
    "StayQuerySet",
    "StayReview",
    "StayState",
    "OPEN_STAY_STATES",
    "Transfer",
    "TransferQuerySet",
    "TransferState",
    "User",
    "age_overlaps",
    "check_identity_fields",
    "late_reason_message",
]
