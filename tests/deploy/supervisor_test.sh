#!/usr/bin/env bash
# Drives deploy/local/supervisor.sh (the restart loop of `make run`) with
# small fake children in a throw-away folder:
#   1. a child killed with SIGKILL is started again after 1 s, and the line
#      saying so is printed and logged;
#   2. a child that keeps failing is restarted after 1, 2, 4, 4 s (doubling,
#      capped) and its exit code is reported;
#   3. a child that stayed up SUP_STABLE_S gets the first delay again;
#   4. SIGTERM to the supervising script stops every child; nothing is left.
# Bounded: every wait has a deadline and the whole test runs under a timeout
# (ctest's, and `timeout` around the driver); children are killed on exit.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d)"
DRIVER_PID=""

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  if [[ -f "${WORK}/out" ]]; then
    printf -- '--- driver output ---\n' >&2
    cat "${WORK}/out" >&2
  fi
  exit 1
}

cleanup() {
  [[ -n "${DRIVER_PID}" ]] && kill -KILL "${DRIVER_PID}" 2>/dev/null || true
  local f
  for f in "${WORK}"/*.pid; do
    [[ -f "${f}" ]] && kill -KILL "$(cat "${f}")" 2>/dev/null || true
  done
  rm -rf "${WORK}"
}
trap cleanup EXIT

# The supervising script: children write their pid to <name>.pid and count
# their starts in <name>.starts. "steady" sleeps; "flaky" exits with code 3
# at once while <name>.fail exists, then sleeps.
cat >"${WORK}/driver.sh" <<EOF
set -euo pipefail
WORK="${WORK}"
SUP_BACKOFF_INITIAL_S=1
SUP_BACKOFF_MAX_S=4
SUP_STABLE_S=3
SUP_TICK_S=0.2
SUP_LOG_FILE="\${WORK}/supervisor.log"
source "${REPO_ROOT}/deploy/local/supervisor.sh"
sup_launch() {
  bash -c 'echo \$\$ >"\$1/\$2.pid"; echo x >>"\$1/\$2.starts";
           if [[ -f "\$1/\$2.fail" ]]; then exit 3; fi; exec sleep 300' child "\${WORK}" "\$1" &
}
stop_all() {
  local f
  for f in "\${WORK}"/*.pid; do kill -TERM "\$(cat "\${f}")" 2>/dev/null || true; done
  echo "[driver] stopped"
  exit 0
}
trap stop_all TERM
for name in steady flaky; do
  sup_launch "\${name}"
  sup_track "\${name}" "\$!"
done
sup_loop
EOF

timeout 120 bash "${WORK}/driver.sh" >"${WORK}/out" 2>&1 &
DRIVER_PID=$!

source "${REPO_ROOT}/tests/deploy/wait_lib.sh"
starts() { [[ -f "${WORK}/$1.starts" ]] && wc -l <"${WORK}/$1.starts" || echo 0; }
has_starts() { (($(starts "$1") >= $2)); }
out_has() { grep -qF -- "$1" "${WORK}/out"; }
alive() { kill -0 "$1" 2>/dev/null; }
not_alive() { ! kill -0 "$1" 2>/dev/null; }

wait_for "both children started" 10 has_starts steady 1
wait_for "both children started" 10 has_starts flaky 1

# 1. SIGKILL: restarted after 1 s, printed and logged.
first_pid="$(cat "${WORK}/steady.pid")"
kill -KILL "${first_pid}"
killed_at="${SECONDS}"
wait_for "the killed child restarted" 10 has_starts steady 2
out_has '[supervisor] steady exited (signal 9) after ' || fail "no exit line for steady"
grep -qE '^\[supervisor\] steady exited \(signal 9\) after [0-9]+ s; restart 1 in 1 s$' "${WORK}/out" \
  || fail "exit line for steady not as documented"
out_has "[supervisor] steady restarted (pid $(cat "${WORK}/steady.pid")), restart 1" \
  || fail "no restart line for steady"
((SECONDS - killed_at >= 1)) || fail "steady restarted before its 1 s delay"
grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \[supervisor\] steady exited \(signal 9\)' \
  "${WORK}/supervisor.log" || fail "exit not logged with a timestamp in supervisor.log"
new_pid="$(cat "${WORK}/steady.pid")"
[[ "${new_pid}" != "${first_pid}" ]] || fail "steady has the same pid after its restart"
alive "${new_pid}" || fail "restarted steady is not running"

# 2. A child that keeps failing: delays 1, 2, 4, 4 s, exit code reported.
touch "${WORK}/flaky.fail"
kill -KILL "$(cat "${WORK}/flaky.pid")"
out_matches() { grep -qE -- "$1" "${WORK}/out"; }
wait_for "flaky failing three times" 30 out_matches 'flaky exited \(code 3\) after [01] s; restart 4 in 4 s$'
out_matches 'flaky exited \(signal 9\) after [0-9]+ s; restart 1 in 1 s$' \
  || fail "flaky's kill not reported with a first delay of 1 s"
out_matches 'flaky exited \(code 3\) after [01] s; restart 2 in 2 s$' || fail "second delay is not 2 s"
out_matches 'flaky exited \(code 3\) after [01] s; restart 3 in 4 s$' || fail "third delay is not 4 s"

# 3. Once it stays up SUP_STABLE_S (3 s), the delay is back to 1 s.
rm -f "${WORK}/flaky.fail"
wait_for "flaky up again" 15 has_starts flaky 5
sleep 3.5
stable_pid="$(cat "${WORK}/flaky.pid")"
alive "${stable_pid}" || fail "flaky did not stay up"
kill -KILL "${stable_pid}"
wait_for "flaky's exit after a stable run reported" 10 \
  out_matches 'flaky exited \(signal 9\) after [3-9] s; restart 5 in 1 s$'

# 4. SIGTERM to the supervising script: every child stops, nothing is left.
wait_for "flaky restarted after its stable run" 10 has_starts flaky 6
pids=("$(cat "${WORK}/steady.pid")" "$(cat "${WORK}/flaky.pid")")
kill -TERM "${DRIVER_PID}"
wait_for "the driver exits" 10 not_alive "${DRIVER_PID}"
status=0
wait "${DRIVER_PID}" || status=$?
DRIVER_PID=""
((status == 0)) || fail "driver exited with ${status}"
out_has '[driver] stopped' || fail "the driver's SIGTERM trap did not run"
for pid in "${pids[@]}"; do
  wait_for "child ${pid} gone" 10 not_alive "${pid}"
done
printf 'PASS: supervisor restarts with backoff, reports and logs, and stops on SIGTERM\n'
