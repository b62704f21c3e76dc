"""Writes of the register: the only way a view (or seed_demo, a task, a test) changes rows. Keyword-only
arguments and no request; one module per topic. The rules stay on the models (transitions, clean(),
Person.arrival_refusal...), the services apply them and make the writes that follow for other records;
the views add the audit record of who did it from where."""

from .arrivals import register_arrival
from .checks import awaited, decide, record_check, reopen_unless_agreed, request_check
from .files import correct_file, correct_stay, merge_files
from .notifications import mark_read
from .stays import (
    ServiceRefused,
    add_handover,
    admit_stay,
    body_step,
    confirm_identity,
    count_out_belongings,
    depart_stay,
    mark_late_seen,
    record_body,
    record_death,
    record_death_report_sending,
    record_referrer_letter,
    record_review,
    record_service,
)
from .transfers import accept_transfer, refuse_transfer
from .upkeep import (
    keep_arrival_counts,
    keep_last_arrival,
    keep_name_keys,
    keep_repeats,
    keep_stay_ages,
    stay_arrived,
)

__all__ = [
    "awaited",
    "decide",
    "record_check",
    "reopen_unless_agreed",
    "request_check",
    "ServiceRefused",
    "accept_transfer",
    "add_handover",
    "admit_stay",
    "body_step",
    "confirm_identity",
    "count_out_belongings",
    "correct_file",
    "correct_stay",
    "depart_stay",
    "mark_late_seen",
    "mark_read",
    "merge_files",
    "record_death",
    "record_body",
    "record_death_report_sending",
    "record_referrer_letter",
    "record_review",
    "record_service",
    "refuse_transfer",
    "register_arrival",
    "keep_arrival_counts",
    "keep_last_arrival",
    "keep_name_keys",
    "keep_repeats",
    "keep_stay_ages",
    "stay_arrived",
]
