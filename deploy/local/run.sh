#!/usr/bin/env bash
# Runs the whole PharmaCRM suite locally (used by `make run`):
#
#   1. starts a single-node Kafka broker (deploy/local/kafka.sh), unless
#      PHARMACRM_KAFKA_BOOTSTRAP points to an external cluster;
#   2. starts the five domain services and the gateway in the background;
#   3. waits until every admin endpoint reports /readyz;
#   4. loads a small demo data set (a hospital, a doctor, one visit, a
#      slice of the generated demo set through the bulk import, and its
#      distributor channel through `pharmacrm demo-channel`, which prints
#      what the channel checks found, and the sales organisation with each
#      product's 2026 target through `pharmacrm demo-process`, which prints
#      one rep's customers) on the first run of a data dir;
#   5. prints the endpoints and stays in the foreground, supervising: a
#      service that exits is started again after a delay that doubles from
#      1 s up to 30 s (back to 1 s once it stayed up a minute), and each
#      restart is printed and logged to <data>/logs/supervisor.log
#      (deploy/local/supervisor.sh). Ctrl-C, SIGTERM or SIGHUP stops the
#      services (gateway first) and then the broker.
#
# Environment (all optional):
#   PHARMACRM_DATA_DIR           data directory            (<repo>/data)
#   PHARMACRM_LISTEN_HOST        address every port binds  (127.0.0.1; 0.0.0.0
#                                exposes the unauthenticated API to the network)
#   PHARMACRM_BIN_DIR            service binaries          (<repo>/build/bin)
#   PHARMACRM_KAFKA_BOOTSTRAP    use this Kafka cluster instead of a local broker
#   PHARMACRM_KAFKA_PORT         local broker port         (9092; controller +1)
#   PHARMACRM_GRPC_PORT_BASE     gateway gRPC port; services use base+1..base+5 (7050)
#   PHARMACRM_ADMIN_PORT_BASE    admin ports are base+1..base+6 (9100)
#   PHARMACRM_GATEWAY_HTTP_PORT  gateway HTTP/JSON port    (8080)
#   PHARMACRM_READY_TIMEOUT      seconds to wait for each service (60)
#   PHARMACRM_RESTART_BACKOFF_MAX  longest delay before a restart, seconds (30)
#
# Any other PHARMACRM_<FLAG> variable (for example PHARMACRM_DURABILITY=process)
# reaches the services as a flag fallback; the flags this script passes win.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"

DATA_DIR="${PHARMACRM_DATA_DIR:-${REPO_ROOT}/data}"
BIN_DIR="${PHARMACRM_BIN_DIR:-${REPO_ROOT}/build/bin}"
KAFKA_PORT="${PHARMACRM_KAFKA_PORT:-9092}"
GRPC_BASE="${PHARMACRM_GRPC_PORT_BASE:-7050}"
ADMIN_BASE="${PHARMACRM_ADMIN_PORT_BASE:-9100}"
HTTP_PORT="${PHARMACRM_GATEWAY_HTTP_PORT:-8080}"
LISTEN_HOST="${PHARMACRM_LISTEN_HOST:-127.0.0.1}"
# Where this script itself connects to the ports it starts.
case "${LISTEN_HOST}" in
  0.0.0.0 | localhost) CONNECT_HOST=127.0.0.1 ;;
  *) CONNECT_HOST="${LISTEN_HOST}" ;;
esac
READY_TIMEOUT_S="${PHARMACRM_READY_TIMEOUT:-60}"
STOP_TIMEOUT_S=20

SUP_BACKOFF_INITIAL_S=1
SUP_BACKOFF_MAX_S="${PHARMACRM_RESTART_BACKOFF_MAX:-30}"
SUP_STABLE_S=60
# shellcheck source=deploy/local/supervisor.sh
source "${SCRIPT_DIR}/supervisor.sh"

