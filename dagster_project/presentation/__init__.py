"""One presentation layer: labels, order, formats and layouts of the published figures.

Used by the CLI and the report alike; also the data dictionary.
"""
