"""Round trips through a kernel's channels WebSocket with python3-websocket, driven line by line on stdin.

  open WS_URL TOKEN legacy|v1   a fresh connection (TOKEN "-" for none); answers "ok"
  exec JSON                     execute_request of the JSON-encoded code, until its execute_reply and idle; answers "MILLIS STATUS"
  close                         closes the connection; answers "ok"
The milliseconds are measured here, around the WebSocket alone, so the pipe to the benchmark is not counted.
"""
import json
import sys
import time
import uuid

import kernel_ws


def main():
    ws = None
    session = None
    v1 = False
    for line in sys.stdin:
        command, _, rest = line.rstrip("\n").partition(" ")
        if command == "open":
            url, token, framing = rest.split(" ")
            v1 = framing == "v1"
            session = uuid.uuid4().hex
            ws = kernel_ws.connect(f"{url}?session_id={session}", "" if token == "-" else token, v1)
            print("ok", flush=True)
        elif command == "exec":
            start = time.perf_counter()
            status = kernel_ws.ws_execute(ws, v1, session, json.loads(rest))
            print(f"{(time.perf_counter() - start) * 1000.0:.4f} {status}", flush=True)
        elif command == "close":
            ws.close()
            ws = None
            print("ok", flush=True)
        else:
            print(f"error unknown command {command!r}", flush=True)


if __name__ == "__main__":
    main()
