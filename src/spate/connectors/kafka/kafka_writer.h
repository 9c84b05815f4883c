#pragma once

// Rows to Kafka messages, as Spark's Kafka writer takes them: a `topic`
// column (string; the `topic` option overrides it), `key` and `value`
// (string or binary; value required), `partition` (int; otherwise the
// murmur2 partitioner of the Java client), `headers`
// (array<struct<key: string, value: binary>>).

#include <memory>
#include <optional>
#include <string>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/connectors/kafka/kafka_client.h"
#include "spate/types/data_type.h"

namespace spate::kafka {

/// Spark's checks of the rows' schema ("Required attribute 'value' not found", ...).
arrow::Status ValidateSinkSchema(const StructType& schema, const std::optional<std::string>& topic_option);

/// Produces every row of `rows` (not waiting for acknowledgements) and
/// returns the topic of the first row ("" when there are none). The messages
/// point into the rows' buffers, which the producer keeps until they are
/// delivered.
arrow::Result<std::string> ProduceRows(Client& producer, const std::shared_ptr<arrow::Table>& rows,
                                       const std::optional<std::string>& topic_option);

/// The producer properties of a sink: the Java producer's defaults where
/// librdkafka's differ (the key-hash partitioner murmur2, linger.ms 0,
/// max.in.flight.requests.per.connection 5), each unless the user sets it.
ClientConfig ProducerDefaults(ClientConfig config);

/// The producer properties of a sink under the continuous trigger or in
/// real-time mode, before ProducerDefaults: linger.ms 1, unless the user sets it.
ClientConfig LiveProducerDefaults(ClientConfig config);

}  // namespace spate::kafka
