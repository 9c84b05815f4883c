"""Small PySpark programs, each a function of (sql, spark, tmp) where ``sql`` is the
engine's ``sql`` module (``pyspark.sql`` or ``spate.sql``). Each returns plain data
(rows as lists, sorted where Spark's order is not defined) to compare across engines.

The code of a program is what a PySpark user writes; only the module it gets differs.
"""

import json
import os


def _rows(rows):
    return [[_plain(v) for v in row] for row in rows]


def _plain(v):
    if hasattr(v, "asDict"):  # a struct
        return {k: _plain(x) for k, x in v.asDict().items()}
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, float):
        return round(v, 9)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _events(folder, rows):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "events.json"), "w") as out:
        for ts, user, amount in rows:
            out.write(json.dumps({"ts": "2024-01-01T%s" % ts, "user": user, "amount": amount}) + "\n")


EVENTS = [("12:01:00", "ann", 10), ("12:04:00", "bob", 5), ("12:06:00", "ann", 7),
          ("12:12:00", "cid", 1), ("12:14:00", "ann", 3)]


def batch_aggregation(sql, spark, tmp):
    f = sql.functions
    df = spark.createDataFrame([(1, "ann", 100), (2, "bob", None), (3, "ann", 50)],
                               "id INT, name STRING, salary INT")
    out = (df.groupBy("name")
           .agg(f.sum("salary").alias("total"), f.count("*").alias("n"), f.avg("salary").alias("avg"))
           .orderBy("name"))
    return {"schema": out.schema.simpleString(), "rows": _rows(out.collect())}


def sql_query(sql, spark, tmp):
    spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "k INT, v STRING") \
        .createOrReplaceTempView("compat_kv")
    out = spark.sql("SELECT k * 10 AS k10, upper(v) AS u, k % 2 = 0 AS even FROM compat_kv "
                    "WHERE k > 1 ORDER BY k")
    return {"schema": out.schema.simpleString(), "rows": _rows(out.collect())}


def joins(sql, spark, tmp):
    left = spark.createDataFrame([(1, "x"), (2, "y"), (3, "z")], "k INT, a STRING")
    right = spark.createDataFrame([(1, 10), (3, 30), (4, 40)], "k INT, b INT")
    out = {}
    for how in ("inner", "left", "full", "left_semi", "left_anti"):
        joined = left.join(right, "k", how)
        out[how] = {"columns": joined.columns, "rows": sorted(_rows(joined.collect()), key=str)}
    return out


def create_from_pandas_and_arrow(sql, spark, tmp):
    import pandas as pd
    import pyarrow as pa
    pdf = pd.DataFrame({"x": [1, 2, 3], "y": ["a", None, "c"]})
    from_pandas = spark.createDataFrame(pdf)
    table = spark.createDataFrame([sql.Row(x=1, y="a"), sql.Row(x=2, y=None)]).toArrow()
    return {"pandas_schema": from_pandas.schema.simpleString(), "pandas_rows": _rows(from_pandas.collect()),
            "arrow_schema": str(table.schema).splitlines(), "arrow_rows": table.to_pylist(),
            "arrow_type": type(table).__name__ == pa.Table.__name__,
            "to_pandas": from_pandas.toPandas().fillna("NULL").values.tolist()}


def streaming_window_aggregation(sql, spark, tmp):
    f = sql.functions
    folder = os.path.join(tmp, "window_in")
    _events(folder, EVENTS)
    stream = spark.readStream.schema("ts TIMESTAMP, user STRING, amount INT").json(folder)
    counts = (stream.withWatermark("ts", "5 minutes")
              .groupBy(f.window("ts", "5 minutes"))
              .agg(f.count("*").alias("n"), f.sum("amount").alias("total")))
    q = (counts.writeStream.format("memory").queryName("compat_windows").outputMode("complete")
         .option("checkpointLocation", os.path.join(tmp, "window_cp")).trigger(availableNow=True).start())
    q.awaitTermination()
    rows = spark.sql("SELECT window.start, window.end, n, total FROM compat_windows ORDER BY 1").collect()
    return {"rows": _rows(rows)}


def streaming_dedup_and_foreach_batch(sql, spark, tmp):
    folder = os.path.join(tmp, "dedup_in")
    _events(folder, EVENTS + [("12:01:00", "ann", 10)])
    seen = []

    def sink(batch_df, batch_id):
        seen.append(sorted(batch_df.toJSON().collect()))
        seen.append(_rows(batch_df.groupBy("user").count().orderBy("user").collect()))

    stream = spark.readStream.schema("ts TIMESTAMP, user STRING, amount INT").json(folder)
    q = (stream.dropDuplicates(["ts", "user"]).select("user", "amount").writeStream.foreachBatch(sink)
         .option("checkpointLocation", os.path.join(tmp, "dedup_cp")).trigger(availableNow=True).start())
    q.awaitTermination()
    return {"batches": seen[:2]}


def error_classes(sql, spark, tmp):
    df = spark.createDataFrame([(1,)], "x INT")
    out = {}
    try:
        df.select("nope").collect()
    except Exception as e:  # AnalysisException in both
        out["unresolved"] = [type(e).__name__, e.getCondition()]
    try:
        spark.sql("SELEC 1")
    except Exception as e:
        out["parse"] = [type(e).__name__, e.getCondition()]
    return out


PROGRAMS = [batch_aggregation, sql_query, joins, create_from_pandas_and_arrow,
            streaming_window_aggregation, streaming_dedup_and_foreach_batch, error_classes]
