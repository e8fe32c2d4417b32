#!/usr/bin/env bash
# Single-node Kafka (KRaft) broker for local development and tests.
#
# Usage:
#   kafka.sh start  <data_dir> [port]   start a broker (default port 9092;
#                                       controller listens on port+1)
#   kafka.sh stop   <data_dir>          stop the broker started in <data_dir>
#   kafka.sh status <data_dir>          report whether it is running
#
# Files in <data_dir>: kafka/ (log segments), server.properties, kafka.pid,
# kafka.log. Jars come from ${PHARMACRM_KAFKA_HOME:-<repo>/.cache/kafka}/libs
# (see deploy/local/setup.sh). If PHARMACRM_KAFKA_BOOTSTRAP is set, `start`
# does nothing: an external cluster is used.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
KAFKA_HOME="${PHARMACRM_KAFKA_HOME:-${REPO_ROOT}/.cache/kafka}"
KAFKA_LIBS="${KAFKA_HOME}/libs"
KAFKA_HEAP="${PHARMACRM_KAFKA_HEAP:--Xmx512m}"
START_TIMEOUT_S=60
STOP_TIMEOUT_S=20
# Fixed cluster id: the data dir belongs to this one local broker only.
CLUSTER_ID="q1Sh-9_ISia_zwGINzRvyQ"

log() { printf '[kafka] %s\n' "$*" || true; }  # A closed output must not stop a stop.
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Prints the pid from <data_dir>/kafka.pid if that process is alive.
running_pid() {
  local pid_file="$1/kafka.pid" pid
  [[ -f "${pid_file}" ]] || return 1
  pid="$(cat "${pid_file}" 2>/dev/null || true)"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  kill -0 "${pid}" 2>/dev/null || return 1
  # Guard against a stale pid file whose pid now belongs to another process.
  if [[ -r "/proc/${pid}/cmdline" ]]; then
    tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q 'kafka\.Kafka' || return 1
  fi
  printf '%s\n' "${pid}"
}

log_tail() {
  if [[ -f "$1/kafka.log" ]]; then
    printf -- '--- last lines of %s ---\n' "$1/kafka.log" >&2
    tail -n 40 "$1/kafka.log" >&2
    printf -- '---\n' >&2
  fi
}

cmd_start() {
  local data_dir="${1:-}" port="${2:-9092}"
  [[ -n "${data_dir}" ]] || usage
  [[ "${port}" =~ ^[0-9]+$ ]] || die "invalid port: ${port}"
  local controller_port=$((port + 1))

  if [[ -n "${PHARMACRM_KAFKA_BOOTSTRAP:-}" ]]; then
    log "PHARMACRM_KAFKA_BOOTSTRAP is set; using external Kafka at ${PHARMACRM_KAFKA_BOOTSTRAP}"
    return 0
  fi

  mkdir -p "${data_dir}"
  data_dir="$(cd "${data_dir}" && pwd)"

  local pid
  if pid="$(running_pid "${data_dir}")"; then
    log "already running (pid ${pid}) for ${data_dir}"
    return 0
  fi

  compgen -G "${KAFKA_LIBS}/kafka_2.13-*.jar" >/dev/null \
    || die "Kafka jars not found in ${KAFKA_LIBS}; run 'make setup' (deploy/local/setup.sh) first"
  command -v java >/dev/null || die "java not found; run 'make setup' first"

  if port_open "${port}"; then
    die "port ${port} is already in use"
  fi
  if port_open "${controller_port}"; then
    die "controller port ${controller_port} is already in use"
  fi

  local props="${data_dir}/server.properties"
  local log_dir="${data_dir}/kafka"
  sed -e "s|@PORT@|${port}|g" \
      -e "s|@CONTROLLER_PORT@|${controller_port}|g" \
      -e "s|@LOG_DIR@|${log_dir}|g" \
      "${SCRIPT_DIR}/kafka/server.properties.in" >"${props}"

  local classpath="${KAFKA_LIBS}/*"
  local log4j="-Dlog4j2.configurationFile=${SCRIPT_DIR}/kafka/log4j2.properties"

  if [[ ! -f "${log_dir}/meta.properties" ]]; then
    log "formatting storage in ${log_dir}"
    mkdir -p "${log_dir}"
    if ! java "${log4j}" -cp "${classpath}" kafka.tools.StorageTool format \
        --standalone -t "${CLUSTER_ID}" -c "${props}" >"${data_dir}/kafka-format.log" 2>&1; then
      cat "${data_dir}/kafka-format.log" >&2
      die "storage format failed"
    fi
  fi

  log "starting broker on 127.0.0.1:${port} (controller ${controller_port}), data in ${data_dir}"
  # setsid: own session, so a Ctrl-C in the calling terminal does not reach
  # the broker; it is stopped explicitly with `kafka.sh stop`.
  # shellcheck disable=SC2086  # KAFKA_HEAP may hold several JVM options
  setsid nohup java ${KAFKA_HEAP} -XX:+UseG1GC -Djava.awt.headless=true "${log4j}" \
    -cp "${classpath}" kafka.Kafka "${props}" \
    >>"${data_dir}/kafka.log" 2>&1 </dev/null &
  pid=$!
  echo "${pid}" >"${data_dir}/kafka.pid"

  local deadline=$((SECONDS + START_TIMEOUT_S))
  until port_open "${port}"; do
    if ! kill -0 "${pid}" 2>/dev/null; then
      rm -f "${data_dir}/kafka.pid"
      log_tail "${data_dir}"
      die "broker exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      log_tail "${data_dir}"
      kill -TERM "${pid}" 2>/dev/null || true
      die "broker did not accept connections on port ${port} within ${START_TIMEOUT_S}s"
    fi
    sleep 0.2
  done
  log "ready: bootstrap 127.0.0.1:${port} (pid ${pid})"
}

cmd_stop() {
  local data_dir="${1:-}"
  [[ -n "${data_dir}" ]] || usage
  local pid
  if ! pid="$(running_pid "${data_dir}")"; then
    log "not running (${data_dir})"
    rm -f "${data_dir}/kafka.pid"
    return 0
  fi
  log "stopping broker (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "${pid}" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "no exit after ${STOP_TIMEOUT_S}s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "${data_dir}/kafka.pid"
  log "stopped"
}

cmd_status() {
  local data_dir="${1:-}"
  [[ -n "${data_dir}" ]] || usage
  local pid port=""
  if [[ -f "${data_dir}/server.properties" ]]; then
    port="$(sed -n 's|^listeners=PLAINTEXT://[^:]*:\([0-9]*\).*|\1|p' "${data_dir}/server.properties")"
  fi
  if pid="$(running_pid "${data_dir}")"; then
    if [[ -n "${port}" ]] && port_open "${port}"; then
      log "running (pid ${pid}), bootstrap 127.0.0.1:${port}"
    else
      log "process running (pid ${pid}) but port ${port:-?} not accepting connections"
    fi
    return 0
  fi
  log "not running (${data_dir})"
  return 1
}

case "${1:-}" in
  start)  shift; cmd_start "$@" ;;
  stop)   shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  *)      usage ;;
esac
