"""Building blocks below every app of the site, which any app may import and which import
no app: the HTTP/JSON layer (api), the content-versioned data cache (content_cache),
GOV.UK form errors (forms), money as people read it (money), spreadsheet cells with
the one formula guard (cells) and pagination.

The layers run patterns_site -> recipes -> catalogue -> foundations; the contract in
pyproject.toml ([tool.importlinter]) fails the tests when an import runs back up.
"""
