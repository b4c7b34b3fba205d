#!/bin/sh
# Refresh the vendored GOV.UK Frontend (the pages' look) and axe-core (the browser tests' accessibility
# check) from the npm registry. Vendored, not fetched at install: `make run` works offline and CI's
# `make test` on a fresh clone needs neither npm nor the network. Run it when govuk-frontend-jinja
# moves to a new GOV.UK Frontend release (its README names the one it matches), then commit.
set -eu
GOVUK_FRONTEND=${GOVUK_FRONTEND:-6.3.0}   # govuk-frontend-jinja 4.1.0 is tested against 6.3.0
AXE_CORE=${AXE_CORE:-4.14.1}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
npm pack --silent "govuk-frontend@$GOVUK_FRONTEND" "axe-core@$AXE_CORE" >/dev/null
tar xzf "govuk-frontend-$GOVUK_FRONTEND.tgz" && mv package govuk
tar xzf "axe-core-$AXE_CORE.tgz" && mv package axe

OUT="$ROOT/shared/casework/pages/static/govuk-frontend"
rm -rf "$OUT" && mkdir -p "$OUT"
cp govuk/dist/govuk/govuk-frontend.min.css govuk/dist/govuk/govuk-frontend.min.js govuk/package.json govuk/README.md "$OUT/"
cp -r govuk/dist/govuk/assets/. "$OUT/"
# The pages serve this folder at /app/static/govuk-frontend/ (everything a service serves for people
# is under /app/), so the stylesheet's fonts and crest are looked for there, not at /assets/.
sed -i 's#url(/assets/#url(/app/static/govuk-frontend/#g' "$OUT/govuk-frontend.min.css"
# The npm package states its licence (MIT) in package.json and README but ships no licence file:
# keep the licence text beside the copy.
cat > "$OUT/LICENCE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (c) 2018 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
LICENCE

AXE="$ROOT/shared/dev/casework_dev/testing/axe"
rm -rf "$AXE" && mkdir -p "$AXE"
cp axe/axe.min.js axe/LICENSE axe/package.json "$AXE/"
echo "govuk-frontend $GOVUK_FRONTEND -> $OUT"
echo "axe-core $AXE_CORE -> $AXE"
