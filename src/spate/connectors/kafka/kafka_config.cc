#include "spate/connectors/kafka/kafka_config.h"

#include <regex>

#include <fmt/format.h>

#include "spate/common/strings.h"

namespace spate::kafka {

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Java client properties Spark refuses, with its reasons.
arrow::Status RejectUnsupported(const std::string& key, Role role) {
  if (role == Role::kSource) {
    if (key == "auto.offset.reset") {
      return arrow::Status::Invalid(
          "Kafka option 'auto.offset.reset' is not supported. Instead set the source option 'startingoffsets' "
          "to 'earliest' or 'latest' to specify where to start. Structured Streaming manages which offsets are "
          "consumed internally, rather than relying on the kafkaConsumer to do it.");
    }
    if (key == "key.deserializer" || key == "value.deserializer") {
      std::string what = key == "key.deserializer" ? "keys" : "values";
      return arrow::Status::Invalid(fmt::format(
          "Kafka option '{}' is not supported as {} are deserialized as byte arrays with ByteArrayDeserializer. "
          "Use DataFrame operations to explicitly deserialize the {}.",
          key, what, what));
    }
    if (key == "enable.auto.commit" || key == "interceptor.classes") {
      return arrow::Status::Invalid(fmt::format(
          "Kafka option '{}' is not supported: the Kafka source keeps its offsets in the checkpoint.", key));
    }
  } else if (key == "key.serializer" || key == "value.serializer") {
    std::string what = key == "key.serializer" ? "keys" : "value";
    return arrow::Status::Invalid(fmt::format(
        "Kafka option '{}' is not supported as {} are serialized with ByteArraySerializer.", key, what));
  }
  return arrow::Status::OK();
}

// kafka.sasl.jaas.config: `<module> required username="u" password="p";`
arrow::Status MapJaas(const std::string& jaas, ClientConfig* out) {
  static const std::regex head(R"(^\s*([\w.$]+)\s+required\b)");
  std::smatch m;
  if (!std::regex_search(jaas, m, head)) {
    return arrow::Status::Invalid(
        "Invalid kafka.sasl.jaas.config: expected '<LoginModule class> required username=\"...\" "
        "password=\"...\";'");
  }
  std::string module = m[1];
  std::string mechanism;
  if (EndsWith(module, ".PlainLoginModule")) {
    mechanism = "PLAIN";
  } else if (EndsWith(module, ".ScramLoginModule")) {
    mechanism = "SCRAM";
  } else {
    return arrow::Status::NotImplemented(fmt::format(
        "kafka.sasl.jaas.config: login module '{}' is not supported; the supported ones are "
        "org.apache.kafka.common.security.plain.PlainLoginModule and "
        "org.apache.kafka.common.security.scram.ScramLoginModule",
        module));
  }
  // Values in double or single quotes (Kafka's parser takes both), or bare words.
  static const std::regex kv(R"re((\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^\s;"']+)))re");
  for (auto it = std::sregex_iterator(jaas.begin(), jaas.end(), kv); it != std::sregex_iterator(); ++it) {
    std::string key = (*it)[1];
    std::string value = (*it)[2].matched ? (*it)[2] : (*it)[3].matched ? (*it)[3] : (*it)[4];
    if (key == "username") (*out)["sasl.username"] = value;
    if (key == "password") (*out)["sasl.password"] = value;
  }
  if (jaas.find_last_not_of(" \t\r\n") == std::string::npos || jaas[jaas.find_last_not_of(" \t\r\n")] != ';') {
    return arrow::Status::Invalid(
        "Invalid kafka.sasl.jaas.config: the entry must end with ';' (as Kafka's JAAS parser requires)");
  }
  if (!out->count("sasl.username") || !out->count("sasl.password")) {
    return arrow::Status::Invalid("kafka.sasl.jaas.config must set username=\"...\" and password=\"...\"");
  }
  auto mech = out->find("sasl.mechanisms");
  if (mech == out->end()) {
    if (mechanism == "SCRAM") {
      return arrow::Status::Invalid(
          "ScramLoginModule needs kafka.sasl.mechanism set to SCRAM-SHA-256 or SCRAM-SHA-512");
    }
    (*out)["sasl.mechanisms"] = mechanism;
  } else if (mech->second.rfind(mechanism, 0) != 0) {
    return arrow::Status::Invalid(fmt::format("kafka.sasl.mechanism '{}' does not match the login module '{}'",
                                              mech->second, module));
  }
  return arrow::Status::OK();
}

arrow::Status RejectJks(const std::string& option, const std::string& location, const std::string& type) {
  if (AsciiLower(type) == "jks" || EndsWith(AsciiLower(location), ".jks")) {
    return arrow::Status::Invalid(fmt::format(
        "kafka.{} '{}' is a JKS key store: JKS is a Java-only format that the native Kafka client cannot read. "
        "Accepted are PEM files (truststore: the CA certificates; keystore: key and certificate) and PKCS12 "
        "keystores (.p12); convert with keytool -importkeystore -deststoretype PKCS12 and openssl.",
        option, location));
  }
  return arrow::Status::OK();
}

// The TLS stores: Java names and formats to librdkafka's.
arrow::Status MapStores(const std::map<std::string, std::string>& java, ClientConfig* out) {
  auto get = [&](const std::string& k) {
    auto it = java.find(k);
    return it == java.end() ? std::string() : it->second;
  };
  std::string trust = get("ssl.truststore.location");
  if (!trust.empty()) {
    ARROW_RETURN_NOT_OK(RejectJks("ssl.truststore.location", trust, get("ssl.truststore.type")));
    std::string type = AsciiLower(get("ssl.truststore.type"));
    if (type == "pkcs12" || EndsWith(AsciiLower(trust), ".p12") || EndsWith(AsciiLower(trust), ".pfx")) {
      return arrow::Status::NotImplemented(fmt::format(
          "kafka.ssl.truststore.location '{}': a PKCS12 truststore is not supported; give the CA "
          "certificates as a PEM file (openssl pkcs12 -in {} -nokeys -out ca.pem)",
          trust, trust));
    }
    (*out)["ssl.ca.location"] = trust;
  }
  std::string keystore = get("ssl.keystore.location");
  if (!keystore.empty()) {
    ARROW_RETURN_NOT_OK(RejectJks("ssl.keystore.location", keystore, get("ssl.keystore.type")));
    if (AsciiLower(get("ssl.keystore.type")) == "pem" || EndsWith(AsciiLower(keystore), ".pem")) {
      (*out)["ssl.certificate.location"] = keystore;
      (*out)["ssl.key.location"] = keystore;
      if (!get("ssl.key.password").empty()) (*out)["ssl.key.password"] = get("ssl.key.password");
    } else {
      (*out)["ssl.keystore.location"] = keystore;
      if (!get("ssl.keystore.password").empty()) (*out)["ssl.keystore.password"] = get("ssl.keystore.password");
    }
  }
  return arrow::Status::OK();
}

}  // namespace

arrow::Result<ClientConfig> ClientConfigFromOptions(const Options& options, Role role) {
  std::map<std::string, std::string> java;  // the kafka.* options without the prefix
  for (const auto& [key, value] : options.all()) {
    if (key.rfind("kafka.", 0) == 0) java[key.substr(6)] = value;
  }
  if (!java.count("bootstrap.servers")) {
    return arrow::Status::Invalid(fmt::format("Option 'kafka.bootstrap.servers' must be specified for configuring Kafka {}",
                                              role == Role::kSource ? "consumer" : "producer"));
  }
  ClientConfig out;
  // As the Java client, no Nagle delay on the broker connections (librdkafka 2.0 has
  // it on): a small request or fetch response is not held back waiting for an ACK.
  out["socket.nagle.disable"] = "true";
  if (role == Role::kSource) {
    // Java's consumer defaults, which Spark users rely on.
    out["isolation.level"] = "read_uncommitted";
    out["enable.auto.commit"] = "false";
    out["enable.auto.offset.store"] = "false";
    out["enable.partition.eof"] = "true";
    out["auto.offset.reset"] = "error";
    // librdkafka stops fetching a partition for this long once 100,000 of its
    // messages wait to be taken (queued.min.messages); its default of 1 s left
    // a query reading a backlog idle for most of a second once the queue had
    // been taken, which the Java consumer never does.
    out["fetch.queue.backoff.ms"] = "10";
  }
  for (const auto& [key, value] : java) {
    ARROW_RETURN_NOT_OK(RejectUnsupported(key, role));
    if (key == "sasl.jaas.config" || key.rfind("ssl.truststore.", 0) == 0 || key.rfind("ssl.keystore.", 0) == 0 ||
        key == "ssl.key.password") {
      continue;  // mapped below
    }
    if (key == "sasl.mechanism") {
      out["sasl.mechanisms"] = value;
    } else if (key == "security.protocol") {
      out["security.protocol"] = AsciiLower(value);
    } else if (key == "ssl.endpoint.identification.algorithm") {
      out[key] = value.empty() ? "none" : value;
    } else {
      out[key] = value;
    }
  }
  if (java.count("sasl.jaas.config")) ARROW_RETURN_NOT_OK(MapJaas(java["sasl.jaas.config"], &out));
  ARROW_RETURN_NOT_OK(MapStores(java, &out));
  return out;
}

}  // namespace spate::kafka
