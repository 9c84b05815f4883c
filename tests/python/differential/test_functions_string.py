"""String functions against PySpark 4.1: SQL expressions and the Python wrappers."""

import pytest

ROWS = [("Hello World", "l", 3), ("héllo wörld", "ö", -2), ("", "", 0), (None, None, None),
        ("a,b,,c", ",", 1), ("Ünïcödé 𝔸 ß", "é", 10), ("it's", "'", 2)]
SCHEMA = "s STRING, p STRING, n INT"


def test_lengths_and_chars(oracle):
    """bit_length/octet_length count bytes, char/chr take n mod 256, btrim trims both ends."""
    oracle.check_exprs([
        "bit_length(s)", "octet_length(s)", "char_length(s)", "character_length(s)",
        "bit_length(X'0102')", "octet_length(CAST(s AS BINARY))", "bit_length(12)",
        "btrim(s)", "btrim(s, 'Hd')", "btrim('  xa  ')", "btrim('xyaxy', 'xy')", "btrim(NULL)",
        "btrim(X'61')", "btrim('abc', NULL)",
        "char(65)", "chr(256 + 66)", "chr(-1)", "chr(0)", "char(200)", "chr(NULL)", "chr(n + 64)",
        "ascii(s)", "ascii('')", "ascii('é')", "ascii(NULL)",
    ], rows=ROWS, schema=SCHEMA)


def test_searching(oracle):
    """find_in_set, instr, locate, position, contains and friends count characters."""
    oracle.check_exprs([
        "find_in_set('b', 'a,b,c')", "find_in_set('a,b', 'a,b')", "find_in_set('', '')",
        "find_in_set('', 'a,,b')", "find_in_set(p, s)", "find_in_set(1, '1,2')",
        "instr(s, p)", "instr('abc', '')", "locate('', 'abc', 5)", "locate('', '', 2)",
        "locate('a', 'abc', NULL)", "locate(p, s)", "locate(p, s, n)", "position(p, s)", "position(p IN s)",
        "contains(s, p)", "startswith(s, p)", "endswith(s, p)",
        "substring_index('www.apache.org', '.', 2)", "substring_index('www.apache.org', '.', -2)",
        "substring_index('www.apache.org', '.', 0)", "substring_index('www.apache.org', '', 1)",
        "substring_index('a..b', '..', 5)", "substring_index('aaa', 'aa', -1)",
        "substring_index('aaa', 'aa', 1)", "substring_index('aaa', 'aa', 2)",
        "substring_index(s, p, n)",
    ], rows=ROWS, schema=SCHEMA)


