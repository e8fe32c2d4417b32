#!/usr/bin/env bash
# Runs bench/event_path against a fresh local broker, customer-master and
# value-scoring (durability=fsync, the default), then stops them all.
# Usage: bash bench/run.sh [event_path flags, e.g. --seconds=10 --clients=32]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${PHARMACRM_BIN_DIR:-$repo/build/bin}"
work="$(mktemp -d /tmp/pharmacrm-bench-XXXXXX)"
kport=19092
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  PHARMACRM_KAFKA_BOOTSTRAP= bash "$repo/deploy/local/kafka.sh" stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
PHARMACRM_KAFKA_BOOTSTRAP= bash "$repo/deploy/local/kafka.sh" start "$work" "$kport"
boot="127.0.0.1:$kport"
start() {  # name grpc admin
  "$bin/pharmacrm-$1" --grpc_host=127.0.0.1 --grpc_port="$2" --admin_port="$3" \
    --data_dir="$work/$1" --kafka_bootstrap="$boot" >"$work/$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$3/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$1 did not become ready:"; tail -20 "$work/$1.log"; exit 1
}
start customer-master 17051 17101
start value-scoring 17055 17105
"$repo/build/bench/event_path" --kafka_bootstrap="$boot" --customer_master=127.0.0.1:17051 \
  --value_scoring=127.0.0.1:17055 --scratch="$work/scratch" "$@"
