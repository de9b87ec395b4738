"""Charts of report tables, drawn by matplotlib into PNG: the same picture on
the page and in the PDF (xhtml2pdf prints images, not scripts)."""
from __future__ import annotations

import base64
import io

from ..registry import Table

# Muted colours that stay apart when printed in grey.
COLOURS = ["#2f6db5", "#e08a2e", "#3a9a5b", "#c0392b", "#8e6bb8", "#7f8c8d"]


def chart_png(table: Table) -> bytes | None:
    chart = table.chart
    if chart is None:
        return None
    rows = list(table.rows[:-1] if chart.skip_last else table.rows)
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    plt.rcParams["font.family"] = "DejaVu Sans"  # Cyrillic; matplotlib ships this font
    labels = [str(r[chart.label_column]) for r in rows]
    fig = Figure(figsize=(max(7.0, 0.55 * len(labels) + 3), 3.6), dpi=110)
    ax = fig.subplots()
    n = len(chart.value_columns)
    width = 0.8 / (1 if chart.kind == "stacked" else n)
    bottoms = [0.0] * len(rows)
    for i, col in enumerate(chart.value_columns):
        values = [float(r[col] or 0) for r in rows]
        if chart.kind == "stacked":
            ax.bar(range(len(rows)), values, 0.7, bottom=bottoms, label=table.columns[col], color=COLOURS[i % 6])
            bottoms = [b + v for b, v in zip(bottoms, values)]
        else:
            xs = [x - 0.4 + width * (i + 0.5) for x in range(len(rows))]
            ax.bar(xs, values, width, label=table.columns[col], color=COLOURS[i % 6])
    ax.set_xticks(range(len(rows)), labels, rotation=35 if max(map(len, labels)) > 6 else 0, ha="right"
                  if max(map(len, labels)) > 6 else "center", fontsize=8)
    ax.set_xlim(-0.75, max(len(rows), 4) - 0.25)  # one subject does not fill the width
    if chart.y_max is not None:
        ax.set_ylim(0, chart.y_max)
    ax.set_title(chart.title, fontsize=10)
    if chart.y_label:
        ax.set_ylabel(chart.y_label, fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def chart_images(tables: list[Table]) -> list[tuple[str, str]]:
    """(title, base64 PNG) of every table that has a chart."""
    out = []
    for table in tables:
        png = chart_png(table)
        if png:
            out.append((table.chart.title, base64.b64encode(png).decode()))
    return out