def test_split_part(oracle):
    """split_part splits at a literal delimiter; part 0 raises INVALID_INDEX_OF_ZERO."""
    oracle.check_exprs([
        "split_part('11.12.13', '.', 3)", "split_part('11.12.13', '.', -1)",
        "split_part('11.12.13', '.', 5)", "split_part('11.12.13', '', 1)", "split_part('', '.', 1)",
        "split_part('a..b', '.', 2)", "split_part(NULL, '.', 1)", "split_part('a.b', NULL, 1)",
        "split_part(s, p, 2)", "split_part('a|b', '|', -2)",
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["split_part('11.12.13', '.', 0)"])


def test_split(oracle):
    """split takes a Java regex: one without metacharacters (or one escaped punctuation
    character) splits at that text, others as regexes; limit > 0 keeps at most that many
    parts (the last holds the rest), otherwise every part, trailing empty strings included."""
    texts = ["'a,b,,c,,'", "',a'", "''", "'héllo,wörld,'", "'a→b→→c→'", "'x.y|z'", "NULL", "s"]
    patterns = ["','", "'→'", "'ö'", "',,'", "'\\\\.'", "'\\\\|'", "'[,→]'", "'.'", "'l+'", "''"]
    oracle.check_exprs(["split(%s, %s, %d)" % (t, p, n)
                        for t in texts for p in patterns for n in (-1, 0, 1, 2)]
                       + ["split(s, ',')", "split(s, NULL)", "split(s, ',', NULL)"],
                       rows=ROWS, schema=SCHEMA)


def test_split_parts_shared(oracle):
    """Nexmark q22's shape: get() of one split() several times, as a literal split and a regex."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame([("https://x.io/a/b/c",), ("https://x.io/a",), ("",), (None,)], "url STRING")
        literal, regex = f.split("url", "/"), f.split("url", "[/]", 4)
        return df.select(*(f.get(literal, i).alias("l%d" % i) for i in (2, 3, 4, 5)),
                         *(f.get(regex, i).alias("r%d" % i) for i in (2, 3)), literal.alias("parts"))
    oracle.check(program, ordered=True)


def test_edits(oracle):
    """translate, overlay, quote, repeat, replace, reverse, lpad/rpad on characters."""
    oracle.check_exprs([
        "translate('AaBbCc', 'abc', '123')", "translate('AaBbCc', 'abc', '1')",
        "translate('abc', 'aa', 'xy')", "translate(NULL, 'a', 'b')", "translate('héllo', 'é', 'e')",
        "translate(s, 'lö', 'L')", "translate(1, '1', '2')",
        "overlay('Spark SQL', '_', 6)", "overlay('Spark SQL', 'CORE', 7)",
        "overlay('Spark SQL', 'ANSI ', 7, 0)", "overlay('Spark SQL', 'tructured', 2, 4)",
        "overlay('Spark', 'x', -1)", "overlay('Spark', 'xy', 10)", "overlay(X'010203', X'ff', 2)",
        "overlay(s, 'ÿ', 2, 3)",
        "quote(NULL)", "quote('a\\\\b')", "quote(s)", "quote(1)",
        "repeat('ab', -1)", "repeat('ab', 0)", "repeat(s, 2)", "replace('abc', '', 'x')",
        "reverse(s)", "lpad(s, 5, 'xy')", "rpad(s, 14, '𝔸')", "left(s, 3)", "right(s, 3)",
        "initcap(s)", "ucase(s)", "lcase(s)",
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["overlay('abc', X'01', 1)"])


def test_levenshtein_soundex(oracle):
    """levenshtein counts character edits (-1 above the threshold); soundex keeps non-letter input."""
    oracle.check_exprs([
        "levenshtein('kitten', 'sitting')", "levenshtein('kitten', 'sitting', 2)",
        "levenshtein('kitten', 'sitting', 3)", "levenshtein('a', 'b', -1)",
        "levenshtein(NULL, 'a')", "levenshtein('a', 'b', NULL)", "levenshtein('héllo', 'hello')",
        "levenshtein('', 'abc', 2)", "levenshtein(s, p)", "levenshtein(1, 2)",
        "soundex('Miller')", "soundex('')", "soundex('123')", "soundex('Ashcraft')",
        "soundex('Tymczak')", "soundex('éa')", "soundex('a1b')", "soundex('B1B')", "soundex('BHB')",
        "soundex('ab-cd')", "soundex('Robert')", "soundex('Honeyman')", "soundex('a')", "soundex(s)",
    ], rows=ROWS, schema=SCHEMA)


def test_elt(oracle):
    """elt picks the n-th argument; out of range raises INVALID_ARRAY_INDEX under ANSI."""
    oracle.check_exprs([
        "elt(1, 'a', 'b')", "elt(2, s, p)", "elt(NULL, 'a')", "elt(1, 2, 3)", "elt(1, X'01', X'02')",
        "elt(1L, 'a')", "elt('1', 'a')", "elt(2, 'a', NULL)", "elt(1.5, 'a')",
    ], rows=ROWS, schema=SCHEMA)
    for bad in ["elt(3, 'a', 'b')", "elt(0, 'a', 'b')", "elt(1)"]:
        oracle.check_exprs([bad])


def test_mask(oracle):
    """mask replaces upper, lower and digit characters; a NULL replacement keeps them."""
    oracle.check_exprs([
        "mask('AbCd-123 é')", "mask('AbCd', 'Y', NULL, NULL, '#')", "mask(NULL)",
        "mask('AbCd-12', NULL, NULL, NULL, NULL)", "mask('ÀÉ ß 𝔸 ٣')", "mask(s)",
        "mask(s, 'U', 'l', 'd', '*')",
    ], rows=ROWS, schema=SCHEMA)
    for bad in ["mask('abc', 'YY')", "mask('abc', 'Y', 'y', 'd', 'o', 'x')"]:
        oracle.check_exprs([bad])


def test_base64_and_binary(oracle):
    """base64 writes MIME lines of 76 chars; to_binary parses hex (odd length allowed), utf-8, base64."""
    oracle.check_exprs([
        "base64(X'0102ff')", "base64('héllo')", "unbase64('AQL/')", "unbase64('###')",
        "base64(CAST(repeat(s, 20) AS BINARY))", "unbase64('AQL')", "base64(s)",
        "unbase64(base64(s))", "base64(NULL)",
        "to_binary('abc')", "to_binary('616263', 'hex')", "to_binary('abc', 'utf-8')",
        "to_binary('abc', 'UTF8')", "to_binary('YWJj', 'base64')", "try_to_binary('zz', 'hex')",
        "try_to_binary('abc', 'x')", "to_binary('YWJ', 'base64')", "to_binary('6', 'hex')",
        "to_binary(NULL, 'hex')", "to_binary(s, 'utf-8')", "try_to_binary(s, 'base64')",
    ], rows=ROWS, schema=SCHEMA)
    for bad in ["to_binary('zz', 'hex')", "to_binary('abc', 'x')", "to_binary('###', 'base64')"]:
        oracle.check_exprs([bad])


def test_encode_decode(oracle):
    """encode/decode with Spark's charsets; unmappable input raises MALFORMED_CHARACTER_CODING."""
    oracle.check_exprs([
        "encode('héllo', 'utf-8')", "encode('héllo', 'UTF-16')", "encode('héllo', 'utf-16le')",
        "encode('hello', 'US-ASCII')", "encode('héllo', 'ISO-8859-1')", "encode('a€𝔸', 'UTF-16BE')",
        "encode('a', 'UTF-32')", "encode(NULL, 'utf-8')", "encode(s, 'utf-16')",
        "decode(X'68C3A96C6C6F', 'utf-8')", "decode(X'E9', 'ISO-8859-1')", "decode(X'0061', 'UTF-16')",
        "decode(X'FEFF0061', 'UTF-16')", "decode(X'FFFE6100', 'UTF-16')", "decode(X'00000061', 'utf-32')",
        "decode(encode(s, 'utf-16le'), 'UTF-16LE')", "decode(NULL, 'utf-8')",
    ], rows=ROWS, schema=SCHEMA)
    for bad in ["encode('a', 'latin2')", "encode('é', 'US-ASCII')", "decode(X'E9', 'utf-8')",
                "decode(X'FF', 'US-ASCII')", "decode(X'61', 'foo')"]:
        oracle.check_exprs([bad])


def test_binary_cast_to_string_checks_each_value_by_itself(oracle):
    """CAST(binary AS STRING) keeps the bytes; a character split between two rows' values
    (X'C3' then X'A9', together "é") is invalid in each, and each shows as U+FFFD."""
    values = [b"\xc3", b"\xa9", b"", b"A\xc3\xa9", None, b"\xe2\x82", b"\xac", b"\xf0\x9f\x98", b"\x80"]
    oracle.check_exprs(["CAST(b AS STRING)", "length(CAST(b AS STRING))"],
                       rows=[(i, None if v is None else bytearray(v)) for i, v in enumerate(values)],
                       schema="i INT, b BINARY")


def test_utf8_validation(oracle):
    """Binary arguments are checked byte for byte; validate_utf8 raises INVALID_UTF8_STRING."""
    oracle.check_exprs([
        "is_valid_utf8(s)", "make_valid_utf8(s)", "validate_utf8(s)", "try_validate_utf8(s)",
        "is_valid_utf8(X'80')", "is_valid_utf8(X'61C3A9')", "try_validate_utf8(X'80')",
        "make_valid_utf8(X'61FF62')", "is_valid_utf8(NULL)",
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["validate_utf8(X'6180')"])


def test_urls(oracle):
    """url_encode/url_decode follow Java's form encoding; parse_url follows java.net.URI."""
    url = "'http://user:pw@spark.apache.org:8080/path/p?query=1&b=2#Ref'"
    parts = ["HOST", "PATH", "QUERY", "REF", "PROTOCOL", "FILE", "AUTHORITY", "USERINFO", "host"]
    oracle.check_exprs(
        ["parse_url(%s, '%s')" % (url, p) for p in parts] + [
            "parse_url(%s, 'QUERY', 'b')" % url, "parse_url('http://a.b/p?query=1', 'QUERY', 'c')",
            "parse_url('http://a.b/p', 'QUERY')", "parse_url('http://a.b', 'PATH')",
            "parse_url('http://a.b', 'FILE')", "try_parse_url('inva lid://x', 'HOST')",
            "parse_url('x', 'HOST')", "parse_url('/a/b?c=1', 'QUERY')", "parse_url('mailto:a@b.c', 'PATH')",
            "parse_url('http://[::1]:80/a', 'HOST')", "parse_url('http://a.b/p?x=1&x=2', 'QUERY', 'x')",
            "parse_url('http://a.b/p?x', 'QUERY', 'x')", "parse_url(NULL, 'HOST')",
            "url_encode('https://spark.apache.org/a b?c=é&d=~*')", "url_decode('a%20b+c%C3%A9')",
            "try_url_decode('a%2')", "url_decode(NULL)", "url_encode(s)", "url_decode(url_encode(s))",
            "try_url_decode('%zz')",
        ], rows=ROWS, schema=SCHEMA)
    for bad in ["parse_url('inva lid://x', 'HOST')", "url_decode('a%2')", "url_decode('%zz')"]:
        oracle.check_exprs([bad])


def test_regexp(oracle):
    """regexp_count/instr/substr/extract_all: non-overlapping matches, char positions, group checks."""
    oracle.check_exprs([
        "regexp_count('Steven Jones and Stephen Smith', 'Ste(v|ph)en')", "regexp_count('abc', '')",
        "regexp_count(NULL, 'a')", "regexp_count('abc', NULL)", "regexp_count(s, 'l+')",
        "regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)', 1)",
        "regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)')",
        "regexp_extract_all('100-200, 300-400', '(\\\\d+)-(\\\\d+)', 2)",
        "regexp_extract_all('abc', 'x*', 0)", "regexp_extract_all('ab', '(x)?b', 1)",
        "regexp_extract_all(s, '(l)(o)?', 2)", "regexp_extract_all(s, '^.', 0)",
        "regexp_instr('1a 2b 14m', '\\\\d+(a|b|m)')", "regexp_instr('1a 2b 14m', '\\\\d+(a|b|m)', 1)",
        "regexp_instr('abc', 'z')", "regexp_instr('héllo', 'l')", "regexp_instr(s, 'ö|l')",
        "regexp_substr('1a 2b 14m', '\\\\d+')", "regexp_substr('abc', 'z')", "regexp_substr(NULL, 'a')",
        "regexp_substr('abc', 'x*')", "regexp_substr(s, '[^ ]+$')",
        "regexp_extract(s, '(\\\\w+) (\\\\w+)', 2)", "regexp_replace(s, 'l', 'L')",
        "regexp_like(s, '^H')", "rlike(s, 'o')", "regexp(s, 'ö')",
    ], rows=ROWS, schema=SCHEMA)
    for bad in ["regexp_extract_all('a', '(a)', 3)", "regexp_count('a', '(')",
                "regexp_instr('a', '(a)', 2)"]:
        oracle.check_exprs([bad])


def test_java_only_regexp_syntax(oracle):
    """Backreferences and lookaround, which Spark's Java regexes accept, raise a clear error."""
    import spate.sql  # noqa: F401
    spark = oracle.spate.spark
    for expr in ["regexp_extract('aa', '(a)\\\\1', 0)", "regexp_count('abc', '(?<=a)b')",
                 "regexp_substr('abc', 'a(?=b)')", "regexp_replace('abc', 'a++', 'x')"]:
        with pytest.raises(Exception, match="RE2"):
            spark.sql("SELECT " + expr).collect()


def test_str_to_map_and_sentences(oracle):
    """str_to_map splits at regex delimiters (duplicate keys raise); sentences splits words."""
    oracle.check_exprs([
        "str_to_map('a:1,b:2,c')", "str_to_map('a=1;b=2', ';', '=')", "str_to_map('')",
        "str_to_map(NULL)", "str_to_map('a:1', NULL, ':')", "str_to_map(s, ' ', 'l')",
        "sentences('Hi there! Good morning.')", "sentences('Hi there! Good morning.', 'en', 'US')",
        "sentences(NULL)", "sentences('')",
        "sentences('a  b   c')", "sentences('1 2, 3.5 x')", "sentences(s)",
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["str_to_map('a:1,a:2')"])


def test_format_number(oracle):
    """format_number rounds half-even with ',' grouping, or follows a DecimalFormat pattern."""
    oracle.check_exprs([
        "format_number(12332.123456, 4)", "format_number(1.5, 0)", "format_number(2.5, 0)",
        "format_number(-1234.5, -1)", "format_number(CAST(1 AS TINYINT), 2)", "format_number(1e20, 2)",
        "format_number(CAST('NaN' AS DOUBLE), 2)", "format_number(12345, 2)",
        "format_number(CAST(12345.678 AS DECIMAL(10,3)), 1)", "format_number(0.5, 0)",
        "format_number(-0.0D, 2)", "format_number(CAST('Infinity' AS DOUBLE), 2)",
        "format_number(1.23456789E-5D, 8)", "format_number(NULL, 2)", "format_number(1.0, NULL)",
        "format_number(123456789.5F, 1)", "format_number(0.125D, 2)", "format_number(0.135D, 2)",
        "format_number(1.005D, 2)", "format_number(0.1D, 20)", "format_number(-0.001, 2)",
        "format_number(999.999D, 2)", "format_number(n * 1234.5678D, n)",
        "format_number(12332.1, '##.###')", "format_number(12.3, '#,###.00')", "format_number(12.3, '')",
        "format_number(1234567.891, '')", "format_number(1234567.891, 'abc')",
        "format_number(123.456, '#.#')", "format_number(123.456, '0000.0')",
        "format_number(1234567.456, '#,##0.00')", "format_number(-5, '#,##0.00')",
        "format_number(0.5, '#.##')",
    ], rows=ROWS, schema=SCHEMA)
    oracle.check_exprs(["format_number('123', 2)"])


def test_format_string(oracle):
    """format_string/printf follow java.util.Formatter for %s %d %f %x %e %g %c %b and flags."""
    oracle.check_exprs([
        "format_string('%s %d %f %x %e %,d %05d %.2f %10s|%-5s|', 'a', 42, 1.5D, 255, 12345.678D,"
        " 1234567, 42, 3.14159D, 'hi', 'x')",
        "format_string('%s', NULL)", "format_string(NULL, 1)",
        "printf('%b %c %o %%n %S', true, 65, 8, 'abc')", "format_string('%d|%5d|%-5d|%+d|% d|%(d', -7, 7, 7, 7, 7, -7)",
        "format_string('%x %X %o', -1, CAST(-1 AS TINYINT), -8L)", "format_string('%#x %#o', 255, 8)",
        "format_string('%.1f %.0f %.3f', 0.25D, 2.5D, 1.0005D)", "format_string('%,.2f', 1234567.891D)",
        "format_string('%e %.2e %E', 0.0D, 123456.0D, 1e-10D)", "format_string('%g %g %g', 123.456D, 0.0001D, 1e10D)",
        "format_string('%s %s', 1.5D, 1e10D)", "format_string('%2$s %1$s', 'a', 'b')",
        "format_string('%s %<s', 'x')", "format_string('%.2s', 'hello')", "format_string('%b', NULL)",
        "format_string('%s', s)", "format_string('%s has %d', s, n)", "format_string('%10.3f|', CAST(n AS DOUBLE))",
        "format_string('%s', CAST(1.5 AS DECIMAL(3,1)))", "format_string('%s', true)",
        "format_string('%s %s', DATE'2020-01-01', 5L)", "format_string('%c', 233)",
        "format_string('%08.2f', -3.5D)", "format_string('%f', CAST(0.1 AS FLOAT))",
        "printf(s)",
    ], rows=ROWS, schema=SCHEMA)


def test_python_wrappers(oracle):
    """Each Python wrapper builds the same call as PySpark's."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(
            f.ascii("s"), f.base64("s"), f.unbase64(f.base64("s")), f.bit_length("s"), f.octet_length("s"),
            f.btrim("s"), f.btrim("s", f.lit("H")), f.char(f.lit(65)), f.chr(f.col("n")),
            f.char_length("s"), f.character_length("s"), f.contains("s", "p"), f.endswith("s", "p"),
            f.startswith("s", "p"), f.like("s", f.lit("%l%")),
            f.like("s", f.lit("%!%%"), f.lit("!")), f.decode(f.encode("s", "UTF-16"), "UTF-16"),
            f.elt(f.lit(1), "s", "p"), f.find_in_set("p", "s"), f.format_number("n", 2),
            f.format_string("%s-%d", "s", "n"), f.printf(f.lit("%s!"), "s"), f.initcap("s"),
            f.instr("s", "l"), f.lcase("s"), f.ucase("s"), f.left("s", f.lit(2)), f.right("s", f.lit(2)),
            f.levenshtein("s", "p"), f.levenshtein("s", "p", 3), f.locate("l", "s"), f.locate("l", "s", 4),
            f.lpad("s", 12, "-"), f.rpad("s", 12, "-"), f.mask("s"), f.mask("s", f.lit("U"), otherChar=f.lit("?")),
            f.overlay("s", "p", 2), f.overlay("s", "p", 2, 1), f.position("p", "s"),
            f.position("p", "s", f.lit(2)), f.quote("s"), f.regexp_count("s", f.lit("l")),
            f.regexp_extract_all("s", f.lit("(l)"), 1), f.regexp_extract_all("s", f.lit("(l)")),
            f.regexp_instr("s", f.lit("o")), f.regexp_instr("s", f.lit("(o)"), 1), f.regexp_substr("s", f.lit("l+")),
            f.repeat("s", 2), f.replace("s", "p"), f.replace("s", "p", f.lit("_")), f.reverse("s"),
            f.sentences("s"), f.soundex("s"), f.split_part("s", "p", f.lit(1)), f.substr("s", f.lit(2)),
            f.substr("s", f.lit(2), f.lit(3)), f.substring_index("s", "l", 1), f.to_binary("s", f.lit("utf-8")),
            f.try_to_binary("p"), f.translate("s", "lo", "01"), f.url_decode(f.url_encode("s")),
            f.try_url_decode("s"), f.parse_url(f.lit("http://a.b/c?d=1"), f.lit("QUERY")),
            f.parse_url(f.lit("http://a.b/c?d=1"), f.lit("QUERY"), f.lit("d")),
            f.try_parse_url(f.lit("http://a.b/c"), f.lit("HOST")), f.is_valid_utf8("s"),
            f.make_valid_utf8("s"), f.validate_utf8("s"), f.try_validate_utf8("s"), f.str_to_map("s"),
            f.str_to_map("s", f.lit(" "), f.lit("l")), f.split("s", "l", 2), f.substring("s", 2, 3),
            f.regexp_extract("s", "(l+)", 1), f.regexp_replace("s", "l", "L"),
        )
    oracle.check(program)


def test_regexp_predicate_wrappers(oracle):
    """ilike/rlike/regexp/regexp_like wrappers give PySpark's values (their column names differ)."""
    def program(sql, spark):
        f = sql.functions
        df = spark.createDataFrame(ROWS, SCHEMA)
        return df.select(f.ilike("s", f.lit("%L%")).alias("a"), f.rlike("s", f.lit("o")).alias("b"),
                         f.regexp("s", f.lit("l+")).alias("c"), f.regexp_like("s", f.lit("^H")).alias("d"))
    oracle.check(program)


def test_python_argument_errors(oracle):
    """Wrong argument types raise PySpark's PySparkTypeError client-side."""
    oracle.check(lambda sql, spark: sql.functions.overlay("s", "p", 1.5),
                 error="NOT_COLUMN_OR_INT_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.btrim(1), error="NOT_COLUMN_OR_STR")
    oracle.check(lambda sql, spark: sql.functions.split_part("s", 1, "n"), error="NOT_COLUMN_OR_STR")


def test_wrong_argument_counts_and_types(oracle):
    """WRONG_NUM_ARGS and DATATYPE_MISMATCH as in Spark."""
    for bad in ["levenshtein('a')", "soundex()", "split_part('a', 'b')", "translate('a', 'b')",
                "base64(1)", "decode(1, 'utf-8')", "regexp_count('a')", "find_in_set('a')",
                "bit_length(array(1))", "mask(array('a'))"]:
        oracle.check_exprs([bad])


def test_number_formats(oracle):
    """to_number/to_char read and write Spark's number formats (0 9 . D , G $ S MI PR)."""
    oracle.check_exprs([
        "to_number('454', '999')", "to_number('454.00', '000.00')", "to_number('12,454', '99,999')",
        "to_number('$78.12', '$99.99')", "to_number('12,454.8-', '99,999.9S')", "to_number('-12', 'S99')",
        "to_number('<12>', '99PR')", "to_number('12-', '99MI')", "to_number(' 12', '999')",
        "to_number('5', '0')", "to_number(NULL, '99')", "try_to_number('12', '9')",
        "try_to_number('abc', '999')", "try_to_number('454', '999')", "try_to_number(s, '99')",
        "to_char(454, '999')", "to_char(454.00, '000D00')", "to_char(12454, '99G999')",
        "to_char(78.12, '$99.99')", "to_char(-12454.8, '99G999D9S')", "to_char(-12, 'S99')",
        "to_char(-12, '99PR')", "to_char(12, '99PR')", "to_char(-12, '99MI')", "to_char(12, '99MI')",
        "to_char(1234, '99')", "to_char(5, '0000')", "to_char(5, '9999')", "to_char(0.5, '9.99')",
        "to_char(0.5, '0.99')", "to_char(1.555, '9.99')", "to_char(CAST(12 AS BIGINT), '999')",
        "to_char(12, 'S999')", "to_char(-0.5, '9.9')", "to_char(1, '$9')", "to_char(12, '0G0')",
        "to_char(12, '999.999')", "to_char(-5, 'S9')", "to_char(5, 'MI9')", "to_char(n, '999')",
        "to_char(DATE'2016-04-08', 'y')", "to_char(X'537061726B', 'base64')",
        "to_char(X'537061726B', 'hex')", "to_char(X'537061726B', 'utf-8')", "to_varchar(454, '999')",
        "to_char(NULL, '99')", "to_char(12.5D, '99.9')",
    ], rows=ROWS, schema=SCHEMA)
    for bad in ["to_number('12', '9')", "to_number('1', '')", "to_number('1', '9.9.9')",
                "to_char(X'01', 'x')", "to_char('abc', '99')"]:
        oracle.check_exprs([bad])


def test_number_format_wrappers(oracle):
    """to_char/to_varchar/to_number/try_to_number take Columns for both arguments."""
    oracle.check(lambda sql, spark: spark.createDataFrame(ROWS, SCHEMA).select(
        sql.functions.to_char("n", sql.functions.lit("S999")),
        sql.functions.to_varchar("n", sql.functions.lit("999")),
        sql.functions.to_number(sql.functions.lit("12.5"), sql.functions.lit("99.9")),
        sql.functions.try_to_number("s", sql.functions.lit("999"))))


def test_trim_with_characters(oracle):
    """trim/ltrim/rtrim(col, trim): the characters of `trim` are removed instead of spaces."""
    oracle.check(lambda sql, spark: spark.createDataFrame([("xxaxx",), ("x",), (None,)], "s STRING").select(
        sql.functions.trim("s", sql.functions.lit("x")).alias("t"),
        sql.functions.ltrim("s", sql.functions.lit("x")).alias("l"),
        sql.functions.rtrim("s", sql.functions.lit("x")).alias("r"),
        sql.functions.trim("s").alias("plain")))


def test_right_is_always_nullable(oracle):
    """right(str, n) is Spark's IF(str IS NULL, NULL, ...): nullable even over text that is
    never NULL; left(str, n) is substring's, nullable only through its arguments."""
    oracle.check_exprs(["right('', 3)", "right('abc', 2)", "left('abc', 2)", "right('abc', 0)"])


def test_quotes_doubled_inside_literals(oracle):
    """'I''m' and "x""y": a doubled quote inside a literal is one quote; 'a' 'b' concatenates."""
    oracle.check_exprs(["'I''m'", '"x""y"', "'a'''", "''''", "'a' 'b'", "'a''b' 'c'"])


def test_overlay_placing_syntax(oracle):
    """OVERLAY(input PLACING replace FROM pos [FOR len]) is overlay(input, replace, pos[, len])."""
    oracle.check_exprs(["overlay(s PLACING 'XY' FROM 2)", "overlay(s PLACING p FROM n FOR 1)",
                        "overlay('Spark SQL' PLACING 'ANSI ' FROM 7 FOR 0)", "overlay(s, 'Z', 1)"],
                       ROWS, SCHEMA)


def test_predicate_operator_names(oracle):
    """Column names: `a LIKE b`, but `RLIKE(a, b)` for RLIKE / REGEXP and `ilike(a, b)`."""
    oracle.check_exprs(["s LIKE 'H%'", "s RLIKE 'o'", "s REGEXP 'o'", "s NOT RLIKE 'o'", "s ILIKE 'h%'",
                        "s LIKE 'a!%' ESCAPE '!'"], ROWS, SCHEMA)
