"""transformWithState across restarts and in its checkpoint, on Spate and on PySpark 4.1: a
restart that adds or drops a state variable, the restarts Spark refuses (a variable of another
kind, a value schema or a key schema that changed), each variable's rows through
format("statestore") with stateVarName or readRegisteredTimers, the operator through
format("state-metadata"), the watermark that eventTimeColumnName gives the processor's output,
and the output modes.

A program writes one JSON file per micro-batch and runs its query with availableNow into a
foreachBatch sink; a restart writes the next file and runs again on the same checkpoint.
PySpark runs transformWithState on the RocksDB state store only, so both engines use it."""

import json
import os
import re

from oracle import plain

ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
PROVIDER = "spark.sql.streaming.stateStore.providerClass"
SCHEMA = "ts TIMESTAMP, k STRING, v INT"
OUTPUT = "k STRING, n BIGINT, s BIGINT"


def write_batch(tmp, i, rows):
    """The i-th input file, (event time, key, value) per row, with an increasing modification
    time so that each micro-batch reads the next file."""
    folder = os.path.join(tmp, "in")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "part-%03d.json" % i)
    with open(path, "w") as out:
        for ts, k, v in rows:
            out.write(json.dumps({"ts": "2024-01-01T%s" % ts, "k": k, "v": v}) + "\n")
    os.utime(path, (1_700_000_000 + i * 10, 1_700_000_000 + i * 10))


def stream(spark, tmp):
    return spark.readStream.schema(SCHEMA).option("maxFilesPerTrigger", 1).json(os.path.join(tmp, "in"))


def run_batches(spark, df, tmp, mode="update"):
    """Runs `df` with availableNow into foreachBatch; per batch, [batch id, its sorted rows]."""
    batches = []

    def sink(batch_df, batch_id):
        batches.append([batch_id, sorted((plain(row) for row in batch_df.collect()), key=repr)])

    spark.conf.set(PROVIDER, ROCKSDB)
    try:
        query = (df.writeStream.foreachBatch(sink).outputMode(mode)
                 .option("checkpointLocation", os.path.join(tmp, "cp"))
                 .trigger(availableNow=True).start())
        query.awaitTermination()
    finally:
        spark.conf.unset(PROVIDER)
    return batches


def refusal(error):
    """The state error inside a failed query's error: its class and message, up to its SQLSTATE."""
    found = re.search(r"\[(STATE_STORE_[A-Z_]+)\](.*?) SQLSTATE: \w+", str(error), re.S)
    assert found, str(error)
    return found.group(1), found.group(2).strip()


def processors(sql):
    import importlib
    streaming = importlib.import_module(sql.__name__ + ".streaming")
    Row = sql.Row

    class Total(streaming.StatefulProcessor):
        """A value state: the key's count and sum."""
        def init(self, handle):
            self.total = handle.getValueState("total", "n BIGINT, s BIGINT")

        def handleInputRows(self, key, rows, timerValues):
            n, s = self.total.get() or (0, 0)
            for row in rows:
                n, s = n + 1, s + row.v
            self.total.update((n, s))
            yield Row(k=key[0], n=n, s=s)

    class TotalAndSeen(streaming.StatefulProcessor):
        """Total's value state and a list state added to it: the count so far and the number
        of values seen since the list was added."""
        def init(self, handle):
            self.total = handle.getValueState("total", "n BIGINT, s BIGINT")
            self.seen = handle.getListState("seen", "v INT")

        def handleInputRows(self, key, rows, timerValues):
            n, s = self.total.get() or (0, 0)
            for row in rows:
                n, s = n + 1, s + row.v
                self.seen.appendValue((row.v,))
            self.total.update((n, s))
            yield Row(k=key[0], n=n, s=len(list(self.seen.get())))

    class Other(streaming.StatefulProcessor):
        """Total's value state dropped for another."""
        def init(self, handle):
            self.other = handle.getValueState("other", "n BIGINT")

        def handleInputRows(self, key, rows, timerValues):
            n = (self.other.get() or (0,))[0] + len(list(rows))
            self.other.update((n,))
            yield Row(k=key[0], n=n, s=0)

    def declaring(declare):
        class Changed(streaming.StatefulProcessor):
            def init(self, handle):
                declare(handle)

            def handleInputRows(self, key, rows, timerValues):
                yield Row(k=key[0], n=0, s=0)
        return Changed

    changed = {
        "kind": declaring(lambda h: h.getListState("total", "n BIGINT, s BIGINT")),
        "type": declaring(lambda h: h.getValueState("total", "n STRING, s BIGINT")),
        "field": declaring(lambda h: h.getValueState("total", "n BIGINT, s BIGINT, extra INT")),
    }

    class Everything(streaming.StatefulProcessor):
        """A value, a list and a map state, and an event-time timer per key."""
        def init(self, handle):
            self.handle = handle
            self.total = handle.getValueState("total", "n BIGINT, s BIGINT")
            self.seen = handle.getListState("seen", "v INT")
            self.parity = handle.getMapState("parity", "even BOOLEAN", "n INT")

        def handleInputRows(self, key, rows, timerValues):
            n, s = self.total.get() or (0, 0)
            for row in rows:
                n, s = n + 1, s + row.v
                self.seen.appendValue((row.v,))
                even = (row.v % 2 == 0,)
                count = self.parity.getValue(even)
                self.parity.updateValue(even, ((count[0] if count else 0) + 1,))
            self.total.update((n, s))
            self.handle.registerTimer(1000 * n + (0 if key[0] == "a" else 7))
            yield Row(k=key[0], n=n, s=s)

    return Total, TotalAndSeen, Other, changed, Everything


