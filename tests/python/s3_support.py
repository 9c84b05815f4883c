"""A real S3-compatible server for the object storage tests: moto in server mode, started as
its own process (`python -m moto.server`) on a free loopback port, with path-style access and
fixed test credentials. boto3 is the independent client that creates buckets and checks what
Spate wrote."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ACCESS_KEY = "spate-test-key"
SECRET_KEY = "spate-test-secret"
REGION = "us-east-1"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, port, process=None):
        self.port = port
        self.process = process
        self.endpoint = "http://127.0.0.1:%d" % port
        self.access_key = ACCESS_KEY
        self.secret_key = SECRET_KEY

    def conf(self):
        """Spark's settings that point s3a:// at this server."""
        return {
            "spark.hadoop.fs.s3a.endpoint": self.endpoint,
            "spark.hadoop.fs.s3a.access.key": self.access_key,
            "spark.hadoop.fs.s3a.secret.key": self.secret_key,
            "spark.hadoop.fs.s3a.path.style.access": "true",
            "spark.hadoop.fs.s3a.endpoint.region": REGION,
        }

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key, region_name=REGION)

    def new_bucket(self, prefix="spate"):
        name = "%s-%s" % (prefix, uuid.uuid4().hex[:12])
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket, prefix=""):
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return sorted(o["Key"] for page in pages for o in page.get("Contents", []))

    def get(self, bucket, key):
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def put(self, bucket, key, data):
        self.client().put_object(Bucket=bucket, Key=key, Body=data)


def start_server(log=None, check_signatures=False):
    """Starts moto's server (its request log to `log`, an open file, else to a temporary file:
    never to a pipe nobody reads, whose filling would stall the server); FileNotFoundError when
    moto is not installed, RuntimeError when it does not answer. `check_signatures`: the server
    checks every request's signature and keys, with an IAM user made for the test whose keys
    the returned Server uses (moto accepts any request otherwise)."""
    try:
        import moto.server  # noqa: F401
    except ImportError as e:
        raise FileNotFoundError("moto[server] is not installed (requirements.txt): %s" % e)
    if log is None:
        log = tempfile.TemporaryFile()
    port = _free_port()
    env = dict(os.environ)
    if check_signatures:  # the requests that make the user go unchecked
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "3"
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=log, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError("moto's server exited:\n" + log.read().decode(errors="replace")[-3000:])
        try:
            urllib.request.urlopen("http://127.0.0.1:%d/moto-api/" % port, timeout=1).close()
            server = Server(port, process)
            if check_signatures:
                _use_checked_user(server)
            return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto's server did not answer on port %d within 30 s" % port)


def _use_checked_user(server):
    import boto3

    iam = boto3.client("iam", endpoint_url=server.endpoint, aws_access_key_id=ACCESS_KEY,
                       aws_secret_access_key=SECRET_KEY, region_name=REGION)
    iam.create_user(UserName="spate")
    key = iam.create_access_key(UserName="spate")["AccessKey"]
    iam.put_user_policy(UserName="spate", PolicyName="all", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    server.access_key, server.secret_key = key["AccessKeyId"], key["SecretAccessKey"]


def stop_server(server):
    if server.process is not None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()


def main(argv):
    """`s3_support.py start DIR`: starts a server that outlives this command, with a bucket,
    and writes DIR/s3.env (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET) and DIR/pid;
    `s3_support.py stop DIR` stops it. The C++ tests' ctest fixture uses these."""
    command, directory = argv[1], argv[2]
    os.makedirs(directory, exist_ok=True)
    pid_file = os.path.join(directory, "pid")
    if command == "stop":
        if os.path.exists(pid_file):
            with open(pid_file) as f:
                pid = int(f.read())
            try:
                os.kill(pid, 15)
            except ProcessLookupError:
                pass
            os.remove(pid_file)
        return 0
    with open(os.path.join(directory, "server.log"), "ab") as log:
        server = start_server(log)
    bucket = server.new_bucket("spate-cpp")
    with open(pid_file, "w") as f:
        f.write(str(server.process.pid))
    with open(os.path.join(directory, "s3.env"), "w") as f:
        f.write("S3_ENDPOINT=%s\nS3_ACCESS_KEY=%s\nS3_SECRET_KEY=%s\nS3_BUCKET=%s\n"
                % (server.endpoint, ACCESS_KEY, SECRET_KEY, bucket))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
