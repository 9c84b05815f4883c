// spate._native: the engine seen from Python. Schemas cross as Spark's JSON
// form (the same contract PySpark keeps with the JVM); data crosses as Arrow
// through the C data / C stream interface in PyCapsules, without copies.
// Engine errors become the pyspark-named exceptions of spate.errors.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>

#include <unistd.h>

#include <arrow/c/abi.h>
#include <arrow/c/bridge.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>
#include <arrow/array.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "python_state_rows.h"

#include "spate/api/catalog.h"
#include "spate/api/column.h"
#include "spate/api/data_stream_reader.h"
#include "spate/api/data_stream_writer.h"
#include "spate/api/dataframe.h"
#include "spate/api/reader.h"
#include "spate/api/session.h"
#include "spate/api/row_level_writes.h"
#include "spate/api/writer.h"
#include "spate/common/error.h"
#include "spate/exec/encoded_value_state.h"
#include "spate/expr/time_zone.h"
#include "spate/expr/user_function.h"
#include "spate/connectors/file/parquet_io.h"
#include "spate/connectors/iceberg/iceberg_tables.h"
#include "spate/sql/parser.h"
#include "spate/streaming/query_manager.h"
#include "spate/streaming/streaming_query.h"
#include "spate/streaming/trigger.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"
#include "spate/types/json_schema.h"

namespace nb = nanobind;

namespace {

// How many threads are inside a call that released the GIL (stop(), a query's
// batch execution, awaitTermination, ...). At exit, spate waits for them to get
// back to Python before the interpreter shuts down.
std::atomic<int> released_calls{0};

bool InterpreterFinalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}

// Releases the GIL for the scope's native work. A thread that comes back once the
// interpreter is shutting down does not take the GIL again: Python would end it with
// pthread_exit, whose unwinding through this destructor aborts the process. The
// thread waits instead, and process exit ends it.
class ReleasedGil {
 public:
  ReleasedGil() {
    released_calls.fetch_add(1);
    state_ = PyEval_SaveThread();
  }
  ~ReleasedGil() {
    while (InterpreterFinalizing()) ::pause();
    PyEval_RestoreThread(state_);
    released_calls.fetch_sub(1);
  }
  ReleasedGil(const ReleasedGil&) = delete;
  ReleasedGil& operator=(const ReleasedGil&) = delete;

 private:
  PyThreadState* state_ = nullptr;
};

// Raises the spate.errors exception that matches the status's error class.
[[noreturn]] void RaiseStatus(const arrow::Status& status) {
  nb::object errors = nb::module_::import_("spate.errors");
  std::string code = spate::IsLegacyAnalysisError(status) ? "Analysis" : status.CodeAsString();
  // A message quotes user input (file contents, names), which need not be valid
  // UTF-8: invalid bytes become U+FFFD rather than a UnicodeDecodeError.
  const std::string& text = status.message();
  nb::object message = nb::steal(PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()),
                                                      "replace"));
  nb::object exc = errors.attr("_from_native")(message, code);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw nb::python_error();
}

void Check(const arrow::Status& status) {
  if (!status.ok()) RaiseStatus(status);
}

template <typename T>
T Unwrap(arrow::Result<T> result) {
  Check(result.status());
  return std::move(result).ValueUnsafe();
}

spate::DataTypePtr TypeFromJson(const std::string& json) {
  return Unwrap(spate::ParseJsonType(json));
}

const spate::StructType& AsStruct(const spate::DataTypePtr& type) {
  if (type->id() != spate::TypeId::kStruct) {
    Check(arrow::Status::TypeError("expected a struct type, got ", type->SimpleString()));
  }
  return static_cast<const spate::StructType&>(*type);
}

void ReleaseSchemaCapsule(void* ptr) noexcept {
  auto* schema = static_cast<ArrowSchema*>(ptr);
  if (schema->release != nullptr) schema->release(schema);
  delete schema;
}

void ReleaseArrayCapsule(void* ptr) noexcept {
  auto* array = static_cast<ArrowArray*>(ptr);
  if (array->release != nullptr) array->release(array);
  delete array;
}

void ReleaseStreamCapsule(void* ptr) noexcept {
  auto* stream = static_cast<ArrowArrayStream*>(ptr);
  if (stream->release != nullptr) stream->release(stream);
  delete stream;
}

nb::capsule ExportStream(std::shared_ptr<arrow::RecordBatchReader> reader) {
  auto stream = std::make_unique<ArrowArrayStream>();
  Check(arrow::ExportRecordBatchReader(std::move(reader), stream.get()));
  return nb::capsule(stream.release(), "arrow_array_stream", &ReleaseStreamCapsule);
}

// Takes ownership of the stream inside an "arrow_array_stream" capsule, as
// the PyCapsule interface prescribes (the capsule's stream is left released).
std::shared_ptr<arrow::RecordBatchReader> ImportStream(nb::handle capsule) {
  auto* stream = static_cast<ArrowArrayStream*>(
      PyCapsule_GetPointer(capsule.ptr(), "arrow_array_stream"));
  if (stream == nullptr) throw nb::python_error();
  return Unwrap(arrow::ImportRecordBatchReader(stream));
}

// A transformation's result, or the analysis error it carries raised now,
// as PySpark raises at the failing call.
spate::DataFrame Ok(spate::DataFrame df) {
  Check(df.status());
  return df;
}

// The first value of an Arrow array given through the PyCapsule interface
// (an "arrow_schema" and an "arrow_array" capsule), as a literal of its Spark type.
spate::Column LiteralFromArrow(nb::handle schema_capsule, nb::handle array_capsule) {
  auto* c_schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(schema_capsule.ptr(), "arrow_schema"));
  if (c_schema == nullptr) throw nb::python_error();
  auto* c_array = static_cast<ArrowArray*>(PyCapsule_GetPointer(array_capsule.ptr(), "arrow_array"));
  if (c_array == nullptr) throw nb::python_error();
  auto array = Unwrap(arrow::ImportArray(c_array, c_schema));
  if (array->length() != 1) Check(arrow::Status::Invalid("a literal needs an array of one value"));
  auto type = Unwrap(spate::FromArrowType(*array->type()));
  return spate::Column(spate::ex::Lit(Unwrap(array->GetScalar(0)), std::move(type)));
}

const char* KindName(spate::ExprKind kind) {
  switch (kind) {
    case spate::ExprKind::kColumn: return "column";
    case spate::ExprKind::kLiteral: return "literal";
    case spate::ExprKind::kStar: return "star";
    case spate::ExprKind::kAlias: return "alias";
    case spate::ExprKind::kCall: return "call";
    case spate::ExprKind::kCast: return "cast";
    case spate::ExprKind::kExtract: return "extract";
    case spate::ExprKind::kSortOrder: return "sort";
    case spate::ExprKind::kLambda: return "lambda";
  }
  return "unknown";
}

// A copy of `e` where every column reference for which `replace` (called with
// the reference's node id) returns an Expr is replaced by it.
spate::ExprPtr ReplaceColumns(const spate::ExprPtr& e, const nb::callable& replace) {
  if (e->kind == spate::ExprKind::kColumn) {
    nb::object out = replace(reinterpret_cast<uintptr_t>(e.get()));
    return out.is_none() ? e : nb::cast<spate::Column>(out).expr();
  }
  std::vector<spate::ExprPtr> args;
  bool changed = false;
  for (const auto& a : e->args) {
    args.push_back(ReplaceColumns(a, replace));
    changed = changed || args.back() != a;
  }
  if (!changed) return e;
  auto copy = std::make_shared<spate::Expr>(*e);
  copy->args = std::move(args);
  return copy;
}

