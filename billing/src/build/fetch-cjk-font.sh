#!/usr/bin/env bash
# Puts Noto Sans SC Regular (SIL Open Font License 1.1; Chinese, Japanese kana, Latin) into the billing jar so
# invoice PDFs can embed glyphs of non-Latin tenant and issuer names. The font comes from the npm package
# @expo-google-fonts/noto-sans-sc (fetched once from the npm registry with curl, checked by SHA-256, cached outside
# the work tree); only the Regular TTF (10.5 MB) and its licence are extracted. PDFs embed a subset of used glyphs.
# Usage: fetch-cjk-font.sh <output dir> <cache dir>
set -euo pipefail
out="$1"
cache="$2"
package="@expo-google-fonts/noto-sans-sc@0.4.3"
registry_url="https://registry.npmjs.org/@expo-google-fonts/noto-sans-sc/-/noto-sans-sc-0.4.3.tgz"
sha256="0d69d0f4971d2ff574e3d93cbc218dc950bf3f3f8f8e2c008d97687ed53aee59"
font="$out/NotoSansSC-Regular.ttf"
if [[ -s "$font" && -s "$out/NotoSansSC-OFL.txt" ]]; then
  exit 0
fi
mkdir -p "$cache" "$out"
tgz="$cache/expo-google-fonts-noto-sans-sc-0.4.3.tgz"
if [[ ! -s "$tgz" ]] || ! echo "$sha256  $tgz" | sha256sum -c --quiet - 2>/dev/null; then
  rm -f "$tgz"
  # Straight from the npm registry with curl (the launcher and CI need curl anyway; npm itself is not required).
  if ! command -v curl >/dev/null; then
    echo "fetch-cjk-font: curl is needed once to fetch $package from the npm registry (then cached in $cache)" >&2
    exit 1
  fi
  curl -fsSL --retry 3 -o "$tgz.part" "$registry_url"
  mv "$tgz.part" "$tgz"
fi
if ! echo "$sha256  $tgz" | sha256sum -c --quiet -; then
  echo "fetch-cjk-font: $tgz does not have the expected SHA-256 $sha256" >&2
  exit 1
fi
tar -xzf "$tgz" -O package/LICENSE_FONT > "$out/NotoSansSC-OFL.txt.tmp"
tar -xzf "$tgz" -O package/400Regular/NotoSansSC_400Regular.ttf > "$font.tmp"
mv "$out/NotoSansSC-OFL.txt.tmp" "$out/NotoSansSC-OFL.txt"
mv "$font.tmp" "$font"
