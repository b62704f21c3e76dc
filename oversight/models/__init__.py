"""Oversight's models: data-quality problems with the inspections and comparisons that raise or review
them (problems: Problem, MonthlyInspection, DataComparison), and the finance office's sheet set against
the month's payments (finance: FinanceComparison), and the queries that send doubtful data back to the
department it came from (queries: DataQuery)."""

from .finance import FinanceComparison
from .problems import CloseReason, DataComparison, MonthlyInspection, Problem, ProblemKind, ProblemState, Severity
from .queries import DataQuery, DataQueryState, Department

__all__ = ["CloseReason", "DataComparison", "DataQuery", "DataQueryState", "Department", "FinanceComparison", "MonthlyInspection", "Problem",
           "ProblemKind", "ProblemState", "Severity"]
