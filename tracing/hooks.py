"""Where the apps above tracing plug into it. Tracing never imports them: each fills these lists in its
AppConfig.ready().

INTERVIEW_PANELS: functions f(request, person) -> (template name, context) or None, asked by the
interview page for the sections below the clues (family finding: the family reports the accepted clues
point to, and the files at other stations with a name the person gave). Each records its own reads in
the audit trail.

NOTICE_LINKS: functions f(case, user) -> [(label, url)], shown beside the notice's print and PDF buttons
(the published notices: each platform's upload package).
"""

INTERVIEW_PANELS = []
NOTICE_LINKS = []