void BindSession(nb::module_& m) {
  nb::class_<spate::Session>(m, "Session")
      .def_static("make", [](const std::map<std::string, std::string>& conf) {
        nb::gil_scoped_release release;
        return spate::Session::Make(conf);
      }, nb::arg("conf") = std::map<std::string, std::string>{},
         "A session with these settings; starts the web UI unless spark.ui.enabled is false.")
      .def("ui_web_url", &spate::Session::uiWebUrl)
      .def("stop_ui", [](spate::Session& s) {
        nb::gil_scoped_release release;
        s.StopUi();
      })
      .def("conf_set", [](spate::Session& s, const std::string& k, const std::string& v) {
        Check(s.SetConf(k, v));
      })
      .def("conf_get", [](spate::Session& s, const std::string& k) { return s.conf().Get(k); })
      .def("conf_get_or", [](spate::Session& s, const std::string& k, const std::string& fallback) {
        return s.conf().Get(k, fallback);
      }, "The value set for a key, else `fallback` (Spark's defaults do not apply).")
      .def("conf_unset", [](spate::Session& s, const std::string& k) { s.conf().Unset(k); })
      .def("conf_get_all", [](spate::Session& s) { return s.conf().GetAll(); })
      .def("create_dataframe", [](spate::Session& s, nb::handle stream_capsule) {
        auto reader = ImportStream(stream_capsule);
        arrow::Result<std::shared_ptr<arrow::Table>> table;
        {
          ReleasedGil release;
          table = reader->ToTable();
        }
        return Ok(s.CreateDataFrame(Unwrap(std::move(table))));
      }, "A DataFrame over the batches of an 'arrow_array_stream' PyCapsule.")
      .def("range", [](spate::Session& s, int64_t start, int64_t end, int64_t step) {
        return Ok(s.Range(start, end, step));
      }, "spark.range: one BIGINT column `id` from start by step up to end.")
      .def("sql", [](spate::Session& s, const std::string& q) {
        spate::DataFrame df = [&] {
          ReleasedGil release;
          return s.Sql(q);
        }();
        return Ok(std::move(df));
      })
      .def("table", [](spate::Session& s, const std::string& name) { return Ok(s.Table(name)); })
      .def("drop_temp_view", &spate::Session::DropTempView)
      .def("temp_view_names", &spate::Session::TempViewNames);
}

// spark.catalog: module functions over a Session; records cross as tuples in
// the field order of pyspark.sql.catalog's named tuples.
void BindCatalog(nb::module_& m) {
  namespace cat = spate::catalog;
  using spate::Session;
  using Opt = std::optional<std::string>;
  auto table_tuple = [](const spate::TableInfo& t) {
    return std::make_tuple(t.name, t.catalog, t.ns, t.description, t.table_type, t.is_temporary);
  };
  m.def("catalog_current_catalog", [](Session& s) { return cat::currentCatalog(s); });
  m.def("catalog_set_current_catalog", [](Session& s, const std::string& n) { Check(cat::setCurrentCatalog(s, n)); });
  m.def("catalog_list_catalogs", [](Session& s, const Opt& pattern) {
    std::vector<std::tuple<std::string, Opt>> out;
    for (const auto& c : cat::listCatalogs(s, pattern)) out.emplace_back(c.name, c.description);
    return out;
  }, nb::arg("session"), nb::arg("pattern").none());
  m.def("catalog_current_database", [](Session& s) { return cat::currentDatabase(s); });
  m.def("catalog_set_current_database", [](Session& s, const std::string& n) { Check(cat::setCurrentDatabase(s, n)); });
  auto database_tuple = [](const spate::DatabaseInfo& d) {
    return std::make_tuple(d.name, d.catalog, d.description, d.location_uri);
  };
  m.def("catalog_list_databases", [database_tuple](Session& s, const Opt& pattern) {
    std::vector<decltype(database_tuple(spate::DatabaseInfo{}))> out;
    for (const auto& d : Unwrap(cat::listDatabases(s, pattern))) out.push_back(database_tuple(d));
    return out;
  }, nb::arg("session"), nb::arg("pattern").none());
  m.def("catalog_get_database", [database_tuple](Session& s, const std::string& n) {
    return database_tuple(Unwrap(cat::getDatabase(s, n)));
  });
  m.def("catalog_database_exists", [](Session& s, const std::string& n) { return Unwrap(cat::databaseExists(s, n)); });
  m.def("catalog_list_tables", [table_tuple](Session& s, const Opt& db, const Opt& pattern) {
    std::vector<decltype(table_tuple(spate::TableInfo{}))> out;
    for (const auto& t : Unwrap(cat::listTables(s, db, pattern))) out.push_back(table_tuple(t));
    return out;
  }, nb::arg("session"), nb::arg("db").none(), nb::arg("pattern").none());
  m.def("catalog_get_table", [table_tuple](Session& s, const std::string& n) {
    return table_tuple(Unwrap(cat::getTable(s, n)));
  });
  m.def("catalog_table_exists", [](Session& s, const std::string& n, const Opt& db) {
    return Unwrap(cat::tableExists(s, n, db));
  }, nb::arg("session"), nb::arg("name"), nb::arg("db").none());
  m.def("catalog_list_columns", [](Session& s, const std::string& n, const Opt& db) {
    std::vector<std::tuple<std::string, Opt, std::string, bool, bool, bool, bool>> out;
    for (const auto& c : Unwrap(cat::listColumns(s, n, db))) {
      out.emplace_back(c.name, c.description, c.data_type, c.nullable, c.is_partition, c.is_bucket, c.is_cluster);
    }
    return out;
  }, nb::arg("session"), nb::arg("name"), nb::arg("db").none());
  m.def("catalog_drop_temp_view", [](Session& s, const std::string& n) { return cat::dropTempView(s, n); });
  m.def("catalog_drop_global_temp_view", [](Session& s, const std::string& n) { return cat::dropGlobalTempView(s, n); });
  m.def("catalog_is_cached", [](Session& s, const std::string& n) { return Unwrap(cat::isCached(s, n)); });
  m.def("catalog_cache_table", [](Session& s, const std::string& n) { Check(cat::cacheTable(s, n)); });
  m.def("catalog_uncache_table", [](Session& s, const std::string& n) { Check(cat::uncacheTable(s, n)); });
  m.def("catalog_clear_cache", [](Session& s) { cat::clearCache(s); });
  m.def("catalog_refresh_table", [](Session& s, const std::string& n) { Check(cat::refreshTable(s, n)); });
}

