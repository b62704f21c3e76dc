"""Writes of tracing: the only way a view, task, receiver, command, the demo or a test changes its rows.
Keyword-only arguments and no request; one module per topic. The rules stay on the models (transitions
check their own row's state and set its fields; clean(); querysets); each step's service wraps
lib.workflow.apply and makes the writes that follow for other rows."""

from .cases import (
    accept_stated_time,
    allow_without_portrait,
    apply_household,
    basis_checked,
    case_close_checked,
    close_case,
    find_family,
    identity_checked,
    publish_notice,
    record_dna_receipt,
    record_intake_identity,
    record_query,
    record_result,
    record_sample,
    refer_dna,
    refresh_notice,
    reopen_case,
    settle_household,
    stated_time_checked,
    take_down_notices,
    withdraw_notice,
)
from .interviews import judge_clue, propose_clues, record_interview
from .register import close_with_departure, follow_merge, follow_stay, follow_transfer, stop_stay_clocks

__all__ = [
    "accept_stated_time",
    "allow_without_portrait",
    "apply_household",
    "basis_checked",
    "case_close_checked",
    "close_case",
    "close_with_departure",
    "find_family",
    "identity_checked",
    "follow_merge",
    "follow_stay",
    "follow_transfer",
    "judge_clue",
    "propose_clues",
    "publish_notice",
    "record_dna_receipt",
    "record_intake_identity",
    "record_interview",
    "record_query",
    "record_result",
    "record_sample",
    "refer_dna",
    "refresh_notice",
    "reopen_case",
    "settle_household",
    "stop_stay_clocks",
    "stated_time_checked",
    "take_down_notices",
    "withdraw_notice",
]
