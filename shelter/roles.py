"""Roles are Django groups; this is the one place that says what each may do.

Other apps add their permissions here too, so a role reads as one list. sync_groups() runs after
every migrate, so a new permission reaches the groups without a hand step.
"""

from django.contrib.auth.models import Group, Permission

VIEW_PEOPLE = ["shelter.view_person", "shelter.view_stay", "shelter.view_service", "face.view_portrait"]
REGISTER = [
    "shelter.add_person", "shelter.change_person", "shelter.add_stay", "shelter.change_stay",
    "shelter.add_service", "shelter.admit_stay", "shelter.discharge_stay", "shelter.record_death",
    "shelter.receive_transfer",
    "face.add_portrait", "face.change_portrait",  # take portraits, choose the main one (accepted ones only)
]

ROLES = {
    # Registers arrivals, logs services, discharges: the night shift at the desk.
    "reception": VIEW_PEOPLE + REGISTER,
    # Everything reception does, and answers for deadlines and late entries.
    "supervisor": VIEW_PEOPLE + REGISTER + ["face.override_quality", "shelter.view_auditevent", "shelter.unlock_account",
                                            "shelter.review_late_entry", "shelter.review_stay",
                                            "shelter.second_check"],
    # Reads the files and the monthly figures; changes nothing.
    "station_head": VIEW_PEOPLE + ["shelter.view_auditevent"],
    # Sees every station; manages users and reference data in the admin.
    "administrator": VIEW_PEOPLE + REGISTER + ["shelter.view_all_stations", "shelter.view_auditevent",
                                               "shelter.unlock_account", "shelter.second_check"],
}

# Family tracing: the desk does the tracing work; supervisors answer for the deadlines (their landing
# page is the deadline board) and close cases; station heads watch the board.
TRACING_WORK = ["tracing.view_tracingcase", "tracing.add_quickquery", "tracing.publish_notice", "tracing.refer_dna",
                "tracing.add_householdapplication"]
ROLES["reception"] += TRACING_WORK
ROLES["supervisor"] += TRACING_WORK + ["tracing.view_board", "tracing.close_case", "tracing.publish_without_portrait"]
ROLES["station_head"] += ["tracing.view_tracingcase", "tracing.view_board"]
ROLES["administrator"] += TRACING_WORK + ["tracing.view_board", "tracing.close_case"]

# Family reports and face search: the desk takes reports, and its portraits and reports are searched
# (family.search_faces); supervisors also confirm or reject candidates, record reunions and merge two
# files of one person; station heads read reports but do not search faces.
FAMILY_WORK = ["family.view_familyreport", "family.add_familyreport", "family.change_familyreport",
               "family.search_faces"]
FAMILY_REVIEW = ["family.review_candidate", "family.close_report", "shelter.merge_person"]
ROLES["reception"] += FAMILY_WORK
ROLES["supervisor"] += FAMILY_WORK + FAMILY_REVIEW
ROLES["station_head"] += ["family.view_familyreport"]
ROLES["administrator"] += FAMILY_WORK + FAMILY_REVIEW

# Interviews and their clues: the desk records them and judges the clues; station heads read them.
INTERVIEWS = ["tracing.view_interview", "tracing.add_interview", "tracing.judge_clue"]
ROLES["reception"] += INTERVIEWS
ROLES["supervisor"] += INTERVIEWS
ROLES["station_head"] += ["tracing.view_interview"]
ROLES["administrator"] += INTERVIEWS

# The month (tracing's statistics, ledgers and the finance comparison): station heads and supervisors
# read and export their station's; supervisors upload the finance sheet; administrators all stations'.
MONTH = ["oversight.view_statistics", "oversight.export_ledger", "oversight.view_financecomparison"]
ROLES["supervisor"] += MONTH + ["oversight.add_financecomparison"]
ROLES["station_head"] += MONTH
ROLES["administrator"] += MONTH + ["oversight.add_financecomparison"]

# The civil-affairs bureau's inspector reads everything of every station (figures, ledgers, warnings on
# the deadline board, the files and the tracing behind them, the audit log) and changes nothing: no
# permission that adds, changes, deletes or takes a step (tested). Every read is audited, as anyone's.
ROLES["inspector"] = [
    "shelter.view_all_stations", *VIEW_PEOPLE, "shelter.view_auditevent", "tracing.view_board",
    "tracing.view_tracingcase", "family.view_familyreport", *MONTH,
]

# Data-quality problems (问题清单): supervisors and station heads see their station's, the inspector every
# station's (and changes nothing); supervisors accept a problem as it is, with a reason.
# Supervisors also upload other departments' lists for comparison (数据比对).
ROLES["supervisor"] += ["oversight.view_problem", "oversight.accept_problem", "oversight.view_datacomparison",
                        "oversight.add_datacomparison"]
ROLES["station_head"] += ["oversight.view_problem", "oversight.view_datacomparison"]
ROLES["administrator"] += ["oversight.view_problem", "oversight.accept_problem", "oversight.view_datacomparison",
                           "oversight.add_datacomparison"]
ROLES["inspector"] += ["oversight.view_problem", "oversight.view_datacomparison", "tracing.view_interview"]
# The monthly inspection register (工作检查登记表): supervisors file it; heads and the inspector read it.
ROLES["supervisor"] += ["oversight.view_monthlyinspection", "oversight.add_monthlyinspection"]
ROLES["administrator"] += ["oversight.view_monthlyinspection", "oversight.add_monthlyinspection"]
ROLES["station_head"] += ["oversight.view_monthlyinspection"]
ROLES["inspector"] += ["oversight.view_monthlyinspection"]
# Inspection that acts: the inspector's one write is a finding on a station (a problem in its list, with an
# owner and a fix-by date); the station's owner or a supervisor marks it fixed (Problem.fix).
ROLES["inspector"] += ["oversight.record_finding"]
ROLES["administrator"] += ["oversight.record_finding"]
# Doubtful data back to its source: supervisors send a query to the department and record its answer;
# heads and the inspector read them.
QUERIES = ["oversight.view_dataquery", "oversight.add_dataquery", "oversight.change_dataquery"]
ROLES["supervisor"] += QUERIES
ROLES["administrator"] += QUERIES
ROLES["station_head"] += ["oversight.view_dataquery"]
ROLES["inspector"] += ["oversight.view_dataquery"]
# Partner systems (exchange): supervisors give and revoke their station's API tokens, administrators any.
ROLES["supervisor"] += ["exchange.issue_token"]
ROLES["administrator"] += ["exchange.issue_token"]


def sync_groups(using="default"):
    for name, perms in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            perm = Permission.objects.using(using).filter(content_type__app_label=app_label, codename=codename).first()
            if perm:
                wanted.append(perm)
        group.permissions.set(wanted)

