"""Reads for calibration, one module per sub-domain:

sets         calibration sets, anchors and attempts as pages show them
turnaround   the public turnaround statistics
dashboards   agreement and quality figures (staff, and each assessor)
"""