FIRST = [("00:00:00", "a", 1), ("00:00:05", "b", 2)]
SECOND = [("00:00:20", "a", 4)]


def restart(sql, spark, tmp, processor, groups=("k",)):
    """Total on the first file, then `processor` (grouped by `groups`) on the second."""
    Total = processors(sql)[0]
    write_batch(tmp, 0, FIRST)
    first = run_batches(spark, stream(spark, tmp).groupBy("k").transformWithState(Total(), OUTPUT, "Update", "None"),
                        tmp)
    write_batch(tmp, 1, SECOND)
    second = run_batches(spark, stream(spark, tmp).groupBy(*groups).transformWithState(
        processor(), OUTPUT, "Update", "None"), tmp)
    return [first, second]


def test_a_restart_may_add_a_state_variable(oracle):
    """The added list state starts empty; the value state keeps its count."""
    oracle.check(lambda sql, spark, tmp: restart(sql, spark, tmp, processors(sql)[1]))


def test_a_restart_may_drop_a_state_variable(oracle):
    """A variable no longer declared is left in the checkpoint; a new one starts empty."""
    oracle.check(lambda sql, spark, tmp: restart(sql, spark, tmp, processors(sql)[2]))


def test_a_restart_that_changes_a_variables_kind_is_refused(oracle):
    """A value state declared again as a list state: STATE_STORE_INVALID_VARIABLE_TYPE_CHANGE."""
    def program(sql, spark, tmp):
        try:
            return restart(sql, spark, tmp, processors(sql)[3]["kind"])
        except Exception as e:  # noqa: BLE001 - the query's failure, compared
            return refusal(e)
    oracle.check(program)


def test_a_restart_that_changes_a_value_schema_is_refused(oracle):
    """A field of another type, or one more field: STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE with
    both schemas."""
    def program(sql, spark, tmp):
        out = []
        for change in ("type", "field"):
            try:
                restart(sql, spark, os.path.join(tmp, change), processors(sql)[3][change])
            except Exception as e:  # noqa: BLE001 - the query's failure, compared
                out.append(refusal(e))
        return out
    oracle.check(program)


