"""An execd terminal (/pty) driven by Debian's python3-websocket, the way a terminal front end drives it.

Environment: EXECD_URL (http://host:port) and EXECD_TOKEN. Prints one JSON line per step and a final
{"result": "ok"}; a failed check prints {"error": ...} and exits 1.
"""
import json
import os
import re
import struct
import sys
import time
import urllib.error
import urllib.request

import websocket

URL = os.environ["EXECD_URL"]
TOKEN = os.environ["EXECD_TOKEN"]
HEADERS = ["X-EXECD-ACCESS-TOKEN: " + TOKEN]


def step(name, **fields):
    print(json.dumps(dict(fields, step=name)), flush=True)


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    sys.exit(1)


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method,
                                 headers={"X-EXECD-ACCESS-TOKEN": TOKEN, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Terminal:
    def __init__(self, session_id, query=""):
        self.ws = websocket.create_connection(URL.replace("http", "ws", 1) + "/pty/" + session_id + "/ws" + query,
                                              header=HEADERS, timeout=20)
        self.output = b""
        self.texts = []
        self.close = None

    def pump(self, done, seconds=20):
        """Reads frames until done() holds; False when the deadline passes or the socket closes first."""
        deadline = time.time() + seconds
        while not done():
            if self.close is not None or time.time() > deadline:
                return False
            self.ws.settimeout(max(0.05, deadline - time.time()))
            try:
                opcode, data = self.ws.recv_data(control_frame=False)
            except websocket.WebSocketTimeoutException:
                continue
            if opcode == websocket.ABNF.OPCODE_BINARY:
                if data[0] == 0x01:
                    self.output += data[1:]
                elif data[0] == 0x03:
                    self.output += data[9:]
            elif opcode == websocket.ABNF.OPCODE_TEXT:
                self.texts.append(json.loads(data))
            elif opcode == websocket.ABNF.OPCODE_CLOSE:
                self.close = (struct.unpack("!H", data[:2])[0], data[2:].decode())
        return True

    def typed(self, keys, marker):
        self.ws.send_binary(b"\x00" + keys.encode())
        if not self.pump(lambda: marker.encode() in self.output):
            fail("no %r after %r; output so far: %r" % (marker, keys, self.output[-500:]))

    def of_type(self, kind):
        return [t for t in self.texts if t.get("type") == kind]


def main():
    status, body = call("POST", "/pty", {"cwd": "/tmp"})
    session = json.loads(body)["session_id"]
    step("create", status=status)

    term = Terminal(session)
    if not term.pump(lambda: term.of_type("connected")):
        fail("no connected frame")
    step("connected", frame=term.of_type("connected")[0])

    term.typed("tty; echo tty-$((20+1))\n", "tty-21")
    step("tty", tty=re.search(rb"/dev/pts/\d+", term.output).group().decode())

    term.ws.send(json.dumps({"type": "resize", "cols": 120, "rows": 40}))
    term.typed("stty size; echo size-$((20+2))\n", "size-22")
    step("resize", size=re.search(rb"(\d+ \d+)\r?\n", term.output.split(b"stty size")[-1]).group(1).decode())

    term.typed("PS1='[rea''dy]> '\n", "[ready]> ")  # a prompt only the shell prints
    mark = len(term.output)
    term.typed("sleep 100; echo slept-$((20+3))\n", "$((20+3))\r\n")
    started = time.time()
    # A Ctrl-C in the instant the shell hands the terminal to the job can reach neither: press it until the
    # prompt is back, as a user would.
    while not term.pump(lambda: b"[ready]> " in term.output[mark:], seconds=1):
        if time.time() - started > 20:
            fail("Ctrl-C did not bring the prompt back: %r" % term.output[-300:])
        term.ws.send_binary(b"\x00\x03")
    term.typed("echo back-$((20+4))\n", "back-24")
    step("interrupt", seconds=round(time.time() - started, 1), slept=b"slept-23" in term.output)

    term.ws.send(json.dumps({"type": "ping"}))
    if not term.pump(lambda: term.of_type("pong")):
        fail("no pong")
    step("ping", pong=term.of_type("pong")[0])

    try:
        websocket.create_connection(URL.replace("http", "ws", 1) + "/pty/" + session + "/ws", header=HEADERS,
                                    timeout=10)
        fail("a second client was let in")
    except websocket.WebSocketBadStatusException as e:
        step("second_client", status=e.status_code)

    offset = json.loads(call("GET", "/pty/" + session)[1])["output_offset"]
    term.ws.send_binary(b"\x00" + b"exit 5\n")
    if not term.pump(lambda: False) and term.close is None:
        fail("the socket did not close after exit")
    step("exit", frames=term.of_type("exit"), close=list(term.close))

    status, body = call("GET", "/pty/" + session)
    step("status", status=status, body=json.loads(body), offset_before_exit=offset)
    replay = Terminal(session, "?since=%d" % offset)
    replay.pump(lambda: replay.of_type("connected"))
    step("replay", output=replay.output.decode(errors="replace"))
    replay.ws.close()
    step("delete", status=call("DELETE", "/pty/" + session)[0], after=call("GET", "/pty/" + session)[0])
    print(json.dumps({"result": "ok"}), flush=True)


if __name__ == "__main__":
    main()
