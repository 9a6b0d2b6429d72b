#!/usr/bin/env bash
# Refreshes static/vendor/axe/ (axe-core, the accessibility checker the browser tests inject into
# every page) from its pinned npm package (`make axe-bundle`; needs npm, not needed to run the
# site or the tests). The tarball is checked against its pinned sha512 before anything is copied;
# the script then records the file's SHA-256 in SHA256SUMS, which the tests check.
set -euo pipefail

AXE_PKG=axe-core@4.14.1
AXE_SHA512=FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENDOR=$ROOT/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

tarball=$(cd "$WORK" && npm pack --silent "$AXE_PKG")
got=$(openssl dgst -sha512 -binary "$WORK/$tarball" | base64 -w0)
if [ "$got" != "$AXE_SHA512" ]; then
    echo "$AXE_PKG: sha512 $got, expected $AXE_SHA512" >&2
    exit 1
fi
tar -xzf "$WORK/$tarball" -C "$WORK"

rm -rf "$VENDOR/axe"
mkdir -p "$VENDOR/axe"
cp "$WORK/package/axe.min.js" "$WORK/package/LICENSE" "$WORK/package/LICENSE-3RD-PARTY.txt" \
    "$VENDOR/axe/"

cd "$VENDOR"
{
    echo "# $AXE_PKG, written by tools/vendor_axe.sh; check: sha256sum -c"
    sha256sum axe/axe.min.js
} > axe/SHA256SUMS
