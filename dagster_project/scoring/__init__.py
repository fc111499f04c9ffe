"""Reoffending Risk Score and scorecard statistics: the Python assets of the scoring group."""
