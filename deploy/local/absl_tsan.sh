#!/usr/bin/env bash
# Builds Debian 12's own abseil (the source package of the installed
# libabsl20220623, with Debian's patches) with ThreadSanitizer, as shared
# libraries of the same sonames, into ${1:-<repo>/.cache/absl-tsan}/lib.
#
# Why: absl::Mutex synchronises through its own atomics and futexes, not
# through pthread calls that TSan intercepts. With Debian's uninstrumented
# libabsl_synchronization, TSan sees no happens-before edge between two
# critical sections and reports every ABSL_GUARDED_BY member as a race.
# `make sanitize` runs the concurrency tests with LD_LIBRARY_PATH pointing
# here, so our code, gRPC and RocksDB all load the instrumented abseil.
# Same version, same options.h and sonames as Debian's: a drop-in.
#
# Sources come from deb.debian.org (the .dsc's SHA-256 is pinned below,
# the tarballs are checked against the .dsc). Needs clang-14 (setup.sh
# --clang). Idempotent: returns at once when the stamp exists. About 6
# minutes on two cores, once.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
PREFIX="${1:-${REPO_ROOT}/.cache/absl-tsan}"

VERSION=20220623.1
DEBIAN_REVISION=1+deb12u2
DSC_SHA256=ba731eaced569332fa4ce802a7ff2615ae57ac25beaf2d02f634ef908f2e62c2
POOL=http://deb.debian.org/debian/pool/main/a/abseil
DSC="abseil_${VERSION}-${DEBIAN_REVISION}.dsc"
STAMP="${PREFIX}/.stamp-absl-tsan-${VERSION}-${DEBIAN_REVISION}"

log() { printf '[absl-tsan] %s\n' "$*"; }
die() { printf '[absl-tsan] ERROR: %s\n' "$*" >&2; exit 1; }

if [[ -f "${STAMP}" ]]; then
  log "present in ${PREFIX}"
  exit 0
fi
installed="$(dpkg-query -W -f='${Version}' libabsl20220623 2>/dev/null || true)"
[[ "${installed}" == "${VERSION}-${DEBIAN_REVISION}" ]] \
  || die "installed libabsl20220623 is '${installed}', this script builds ${VERSION}-${DEBIAN_REVISION}"
command -v clang++-14 >/dev/null || die "clang++-14 missing: bash deploy/local/setup.sh --clang"

WORK="${PREFIX}.src"
rm -rf "${WORK}" "${PREFIX}"
mkdir -p "${WORK}"
cd "${WORK}"

log "downloading ${DSC} and its tarballs from ${POOL}"
curl -fsSL -O "${POOL}/${DSC}"
echo "${DSC_SHA256}  ${DSC}" | sha256sum -c --quiet - || die "${DSC}: SHA-256 mismatch"
# The .dsc lists "sha256 size name" under Checksums-Sha256.
sed -n '/^Checksums-Sha256:/,/^[A-Za-z]/p' "${DSC}" | awk 'NF == 3 {print $1 "  " $3}' \
  >SHA256SUMS
[[ -s SHA256SUMS ]] || die "${DSC}: no Checksums-Sha256"
while read -r _ name; do
  curl -fsSL -O "${POOL}/${name}"
done <SHA256SUMS
sha256sum -c --quiet SHA256SUMS || die "tarball SHA-256 mismatch"

tar xf "abseil_${VERSION}.orig.tar.gz"
src="$(find . -maxdepth 1 -type d -name 'abseil*' | head -n1)"
[[ -n "${src}" ]] || die "no source folder in abseil_${VERSION}.orig.tar.gz"
tar xf "abseil_${VERSION}-${DEBIAN_REVISION}.debian.tar.xz" -C "${src}"
while read -r patch_name; do
  [[ -z "${patch_name}" || "${patch_name}" == \#* ]] && continue
  patch -s -d "${src}" -p1 <"${src}/debian/patches/${patch_name}"
done <"${src}/debian/patches/series"

log "building shared libraries with -fsanitize=thread (clang-14)"
cmake -S "${src}" -B build -G Ninja -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_CXX_COMPILER=clang++-14 \
  -DCMAKE_CXX_STANDARD=17 -DBUILD_SHARED_LIBS=ON -DBUILD_TESTING=OFF \
  "-DCMAKE_CXX_FLAGS=-O1 -g -fsanitize=thread -fno-omit-frame-pointer" \
  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread" \
  -DCMAKE_INSTALL_PREFIX="${PREFIX}" -DCMAKE_INSTALL_LIBDIR=lib >/dev/null
cmake --build build
cmake --install build >/dev/null
[[ -f "${PREFIX}/lib/libabsl_synchronization.so.20220623" ]] \
  || die "built, but libabsl_synchronization.so.20220623 is missing (soname changed?)"
cd "${REPO_ROOT}"
rm -rf "${WORK}"
date -u +%Y-%m-%dT%H:%M:%SZ >"${STAMP}"
log "ready in ${PREFIX}/lib"