void BindExpr(nb::module_& m) {
  using spate::Column;
  nb::class_<Column>(m, "Expr", "An unresolved expression (what a Column wraps).")
      .def_static("col", [](const std::string& name) { return Column(spate::ex::ColFromName(name)); })
      .def_static("star", [](std::vector<std::string> qualifier) {
        return Column(spate::ex::Star(std::move(qualifier)));
      })
      .def_static("null", [] { return Column(spate::ex::Null()); })
      .def_static("bool_", [](bool v) { return Column(spate::ex::Bool(v)); })
      .def_static("int_", [](int32_t v) { return Column(spate::ex::Int(v)); })
      .def_static("long_", [](int64_t v) { return Column(spate::ex::Long(v)); })
      .def_static("double_", [](double v) { return Column(spate::ex::Double(v)); })
      .def_static("string", [](std::string v) { return Column(spate::ex::String(std::move(v))); })
      .def_static("arrow", &LiteralFromArrow,
                  "A literal from a one-value Arrow array: __arrow_c_array__()'s two capsules.")
      .def_static("call", [](std::string name, const std::vector<Column>& args, bool distinct) {
        std::vector<spate::ExprPtr> exprs;
        for (const auto& a : args) exprs.push_back(a.expr());
        return Column(spate::ex::Call(std::move(name), std::move(exprs), distinct));
      }, nb::arg("name"), nb::arg("args"), nb::arg("distinct") = false)
      .def_static("lambda_", [](std::vector<std::string> params, const Column& body) {
        return Column(spate::ex::Lambda(std::move(params), body.expr()));
      }, nb::arg("params"), nb::arg("body"), "A lambda `(params) -> body` for a higher-order function.")
      .def("cast", [](const Column& c, const std::string& type_json) {
        return Column(spate::ex::Cast(c.expr(), TypeFromJson(type_json)));
      })
      .def("try_cast", [](const Column& c, const std::string& type_json) {
        return Column(spate::ex::Cast(c.expr(), TypeFromJson(type_json), /*try_cast=*/true));
      })
      .def("alias", [](const Column& c, const std::string& name) { return c.alias(name); })
      .def("alias",
           [](const Column& c, const std::vector<std::string>& names) { return c.alias(names); })
      .def("extract", [](const Column& c, const Column& key) {
        return Column(spate::ex::Extract(c.expr(), key.expr()));
      })
      .def("sort", [](const Column& c, bool ascending, bool nulls_first) {
        return Column(spate::ex::Sort(c.expr(), ascending, nulls_first));
      })
      .def_prop_ro("node_id", [](const Column& c) { return reinterpret_cast<uintptr_t>(c.expr().get()); },
                   "Identifies this expression node while it is alive.")
      .def("replace_columns", [](const Column& c, const nb::callable& replace) {
        return Column(ReplaceColumns(c.expr(), replace));
      }, "A copy with column references replaced: replace(node_id) returns an Expr or None.")
      .def_prop_ro("kind", [](const Column& c) { return KindName(c.expr()->kind); })
      .def_prop_ro("name", [](const Column& c) { return c.expr()->name; })
      .def_prop_ro("name_parts", [](const Column& c) { return c.expr()->name_parts; })
      .def_prop_ro("args", [](const Column& c) {
        std::vector<Column> out;
        for (const auto& a : c.expr()->args) out.emplace_back(a);
        return out;
      })
      .def("to_string", &Column::ToString, "Spark's name for the column: (a + 1).")
      .def("to_sql", [](const Column& c) { return c.expr()->ToSql(); });

  m.def("parse_expression", [](const std::string& text, const std::string& time_zone) {
    spate::sql::ParseOptions options;
    options.time_zone = time_zone;
    return Column(Unwrap(spate::sql::ParseExpression(text, options)));
  }, nb::arg("text"), nb::arg("time_zone") = "UTC",
  "Parses Spark SQL expression text (TIMESTAMP '...' read in `time_zone`); raises ParseException at once.");
}

void BindDataFrame(nb::module_& m) {
  using spate::Column;
  using spate::DataFrame;
  using spate::GroupedData;
  using Strings = std::vector<std::string>;
  using Columns = std::vector<Column>;

  nb::class_<GroupedData>(m, "GroupedData")
      .def("agg", [](const GroupedData& g, const Columns& aggs) { return Ok(g.agg(aggs)); })
      .def("pivot", [](const GroupedData& g, const Column& col, const Columns& values) { return g.pivot(col, values); })
      .def("count", [](const GroupedData& g) { return Ok(g.count()); })
      .def("sum", [](const GroupedData& g, const Strings& c) { return Ok(g.sum(c)); })
      .def("avg", [](const GroupedData& g, const Strings& c) { return Ok(g.avg(c)); })
      .def("min", [](const GroupedData& g, const Strings& c) { return Ok(g.min(c)); })
      .def("max", [](const GroupedData& g, const Strings& c) { return Ok(g.max(c)); });

  nb::class_<DataFrame>(m, "DataFrame")
      .def("select", [](const DataFrame& d, const Columns& c) { return Ok(d.select(c)); })
      .def("select_expr", [](const DataFrame& d, const Strings& e) { return Ok(d.selectExpr(e)); })
      .def("filter", [](const DataFrame& d, const Column& c) { return Ok(d.filter(c)); })
      .def("filter_sql", [](const DataFrame& d, const std::string& c) { return Ok(d.filter(c)); })
      .def("with_columns", [](const DataFrame& d, const std::vector<std::pair<std::string, Column>>& c) {
        return Ok(d.withColumns(c));
      })
      .def("with_column_renamed", [](const DataFrame& d, const std::string& a, const std::string& b) {
        return Ok(d.withColumnRenamed(a, b));
      })
      .def("drop", [](const DataFrame& d, const Strings& names) { return Ok(d.drop(names)); })
      .def("group_by", [](const DataFrame& d, const Columns& c) { return d.groupBy(c); })
      .def("rollup", [](const DataFrame& d, const Columns& c) { return d.rollup(c); })
      .def("cube", [](const DataFrame& d, const Columns& c) { return d.cube(c); })
      .def("grouping_sets", [](const DataFrame& d, const std::vector<Columns>& sets,
                               const Columns& c) { return d.groupingSets(sets, c); })
      .def("agg", [](const DataFrame& d, const Columns& c) { return Ok(d.agg(c)); })
      .def("join_on", [](const DataFrame& d, const DataFrame& o, const Column& on, const std::string& how) {
        return Ok(d.join(o, on, how));
      })
      .def("join_using", [](const DataFrame& d, const DataFrame& o, const Strings& on, const std::string& how) {
        return Ok(d.join(o, on, how));
      })
      .def("cross_join", [](const DataFrame& d, const DataFrame& o) { return Ok(d.crossJoin(o)); })
      .def("union", [](const DataFrame& d, const DataFrame& o) { return Ok(d.union_(o)); })
      .def("union_by_name", [](const DataFrame& d, const DataFrame& o, bool allow_missing) {
        return Ok(d.unionByName(o, allow_missing));
      })
      .def("intersect", [](const DataFrame& d, const DataFrame& o) { return Ok(d.intersect(o)); })
      .def("intersect_all", [](const DataFrame& d, const DataFrame& o) { return Ok(d.intersectAll(o)); })
      .def("subtract", [](const DataFrame& d, const DataFrame& o) { return Ok(d.subtract(o)); })
      .def("except_all", [](const DataFrame& d, const DataFrame& o) { return Ok(d.exceptAll(o)); })
      .def("distinct", [](const DataFrame& d) { return Ok(d.distinct()); })
      .def("freq_items", [](const DataFrame& d, const Strings& cols, double support) {
        return Ok(d.freqItems(cols, support));
      })
      .def("unpivot", [](const DataFrame& d, const std::vector<Column>& ids, const std::vector<Column>& values,
                         const std::string& variable, const std::string& value) {
        return Ok(d.unpivot(ids, values, variable, value));
      })
      .def("dropna", [](const DataFrame& d, const std::string& how, int thresh, const Strings& subset) {
        // thresh < 0: none given.
        return Ok(d.dropna(how, thresh < 0 ? std::nullopt : std::optional<int>(thresh), subset));
      })
      .def("fillna", [](const DataFrame& d, const Column& value, const Strings& subset) {
        return Ok(d.fillna(value, subset));
      })
      .def("fillna_columns", [](const DataFrame& d, const std::vector<std::pair<std::string, Column>>& values) {
        return Ok(d.fillna(values));
      })
      .def("replace", [](const DataFrame& d, const std::vector<Column>& from, const std::vector<Column>& to,
                         const Strings& subset) { return Ok(d.replace(from, to, subset)); })
      .def("drop_duplicates", [](const DataFrame& d, const Strings& s) { return Ok(d.dropDuplicates(s)); })
      .def("drop_duplicates_within_watermark",
           [](const DataFrame& d, const Strings& s) { return Ok(d.dropDuplicatesWithinWatermark(s)); })
      .def("with_watermark", [](const DataFrame& d, const std::string& column, const std::string& delay) {
        return Ok(d.withWatermark(column, delay));
      })
      .def("order_by", [](const DataFrame& d, const Columns& c) { return Ok(d.orderBy(c)); })
      .def("limit", [](const DataFrame& d, int64_t n) { return Ok(d.limit(n)); })
      .def("offset", [](const DataFrame& d, int64_t n) { return Ok(d.offset(n)); })
      .def("to_df", [](const DataFrame& d, const Strings& names) { return Ok(d.toDF(names)); })
      .def("alias", [](const DataFrame& d, const std::string& a) { return Ok(d.alias(a)); })
      .def("cache", [](const DataFrame& d) { return Ok(d.cache()); })
      .def("unpersist", [](const DataFrame& d) { return Ok(d.unpersist()); })
      // Actions run without the GIL.
      .def("to_arrow", [](const DataFrame& d) {
        arrow::Result<std::shared_ptr<arrow::Table>> table;
        {
          ReleasedGil release;
          table = d.toArrow();
        }
        return ExportStream(std::make_shared<arrow::TableBatchReader>(Unwrap(std::move(table))));
      }, "Runs the query; returns an 'arrow_array_stream' PyCapsule.")
      .def("count", [](const DataFrame& d) {
        arrow::Result<int64_t> n;
        {
          ReleasedGil release;
          n = d.count();
        }
        return Unwrap(std::move(n));
      })
      .def("show_string", [](const DataFrame& d, int num_rows, int truncate, bool vertical) {
        arrow::Result<std::string> text;
        {
          ReleasedGil release;
          text = d.showString(num_rows, truncate, vertical);
        }
        return Unwrap(std::move(text));
      })
      .def("to_json", [](const DataFrame& d) {
        arrow::Result<std::vector<std::string>> rows;
        {
          ReleasedGil release;
          rows = d.toJSON();
        }
        return Unwrap(std::move(rows));
      })
      .def("create_or_replace_temp_view", [](const DataFrame& d, const std::string& name) {
        Check(d.createOrReplaceTempView(name));
      })
      .def("create_temp_view", [](const DataFrame& d, const std::string& name) {
        Check(d.createTempView(name));
      })
      .def("schema_json", [](const DataFrame& d) { return spate::ToJson(*d.schema()); })
      .def("columns", &DataFrame::columns)
      .def("print_schema", &DataFrame::printSchema)
      .def("explain", &DataFrame::explain, nb::arg("extended") = false);
}


