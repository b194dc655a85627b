"""moto_server, with requests handled one at a time (connections are still served by
threads). moto's backends are not thread-safe: two concurrent DynamoDB UpdateItem ADD calls
can lose an update, which DynamoDB itself never does. Serialising requests makes moto
atomic per request, like the service it stands in for; the clients stay concurrent.

S3 refuses a request naming an expected bucket owner (x-amz-expected-bucket-owner) other than
the bucket's account with 403 AccessDenied; moto ignores the header, so that check is made here.

With MOTO_RECORD set to a file, each request is also appended to it as one JSON line: the
signing service, method, path, query, X-Amz-Target and User-Agent (what a test needs to name
the API call), and the expected bucket owner it names."""

import json
import os
import re
import sys
import threading

import moto.server as server
from moto.s3.models import s3_backends

lock = threading.Lock()
dispatch = server.DomainDispatcherApplication.__call__


record = os.environ.get("MOTO_RECORD")


def service(environ):
    """The service the request is signed for."""
    scope = re.search(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/", environ.get("HTTP_AUTHORIZATION", ""))
    return scope.group(1) if scope else ""


def recorded(environ):
    return json.dumps({
        "service": service(environ),
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "query": environ.get("QUERY_STRING", ""),
        "target": environ.get("HTTP_X_AMZ_TARGET", ""),
        "agent": environ.get("HTTP_USER_AGENT", ""),
        "expected_owner": environ.get("HTTP_X_AMZ_EXPECTED_BUCKET_OWNER", ""),
    })


def owner_refused(environ, start_response):
    """S3's answer to a request whose expected bucket owner is not the bucket's account, or
    None. The bucket is the path's first segment (the tests address buckets by path) or the
    host's first label."""
    expected = environ.get("HTTP_X_AMZ_EXPECTED_BUCKET_OWNER")
    if not expected or service(environ) != "s3":
        return None
    names = [environ.get("PATH_INFO", "").lstrip("/").split("/")[0], environ.get("HTTP_HOST", "").split(".")[0]]
    owner = next((s3_backends.bucket_accounts[n][1] for n in names if n in s3_backends.bucket_accounts), None)
    if owner is None or owner == expected:
        return None
    body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
    )
    start_response("403 Forbidden", [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))])
    return [body]


def one_at_a_time(self, environ, start_response):
    with lock:
        if record:
            with open(record, "a", encoding="utf-8") as log:
                log.write(recorded(environ) + "\n")
        refused = owner_refused(environ, start_response)
        if refused is not None:
            return refused
        return list(dispatch(self, environ, start_response))


server.DomainDispatcherApplication.__call__ = one_at_a_time
server.main(sys.argv[1:])