def test_a_restart_that_gives_a_variable_a_ttl_is_refused(oracle):
    """The same value state declared again with a TTL (so in ProcessingTime mode): its stored
    value gains an expiry column, STATE_STORE_VALUE_SCHEMA_NOT_COMPATIBLE naming the stored
    schema. (The new schema is printed in each engine's own layout of a TTL value: Spark nests
    the value in a struct beside ttlExpirationMs, Spate stores the columns flat; see
    docs/compatibility.md.)"""
    def program(sql, spark, tmp):
        import importlib
        streaming = importlib.import_module(sql.__name__ + ".streaming")

        class WithTtl(streaming.StatefulProcessor):
            def init(self, handle):
                handle.getValueState("total", "n BIGINT, s BIGINT", 60_000)

            def handleInputRows(self, key, rows, timerValues):
                yield sql.Row(k=key[0], n=0, s=0)

        Total = processors(sql)[0]
        write_batch(tmp, 0, FIRST)
        run_batches(spark, stream(spark, tmp).groupBy("k").transformWithState(Total(), OUTPUT, "Update", "None"), tmp)
        write_batch(tmp, 1, SECOND)
        try:
            run_batches(spark, stream(spark, tmp).groupBy("k").transformWithState(
                WithTtl(), OUTPUT, "Update", "ProcessingTime"), tmp)
        except Exception as e:  # noqa: BLE001 - the query's failure, compared
            error, message = refusal(e)
            return error, message.split(" and new ")[0]
        return "not refused"
    oracle.check(program)


def test_a_restart_that_changes_the_grouping_key_is_refused(oracle):
    """Another grouping column, or one more: STATE_STORE_KEY_SCHEMA_NOT_COMPATIBLE."""
    def program(sql, spark, tmp):
        out = []
        for groups in (("v",), ("k", "v")):
            try:
                restart(sql, spark, os.path.join(tmp, "".join(groups)), processors(sql)[0], groups)
            except Exception as e:  # noqa: BLE001 - the query's failure, compared
                out.append(refusal(e))
        return out
    oracle.check(program)


def run_everything(sql, spark, tmp):
    Everything = processors(sql)[4]
    write_batch(tmp, 0, [("00:00:00", "a", 1), ("00:00:05", "b", 2), ("00:00:07", "a", 3)])
    write_batch(tmp, 1, [("00:00:20", "a", 4), ("00:00:21", "c", 5)])
    out = stream(spark, tmp).groupBy("k").transformWithState(Everything(), OUTPUT, "Update", "EventTime")
    run_batches(spark, out, tmp)
    return os.path.join(tmp, "cp")


def read_state(spark, checkpoint, **options):
    """A state read without partition_id: a key's partition is each engine's own hash."""
    reader = spark.read.format("statestore")
    for key, value in options.items():
        reader = reader.option(key, value)
    return reader.load(checkpoint).drop("partition_id")


def test_statestore_reads_a_value_state(oracle):
    """Columns key and value, after the last batch and after batch 0."""
    def program(sql, spark, tmp):
        checkpoint = run_everything(sql, spark, tmp)
        return (read_state(spark, checkpoint, stateVarName="total")
                .unionByName(read_state(spark, checkpoint, stateVarName="total", batchId=0)))
    oracle.check(program)


def test_statestore_reads_a_list_state_a_row_per_element(oracle):
    """Columns key and list_element."""
    oracle.check(lambda sql, spark, tmp: read_state(spark, run_everything(sql, spark, tmp), stateVarName="seen"))


def test_statestore_reads_a_map_state_a_row_per_entry(oracle):
    """Columns key, user_map_key and user_map_value."""
    oracle.check(lambda sql, spark, tmp: read_state(spark, run_everything(sql, spark, tmp), stateVarName="parity"))


def test_statestore_reads_the_registered_timers(oracle):
    """Columns key and expiration_timestamp_ms."""
    oracle.check(lambda sql, spark, tmp: read_state(spark, run_everything(sql, spark, tmp),
                                                    readRegisteredTimers="true"))


def test_statestore_reads_a_list_state_as_arrays(oracle):
    """flattenCollectionTypes=false: a row per key, its elements in list_value (compared
    sorted: the order of a list's elements is each store's own)."""
    def program(sql, spark, tmp):
        df = read_state(spark, run_everything(sql, spark, tmp), stateVarName="seen", flattenCollectionTypes="false")
        return sorted([row.key.k, sorted(e.v for e in row.list_value)] for row in df.collect())
    oracle.check(program)


def test_statestore_reads_a_map_state_as_maps(oracle):
    """flattenCollectionTypes=false: a row per key, its entries in map_value (compared sorted)."""
    def program(sql, spark, tmp):
        df = read_state(spark, run_everything(sql, spark, tmp), stateVarName="parity",
                        flattenCollectionTypes="false")
        return [df.schema.simpleString(),
                sorted([row.key.k, sorted((k.even, v.n) for k, v in row.map_value.items())] for row in df.collect())]
    oracle.check(program)


