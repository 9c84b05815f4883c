// An in-process fuzzer for the parts of Spate that read text from users and from
// disk: the SQL parser, the DDL parser, from_json, from_avro and the avro file
// reader, and the checkpoint readers.
//
//   spate_fuzz <sql|ddl|from_json|avro|checkpoint> [--seconds N] [--seed S]
//
// It mutates a corpus (built-in seeds plus tests/fuzz/corpus/<target>/* when
// run from the repository) and runs each input in this process. It has no
// coverage instrumentation; instead an input whose outcome (an error class, or
// success) has not been seen joins the corpus. A crash, or an input that runs
// for more than 10 s, writes the input to fuzz-<target>-crash (or -timeout) in
// the working folder and ends the process by the signal; a clean run prints its
// executions per second and the outcomes it saw.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <arrow/api.h>

#include "spate/connectors/file/avro_container.h"
#include "spate/connectors/file/file_log.h"
#include "spate/expr/bound_expr.h"
#include "spate/expr/expression.h"
#include "spate/plan/plan_builder.h"
#include "spate/sql/parser.h"
#include "spate/streaming/checkpoint_entries.h"
#include "spate/types/data_type.h"
#include "spate/types/ddl_parser.h"

namespace {

// --- What each target runs -------------------------------------------------------------------

using Target = std::function<arrow::Status(const std::string&)>;

arrow::Status ParseSql(const std::string& input) {
  auto statement = spate::sql::ParseStatement(input);
  auto expression = spate::sql::ParseExpression(input);
  if (expression.ok()) (void)(*expression)->ToString();
  return statement.status();
}

arrow::Status ParseDdl(const std::string& input) {
  auto schema = spate::ParseDdlSchema(input);
  if (schema.ok()) (void)(*schema)->TreeString();
  return spate::ParseDdlType(input).status();
}

// from_json over one row holding the input, with a schema of every kind of field.
arrow::Status FromJson(const std::string& input) {
  static const std::vector<spate::Attribute> input_columns = {{"s", spate::types::String(), true}};
  static const auto bound = [] {
    auto call = spate::ex::Call(
        "from_json", {spate::ex::Col({"s"}),
                      spate::ex::String("a INT, b STRING, c ARRAY<DOUBLE>, d STRUCT<e: BOOLEAN, "
                                        "f: MAP<STRING, BIGINT>>, g TIMESTAMP, h DECIMAL(10, 2)")});
    return spate::BindExpression(call, input_columns).ValueOrDie();
  }();
  arrow::StringBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Append(input));
  ARROW_ASSIGN_OR_RAISE(auto strings, builder.Finish());
  auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("s", arrow::utf8())}), 1, {strings});
  spate::EvalContext ctx;
  return bound->Evaluate(*batch, ctx).status();
}

// from_avro (PERMISSIVE) over one row holding the input as bytes, with a schema of every
// kind of Avro type; then the input read as an avro container file.
arrow::Status FromAvro(const std::string& input) {
  static const std::vector<spate::Attribute> input_columns = {{"b", spate::types::Binary(), true}};
  static const auto bound = [] {
    const char* schema =
        R"({"type":"record","name":"R","fields":[{"name":"a","type":["null","int","string"]},)"
        R"({"name":"c","type":{"type":"array","items":["double","null"]}},)"
        R"({"name":"m","type":{"type":"map","values":{"type":"enum","name":"E","symbols":["x","y"]}}},)"
        R"({"name":"n","type":{"type":"array","items":"null"}},)"
        R"({"name":"f","type":{"type":"fixed","name":"F","size":4,"logicalType":"decimal","precision":9,"scale":2}},)"
        R"({"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}}]})";
    auto call = spate::ex::Call("from_avro", {spate::ex::Col({"b"}), spate::ex::String(schema),
                                              spate::ex::Call("map", {spate::ex::String("mode"),
                                                                      spate::ex::String("PERMISSIVE")})});
    return spate::BindExpression(call, input_columns).ValueOrDie();
  }();
  arrow::BinaryBuilder builder;
  ARROW_RETURN_NOT_OK(builder.Append(input));
  ARROW_ASSIGN_OR_RAISE(auto bytes, builder.Finish());
  auto batch = arrow::RecordBatch::Make(arrow::schema({arrow::field("b", arrow::binary())}), 1, {bytes});
  spate::EvalContext ctx;
  ARROW_RETURN_NOT_OK(bound->Evaluate(*batch, ctx).status());
  return spate::ReadAvroContainer(input).status();
}

arrow::Status ReadCheckpointEntry(const std::string& input) {
  auto offsets = spate::ParseOffsetsEntry(input, "offsets/0");
  auto commit = spate::ParseCommitEntry(input, "commits/0");
  auto seen = spate::ParseSourceFileEntries(input, "sources/0/0");
  if (!offsets.ok()) return offsets.status();
  if (!commit.ok()) return commit.status();
  return seen.status();
}

