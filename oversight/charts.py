"""Charts drawn on the server as SVG (no script, no CDN): grouped bars month by month, and horizontal
bars for a breakdown. No database here: the month page passes the figures."""

from django.utils.html import escape, format_html, mark_safe

COLOURS = ["#2f6db5", "#e07b39", "#4a9a5b", "#9b59b6", "#c0392b", "#7f8c8d"]


def _fmt(value):
    return f"{value:,.0f}" if isinstance(value, float) or hasattr(value, "quantize") else str(value)


def month_bars(title, months, series, width=640, height=220):
    """Grouped bars: one group a month, one bar a series [(label, [value per month])]."""
    left, bottom, top = 36, 36, 28
    plot_w, plot_h = width - left - 10, height - bottom - top
    peak = max([v for _label, values in series for v in values] + [1])
    group = plot_w / max(len(months), 1)
    bar = max(min(group * 0.8 / max(len(series), 1), 40), 2)
    parts = [format_html('<text x="{}" y="16" class="title">{}</text>', left, title)]
    for k in range(5):  # grid lines with their values
        value = peak * k / 4
        y = top + plot_h - plot_h * k / 4
        parts.append(format_html('<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
                                 '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>',
                                 left, left + plot_w, f"{y:.1f}", f"{y:.1f}", left - 4, f"{y + 4:.1f}", _fmt(round(value))))
    for i, month in enumerate(months):
        x0 = left + group * i + (group - bar * len(series)) / 2
        for j, (label, values) in enumerate(series):
            value = values[i]
            h = plot_h * float(value) / peak
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} {}: {}</title></rect>',
                f"{x0 + bar * j:.1f}", f"{top + plot_h - h:.1f}", f"{bar - 1:.1f}", f"{h:.1f}", COLOURS[j % len(COLOURS)],
                month, label, value))
        parts.append(format_html('<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>',
                                 f"{left + group * i + group / 2:.1f}", top + plot_h + 14, month))
    x = left
    for j, (label, _values) in enumerate(series):  # legend
        parts.append(format_html('<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                                 '<text x="{}" y="{}" class="axis">{}</text>',
                                 x, height - 14, COLOURS[j % len(COLOURS)], x + 14, height - 5, label))
        x += 24 + 12 * len(str(label))
    return _svg(width, height, title, parts)


def breakdown_bars(title, rows, width=640):
    """Horizontal bars [(label, value)], the largest first, zeros left out."""
    rows = sorted([r for r in rows if r[1]], key=lambda r: -r[1])
    height = 30 + 22 * max(len(rows), 1)
    label_w, peak = 230, max([v for _label, v in rows] + [1])
    parts = [format_html('<text x="0" y="16" class="title">{}</text>', title)]
    for i, (label, value) in enumerate(rows):
        y = 28 + 22 * i
        w = (width - label_w - 50) * float(value) / peak
        parts.append(format_html(
            '<text x="{}" y="{}" class="axis" text-anchor="end">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="16" fill="{}"/><text x="{}" y="{}" class="axis">{}</text>',
            label_w - 6, y + 12, label, label_w, y, f"{w:.1f}", COLOURS[0], f"{label_w + w + 4:.1f}", y + 12, value))
    if not rows:
        parts.append(format_html('<text x="0" y="40" class="axis">{}</text>', "—"))
    return _svg(width, height, title, parts)


def _svg(width, height, title, parts):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}"><style>.title{{font:bold 13px sans-serif}}'
        '.axis{font:11px sans-serif;fill:#444}.grid{stroke:#ddd}</style>' + "".join(parts) + "</svg>"
    )
