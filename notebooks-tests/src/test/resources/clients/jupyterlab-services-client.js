// Drives a kernel through @jupyterlab/services (the JupyterLab kernel client) in node, with `ws` as the WebSocket.
// Environment: KG_URL (http://127.0.0.1:PORT), KG_TOKEN; NODE_PATH must reach notebooks-tests/js/node_modules.
// Prints one JSON object per line on stdout ({"step": ...}); the last line is {"result":"ok"}. Any failed check
// prints {"error": "..."} and exits 1.
'use strict';

const { emit, fail, required, check } = require('./report');

const { KernelManager, KernelAPI, ServerConnection } = require('@jupyterlab/services');
const WebSocket = require('ws');

const baseUrl = required('KG_URL');
const token = required('KG_TOKEN');


// Every WebSocket the library opens, with what it offered, what the server selected and how frames arrived.
const sockets = [];
class RecordingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    const record = { url: String(url).replace(/token=[^&]*/, 'token=***'), offered: protocols || [],
      selected: null, text: 0, binary: 0 };
    sockets.push(record);
    this.on('open', () => { record.selected = this.protocol; });
    this.on('message', (data, isBinary) => { if (isBinary) { record.binary++; } else { record.text++; } });
  }
}

const serverSettings = ServerConnection.makeSettings({
  baseUrl,
  wsUrl: baseUrl.replace(/^http/, 'ws'),
  token,
  appendToken: true,
  WebSocket: RecordingWebSocket,
  fetch: globalThis.fetch,
});

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs code; returns {reply, iopub} where iopub are the future's IOPub messages (msg_type + content). Without
 * stop_on_error, so that ipykernel does not abort the request that follows an error.
 */
async function execute(kernel, code, onIopub) {
  const future = kernel.requestExecute({ code, stop_on_error: false }, true);
  const iopub = [];
  future.onIOPub = msg => {
    iopub.push({ msg_type: msg.header.msg_type, content: msg.content });
    if (onIopub) {
      onIopub(msg);
    }
  };
  const reply = await withTimeout(future.done, 20000, `execute ${JSON.stringify(code)}`);
  return { reply: reply.content, iopub };
}

function ofType(iopub, type) {
  return iopub.filter(m => m.msg_type === type);
}

async function main() {
  const manager = new KernelManager({ serverSettings });
  await withTimeout(manager.ready, 10000, 'kernel manager ready');

  const kernel = await withTimeout(manager.startNew({ name: 'python3' }), 20000, 'start kernel');
  const info = await withTimeout(kernel.info, 20000, 'kernel_info');
  check(info.language_info && info.language_info.name === 'python',
    `kernel_info language is ${JSON.stringify(info.language_info)}`);
  emit({ step: 'start', kernel_id: kernel.id, name: kernel.name, protocol_version: info.protocol_version,
    language: info.language_info.name });

  // stream output
  let r = await execute(kernel, 'print("hello from node")');
  const streams = ofType(r.iopub, 'stream');
  check(r.reply.status === 'ok', `print: reply status ${r.reply.status}`);
  check(streams.length > 0, 'print: no stream message');
  emit({ step: 'stream', status: r.reply.status, name: streams[0].content.name,
    text: streams.map(s => s.content.text).join('') });

  // execute_result
  r = await execute(kernel, 'survivor = 6 * 7\nsurvivor');
  const results = ofType(r.iopub, 'execute_result');
  check(results.length === 1, `execute_result: ${results.length} results`);
  emit({ step: 'execute_result', status: r.reply.status, execution_count: r.reply.execution_count,
    data: results[0].content.data });

  // error
  r = await execute(kernel, '1/0');
  const errors = ofType(r.iopub, 'error');
  check(errors.length === 1, `error: ${errors.length} error messages`);
  emit({ step: 'error', status: r.reply.status, ename: r.reply.ename, iopub_ename: errors[0].content.ename,
    traceback_lines: errors[0].content.traceback.length });

  // interrupt a busy loop, once the kernel has started running it
  let started;
  const running = new Promise(resolve => { started = resolve; });
  const loop = execute(kernel, 'while True:\n    pass', msg => {
    if (msg.header.msg_type === 'execute_input') {
      started();
    }
  });
  const early = loop.then(res => {
    throw new Error(`the loop finished before it started: ${JSON.stringify(res.reply)}`);
  });
  await withTimeout(Promise.race([running, early]), 20000, 'loop started');
  await withTimeout(kernel.interrupt(), 10000, 'interrupt');
  r = await loop;
  const interruptErrors = ofType(r.iopub, 'error');
  emit({ step: 'interrupt', status: r.reply.status, ename: r.reply.ename,
    iopub_ename: interruptErrors.length ? interruptErrors[0].content.ename : null });

  // the kernel still works after the interrupt
  r = await execute(kernel, 'survivor + 1');
  const after = ofType(r.iopub, 'execute_result');
  emit({ step: 'after_interrupt', status: r.reply.status,
    data: after.length ? after[0].content.data['text/plain'] : null });

  // restart: same kernel id, fresh namespace, still answering
  await withTimeout(kernel.restart(), 30000, 'restart');
  await withTimeout(waitFor(() => kernel.connectionStatus === 'connected' && kernel.status === 'idle'),
    20000, 'idle after restart');
  r = await execute(kernel, 'print("survivor" in dir())');
  emit({ step: 'restart', kernel_id: kernel.id, status: r.reply.status,
    text: ofType(r.iopub, 'stream').map(s => s.content.text).join('') });

  // shutdown: gone from the gateway's list
  const id = kernel.id;
  await withTimeout(kernel.shutdown(), 20000, 'shutdown');
  const listed = await KernelAPI.listRunning(serverSettings);
  emit({ step: 'shutdown', status: kernel.status, still_listed: listed.some(k => k.id === id) });

  emit({ step: 'sockets', sockets });
  manager.dispose();
}

function waitFor(predicate) {
  return new Promise(resolve => {
    const poll = () => (predicate() ? resolve() : setTimeout(poll, 20));
    poll();
  });
}

main().then(() => {
  emit({ result: 'ok' });
  process.exit(0);
}, error => fail(error && error.stack ? error.stack : String(error)));
