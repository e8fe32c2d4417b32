#!/usr/bin/env bash
# Runs the libFuzzer binaries of a fuzz build (make fuzz), or merges what
# they found into the checked-in corpora (make fuzz-merge).
#
#   tests/fuzz/run.sh <build-dir> <seconds> [target...]
#   tests/fuzz/run.sh --merge <build-dir> [target...]
#
# A target is a fuzz target's name (csv_reader, ...); default: every
# <build-dir>/fuzz/*_fuzzer. Each run starts from tests/fuzz/<target>/corpus
# and writes new inputs to <build-dir>/fuzz-corpus/<target>; a crashing,
# leaking or slow (over 10 s) input is saved under
# <build-dir>/fuzz-artifacts/<target>/ and fails the run. --merge replaces
# tests/fuzz/<target>/corpus with the smallest set of inputs of both that
# covers what they cover (libFuzzer -merge=1).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MERGE=0
if [[ "${1:-}" == "--merge" ]]; then
  MERGE=1
  shift
fi
[[ $# -ge 1 ]] || { echo "usage: $0 [--merge] <build-dir> [seconds] [target...]" >&2; exit 2; }
BUILD_DIR="$(cd "$1" && pwd)"
shift
if ((!MERGE)); then
  [[ $# -ge 1 ]] || { echo "usage: $0 <build-dir> <seconds> [target...]" >&2; exit 2; }
  SECONDS_EACH="$1"
  shift
fi

targets=("$@")
if ((${#targets[@]} == 0)); then
  for binary in "${BUILD_DIR}"/fuzz/*_fuzzer; do
    [[ -x "${binary}" ]] && targets+=("$(basename "${binary}" _fuzzer)")
  done
fi
((${#targets[@]} > 0)) || { echo "no fuzzers in ${BUILD_DIR}/fuzz (make fuzz builds them)" >&2; exit 1; }

for target in "${targets[@]}"; do
  binary="${BUILD_DIR}/fuzz/${target}_fuzzer"
  corpus="${REPO_ROOT}/tests/fuzz/${target}/corpus"
  work="${BUILD_DIR}/fuzz-corpus/${target}"
  [[ -x "${binary}" ]] || { echo "${binary}: not built" >&2; exit 1; }
  mkdir -p "${corpus}" "${work}"
  if ((MERGE)); then
    merged="$(mktemp -d)"
    "${binary}" -merge=1 "${merged}" "${corpus}" "${work}"
    rm -rf "${corpus}"
    mkdir -p "${corpus}"
    cp "${merged}"/* "${corpus}/"
    rm -rf "${merged}"
    echo "[fuzz] ${target}: $(find "${corpus}" -type f | wc -l) inputs," \
         "$(du -s --apparent-size -k "${corpus}" | cut -f1) KiB in tests/fuzz/${target}/corpus"
  else
    artifacts="${BUILD_DIR}/fuzz-artifacts/${target}"
    mkdir -p "${artifacts}"
    echo "[fuzz] ${target}: ${SECONDS_EACH} s"
    "${binary}" -max_total_time="${SECONDS_EACH}" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="${artifacts}/" "${work}" "${corpus}"
  fi
done
