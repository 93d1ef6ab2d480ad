"""What any relay between a kernel's IOPub and its client costs the kernel's output rate on this machine.

jupyter_client runs the benchmark's display_data case (N `display(..., raw=True)`) on one ipykernel, in turns:
straight on the kernel's IOPub port; through tcp_relay.c (one read and one write per arrival, nothing decoded); and
straight again while a second subscriber, a bare libzmq receiver (benchmarks/python/iopub_watch.py, raw), takes
every message too, as a gateway that watches the kernel does. Fresh channels each run, R runs each; prints the
medians, each throughput against the direct one and the relay's CPU per message. The relay is the floor of every
relay: a gateway decodes, verifies and re-frames on top of it.

  /usr/bin/python3 benchmarks/probes/relay_floor.py          (N=5000 R=9 by default; needs cc, ipykernel)
"""
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))

import zmq  # noqa: E402
from jupyter_client.blocking.client import BlockingKernelClient  # noqa: E402
from jupyter_client.manager import KernelManager  # noqa: E402
from zmq_session import prove_subscription, run  # noqa: E402

N = int(os.environ.get("N", "5000"))
R = int(os.environ.get("R", "9"))
CODE = "from IPython.display import display\nfor i in range(%d): display({'text/plain': str(i)}, raw=True)" % N
TICK = os.sysconf("SC_CLK_TCK")


def cpu_micros(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / TICK


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    work = tempfile.mkdtemp(prefix="relay-floor-")
    relay_bin = os.path.join(work, "tcp_relay")
    subprocess.run(["cc", "-O2", "-o", relay_bin, os.path.join(HERE, "tcp_relay.c")], check=True)
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    relay = watcher = None
    try:
        with open(manager.connection_file) as f:
            info = json.load(f)
        port = free_port()
        relay = subprocess.Popen([relay_bin, str(port), str(info["iopub_port"])])
        relayed = os.path.join(work, "relayed.json")
        with open(relayed, "w") as f:
            json.dump(dict(info, iopub_port=port), f)
        paths = {"direct": manager.connection_file, "relayed": relayed, "watched": manager.connection_file}
        watcher = subprocess.Popen([sys.executable, os.path.join(HERE, "..", "python", "iopub_watch.py")],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

        def tell(line):
            watcher.stdin.write(line + "\n")
            watcher.stdin.flush()
            answer = watcher.stdout.readline().strip()
            if not answer.startswith("ok"):
                raise RuntimeError(f"iopub_watch.py: {answer}")
            return answer

        def once(name):
            kc = BlockingKernelClient()
            kc.context.setsockopt(zmq.RCVHWM, 0)
            kc.load_connection_file(paths[name])
            kc.start_channels()
            if name == "watched":
                tell(f"watch {manager.connection_file} raw")
            try:
                prove_subscription(kc)
                # The second subscriber must be taking messages before the run: until then the arm is a direct one.
                for _ in range(100):
                    if name != "watched" or int(tell("mark").split()[1]) > 0:
                        break
                    prove_subscription(kc)
                else:
                    raise RuntimeError("the second subscriber received nothing")
                before = cpu_micros(relay.pid)
                ms, _, displays, status = run(kc, CODE)
                relay_us = (cpu_micros(relay.pid) - before) / N
            finally:
                kc.stop_channels()
                if name == "watched":
                    tell("close")
            if displays != N or status != "ok":
                raise RuntimeError(f"{name}: {displays} of {N} displays, status {status}")
            return ms, relay_us

        names = list(paths)
        for name in names:
            once(name)
        runs = {name: [] for name in names}
        for r in range(R):
            for name in names[r % len(names):] + names[:r % len(names)]:
                runs[name].append(once(name))
        direct = statistics.median(m for m, _ in runs["direct"])
        for name, rows in runs.items():
            ms = sorted(m for m, _ in rows)
            print(f"{name}: median {statistics.median(ms):.0f} ms ({', '.join(f'{m:.0f}' for m in ms)}); "
                  f"throughput / direct {direct / statistics.median(ms):.3f}"
                  + (f"; relay CPU {statistics.median(u for _, u in rows):.1f} µs/message" if name == "relayed" else ""))
    finally:
        if relay is not None:
            relay.kill()
        if watcher is not None:
            watcher.stdin.close()
            watcher.wait()
        manager.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
