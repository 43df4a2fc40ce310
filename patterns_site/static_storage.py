"""Static files under content-hashed names, JavaScript modules included.

WhiteNoise's CompressedManifestStaticFilesStorage writes every file under a hashed name
(served with a one-year, immutable cache lifetime) with gzip and Brotli copies beside it.
Django rewrites the `import ... from "./x.js"` lines inside JavaScript modules to the
hashed names only when support_js_module_import_aggregation is on, and only in files
named *.js: ours are *.mjs, so the same rewriting is applied to them too. Without it
plumbing.mjs would import govuk-frontend.min.js by its plain name, which WhiteNoise can
only cache for a minute, and a new release could run a new module beside an old one.
"""

from django.contrib.staticfiles.storage import HashedFilesMixin
from whitenoise.storage import CompressedManifestStaticFilesStorage

_MODULE_IMPORT_PATTERNS = HashedFilesMixin._js_module_import_aggregation_patterns[1]


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
    patterns = (*CompressedManifestStaticFilesStorage.patterns, ("*.mjs", _MODULE_IMPORT_PATTERNS))