struct TargetInfo {
  Target run;
  std::vector<std::string> seeds;
  std::vector<std::string> dictionary;  // tokens spliced into inputs
};

std::map<std::string, TargetInfo> Targets() {
  return {
      {"sql",
       {ParseSql,
        {"SELECT a, b + 1 AS c FROM t WHERE x > 2 GROUP BY a HAVING count(*) > 1 ORDER BY c LIMIT 5",
         "SELECT CAST(value AS STRING), from_json(v, 'a INT').a FROM t JOIN u USING (k) UNION ALL SELECT 1, 2",
         "WITH q AS (SELECT * FROM VALUES (1, 'x') AS v(a, b)) SELECT a[0], m['k'], s.f FROM q",
         "SELECT CASE WHEN a IS NULL THEN interval 1 day ELSE DATE'2024-01-01' END, x -> x + 1",
         "CREATE TABLE t (id BIGINT, ts TIMESTAMP) USING parquet PARTITIONED BY (id)"},
        {"SELECT", "FROM", "(", ")", "[", "]", ",", "'", "\"", "`", "+", "||", " AND ", " OR ", "CAST(",
         " AS ", "INTERVAL ", "é", "\xff", "::", ".", "*", "1e309", "-9223372036854775809", "NULL"}}},
      {"ddl",
       {ParseDdl,
        {"a INT, b STRING NOT NULL COMMENT 'x', c ARRAY<MAP<STRING, STRUCT<d: DECIMAL(38, 18)>>>",
         "`we.ird` TIMESTAMP_NTZ, e VARCHAR(10), f STRUCT<>"},
        {"ARRAY<", "MAP<", "STRUCT<", ">", ",", ":", "`", "DECIMAL(", ")", "NOT NULL", "COMMENT '"}}},
      {"from_json",
       {FromJson,
        {R"({"a": 1, "b": "x", "c": [1.5, NaN], "d": {"e": true, "f": {"k": 9}}, "g": "2024-01-01T00:00:00Z", "h": 1.25})",
         R"([{"a": 2}, {"b": null}])", R"({"a": "not a number", "c": {}, "d": []})"},
        {"{", "}", "[", "]", ":", ",", "\"", "\\u0000", "\\ud800", "1e999", "-0", "null", "\xff", "true"}}},
      {"avro",
       {FromAvro,
        {std::string("\x02\x04\x02\x00\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x02\x02\x6b\x02\x00\x06\x00\x00\x00\x01\x02\x02", 25),
         std::string("\x4f\x62\x6a\x01\x04\x16\x61\x76\x72\x6f\x2e\x73\x63\x68\x65\x6d\x61\x50\x7b\x22\x74\x79\x70\x65\x22\x3a\x22\x72\x65\x63\x6f\x72\x64\x22\x2c\x22\x6e\x61\x6d\x65\x22\x3a\x22\x52\x22\x2c\x22\x66\x69\x65\x6c\x64\x73\x22\x3a\x5b\x5d\x7d\x14\x61\x76\x72\x6f\x2e\x63\x6f\x64\x65\x63\x08\x6e\x75\x6c\x6c\x00\x30\x31\x32\x33\x34\x35\x36\x37\x38\x39\x61\x62\x63\x64\x65\x66\x04\x00\x30\x31\x32\x33\x34\x35\x36\x37\x38\x39\x61\x62\x63\x64\x65\x66", 109)},
        {"\x00", "\x01", "\x02", "\x7f", "\x80", "\xff", "\xff\xff\xff\xff\x0f", "Obj\x01", "\x0a" "snappy",
         "\x0e" "deflate", "0123456789abcdef"}}},
      {"checkpoint",
       {ReadCheckpointEntry,
        {"v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":1700000000000,\"conf\":{\"spark.sql.shuffle.partitions\":\"200\"}}\n{\"logOffset\":0}\n-",
         "v1\n{\"nextBatchWatermarkMs\":5}",
         "v1\n{\"path\":\"file:///tmp/in/a.json\",\"timestamp\":1700000000000,\"batchId\":0}"},
        {"v1\n", "{", "}", "\"", ":", "\n", "-", "\"path\"", "9223372036854775807", "\xff", "\\"}}},
  };
}

// --- Crash reporting -------------------------------------------------------------------------

std::string crash_file, timeout_file;
const std::string* current_input = nullptr;

void WriteCurrentInput(const std::string& path) {
  if (current_input == nullptr) return;
  FILE* out = std::fopen(path.c_str(), "wb");  // the process is ending: best effort
  if (out == nullptr) return;
  std::fwrite(current_input->data(), 1, current_input->size(), out);
  std::fclose(out);
}

