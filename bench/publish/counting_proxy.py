"""An HTTP proxy on loopback that forwards to a local S3 (moto) and counts what passes:
requests by method and request body bytes. bench/publish.sh reads and resets the counts
through GET /__counts and POST /__reset."""

import http.client
import http.server
import json
import sys
import threading

UPSTREAM = ("127.0.0.1", int(sys.argv[2]))
counts = {"requests": 0, "by_method": {}, "body_bytes": 0}
lock = threading.Lock()


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_any(self):
        if self.path == "/__counts":
            body = json.dumps(counts).encode()
            return self.answer(200, [("Content-Type", "application/json")], body)
        if self.path == "/__reset":
            with lock:
                counts.update(requests=0, by_method={}, body_bytes=0)
            return self.answer(200, [], b"")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with lock:
            counts["requests"] += 1
            counts["by_method"][self.command] = counts["by_method"].get(self.command, 0) + 1
            counts["body_bytes"] += len(body)
        upstream = http.client.HTTPConnection(*UPSTREAM)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        out = [(k, v) for k, v in response.getheaders() if k.lower() not in ("connection", "transfer-encoding", "content-length")]
        self.answer(response.status, out, data, head=self.command == "HEAD", length=response.getheader("Content-Length"))
        upstream.close()

    def answer(self, status, headers, body, head=False, length=None):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", length if head and length else str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


Server(("127.0.0.1", int(sys.argv[1])), Proxy).serve_forever()