log() { printf '[run] %s\n' "$*"; }
die() { printf '[run] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "${DATA_DIR}"
DATA_DIR="$(cd "${DATA_DIR}" && pwd)"
LOG_DIR="${DATA_DIR}/logs"
PID_DIR="${DATA_DIR}/run"
DEMO_MARKER="${DATA_DIR}/.demo-loaded"
mkdir -p "${LOG_DIR}" "${PID_DIR}"
SUP_LOG_FILE="${LOG_DIR}/supervisor.log"

if [[ -n "${PHARMACRM_KAFKA_BOOTSTRAP:-}" ]]; then
  BOOTSTRAP="${PHARMACRM_KAFKA_BOOTSTRAP}"
  LOCAL_KAFKA=0
else
  BOOTSTRAP="127.0.0.1:${KAFKA_PORT}"
  LOCAL_KAFKA=1
fi

# Service table: name, gRPC port, admin port. The gateway is started last.
SERVICES=(
  "customer-master   $((GRPC_BASE + 1)) $((ADMIN_BASE + 1))"
  "sales-pipeline    $((GRPC_BASE + 2)) $((ADMIN_BASE + 2))"
  "campaigns         $((GRPC_BASE + 3)) $((ADMIN_BASE + 3))"
  "service-desk      $((GRPC_BASE + 4)) $((ADMIN_BASE + 4))"
  "value-scoring     $((GRPC_BASE + 5)) $((ADMIN_BASE + 5))"
  "gateway           ${GRPC_BASE} $((ADMIN_BASE + 6))"
)

grpc_port_of() {
  local entry name grpc admin
  for entry in "${SERVICES[@]}"; do
    read -r name grpc admin <<<"${entry}"
    if [[ "${name}" == "$1" ]]; then printf '%s\n' "${grpc}"; return 0; fi
  done
  return 1
}

port_open() {
  (exec 3<>"/dev/tcp/${CONNECT_HOST}/$1") 2>/dev/null
}

log_tail() {
  if [[ -f "$1" ]]; then
    printf -- '--- last lines of %s ---\n' "$1" >&2
    tail -n 40 "$1" >&2
    printf -- '---\n' >&2
  fi
}

# Prints the pid recorded for service $1 if that process is still alive.
service_pid() {
  local pid_file="${PID_DIR}/$1.pid" pid
  [[ -f "${pid_file}" ]] || return 1
  pid="$(cat "${pid_file}" 2>/dev/null || true)"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  if [[ -r "/proc/${pid}/cmdline" ]]; then
    tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q "pharmacrm-$1" || return 1
  fi
  printf '%s\n' "${pid}"
}

stop_service() {
  local name="$1" pid
  if pid="$(service_pid "${name}")"; then
    kill -TERM "${pid}" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_TIMEOUT_S))
    while kill -0 "${pid}" 2>/dev/null; do
      if ((SECONDS >= deadline)); then
        log "${name} did not exit after ${STOP_TIMEOUT_S}s; sending SIGKILL"
        kill -KILL "${pid}" 2>/dev/null || true
        break
      fi
      sleep 0.2
    done
  fi
  rm -f "${PID_DIR}/${name}.pid"
}

# ---------------------------------------------------------------------------
# Shutdown
# ---------------------------------------------------------------------------
KAFKA_STARTED_HERE=0
SERVICES_STARTED=0
SHUTTING_DOWN=0

shutdown() {
  ((SHUTTING_DOWN)) && return 0
  SHUTTING_DOWN=1
  trap '' INT TERM HUP
  # Output may go to a pipe whose reader Ctrl-C has already ended
  # (`make run | tee run.log`): a failed write must not stop the clean-up.
  trap '' PIPE
  set +e
  ((SERVICES_STARTED || KAFKA_STARTED_HERE)) || return 0
  log "stopping services"
  local entry name grpc admin pid
  # The gateway first, so no new requests arrive; then the domain services
  # together (each one: not ready, gRPC drained, consumers closed, relay
  # flushed), then the broker.
  stop_service gateway
  for entry in "${SERVICES[@]}"; do
    read -r name grpc admin <<<"${entry}"
    [[ "${name}" == gateway ]] && continue
    if pid="$(service_pid "${name}")"; then
      kill -TERM "${pid}" 2>/dev/null || true
    fi
  done
  for entry in "${SERVICES[@]}"; do
    read -r name grpc admin <<<"${entry}"
    [[ "${name}" == gateway ]] && continue
    stop_service "${name}"
  done
  if ((KAFKA_STARTED_HERE)); then
    bash "${SCRIPT_DIR}/kafka.sh" stop "${DATA_DIR}" || true
  fi
  log "stopped"
}

