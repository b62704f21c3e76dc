"""Where the apps above oversight plug into it; oversight never imports them. Each fills these lists in
its AppConfig.ready().

QUERY_PANELS: functions f(request, query) -> HTML (safe) or "" shown on a query's page under its items:
the partner system it was sent to, and the form to send it (exchange).
"""

QUERY_PANELS = []


def query_panels(request, query):
    return [html for panel in QUERY_PANELS if (html := panel(request, query))]