def test_statestore_needs_one_of_state_var_name_and_read_registered_timers(oracle):
    def program(sql, spark, tmp):
        checkpoint = run_everything(sql, spark, tmp)
        out = []
        for options in ({}, {"stateVarName": "nope"}, {"stateVarName": "total", "readRegisteredTimers": "true"}):
            try:
                read_state(spark, checkpoint, **options).collect()
            except Exception as e:  # noqa: BLE001 - the error, compared
                out.append([e.getCondition(), str(e).splitlines()[0]])
        return out
    oracle.check(program)


def test_state_metadata_lists_the_operator_and_its_variables(oracle):
    """One row for the operator's store: its partitions, committed batches and properties (the
    variables compared as a set: Spark lists them in no fixed order) and the operator's name,
    transformWithStateInPySparkExec."""
    def program(sql, spark, tmp):
        checkpoint = run_everything(sql, spark, tmp)
        df = spark.read.format("state-metadata").load(checkpoint)
        out = []
        for row in df.collect():
            properties = json.loads(row.operatorProperties)
            properties["stateVariables"] = sorted(properties["stateVariables"], key=lambda v: v["stateName"])
            out.append([row.operatorId, row.operatorName, row.stateStoreName, row.numPartitions, row.minBatchId,
                        row.maxBatchId, properties])
        return [df.columns, out]
    oracle.check(program)


def test_event_time_column_carries_a_watermark_to_a_downstream_window(oracle):
    """eventTimeColumnName: the processor's `ts` carries the input's watermark, so a windowed
    count of its output runs in Append mode and emits each window once the watermark passes
    its end."""
    def program(sql, spark, tmp):
        Row = sql.Row
        f = sql.functions
        import importlib
        streaming = importlib.import_module(sql.__name__ + ".streaming")

        class Latest(streaming.StatefulProcessor):
            def init(self, handle):
                self.count = handle.getValueState("count", "n BIGINT")

            def handleInputRows(self, key, rows, timerValues):
                n, latest = (self.count.get() or (0,))[0], None
                for row in rows:
                    n += 1
                    latest = row.ts if latest is None else max(latest, row.ts)
                self.count.update((n,))
                yield Row(k=key[0], ts=latest, n=n)

        batches = [[("00:00:00", "a", 1), ("00:00:05", "b", 2), ("00:00:07", "a", 3)],
                   [("00:00:20", "a", 4), ("00:00:21", "c", 5)],
                   [("00:01:00", "b", 6), ("00:00:01", "a", 7)],
                   [("00:02:00", "c", 8)]]
        for i, rows in enumerate(batches):
            write_batch(tmp, i, rows)
        latest = (stream(spark, tmp).withWatermark("ts", "5 seconds").groupBy("k")
                  .transformWithState(Latest(), "k STRING, ts TIMESTAMP, n BIGINT", "Append", "EventTime", None, "ts"))
        windows = latest.groupBy(f.window("ts", "10 seconds")).agg(f.count("*").alias("rows"), f.sum("n").alias("n"))
        return run_batches(spark, windows, tmp, "append")
    oracle.check(program)


def test_the_complete_output_mode(oracle):
    """transformWithState's own outputMode "Complete" runs (as Update); a query in Complete mode
    is refused, transformWithState being no aggregation."""
    def program(sql, spark, tmp):
        Total = processors(sql)[0]
        write_batch(tmp, 0, FIRST)
        ran = run_batches(spark, stream(spark, tmp).groupBy("k").transformWithState(Total(), OUTPUT, "Complete", "None"),
                          os.path.join(tmp, "a"))
        try:
            run_batches(spark, stream(spark, tmp).groupBy("k").transformWithState(Total(), OUTPUT, "Update", "None"),
                        os.path.join(tmp, "b"), "complete")
            refused = None
        except Exception as e:  # noqa: BLE001 - the error, compared
            refused = [e.getCondition(), str(e).splitlines()[0]]
        return [ran, refused]
    oracle.check(program)
