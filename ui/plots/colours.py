"""Colours shared by every figure and readout, so a slice, its tangent and its formula match.

Chosen from ColorBrewer's Dark2 (distinguishable for the common colour-vision deficiencies) and
dark enough to read on a washed-out classroom projector.
"""

X_SLICE = "#d95f02"  # the curve cut by y = y0; its tangent's slope is df/dx
Y_SLICE = "#1b9e77"  # the curve cut by x = x0; its tangent's slope is df/dy
GRADIENT = "#c2185b"
POINT = "#111111"
PLANE = "#7570b3"
COLORSCALE = "Viridis"
