#!/usr/bin/env bash
# Re-creates fixtures/libraries/<lib>/vendor/ from the npm registry, pinned by version and sha512 integrity.
#
# Why: the real-library fixtures must run without network, on the exact bytes the web ships. Each vendored
# folder holds only the dist files its pages load (no source maps, only the languages the fixtures use),
# the package's LICENSE, and a VERSION file naming package, version and integrity.
# Usage: scripts/vendor-consent-libraries.sh   (needs npm and network; run from anywhere)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/fixtures/libraries"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# folder | package@version | sha512 integrity (npm view <pkg>@<ver> dist.integrity) | files (from package/)
LIBRARIES=(
  "vanilla-cookieconsent|vanilla-cookieconsent@3.1.0|sha512-/McNRtm/3IXzb9dhqMIcbquoU45SzbN2VB+To4jxEPqMmp7uVniP6BhGLjU8MC7ZCDsNQVOp27fhQTM/ruIXAA==|dist/cookieconsent.umd.js dist/cookieconsent.css"
  "klaro|klaro@0.7.22|sha512-NkaFxS4S8160/zH1UQzCSYIIsAtwIDHIkJ7xofCrgRqk14OSY+OJuwCjYyW+q5fmIeF4RvsuBH6brPe2BS9Z0A==|dist/klaro.js"
  "orejime|orejime@3.2.1|sha512-jAEjX6Rzn8W6D+vkoFhJUXECzpLtGUXQJ9yj9PhEkDo/7ZeK2uGjAfXxdQRI4IWPvIL+jVPxgm5Dsi5Rv+8qMw==|dist/orejime-standard.css dist/orejime-standard-fr.js dist/orejime-standard-ro.js dist/orejime-standard-fi.js"
  "tarteaucitron|tarteaucitronjs@1.34.0|sha512-PEzKEjOLC06zCWSZB1RuQkSlzbDYXSKohv0XD7BMjgfE/M+LhiWLTdNAj47VW9xcVsuQCSvLpR/gqkripHaU6g==|tarteaucitron.min.js tarteaucitron.services.min.js css/tarteaucitron.min.css lang/tarteaucitron.el.min.js lang/tarteaucitron.da.min.js lang/tarteaucitron.pl.min.js lang/tarteaucitron.it.min.js"
)

for entry in "${LIBRARIES[@]}"; do
  IFS='|' read -r folder spec integrity files <<<"$entry"
  (cd "$WORK" && npm pack --silent "$spec" >/dev/null)
  tarball="$(ls "$WORK"/*.tgz)"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [[ "$actual" != "$integrity" ]]; then
    echo "integrity mismatch for $spec: got $actual" >&2
    exit 1
  fi
  mkdir -p "$WORK/x" && tar xzf "$tarball" -C "$WORK/x"
  out="$DEST/$folder/vendor"
  rm -rf "$out" && mkdir -p "$out"
  for f in $files; do
    mkdir -p "$out/$(dirname "$f")"
    cp "$WORK/x/package/$f" "$out/$f"
  done
  cp "$WORK/x/package/LICENSE" "$out/LICENSE"
  license="$(node -p "require('$WORK/x/package/package.json').license")"
  printf 'package: %s\nversion: %s\nlicense: %s\nintegrity: %s\nsource: npm registry (npm pack %s)\nfiles: %s\n' \
    "${spec%@*}" "${spec##*@}" "$license" "$integrity" "$spec" "$files" >"$out/VERSION"
  rm -rf "$WORK/x" "$tarball"
  echo "vendored $spec -> ${out#$ROOT/}"
done
