"""Naming the methods botocore cut reads the installed model without building traits overlays:
they are never used there, and building them was most of that time (quicksight: 18 cut sections)."""

from __future__ import annotations

from changelog_tracker.sources.botocore import ModelCatalog
from changelog_tracker.sources.wheel import installed_models
from changelog_tracker.write.ingest import known_operations


def test_the_naming_catalog_builds_no_overlay_and_the_same_operations() -> None:
    naming, full = known_operations("sts"), ModelCatalog(installed_models(["sts"])["sts"], "sts")
    assert naming.names == full.names
    for name in naming.names:
        fast, whole = naming.operation(name), full.operation(name)
        assert fast.traits is None and whole.traits is not None
        assert (fast, fast.api_name, fast.documentation) == (whole, whole.api_name, whole.documentation)
