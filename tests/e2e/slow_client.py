"""Slow HTTP clients for tests/e2e/http_slow_clients.sh (standard library only).

slow_client.py PORT SOURCES PER_SOURCE HOLD_S INTERVAL_S [headers|body] [plain|tls|tls-handshake]
opens PER_SOURCE connections from each source address (comma-separated, e.g. 127.0.0.2,127.0.0.3)
to 127.0.0.1:PORT, sends a request line and then one header byte every INTERVAL_S seconds for
HOLD_S seconds (with "body": all headers at once, then one byte of a 1000-byte body each time), and
prints "ready" once all are connected, then a JSON summary: how many are still open, how many the
server answered 503, and how many it closed (and after how long at most).
"tls": the same over TLS (the handshake done at once, the certificate not checked);
"tls-handshake": the handshake itself is slow: a TLS record header announcing a ClientHello, then
one byte of it every INTERVAL_S seconds (it never completes).
"""
import json
import select
import socket
import ssl
import sys
import time

port, sources, per_source, hold, interval = (int(sys.argv[1]), sys.argv[2].split(","), int(sys.argv[3]),
                                              float(sys.argv[4]), float(sys.argv[5]))
slow_body = len(sys.argv) > 6 and sys.argv[6] == "body"
transport = sys.argv[7] if len(sys.argv) > 7 else "plain"
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
tls.check_hostname = False
tls.verify_mode = ssl.CERT_NONE
opening = b"POST /segments/highBalance HTTP/1.1\r\nHost: finseg\r\n" + (
    b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n " if slow_body else b"X-Slow: ")
conns = {}
start = time.monotonic()
refused, closed, closed_after = 0, 0, []
for src in sources:
    for _ in range(per_source):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.settimeout(5)  # a server that never answers the handshake counts as closing
        try:
            if transport == "tls":
                s = tls.wrap_socket(s)
            s.sendall(b"\x16\x03\x01\x01\x00" if transport == "tls-handshake" else opening)
        except OSError:  # the server closed at once (over a limit, no answer)
            closed += 1
            closed_after.append(time.monotonic() - start)
            s.close()
            continue
        s.setblocking(False)
        conns[s.fileno()] = s
print("ready", flush=True)
poller = select.poll()
for fd in conns:
    poller.register(fd, select.POLLIN)
next_byte = time.monotonic() + interval
while conns and time.monotonic() - start < hold:
    for fd, _ in poller.poll(100):
        s = conns[fd]
        try:
            data = s.recv(4096)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            continue  # TLS records that carry no data (TLS 1.3 session tickets)
        except OSError:
            data = b""
        del conns[fd]
        poller.unregister(fd)
        if data.startswith(b"HTTP/1.1 503"):
            refused += 1
        else:
            closed += 1
            closed_after.append(time.monotonic() - start)
        s.close()
    if time.monotonic() >= next_byte:
        next_byte += interval
        for s in conns.values():
            try:
                s.send(b"\x01" if transport == "tls-handshake" else b" " if slow_body else b"a")
            except OSError:  # includes ssl.SSLWantWriteError
                pass
print(json.dumps({"open": len(conns), "refused503": refused, "closed": closed,
                  "closed_max_s": round(max(closed_after, default=0), 2),
                  "closed_min_s": round(min(closed_after, default=0), 2)}), flush=True)
