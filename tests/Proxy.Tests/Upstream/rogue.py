#!/usr/bin/env python3
"""An upstream that misbehaves on purpose, on raw sockets, for the proxy's conformance tests.

usage: rogue.py ID
Binds 127.0.0.1 (any free port), prints "listening PORT" once ready, then serves until its stdin closes.
Each connection is read request by request (a Content-Length or chunked body); every request is printed as
"request PATH" before it is answered. The last segment of the path picks the answer:
  any other   200, body "ID:PATH", the request's headers as X-Seen-<name>, its body as X-Body-Length and X-Body
  stray       that answer, then 150 ms later a whole answer nobody asked for on the idle connection
              (body POISONED, header X-Poison), printed as "stray sent PATH"
  extra       that answer with the unasked one right behind it, in the same write
  close       that answer, then the connection is closed
  the names of ANSWERS below: that malformed answer; the connection is kept open (the proxy must close it), except
              after those in CLOSE_AFTER, whose body a lenient reader takes to last until the connection closes
"""
import socket
import sys
import threading
import os
import time

POISON = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nX-Poison: 1\r\n\r\nPOISONED"

ANSWERS = {
    "lf-value": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: a\nX-Injected: lf\r\n\r\nbad",
    "cr-value": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: a\rX-Injected: cr\r\n\r\nbad",
    "nul-value": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: a\x00b\r\n\r\nbad",
    "lf-te": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: a\nTransfer-Encoding: chunked\r\n\r\nhello",
    "bare-lf": b"HTTP/1.1 200 OK\nContent-Length: 3\nX-A: a\n\nbad",
    "obs-fold": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A: a\r\n folded\r\n\r\nbad",
    "space-colon": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nX-A : a\r\n\r\nbad",
    "cl-plus": b"HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nbad",
    "cl-twice": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nbad!",
    "xchunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: xchunked\r\n\r\n3\r\nbad\r\n0\r\n\r\n",
    "te-twice": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nbad\r\n0\r\n\r\n",
    "cl-te": b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nbad\r\n0\r\n\r\n",
    "switch": b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
    "chunk-negative": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nbad\r\n0\r\n\r\n",
    "chunk-overflow": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff3\r\nbad\r\n0\r\n\r\n",
    "chunk-no-crlf": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nbadXX0\r\n\r\n",
    "chunk-ext-lf": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\nX: y\r\nbad\r\n0\r\n\r\n",
}


CLOSE_AFTER = {"xchunked", "lf-te"}


def read_until(conn, buffer, end):
    while end not in buffer:
        data = conn.recv(65536)
        if not data:
            return None, buffer
        buffer += data
    index = buffer.index(end) + len(end)
    return buffer[:index], buffer[index:]


def read_exactly(conn, buffer, count):
    while len(buffer) < count:
        data = conn.recv(65536)
        if not data:
            return None, buffer
        buffer += data
    return buffer[:count], buffer[count:]


def read_request(conn, buffer):
    """(path, headers, body, rest) or None when the connection ended."""
    head, buffer = read_until(conn, buffer, b"\r\n\r\n")
    if head is None:
        return None
    lines = head.decode("latin-1").split("\r\n")
    path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "?"
    headers = []
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers.append((name.strip(), value.strip()))
    lookup = {name.lower(): value for name, value in headers}
    body = b""
    if "chunked" in lookup.get("transfer-encoding", "").lower():
        while True:
            size_line, buffer = read_until(conn, buffer, b"\r\n")
            if size_line is None:
                return None
            size = int(size_line.split(b";")[0].strip(), 16)
            if size == 0:
                while True:
                    trailer, buffer = read_until(conn, buffer, b"\r\n")
                    if trailer is None or trailer == b"\r\n":
                        break
                break
            data, buffer = read_exactly(conn, buffer, size + 2)
            if data is None:
                return None
            body += data[:-2]
    elif "content-length" in lookup:
        body, buffer = read_exactly(conn, buffer, int(lookup["content-length"]))
        if body is None:
            return None
    return path, headers, body, buffer


def echo(ident, path, headers, body):
    data = f"{ident}:{path}".encode()
    head = [f"HTTP/1.1 200 OK", f"Content-Length: {len(data)}", f"X-Upstream-Id: {ident}", f"X-Seen-Path: {path}",
            f"X-Body-Length: {len(body)}"]
    if body and all(32 <= b < 127 for b in body):
        head.append(f"X-Body: {body.decode()}")
    head += [f"X-Seen-{name}: {value}" for name, value in headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data


def serve(conn, ident):
    buffer = b""
    try:
        while True:
            request = read_request(conn, buffer)
            if request is None:
                return
            path, headers, body, buffer = request
            print(f"request {path}", flush=True)
            case = path.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
            if case in ANSWERS:
                conn.sendall(ANSWERS[case])
            elif case == "extra":
                conn.sendall(echo(ident, path, headers, body) + POISON)
            else:
                conn.sendall(echo(ident, path, headers, body))
            if case == "stray":
                time.sleep(0.15)
                conn.sendall(POISON)
                print(f"stray sent {path}", flush=True)
            elif case == "close" or case in CLOSE_AFTER:
                return
    except OSError:
        pass
    finally:
        conn.close()


def main():
    ident = sys.argv[1]
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(256)
    print(f"listening {server.getsockname()[1]}", flush=True)
    # The test holds our stdin open: when it ends (the test host died without stopping us), so do we.
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    while True:
        conn, _ = server.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=serve, args=(conn, ident), daemon=True).start()


if __name__ == "__main__":
    main()
