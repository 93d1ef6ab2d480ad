"""A watcher of a kernel's IOPub on libzmq, driven line by line on stdin: what receiving a kernel's broadcasts costs
a client that only watches, beside what Kernelgate spends watching the same messages.

  watch FILE MODE  subscribes to the IOPub of the kernel of a connection file and receives every message on a thread
                   of its own; MODE "session" deserializes and verifies each one as jupyter_client's Session does,
                   "raw" only receives the frames (libzmq alone); answers "ok" at once: the subscription reaches the
                   kernel a moment later, so the caller proves it (mark counts the messages of a request it made)
  mark             answers "ok MESSAGES CPU_NS": messages received so far and this process's CPU time (every thread,
                   libzmq's I/O thread included)
  close            unsubscribes; answers "ok"
"""
import json
import threading
import time

import zmq

from jupyter_client.session import Session
from line_driven import serve


class Watcher:
    def __init__(self):
        self.context = None
        self.thread = None
        self.count = 0

    def watch(self, rest):
        connection_file, mode = rest.rsplit(" ", 1)
        with open(connection_file) as f:
            info = json.load(f)
        session = Session(key=info["key"].encode(), signature_scheme=info["signature_scheme"])
        verify = mode == "session"
        self.context = zmq.Context()
        sub = self.context.socket(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(f"{info['transport']}://{info['ip']}:{info['iopub_port']}")

        def receive():
            try:
                while True:
                    frames = sub.recv_multipart(copy=False)
                    if verify:
                        _, message = session.feed_identities(frames, copy=False)
                        session.deserialize(message, content=True, copy=False)
                    self.count += 1
            except zmq.ContextTerminated:
                sub.close(linger=0)

        self.thread = threading.Thread(target=receive, daemon=True)
        self.thread.start()
        return "ok"  # subscribed once messages are counted: the caller proves it with mark

    def mark(self, rest=""):
        return f"ok {self.count} {time.process_time_ns()}"

    def close(self, rest=""):
        if self.context is not None:
            self.context.term()
            self.thread.join()
            self.context = None
        return "ok"


def main():
    watcher = Watcher()
    try:
        serve({"watch": watcher.watch, "mark": watcher.mark, "close": watcher.close})
    finally:
        watcher.close()


if __name__ == "__main__":
    main()
