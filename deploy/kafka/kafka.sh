#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, transactions on) on 127.0.0.1, run from its Maven Central
# jars. Needs Java 17 and Maven. Usage:
#   deploy/kafka/kafka.sh start    fetch the jars (first time), format storage, start, wait until ready
#   deploy/kafka/kafka.sh stop     stop the broker this script started
#   deploy/kafka/kafka.sh status   print what runs where; exit 0 if it is running and accepting clients
#   deploy/kafka/kafka.sh fetch    only fetch the jars (tools that run Kafka's Java clients need them)
# Settings (environment): SAGE_KAFKA_PORT (19092), SAGE_KAFKA_CONTROLLER_PORT (19093),
# SAGE_KAFKA_HOME (deploy/kafka/dist: jars, data, logs, pid file).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
port="${SAGE_KAFKA_PORT:-19092}"
controller_port="${SAGE_KAFKA_CONTROLLER_PORT:-19093}"
home="${SAGE_KAFKA_HOME:-$here/dist}"
libs="$home/libs"
data="$home/data"
logs="$home/logs"
pidfile="$home/broker.pid"
config="$home/server.properties"

say() { echo "kafka.sh: $*" >&2; }

accepting() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running() { [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

fetch_jars() {
  if [[ -f "$libs/.complete" ]]; then return; fi
  command -v mvn >/dev/null || { say "Maven (mvn) is needed to fetch Kafka's jars: install Maven"; exit 1; }
  command -v java >/dev/null || { say "Java 17 is needed to run the broker: install a JDK 17"; exit 1; }
  say "fetching Apache Kafka's jars from Maven Central (first run only)"
  mkdir -p "$libs"
  mvn -q -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" -DincludeScope=runtime
  touch "$libs/.complete"
}

write_config() {
  mkdir -p "$data" "$logs"
  cat >"$config" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=1
PROPS
}

java_run() {
  java -Xms256m -Xmx768m -XX:+UseG1GC -Dkafka.logs.dir="$logs" -Dlog4j.configuration="file:$here/log4j.properties" \
    -cp "$libs/*" "$@"
}

start() {
  if running && accepting; then say "already running on 127.0.0.1:$port (pid $(cat "$pidfile"))"; return; fi
  # Another checkout's broker (or any Kafka) on the port serves as well; a second one could not bind it.
  if accepting; then say "a broker already accepts clients on 127.0.0.1:$port (not started from $home); using it"; return; fi
  fetch_jars
  write_config
  if [[ ! -f "$data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java_run kafka.tools.StorageTool random-uuid)"
    java_run kafka.tools.StorageTool format -t "$cluster_id" -c "$config" >/dev/null
  fi
  : >"$logs/broker.log"
  nohup java -Xms256m -Xmx768m -XX:+UseG1GC -Dkafka.logs.dir="$logs" -Dlog4j.configuration="file:$here/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$config" >"$logs/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 240); do
    if accepting && grep -q "Transition from STARTING to STARTED (kafka.server.BrokerServer)" "$logs/broker.log" "$logs/stdout.log" 2>/dev/null; then
      say "broker ready on 127.0.0.1:$port (pid $(cat "$pidfile"))"
      return
    fi
    if ! running; then say "the broker exited during start; its log: $logs/stdout.log"; tail -20 "$logs/stdout.log" >&2 || true; exit 1; fi
    sleep 0.5
  done
  say "the broker did not become ready within 120 s; its log: $logs/broker.log"
  exit 1
}

stop() {
  if ! running; then rm -f "$pidfile"; say "not running"; return; fi
  local pid; pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; say "stopped"; return; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  say "stopped (killed after 30 s)"
}

status() {
  if running && accepting; then
    echo "broker running: 127.0.0.1:$port (clients), 127.0.0.1:$controller_port (controller), pid $(cat "$pidfile")"
    echo "data: $data"
    echo "logs: $logs/broker.log"
  elif accepting; then
    echo "something accepts clients on 127.0.0.1:$port, but not a broker this script started (no live pid in $pidfile)"
  elif running; then
    echo "broker process $(cat "$pidfile") is up but 127.0.0.1:$port does not accept clients yet; its log: $logs/broker.log"
    return 1
  else
    echo "not running (start it with: $0 start)"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch_jars ;;
  *) echo "usage: $0 start|stop|status|fetch" >&2; exit 2 ;;
esac
