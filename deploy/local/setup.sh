#!/usr/bin/env bash
# Prepares a Debian 12 machine for building, testing and running PharmaCRM.
#
#  1. Installs the missing Debian packages (apt-get update runs only if
#     something is missing).
#  2. Resolves the Apache Kafka broker jars from Maven Central into
#     ${PHARMACRM_KAFKA_HOME:-<repo>/.cache/kafka}/libs (skipped when the
#     stamp file for the pinned Kafka version exists).
#  3. Creates the Python virtual environment <repo>/.cache/venv with the
#     pinned tools of deploy/local/requirements.txt: the OpenAPI validator
#     (openapi-spec-validator) that the test gateway_openapi_valid runs on
#     the gateway's OpenAPI document, and statsmodels, the independent
#     reference that libs/analytics' models are checked against (skipped
#     when the stamp file for that requirements file's contents exists).
#
# With --clang (make thread-safety, make sanitize, make fuzz) it installs
# only the clang toolchain instead: clang, its sanitizer and libFuzzer
# runtimes, and llvm-symbolizer for readable sanitizer reports. `make test`
# does not need them.
#
# Idempotent: a second call only checks and returns within about a second.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
KAFKA_HOME="${PHARMACRM_KAFKA_HOME:-${REPO_ROOT}/.cache/kafka}"
KAFKA_POM="${SCRIPT_DIR}/kafka/pom.xml"

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git curl python3
  maven openjdk-17-jre-headless
  librdkafka-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libabsl-dev
  libgtest-dev libgmock-dev
  libboost-dev libgflags-dev
  prometheus-cpp-dev
  golang-github-gogo-googleapis-dev
  grpc-proto
  libicu-dev
  libzip-dev libxml2-dev
  libjemalloc-dev
  python3-yaml python3-venv
  nlohmann-json3-dev
  libeigen3-dev
)
CLANG_PACKAGES=(clang-14 libclang-rt-14-dev llvm-14)

WITH_CLANG=0
if [[ "${1:-}" == "--clang" ]]; then
  WITH_CLANG=1
  PACKAGES=("${CLANG_PACKAGES[@]}")
elif [[ $# -gt 0 ]]; then
  die "unknown argument: $1 (only --clang)"
fi

# ---------------------------------------------------------------------------
# 1. Debian packages
# ---------------------------------------------------------------------------
is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  is_installed "${pkg}" || missing+=("${pkg}")
done

if ((${#missing[@]} > 0)); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=()
  if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || die "not root and sudo is not available"
    SUDO=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "Debian packages: all ${#PACKAGES[@]} present"
fi

if ((WITH_CLANG)); then
  log "done"
  exit 0
fi

# ---------------------------------------------------------------------------
# 2. Kafka broker jars
# ---------------------------------------------------------------------------
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "${KAFKA_POM}" | head -n1)"
[[ -n "${KAFKA_VERSION}" ]] || die "cannot read kafka.version from ${KAFKA_POM}"
STAMP="${KAFKA_HOME}/.stamp-kafka-${KAFKA_VERSION}"

if [[ -f "${STAMP}" ]]; then
  log "Kafka ${KAFKA_VERSION}: jars present in ${KAFKA_HOME}/libs"
else
  log "Kafka ${KAFKA_VERSION}: resolving broker jars with Maven into ${KAFKA_HOME}/libs"
  rm -rf "${KAFKA_HOME}/libs" "${KAFKA_HOME}"/.stamp-kafka-*
  mkdir -p "${KAFKA_HOME}/libs"
  mvn -q -B -Dstyle.color=never -f "${KAFKA_POM}" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="${KAFKA_HOME}/libs"
  compgen -G "${KAFKA_HOME}/libs/kafka_2.13-${KAFKA_VERSION}.jar" >/dev/null \
    || die "Maven finished but kafka_2.13-${KAFKA_VERSION}.jar is missing"
  date -u +%Y-%m-%dT%H:%M:%SZ >"${STAMP}"
  log "Kafka ${KAFKA_VERSION}: $(find "${KAFKA_HOME}/libs" -name '*.jar' | wc -l) jars ready"
fi

# ---------------------------------------------------------------------------
# 3. Python tools (deploy/local/requirements.txt) in <repo>/.cache/venv
# ---------------------------------------------------------------------------
VENV="${REPO_ROOT}/.cache/venv"
REQUIREMENTS="${SCRIPT_DIR}/requirements.txt"
REQUIREMENTS_SUM="$(sha256sum "${REQUIREMENTS}" | cut -c1-16)"
VENV_STAMP="${VENV}/.stamp-requirements-${REQUIREMENTS_SUM}"
# Runs, not just exists: a venv moved or copied from another folder keeps
# scripts whose first line names the old folder's python.
if [[ -f "${VENV_STAMP}" ]] && "${VENV}/bin/openapi-spec-validator" --help >/dev/null 2>&1 \
    && "${VENV}/bin/python" -c 'import statsmodels' >/dev/null 2>&1; then
  log "Python tools: present in ${VENV}"
else
  log "Python tools: installing deploy/local/requirements.txt into ${VENV}"
  rm -rf "${VENV}"
  python3 -m venv "${VENV}"
  "${VENV}/bin/pip" install -q --disable-pip-version-check -r "${REQUIREMENTS}"
  "${VENV}/bin/openapi-spec-validator" --help >/dev/null \
    || die "openapi-spec-validator installed but does not run"
  "${VENV}/bin/python" -c 'import statsmodels' \
    || die "statsmodels installed but does not import"
  date -u +%Y-%m-%dT%H:%M:%SZ >"${VENV_STAMP}"
fi

log "done"