// A Python callable that engine threads may hold: the last reference can be
// dropped on a thread without the GIL, so the destructor takes it (and leaks
// the object when the interpreter is already shutting down).
class PyCallable {
 public:
  explicit PyCallable(nb::callable fn) : fn_(std::move(fn)) {}
  PyCallable(const PyCallable&) = delete;
  PyCallable& operator=(const PyCallable&) = delete;
  ~PyCallable() {
    if (!Py_IsInitialized() || InterpreterFinalizing()) {
      fn_.release();
      return;
    }
    nb::gil_scoped_acquire gil;
    fn_.reset();
  }
  const nb::callable& fn() const { return fn_; }

 private:
  nb::callable fn_;
};

// The one way engine threads (a query's thread, or a native call that released
// the GIL) call into Python: `call` runs with the GIL. Once the interpreter is
// shutting down nothing runs, since taking the GIL then would end the thread.
// `call` returns an arrow::Status or arrow::Result; no Python exception leaves.
template <typename Call>
auto WithGil(Call&& call) -> decltype(call()) {
  if (!Py_IsInitialized() || InterpreterFinalizing()) {
    return arrow::Status::Cancelled("the Python interpreter is shutting down");
  }
  nb::gil_scoped_acquire gil;
  try {
    return call();
  } catch (nb::python_error& e) {
    return arrow::Status::Invalid(e.what());  // the error indicator was cleared when `e` was made
  } catch (const std::exception& e) {
    return arrow::Status::Invalid(e.what());
  }
}

// Spark's error for a failing foreachBatch function; the reason is the Python
// traceback. The query then stops with [STREAM_FAILED] around it.
arrow::Status ForeachBatchError(const std::string& reason) {
  return arrow::Status::Invalid(
      "[FOREACH_BATCH_USER_FUNCTION_ERROR] An error occurred in the user provided function in "
      "foreach batch sink. Reason: ", reason);
}

// The foreachBatch function the engine calls on its own thread. `fn(df, batch_id)`
// is Python's wrapper: it returns None, or the formatted traceback of the
// exception the user's function raised. No Python exception leaves here.
spate::ForeachBatchFunction ForeachBatchCallback(nb::callable fn) {
  auto callable = std::make_shared<PyCallable>(std::move(fn));
  return [callable](const spate::DataFrame& df, int64_t batch_id) -> arrow::Status {
    std::optional<std::string> reason;
    arrow::Status status = WithGil([&]() -> arrow::Status {
      nb::object result = callable->fn()(nb::cast(spate::DataFrame(df)), batch_id);
      if (!result.is_none()) reason = nb::cast<std::string>(nb::str(result));
      return arrow::Status::OK();
    });
    if (reason) return ForeachBatchError(*reason);
    if (status.ok() || status.IsCancelled()) return status;
    return ForeachBatchError(status.message());
  };
}

// The text PySpark gives a PythonException: spate.errors turns an engine error
// starting with it back into one.
arrow::Status PythonException(const std::string& traceback) {
  return arrow::Status::Invalid(
      "\n  An exception was thrown from the Python worker. Please see the stack trace below.\n",
      traceback);
}

// A user-defined function whose computation is the Python callable
// `fn(args, length)`: it receives each argument array as a (schema, array)
// pair of Arrow PyCapsules and returns the result's pair (its
// __arrow_c_array__()), or a str: the traceback of the user's exception, or
// an engine error's text.
// Batches cross without conversion; the query's thread takes the GIL only
// for the call.
spate::UserFunctionCallback PythonUdfCallback(nb::callable fn) {
  auto callable = std::make_shared<PyCallable>(std::move(fn));
  return [callable](const arrow::ArrayVector& args,
                    int64_t length) -> arrow::Result<std::shared_ptr<arrow::Array>> {
    return WithGil([&]() -> arrow::Result<std::shared_ptr<arrow::Array>> {
      nb::list py_args;
      for (const auto& array : args) {
        auto c_schema = std::make_unique<ArrowSchema>();
        auto c_array = std::make_unique<ArrowArray>();
        ARROW_RETURN_NOT_OK(arrow::ExportArray(*array, c_array.get(), c_schema.get()));
        py_args.append(nb::make_tuple(nb::capsule(c_schema.release(), "arrow_schema", &ReleaseSchemaCapsule),
                                      nb::capsule(c_array.release(), "arrow_array", &ReleaseArrayCapsule)));
      }
      nb::object result = callable->fn()(py_args, length);
      if (nb::isinstance<nb::str>(result)) {
        // An engine error text ("[NUMERIC_VALUE_OUT_OF_RANGE] ...") of a result that
        // does not fit its type, or the traceback of the user's exception.
        std::string text = nb::cast<std::string>(result);
        if (text.rfind('[', 0) == 0) return arrow::Status::Invalid(text);
        return PythonException(text);
      }
      auto pair = nb::cast<nb::tuple>(result);
      auto* c_schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(pair[0].ptr(), "arrow_schema"));
      if (c_schema == nullptr) throw nb::python_error();
      auto* c_array = static_cast<ArrowArray*>(PyCapsule_GetPointer(pair[1].ptr(), "arrow_array"));
      if (c_array == nullptr) throw nb::python_error();
      // Importing moves the structs out of the capsules (their release is then null).
      return arrow::ImportArray(c_array, c_schema);
    });
  };
}

void BindUserFunctions(nb::module_& m) {
  using spate::Column;
  using UdfPtr = std::shared_ptr<spate::UserFunction>;  // nanobind holds non-const objects
  nb::class_<spate::UserFunction>(m, "UserFunction",
                                  "A user-defined function of the engine: a callback over Arrow arrays.")
      .def_static("make", [](const std::string& name, nb::callable fn, const std::string& return_type_json,
                             bool deterministic) -> UdfPtr {
        return std::make_shared<spate::UserFunction>(spate::UserFunction{
            name, PythonUdfCallback(std::move(fn)), TypeFromJson(return_type_json), deterministic});
      }, nb::arg("name"), nb::arg("fn"), nb::arg("return_type_json"), nb::arg("deterministic"),
         "fn(args, length): args are (schema, array) capsule pairs; returns a pair or a traceback str.")
      .def("call", [](const UdfPtr& f, const std::vector<Column>& args) {
        std::vector<spate::ExprPtr> exprs;
        for (const auto& a : args) exprs.push_back(a.expr());
        return Column(spate::ex::UserCall(f, std::move(exprs)));
      }, "The call of the function on `args`.");
  m.def("register_udf", [](spate::Session& s, const std::string& name, const UdfPtr& f) {
    s.udf().Register(name, f);
  }, "spark.udf.register: SQL text in this session can call the function by `name`.");
}

