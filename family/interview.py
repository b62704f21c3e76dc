"""Family finding on the interview page (tracing.hooks.INTERVIEW_PANELS, filled in FamilyConfig.ready()):
the family reports the person's accepted clues point to, and the files at other stations with a name
the person gave. Both are reads of other people's data, audited here."""

from shelter.models import AuditEvent

from .finding import name_leads, rank_reports


def report_leads(request, person):
    fits = rank_reports(person)[:20]
    AuditEvent.record(request, AuditEvent.VIEW, person, target="family reports fitting the clues",
                      reports=[f.report.reference for f in fits])
    leads = name_leads(person)
    if leads:  # a search of the other stations' register by name: audited as one
        AuditEvent.record(request, AuditEvent.LIST, person, target="name leads at other stations",
                          names=sorted({lead.clue.normalised for lead in leads}),
                          files=[lead.person.file_no for lead in leads])
    return "family/_interview_panel.html", {"fits": fits, "leads": leads}
