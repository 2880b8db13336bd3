"""``{% map_cells row.cells gap_label overlap_label %}``: a row of the coordination map's cells,
written in Python.

A page of the map is fifty facilities by twelve activities: 600 cells, each a loop step and a
branch through the template engine. Written here, the map's pages take about a tenth less
processor time (measured in turn with ``bench.compare``). Each cell is a gap (no MoU in force
covers it), one organisation, or an overlap of several, the names escaped."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from agreements.selectors import MapCell

register = template.Library()


@register.simple_tag
def map_cells(cells: list[MapCell], gap_label: str, overlap_label: str) -> SafeString:
    gap_label, overlap_label = conditional_escape(gap_label), conditional_escape(overlap_label)
    gap = f'<td class="gap"><span class="visually-hidden">{gap_label}</span>—</td>'
    overlap = f'<td class="overlap"><span class="tag">{overlap_label}</span> '
    drawn = []
    for cell in cells:
        if cell.is_gap:
            drawn.append(gap)
        elif cell.is_overlap:
            drawn.append(f"{overlap}{conditional_escape(cell.names)}</td>")
        else:
            drawn.append(f"<td>{conditional_escape(cell.names)}</td>")
    return SafeString("\n      ".join(drawn))
