#!/usr/bin/env python3
"""A tiny real upstream for the proxy tests: answers every request with its own id.

usage: upstream.py ID [--port N] [--status CODE] [--health-status CODE] [--delay-path PREFIX --delay-ms MS] [--idle-timeout-ms MS]
Binds 127.0.0.1 (port 0: any free port), prints "listening PORT" once ready, then serves until killed.
GET /healthz (or any path ending in /healthz) answers --health-status (default 200), whatever --status says; paths starting with the delay prefix print "delaying PATH" and wait MS before answering;
every other request gets CODE (default 200) with the body "ID" and the X-Upstream-Id header, and the
request headers it saw as X-Seen-<name> (and its path as X-Seen-Path), and the request body's
length and SHA-256 as X-Body-Length and X-Body-Sha256. Paths containing /chunked/ are answered with a chunked body
("ID", ":", "chunked", and a trailer), paths containing /until-close/ with a body ("ID:until-close") that ends when
the connection closes, paths containing /large/ with 32 MiB (its SHA-256 in X-Body-Sha256). --idle-timeout-ms closes a keep-alive connection idle that long and prints "idle connection
closed after PATH" (the last path it served). A WebSocket upgrade is accepted and
each text message is echoed back as "ID:message" until the client closes.
"""
import argparse
import base64
import hashlib
import http.server
import os
import socketserver
import sys
import threading
import time


WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("id")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--status", type=int, default=200)
    parser.add_argument("--health-status", type=int, default=200)
    parser.add_argument("--delay-path", default=None)
    parser.add_argument("--delay-ms", type=int, default=0)
    parser.add_argument("--idle-timeout-ms", type=int, default=0)
    args = parser.parse_args()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the proxy's pooled connections expect

        timeout = args.idle_timeout_ms / 1000.0 if args.idle_timeout_ms else None

        def log_message(self, *_):
            pass

        def log_error(self, message, *rest):
            if "timed out" in message:
                print(f"idle connection closed after {getattr(self, 'last_path', '')}", flush=True)

        def seen_headers(self):
            self.send_header("X-Seen-Path", self.path)
            for name, value in self.headers.items():
                self.send_header("X-Seen-" + name, value)

        def chunked(self):
            self.send_response(args.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("X-Upstream-Id", args.id)
            self.seen_headers()
            self.end_headers()
            for part in (args.id, ":", "chunked"):
                data = part.encode()
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                self.wfile.flush()
            self.wfile.write(b"0\r\nX-Trailer: t\r\n\r\n")

        def until_close(self):
            self.send_response(args.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("X-Upstream-Id", args.id)
            self.seen_headers()
            self.end_headers()
            self.wfile.write((args.id + ":").encode())
            self.wfile.flush()
            self.wfile.write(b"until-close")
            self.close_connection = True

        def large(self):
            # 32 MiB, far more than a socket buffer holds: a slow reader makes the proxy wait to send.
            data = hashlib.sha256(args.id.encode()).digest() * (32 * 1024 * 1024 // 32)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Body-Sha256", hashlib.sha256(data).hexdigest())
            self.end_headers()
            self.wfile.write(data)

        def answer(self, status, body, received=b""):
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Upstream-Id", args.id)
            self.send_header("X-Body-Length", str(len(received)))
            self.send_header("X-Body-Sha256", hashlib.sha256(received).hexdigest())
            self.seen_headers()
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def websocket(self):
            accept = base64.b64encode(hashlib.sha1((self.headers["Sec-WebSocket-Key"] + WS_GUID).encode()).digest()).decode()
            self.send_response(101)
            self.send_header("Upgrade", "websocket")
            self.send_header("Connection", "Upgrade")
            self.send_header("Sec-WebSocket-Accept", accept)
            self.end_headers()
            self.wfile.flush()
            while True:
                head = self.rfile.read(2)
                if len(head) < 2:
                    break
                opcode, length = head[0] & 0x0F, head[1] & 0x7F
                if length == 126:
                    length = int.from_bytes(self.rfile.read(2), "big")
                elif length == 127:
                    length = int.from_bytes(self.rfile.read(8), "big")
                mask = self.rfile.read(4) if head[1] & 0x80 else b"\0\0\0\0"
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
                if opcode == 8:  # close: answer it and stop
                    self.wfile.write(bytes([0x88, 0]))
                    self.wfile.flush()
                    break
                reply = (args.id + ":").encode() + payload
                if len(reply) >= 126:
                    break  # the tests send short messages only
                self.wfile.write(bytes([0x81, len(reply)]) + reply)
                self.wfile.flush()
            self.close_connection = True

        def handle_any(self):
            self.last_path = self.path
            if self.headers.get("Upgrade", "").lower() == "websocket":
                return self.websocket()
            length = int(self.headers.get("Content-Length") or 0)
            received = self.rfile.read(length) if length else b""
            if self.path == "/healthz" or self.path.endswith("/healthz"):
                return self.answer(args.health_status, "ok" if args.health_status == 200 else "sick")
            if "/chunked/" in self.path:
                return self.chunked()
            if "/until-close/" in self.path:
                return self.until_close()
            if "/large/" in self.path:
                return self.large()
            if args.delay_path and self.path.startswith(args.delay_path):
                print(f"delaying {self.path}", flush=True)  # the tests wait for this line: the request is in flight
                time.sleep(args.delay_ms / 1000.0)
            self.answer(args.status, args.id, received)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 256

    server = Server(("127.0.0.1", args.port), Handler)
    print(f"listening {server.server_address[1]}", flush=True)
    # The test holds our stdin open: when it ends (the test host died without stopping us), so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
