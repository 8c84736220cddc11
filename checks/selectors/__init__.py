"""Reads shaped for pages, one module per family of checks."""
