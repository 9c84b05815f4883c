#include "spate/sql/parser.h"

namespace spate::sql {

// Placeholder: replaced by the full parser.
arrow::Result<ExprPtr> ParseExpression(std::string_view) {
  return arrow::Status::NotImplemented("ParseExpression");
}
arrow::Result<Statement> ParseStatement(std::string_view) {
  return arrow::Status::NotImplemented("ParseStatement");
}
arrow::Result<IntervalValue> ParseIntervalString(std::string_view) {
  return arrow::Status::NotImplemented("ParseIntervalString");
}

}  // namespace spate::sql
