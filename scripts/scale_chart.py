"""The scale curve as a small SVG: each cost ÷ its 1× value against the corpus size."""
from __future__ import annotations

import math


def svg_chart(series: list[tuple], names: list[str], width=640, height=380) -> str:
    """Each cost divided by its 1× value against the corpus size, both axes log, with
    the linear line for reference: a cost above it grows faster than the corpus."""
    picked = [s for s in series if s[0] in names and all(y is not None and y > 0 for y in s[2])]
    if not picked:
        return ""
    ns = picked[0][1]
    xs = [n / ns[0] for n in ns]
    ratios = [[y / s[2][0] for y in s[2]] for s in picked]
    top = max([max(xs) * 1.5] + [max(r) * 1.5 for r in ratios])
    lo = min([0.5] + [min(r) / 1.5 for r in ratios])
    left, right, up, down = 60, 200, 20, 40
    X = lambda x: left + (math.log(x) - math.log(0.8)) / (math.log(max(xs) * 1.25) - math.log(0.8)) * (width - left - right)  # noqa: E731,E501
    Y = lambda y: up + (math.log(top) - math.log(y)) / (math.log(top) - math.log(lo)) * (height - up - down)  # noqa: E731,E501
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
               "#17becf",
               "#bcbd22", "#7f7f7f"]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>']
    for x in xs:
        out.append(f'<line x1="{X(x):.1f}" y1="{up}" x2="{X(x):.1f}" y2="{height - down}" '
                   f'stroke="#ddd"/><text x="{X(x):.1f}" y="{height - down + 15}" '
                   f'text-anchor="middle">{x:.3g}× clauses</text>')
    y = 2.0 ** math.ceil(math.log2(lo))
    while y <= top:
        out.append(f'<line x1="{left}" y1="{Y(y):.1f}" x2="{width - right}" y2="{Y(y):.1f}" '
                   f'stroke="#eee"/><text x="{left - 5}" y="{Y(y) + 4:.1f}" '
                   f'text-anchor="end">{y:g}×</text>')
        y *= 2 if top / lo < 300 else 4
    out.append(f'<line x1="{X(xs[0]):.1f}" y1="{Y(xs[0]):.1f}" x2="{X(xs[-1]):.1f}" '
               f'y2="{Y(xs[-1]):.1f}" stroke="#999" stroke-dasharray="4 3"/>')
    out.append(f'<text x="{width - right + 8}" y="{up + 10}" fill="#999">- - linear</text>')
    for i, (s, r) in enumerate(zip(picked, ratios)):
        c = colours[i % len(colours)]
        pts = " ".join(f"{X(x):.1f},{Y(v):.1f}" for x, v in zip(xs, r))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
        out += [f'<circle cx="{X(x):.1f}" cy="{Y(v):.1f}" r="3" fill="{c}"/>'
                for x, v in zip(xs, r)]
        out.append(f'<text x="{width - right + 8}" y="{up + 26 + 15 * i}" fill="{c}">'
                   f'{s[0]}</text>')
    out.append(f'<text x="{left}" y="{height - 8}">cost ÷ cost at 1× (log) against corpus '
               f'size (log)</text></svg>')
    return "\n".join(out)
