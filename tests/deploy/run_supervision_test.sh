#!/usr/bin/env bash
# `make run` for real (deploy/local/run.sh with its broker, five services and
# the gateway) in a throw-away data folder on free ports:
#   1. customer-master is killed with SIGKILL; the script says so, starts it
#      again and it answers /readyz; the rest keeps running;
#   2. SIGTERM to the script stops every service and the broker; no process
#      of the run is left.
# The demo data set is not loaded (the data folder is marked as loaded).
# Bounded (every wait has a deadline; ctest's timeout around it) and leaves
# nothing behind: whatever still runs at the end is killed.
#
# Usage: run_supervision_test.sh <repo root> <bin dir>
set -euo pipefail

REPO_ROOT="$1"
BIN_DIR="$2"
WORK="$(mktemp -d)"
RUN_PID=""

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  if [[ -f "${WORK}/out" ]]; then
    printf -- '--- run.sh output ---\n' >&2
    tail -n 60 "${WORK}/out" >&2
  fi
  exit 1
}

cleanup() {
  local f
  [[ -n "${RUN_PID}" ]] && kill -KILL "${RUN_PID}" 2>/dev/null || true
  for f in "${WORK}"/data/run/*.pid "${WORK}/data/kafka.pid"; do
    [[ -f "${f}" ]] && kill -KILL "$(cat "${f}")" 2>/dev/null || true
  done
  rm -rf "${WORK}"
}
trap cleanup EXIT

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A base port B in 20000-31999 (below the ephemeral range) with B..B+count-1 free.
pick_base() {
  local count="$1" base i ok
  for _ in $(seq 50); do
    base=$((20000 + RANDOM % 12000))
    ok=1
    for ((i = 0; i < count; i++)); do port_free $((base + i)) || { ok=0; break; }; done
    ((ok)) && { printf '%s\n' "${base}"; return 0; }
  done
  return 1
}

KAFKA_PORT="$(pick_base 2)" || fail "no free ports"
GRPC_BASE="$(pick_base 6)" || fail "no free ports"
ADMIN_BASE="$(pick_base 7)" || fail "no free ports"
HTTP_PORT="$(pick_base 1)" || fail "no free ports"

mkdir -p "${WORK}/data"
: >"${WORK}/data/.demo-loaded"

PHARMACRM_DATA_DIR="${WORK}/data" PHARMACRM_BIN_DIR="${BIN_DIR}" \
  PHARMACRM_KAFKA_PORT="${KAFKA_PORT}" PHARMACRM_GRPC_PORT_BASE="${GRPC_BASE}" \
  PHARMACRM_ADMIN_PORT_BASE="${ADMIN_BASE}" PHARMACRM_GATEWAY_HTTP_PORT="${HTTP_PORT}" \
  PHARMACRM_READY_TIMEOUT=120 \
  timeout 500 bash "${REPO_ROOT}/deploy/local/run.sh" >"${WORK}/out" 2>&1 &
RUN_PID=$!

source "${REPO_ROOT}/tests/deploy/wait_lib.sh"
WAIT_ALIVE_PID="${RUN_PID}"
WAIT_ALIVE_NAME="run.sh"
WAIT_INTERVAL=0.5
out_has() { grep -qF -- "$1" "${WORK}/out"; }
ready() { curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; }
pid_changed() { [[ "$(cat "${WORK}/data/run/customer-master.pid" 2>/dev/null)" != "$1" ]]; }
gone() { ! kill -0 "$1" 2>/dev/null; }

wait_for "the suite running" 180 out_has "Press Ctrl-C to stop."

# 1. kill -9 customer-master: reported, restarted, ready again.
old_pid="$(cat "${WORK}/data/run/customer-master.pid")"
declare -A others=()
for name in sales-pipeline campaigns service-desk value-scoring gateway; do
  others["${name}"]="$(cat "${WORK}/data/run/${name}.pid")"
done
kill -KILL "${old_pid}"
wait_for "the exit reported" 20 out_has "[supervisor] customer-master exited (signal 9) after "
grep -qE '^\[supervisor\] customer-master exited \(signal 9\) after [0-9]+ s; restart 1 in 1 s$' \
  "${WORK}/out" || fail "exit line not as documented"
wait_for "customer-master restarted" 20 pid_changed "${old_pid}"
wait_for "customer-master ready again" 60 ready $((ADMIN_BASE + 1))
out_has "[supervisor] customer-master restarted (pid $(cat "${WORK}/data/run/customer-master.pid")), restart 1" \
  || fail "restart line missing"
grep -qF '[supervisor] customer-master exited (signal 9)' "${WORK}/data/logs/supervisor.log" \
  || fail "exit not in logs/supervisor.log"
for name in "${!others[@]}"; do
  kill -0 "${others[${name}]}" 2>/dev/null || fail "${name} stopped while customer-master restarted"
done

# 2. SIGTERM to the script: everything stops, in order, nothing is left.
pids=("$(cat "${WORK}/data/run/customer-master.pid")" "${others[@]}" "$(cat "${WORK}/data/kafka.pid")")
kill -TERM "${RUN_PID}"
deadline=$((SECONDS + 120))
while kill -0 "${RUN_PID}" 2>/dev/null; do
  ((SECONDS < deadline)) || fail "run.sh still runs 120 s after SIGTERM"
  sleep 0.5
done
status=0
wait "${RUN_PID}" || status=$?
RUN_PID=""
((status == 0)) || fail "run.sh exited with ${status} after SIGTERM"
out_has "[run] stopped" || fail "run.sh did not report the stop"
for pid in "${pids[@]}"; do
  gone "${pid}" || fail "process ${pid} still runs after run.sh stopped"
done
out_has "restart 2" && fail "a service was restarted while the suite was stopping"
printf 'PASS: make run restarts a killed service and stops everything on SIGTERM\n'
