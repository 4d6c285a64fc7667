#!/usr/bin/env bash
# Vendor htmx from the npm registry: scripts/update-htmx.sh 2.0.11
# Writes webapp/static/js/htmx.min.js and records version + sha256 beside it.
set -euo pipefail
version=${1:?usage: scripts/update-htmx.sh VERSION}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$version" >/dev/null && tar xzf "htmx.org-$version.tgz")
cp "$work/package/dist/htmx.min.js" "$root/webapp/static/js/htmx.min.js"
sum=$(sha256sum "$root/webapp/static/js/htmx.min.js" | cut -d' ' -f1)
cat > "$root/webapp/static/js/htmx.VERSION" <<INFO
package: htmx.org (npm)
version: $version
file: dist/htmx.min.js
sha256: $sum
update: scripts/update-htmx.sh VERSION (see README "Updating htmx")
INFO
echo "htmx $version vendored, sha256 $sum"
