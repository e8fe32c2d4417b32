# Polling with a time limit, for the deploy tests (sourced; they define
# `fail`).
#
# wait_for DESCRIPTION SECONDS COMMAND...: runs COMMAND every WAIT_INTERVAL
# seconds (default 0.1) until it succeeds, and calls `fail` once SECONDS
# have passed. With WAIT_ALIVE_PID set, it fails as soon as that process
# (named WAIT_ALIVE_NAME) has exited.
wait_for() {
  local what="$1" limit="$2"
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || fail "${what} within ${limit} s"
    if [[ -n "${WAIT_ALIVE_PID:-}" ]] && ! kill -0 "${WAIT_ALIVE_PID}" 2>/dev/null; then
      fail "${WAIT_ALIVE_NAME:-the process under test} exited while waiting: ${what}"
    fi
    sleep "${WAIT_INTERVAL:-0.1}"
  done
}
