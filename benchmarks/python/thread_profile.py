"""Per-thread CPU and context switches of a gateway process over N `1+1` executes (see benchmarks/PROFILE.md).

Modes:
  legacy, v1  a WebSocket client with that framing executes through the gateway
  watch       a WebSocket client only watches (reads every broadcast); jupyter_client executes on the kernel's own
              ports
  alone       as watch, but the WebSocket closes before the executes (its session keeps a reconnect buffer): what the
              benchmark's "only watching" figure measures during the floor's turns
              (needs --runtime-dir, the gateway's JUPYTER_RUNTIME_DIR, to find the connection file)
Prints per-thread figures per request from /proc/PID/task/*/{stat,status}: µs user, µs sys, voluntary and
involuntary context switches. Threads of one name (Netty's loops) are summed.

  /usr/bin/python3 benchmarks/python/thread_profile.py --url http://127.0.0.1:8888 --token T --pid PID --mode v1
"""
import argparse
import glob
import json
import os
import sys
import threading
import time
import urllib.request
import uuid

import kernel_ws
from kernel_ws import ws_execute

TICK = os.sysconf("SC_CLK_TCK")


def threads(pid):
    out = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(task + "/stat") as f:
                stat = f.read()
            with open(task + "/status") as f:
                status = f.read()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        utime, stime = int(fields[11]), int(fields[12])
        vol = nonvol = 0
        for line in status.splitlines():
            if line.startswith("voluntary_ctxt_switches"):
                vol = int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                nonvol = int(line.split()[1])
        out[task] = (name, utime, stime, vol, nonvol)
    return out


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]), int(fields[12])


def diff(before, after, n):
    by_name = {}
    for task, (name, u, s, v, nv) in after.items():
        b = before.get(task, (name, 0, 0, 0, 0))
        key = name  # /proc truncates names to 15 characters: Netty's loops share one
        d = by_name.setdefault(key, [0, 0, 0, 0, 0])
        d[0] += u - b[1]
        d[1] += s - b[2]
        d[2] += v - b[3]
        d[3] += nv - b[4]
        d[4] += 1
    rows = []
    for name, (u, s, v, nv, count) in by_name.items():
        if u + s == 0 and v + nv == 0:
            continue
        rows.append((name, u * 1e6 / TICK / n, s * 1e6 / TICK / n, v / n, nv / n, count))
    rows.sort(key=lambda r: -(r[1] + r[2]))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)  # http://127.0.0.1:PORT
    ap.add_argument("--token", default="")
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--mode", choices=["legacy", "v1", "watch", "alone"], default="v1")
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--kernel-id")
    ap.add_argument("--runtime-dir")
    args = ap.parse_args()

    headers = {"Authorization": f"token {args.token}"} if args.token else {}
    kid = args.kernel_id
    created = False
    if not kid:
        req = urllib.request.Request(args.url + "/api/kernels", data=json.dumps({"name": "python3"}).encode(),
                                     headers={**headers, "Content-Type": "application/json"}, method="POST")
        kid = json.load(urllib.request.urlopen(req))["id"]
        created = True
    session = uuid.uuid4().hex
    ws_url = args.url.replace("http", "ws") + f"/api/kernels/{kid}/channels?session_id={session}"
    v1 = args.mode == "v1"
    ws = kernel_ws.connect(ws_url, args.token, v1)
    samples = []
    try:
        if args.mode in ("watch", "alone"):
            from jupyter_client import BlockingKernelClient
            kc = BlockingKernelClient(connection_file=os.path.join(args.runtime_dir, f"kernel-{kid}.json"))
            kc.load_connection_file()
            kc.start_channels()
            kc.wait_for_ready(timeout=30)

            # The WebSocket watches: it reads every broadcast. (Unread, the session's bounded queue fills and the
            # figures become its garbage collections.)
            def drain():
                try:
                    while True:
                        ws.recv()
                except Exception:  # closed at the end
                    pass
            if args.mode == "watch":
                threading.Thread(target=drain, daemon=True).start()
            else:
                ws.close()

            def once():
                kc.execute_interactive("1+1", output_hook=lambda m: None, timeout=30)
            for _ in range(args.warmup):
                once()
            time.sleep(0.5)
            b, c0 = threads(args.pid), proc_cpu(args.pid)
            t0 = time.perf_counter()
            for _ in range(args.n):
                s = time.perf_counter()
                once()
                samples.append((time.perf_counter() - s) * 1000)
            wall = time.perf_counter() - t0
            a, c1 = threads(args.pid), proc_cpu(args.pid)
            kc.stop_channels()
        else:
            for _ in range(args.warmup):
                ws_execute(ws, v1, session, "1+1")
            time.sleep(0.5)
            b, c0 = threads(args.pid), proc_cpu(args.pid)
            t0 = time.perf_counter()
            for _ in range(args.n):
                s = time.perf_counter()
                ws_execute(ws, v1, session, "1+1")
                samples.append((time.perf_counter() - s) * 1000)
            wall = time.perf_counter() - t0
            a, c1 = threads(args.pid), proc_cpu(args.pid)
    finally:
        ws.close()
        if created:
            urllib.request.urlopen(urllib.request.Request(args.url + f"/api/kernels/{kid}", headers=headers,
                                                          method="DELETE"))
    n = args.n
    samples.sort()
    pct = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))]
    print(f"mode={args.mode} n={n} wall={wall:.2f}s  rtt median {pct(0.5):.2f} p90 {pct(0.9):.2f} p99 {pct(0.99):.2f} ms")
    pu, ps = (c1[0] - c0[0]) * 1e6 / TICK / n, (c1[1] - c0[1]) * 1e6 / TICK / n
    print(f"process CPU per request: {pu + ps:.0f} us (user {pu:.0f}, sys {ps:.0f})")
    print(f"{'thread':<28}{'user us':>9}{'sys us':>9}{'vol cs':>8}{'invol':>7}{'#':>4}")
    for name, u, s, v, nv, count in diff(b, a, n):
        print(f"{name:<28}{u:>9.0f}{s:>9.0f}{v:>8.2f}{nv:>7.2f}{count:>4}")


if __name__ == "__main__":
    main()