// ---- transformWithState: a Python StatefulProcessor behind the engine's interface.

std::shared_ptr<arrow::RecordBatch> BatchFromCapsules(nb::handle pair) {
  auto t = nb::cast<nb::tuple>(pair);
  auto* c_schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(t[0].ptr(), "arrow_schema"));
  if (c_schema == nullptr) throw nb::python_error();
  auto* c_array = static_cast<ArrowArray*>(PyCapsule_GetPointer(t[1].ptr(), "arrow_array"));
  if (c_array == nullptr) throw nb::python_error();
  return Unwrap(arrow::ImportRecordBatch(c_array, c_schema));
}

nb::object CapsulesOf(const std::shared_ptr<arrow::RecordBatch>& batch) {
  if (!batch) return nb::none();
  auto c_schema = std::make_unique<ArrowSchema>();
  auto c_array = std::make_unique<ArrowArray>();
  Check(arrow::ExportRecordBatch(*batch, c_array.get(), c_schema.get()));
  return nb::make_tuple(nb::capsule(c_schema.release(), "arrow_schema", &ReleaseSchemaCapsule),
                        nb::capsule(c_array.release(), "arrow_array", &ReleaseArrayCapsule));
}

std::shared_ptr<arrow::Schema> ArrowSchemaOf(const std::string& struct_json) {
  return Unwrap(spate::ToArrowSchema(AsStruct(TypeFromJson(struct_json))));
}

// The handle a Python processor holds during one call of the engine: state
// variables by name, timers of the current key; during HandleInputGroups,
// `groups` selects the key.
struct StateHandle {
  spate::StatefulProcessorHandle* handle = nullptr;
  const spate::InputGroups* groups = nullptr;
  // The schema of each variable's rows (by name, and role for a map's keys),
  // imported from its first call: later calls import only the rows, against it,
  // so that no call imports a schema or computes its fingerprint again. A
  // variable's rows keep their schema from its declaration, which clears them.
  std::map<std::string, std::shared_ptr<arrow::Schema>> schemas;
  // Each value state's declared schema, which value_update_row encodes by.
  std::map<std::string, std::shared_ptr<arrow::Schema>> value_schemas;

  spate::ValueState& Value(const std::string& name) { return *Unwrap(handle->GetValueState(name, nullptr)); }
  spate::ListState& List(const std::string& name) { return *Unwrap(handle->GetListState(name, nullptr)); }
  spate::MapState& Map(const std::string& name) { return *Unwrap(handle->GetMapState(name, nullptr, nullptr)); }

  std::shared_ptr<arrow::RecordBatch> Rows(const std::string& variable, nb::handle pair) {
    auto& schema = schemas[variable];
    if (!schema) {
      auto batch = BatchFromCapsules(pair);
      schema = batch->schema();
      return batch;
    }
    auto t = nb::cast<nb::tuple>(pair);
    auto* c_array = static_cast<ArrowArray*>(PyCapsule_GetPointer(t[1].ptr(), "arrow_array"));
    if (c_array == nullptr) throw nb::python_error();
    return Unwrap(arrow::ImportRecordBatch(c_array, schema));
  }
};

// A transformWithState's DataFrame with `name` as its operator's name: PySpark
// names its Python operators transformWithStateInPySparkExec and
// transformWithStateInPandasExec.
spate::DataFrame WithOperatorName(spate::DataFrame df, const std::string& name) {
  if (!df.ok() || df.plan()->kind != spate::PlanNode::Kind::kTransformWithState) return df;
  auto node = std::make_shared<spate::PlanNode>(*df.plan());
  auto spec = std::make_shared<spate::TransformWithStateSpec>(*node->transform);
  spec->operator_name = name;
  node->transform = std::move(spec);
  return spate::DataFrame(df.session(), spate::PlanPtr(std::move(node)));
}

// The engine's processor over a Python adapter (spate.sql.streaming.
// _processor_runner): each call takes the GIL once, HandleInputGroups for all
// keys of the batch's input (the adapter selects each key through the handle).
class PythonStatefulProcessor final : public spate::StatefulProcessor {
 public:
  explicit PythonStatefulProcessor(std::shared_ptr<PyCallable> adapter) : adapter_(std::move(adapter)) {}

  arrow::Status Init(spate::StatefulProcessorHandle& handle) override {
    handle_.handle = &handle;
    return WithGil([&]() -> arrow::Status {
      adapter_->fn().attr("init")(nb::cast(&handle_, nb::rv_policy::reference));
      return arrow::Status::OK();
    });
  }
  // One key's call outside the batch's input (a key of an initial state without rows): the
  // handle already points at it.
  arrow::Result<spate::RecordBatchPtr> HandleInputRows(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                                       const spate::TimerValues& timers) override {
    spate::InputGroups one;
    one.keys = Copy(key);
    one.rows = Copy(rows);
    one.offsets = {0, rows.num_rows()};
    one.select_key = [](int64_t) {};
    ARROW_ASSIGN_OR_RAISE(auto out, HandleInputGroups(one, timers));
    return out.front();
  }
  arrow::Result<std::vector<spate::RecordBatchPtr>> HandleInputGroups(const spate::InputGroups& groups,
                                                                      const spate::TimerValues& timers) override {
    handle_.groups = &groups;
    auto out = WithGil([&]() -> arrow::Result<spate::RecordBatchPtr> {
      return Output(adapter_->fn().attr("handle_input_groups")(
          CapsulesOf(groups.keys), CapsulesOf(groups.rows), groups.offsets, timers.current_processing_time_ms,
          timers.current_watermark_ms));
    });
    handle_.groups = nullptr;
    ARROW_ASSIGN_OR_RAISE(auto batch, std::move(out));
    return std::vector<spate::RecordBatchPtr>{std::move(batch)};
  }
  arrow::Result<spate::RecordBatchPtr> HandleExpiredTimer(const arrow::RecordBatch& key,
                                                          const spate::TimerValues& timers,
                                                          const spate::ExpiredTimerInfo& expired) override {
    return WithGil([&]() -> arrow::Result<spate::RecordBatchPtr> {
      return Output(adapter_->fn().attr("handle_expired_timer")(
          CapsulesOf(Copy(key)), timers.current_processing_time_ms, timers.current_watermark_ms,
          expired.expiry_time_ms));
    });
  }
  arrow::Status HandleInitialState(const arrow::RecordBatch& key, const arrow::RecordBatch& rows,
                                   const spate::TimerValues& timers) override {
    return WithGil([&]() -> arrow::Status {
      return Output(adapter_->fn().attr("handle_initial_state")(CapsulesOf(Copy(key)), CapsulesOf(Copy(rows)),
                                                                timers.current_processing_time_ms,
                                                                timers.current_watermark_ms))
          .status();
    });
  }
  arrow::Status Close() override {
    return WithGil([&]() -> arrow::Status {
      adapter_->fn().attr("close")();
      return arrow::Status::OK();
    });
  }

 private:
  static std::shared_ptr<arrow::RecordBatch> Copy(const arrow::RecordBatch& batch) {
    return arrow::RecordBatch::Make(batch.schema(), batch.num_rows(), batch.columns());
  }
  // The adapter returns the rows' capsules, None, or the traceback of the user's exception.
  static arrow::Result<spate::RecordBatchPtr> Output(const nb::object& result) {
    if (result.is_none()) return nullptr;
    if (nb::isinstance<nb::str>(result)) return PythonException(nb::cast<std::string>(result));
    return BatchFromCapsules(result);
  }

  std::shared_ptr<PyCallable> adapter_;
  StateHandle handle_;
};

