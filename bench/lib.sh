# Shared by the bench scripts (source it): a scratch folder, a fresh local
# broker on port $kport, service start-up that waits for /readyz, and a
# cleanup that stops everything on exit.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${PHARMACRM_BIN_DIR:-$repo/build/bin}"
work="$(mktemp -d /tmp/pharmacrm-bench-XXXXXX)"
pids=()

bench_cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  PHARMACRM_KAFKA_BOOTSTRAP= bash "$repo/deploy/local/kafka.sh" stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap bench_cleanup EXIT

# bench_start_kafka PORT: sets $boot.
bench_start_kafka() {
  PHARMACRM_KAFKA_BOOTSTRAP= bash "$repo/deploy/local/kafka.sh" start "$work" "$1" >/dev/null
  boot="127.0.0.1:$1"
}

# bench_start NAME GRPC_PORT ADMIN_PORT [flags...]: starts pharmacrm-NAME with
# its data under $work/NAME and waits until it is ready; sets $last_pid.
bench_start() {
  local name="$1" grpc="$2" admin="$3"
  shift 3
  "$bin/pharmacrm-$name" --grpc_host=127.0.0.1 --grpc_port="$grpc" --admin_port="$admin" \
    --data_dir="$work/$name" --kafka_bootstrap="$boot" "$@" >"$work/$name.log" 2>&1 &
  last_pid=$!
  pids+=($last_pid)
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$admin/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$name did not become ready:"; tail -20 "$work/$name.log"; exit 1
}

# bench_wait_idle PID [SECONDS]: waits (at most SECONDS, default 120) until
# the process used under 10 % of a core over one second, e.g. until
# RocksDB's compactions after a bulk import are done, so that what is
# measured next does not share the cores with them.
bench_wait_idle() {
  local pid="$1" limit="${2:-120}" hz before after
  hz=$(getconf CLK_TCK)
  for _ in $(seq 1 "$limit"); do
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep 1
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    [ $(( (after - before) * 10 )) -lt "$hz" ] && return 0
  done
  echo "(pid $pid still busy after ${limit} s)"
}

# bench_wait_published ADMIN_PORT: waits (at most 60 s) until the service's
# outbox backlog is 0, i.e. its events are all published.
bench_wait_published() {
  local backlog
  for _ in $(seq 1 120); do
    backlog=$(curl -fsS "http://127.0.0.1:$1/metrics" | awk '/^pharmacrm_outbox_backlog /{print $2}')
    [ "${backlog:-1}" = "0" ] && return 0
    sleep 0.5
  done
}
