"""moto_server, with requests handled one at a time (connections are still served by
threads). moto's backends are not thread-safe: two concurrent DynamoDB UpdateItem ADD calls
can lose an update, which DynamoDB itself never does. Serialising requests makes moto
atomic per request, like the service it stands in for; the clients stay concurrent."""

import sys
import threading

import moto.server as server

lock = threading.Lock()
dispatch = server.DomainDispatcherApplication.__call__


def one_at_a_time(self, environ, start_response):
    with lock:
        return list(dispatch(self, environ, start_response))


server.DomainDispatcherApplication.__call__ = one_at_a_time
server.main(sys.argv[1:])
