"""A minimal kernel for tests: answers kernel_info, and on execute_request publishes one stream message
with a corrupted signature followed by a correctly signed one, then replies and goes idle."""
import datetime, hashlib, hmac, json, sys, uuid
import zmq

cfg = json.load(open(sys.argv[1]))
key = cfg["key"].encode()
ctx = zmq.Context()
def bind(kind, port):
    s = ctx.socket(kind); s.bind("tcp://%s:%d" % (cfg["ip"], port)); return s
shell = bind(zmq.ROUTER, cfg["shell_port"]); control = bind(zmq.ROUTER, cfg["control_port"])
stdin = bind(zmq.ROUTER, cfg["stdin_port"]); iopub = bind(zmq.PUB, cfg["iopub_port"]); hb = bind(zmq.REP, cfg["hb_port"])
session = str(uuid.uuid4())

def pack(msg_type, parent, content):
    header = {"msg_id": str(uuid.uuid4()), "session": session, "username": "fake", "msg_type": msg_type,
              "version": "5.3", "date": datetime.datetime.utcnow().isoformat() + "Z"}
    parts = [json.dumps(p).encode() for p in (header, parent, {}, content)]
    sig = hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()
    return sig, parts

def send(sock, idents, msg_type, parent, content, corrupt=False):
    sig, parts = pack(msg_type, parent, content)
    if corrupt:
        sig = b"0" * len(sig)
    sock.send_multipart(idents + [b"<IDS|MSG>", sig] + parts)

poller = zmq.Poller()
for s in (shell, control, hb):
    poller.register(s, zmq.POLLIN)
while True:
    for sock, _ in poller.poll():
        if sock is hb:
            hb.send(hb.recv()); continue
        frames = sock.recv_multipart()
        i = frames.index(b"<IDS|MSG>")
        idents, header = frames[:i], json.loads(frames[i + 2])
        kind = header["msg_type"]
        send(iopub, [b"status"], "status", header, {"execution_state": "busy"})
        if kind == "kernel_info_request":
            send(sock, idents, "kernel_info_reply", header, {"status": "ok", "protocol_version": "5.3",
                 "implementation": "fake", "language_info": {"name": "fake"}})
        elif kind == "execute_request":
            send(iopub, [b"stream"], "stream", header, {"name": "stdout", "text": "forged\n"}, corrupt=True)
            send(iopub, [b"stream"], "stream", header, {"name": "stdout", "text": "genuine\n"})
            send(sock, idents, "execute_reply", header, {"status": "ok", "execution_count": 1})
        elif kind == "shutdown_request":
            send(sock, idents, "shutdown_reply", header, {"status": "ok", "restart": False})
            send(iopub, [b"status"], "status", header, {"execution_state": "idle"})
            sys.exit(0)
        send(iopub, [b"status"], "status", header, {"execution_state": "idle"})
