"""INSERT INTO / INSERT OVERWRITE, MERGE INTO, UPDATE and DELETE FROM, and the DataFrame
API's mergeInto, against PySpark 4.1 with Iceberg's Spark runtime: each program writes a
table of its own (a Hadoop catalog `ice` in a separate warehouse per engine) and returns
its rows, so results, types and error conditions are compared."""

import os
import tempfile

import pytest

from oracle import iceberg_runtime_jar


@pytest.fixture(scope="module")
def ice(oracle):
    """`ice`: an Iceberg Hadoop catalog on both engines, each in its own warehouse."""
    if iceberg_runtime_jar() is None:
        why = "Iceberg's Spark runtime jar could not be fetched with Maven"
        if os.environ.get("CI") == "true":
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    for engine in (oracle.spate, oracle.pyspark):
        spark = engine.spark
        spark.conf.set("spark.sql.catalog.ice", "org.apache.iceberg.spark.SparkCatalog")
        spark.conf.set("spark.sql.catalog.ice.type", "hadoop")
        spark.conf.set("spark.sql.catalog.ice.warehouse", tempfile.mkdtemp(prefix="wh-%s-" % engine.name))
    return oracle


def table_program(name, schema, rows, *statements):
    """A program that creates ice.db.<name> with `rows`, runs `statements` (SQL text, or
    functions of (sql, spark)) and returns the table's rows."""
    table = "ice.db." + name

    def program(sql, spark):
        spark.sql("DROP TABLE IF EXISTS %s" % table)
        spark.sql("CREATE TABLE %s (%s) USING iceberg" % (table, schema))
        if rows:
            spark.sql("INSERT INTO %s VALUES %s" % (table, rows))
        for st in statements:
            if callable(st):
                st(sql, spark)
            else:
                spark.sql(st.format(t=table))
        return spark.table(table)
    return program


# --- INSERT ----------------------------------------------------------------------------

def test_insert_values_select_and_columns(ice):
    ice.check(table_program(
        "ins", "id INT, v STRING, d DOUBLE", "(1, 'a', 1.5), (2, NULL, NULL)",
        "INSERT INTO {t} SELECT 3, 'c', 2",                 # cast INT to DOUBLE by position
        "INSERT INTO TABLE {t} (v, id) VALUES ('e', 5)",    # named columns, d is NULL
        "INSERT INTO {t} SELECT id + 10, upper(v), d FROM {t} WHERE id < 3"))


def test_insert_overwrite_replaces_the_rows(ice):
    ice.check(table_program("ins_ow", "id BIGINT, v STRING", "(1, 'a'), (2, 'b')",
                            "INSERT OVERWRITE {t} SELECT id * 10, v FROM {t} WHERE id = 2"))


@pytest.mark.parametrize("values", ["(1)", "(1, 'a', 3)"])
def test_insert_arity_mismatch(ice, values):
    ice.check(table_program("ins_arity", "id INT, v STRING", "", "INSERT INTO {t} VALUES " + values),
              error="INSERT_COLUMN_ARITY_MISMATCH." + (
                  "NOT_ENOUGH_DATA_COLUMNS" if values == "(1)" else "TOO_MANY_DATA_COLUMNS"))


def test_insert_into_session_table(ice):
    def program(sql, spark, tmp):
        spark.sql("DROP TABLE IF EXISTS ins_parquet")
        spark.sql("CREATE TABLE ins_parquet (id INT, v STRING) USING parquet LOCATION '%s/t'" % tmp)
        spark.sql("INSERT INTO ins_parquet VALUES (1, 'a'), (2, 'b')")
        spark.sql("INSERT INTO ins_parquet (v, id) VALUES ('c', 3)")
        # (Spark refuses an overwrite that reads its own file table: UNSUPPORTED_OVERWRITE.TABLE)
        spark.sql("INSERT OVERWRITE ins_parquet SELECT id + 1, v FROM VALUES (2, 'b'), (3, 'c') AS s(id, v)")
        out = spark.table("ins_parquet").orderBy("id").collect()
        spark.sql("DROP TABLE ins_parquet")
        return out
    ice.check(program)


# --- MERGE INTO ------------------------------------------------------------------------

SOURCE = "(SELECT * FROM VALUES (1, 'z', 'u'), (4, 'd', 'i'), (5, 'x', 'd'), (NULL, 'n', 'i') AS s(id, v, op))"


def test_merge_update_insert_and_delete_by_source(ice):
    ice.check(table_program(
        "m1", "id INT, v STRING", "(1, 'a'), (2, 'b'), (3, 'c'), (NULL, 'null key')",
        "MERGE INTO {t} t USING " + SOURCE + " s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET * "
        "WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, s.v) "
        "WHEN NOT MATCHED BY SOURCE AND t.id = 3 THEN DELETE"))


def test_merge_clauses_in_order_with_conditions(ice):
    ice.check(table_program(
        "m2", "id INT, v STRING, n BIGINT", "(1, 'a', 1), (4, 'b', 2), (5, 'c', 3), (6, 'd', 4)",
        "MERGE INTO {t} AS t USING " + SOURCE + " AS s ON t.id = s.id "
        "WHEN MATCHED AND s.op = 'd' THEN DELETE "
        "WHEN MATCHED AND t.n > 1 THEN UPDATE SET v = concat(t.v, s.v), n = t.n * 100 "
        "WHEN MATCHED THEN UPDATE SET t.v = 'matched' "
        "WHEN NOT MATCHED AND s.op = 'i' THEN INSERT (n, id) VALUES (-1, s.id) "
        "WHEN NOT MATCHED BY SOURCE AND t.n = 4 THEN UPDATE SET n = 0 "
        "WHEN NOT MATCHED BY SOURCE THEN DELETE"))


