// Everything else: session and runtime information, errors raised from SQL, type names.

#include <pwd.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include <arrow/api.h>
#include <fmt/format.h>

#include "spate/common/error.h"
#include "spate/expr/function_registry.h"

namespace spate {

namespace {

// The version version() reports (Spark prints "<version> <git revision>").
constexpr const char* kSpateVersion = "0.1.0";

arrow::Result<std::shared_ptr<arrow::Array>> AsArray(const arrow::Datum& d, int64_t num_rows) {
  if (d.is_scalar()) return arrow::MakeArrayFromScalar(*d.scalar(), num_rows);
  return d.make_array();
}

// A function of no arguments with a constant, non-NULL result.
// `shown`, when set, is Spark's column name for the call.
FunctionBinder ConstantBinder(std::function<std::shared_ptr<arrow::Scalar>()> value,
                              DataTypePtr type, std::string shown = "") {
  return [value, type, shown](const std::string& name, std::vector<BoundExprPtr> args,
                              const std::string& pretty) -> arrow::Result<BoundExprPtr> {
    ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 0, 0));
    auto scalar = value();
    auto impl = [scalar](const FunctionArgs&) -> arrow::Result<arrow::Datum> {
      return arrow::Datum(scalar);
    };
    bool generated = pretty == name + "()";
    return MakeFunction(name, impl, type, std::move(args), generated && !shown.empty() ? shown : pretty,
                        /*nullable=*/false);
  };
}

std::shared_ptr<arrow::Scalar> StringScalar(std::string s) {
  return std::make_shared<arrow::StringScalar>(std::move(s));
}

// The user running the engine, as Spark's current_user() (the JVM's user name).
std::string CurrentUser() {
  if (const struct passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  const char* user = std::getenv("USER");
  return user != nullptr ? user : "";
}

// typeof(x): the simpleString of the argument's type; never NULL. The
// argument is not evaluated (typeof(raise_error('x')) is 'void').
arrow::Result<BoundExprPtr> BindTypeOf(const std::string& name, std::vector<BoundExprPtr> args,
                                       const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  auto scalar = StringScalar(args[0]->type()->SimpleString());
  auto impl = [scalar](const LazyArgs&) -> arrow::Result<arrow::Datum> {
    return arrow::Datum(scalar);
  };
  return MakeLazyFunction(name, impl, types::String(), std::move(args), pretty, /*nullable=*/false);
}

// monotonically_increasing_id(): unique, increasing 64-bit ids. Spark puts the
// partition index in the upper 31 bits; Spate runs one partition, so the ids
// count the rows the expression has seen, batch after batch.
arrow::Result<BoundExprPtr> BindMonotonicId(const std::string& name,
                                            std::vector<BoundExprPtr> args,
                                            const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 0, 0));
  auto next = std::make_shared<std::atomic<int64_t>>(0);
  auto impl = [next](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    int64_t first = next->fetch_add(a.num_rows);
    arrow::Int64Builder out;
    ARROW_RETURN_NOT_OK(out.Reserve(a.num_rows));
    for (int64_t i = 0; i < a.num_rows; ++i) out.UnsafeAppend(first + i);
    ARROW_ASSIGN_OR_RAISE(auto array, out.Finish());
    return arrow::Datum(array);
  };
  return MakeFunction(name, impl, types::Long(), std::move(args), pretty, /*nullable=*/false);
}

arrow::Status UserRaised(std::string_view message) {
  return SparkError("USER_RAISED_EXCEPTION", "P0001", message);
}

// A void-typed function (always NULL) that still runs its implementation,
// unlike MakeFunction's void shortcut: raise_error and assert_true raise.
BoundExprPtr MakeVoidFunction(const std::string& name, FunctionImpl impl,
                              std::vector<BoundExprPtr> args, const std::string& pretty) {
  return std::make_shared<BoundFunction>(name, std::move(impl), types::Null(), true, pretty,
                                         std::move(args));
}

// The message a row raises: the text of a string array, "null" for NULL.
std::string MessageAt(const arrow::StringArray& messages, int64_t row) {
  return messages.IsNull(row) ? "null" : std::string(messages.GetView(row));
}

// raise_error(msg): fails the query with USER_RAISED_EXCEPTION on any row it
// runs on; msg is cast to STRING (NULL prints as "null").
arrow::Result<BoundExprPtr> BindRaiseError(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 1));
  args[0] = ImplicitCast(args[0], types::String());
  auto impl = [](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    if (a.num_rows == 0) return arrow::Datum(std::make_shared<arrow::NullScalar>());
    ARROW_ASSIGN_OR_RAISE(auto messages, AsArray(a.values[0], a.num_rows));
    return UserRaised(MessageAt(static_cast<const arrow::StringArray&>(*messages), 0));
  };
  // Spark names the call after its rewrite: raise_error(USER_RAISED_EXCEPTION, map(errorMessage, msg)).
  std::string shown = fmt::format("raise_error(USER_RAISED_EXCEPTION, map(errorMessage, {}))",
                                  args[0]->name());
  return MakeVoidFunction(name, impl, std::move(args), pretty.starts_with("raise_error(") ? shown : pretty);
}

