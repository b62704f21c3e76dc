"""Where the apps above tracing plug into it. Tracing never imports them: each fills these lists in its
AppConfig.ready().

INTERVIEW_PANELS: functions f(request, person) -> (template name, context) or None, asked by the
interview page for the sections below the clues (family finding: the family reports the accepted clues
point to, and the files at other stations with a name the person gave). Each records its own reads in
the audit trail.
"""

INTERVIEW_PANELS = []
