"""Plumbing shared by the fake kernels of the gateway tests: binds the sockets of a connection file, signs and
sends messages, and serves requests with a handler per msg_type between busy and idle statuses."""
import datetime, hashlib, hmac, json, uuid
import zmq


class Request:
    def __init__(self, channel, sock, idents, header):
        self.channel, self.sock, self.idents, self.header = channel, sock, idents, header


class FakeKernel:
    def __init__(self, connection_file):
        cfg = json.load(open(connection_file))
        self.key = cfg["key"].encode()
        ctx = zmq.Context()

        def bind(kind, port):
            s = ctx.socket(kind)
            s.bind("tcp://%s:%d" % (cfg["ip"], port))
            return s
        self.sockets = {"shell": bind(zmq.ROUTER, cfg["shell_port"]), "control": bind(zmq.ROUTER, cfg["control_port"]),
                        "stdin": bind(zmq.ROUTER, cfg["stdin_port"])}
        self.iopub = bind(zmq.PUB, cfg["iopub_port"])
        self.hb = bind(zmq.REP, cfg["hb_port"])
        self.session = str(uuid.uuid4())
        self.handlers = {"kernel_info_request": self.kernel_info}
        self.on_request = lambda request: None  # sees every request first

    def send(self, sock, idents, msg_type, parent, content, corrupt=False):
        header = {"msg_id": str(uuid.uuid4()), "session": self.session, "username": "fake", "msg_type": msg_type,
                  "version": "5.3", "date": datetime.datetime.utcnow().isoformat() + "Z"}
        parts = [json.dumps(p).encode() for p in (header, parent, {}, content)]
        sig = hmac.new(self.key, b"".join(parts), hashlib.sha256).hexdigest().encode()
        if corrupt:
            sig = b"0" * len(sig)
        sock.send_multipart(idents + [b"<IDS|MSG>", sig] + parts)

    def publish(self, msg_type, parent, content, corrupt=False):
        self.send(self.iopub, [msg_type.encode()], msg_type, parent, content, corrupt)

    def reply(self, request, msg_type, content):
        self.send(request.sock, request.idents, msg_type, request.header, content)

    def kernel_info(self, request):
        self.reply(request, "kernel_info_reply", {"status": "ok", "protocol_version": "5.3",
                                                  "implementation": "fake", "language_info": {"name": "fake"}})

    def serve(self):
        channels = {sock: name for name, sock in self.sockets.items()}
        poller = zmq.Poller()
        for s in list(channels) + [self.hb]:
            poller.register(s, zmq.POLLIN)
        while True:
            for sock, _ in poller.poll():
                if sock is self.hb:
                    self.hb.send(self.hb.recv())
                    continue
                frames = sock.recv_multipart()
                i = frames.index(b"<IDS|MSG>")
                request = Request(channels[sock], sock, frames[:i], json.loads(frames[i + 2]))
                self.on_request(request)
                self.publish("status", request.header, {"execution_state": "busy"})
                handler = self.handlers.get(request.header["msg_type"])
                if handler:
                    handler(request)
                self.publish("status", request.header, {"execution_state": "idle"})
