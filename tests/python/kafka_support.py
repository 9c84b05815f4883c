"""A real Apache Kafka broker for the Kafka tests (scripts/kafka/broker.sh: KRaft, single node,
PLAINTEXT, SASL_PLAINTEXT and SSL listeners on free loopback ports), and an independent
client (confluent-kafka) to set up topics and check what Spate wrote."""

import os
import subprocess
import uuid

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROKER_SH = os.path.join(ROOT, "scripts", "kafka", "broker.sh")


class Broker:
    def __init__(self, env):
        self.env = env
        self.bootstrap = env["KAFKA_BOOTSTRAP"]
        self.sasl_bootstrap = env["KAFKA_SASL_BOOTSTRAP"]
        self.ssl_bootstrap = env["KAFKA_SSL_BOOTSTRAP"]
        self.user = env["KAFKA_SASL_USER"]
        self.password = env["KAFKA_SASL_PASSWORD"]
        self.ca = env["KAFKA_SSL_CA"]

    def new_topic(self, partitions=1, prefix="t"):
        from confluent_kafka.admin import AdminClient, NewTopic

        name = "%s-%s" % (prefix, uuid.uuid4().hex[:10])
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        admin.create_topics([NewTopic(name, partitions, 1)])[name].result(30)
        return name

    def add_partitions(self, topic, total):
        from confluent_kafka.admin import AdminClient, NewPartitions

        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        admin.create_partitions([NewPartitions(topic, total)])[topic].result(30)

    def delete_topic(self, topic):
        from confluent_kafka.admin import AdminClient

        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        admin.delete_topics([topic])[topic].result(30)

    def produce(self, topic, records, partition=None, timestamp=None):
        """records: values, or (key, value) pairs, or (key, value, headers) triples."""
        from confluent_kafka import Producer

        p = Producer({"bootstrap.servers": self.bootstrap, "linger.ms": 0})
        for r in records:
            key, value, headers = None, r, None
            if isinstance(r, tuple):
                key, value = r[0], r[1]
                headers = r[2] if len(r) > 2 else None
            kwargs = {}
            if partition is not None:
                kwargs["partition"] = partition
            if timestamp is not None:
                kwargs["timestamp"] = timestamp
            if headers is not None:
                kwargs["headers"] = headers
            p.produce(topic, value=value, key=key, **kwargs)
        assert p.flush(30) == 0

    def consume_all(self, topic, read_committed=False, timeout=30):
        """Every message of the topic (all partitions, from the start up to the end offsets at
        the time of the call) as confluent_kafka Message objects."""
        from confluent_kafka import Consumer, TopicPartition

        c = Consumer({"bootstrap.servers": self.bootstrap, "group.id": "check-" + uuid.uuid4().hex,
                      "enable.auto.commit": False, "enable.partition.eof": True,
                      "isolation.level": "read_committed" if read_committed else "read_uncommitted"})
        try:
            md = c.list_topics(topic, timeout=timeout).topics[topic]
            parts = [TopicPartition(topic, p, -2) for p in md.partitions]
            ends = {p.partition: c.get_watermark_offsets(p, timeout=timeout)[1] for p in parts}
            c.assign(parts)
            out, done = [], {p for p, end in ends.items() if end == 0}
            import time
            deadline = time.monotonic() + timeout
            while len(done) < len(parts) and time.monotonic() < deadline:
                m = c.poll(0.5)
                if m is None:
                    continue
                if m.error():
                    if m.error().code() == -191:  # partition EOF
                        done.add(m.partition())
                    continue
                out.append(m)
            assert len(done) == len(parts), "timed out reading " + topic
            return out
        finally:
            c.close()


def start_broker(directory):
    """Starts a broker whose files live in `directory`; raises with the script's output if it
    cannot (never skips: the Kafka tests need the real broker)."""
    proc = subprocess.run([BROKER_SH, "start", str(directory)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError("the Kafka broker did not start:\n" + proc.stdout + proc.stderr)
    env = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return Broker(env)


def stop_broker(directory):
    subprocess.run([BROKER_SH, "stop", str(directory)], check=False)