// assert_true(cond[, msg]): NULL when cond is true, else USER_RAISED_EXCEPTION
// with msg (default: "'<cond>' is not true!"). A NULL cond fails too.
arrow::Result<BoundExprPtr> BindAssertTrue(const std::string& name, std::vector<BoundExprPtr> args,
                                           const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 1, 2));
  std::string default_message = fmt::format("'{}' is not true!", args[0]->name());
  std::string message_name = args.size() == 2 ? args[1]->name() : default_message;
  std::string shown = fmt::format("assert_true({}, {})", args[0]->name(), message_name);
  if (args[0]->type()->id() != TypeId::kBoolean && args[0]->type()->id() != TypeId::kNull) {
    return DataTypeMismatch(
        "UNEXPECTED_INPUT_TYPE",
        fmt::format("(IF({}, NULL, raise_error(USER_RAISED_EXCEPTION, map(errorMessage, {}))))",
                    args[0]->name(), message_name),
        fmt::format("The first parameter requires the \"BOOLEAN\" type, however \"{}\" has the "
                    "type {}",
                    args[0]->name(), QuotedType(*args[0]->type())));
  }
  args[0] = ImplicitCast(args[0], types::Boolean());
  if (args.size() == 2) args[1] = ImplicitCast(args[1], types::String());
  auto impl = [default_message](const FunctionArgs& a) -> arrow::Result<arrow::Datum> {
    ARROW_ASSIGN_OR_RAISE(auto conds, AsArray(a.values[0], a.num_rows));
    const auto& cond = static_cast<const arrow::BooleanArray&>(*conds);
    for (int64_t row = 0; row < a.num_rows; ++row) {
      if (cond.IsValid(row) && cond.Value(row)) continue;
      if (a.values.size() < 2) return UserRaised(default_message);
      ARROW_ASSIGN_OR_RAISE(auto messages, AsArray(a.values[1], a.num_rows));
      return UserRaised(MessageAt(static_cast<const arrow::StringArray&>(*messages), row));
    }
    return arrow::Datum(std::make_shared<arrow::NullScalar>());
  };
  return MakeVoidFunction(name, impl, std::move(args), pretty.starts_with("assert_true(") ? shown : pretty);
}

// equal_null(a, b): a <=> b under its own name.
arrow::Result<BoundExprPtr> BindEqualNull(const std::string& name, std::vector<BoundExprPtr> args,
                                          const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 2, 2));
  return BindCall("<=>", std::move(args), pretty);
}

// nvl2(e, a, b): IF(e IS NOT NULL, a, b).
arrow::Result<BoundExprPtr> BindNvl2(const std::string& name, std::vector<BoundExprPtr> args,
                                     const std::string& pretty) {
  ARROW_RETURN_NOT_OK(CheckArgCount(name, args, 3, 3));
  std::string test_name = fmt::format("({} IS NOT NULL)", args[0]->name());
  ARROW_ASSIGN_OR_RAISE(auto test, BindCall("isnotnull", {args[0]}, test_name));
  bool nullable = args[1]->nullable() || args[2]->nullable();
  ARROW_ASSIGN_OR_RAISE(BoundExprPtr branch, BindCall("if", {test, args[1], args[2]}, pretty));
  auto impl = [branch](const LazyArgs& a) { return branch->Evaluate(a.batch, a.ctx); };
  DataTypePtr type = branch->type();
  return MakeLazyFunction(name, impl, type, branch->children(), pretty, nullable);
}

}  // namespace

void RegisterMiscFunctions(FunctionRegistry& r) {
  r.Add("typeof", BindTypeOf);
  r.Add("current_catalog", ConstantBinder([] { return StringScalar("spark_catalog"); }, types::String()));
  for (const char* n : {"current_database", "current_schema"}) {
    r.Add(n, ConstantBinder([] { return StringScalar("default"); }, types::String(),
                            "current_schema()"));
  }
  for (const char* n : {"current_user", "user", "session_user"}) {
    r.Add(n, ConstantBinder([] { return StringScalar(CurrentUser()); }, types::String()));
  }
  r.Add("version", ConstantBinder([] { return StringScalar(fmt::format("{} spate", kSpateVersion)); },
                                  types::String()));
  // One partition: its index is 0.
  r.Add("spark_partition_id",
        ConstantBinder([] { return std::make_shared<arrow::Int32Scalar>(0); }, types::Int(),
                       "SPARK_PARTITION_ID()"));
  r.Add("monotonically_increasing_id", BindMonotonicId);
  // Outside a file scan Spark gives "" and -1; Spate does not track the file of a row.
  r.Add("input_file_name", ConstantBinder([] { return StringScalar(""); }, types::String()));
  for (const char* n : {"input_file_block_start", "input_file_block_length"}) {
    r.Add(n, ConstantBinder([] { return std::make_shared<arrow::Int64Scalar>(-1); }, types::Long()));
  }
  r.Add("raise_error", BindRaiseError);
  r.Add("assert_true", BindAssertTrue);
  r.Add("equal_null", BindEqualNull);
  r.Add("nvl2", BindNvl2);
  // Spark 4.1 ships the geospatial functions disabled (spark.sql.geospatial.enabled
  // is false): every call is UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED.
  for (const char* n : {"st_asbinary", "st_geogfromwkb", "st_geomfromwkb", "st_setsrid", "st_srid"}) {
    r.Add(n, [](const std::string&, std::vector<BoundExprPtr>, const std::string&) -> arrow::Result<BoundExprPtr> {
      return SparkError("UNSUPPORTED_FEATURE.GEOSPATIAL_DISABLED", "0A000",
                        "The feature is not supported: Geospatial feature is disabled.");
    });
  }
}

}  // namespace spate
