"""The demo generator's defaults, apart from the generator so that `iom` can show them in its
help without importing numpy, pandas and DuckDB."""

# Seed noise moves the heavy-tailed scores by about 15% either way; of seeds 1-40, this one
# puts every Figure A figure in range and lands closest to the published cohort means
# (docs/demo-data.md, "Default seed").
DEFAULT_SEED = 33
# People besides the nominals: the default size of the population feeds.
DEFAULT_POPULATION = 20_000
# The factor on a nominal's offending rate while a spell is open (1.0 = IOM does nothing),
# calibrated against the published figures (docs/demo-data.md, "The IOM effect").
DEFAULT_IOM_EFFECT = 0.5
