"""Round trips through a kernel's channels WebSocket with python3-websocket, driven line by line on stdin.

  open WS_URL TOKEN legacy|v1   a fresh connection (TOKEN "-" for none); answers "ok"
  exec JSON                     execute_request of the JSON-encoded code, until its execute_reply and idle;
                                answers "MILLIS STATUS"
  close                         closes the connection; answers "ok"
The milliseconds are measured here, around the WebSocket alone, so the pipe to the benchmark is not counted.
"""
import json
import time
import uuid

import kernel_ws
from line_driven import serve


class Client:
    def __init__(self):
        self.ws = None
        self.session = None
        self.v1 = False

    def open(self, rest):
        url, token, framing = rest.split(" ")
        self.v1 = framing == "v1"
        self.session = uuid.uuid4().hex
        self.ws = kernel_ws.connect(f"{url}?session_id={self.session}", "" if token == "-" else token, self.v1)
        return "ok"

    def exec(self, rest):
        start = time.perf_counter()
        status = kernel_ws.ws_execute(self.ws, self.v1, self.session, json.loads(rest))
        return f"{(time.perf_counter() - start) * 1000.0:.4f} {status}"

    def close(self, rest):
        self.ws.close()
        self.ws = None
        return "ok"


def main():
    client = Client()
    serve({"open": client.open, "exec": client.exec, "close": client.close})


if __name__ == "__main__":
    main()
