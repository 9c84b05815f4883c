#pragma once

// User-defined scalar functions: a callback over Arrow arrays (what a Python
// udf, pandas_udf or arrow_udf, or a C++ function, becomes), its result type
// and determinism. A DataFrame-API call carries its function in the unresolved
// expression; a name registered with a session (spark.udf.register) is found
// while that session analyzes a query, before the built-in functions.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <arrow/result.h>
#include <arrow/type_fwd.h>

#include "spate/expr/bound_expr.h"

namespace spate {

/// Computes the function over one batch: one array per argument, each of
/// `length` values, in the Arrow types of the arguments' Spark types. Returns
/// `length` values of the Arrow type of the result type. May be called from
/// any thread that runs a query.
using UserFunctionCallback = std::function<arrow::Result<std::shared_ptr<arrow::Array>>(
    const arrow::ArrayVector& args, int64_t length)>;

struct UserFunction {
  std::string name;
  UserFunctionCallback callback;
  DataTypePtr return_type;
  bool deterministic = true;
};
using UserFunctionPtr = std::shared_ptr<const UserFunction>;

/// `function(args)`: the arguments are evaluated to arrays and handed to the
/// callback; the result is nullable, as Spark's UDF results are. A callback
/// that returns another type or length fails the query.
BoundExprPtr BindUserFunction(const UserFunctionPtr& function, std::vector<BoundExprPtr> args,
                              const std::string& pretty);

/// The functions registered with a session, by case-insensitive name.
class UserFunctionRegistry {
 public:
  void Register(const std::string& name, UserFunctionPtr function);
  UserFunctionPtr Find(const std::string& name) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, UserFunctionPtr> functions_;  // by lower-case name
};

/// While alive, calls bound on this thread by name resolve against `registry`
/// first (scopes nest; the innermost wins).
class UserFunctionScope {
 public:
  explicit UserFunctionScope(const UserFunctionRegistry* registry);
  ~UserFunctionScope();
  UserFunctionScope(const UserFunctionScope&) = delete;
  UserFunctionScope& operator=(const UserFunctionScope&) = delete;

  /// The function `name` in the innermost scope of this thread, or null.
  static UserFunctionPtr Find(const std::string& name);

 private:
  const UserFunctionRegistry* previous_;
};

}  // namespace spate
