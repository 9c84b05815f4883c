#include "spate/common/error.h"

namespace spate {

arrow::Status SparkError(std::string_view error_class, std::string_view sqlstate,
                         std::string_view message) {
  return arrow::Status::Invalid("[", error_class, "] ", message, " SQLSTATE: ", sqlstate);
}

std::string_view ErrorClassOf(const arrow::Status& status) {
  const std::string& msg = status.message();
  if (msg.empty() || msg[0] != '[') return {};
  size_t end = msg.find(']');
  if (end == std::string::npos) return {};
  return std::string_view(msg).substr(1, end - 1);
}

}  // namespace spate
