"""Every write to the checks app's rows, one module per family of checks.

``checks.services.duplicates``: fingerprints at submit, duplicate-evidence
flags and their decisions.
"""
