"""The CSV source against PySpark 4.1: DECIMAL columns read with the locale option's decimal
parser."""

import os

import pytest

DECIMAL_TEXTS = ["1,000.5", "1.000,5", "1000", "-1,5", "1,5E2", "1,2,3", "1.2.3", "1,5x", "x"]


@pytest.mark.parametrize("locale", [None, "en-US", "de-DE", "fr-FR", "invalid!"])
def test_csv_source_decimal_locale(oracle, locale):
    """A DECIMAL column reads as Spark's decimal parser for the locale reads it: en-US (the
    default) drops commas, other locales read their own separators; a value it does not read
    makes the record malformed (NULL in PERMISSIVE mode)."""
    def program(sql, spark, tmp):
        path = os.path.join(tmp, "in.csv")
        with open(path, "w") as out:
            out.write("".join("%s;%d\n" % (t, i) for i, t in enumerate(DECIMAL_TEXTS)))
        read = spark.read.schema("a DECIMAL(10,2), i INT").option("sep", ";")
        return (read.option("locale", locale) if locale else read).csv(path)
    oracle.check(program)
