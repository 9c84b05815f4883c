"""Authenticated and encrypted Kafka connections: the broker's SASL_PLAINTEXT listener (PLAIN,
SCRAM-SHA-256, SCRAM-SHA-512) and its SSL listener, whose certificates the broker fixture
generates with openssl. Options are the Java client's names, as Spark users write them."""

import pytest

PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule"
SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule"


def jaas(module, user, password):
    return '%s required username="%s" password="%s";' % (module, user, password)


def sasl_options(kafka, mechanism, password=None):
    module = PLAIN if mechanism == "PLAIN" else SCRAM
    return {"kafka.bootstrap.servers": kafka.sasl_bootstrap, "kafka.security.protocol": "SASL_PLAINTEXT",
            "kafka.sasl.mechanism": mechanism,
            "kafka.sasl.jaas.config": jaas(module, kafka.user, password or kafka.password)}


def round_trip(spark, kafka, options):
    topic = kafka.new_topic()
    spark.createDataFrame([("a",), ("b",)], "value STRING").write.format("kafka").options(**options) \
        .option("topic", topic).save()
    stream = spark.readStream.format("kafka").options(**options).option("subscribe", topic) \
        .option("startingOffsets", "earliest").load()
    name = "sec_" + topic.replace("-", "_")
    q = stream.selectExpr("CAST(value AS STRING) AS v").writeStream.format("memory").queryName(name).start()
    try:
        q.processAllAvailable()
    finally:
        q.stop()
    return sorted(r.v for r in spark.sql("SELECT v FROM " + name).collect())


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"])
def test_sasl_plaintext_authenticates(spark, kafka, mechanism):
    assert round_trip(spark, kafka, sasl_options(kafka, mechanism)) == ["a", "b"]


@pytest.mark.parametrize("mechanism", ["PLAIN", "SCRAM-SHA-256"])
def test_wrong_password_fails_fast_without_printing_it(spark, kafka, mechanism):
    wrong = "Wr0ng-Passw0rd-xyz"
    options = sasl_options(kafka, mechanism, password=wrong)
    with pytest.raises(Exception) as err:
        spark.read.format("kafka").options(**options).option("subscribe", "any").load().collect()
    message = str(err.value)
    assert "uthentication" in message and "kafka.sasl.jaas.config" in message
    assert wrong not in message


def test_ssl_listener_with_pem_truststore(spark, kafka):
    options = {"kafka.bootstrap.servers": kafka.ssl_bootstrap, "kafka.security.protocol": "SSL",
               "kafka.ssl.truststore.type": "PEM", "kafka.ssl.truststore.location": kafka.ca}
    assert round_trip(spark, kafka, options) == ["a", "b"]


def test_jks_truststore_is_refused_clearly(spark, kafka):
    options = {"kafka.bootstrap.servers": kafka.ssl_bootstrap, "kafka.security.protocol": "SSL",
               "kafka.ssl.truststore.location": "/etc/kafka/client.truststore.jks",
               "kafka.ssl.truststore.password": "secret"}
    with pytest.raises(Exception, match="JKS is a Java-only format.*PEM.*PKCS12"):
        spark.readStream.format("kafka").options(**options).option("subscribe", "x").load()


def test_scram_login_module_needs_scram_mechanism(spark, kafka):
    options = sasl_options(kafka, "SCRAM-SHA-256")
    del options["kafka.sasl.mechanism"]
    with pytest.raises(Exception, match="ScramLoginModule needs kafka.sasl.mechanism"):
        spark.readStream.format("kafka").options(**options).option("subscribe", "x").load()