on_signal() {
  trap '' PIPE
  set +e
  printf '\n'
  shutdown
  exit 0
}

trap shutdown EXIT
trap on_signal INT TERM HUP

# ---------------------------------------------------------------------------
# Pre-flight checks
# ---------------------------------------------------------------------------
for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  [[ -x "${BIN_DIR}/pharmacrm-${name}" ]] \
    || die "${BIN_DIR}/pharmacrm-${name} not found; run 'make build' first"
done
command -v curl >/dev/null || die "curl not found; run 'make setup' first"
command -v python3 >/dev/null || die "python3 not found; run 'make setup' first"

# Leftovers of a previous run that was killed without cleanup.
for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  if pid="$(service_pid "${name}")"; then
    log "stopping leftover ${name} (pid ${pid}) from a previous run"
    stop_service "${name}"
  fi
done

for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  for port in "${grpc}" "${admin}"; do
    port_open "${port}" && die "port ${port} (${name}) is already in use"
  done
done
port_open "${HTTP_PORT}" && die "port ${HTTP_PORT} (gateway HTTP) is already in use"

# ---------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------
if ((LOCAL_KAFKA)); then
  if bash "${SCRIPT_DIR}/kafka.sh" status "${DATA_DIR}" >/dev/null 2>&1; then
    log "Kafka already running for ${DATA_DIR}; it is left running on exit"
  else
    KAFKA_STARTED_HERE=1
    bash "${SCRIPT_DIR}/kafka.sh" start "${DATA_DIR}" "${KAFKA_PORT}"
  fi
else
  log "using external Kafka at ${BOOTSTRAP}"
fi

# ---------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------
had_data=0
[[ -f "${DEMO_MARKER}" ]] && had_data=1

declare -A LOG_OFFSET=()

start_service() {
  local name="$1"
  shift
  local log_file="${LOG_DIR}/${name}.log"
  printf '\n===== %s start %s =====\n' "$(date '+%F %T')" "${name}" >>"${log_file}"
  LOG_OFFSET["${name}"]="$(stat -c %s "${log_file}")"
  # setsid: a Ctrl-C in the terminal reaches only this script, which then
  # stops the services in order with SIGTERM. Services read PHARMACRM_<FLAG>
  # environment variables as flag fallbacks, so this script's own
  # PHARMACRM_DATA_DIR (the root, not a per-service dir) is not passed on.
  SERVICES_STARTED=1
  env -u PHARMACRM_DATA_DIR setsid nohup "${BIN_DIR}/pharmacrm-${name}" "$@" >>"${log_file}" 2>&1 </dev/null &
  echo $! >"${PID_DIR}/${name}.pid"
  log "started ${name} (pid $!), log ${log_file}"
}

launch() {
  local name="$1" entry n grpc admin
  for entry in "${SERVICES[@]}"; do
    read -r n grpc admin <<<"${entry}"
    [[ "${n}" == "${name}" ]] && break
  done
  if [[ "${name}" == gateway ]]; then
    start_service gateway \
      --grpc_host="${LISTEN_HOST}" --grpc_port="${grpc}" --admin_port="${admin}" --http_port="${HTTP_PORT}" \
      --customer_master_addr="${CONNECT_HOST}:$(grpc_port_of customer-master)" \
      --sales_pipeline_addr="${CONNECT_HOST}:$(grpc_port_of sales-pipeline)" \
      --campaigns_addr="${CONNECT_HOST}:$(grpc_port_of campaigns)" \
      --service_desk_addr="${CONNECT_HOST}:$(grpc_port_of service-desk)" \
      --value_scoring_addr="${CONNECT_HOST}:$(grpc_port_of value-scoring)"
  else
    mkdir -p "${DATA_DIR}/${name}"
    start_service "${name}" \
      --grpc_host="${LISTEN_HOST}" --grpc_port="${grpc}" --admin_port="${admin}" \
      --data_dir="${DATA_DIR}/${name}" --kafka_bootstrap="${BOOTSTRAP}"
  fi
}