void OnCrash(int signal) {
  WriteCurrentInput(signal == SIGALRM ? timeout_file : crash_file);
  std::fprintf(stderr, "spate_fuzz: signal %d; the input is in %s\n", signal,
               (signal == SIGALRM ? timeout_file : crash_file).c_str());
  ::signal(signal, SIG_DFL);
  ::raise(signal == SIGALRM ? SIGABRT : signal);
}

// --- Mutation --------------------------------------------------------------------------------

class Mutator {
 public:
  Mutator(uint64_t seed, std::vector<std::string> dictionary) : rng_(seed), dictionary_(std::move(dictionary)) {}

  std::string Mutate(const std::vector<std::string>& corpus) {
    std::string s = corpus[Below(corpus.size())];
    int rounds = 1 + static_cast<int>(Below(4));
    for (int r = 0; r < rounds; ++r) MutateOnce(s, corpus);
    if (s.size() > 4096) s.resize(4096);
    return s;
  }

 private:
  size_t Below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  void MutateOnce(std::string& s, const std::vector<std::string>& corpus) {
    size_t at = Below(s.size() + 1);
    switch (Below(7)) {
      case 0:  // flip a bit
        if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
        break;
      case 1:  // a random byte
        s.insert(at, 1, static_cast<char>(Below(256)));
        break;
      case 2:  // delete a range
        if (!s.empty()) s.erase(Below(s.size()), 1 + Below(8));
        break;
      case 3:  // repeat a range
        if (!s.empty()) {
          size_t from = Below(s.size());
          std::string piece = s.substr(from, 1 + Below(16));
          size_t times = 1 + Below(Below(2) ? 4 : 300);
          std::string repeated;
          for (size_t i = 0; i < times; ++i) repeated += piece;
          s.insert(at, repeated);
        }
        break;
      case 4:  // a token of the target's language
        s.insert(at, dictionary_[Below(dictionary_.size())]);
        break;
      case 5: {  // splice another corpus entry
        const std::string& other = corpus[Below(corpus.size())];
        size_t from = Below(other.size() + 1);
        s.insert(at, other.substr(from, Below(other.size() - from + 1)));
        break;
      }
      default:  // truncate
        s.resize(at);
    }
  }

  std::mt19937_64 rng_;
  std::vector<std::string> dictionary_;
};

// What an input did: success, or its error class (digits and names vary too much).
std::string Outcome(const arrow::Status& status) {
  if (status.ok()) return "ok";
  const std::string& m = status.message();
  if (!m.empty() && m[0] == '[') return m.substr(0, m.find(']') + 1);
  std::string head = status.CodeAsString() + ":";
  for (char c : m.substr(0, 24)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) head += c;
  }
  return head;
}

std::vector<std::string> CorpusFiles(const std::string& target) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& folder : {"tests/fuzz/corpus/" + target, "../tests/fuzz/corpus/" + target}) {
    if (!std::filesystem::is_directory(folder, ec)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      out.push_back(text.str());
    }
    break;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  auto targets = Targets();
  if (argc < 2 || !targets.count(argv[1])) {
    std::fprintf(stderr, "usage: spate_fuzz <sql|ddl|from_json|avro|checkpoint> [--seconds N] [--seed S]\n");
    return 2;
  }
  std::string name = argv[1];
  double seconds = 30;
  uint64_t seed = 20261203;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--seconds") seconds = std::stod(argv[i + 1]);
    if (flag == "--seed") seed = std::stoull(argv[i + 1]);
  }
  TargetInfo& target = targets[name];
  crash_file = "fuzz-" + name + "-crash";
  timeout_file = "fuzz-" + name + "-timeout";
  for (int sig : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGALRM}) ::signal(sig, OnCrash);

  std::vector<std::string> corpus = target.seeds;
  for (auto& extra : CorpusFiles(name)) corpus.push_back(std::move(extra));
  Mutator mutator(seed, target.dictionary);
  std::set<std::string> outcomes;
  int64_t executions = 0;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  while (elapsed() < seconds) {
    std::string input = executions < static_cast<int64_t>(corpus.size()) ? corpus[executions] : mutator.Mutate(corpus);
    current_input = &input;
    ::alarm(10);
    arrow::Status status = target.run(input);
    ::alarm(0);
    current_input = nullptr;
    ++executions;
    if (outcomes.insert(Outcome(status)).second && corpus.size() < 10000) corpus.push_back(input);
  }
  double took = elapsed();
  std::printf("spate_fuzz %s: %lld executions in %.1f s (%.0f/s), %zu corpus entries, %zu distinct outcomes\n",
              name.c_str(), static_cast<long long>(executions), took, static_cast<double>(executions) / took,
              corpus.size(), outcomes.size());
  return 0;
}
