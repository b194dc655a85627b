"""moto_server, with requests handled one at a time (connections are still served by
threads). moto's backends are not thread-safe: two concurrent DynamoDB UpdateItem ADD calls
can lose an update, which DynamoDB itself never does. Serialising requests makes moto
atomic per request, like the service it stands in for; the clients stay concurrent.

With MOTO_RECORD set to a file, each request is also appended to it as one JSON line: the
signing service, method, path, query, X-Amz-Target and User-Agent (what a test needs to name
the API call)."""

import json
import os
import re
import sys
import threading

import moto.server as server

lock = threading.Lock()
dispatch = server.DomainDispatcherApplication.__call__


record = os.environ.get("MOTO_RECORD")


def recorded(environ):
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return json.dumps({
        "service": scope.group(1) if scope else "",
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "target": environ.get("HTTP_X_AMZ_TARGET", ""),
        "agent": environ.get("HTTP_USER_AGENT", ""),
    })


def one_at_a_time(self, environ, start_response):
    with lock:
        if record:
            with open(record, "a", encoding="utf-8") as log:
                log.write(recorded(environ) + "\n")
        return list(dispatch(self, environ, start_response))


server.DomainDispatcherApplication.__call__ = one_at_a_time
server.main(sys.argv[1:])