void BindStatefulProcessing(nb::module_& m) {
  using Pair = nb::object;
  nb::class_<StateHandle>(m, "StateHandle", "A stateful processor's handle during one engine call.")
      .def("get_value_state", [](StateHandle& h, const std::string& name, const std::string& schema, int64_t ttl) {
        h.schemas.clear();
        h.value_schemas[name] = ArrowSchemaOf(schema);
        Unwrap(h.handle->GetValueState(name, h.value_schemas[name], spate::TTLConfig{ttl}));
      })
      .def("get_list_state", [](StateHandle& h, const std::string& name, const std::string& schema, int64_t ttl) {
        h.schemas.clear();
        Unwrap(h.handle->GetListState(name, ArrowSchemaOf(schema), spate::TTLConfig{ttl}));
      })
      .def("get_map_state", [](StateHandle& h, const std::string& name, const std::string& key,
                               const std::string& value, int64_t ttl) {
        h.schemas.clear();
        Unwrap(h.handle->GetMapState(name, ArrowSchemaOf(key), ArrowSchemaOf(value), spate::TTLConfig{ttl}));
      })
      .def("value_exists", [](StateHandle& h, const std::string& n) { return Unwrap(h.Value(n).Exists()); })
      .def("value_get", [](StateHandle& h, const std::string& n) { return CapsulesOf(Unwrap(h.Value(n).Get())); })
      .def("value_update", [](StateHandle& h, const std::string& n, Pair v) {
        Check(h.Value(n).Update(*h.Rows(n, v)));
      })
      .def("value_update_row", [](StateHandle& h, const std::string& n, nb::handle value, nb::handle tz) {
        auto* state = dynamic_cast<spate::EncodedValueState*>(&h.Value(n));
        auto schema = h.value_schemas.find(n);
        std::string row;
        if (state == nullptr || schema == h.value_schemas.end() ||
            !spate::EncodePythonRow(value, *schema->second, tz, &row)) {
          return false;
        }
        Check(state->UpdateEncoded(std::move(row)));
        return true;
      }, "Stores `value` (a row of Python values) without Arrow when it can; false: use value_update.")
      .def("value_clear", [](StateHandle& h, const std::string& n) { Check(h.Value(n).Clear()); })
      .def("list_exists", [](StateHandle& h, const std::string& n) { return Unwrap(h.List(n).Exists()); })
      .def("list_get", [](StateHandle& h, const std::string& n) { return CapsulesOf(Unwrap(h.List(n).Get())); })
      .def("list_put", [](StateHandle& h, const std::string& n, Pair v) {
        Check(h.List(n).Put(*h.Rows(n, v)));
      })
      .def("list_append", [](StateHandle& h, const std::string& n, Pair v) {
        Check(h.List(n).AppendList(*h.Rows(n, v)));
      })
      .def("list_clear", [](StateHandle& h, const std::string& n) { Check(h.List(n).Clear()); })
      .def("map_exists", [](StateHandle& h, const std::string& n) { return Unwrap(h.Map(n).Exists()); })
      .def("map_get", [](StateHandle& h, const std::string& n, Pair k) {
        return CapsulesOf(Unwrap(h.Map(n).GetValue(*h.Rows(n + "\n key", k))));
      })
      .def("map_contains", [](StateHandle& h, const std::string& n, Pair k) {
        return Unwrap(h.Map(n).ContainsKey(*h.Rows(n + "\n key", k)));
      })
      .def("map_update", [](StateHandle& h, const std::string& n, Pair k, Pair v) {
        Check(h.Map(n).UpdateValue(*h.Rows(n + "\n key", k), *h.Rows(n, v)));
      })
      .def("map_entries", [](StateHandle& h, const std::string& n) {
        auto [keys, values] = Unwrap(h.Map(n).Entries());
        return nb::make_tuple(CapsulesOf(keys), CapsulesOf(values));
      })
      .def("map_remove", [](StateHandle& h, const std::string& n, Pair k) {
        Check(h.Map(n).RemoveKey(*h.Rows(n + "\n key", k)));
      })
      .def("map_clear", [](StateHandle& h, const std::string& n) { Check(h.Map(n).Clear()); })
      .def("register_timer", [](StateHandle& h, int64_t ms) { Check(h.handle->RegisterTimer(ms)); })
      .def("delete_timer", [](StateHandle& h, int64_t ms) { Check(h.handle->DeleteTimer(ms)); })
      .def("list_timers", [](StateHandle& h) { return Unwrap(h.handle->ListTimers()); })
      .def("delete_if_exists", [](StateHandle& h, const std::string& n) { Check(h.handle->DeleteIfExists(n)); })
      .def("select_key", [](StateHandle& h, int64_t k) {
        if (h.groups == nullptr || k < 0 || k >= h.groups->keys->num_rows()) {
          throw std::out_of_range("no grouping key " + std::to_string(k) + " in this call");
        }
        h.groups->select_key(k);
      }, "Points the state and timer calls at key `k` of the input's keys (during handle_input_groups).");

  m.def("transform_with_state", [](const spate::GroupedData& g, nb::object adapter, const std::string& output_json,
                                   const std::string& output_mode, const std::string& time_mode,
                                   const std::string& event_time_column, const spate::GroupedData* initial_state,
                                   const std::string& operator_name) {
    auto callable = std::make_shared<PyCallable>(nb::borrow<nb::callable>(adapter));
    spate::StatefulProcessorFactory factory = [callable]() -> arrow::Result<std::shared_ptr<spate::StatefulProcessor>> {
      return std::make_shared<PythonStatefulProcessor>(callable);
    };
    const spate::DataTypePtr output_type = TypeFromJson(output_json);
    const spate::StructType& output = AsStruct(output_type);
    spate::DataFrame df =
        initial_state != nullptr
            ? g.TransformWithState(std::move(factory), output, output_mode, time_mode, *initial_state, event_time_column)
            : g.TransformWithState(std::move(factory), output, output_mode, time_mode, event_time_column);
    return Ok(WithOperatorName(std::move(df), operator_name));
  }, nb::arg("g"), nb::arg("adapter"), nb::arg("output_json"), nb::arg("output_mode"), nb::arg("time_mode"),
     nb::arg("event_time_column"), nb::arg("initial_state").none(), nb::arg("operator_name"),
     "groupBy(...).transformWithState with a Python processor adapter (and an initial state or None), its operator "
     "named `operator_name`.");
  m.def("apply_in_pandas_with_state", [](const spate::GroupedData& g, nb::object adapter,
                                         const std::string& output_json, const std::string& output_mode,
                                         const std::string& timeout) {
    auto callable = std::make_shared<PyCallable>(nb::borrow<nb::callable>(adapter));
    spate::StatefulProcessorFactory factory = [callable]() -> arrow::Result<std::shared_ptr<spate::StatefulProcessor>> {
      return std::make_shared<PythonStatefulProcessor>(callable);
    };
    return Ok(g.ApplyInPandasWithState(std::move(factory), AsStruct(TypeFromJson(output_json)), output_mode, timeout));
  }, "groupBy(...).applyInPandasWithState with the Python function's processor adapter.");
}

nb::tuple ProgressTuple(const spate::QueryProgress& p) {
  return nb::make_tuple(p.Json(), p.PrettyJson());
}