# The default ports lie below Linux's range of ephemeral ports
# (32768-60999). Ports chosen inside it (PHARMACRM_GRPC_PORT_BASE) can be
# taken as the local port of an outgoing connection (to Kafka, say) and stay
# in TIME-WAIT for up to a minute; such ports are waited for, and a service
# that failed to bind one is started again.
socket_on_port() {
  command -v ss >/dev/null || return 1
  [[ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]]
}

wait_port_released() {
  local port="$1" deadline=$((SECONDS + 75))
  while socket_on_port "${port}"; do
    if [[ -n "$(ss -Htln "( sport = :${port} )" 2>/dev/null)" ]]; then return 1; fi
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  for port in "${grpc}" "${admin}"; do
    if socket_on_port "${port}"; then
      log "port ${port} (${name}) is held by another socket (an outgoing connection's local port); waiting until it is released"
      wait_port_released "${port}" || die "port ${port} (${name}) stays in use"
    fi
  done
done

for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  launch "${name}"
done

wait_ready() {
  local name="$1" grpc="$2" admin="$3" pid port retries=0
  local log_file="${LOG_DIR}/${name}.log"
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until curl -fsS -m 2 -o /dev/null "http://${CONNECT_HOST}:${admin}/readyz" 2>/dev/null; do
    if ! pid="$(service_pid "${name}")"; then
      local offset="${LOG_OFFSET[${name}]:-0}"
      if ((retries < 3)) && tail -c +"$((offset + 1))" "${log_file}" \
          | grep -E 'cannot (listen|bind) on|Address already in use' >/dev/null; then
        retries=$((retries + 1))
        for port in "${grpc}" "${admin}"; do
          if socket_on_port "${port}"; then
            log "${name} could not bind port ${port} (held by another socket); waiting until it is released"
            wait_port_released "${port}" || { log_tail "${log_file}"; die "port ${port} (${name}) stays in use"; }
          fi
        done
        launch "${name}"
        deadline=$((SECONDS + READY_TIMEOUT_S))
        continue
      fi
      log_tail "${log_file}"
      die "${name} exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      log_tail "${log_file}"
      die "${name} not ready on http://${CONNECT_HOST}:${admin}/readyz within ${READY_TIMEOUT_S}s"
    fi
    sleep 0.5
  done
  log "${name} ready"
}

for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  wait_ready "${name}" "${grpc}" "${admin}"
done

# ---------------------------------------------------------------------------
# Demo data
# ---------------------------------------------------------------------------
API="http://${CONNECT_HOST}:${HTTP_PORT}/api/v1"
HOSPITAL_ID=""
DOCTOR_ID=""
VISIT_ID=""

# Prints the top-level "id" of the JSON object on stdin; fails if there is none.
json_id() {
  python3 -c '
import json, sys
try:
    doc = json.load(sys.stdin)
except ValueError:
    sys.exit(1)
ident = doc.get("id") if isinstance(doc, dict) else None
if not isinstance(ident, str) or not ident:
    sys.exit(1)
print(ident)'
}

# post_for_id URL BODY RETRY_STATUSES WAIT_S
# POSTs the JSON BODY to URL and prints the "id" of the 2xx reply. A reply
# whose HTTP status matches the regex RETRY_STATUSES (000: no answer) is
# retried every half second for up to WAIT_S seconds; any other failure is
# reported at once. Retrying is safe: every demo request carries a
# request_id, so a repeat has no further effect and returns the first reply.
post_for_id() {
  local url="$1" body="$2" retry="$3" wait_s="$4"
  local deadline=$((SECONDS + wait_s)) out status reply
  while true; do
    out="$(curl -sS -m 10 -X POST -H 'Content-Type: application/json' \
      --data-binary "${body}" -w '\n%{http_code}' "${url}" 2>&1)" || true
    status="${out##*$'\n'}"
    reply="${out%$'\n'*}"
    [[ "${status}" =~ ^[0-9]{3}$ ]] || { status=000; reply="${out}"; }
    if [[ "${status}" == 2?? ]]; then
      if printf '%s' "${reply}" | json_id; then return 0; fi
      printf '[run] POST %s: reply without an id: %s\n' "${url}" "${reply}" >&2
      return 1
    fi
    if ! [[ "${status}" =~ ^(${retry})$ ]] || ((SECONDS >= deadline)); then
      printf '[run] POST %s failed (HTTP %s): %s\n' "${url}" "${status}" "${reply}" >&2
      return 1
    fi
    sleep 0.5
  done
}

load_demo() {
  HOSPITAL_ID="$(post_for_id "${API}/customers" \
    '{"request_id":"demo-hospital-1","profile":{"kind":"CUSTOMER_KIND_HOSPITAL","name":"北京协和医院","province":"北京市","city":"北京市","hospital_grade":"HOSPITAL_GRADE_3A"}}' \
    '000|5..' 10)" || return 1
  DOCTOR_ID="$(post_for_id "${API}/customers" \
    "{\"request_id\":\"demo-doctor-1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\",\"name\":\"张伟\",\"hospital_id\":\"${HOSPITAL_ID}\",\"department\":\"心内科\",\"title\":\"主任医师\"}}" \
    '000|5..' 10)" || return 1
  # sales-pipeline answers 404 until it has consumed the doctor's
  # CustomerRegistered event from Kafka; that takes a moment after start.
  VISIT_ID="$(post_for_id "${API}/visits" \
    "{\"request_id\":\"demo-visit-1\",\"customer_id\":\"${DOCTOR_ID}\",\"rep_id\":\"rep-demo\",\"notes\":\"介绍新适应症\"}" \
    '000|404|5..' 15)" || return 1
  # A small slice of the deterministic demo data set (30 hospitals, 300
  # doctors, 100 pharmacies with contacts, 10 distributors, with deliberate
  # duplicates and dirty rows) through the bulk import, which reports them.
  "${BIN_DIR}/pharmacrm-demo-data" --size=small --format=jsonl \
    | "${BIN_DIR}/pharmacrm" import --file=- --format=jsonl --source=demo \
        --request_id=demo-small-v1 --server="${CONNECT_HOST}:$((GRPC_BASE + 1))" --progress=false \
    | sed 's/^/  [demo import] /' | head -n 8 || return 1
  # Their monthly metrics (22 months to 2026-10, so that 2025 is whole for
  # the sales targets, of every clean hospital and its
  # departments, doctor, pharmacy and distributor) through the metrics import.
  "${BIN_DIR}/pharmacrm-demo-data" --size=small --what=metrics --months=22 --format=jsonl \
    | "${BIN_DIR}/pharmacrm" import --what=metrics --file=- --format=jsonl --source=demo \
        --request_id=demo-small-metrics-v1 --server="${CONNECT_HOST}:$((GRPC_BASE + 1))" \
        --progress=false \
    | sed 's/^/  [demo metrics] /' | head -n 4 || return 1
  # The distributor channel of those customers (docs/SALES_CHANNEL.md, "Demo
  # data"): 20 products, accounts, 24 months of sell-in, payments, flow files
  # and stock reports with planted diversion, low-price, reconciliation and
  # overdue cases. The loader waits until sales-pipeline has consumed the
  # imported distributors, then prints the findings of the channel checks.
  local channel_dir="${DATA_DIR}/demo-channel"
  "${BIN_DIR}/pharmacrm-demo-data" --size=small --what=channel --out_dir="${channel_dir}" \
    2>/dev/null || return 1
  "${BIN_DIR}/pharmacrm" demo-channel --dir="${channel_dir}" \
      --server="${CONNECT_HOST}:$((GRPC_BASE + 1))" \
      --sales_pipeline="${CONNECT_HOST}:$((GRPC_BASE + 2))" \
    | sed 's/^/  [demo channel] /' || return 1
  # The sales process over the demo customers: territories by province,
  # managers and reps with their costs, alignments from 1 January 2026, and
  # each product's 2026 target allocated down to the customers (last year's
  # flow + 12 %); prints the targets and one rep's customers.
  "${BIN_DIR}/pharmacrm" demo-process \
      --server="${CONNECT_HOST}:$((GRPC_BASE + 1))" \
      --sales_pipeline="${CONNECT_HOST}:$((GRPC_BASE + 2))" \
    | sed 's/^/  [demo process] /' || return 1
}

# The marker is written only after the whole demo set is in; a run that was
# interrupted half way loads it again, and the request ids make that a no-op
# for what was already stored.
read_marker() {
  local key value
  while IFS='=' read -r key value; do
    case "${key}" in
      HOSPITAL_ID) HOSPITAL_ID="${value}" ;;
      DOCTOR_ID) DOCTOR_ID="${value}" ;;
      VISIT_ID) VISIT_ID="${value}" ;;
    esac
  done <"${DEMO_MARKER}"
}

