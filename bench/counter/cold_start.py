"""Cold start of a Lambda function process, measured the way Lambda experiences it.

A Lambda Runtime API server on loopback hands each new process one recorded API Gateway
event. For every run this records, from just before the process is spawned:
  init   - until its first GET /runtime/invocation/next (the cold start: init done)
  answer - until it posts the response to that event (init + one DynamoDB update on moto)
Runs alternate between the commands so both see the same machine state.

usage: cold_start.py RUNS EVENT_JSON NAME=COMMAND [NAME=COMMAND ...]
The environment (AWS_ENDPOINT_URL, COUNTER_TABLE, ...) is passed through to the processes.
"""

import http.server
import json
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time

PREFIX = "/2018-06-01/runtime"


class Run:
    def __init__(self, event):
        self.event = event
        self.served = False
        self.next_at = None
        self.answer_at = None
        self.answer = None
        self.done = threading.Event()


current = None
lock = threading.Lock()


class RuntimeApi(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        now = time.perf_counter()
        run = current
        if self.path != PREFIX + "/invocation/next" or run is None:
            return self.reply(404, b"{}")
        with lock:
            first = not run.served
            run.served = True
            if first:
                run.next_at = now
        if not first:
            run.done.wait(60)  # a second poll: hold it until the run ends
            return
        deadline = int(time.time() * 1000) + 30_000
        self.reply(200, run.event, [
            ("Lambda-Runtime-Aws-Request-Id", "bench-1"),
            ("Lambda-Runtime-Deadline-Ms", str(deadline)),
            ("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:counter"),
            ("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"),
        ])

    def do_POST(self):
        now = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        run = current
        if run is not None and self.path.startswith(PREFIX + "/invocation/"):
            run.answer_at = now
            run.answer = body
        elif run is not None:
            run.answer = b"init error: " + body
        self.reply(202, b'{"status":"OK"}')
        if run is not None:
            run.done.set()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a killed process resets its connection: expected here


def main():
    global current
    runs, event_file, commands = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    commands = [c.split("=", 1) for c in commands]
    with open(event_file, "rb") as f:
        event = f.read()
    server = Server(("127.0.0.1", 0), RuntimeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ, AWS_LAMBDA_RUNTIME_API="127.0.0.1:%d" % server.server_port)
    results = {name: {"init": [], "answer": []} for name, _ in commands}
    for i in range(runs + 1):  # run 0 warms the page cache and is not counted
        for name, command in commands:
            run = Run(event)
            current = run
            start = time.perf_counter()
            process = subprocess.Popen(shlex.split(command), env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            finished = run.done.wait(60)
            process.kill()
            _, stderr = process.communicate()
            current = None
            if not finished or run.answer_at is None:
                sys.exit("%s did not answer: %s\n%s" % (name, run.answer, stderr.decode()[-2000:]))
            status = json.loads(run.answer).get("statusCode")
            if status != 200:
                sys.exit("%s answered %s: %s" % (name, status, run.answer))
            if i > 0:
                results[name]["init"].append((run.next_at - start) * 1000)
                results[name]["answer"].append((run.answer_at - start) * 1000)
    server.shutdown()
    print("cold start, median of %d runs (process spawn -> first invocation/next; -> first answer):" % runs)
    medians = {}
    for name, r in results.items():
        medians[name] = statistics.median(r["init"])
        print("  %-8s init %8.2f ms (min %.2f, max %.2f)   first answer %8.2f ms" % (
            name, medians[name], min(r["init"]), max(r["init"]), statistics.median(r["answer"])))
    names = list(medians)
    if len(names) == 2:
        fast, slow = sorted(names, key=medians.get)
        print("  %s starts %.1fx faster than %s" % (fast, medians[slow] / medians[fast], slow))


if __name__ == "__main__":
    main()