def test_merge_from_a_table_without_alias(ice):
    def program(sql, spark):
        spark.createDataFrame([(1, 10), (3, 30)], "id INT, amount INT").createOrReplaceTempView("updates")
        return table_program(
            "m3", "id INT, amount BIGINT", "(1, 1), (2, 2)",
            "MERGE INTO {t} USING updates ON m3.id = updates.id "
            "WHEN MATCHED THEN UPDATE SET amount = m3.amount + updates.amount "
            "WHEN NOT MATCHED THEN INSERT *")(sql, spark)
    ice.check(program)


def test_merge_target_row_matching_two_source_rows_fails(ice):
    ice.check(table_program(
        "m4", "id INT, v STRING", "(1, 'a')",
        "MERGE INTO {t} t USING (SELECT * FROM VALUES (1, 'z'), (1, 'y') AS s(id, v)) s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET *"), error="MERGE_CARDINALITY_VIOLATION")


def test_merge_unconditional_delete_allows_several_source_rows(ice):
    ice.check(table_program(
        "m5", "id INT, v STRING", "(1, 'a'), (2, 'b')",
        "MERGE INTO {t} t USING (SELECT * FROM VALUES (1, 'z'), (1, 'y') AS s(id, v)) s ON t.id = s.id "
        "WHEN MATCHED THEN DELETE"))


def test_merge_only_the_last_clause_may_omit_its_condition(ice):
    ice.check(table_program(
        "m6", "id INT, v STRING", "(1, 'a')",
        "MERGE INTO {t} t USING (SELECT 1 AS id, 'z' AS v) s ON t.id = s.id "
        "WHEN MATCHED THEN DELETE WHEN MATCHED AND s.v = 'z' THEN UPDATE SET *"),
        error="NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION")


def test_dataframe_merge_into(ice):
    def merge(sql, spark):
        f = sql.functions
        updates = spark.createDataFrame([(2, "B", 7), (3, "C", 8)], "id INT, v STRING, n INT")
        (updates.alias("s").mergeInto("ice.db.m7", f.expr("m7.id = s.id"))
            .whenMatched(f.col("s.n") > 7).delete()
            .whenMatched().update({"v": f.col("s.v"), "n": f.col("s.n") + 1})
            .whenNotMatched().insertAll()
            .whenNotMatchedBySource().update({"v": f.lit("untouched")})
            .merge())
    ice.check(table_program("m7", "id INT, v STRING, n BIGINT", "(1, 'a', 1), (2, 'b', 2)", merge))


def test_dataframe_merge_into_cardinality(ice):
    def merge(sql, spark):
        dup = spark.createDataFrame([(1, "x"), (1, "y")], "id INT, v STRING")
        dup.alias("s").mergeInto("ice.db.m8", sql.functions.expr("m8.id = s.id")) \
            .whenMatched().updateAll().merge()
    ice.check(table_program("m8", "id INT, v STRING", "(1, 'a')", merge), error="MERGE_CARDINALITY_VIOLATION")


# --- UPDATE and DELETE -----------------------------------------------------------------

def test_update_with_and_without_where(ice):
    ice.check(table_program(
        "u1", "id INT, v STRING, n BIGINT", "(1, 'a', 1), (2, 'b', NULL), (3, NULL, 3)",
        "UPDATE {t} SET v = upper(v), n = n + 10 WHERE n > 1",   # NULL n: not updated
        "UPDATE {t} AS x SET x.id = x.id * 2"))


def test_delete_with_and_without_where(ice):
    ice.check(table_program(
        "d1", "id INT, v STRING", "(1, 'a'), (2, 'b'), (3, NULL)",
        "DELETE FROM {t} WHERE v = 'a' OR v IS NULL AND id > 5",  # NULL: kept
        "DELETE FROM {t} AS d WHERE d.id = 3"))
    ice.check(table_program("d2", "id INT", "(1), (2)", "DELETE FROM {t}"))


@pytest.mark.parametrize("statement", [
    "MERGE INTO rl_parquet t USING (SELECT 1 AS id) s ON t.id = s.id WHEN MATCHED THEN DELETE",
    "UPDATE rl_parquet SET id = 2",
    "DELETE FROM rl_parquet WHERE id = 1",
])
def test_row_level_statements_on_session_tables_are_unsupported(ice, statement):
    def program(sql, spark, tmp):
        spark.sql("DROP TABLE IF EXISTS rl_parquet")
        spark.sql("CREATE TABLE rl_parquet (id INT) USING parquet LOCATION '%s/t'" % tmp)
        try:
            return spark.sql(statement).collect()
        finally:
            spark.sql("DROP TABLE rl_parquet")
    ice.check(program, error="UNSUPPORTED_FEATURE.TABLE_OPERATION")


def test_insert_overwrite_of_a_file_table_from_itself(ice, tmp_path):
    """A documented difference: Spark refuses this with UNSUPPORTED_OVERWRITE.TABLE; Spate
    computes the new rows before it replaces the files, so the overwrite reads the old rows."""
    spark = ice.spate.spark
    spark.sql("DROP TABLE IF EXISTS ow_self")
    spark.sql("CREATE TABLE ow_self (id INT) USING parquet LOCATION '%s'" % (tmp_path / "t"))
    try:
        spark.sql("INSERT INTO ow_self VALUES (1), (2)")
        spark.sql("INSERT OVERWRITE ow_self SELECT id * 10 FROM ow_self")
        assert sorted(r.id for r in spark.table("ow_self").collect()) == [10, 20]
    finally:
        spark.sql("DROP TABLE ow_self")
