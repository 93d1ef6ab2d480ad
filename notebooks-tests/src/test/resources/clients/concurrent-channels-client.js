// Many kernel connections through @jupyterlab/services (v1 subprotocol, `ws` underneath), all dialled in the same
// tick at START_AT (epoch ms), alongside other clients of the same kernels. Once every connection of this client is
// connected, each runs one execute_request; each must get its own execute_reply and its own stream text, and see
// the execute_input and idle broadcast of every request this client sent on its kernel (other clients' traffic
// comes in between). Nothing waits longer than TIMEOUT_MS.
// Environment: KG_URL, KG_TOKEN, KERNELS (comma-separated ids), PER_KERNEL, START_AT, TIMEOUT_MS; NODE_PATH must
// reach notebooks-tests/js/node_modules. Prints JSON lines (see report.js).
'use strict';

const { emit, fail, required, check } = require('./report');
const { KernelManager, ServerConnection } = require('@jupyterlab/services');
const WebSocket = require('ws');

const baseUrl = required('KG_URL');
const token = required('KG_TOKEN');
const kernels = required('KERNELS').split(',');
const perKernel = Number(required('PER_KERNEL'));
const startAt = Number(required('START_AT'));
const timeoutMs = Number(required('TIMEOUT_MS'));

const protocols = { offered: 0, v1: 0 };
class CountingWebSocket extends WebSocket {
  constructor(url, offered) {
    super(url, offered);
    protocols.offered++;
    this.on('open', () => { if (this.protocol === 'v1.kernel.websocket.jupyter.org') { protocols.v1++; } });
  }
}

const serverSettings = ServerConnection.makeSettings({
  baseUrl, wsUrl: baseUrl.replace(/^http/, 'ws'), token, appendToken: true,
  WebSocket: CountingWebSocket, fetch: globalThis.fetch,
});

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function until(predicate, what) {
  return withTimeout(new Promise(resolve => {
    const poll = () => (predicate() ? resolve() : setTimeout(poll, 20));
    poll();
  }), what);
}

async function main() {
  const manager = new KernelManager({ serverSettings });
  await withTimeout(manager.ready, 'kernel manager ready');
  const wait = startAt - Date.now();
  if (wait > 0) {
    await new Promise(resolve => setTimeout(resolve, wait));
  }
  // Every connection dials here, in one tick.
  const connections = [];
  for (const id of kernels) {
    for (let c = 0; c < perKernel; c++) {
      const kernel = manager.connectTo({ model: { id, name: 'python3' } });
      const seen = { inputs: new Set(), idle: new Set(), streams: new Map() };
      kernel.iopubMessage.connect((_, msg) => {
        const parent = msg.parent_header && msg.parent_header.msg_id;
        if (msg.header.msg_type === 'execute_input') {
          seen.inputs.add(parent);
        } else if (msg.header.msg_type === 'status' && msg.content.execution_state === 'idle') {
          seen.idle.add(parent);
        } else if (msg.header.msg_type === 'stream') {
          seen.streams.set(parent, (seen.streams.get(parent) || '') + msg.content.text);
        }
      });
      connections.push({ kernelId: id, label: `node-${kernels.indexOf(id)}-${c}`, kernel, seen });
    }
  }
  await Promise.all(connections.map(c => until(() => c.kernel.connectionStatus === 'connected',
    `${c.label} connected`)));
  emit({ step: 'connected', connections: connections.length });

  const sent = new Map(); // kernel id -> msg ids of this client's requests
  const replies = await Promise.all(connections.map(async c => {
    const future = c.kernel.requestExecute({ code: `print(${JSON.stringify(c.label)})`, stop_on_error: false });
    const msgId = future.msg.header.msg_id;
    c.msgId = msgId;
    sent.set(c.kernelId, (sent.get(c.kernelId) || []).concat([msgId]));
    const reply = await withTimeout(future.done, `${c.label} execute_reply`);
    check(reply.content.status === 'ok', `${c.label}: reply status ${reply.content.status}`);
    return reply;
  }));
  for (const c of connections) {
    await until(() => (sent.get(c.kernelId) || []).every(id => c.seen.idle.has(id)),
      `${c.label}: idle broadcasts of every request on its kernel`);
    const missing = sent.get(c.kernelId).filter(id => !c.seen.inputs.has(id));
    check(missing.length === 0, `${c.label}: no execute_input broadcast for ${missing}`);
    check(c.seen.streams.get(c.msgId) === `${c.label}\n`,
      `${c.label}: stream ${JSON.stringify(c.seen.streams.get(c.msgId))}`);
  }
  emit({ step: 'totals', connections: connections.length, replies: replies.length, protocols });
  for (const c of connections) {
    c.kernel.dispose();
  }
  manager.dispose();
}

main().then(() => {
  emit({ result: 'ok' });
  process.exit(0);
}, error => fail(error && error.stack ? error.stack : String(error)));
