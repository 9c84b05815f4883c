#include "spate/connectors/jdbc/jdbc_options.h"

#include <cctype>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "spate/common/error.h"
#include "spate/common/strings.h"

namespace spate::jdbc {

namespace {

arrow::Status Requirement(const std::string& message) {
  return arrow::Status::Invalid("requirement failed: ", message);
}

std::optional<std::string> Find(const std::map<std::string, std::string>& options, const std::string& key) {
  auto it = options.find(key);
  if (it == options.end()) return std::nullopt;
  return it->second;
}

arrow::Result<int64_t> IntOption(const std::map<std::string, std::string>& options, const std::string& key,
                                 int64_t fallback) {
  auto text = Find(options, key);
  if (!text) return fallback;
  try {
    size_t used = 0;
    int64_t value = std::stoll(*text, &used);
    if (used == text->size()) return value;
  } catch (const std::exception&) {
  }
  return arrow::Status::Invalid(fmt::format("Invalid value '{}' for option '{}': an integer is expected.",
                                            *text, key));
}

// A JSON array of strings.
arrow::Result<std::vector<std::string>> StringList(const std::string& text, const std::string& key) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  bool ok = !doc.HasParseError() && doc.IsArray();
  std::vector<std::string> out;
  for (rapidjson::SizeType i = 0; ok && i < doc.Size(); ++i) {
    ok = doc[i].IsString();
    if (ok) out.emplace_back(doc[i].GetString(), doc[i].GetStringLength());
  }
  if (!ok) {
    return arrow::Status::Invalid(fmt::format(
        "Invalid value '{}' for option '{}': a JSON array of strings is expected.", text, key));
  }
  return out;
}

// Percent-decodes a URL parameter.
std::string Decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The JDBC driver's property names that libpq spells differently.
std::string LibpqKeyword(const std::string& property) {
  std::string key = AsciiLower(property);
  if (key == "applicationname") return "application_name";
  if (key == "connecttimeout") return "connect_timeout";
  return key;
}

bool IsLibpqKeyword(const std::string& key) {
  static const char* const kKeys[] = {"user", "password", "sslmode", "sslcert", "sslkey", "sslrootcert",
                                      "application_name", "connect_timeout", "options"};
  for (const char* k : kKeys) {
    if (key == k) return true;
  }
  return false;
}

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

arrow::Result<PgAddress> ParsePgUrl(const std::string& url) {
  const std::string prefix = "jdbc:postgresql:";
  if (url.rfind(prefix, 0) != 0) {
    return arrow::Status::Invalid(fmt::format(
        "No suitable driver for the JDBC URL '{}': Spate's jdbc data source connects to PostgreSQL "
        "(jdbc:postgresql://host:port/database).",
        url));
  }
  PgAddress address;
  std::string rest = url.substr(prefix.size());
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (rest.rfind("//", 0) == 0) {
    rest = rest.substr(2);
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    address.database = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (auto colon = authority.rfind(':'); colon != std::string::npos && authority.find(']') == std::string::npos) {
      address.port = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
    }
    if (!authority.empty()) address.host = authority;
  } else {
    address.database = rest;
  }
  if (address.port.empty() || address.port.find_first_not_of("0123456789") != std::string::npos) {
    return arrow::Status::Invalid(fmt::format("Invalid port in the JDBC URL '{}'.", url));
  }
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    auto eq = pair.find('=');
    std::string key = LibpqKeyword(pair.substr(0, eq));
    if (IsLibpqKeyword(key)) address.params[key] = eq == std::string::npos ? "" : Decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return address;
}

arrow::Result<JdbcOptions> ParseJdbcOptions(const std::map<std::string, std::string>& options, bool for_write) {
  JdbcOptions out;
  auto url = Find(options, "url");
  if (!url) return Requirement("Option 'url' is required.");
  out.url = *url;
  ARROW_ASSIGN_OR_RAISE(out.address, ParsePgUrl(out.url));
  for (const auto& [key, value] : options) {
    std::string keyword = LibpqKeyword(key);
    if (IsLibpqKeyword(keyword)) out.address.params[keyword] = value;
  }
  auto dbtable = Find(options, "dbtable");
  auto query = Find(options, "query");
  if (dbtable && query) {
    return SparkError("_LEGACY_ERROR_TEMP_2078", "",
                      "Both 'dbtable' and 'query' can not be specified at the same time.");
  }
  if (!dbtable && !query) return SparkError("_LEGACY_ERROR_TEMP_2079", "", "Option 'dbtable' or 'query' is required.");
  if (for_write && query) {
    return Requirement("Option 'dbtable' is required. Option 'query' is not applicable while writing.");
  }
  if (query) {
    std::string q = Trim(*query);
    if (q.empty()) return Requirement("Option `query` can not be empty.");
    out.table = fmt::format("({}) SPARK_GEN_SUBQ_0", q);
    out.is_query = true;
  } else {
    out.table = Trim(*dbtable);
  }
  auto column = Find(options, "partitioncolumn");
  bool lower = options.count("lowerbound") > 0, upper = options.count("upperbound") > 0;
  if (column && out.is_query) {
    return Requirement(
        "Options 'query' and 'partitionColumn' can not be specified together. Please define the query "
        "using `dbtable` option instead and make sure to qualify the partition columns using the "
        "supplied subquery alias to resolve any ambiguity. Example : spark.read.format(\"jdbc\").option("
        "\"url\", jdbcUrl).option(\"dbtable\", \"(select c1, c2 from t1) as subq\").option("
        "\"partitionColumn\", \"c1\").option(\"lowerBound\", \"1\").option(\"upperBound\", \"100\").option("
        "\"numPartitions\", \"3\").load()");
  }
  ARROW_ASSIGN_OR_RAISE(out.num_partitions, IntOption(options, "numpartitions", 0));
  if (column && !(lower && upper && options.count("numpartitions"))) {
    return Requirement(
        "When reading JDBC data sources, users need to specify all or none for the following options: "
        "'partitionColumn', 'lowerBound', 'upperBound', and 'numPartitions'");
  }
  if (!column && (lower || upper)) {
    return Requirement(
        "When reading JDBC data sources, users need to specify all or none for the following options: "
        "'partitionColumn', 'lowerBound', 'upperBound', and 'numPartitions'");
  }
  out.partition_column = column;
  out.lower_bound = Find(options, "lowerbound").value_or("");
  out.upper_bound = Find(options, "upperbound").value_or("");
  if (auto predicates = Find(options, "predicates")) {
    ARROW_ASSIGN_OR_RAISE(out.predicates, StringList(*predicates, "predicates"));
  }
  ARROW_ASSIGN_OR_RAISE(out.fetch_size, IntOption(options, "fetchsize", 0));
  if (out.fetch_size < 0) {
    return Requirement(fmt::format("Invalid value `{}` for parameter `fetchsize`. The minimum value is 0. "
                                   "When the value is 0, the JDBC driver ignores the value and does the "
                                   "estimates.",
                                   out.fetch_size));
  }
  ARROW_ASSIGN_OR_RAISE(out.batch_size, IntOption(options, "batchsize", 1000));
  if (out.batch_size < 1) {
    return Requirement(fmt::format("Invalid value `{}` for parameter `batchsize`. The minimum value is 1.",
                                   out.batch_size));
  }
  out.truncate = AsciiLower(Find(options, "truncate").value_or("false")) == "true";
  out.isolation_level = Find(options, "isolationlevel").value_or("READ_UNCOMMITTED");
  static const char* const kLevels[] = {"NONE", "READ_UNCOMMITTED", "READ_COMMITTED", "REPEATABLE_READ",
                                        "SERIALIZABLE"};
  bool known = false;
  for (const char* level : kLevels) known = known || out.isolation_level == level;
  if (!known) {
    return SparkError("_LEGACY_ERROR_TEMP_2081", "",
                      fmt::format("Invalid value `{}` for parameter `isolationLevel`. This can be `NONE`, "
                                  "`READ_UNCOMMITTED`, `READ_COMMITTED`, `REPEATABLE_READ` or `SERIALIZABLE`.",
                                  out.isolation_level));
  }
  out.create_table_options = Find(options, "createtableoptions").value_or("");
  out.create_table_column_types = Find(options, "createtablecolumntypes").value_or("");
  // As in Spark, run after connecting for reads only.
  if (!for_write) out.session_init_statement = Find(options, "sessioninitstatement").value_or("");
  return out;
}

}  // namespace spate::jdbc
