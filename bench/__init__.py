"""Performance benchmark: seed a realistic volume, load the pages, time the SLA sweep.

Installed only by ``config.settings.bench``; see docs/performance.md.
"""
