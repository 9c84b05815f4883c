// spate._native: the engine seen from Python. Schemas cross as Spark's JSON
// form (the same contract PySpark keeps with the JVM); data crosses as Arrow
// through the C data / C stream interface in PyCapsules, without copies.
// Engine errors become the pyspark-named exceptions of spate.errors.

#include <memory>
#include <string>

#include <arrow/c/abi.h>
#include <arrow/c/bridge.h>
#include <arrow/record_batch.h>
#include <arrow/table.h>
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "spate/common/error.h"
#include "spate/connectors/file/parquet_io.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"
#include "spate/types/json_schema.h"

namespace nb = nanobind;

namespace {

// Raises the spate.errors exception that matches the status's error class.
[[noreturn]] void RaiseStatus(const arrow::Status& status) {
  nb::object errors = nb::module_::import_("spate.errors");
  std::string code = spate::IsLegacyAnalysisError(status) ? "Analysis" : status.CodeAsString();
  nb::object exc = errors.attr("_from_native")(status.message(), code);
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

}  // namespace

NB_MODULE(_native, m) {
  m.doc() = "Spate's native engine (internal; use spate.sql).";

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
      nb::gil_scoped_release release;
      table = spate::ReadParquetFile(path);
    }
    return ExportStream(std::make_shared<arrow::TableBatchReader>(Unwrap(std::move(table))));
  }, "Reads a Parquet file with Spate's reader; returns an 'arrow_array_stream' PyCapsule.");
  m.def("write_parquet", [](nb::handle stream_capsule, const std::string& path) {
    auto reader = ImportStream(stream_capsule);
    arrow::Status status;
    {
      nb::gil_scoped_release release;
      auto table = reader->ToTable();
      status = table.ok() ? spate::WriteParquetFile(**table, path) : table.status();
    }
    Check(status);
  }, "Writes the batches of an 'arrow_array_stream' PyCapsule to a Parquet file.");
}
