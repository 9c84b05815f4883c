#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, combined broker + controller) on
# free loopback ports, for the tests and the benchmark.
#
#   scripts/kafka/broker.sh fetch        fetch the broker's jars (Maven) into build/kafka/libs
#   scripts/kafka/broker.sh start DIR    fetch if needed, generate TLS certificates with
#                                        openssl, format storage, start, wait until ready;
#                                        writes DIR/broker.env (KEY=VALUE lines, see below)
#   scripts/kafka/broker.sh stop DIR     stop the broker started in DIR
#
# Listeners (all on 127.0.0.1):
#   KAFKA_BOOTSTRAP       PLAINTEXT
#   KAFKA_SASL_BOOTSTRAP  SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512;
#                         users KAFKA_SASL_USER/KAFKA_SASL_PASSWORD (all three mechanisms)
#   KAFKA_SSL_BOOTSTRAP   SSL; the broker's certificate is signed by the CA in KAFKA_SSL_CA (PEM)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LIBS="${SPATE_KAFKA_LIBS:-$ROOT/build/kafka/libs}"
JAVA="${JAVA:-java}"
SASL_USER=spate
SASL_PASSWORD=spate-secret

# The jars are fetched again when the pom changes (its hash is the stamp).
fetch() {
  local want
  want=$(sha256sum "$ROOT/scripts/kafka/pom.xml" | cut -d' ' -f1)
  [ "$(cat "$LIBS/.complete" 2>/dev/null)" = "$want" ] && return 0
  command -v mvn >/dev/null || { echo "broker.sh: mvn is not installed (scripts/bootstrap.sh installs maven)" >&2; exit 1; }
  echo "broker.sh: fetching the Kafka broker's jars into $LIBS" >&2
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -Dstyle.color=never -f "$ROOT/scripts/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" > "$LIBS.log" 2>&1 || {
    cat "$LIBS.log" >&2; echo "broker.sh: fetching the Kafka jars failed" >&2; exit 1; }
  echo "$want" > "$LIBS/.complete"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# A CA and a broker certificate for 127.0.0.1/localhost; the broker's PEM
# keystore holds its unencrypted PKCS#8 key followed by its certificate.
make_certs() {
  local d="$1/tls"
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=spate-test-ca" \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
    -keyout "$d/broker.key" -out "$d/broker.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$d/san.ext"
  openssl x509 -req -in "$d/broker.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/san.ext" -out "$d/broker.pem" 2>/dev/null
  openssl pkcs8 -topk8 -nocrypt -in "$d/broker.key" -out "$d/broker.pk8"
  cat "$d/broker.pk8" "$d/broker.pem" > "$d/broker-keystore.pem"
}

write_config() {
  local dir="$1" p="$2" sp="$3" tp="$4" cp="$5"
  local jaas_scram="org.apache.kafka.common.security.scram.ScramLoginModule required;"
  cat > "$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cp
listeners=PLAINTEXT://127.0.0.1:$p,SASL_PLAINTEXT://127.0.0.1:$sp,SSL://127.0.0.1:$tp,CONTROLLER://127.0.0.1:$cp
advertised.listeners=PLAINTEXT://127.0.0.1:$p,SASL_PLAINTEXT://127.0.0.1:$sp,SSL://127.0.0.1:$tp
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.flush.interval.messages=1000000
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$SASL_USER="$SASL_PASSWORD";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=$jaas_scram
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=$jaas_scram
ssl.keystore.type=PEM
ssl.keystore.location=$dir/tls/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$dir/tls/ca.pem
ssl.client.auth=none
EOF
}

start() {
  local dir="$1"
  fetch
  stop "$dir" 2>/dev/null || true
  rm -rf "$dir" && mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local p sp tp cp
  p=$(free_port); sp=$(free_port); tp=$(free_port); cp=$(free_port)
  make_certs "$dir"
  write_config "$dir" "$p" "$sp" "$tp" "$cp"
  cat > "$dir/log4j2.properties" <<EOF
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=FILE
appender.file.type=File
appender.file.name=FILE
appender.file.fileName=$dir/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka.server.KafkaRaftServer
logger.kafka.level=INFO
EOF
  # The tests' broker is small; KAFKA_BROKER_JVM_OPTS replaces its heap and collector
  # settings (the latency benchmark runs it as Kafka's own start script does).
  local jvm=(-Xms256m -Xmx768m -XX:+UseSerialGC)
  [ -n "${KAFKA_BROKER_JVM_OPTS:-}" ] && read -r -a jvm <<< "$KAFKA_BROKER_JVM_OPTS"
  local java_opts=("${jvm[@]}" -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$dir/log4j2.properties" -cp "$LIBS/*")
  "$JAVA" "${java_opts[@]}" kafka.tools.StorageTool format -t "spate-test-cluster-0001" \
    -c "$dir/server.properties" \
    --add-scram "SCRAM-SHA-256=[name=$SASL_USER,password=$SASL_PASSWORD]" \
    --add-scram "SCRAM-SHA-512=[name=$SASL_USER,password=$SASL_PASSWORD]" > "$dir/format.log" 2>&1 || {
    cat "$dir/format.log" >&2; exit 1; }
  nohup "$JAVA" "${java_opts[@]}" kafka.Kafka "$dir/server.properties" > "$dir/stdout.log" 2>&1 &
  echo $! > "$dir/broker.pid"
  local waited=0
  until grep -q "Kafka Server started" "$dir/server.log" 2>/dev/null; do
    if ! kill -0 "$(cat "$dir/broker.pid")" 2>/dev/null; then
      echo "broker.sh: the broker exited during start-up:" >&2
      tail -40 "$dir/stdout.log" "$dir/server.log" >&2 2>/dev/null || true
      exit 1
    fi
    if [ $waited -ge 1200 ]; then echo "broker.sh: the broker did not start in 120 s" >&2; exit 1; fi
    sleep 0.1; waited=$((waited + 1))
  done
  cat > "$dir/broker.env" <<EOF
KAFKA_BOOTSTRAP=127.0.0.1:$p
KAFKA_SASL_BOOTSTRAP=127.0.0.1:$sp
KAFKA_SSL_BOOTSTRAP=127.0.0.1:$tp
KAFKA_SASL_USER=$SASL_USER
KAFKA_SASL_PASSWORD=$SASL_PASSWORD
KAFKA_SSL_CA=$dir/tls/ca.pem
KAFKA_BROKER_PID=$(cat "$dir/broker.pid")
EOF
  cat "$dir/broker.env"
}

stop() {
  local dir="$1" pid
  [ -f "$dir/broker.pid" ] || return 0
  pid=$(cat "$dir/broker.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/broker.pid"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start "${2:?usage: broker.sh start DIR}" ;;
  stop) stop "${2:?usage: broker.sh stop DIR}" ;;
  *) echo "usage: broker.sh fetch | start DIR | stop DIR" >&2; exit 2 ;;
esac
