"""Publication: build an immutable version of the marts and switch to it atomically.

Also: list versions, roll back, open the published copy read-only.
"""
