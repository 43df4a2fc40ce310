#!/bin/sh
# Builds build/frontend from the pinned npm packages: GOV.UK Frontend's assets and JS,
# and our one Sass entry point compiled against it. Nothing here is committed.
set -eu
cd "$(dirname "$0")/.."
out=build/frontend
rm -rf "$out"
mkdir -p "$out/govuk" "$out/css"
cp -R node_modules/govuk-frontend/dist/govuk/assets "$out/govuk/assets"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js \
   node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map "$out/govuk/"
node_modules/.bin/sass --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules static/scss/plumbing.scss "$out/css/plumbing.css"
echo "front-end assets built in $out"
