"""Oversight's message codes (lib.messages): the data-quality sweep's notifications. Worded when read,
in the reader's language; registered by OversightConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from lib import messages

messages.register("problem_new", subject=_("%(count)s new data-quality problem(s) to fix"),
                  body=_("The data-quality sweep found %(count)s new problem(s) in your files. "
                         "Open the problem list to see what is wrong and how to fix it."))
messages.register("problem_overdue", subject=_("%(count)s data-quality problem(s) past their fix-by date"),
                  body=_("%(count)s problem(s) of your station were not fixed by their fix-by date."))
messages.register("inspection_missing", subject=_("The monthly inspection of %(month)s is not filed"),
                  body=_("The station's monthly inspection (工作检查登记表) of %(month)s is due and not filed. "
                         "File it in the inspection register; the bureau sees the months missing."))
messages.register("finding_new", subject=_("An inspection finding for you to fix by %(fix_by)s"),
                  body=_("The bureau's inspector recorded a finding on your station, for you to fix by %(fix_by)s. "
                         "Open the inspection findings to read it and say what was done."))
messages.register("finding_fixed", subject=_("An inspection finding at %(station)s is fixed"),
                  body=_("%(station)s marked a finding you recorded as fixed. Open the inspection findings to "
                         "read what was done."))
