#!/usr/bin/env bash
# Bulk import throughput: generates the deterministic demo data set at the
# requested sizes (bench/README.md) and imports each file through
# `pharmacrm import` into a fresh customer-master (durability=fsync) with a
# local broker, printing rows/s as the service measured it, then the
# latency of SearchCustomers over the imported records (bench/search_latency).
# Usage: bash bench/import.sh [records ...]   (default: 100000)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${PHARMACRM_BIN_DIR:-$repo/build/bin}"
work="$(mktemp -d /tmp/pharmacrm-bench-import-XXXXXX)"
kport=19292
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  PHARMACRM_KAFKA_BOOTSTRAP= bash "$repo/deploy/local/kafka.sh" stop "$work" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
PHARMACRM_KAFKA_BOOTSTRAP= bash "$repo/deploy/local/kafka.sh" start "$work" "$kport" >/dev/null
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
for n in "${sizes[@]}"; do
  # The full demo mix (3 000 hospitals : 60 000 doctors : 20 000 pharmacies
  # with one contact each : 500 distributors) scaled to about n records.
  scale=$(python3 -c "print(max(1, round($n / 103500 * 1000)))")
  file="$work/demo-$n.jsonl"
  "$bin/pharmacrm-demo-data" --format=jsonl --hospitals=$((3 * scale)) --doctors=$((60 * scale)) \
    --pharmacies=$((20 * scale)) --distributors=$((scale / 2 > 0 ? scale / 2 : 1)) --out="$file" 2>/dev/null
  rm -rf "$work/cm"
  "$bin/pharmacrm-customer-master" --grpc_host=127.0.0.1 --grpc_port=17151 --admin_port=17152 \
    --data_dir="$work/cm" --kafka_bootstrap="127.0.0.1:$kport" >"$work/cm.log" 2>&1 &
  pid=$!
  pids+=($pid)
  for _ in $(seq 1 120); do curl -fsS http://127.0.0.1:17152/readyz >/dev/null 2>&1 && break; sleep 0.5; done
  echo "== $(wc -l <"$file") records ($(du -h "$file" | cut -f1))"
  "$bin/pharmacrm" import --file="$file" --format=jsonl --server=127.0.0.1:17151 --progress=false \
    --request_id="bench-$n" | head -n 1
  "$repo/build/bench/search_latency" --customer_master=127.0.0.1:17151
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
done
