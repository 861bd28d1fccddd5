"""Drift checks: a documentation page against its spec (``docs_diff``), an old spec against a new
one (``breaking``). Both reuse the pipeline's stages rather than parsing anything ad hoc."""
