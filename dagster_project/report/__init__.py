"""The monthly performance report, rendered from the published marts."""
