// htmx settings for the content security policy: never evaluate code from attributes, and no
// <style> element injected for the request indicator (homeward.css styles .htmx-indicator).
// Loaded right after htmx itself, before the page is ready, which is when htmx reads its settings.
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
htmx.config.includeIndicatorStyles = false;
htmx.config.selfRequestsOnly = true;
