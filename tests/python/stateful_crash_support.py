"""What the stateful crash-recovery tests share: the state store providers, and a run of a query
killed with SIGKILL at random points next to an uninterrupted run of the same query.

The query is a child script taking (input folder, output folder, checkpoint, provider class);
add_input_file(folder, index) writes input file `index` into a folder."""

from test_stream_crash_recovery import crash_then_finish, run_to_end

PROVIDERS = {
    "hdfs": "org.apache.spark.sql.execution.streaming.state.HDFSBackedStateStoreProvider",
    "rocksdb": "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
}


def uninterrupted_and_crashed_outputs(tmp_path, child, provider, files, add_input_file, restarts, rng, max_delay,
                                      checkpoint=None):
    """Runs `child` once over all `files` input files, then again from a fresh checkpoint with
    `restarts` kills while the files arrive (one more before each start) and a last run to the
    end. Returns the two output folders: (uninterrupted, crashed). `checkpoint`: where the
    crashed runs keep theirs (an s3a:// URI, say), by default a local folder."""
    script = tmp_path / "child.py"
    script.write_text(child)

    ref_src, ref_out = tmp_path / "ref-in", tmp_path / "ref-out"
    ref_src.mkdir()
    for i in range(files):
        add_input_file(ref_src, i)
    run_to_end(script, (ref_src, ref_out, tmp_path / "ref-cp", PROVIDERS[provider]))

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    crash_then_finish(script, (src, out, checkpoint or tmp_path / "cp", PROVIDERS[provider]), restarts, files,
                      lambda i: add_input_file(src, i), rng, max_delay)
    return ref_out, out
