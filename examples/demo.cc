// The first Spate demo: a schema written in Spark's DDL, shown the way
// printSchema() shows it, and a batch of rows of that schema written to a
// Parquet file and read back through Arrow.
//
// Run it with `make demo`; change the DDL string below and run it again.

#include <cstdio>
#include <filesystem>
#include <iostream>

#include <arrow/api.h>

#include "spate/connectors/file/parquet_io.h"
#include "spate/types/arrow_types.h"
#include "spate/types/ddl_parser.h"
#include "spate/types/json_schema.h"

namespace {

arrow::Status Run() {
  const char* ddl = "user_id string, session_events int, session_start timestamp";
  ARROW_ASSIGN_OR_RAISE(auto schema, spate::ParseDdlSchema(ddl));
  std::cout << "DDL:          " << ddl << "\n"
            << "simpleString: " << schema->SimpleString() << "\n"
            << "json:         " << spate::ToJson(*schema) << "\n\n"
            << schema->TreeString() << "\n";

  ARROW_ASSIGN_OR_RAISE(auto arrow_schema, spate::ToArrowSchema(*schema));
  arrow::StringBuilder users;
  arrow::Int32Builder events;
  arrow::TimestampBuilder starts(arrow_schema->field(2)->type(), arrow::default_memory_pool());
  const int64_t t0 = 1'700'000'000'000'000;  // 2023-11-14 22:13:20 UTC, in microseconds
  for (int i = 0; i < 5; ++i) {
    ARROW_RETURN_NOT_OK(users.Append("user-" + std::to_string(i)));
    ARROW_RETURN_NOT_OK(i == 3 ? events.AppendNull() : events.Append(i * 10));
    ARROW_RETURN_NOT_OK(starts.Append(t0 + i * 60'000'000LL));
  }
  std::vector<std::shared_ptr<arrow::Array>> columns(3);
  ARROW_RETURN_NOT_OK(users.Finish(&columns[0]));
  ARROW_RETURN_NOT_OK(events.Finish(&columns[1]));
  ARROW_RETURN_NOT_OK(starts.Finish(&columns[2]));
  auto table = arrow::Table::Make(arrow_schema, columns);

  auto path = std::filesystem::temp_directory_path() / "spate-demo.parquet";
  ARROW_RETURN_NOT_OK(spate::WriteParquetFile(*table, path.string()));
  ARROW_ASSIGN_OR_RAISE(auto back, spate::ReadParquetFile(path.string()));
  ARROW_ASSIGN_OR_RAISE(auto back_schema, spate::FromArrowSchema(*back->schema()));
  std::cout << "Wrote " << table->num_rows() << " rows to " << path.string() << " and read back "
            << back->num_rows() << " rows; schema " << back_schema->SimpleString() << "\n"
            << back->ToString() << "\n"
            << "Round trip " << (back->Equals(*table) ? "identical" : "DIFFERENT") << "\n";
  std::filesystem::remove(path);
  return back->Equals(*table) ? arrow::Status::OK() : arrow::Status::Invalid("round trip differs");
}

}  // namespace

int main() {
  arrow::Status st = Run();
  if (!st.ok()) {
    std::cerr << st.message() << "\n";
    return 1;
  }
  return 0;
}
