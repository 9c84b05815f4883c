#pragma once

// The `kafka.*` options users write (the Java client's property names, as
// Spark passes them to its consumer and producer) turned into librdkafka
// properties: sasl.jaas.config's PlainLoginModule / ScramLoginModule become
// sasl.username / sasl.password, ssl.truststore.location becomes
// ssl.ca.location (PEM), a PKCS12 keystore stays ssl.keystore.location, a
// JKS store gets a clear error (JKS is a Java-only format). Options Spark
// rejects (auto.offset.reset, deserializers, enable.auto.commit, ...) are
// rejected with Spark's messages.

#include <arrow/result.h>

#include "spate/connectors/kafka/kafka_client.h"
#include "spate/connectors/registry.h"

namespace spate::kafka {

enum class Role { kSource, kSink };

/// The librdkafka properties for the `kafka.*` options; requires
/// kafka.bootstrap.servers.
arrow::Result<ClientConfig> ClientConfigFromOptions(const Options& options, Role role);

}  // namespace spate::kafka
