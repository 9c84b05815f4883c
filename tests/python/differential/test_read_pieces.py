"""Text and JSON-lines files read in byte-range pieces on the task threads, against PySpark 4.1:
each program runs on Spate with pieces of 64 bytes and of 1 KiB (spate.sql.files.readPieceBytes)
under local[1], local[2] and local[4], and gives PySpark's rows in PySpark's order: lines longer
than a piece, \\n, \\r\\n and \\r line ends, blank lines, a last line without a line break, bytes
that are not UTF-8 across piece edges, top-level arrays, malformed records in every mode (FAILFAST
raising the first bad record's error), several files in partition directories, and a LIMIT."""

import os

import pytest

from oracle import difference
from test_json_inference import malformed_condition

MASTERS = ["local[1]", "local[2]", "local[4]"]
PIECE_BYTES = ["64", "1024"]
PIECE_KEY = "spate.sql.files.readPieceBytes"
SCHEMA = "id BIGINT, s STRING"
ENDS = [b"\n", b"\r\n", b"\r"]


def same_in_pieces(oracle, program, ordered=True):
    """PySpark's outcome of `program` is Spate's on every master with every piece size."""
    want = oracle.pyspark.run(program, False)
    spate = oracle.spate.spark
    master = spate.conf.get("spark.master")
    try:
        for m in MASTERS:
            for piece_bytes in PIECE_BYTES:
                spate.conf.set("spark.master", m)
                spate.conf.set(PIECE_KEY, piece_bytes)
                why = difference(oracle.spate.run(program, False), want, ordered=ordered)
                assert why is None, "%s, pieces of %s bytes: %s" % (m, piece_bytes, why)
    finally:
        spate.conf.set("spark.master", master)
        spate.conf.unset(PIECE_KEY)
    return want


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)
    return path


def text_bytes(seed=0):
    """Lines of 0 to ~2 KB with every line end, blank lines, valid and invalid multi-byte UTF-8
    sequences (a cut 3-byte sequence, lone continuation bytes), and a last line without a break
    that ends in a cut sequence."""
    lines = []
    for i in range(seed, seed + 150):
        body = b"" if i % 13 == 0 else b"line %d " % i + b"x" * (i * 37 % 190)
        if i % 7 == 0:
            body += b" caf\xc3\xa9 \xff\xfe \xe2\x82 cut \x80"
        if i % 11 == 0:
            body += "\u20ac".encode() * 25
        if i % 50 == 49:
            body += b"y" * 1500  # longer than a piece of 1 KiB
        lines.append(body + ENDS[i % 3])
    return b"".join(lines) + b"last line \xe2\x82"


def test_text_lines_in_pieces(oracle):
    def program(sql, spark, tmp):
        return spark.read.text(write(os.path.join(tmp, "lines.txt"), text_bytes()))
    same_in_pieces(oracle, program)


def test_text_limit_in_pieces(oracle):
    def program(sql, spark, tmp):
        return spark.read.text(write(os.path.join(tmp, "lines.txt"), text_bytes())).limit(7)
    same_in_pieces(oracle, program)


def test_text_files_in_partition_directories(oracle):
    """Several files, of partition directories: each file's lines, with its partition value
    (compared as a multiset: PySpark reads the files in the order of their sizes)."""
    def program(sql, spark, tmp):
        for n, name in enumerate(["part=1/a.txt", "part=1/b.txt", "part=2/c.txt"]):
            write(os.path.join(tmp, "t", name), text_bytes(n * 1000))
        write(os.path.join(tmp, "t", "part=3/empty.txt"), b"")
        return spark.read.text(os.path.join(tmp, "t"))
    same_in_pieces(oracle, program, ordered=False)


def json_lines(bad=(), seed=0):
    """JSON records a line each, with every line end, blank lines, records longer than a piece,
    top-level arrays of objects (and an empty one), and the malformed records of `bad`: i ->
    its text."""
    lines = []
    for i in range(seed, seed + 120):
        if i in bad:
            line = bad[i]
        elif i % 17 == 0:
            line = ""
        elif i % 19 == 0:
            line = '[{"id":%d,"s":"first"},  {"id":%d,"s":"second"}]' % (i, -i)
        elif i % 23 == 0:
            line = "[]"
        else:
            line = '{"id":%d,"s":"%s\\u00e9"}' % (i, "v" * (i * 41 % (1500 if i % 10 == 0 else 90)))
        lines.append(line.encode() + ENDS[i % 3])
    return b"".join(lines) + b'{"id":-1,"s":"no line break after me"}'


