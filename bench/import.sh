#!/usr/bin/env bash
# Bulk import throughput: generates the deterministic demo data set at the
# requested sizes (bench/README.md) and imports each file through
# `pharmacrm import` into a fresh customer-master (durability=fsync) with a
# local broker, printing rows/s as the service measured it, then the
# latency of SearchCustomers over the imported records (bench/search_latency)
# and the time to scan them for duplicates and merge the likely ones
# (bench/match_merge).
# Usage: bash bench/import.sh [records ...]   (default: 100000)
#        IMPORT_RUNS=5 bash bench/import.sh 100000 1000000   (each import five
#          times into a fresh service; prints the median)
#        METRICS_MONTHS=3 bash bench/import.sh 100000   (also imports metrics)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_start_kafka 19292
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000)
# The full demo mix (3 000 hospitals : 60 000 doctors : 20 000 pharmacies
# with one contact each : 500 distributors) scaled to about n records.
scale_of() { python3 -c "print(max(1, round($1 / 103500 * 1000)))"; }
# Every file is written before the first import, and flushed to disk: the
# kernel writing back a file of 700 MB is not an import's work.
for n in "${sizes[@]}"; do
  scale=$(scale_of "$n")
  "$bin/pharmacrm-demo-data" --format=jsonl --hospitals=$((3 * scale)) --doctors=$((60 * scale)) \
    --pharmacies=$((20 * scale)) --distributors=$((scale / 2 > 0 ? scale / 2 : 1)) \
    --out="$work/demo-$n.jsonl" 2>/dev/null
done
sync
for n in "${sizes[@]}"; do
  scale=$(scale_of "$n")
  file="$work/demo-$n.jsonl"
  echo "== $(wc -l <"$file") records ($(du -h "$file" | cut -f1))"
  # IMPORT_RUNS imports (default 1), each into a fresh customer-master once
  # the previous one's events are out; the median is the figure to quote
  # (the machine is shared and noisy). Search and match & merge use the
  # last one.
  rates=()
  for run in $(seq 1 "${IMPORT_RUNS:-1}"); do
    if [ "$run" -gt 1 ]; then
      bench_wait_published 17152
      kill -TERM "$last_pid"; wait "$last_pid" 2>/dev/null || true
    fi
    rm -rf "$work/customer-master"
    bench_start customer-master 17151 17152
    summary=$("$bin/pharmacrm" import --file="$file" --format=jsonl --server=127.0.0.1:17151 \
      --progress=false --request_id="bench-$n" | head -n 1)
    echo "$summary"
    rates+=("$(sed -E 's/.* ([0-9]+) rows\/s.*/\1/' <<<"$summary")")
  done
  if [ "${#rates[@]}" -gt 1 ]; then
    echo "import of $n: ${rates[*]} rows/s; median $(printf '%s\n' "${rates[@]}" | sort -n |
      awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}') rows/s"
  fi
  # With METRICS_MONTHS=N (default 0: skipped), the same customers' monthly
  # metrics for N months through `pharmacrm import --what=metrics`, once the
  # customer import's events are out and its compactions done.
  if [ "${METRICS_MONTHS:-0}" -gt 0 ]; then
    mfile="$work/metrics-$n.jsonl"
    "$bin/pharmacrm-demo-data" --what=metrics --format=jsonl --months="$METRICS_MONTHS" \
      --hospitals=$((3 * scale)) --doctors=$((60 * scale)) --pharmacies=$((20 * scale)) \
      --distributors=$((scale / 2 > 0 ? scale / 2 : 1)) --out="$mfile" 2>/dev/null
    bench_wait_published 17152
    bench_wait_idle "$last_pid"
    echo "== $(wc -l <"$mfile") metrics records, $METRICS_MONTHS months ($(du -h "$mfile" | cut -f1))"
    "$bin/pharmacrm" import --what=metrics --file="$mfile" --server=127.0.0.1:17151 \
      --progress=false --request_id="bench-metrics-$n" | head -n 1
    rm -f "$mfile"
  fi
  # Search is measured once the import's events are published: until then
  # the relay and the broker share the two cores with it.
  bench_wait_published 17152
  # And once RocksDB's compactions after the import are done.
  bench_wait_idle "$last_pid"
  "$repo/build/bench/search_latency" --customer_master=127.0.0.1:17151 --rounds="${SEARCH_ROUNDS:-20}"
  # Match and merge: one duplicate scan over every record, then the pairs
  # scoring 0.9 or more merged (bench/match_merge).
  "$repo/build/bench/match_merge" --customer_master=127.0.0.1:17151
  kill -TERM "$last_pid"; wait "$last_pid" 2>/dev/null || true
done
