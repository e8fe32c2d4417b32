# Restarts the children of a bash script when they die (sourced by run.sh;
# tests/deploy/supervisor_test.sh drives it with small fake children).
#
# The sourcing script defines
#   sup_launch NAME   starts child NAME in the background, as a direct child
#                     of the script, so that `$!` is its pid; returns non-zero
#                     if it could not be started;
# and may set before sourcing (defaults in brackets)
#   SUP_BACKOFF_INITIAL_S  delay before the first restart            [1]
#   SUP_BACKOFF_MAX_S      the delay doubles per restart up to this   [30]
#   SUP_STABLE_S           a child up this long gets the initial
#                          delay again after its next exit            [60]
#   SUP_TICK_S             how often scheduled restarts are checked   [1]
#   SUP_LOG_FILE           every supervisor line is also appended here,
#                          with a timestamp                            [none]
#
# sup_track NAME PID registers a child started earlier; sup_loop then checks
# every SUP_TICK_S whether a child has exited and starts each again after its
# delay, printing a line such as
#   [supervisor] customer-master exited (signal 9) after 12 s; restart 1 in 1 s
# sup_loop returns only when no child is left to watch; the script's signal
# traps end it (a trapped signal interrupts `wait`). sup_forget NAME stops
# watching NAME (before stopping it on purpose).
#
# Only the children of this shell can be waited for; their exit status is
# what `wait` reports (128+N: killed by signal N).

SUP_BACKOFF_INITIAL_S="${SUP_BACKOFF_INITIAL_S:-1}"
SUP_BACKOFF_MAX_S="${SUP_BACKOFF_MAX_S:-30}"
SUP_STABLE_S="${SUP_STABLE_S:-60}"
SUP_TICK_S="${SUP_TICK_S:-1}"
SUP_LOG_FILE="${SUP_LOG_FILE:-}"

declare -A SUP_PID=()        # name -> pid while running
declare -A SUP_STARTED=()    # name -> SECONDS at its last start
declare -A SUP_RESTARTS=()   # name -> restarts so far
declare -A SUP_DELAY=()      # name -> delay before its next restart (s)
declare -A SUP_DUE=()        # name -> SECONDS when a pending restart is due

sup_say() {
  printf '[supervisor] %s\n' "$*"
  if [[ -n "${SUP_LOG_FILE}" ]]; then
    printf '%s [supervisor] %s\n' "$(date '+%F %T')" "$*" >>"${SUP_LOG_FILE}" 2>/dev/null || true
  fi
}

sup_track() {
  SUP_PID["$1"]="$2"
  SUP_STARTED["$1"]="${SECONDS}"
  SUP_RESTARTS["$1"]="${SUP_RESTARTS[$1]:-0}"
  SUP_DELAY["$1"]="${SUP_DELAY[$1]:-${SUP_BACKOFF_INITIAL_S}}"
  unset 'SUP_DUE[$1]'
}

sup_forget() {
  unset 'SUP_PID[$1]' 'SUP_DUE[$1]'
}

# Prints how a child's exit status reads: "signal 9" or "code 1".
sup_describe_status() {
  if (($1 > 128 && $1 < 160)); then
    printf 'signal %d' "$(($1 - 128))"
  else
    printf 'code %d' "$1"
  fi
}

# Child NAME exited with STATUS: schedules its restart.
sup_exited() {
  local name="$1" status="$2" up delay
  up=$((SECONDS - ${SUP_STARTED[${name}]:-${SECONDS}}))
  unset 'SUP_PID[$name]'
  if ((up >= SUP_STABLE_S)); then SUP_DELAY["${name}"]="${SUP_BACKOFF_INITIAL_S}"; fi
  delay="${SUP_DELAY[${name}]}"
  SUP_RESTARTS["${name}"]=$((${SUP_RESTARTS[${name}]:-0} + 1))
  SUP_DUE["${name}"]=$((SECONDS + delay))
  sup_say "${name} exited ($(sup_describe_status "${status}")) after ${up} s; restart ${SUP_RESTARTS[${name}]} in ${delay} s"
  local next=$((delay * 2))
  ((next <= SUP_BACKOFF_MAX_S)) || next="${SUP_BACKOFF_MAX_S}"
  SUP_DELAY["${name}"]="${next}"
}

# Starts the children whose restart is due.
sup_restart_due() {
  local name
  for name in "${!SUP_DUE[@]}"; do
    ((SECONDS >= ${SUP_DUE[${name}]})) || continue
    unset 'SUP_DUE[$name]'
    if sup_launch "${name}"; then
      SUP_PID["${name}"]="$!"
      SUP_STARTED["${name}"]="${SECONDS}"
      sup_say "${name} restarted (pid $!), restart ${SUP_RESTARTS[${name}]}"
    else
      sup_exited "${name}" 1
    fi
  done
}

# Checks every child once: records those that exited, starts those due.
sup_poll() {
  local name pid status
  for name in "${!SUP_PID[@]}"; do
    pid="${SUP_PID[${name}]}"
    # bash reaps its children as they exit and keeps their status for `wait`.
    kill -0 "${pid}" 2>/dev/null && continue
    status=0
    wait "${pid}" 2>/dev/null || status=$?
    sup_exited "${name}" "${status}"
  done
  sup_restart_due
}

sup_loop() {
  while ((${#SUP_PID[@]} + ${#SUP_DUE[@]} > 0)); do
    sup_poll
    # In the background, so that a trapped signal ends the wait at once.
    sleep "${SUP_TICK_S}" &
    wait $! 2>/dev/null || true
  done
}
