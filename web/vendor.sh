#!/usr/bin/env bash
# Vendors MapLibre GL JS (BSD-3-Clause) into web/vendor/ from the npm registry.
#
# The version and the sha256 of the registry tarball are pinned below; a mismatch stops the
# script before anything is copied. To update: change VERSION, run the script once with
# EXPECTED_SHA256 set to the empty string to print the new checksum, check the release notes,
# write the checksum here and in web/README.md, then run it again.
#
# Usage: bash web/vendor.sh        (from anywhere; needs npm or curl, tar, sha256sum)
set -euo pipefail

VERSION="5.24.1"
EXPECTED_SHA256="b84d7fdf7fba5922fd3fff9a92733936c7a03b99165afc6c84f41c311bdbfa9d"
TARBALL="maplibre-gl-${VERSION}.tgz"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${here}/vendor"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
if command -v npm >/dev/null 2>&1; then
    npm pack --silent "maplibre-gl@${VERSION}" >/dev/null
else
    curl -fsSL -o "$TARBALL" "https://registry.npmjs.org/maplibre-gl/-/${TARBALL}"
fi
[ -f "$TARBALL" ] || { echo "vendor.sh: ${TARBALL} was not downloaded" >&2; exit 1; }

actual="$(sha256sum "$TARBALL" | cut -d' ' -f1)"
if [ -z "$EXPECTED_SHA256" ]; then
    echo "vendor.sh: no checksum pinned; ${TARBALL} has sha256 ${actual}" >&2
    exit 1
fi
if [ "$actual" != "$EXPECTED_SHA256" ]; then
    echo "vendor.sh: CHECKSUM MISMATCH for ${TARBALL}" >&2
    echo "  expected ${EXPECTED_SHA256}" >&2
    echo "  actual   ${actual}" >&2
    exit 1
fi

tar xzf "$TARBALL"
mkdir -p "$dest"
cp package/dist/maplibre-gl.js "$dest/maplibre-gl.js"
cp package/dist/maplibre-gl.css "$dest/maplibre-gl.css"
cp package/LICENSE.txt "$dest/LICENSE-maplibre-gl.txt"
# The bundle ends with a sourceMappingURL comment; the map is not vendored, drop the reference
# so browsers' developer tools do not request a missing file.
sed -i '/^\/\/# sourceMappingURL=/d' "$dest/maplibre-gl.js"
echo "vendor.sh: maplibre-gl ${VERSION} (sha256 ${actual}) copied to ${dest}"
