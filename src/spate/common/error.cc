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

namespace spate {

namespace {

class AnalysisErrorDetail : public arrow::StatusDetail {
 public:
  static constexpr const char* kTypeId = "spate::AnalysisError";
  const char* type_id() const override { return kTypeId; }
  std::string ToString() const override { return "AnalysisException"; }
};

}  // namespace

arrow::Status TableNotFound(const std::string& name) {
  return SparkError("TABLE_OR_VIEW_NOT_FOUND", "42P01",
                    "The table or view `" + name +
                        "` cannot be found. Verify the spelling and correctness of the schema and "
                        "catalog.\nIf you did not qualify the name with a schema, verify the "
                        "current_schema() output, or qualify the name with the correct schema and "
                        "catalog.\nTo tolerate the error on drop use DROP VIEW IF EXISTS or DROP "
                        "TABLE IF EXISTS.");
}

arrow::Status LegacyAnalysisError(std::string_view message, std::string_view legacy_class) {
  std::string text = legacy_class.empty() ? std::string(message)
                                          : "[" + std::string(legacy_class) + "] " + std::string(message);
  return arrow::Status(arrow::StatusCode::Invalid, std::move(text), std::make_shared<AnalysisErrorDetail>());
}

bool IsLegacyAnalysisError(const arrow::Status& status) {
  return status.detail() != nullptr &&
         std::string_view(status.detail()->type_id()) == AnalysisErrorDetail::kTypeId;
}

std::string PrintedMessage(const arrow::Status& status) {
  std::string_view error_class = ErrorClassOf(status);
  if (!error_class.starts_with("_LEGACY_ERROR_")) return status.message();
  return status.message().substr(error_class.size() + 3);  // "[" class "] "
}

}  // namespace spate
