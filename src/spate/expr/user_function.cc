#include "spate/expr/user_function.h"

#include <cstdint>

#include <arrow/api.h>
#include <arrow/datum.h>

#include "spate/common/strings.h"
#include "spate/expr/function_registry.h"
#include "spate/types/arrow_types.h"

namespace spate {

namespace {

thread_local const UserFunctionRegistry* current_registry = nullptr;

arrow::Result<arrow::Datum> CallUserFunction(const UserFunction& f, const FunctionArgs& call) {
  arrow::ArrayVector arrays;
  arrays.reserve(call.values.size());
  for (const auto& value : call.values) {
    if (value.is_array()) {
      arrays.push_back(value.make_array());
    } else {
      ARROW_ASSIGN_OR_RAISE(auto array, arrow::MakeArrayFromScalar(*value.scalar(), call.num_rows));
      arrays.push_back(std::move(array));
    }
  }
  ARROW_ASSIGN_OR_RAISE(auto result, f.callback(arrays, call.num_rows));
  ARROW_ASSIGN_OR_RAISE(auto expected, ToArrowType(*f.return_type));
  if (result == nullptr || result->length() != call.num_rows) {
    return arrow::Status::Invalid("the user-defined function ", f.name, " returned ",
                                  result ? result->length() : 0, " values for ", call.num_rows,
                                  " rows");
  }
  if (!result->type()->Equals(*expected)) {
    return arrow::Status::TypeError("the user-defined function ", f.name, " returned ",
                                    result->type()->ToString(), " values, not ",
                                    expected->ToString(), " (", f.return_type->SimpleString(), ")");
  }
  return arrow::Datum(std::move(result));
}

}  // namespace

BoundExprPtr BindUserFunction(const UserFunctionPtr& function, std::vector<BoundExprPtr> args,
                              const std::string& pretty) {
  FunctionImpl impl = [function](const FunctionArgs& call) {
    return CallUserFunction(*function, call);
  };
  // The function's identity names it, so that grouping by one UDF call never
  // matches a call of another function of the same name.
  std::string id = (function->deterministic ? "udf:" : kNondeterministicUserFunction) +
                   function->name + "@" + std::to_string(reinterpret_cast<uintptr_t>(function.get()));
  return MakeFunction(std::move(id), std::move(impl), function->return_type, std::move(args), pretty,
                      /*nullable=*/true);
}

void UserFunctionRegistry::Register(const std::string& name, UserFunctionPtr function) {
  std::lock_guard<std::mutex> lock(mutex_);
  functions_[AsciiLower(name)] = std::move(function);
}

UserFunctionPtr UserFunctionRegistry::Find(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = functions_.find(AsciiLower(name));
  return it == functions_.end() ? nullptr : it->second;
}

UserFunctionScope::UserFunctionScope(const UserFunctionRegistry* registry)
    : previous_(current_registry) {
  current_registry = registry;
}

UserFunctionScope::~UserFunctionScope() { current_registry = previous_; }

UserFunctionPtr UserFunctionScope::Find(const std::string& name) {
  return current_registry == nullptr ? nullptr : current_registry->Find(name);
}

}  // namespace spate
