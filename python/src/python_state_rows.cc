#include "python_state_rows.h"

#include <chrono>
#include <cstdint>

#include <Python.h>
#include <datetime.h>
#include <arrow/type.h>

#include "spate/state/row_codec.h"
#include "spate/state/row_values.h"

namespace nb = nanobind;

namespace spate {
namespace {

int64_t DaysSinceEpoch(int year, int month, int day) {
  using namespace std::chrono;
  return sys_days{std::chrono::year{year} / month / day}.time_since_epoch().count();
}

// A Python int that fits `bytes` signed bytes.
bool EncodeInteger(PyObject* v, int bytes, std::string* out) {
  if (!PyLong_CheckExact(v)) return false;
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
  if (overflow != 0) return false;
  if (bytes < 8) {
    const long long limit = 1LL << (8 * bytes - 1);
    if (x < -limit || x >= limit) return false;
  }
  AppendEncodedInteger(x, bytes, out);
  return true;
}

bool EncodeText(PyObject* v, std::string* out) {
  if (!PyUnicode_CheckExact(v)) return false;
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(v, &size);
  if (utf8 == nullptr) {  // lone surrogates: the Arrow path says so
    PyErr_Clear();
    return false;
  }
  AppendEncodedBytes(std::string_view(utf8, static_cast<size_t>(size)), out);
  return true;
}

// Microseconds since the epoch of a datetime: as pyarrow reads it, a naive one
// is UTC, an aware one is shifted by its utcoffset().
bool EncodeTimestamp(PyObject* v, nb::handle tz, bool ntz, std::string* out) {
  if (!PyDateTime_CheckExact(v)) return false;
  nb::object dt = nb::borrow(v);
  const bool naive = reinterpret_cast<PyDateTime_DateTime*>(v)->hastzinfo == 0 ||
                     PyDateTime_DATE_GET_TZINFO(v) == Py_None;
  if (ntz && !naive) dt = dt.attr("replace")(nb::arg("tzinfo") = nb::none());
  if (!ntz && naive) dt = dt.attr("replace")(nb::arg("tzinfo") = tz);
  int64_t micros = 0;
  if (!ntz) {
    nb::object offset = dt.attr("utcoffset")();
    if (offset.is_none() || !PyDelta_Check(offset.ptr())) return false;
    PyObject* d = offset.ptr();
    micros -= (int64_t{PyDateTime_DELTA_GET_DAYS(d)} * 86400 + PyDateTime_DELTA_GET_SECONDS(d)) * 1000000 +
              PyDateTime_DELTA_GET_MICROSECONDS(d);
  }
  PyObject* p = dt.ptr();
  const int64_t days = DaysSinceEpoch(PyDateTime_GET_YEAR(p), PyDateTime_GET_MONTH(p), PyDateTime_GET_DAY(p));
  const int64_t seconds = days * 86400 + PyDateTime_DATE_GET_HOUR(p) * 3600 + PyDateTime_DATE_GET_MINUTE(p) * 60 +
                          PyDateTime_DATE_GET_SECOND(p);
  micros += seconds * 1000000 + PyDateTime_DATE_GET_MICROSECOND(p);
  AppendEncodedInteger(micros, 8, out);
  return true;
}

bool EncodeValue(PyObject* v, const arrow::DataType& type, nb::handle tz, std::string* out) {
  if (v == Py_None) {
    AppendEncodedNull(out);
    return true;
  }
  using T = arrow::Type;
  switch (type.id()) {
    case T::INT8: return EncodeInteger(v, 1, out);
    case T::INT16: return EncodeInteger(v, 2, out);
    case T::INT32: return EncodeInteger(v, 4, out);
    case T::INT64: return EncodeInteger(v, 8, out);
    case T::FLOAT:
    case T::DOUBLE: {
      if (!PyFloat_CheckExact(v)) return false;
      const double x = PyFloat_AS_DOUBLE(v);
      type.id() == T::FLOAT ? AppendEncodedFloat(static_cast<float>(x), out) : AppendEncodedDouble(x, out);
      return true;
    }
    case T::BOOL:
      if (!PyBool_Check(v)) return false;
      AppendEncodedBool(v == Py_True, out);
      return true;
    case T::STRING: return EncodeText(v, out);
    case T::BINARY:
      if (!PyBytes_CheckExact(v)) return false;
      AppendEncodedBytes(std::string_view(PyBytes_AS_STRING(v), static_cast<size_t>(PyBytes_GET_SIZE(v))), out);
      return true;
    case T::DATE32:
      if (!PyDate_CheckExact(v)) return false;
      AppendEncodedInteger(DaysSinceEpoch(PyDateTime_GET_YEAR(v), PyDateTime_GET_MONTH(v), PyDateTime_GET_DAY(v)),
                           4, out);
      return true;
    case T::TIMESTAMP:
      return EncodeTimestamp(v, tz, static_cast<const arrow::TimestampType&>(type).timezone().empty(), out);
    default: return false;
  }
}

}  // namespace

bool EncodePythonRow(nb::handle value, const arrow::Schema& schema, nb::handle tz, std::string* out) {
  if (PyDateTimeAPI == nullptr) PyDateTime_IMPORT;
  PyObject* row = value.ptr();
  const bool sequence = PyTuple_Check(row) || PyList_Check(row);
  const Py_ssize_t size = sequence ? PySequence_Fast_GET_SIZE(row) : 1;
  if (size != schema.num_fields()) return false;
  for (Py_ssize_t i = 0; i < size; ++i) {
    PyObject* v = sequence ? PySequence_Fast_GET_ITEM(row, i) : row;
    if (!EncodeValue(v, *schema.field(static_cast<int>(i))->type(), tz, out)) return false;
  }
  return true;
}

}  // namespace spate
