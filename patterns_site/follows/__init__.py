"""Following recipes, components, offerings and service areas, and the daily digest of
what changed in them (issue 15, point 7)."""
