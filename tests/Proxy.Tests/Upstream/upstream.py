#!/usr/bin/env python3
"""A tiny real upstream for the proxy tests: answers every request with its own id.

usage: upstream.py ID [--port N] [--status CODE] [--health-status CODE] [--delay-path PREFIX --delay-ms MS]
Binds 127.0.0.1 (port 0: any free port), prints "listening PORT" once ready, then serves until killed.
GET /healthz (or any path ending in /healthz) answers --health-status (default 200), whatever --status says; paths starting with the delay prefix print "delaying PATH" and wait MS before answering;
every other request gets CODE (default 200) with the body "ID" and the X-Upstream-Id header, and the
request headers it saw as X-Seen-<name> for the X-Forwarded-* ones.
"""
import argparse
import http.server
import socketserver
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("id")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--health-status", type=int, default=200)
    parser.add_argument("--delay-path", default=None)
    parser.add_argument("--delay-ms", type=int, default=0)
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the proxy's pooled connections expect

        def log_message(self, *_):
            pass

        def answer(self, status, body):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Upstream-Id", args.id)
            for name in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
                if self.headers.get(name):
                    self.send_header("X-Seen-" + name, self.headers.get(name))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if self.path == "/healthz" or self.path.endswith("/healthz"):
                return self.answer(args.health_status, "ok" if args.health_status == 200 else "sick")
            if args.delay_path and self.path.startswith(args.delay_path):
                print(f"delaying {self.path}", flush=True)  # the tests wait for this line: the request is in flight
                time.sleep(args.delay_ms / 1000.0)
            self.answer(args.status, args.id)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 256

    server = Server(("127.0.0.1", args.port), Handler)
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
