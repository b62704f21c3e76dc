"""Oversight's models: data-quality problems with the inspections and comparisons that raise or review
them (problems: Problem, MonthlyInspection, DataComparison), and the finance office's sheet set against
the month's payments (finance: FinanceComparison)."""

from .finance import FinanceComparison
from .problems import CloseReason, DataComparison, MonthlyInspection, Problem, ProblemKind, ProblemState, Severity

__all__ = ["CloseReason", "DataComparison", "FinanceComparison", "MonthlyInspection", "Problem",
           "ProblemKind", "ProblemState", "Severity"]
