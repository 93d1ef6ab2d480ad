"""A tiny HTTP server run inside a sandbox by ServerProxyTest, standard library only.

  GET  /hello        JSON: the path, query and request headers as received
  POST /echo         echoes the request body chunk by chunk as a chunked response, each chunk as it arrives
  GET  /ws           WebSocket: echoes text messages, answers close with close

Usage: python3 echo_server.py PORT
"""
import base64
import hashlib
import json
import socketserver
import struct
import sys

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            line = self.rfile.readline()
            if not line:
                return
            method, target, _ = line.decode("latin-1").split(" ", 2)
            headers = {}
            while True:
                h = self.rfile.readline().decode("latin-1").rstrip("\r\n")
                if not h:
                    break
                name, value = h.split(":", 1)
                headers[name.strip().lower()] = value.strip()
            path, _, query = target.partition("?")
            if path.endswith("/ws"):
                self.websocket(headers)
                return
            if path.endswith("/echo"):
                self.echo(headers)
            else:
                self.hello(method, path, query, headers)

    def send_head(self, status, fields):
        head = "HTTP/1.1 " + status + "\r\n" + "".join(k + ": " + v + "\r\n" for k, v in fields) + "\r\n"
        self.wfile.write(head.encode("latin-1"))

    def hello(self, method, path, query, headers):
        length = int(headers.get("content-length", "0"))
        if length:
            self.rfile.read(length)
        body = json.dumps({"method": method, "path": path, "query": query, "headers": headers}).encode()
        self.send_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        self.wfile.write(body)
        self.wfile.flush()

    def echo(self, headers):
        self.send_head("200 OK", [("Content-Type", "application/octet-stream"), ("Transfer-Encoding", "chunked")])
        self.wfile.flush()
        while True:
            size = int(self.rfile.readline().strip().split(b";")[0], 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailer fields, up to the blank line
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
                return
            data = self.rfile.read(size)
            self.rfile.readline()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()

    def websocket(self, headers):
        accept = base64.b64encode(hashlib.sha1((headers["sec-websocket-key"] + WS_GUID).encode()).digest()).decode()
        self.send_head("101 Switching Protocols", [("Upgrade", "websocket"), ("Connection", "Upgrade"),
                                                   ("Sec-WebSocket-Accept", accept)])
        self.wfile.flush()
        while True:
            first = self.rfile.read(2)
            if len(first) < 2:
                return
            opcode = first[0] & 0x0F
            length = first[1] & 0x7F
            if length == 126:
                length = struct.unpack(">H", self.rfile.read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self.rfile.read(8))[0]
            mask = self.rfile.read(4) if first[1] & 0x80 else b"\0\0\0\0"
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(self.rfile.read(length)))
            if opcode == 8:
                self.frame(8, payload[:2])
                return
            if opcode == 1:
                self.frame(1, b"echo: " + payload)

    def frame(self, opcode, payload):
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([n]) if n < 126 else bytes([126]) + struct.pack(">H", n))
        self.wfile.write(head + payload)
        self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


if __name__ == "__main__":
    with Server(("127.0.0.1", int(sys.argv[1])), Handler) as server:
        server.serve_forever()