MALFORMED = {3: '{"id":3,"s":"unterminated', 40: '{"id":"forty"}', 61: "[1, 2]", 90: '{"id":90} trailing'}


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_json_records_in_pieces(oracle, mode):
    def program(sql, spark, tmp):
        path = write(os.path.join(tmp, "records.json"), json_lines(MALFORMED))
        return spark.read.schema(SCHEMA + ", _corrupt_record STRING").option("mode", mode).json(path)
    same_in_pieces(oracle, program)


def test_json_filter_and_limit_in_pieces(oracle):
    def program(sql, spark, tmp):
        path = write(os.path.join(tmp, "records.json"), json_lines(MALFORMED))
        return spark.read.schema(SCHEMA).json(path).filter("id % 2 = 1").limit(9)
    same_in_pieces(oracle, program)


@pytest.mark.parametrize("schema", [SCHEMA + ", _corrupt_record STRING", None])
def test_json_malformed_records_keep_their_own_line(oracle, schema):
    """Malformed records (with spaces at their end) followed by lines of only spaces and tabs,
    by every line end and by more records: each one's _corrupt_record is its own line, not the
    blank lines after it; arrays whose elements are not all objects too. With no schema the
    file is read whole (inference) and the same holds."""
    def program(sql, spark, tmp):
        lines = []
        for i, bad in enumerate(['{"id":1,"s":"cut', '{"id":"two"}  ', '[{"id":3}, 4]\t', "{oops}",
                                 '[{"id":5,"s":"a"}, {"id":"x"}] ']):
            lines.append(bad.encode() + ENDS[i % 3] + b"  \t" + ENDS[(i + 1) % 3] + ENDS[(i + 2) % 3])
            lines.append(b'{"id":%d,"s":"ok"}' % (10 + i) + ENDS[i % 3] + b" \t \n")
        path = write(os.path.join(tmp, "bad.json"), b"".join(lines) + b"{broken at the end}  \r\n   ")
        reader = spark.read.schema(schema) if schema else spark.read
        return reader.json(path)
    same_in_pieces(oracle, program)


@pytest.mark.parametrize("first", [3, 61])
def test_json_fail_fast_raises_for_the_first_bad_record(oracle, first):
    """Two bad records of different errors (unterminated, an array of numbers), in pieces far
    apart: the error is the first one's."""
    second = 61 if first == 3 else 3

    def program(sql, spark, tmp):
        bad = {first + 5: MALFORMED[first], second + 60: MALFORMED[second]}
        path = write(os.path.join(tmp, "records.json"), json_lines(bad))
        return malformed_condition(spark.read.schema(SCHEMA).option("mode", "FAILFAST").json(path).collect)
    assert same_in_pieces(oracle, program) is not None


def test_json_files_in_partition_directories(oracle):
    def program(sql, spark, tmp):
        for n, name in enumerate(["day=1/a.json", "day=2/b.json", "day=2/c.json"]):
            write(os.path.join(tmp, "j", name), json_lines(MALFORMED, seed=n * 1000))
        return spark.read.schema(SCHEMA + ", _corrupt_record STRING, day INT").json(os.path.join(tmp, "j"))
    same_in_pieces(oracle, program, ordered=False)


COUNT_LINES = ['{"a":1}', '{"a":', "", "  ", '{"a":2} trailing', "null", '[{"a":3},{"a":4}]', "[]", "[1,2]",
               "42", '"text"', '{"a":"x"}', '[{"a":5}, 7]', "{]", '{"a":6}']


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED", "FAILFAST"])
@pytest.mark.parametrize("schema", ["a INT", "a INT, _corrupt_record STRING", None])
def test_json_count_reads_no_field(oracle, mode, schema):
    """count() straight over the JSON source reads no field: a record counts as Spark counts it,
    by its syntax alone (a value of the wrong type is no malformed record then), an array of
    objects as its objects, a blank line not at all; FAILFAST fails on the first malformed one."""
    def program(sql, spark, tmp):
        path = write(os.path.join(tmp, "records.json"), "\n".join(COUNT_LINES).encode() + b"\n")
        reader = spark.read.option("mode", mode)
        if schema:
            reader = reader.schema(schema)
        return malformed_condition(lambda: reader.json(path).count()) or reader.json(path).count()
    same_in_pieces(oracle, program)


def test_piece_size_must_be_a_positive_number(oracle):
    spark = oracle.spate.spark
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "README.md")
    try:
        for wrong in ["0", "-5", "4MB"]:
            spark.conf.set(PIECE_KEY, wrong)
            with pytest.raises(Exception, match="spate.sql.files.readPieceBytes is '%s'" % wrong):
                spark.read.text(path).count()
    finally:
        spark.conf.unset(PIECE_KEY)