if ((had_data)); then
  read_marker
  log "data dir already initialised; demo data not loaded again"
else
  log "loading demo data"
  if load_demo; then
    printf 'HOSPITAL_ID=%s\nDOCTOR_ID=%s\nVISIT_ID=%s\n' "${HOSPITAL_ID}" "${DOCTOR_ID}" "${VISIT_ID}" \
      >"${DEMO_MARKER}"
    log "demo data loaded"
  else
    log "WARNING: demo data could not be loaded; services keep running"
    DOCTOR_ID=""
  fi
fi

# ---------------------------------------------------------------------------
# Summary
# ---------------------------------------------------------------------------
printf '\nPharmaCRM is running (data: %s, logs: %s)\n\n' "${DATA_DIR}" "${LOG_DIR}"
printf '  %-18s %-18s %s\n' SERVICE GRPC ADMIN
for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  printf '  %-18s %-18s %s\n' "${name}" "${CONNECT_HOST}:${grpc}" "http://${CONNECT_HOST}:${admin}/"
done
printf '\n  %-18s %s\n' "gateway HTTP" "${API}"
printf '  %-18s %s%s\n' "Kafka" "${BOOTSTRAP}" "$( ((LOCAL_KAFKA)) && printf ' (log %s)' "${DATA_DIR}/kafka.log")"
if [[ -n "${DOCTOR_ID}" ]]; then
  printf '\n  demo hospital id:  %s\n' "${HOSPITAL_ID}"
  printf '  demo doctor id:    %s\n' "${DOCTOR_ID}"
  printf '  demo visit id:     %s\n' "${VISIT_ID}"
  printf '\n  try:  curl %s/customers/%s\n' "${API}" "${DOCTOR_ID}"
  printf '        curl %s/findings   (the distributor channel findings)\n' "${API}"
fi
printf '\nPress Ctrl-C to stop.\n\n'

# ---------------------------------------------------------------------------
# Foreground: supervise until a signal stops everything.
# ---------------------------------------------------------------------------
sup_launch() {
  launch "$1"
}

# Every service is a child of this script (start_service), so its exit
# status can be read; one that exited since it became ready is simply the
# first restart.
for entry in "${SERVICES[@]}"; do
  read -r name grpc admin <<<"${entry}"
  sup_track "${name}" "$(cat "${PID_DIR}/${name}.pid")"
done
sup_loop