void BindStreaming(nb::module_& m) {
  using spate::DataStreamReader;
  using spate::DataStreamWriter;
  using spate::StreamingQuery;
  using QueryPtr = std::shared_ptr<StreamingQuery>;
  using Strings = std::vector<std::string>;

  nb::class_<DataStreamReader>(m, "DataStreamReader")
      .def("format", [](DataStreamReader& r, const std::string& f) { r.format(f); })
      .def("option", [](DataStreamReader& r, const std::string& k, const std::string& v) { r.option(k, v); })
      .def("schema_json", [](DataStreamReader& r, const std::string& json) {
        spate::DataTypePtr type = TypeFromJson(json);
        AsStruct(type);
        r.schema(std::static_pointer_cast<const spate::StructType>(type));
      })
      .def("schema_ddl", [](DataStreamReader& r, const std::string& ddl) { r.schema(ddl); })
      .def("load", [](const DataStreamReader& r, std::optional<std::string> path) {
        return Ok(path ? r.load(*path) : r.load());
      }, nb::arg("path").none())
      .def("table", [](const DataStreamReader& r, const std::string& name) { return Ok(r.table(name)); });

  nb::class_<DataStreamWriter>(m, "DataStreamWriter")
      .def("format", [](DataStreamWriter& w, const std::string& f) { w.format(f); })
      .def("output_mode", [](DataStreamWriter& w, const std::string& mode) { w.outputMode(mode); })
      .def("option", [](DataStreamWriter& w, const std::string& k, const std::string& v) { w.option(k, v); })
      .def("query_name", [](DataStreamWriter& w, const std::string& name) { w.queryName(name); })
      .def("trigger", [](DataStreamWriter& w, const std::string& kind, const std::string& interval) {
        if (kind == "processingTime") {
          w.trigger(Unwrap(spate::Trigger::ProcessingTime(interval)));
        } else if (kind == "once") {
          w.trigger(spate::Trigger::Once());
        } else if (kind == "availableNow") {
          w.trigger(spate::Trigger::AvailableNow());
        } else if (kind == "continuous") {
          w.trigger(Unwrap(spate::Trigger::Continuous(interval)));
        } else if (kind == "realTime") {
          w.trigger(Unwrap(spate::Trigger::RealTime(interval)));
        } else {
          Check(arrow::Status::Invalid("unknown trigger kind ", kind));
        }
      }, "kind: processingTime, once, availableNow, continuous or realTime; interval as Spark writes it.")
      .def("partition_by", [](DataStreamWriter& w, const Strings& cols) { w.partitionBy(cols); })
      .def("foreach_batch", [](DataStreamWriter& w, nb::callable fn, bool rows) {
        if (rows) {
          w.foreachRows(ForeachBatchCallback(std::move(fn)));
        } else {
          w.foreachBatch(ForeachBatchCallback(std::move(fn)));
        }
      }, nb::arg("fn"), nb::arg("rows") = false,
         "fn(df, batch_id) runs on the query's thread with the GIL; it returns None or an error text. "
         "rows: fn is foreach()'s row writer.")
      .def("start", [](const DataStreamWriter& w, std::optional<std::string> path) {
        arrow::Result<QueryPtr> query;
        {
          ReleasedGil release;
          query = path ? w.start(*path) : w.start();
        }
        return Unwrap(std::move(query));
      }, nb::arg("path").none())
      .def("to_table", [](const DataStreamWriter& w, const std::string& name) {
        arrow::Result<QueryPtr> query;
        {
          ReleasedGil release;
          query = w.toTable(name);
        }
        return Unwrap(std::move(query));
      });

  nb::class_<StreamingQuery>(m, "StreamingQuery")
      .def_prop_ro("id", &StreamingQuery::id)
      .def_prop_ro("run_id", &StreamingQuery::run_id)
      .def_prop_ro("name", &StreamingQuery::name)
      .def_prop_ro("is_active", &StreamingQuery::isActive)
      .def("status", [](const StreamingQuery& q) {
        spate::QueryStatus s = q.status();
        return std::make_tuple(s.message, s.is_data_available, s.is_trigger_active);
      }, "(message, isDataAvailable, isTriggerActive)")
      .def("last_progress", [](const StreamingQuery& q) -> nb::object {
        auto p = q.lastProgress();
        if (!p) return nb::none();
        return ProgressTuple(*p);
      }, "(json, prettyJson) of the last progress, or None.")
      .def("recent_progress", [](const StreamingQuery& q) {
        nb::list out;
        for (const auto& p : q.recentProgress()) out.append(ProgressTuple(p));
        return out;
      })
      .def("await_termination", [](StreamingQuery& q, std::optional<double> timeout) {
        if (!timeout) {
          arrow::Status status;
          {
            ReleasedGil release;
            status = q.awaitTermination();
          }
          Check(status);
          return true;
        }
        arrow::Result<bool> done;
        {
          ReleasedGil release;
          done = q.awaitTermination(*timeout);
        }
        return Unwrap(std::move(done));
      }, nb::arg("timeout").none())
      .def("stop", [](StreamingQuery& q) {
        arrow::Status status;
        {
          ReleasedGil release;
          status = q.stop();
        }
        Check(status);
      })
      .def("process_all_available", [](StreamingQuery& q) {
        arrow::Status status;
        {
          ReleasedGil release;
          status = q.processAllAvailable();
        }
        Check(status);
      })
      .def("exception", [](const StreamingQuery& q) -> std::optional<std::string> {
        auto error = q.exception();
        if (!error) return std::nullopt;
        return error->message();
      }, "The error message of a failed query, or None.")
      .def("explain", &StreamingQuery::explain, nb::arg("extended") = false);

  m.def("read_stream", [](spate::Session& s) { return s.ReadStream(); });
  m.def("write_stream", [](const spate::DataFrame& d) { return d.writeStream(); });
  m.def("is_streaming", [](const spate::DataFrame& d) { return d.isStreaming(); });
  m.def("has_streaming_format", [](const std::string& name) -> std::tuple<bool, bool> {
    auto format = spate::FindStreamingFormat(name);
    if (!format.ok()) return {false, false};
    return {static_cast<bool>((*format)->source), static_cast<bool>((*format)->sink)};
  }, "(is a streaming source, is a streaming sink) for a format name.");

  m.def("streams_active", [](spate::Session& s) { return s.streams().active(); });
  m.def("streams_get", [](spate::Session& s, const std::string& id) { return s.streams().get(id); });
  m.def("streams_await_any_termination", [](spate::Session& s, std::optional<double> timeout) {
    if (!timeout) {
      arrow::Status status;
      {
        ReleasedGil release;
        status = s.streams().awaitAnyTermination();
      }
      Check(status);
      return true;
    }
    arrow::Result<bool> done;
    {
      ReleasedGil release;
      done = s.streams().awaitAnyTermination(*timeout);
    }
    return Unwrap(std::move(done));
  }, nb::arg("session"), nb::arg("timeout").none());
  m.def("streams_reset_terminated", [](spate::Session& s) { s.streams().resetTerminated(); });
}

}  // namespace

