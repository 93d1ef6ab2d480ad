// Drives `kernelgate server` through the OpenSandbox JavaScript SDK (@alibaba-group/opensandbox 0.1.11) the way an
// application does: Sandbox.create (which asks the server for the execd endpoint 44772 and the egress endpoint 18080,
// then waits until the sandbox is Running and execd answers /ping), commands, files, metrics, renew, kill.
// Environment: LIFECYCLE_DOMAIN (127.0.0.1:PORT), LIFECYCLE_PROTOCOL (http|https), LIFECYCLE_API_KEY; for https
// NODE_EXTRA_CA_CERTS names the server's certificate. NODE_PATH must reach notebooks-tests/js/node_modules.
// Prints one JSON object per line on stdout ({"step": ...}); the last line is {"result":"ok"}.
'use strict';

const { emit, fail, required, check } = require('./report');

const { Sandbox, SandboxManager } = require('@alibaba-group/opensandbox');

const connectionConfig = {
  domain: required('LIFECYCLE_DOMAIN'),
  protocol: required('LIFECYCLE_PROTOCOL'),
  apiKey: required('LIFECYCLE_API_KEY'),
  requestTimeoutSeconds: 60,
};

async function main() {
  const started = Date.now();
  const sandbox = await Sandbox.create({
    connectionConfig,
    image: 'python:3.11',
    timeoutSeconds: 120,
    metadata: { suite: 'notebooks-tests' },
    env: { GREETING: 'hi from env' },
    readyTimeoutSeconds: 60,
  });
  emit({ step: 'create', id: sandbox.id, create_ms: Date.now() - started });
  try {
    const info = await sandbox.getInfo();
    emit({ step: 'info', state: info.status.state, metadata: info.metadata });

    const stdout = [];
    const execution = await sandbox.commands.run('echo hi', undefined, {
      onStdout: (m) => { stdout.push(m.text); },
    });
    check(execution.exitCode === 0 || execution.exitCode === undefined || execution.exitCode === null,
      `echo hi exit code ${execution.exitCode}`);
    emit({ step: 'echo', streamed: stdout, logs: execution.logs.stdout.map((m) => m.text) });

    const probe = await sandbox.commands.run('echo "$KERNELGATE_SANDBOX"; pwd; echo "$GREETING"');
    const [marker, cwd, greeting] = probe.logs.stdout.map((m) => m.text);
    // A detached command in a session of its own: kill must reach it too.
    await sandbox.commands.run('sleep 300', { background: true });
    emit({ step: 'probe', marker, cwd, greeting });

    const path = `${cwd}/notes/hello.txt`;
    await sandbox.files.writeFiles([{ path, data: 'written through the SDK\n' }]);
    const content = await sandbox.files.readFile(path);
    emit({ step: 'files', path, content });

    const metrics = await sandbox.getMetrics();
    emit({ step: 'metrics', cpuCount: metrics.cpuCount, memoryTotalMiB: metrics.memoryTotalMiB,
      timestamp: metrics.timestamp });

    const before = new Date((await sandbox.getInfo()).expiresAt).getTime();
    const renewed = await sandbox.renew(1800);
    const after = new Date(renewed.expiresAt).getTime();
    emit({ step: 'renew', extended_s: Math.round((after - before) / 1000) });

    const endpoint = await sandbox.getEndpoint(44772);
    emit({ step: 'endpoint', endpoint: endpoint.endpoint });
  } finally {
    await sandbox.kill();
  }
  emit({ step: 'kill', ok: true });

  const manager = SandboxManager.create({ connectionConfig });
  try {
    await manager.getSandboxInfo(sandbox.id);
    fail('the killed sandbox is still listed');
  } catch (e) {
    emit({ step: 'gone', status: e.statusCode ?? null });
  }
  emit({ result: 'ok' });
}

main().then(() => process.exit(0), (e) => {
  fail(`${e && e.stack ? e.stack : e}`);
});
