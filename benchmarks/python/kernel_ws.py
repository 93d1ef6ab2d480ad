"""A kernel's channels WebSocket from python3-websocket, in both framings: what the benchmark's Python clients share."""
import json
import struct
import uuid

import websocket

V1 = "v1.kernel.websocket.jupyter.org"


def connect(ws_url, token, v1):
    """Opens the channels WebSocket of ws_url (.../api/kernels/ID/channels?session_id=S)."""
    headers = [f"Authorization: token {token}"] if token else []
    return websocket.create_connection(ws_url, header=headers, subprotocols=[V1] if v1 else None)


def v1_encode(channel, msg):
    parts = [channel.encode(), json.dumps(msg["header"]).encode(), json.dumps(msg["parent_header"]).encode(),
             json.dumps(msg["metadata"]).encode(), json.dumps(msg["content"]).encode()]
    n = len(parts) + 1
    offsets = [8 * (n + 1)]
    for p in parts:
        offsets.append(offsets[-1] + len(p))
    return struct.pack("<%dQ" % (n + 1), n, *offsets) + b"".join(parts)


def v1_decode(data):
    n = struct.unpack_from("<Q", data, 0)[0]
    offsets = struct.unpack_from("<%dQ" % n, data, 8)
    parts = [data[offsets[i]:offsets[i + 1]] for i in range(n - 1)]
    return {"channel": parts[0].decode(), "header": json.loads(parts[1]), "parent_header": json.loads(parts[2]),
            "content": json.loads(parts[4])}


def request(session, code):
    msg_id = uuid.uuid4().hex
    return msg_id, {"header": {"msg_id": msg_id, "username": "bench", "session": session, "msg_type": "execute_request",
                               "version": "5.3", "date": "2026-12-06T00:00:00Z"},
                    "parent_header": {}, "metadata": {},
                    "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                                "allow_stdin": False, "stop_on_error": True}, "buffers": []}


def ws_execute(ws, v1, session, code):
    """Executes code; returns its execute_reply's status once that reply and the idle status have arrived."""
    msg_id, msg = request(session, code)
    if v1:
        ws.send(v1_encode("shell", msg), opcode=websocket.ABNF.OPCODE_BINARY)
    else:
        msg["channel"] = "shell"
        ws.send(json.dumps(msg))
    replied = idle = False
    status = None
    while not (replied and idle):
        data = ws.recv()
        m = v1_decode(data) if v1 else json.loads(data)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["channel"] == "shell" and m["header"]["msg_type"] == "execute_reply":
            replied = True
            status = m["content"]["status"]
        elif m["channel"] == "iopub" and m["header"]["msg_type"] == "status" \
                and m["content"]["execution_state"] == "idle":
            idle = True
    return status
