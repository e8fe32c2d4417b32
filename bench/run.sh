#!/usr/bin/env bash
# Runs bench/event_path against a fresh local broker, customer-master and
# value-scoring (durability=fsync, the default), then stops them all.
# Usage: bash bench/run.sh [event_path flags, e.g. --seconds=10 --clients=32]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_start_kafka 19092
bench_start customer-master 17051 17101
bench_start value-scoring 17055 17105
"$repo/build/bench/event_path" --kafka_bootstrap="$boot" --customer_master=127.0.0.1:17051 \
  --value_scoring=127.0.0.1:17055 --scratch="$work/scratch" "$@"
