#!/usr/bin/python3
"""Renders a page in headless Chromium through the DevTools protocol (standard library only: a
small WebSocket client) and reports what a test needs to know about it, as JSON:

  {"errors": [...console errors, uncaught exceptions, failed loads...],
   "charts": {"<figure id>": {"width", "height", "marks"}},   marks: data shapes drawn at least 1 px²
   "values": {"<data-k>": "<text>"}, "requests": [...URLs the page asked for besides itself...]}

usage: browser.py CHROMIUM PAGE.html OUT.json SCREENSHOT.png [PREVIEW.png HEIGHT SCALE]
  SCREENSHOT: the whole page, 1000 px wide; PREVIEW: its top HEIGHT px, scaled by SCALE (for docs/)
"""
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class WebSocket:
    def __init__(self, url):
        assert url.startswith("ws://")
        hostport, path = url[5:].split("/", 1)
        host, port = hostport.split(":")
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise RuntimeError("WebSocket handshake: connection closed")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"WebSocket handshake refused: {head[:200]!r}")

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("WebSocket closed")
            data += chunk
        return data

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        n = len(payload)
        if n < 126:
            header.append(0x80 | n)
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            data = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise RuntimeError("WebSocket closed by the browser")
            if opcode in (0, 1, 2):
                message += data
                if b0 & 0x80:
                    return message.decode()


class Page:
    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg["result"]
            self.events.append(msg)

    def wait_for(self, method, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError(f"no {method} within {timeout} s")

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate: {r['exceptionDetails']}")
        return r["result"]["value"]


# In the page: each chart's size and how many of its shapes are drawn with a non-empty box.
PROBE = """(() => {
  const charts = {};
  for (const f of document.querySelectorAll('figure.chart')) {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    let marks = 0;  // the data marks (shapes with a tooltip), not the axes and grid lines
    if (svg) for (const s of svg.querySelectorAll('rect, path, circle')) {
      const b = s.getBBox();
      if (s.querySelector('title') && b.width * b.height >= 1) marks++;
    }
    charts[f.id] = {width: box.width, height: box.height, marks: marks};
  }
  const values = {};
  for (const e of document.querySelectorAll('[data-k]')) values[e.dataset.k] = e.textContent;
  return {charts: charts, values: values, scripts: document.scripts.length,
          height: Math.ceil(document.documentElement.scrollHeight)};
})()"""


def main():
    chromium, page_file, out_file, shot_file = sys.argv[1:5]
    width = 1000
    preview = sys.argv[5:8] if len(sys.argv) >= 8 else None
    profile = tempfile.mkdtemp(prefix="finseg-chromium-")
    proc = subprocess.Popen([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-extensions", "--disable-background-networking", "--remote-debugging-port=0",
                             f"--user-data-dir={profile}", f"--window-size={width},900", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        for _ in range(600):
            if os.path.exists(port_file) and len(open(port_file).read().split()) >= 2:
                break
            if proc.poll() is not None:
                sys.exit(f"chromium exited with {proc.returncode} before it listened")
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30))
        target = next(t for t in targets if t["type"] == "page")
        page = Page(WebSocket(target["webSocketDebuggerUrl"]))
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.call(f"{domain}.enable")
        url = "file://" + os.path.abspath(page_file)
        page.call("Page.navigate", url=url)
        page.wait_for("Page.loadEventFired")
        probe = page.evaluate(PROBE)
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=probe["height"], deviceScaleFactor=1, mobile=False)
        shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(shot_file, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        if preview:
            clip = {"x": 0, "y": 0, "width": width, "height": int(preview[1]), "scale": float(preview[2])}
            shot = page.call("Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True)
            with open(preview[0], "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        errors, requests = [], []
        for e in page.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.exceptionThrown":
                errors.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:400])
            elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert", "warning"):
                errors.append(f"console.{p['type']}: " + json.dumps(p.get("args"))[:400])
            elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
                errors.append(f"log {p['entry']['level']}: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif m == "Network.requestWillBeSent" and p["request"]["url"] != url:
                requests.append(p["request"]["url"])
            elif m == "Network.loadingFailed":
                errors.append(f"load failed: {p.get('errorText')}")
        json.dump({"errors": errors, "requests": requests, **probe}, open(out_file, "w"), indent=1)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