// spark.read / df.write: the Python classes gather the settings and hand
// them over in one call.
void BindBatchIO(nb::module_& m) {
  using Strings = std::vector<std::string>;
  using Options = std::map<std::string, std::string>;
  m.def("read_files", [](spate::Session& s, const std::string& format, const Options& options,
                         std::optional<std::string> schema_json, std::optional<std::string> schema_ddl,
                         const Strings& paths) {
    spate::DataFrameReader reader = s.read();
    if (!format.empty()) reader.format(format);
    reader.options(options);
    if (schema_json) {
      auto type = Unwrap(spate::ParseJsonType(*schema_json));
      reader.schema(std::static_pointer_cast<const spate::StructType>(type));
    }
    if (schema_ddl) reader.schema(*schema_ddl);
    std::optional<spate::DataFrame> df;
    {
      ReleasedGil release;
      df = paths.empty() ? reader.load() : paths.size() == 1 ? reader.load(paths[0]) : reader.load(paths);
    }
    return Ok(std::move(*df));
  }, nb::arg("session"), nb::arg("format"), nb::arg("options"), nb::arg("schema_json").none(),
     nb::arg("schema_ddl").none(), nb::arg("paths"));
  m.def("read_table", [](spate::Session& s, const std::string& name) { return Ok(s.read().table(name)); });
  m.def("write_to", [](const spate::DataFrame& df, const std::string& table, const std::string& action,
                       const std::string& provider, const Options& options,
                       const std::vector<spate::Column>& partitioned_by) {
    spate::DataFrameWriterV2 writer = df.writeTo(table);
    if (!provider.empty()) writer.using_(provider);
    for (const auto& [k, v] : options) writer.option(k, v);
    if (!partitioned_by.empty()) writer.partitionedBy(partitioned_by);
    arrow::Status status;
    {
      ReleasedGil release;
      status = action == "append" ? writer.append() : action == "create" ? writer.create() : writer.createOrReplace();
    }
    Check(status);
  });
  // df.mergeInto(...).merge(): clauses as (when, action, condition, all, {column: value}).
  using MergeClause = std::tuple<std::string, std::string, std::optional<spate::Column>, bool,
                                 std::map<std::string, spate::Column>>;
  m.def("merge_into", [](const spate::DataFrame& df, const std::string& table, const spate::Column& condition,
                         const std::vector<MergeClause>& clauses, bool schema_evolution) {
    spate::MergeIntoWriter writer = df.mergeInto(table, condition);
    if (schema_evolution) writer.withSchemaEvolution();
    for (const auto& [when, action, cond, all, values] : clauses) {
      std::vector<std::pair<std::string, spate::Column>> assignments(values.begin(), values.end());
      if (when == "matched") {
        auto clause = writer.whenMatched(cond);
        if (action == "delete") {
          clause.delete_();
        } else if (all) {
          clause.updateAll();
        } else {
          clause.update(assignments);
        }
      } else if (when == "not_matched") {
        auto clause = writer.whenNotMatched(cond);
        if (all) {
          clause.insertAll();
        } else {
          clause.insert(assignments);
        }
      } else {
        auto clause = writer.whenNotMatchedBySource(cond);
        if (action == "delete") {
          clause.delete_();
        } else {
          clause.update(assignments);
        }
      }
    }
    arrow::Status status;
    {
      ReleasedGil release;
      status = writer.merge();
    }
    Check(status);
  });
  m.def("is_iceberg_table_name", [](spate::Session& s, const std::string& name) {
    return spate::iceberg::IsIcebergName(s.conf(), name);
  });
  m.def("iceberg_expire_snapshots", [](spate::Session& s, const std::string& table, int64_t older_than_ms,
                                       int retain_last) {
    arrow::Result<int64_t> removed;
    {
      ReleasedGil release;
      removed = spate::iceberg::ExpireSnapshots(s.conf(), table, older_than_ms, retain_last);
    }
    return Unwrap(std::move(removed));
  });
  m.def("iceberg_rewrite_data_files", [](spate::Session& s, const std::string& table, int64_t target_file_size) {
    arrow::Result<int64_t> rewritten;
    {
      ReleasedGil release;
      rewritten = spate::iceberg::RewriteDataFiles(s.conf(), table, target_file_size);
    }
    return Unwrap(std::move(rewritten));
  });
  m.def("write_files", [](const spate::DataFrame& df, const std::string& format, const std::string& mode,
                          const Options& options, const Strings& partition_by, std::optional<std::string> path,
                          std::optional<std::string> table, std::optional<std::string> insert_into, bool overwrite) {
    spate::DataFrameWriter writer = df.write();
    if (!format.empty()) writer.format(format);
    if (!mode.empty()) writer.mode(mode);
    writer.options(options);
    if (!partition_by.empty()) writer.partitionBy(partition_by);
    arrow::Status status;
    {
      ReleasedGil release;
      if (insert_into) {
        status = writer.insertInto(*insert_into, overwrite);
      } else if (table) {
        status = writer.saveAsTable(*table);
      } else if (path) {
        status = writer.save(*path);
      } else {
        status = writer.save();
      }
    }
    Check(status);
  }, nb::arg("df"), nb::arg("format"), nb::arg("mode"), nb::arg("options"), nb::arg("partition_by"),
     nb::arg("path").none(), nb::arg("table").none(), nb::arg("insert_into").none(), nb::arg("overwrite"));
}

NB_MODULE(_native, m) {
  m.doc() = "Spate's native engine (internal; use spate.sql).";
  // A Python function inside a query (a UDF, foreachBatch) keeps the engine objects
  // that reach it alive through the module globals until the process ends, where the
  // operating system frees them; nanobind's report of them at exit would be noise on
  // every script that uses a UDF.
  nb::set_leak_warnings(false);
  m.def("released_calls", [] { return released_calls.load(); },
        "How many threads are inside a native call that released the GIL.");

  BindSession(m);
  BindCatalog(m);
  BindExpr(m);
  BindDataFrame(m);
  BindStreaming(m);
  BindUserFunctions(m);
  BindStatefulProcessing(m);
  BindBatchIO(m);

  m.def("resolve_time_zone", [](const std::string& text) {
    spate::TimeZone zone = Unwrap(spate::ResolveTimeZone(text));
    return std::make_tuple(zone.id, zone.region, zone.offset_seconds);
  }, "A zone as Spark reads it: (java.time id, tz database region or '', fixed offset seconds).");
  m.def("parse_ddl_schema", [](const std::string& ddl) {
    return spate::ToJson(*Unwrap(spate::ParseDdlSchema(ddl)));
  }, "A DDL table schema ('a INT, b STRING') as Spark JSON.");
  m.def("parse_ddl_type", [](const std::string& ddl) {
    return spate::ToJson(*Unwrap(spate::ParseDdlType(ddl)));
  }, "One DDL data type ('array<int>') as Spark JSON.");
  m.def("parse_schema_string", [](const std::string& ddl) {
    return spate::ToJson(*Unwrap(spate::ParseSchemaString(ddl)));
  }, "Any schema string PySpark accepts, as Spark JSON.");
  m.def("normalize_json_type", [](const std::string& json) {
    return spate::ToJson(*TypeFromJson(json));
  }, "Validates a Spark JSON type and prints it in Spark's own key order.");
  m.def("simple_string", [](const std::string& json) { return TypeFromJson(json)->SimpleString(); });
  m.def("type_sql", [](const std::string& json) { return TypeFromJson(json)->Sql(); });
  m.def("tree_string", [](const std::string& json) {
    return AsStruct(TypeFromJson(json)).TreeString();
  });
  m.def("to_ddl", [](const std::string& json) { return AsStruct(TypeFromJson(json)).ToDdl(); });

  m.def("arrow_schema_capsule", [](const std::string& json) {
    auto schema = Unwrap(spate::ToArrowSchema(AsStruct(TypeFromJson(json))));
    auto c_schema = std::make_unique<ArrowSchema>();
    Check(arrow::ExportSchema(*schema, c_schema.get()));
    return nb::capsule(c_schema.release(), "arrow_schema", &ReleaseSchemaCapsule);
  }, "The Arrow schema of a Spark struct type, as an 'arrow_schema' PyCapsule.");
  m.def("schema_from_arrow_capsule", [](nb::handle capsule) {
    auto* c_schema = static_cast<ArrowSchema*>(PyCapsule_GetPointer(capsule.ptr(), "arrow_schema"));
    if (c_schema == nullptr) throw nb::python_error();
    // Importing moves the schema out; the capsule's destructor then finds it released.
    auto schema = Unwrap(arrow::ImportSchema(c_schema));
    return spate::ToJson(*Unwrap(spate::FromArrowSchema(*schema)));
  }, "The Spark JSON type of an 'arrow_schema' PyCapsule.");

  m.def("read_parquet", [](const std::string& path) {
    arrow::Result<std::shared_ptr<arrow::Table>> table;
    {
      ReleasedGil release;
      table = spate::ReadParquetFile(path);
    }
    return ExportStream(std::make_shared<arrow::TableBatchReader>(Unwrap(std::move(table))));
  }, "Reads a Parquet file with Spate's reader; returns an 'arrow_array_stream' PyCapsule.");
  m.def("write_parquet", [](nb::handle stream_capsule, const std::string& path) {
    auto reader = ImportStream(stream_capsule);
    arrow::Status status;
    {
      ReleasedGil release;
      auto table = reader->ToTable();
      status = table.ok() ? spate::WriteParquetFile(**table, path) : table.status();
    }
    Check(status);
  }, "Writes the batches of an 'arrow_array_stream' PyCapsule to a Parquet file.");
}
