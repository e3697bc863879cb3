"""A small scatter chart drawn by the server as inline SVG: target value by deadline year,
one mark per target, labelled with its city. Works offline and without JavaScript; every
label is escaped."""
from __future__ import annotations

from markupsafe import Markup, escape

W, H = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 24, 40


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        return [lo]
    step = (hi - lo) / (n - 1)
    return [lo + i * step for i in range(n)]


def target_chart(rows: list[dict], title: str) -> Markup:
    """Rows with a deadline year and a value; others are left to the table."""
    points = [r for r in rows if r.get("year")]
    if not points:
        return Markup("")
    years = [r["year"] for r in points]
    values = [r["value"] for r in points]
    y0, y1 = min(years) - 1, max(years) + 1
    v0 = 0.0 if min(values) >= 0 else min(values)
    v1 = max(values) * 1.1 or 1.0

    def x(year):
        return LEFT + (year - y0) / (y1 - y0) * (W - LEFT - RIGHT)

    def y(value):
        return H - BOTTOM - (value - v0) / (v1 - v0) * (H - TOP - BOTTOM)

    parts = [f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
             f'aria-label="{escape(title)}：目标值与期限">',
             f'<title>{escape(title)}：目标值与期限（每点一个文件中的目标）</title>',
             f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" class="axis"/>',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" class="axis"/>']
    for year in range(y0 + 1, y1):
        parts.append(f'<text x="{x(year):.1f}" y="{H - BOTTOM + 18}" class="tick" '
                     f'text-anchor="middle">{year}</text>')
    for value in _ticks(v0, v1):
        parts.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" class="tick" '
                     f'text-anchor="end">{value:g}</text>')
        parts.append(f'<line x1="{LEFT}" y1="{y(value):.1f}" x2="{W - RIGHT}" '
                     f'y2="{y(value):.1f}" class="grid"/>')
    used: dict[int, list[float]] = {}      # label baselines taken, per year: no overlaps
    for r in points:
        cx, cy = x(r["year"]), y(r["value"])
        ly = cy + 4
        while any(abs(ly - u) < 12 for u in used.get(r["year"], ())):
            ly += 12
        used.setdefault(r["year"], []).append(ly)
        label = escape(r.get("city") or "全国")
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" class="dot">'
                     f'<title>{label} {escape(r["target"])}（{r["year"]}年）</title></circle>')
        parts.append(f'<text x="{cx + 8:.1f}" y="{ly:.1f}" class="label">{label}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
