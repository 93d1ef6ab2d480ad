// Drives `kernelgate server` through the OpenSandbox JavaScript SDK (@alibaba-group/opensandbox 0.1.11) with
// `useServerProxy: true`: the SDK asks for endpoints with use_server_proxy=true, gets them in the server's proxy form
// (<server>/sandboxes/<id>/proxy/<port>) and sends every execd call through the lifecycle server.
// Environment: LIFECYCLE_DOMAIN (127.0.0.1:PORT), LIFECYCLE_PROTOCOL (http|https), LIFECYCLE_API_KEY; for https
// NODE_EXTRA_CA_CERTS names the server's certificate. NODE_PATH must reach notebooks-tests/js/node_modules.
// Prints one JSON object per line on stdout ({"step": ...}); the last line is {"result":"ok"}.
'use strict';

const { emit, fail, required, check } = require('./report');

const { Sandbox } = require('@alibaba-group/opensandbox');

const connectionConfig = {
  domain: required('LIFECYCLE_DOMAIN'),
  protocol: required('LIFECYCLE_PROTOCOL'),
  apiKey: required('LIFECYCLE_API_KEY'),
  useServerProxy: true,
  requestTimeoutSeconds: 60,
};

async function main() {
  const sandbox = await Sandbox.create({
    connectionConfig,
    image: 'python:3.11',
    timeoutSeconds: 120,
    readyTimeoutSeconds: 60,
  });
  emit({ step: 'create', id: sandbox.id });
  try {
    const endpoint = await sandbox.getEndpoint(44772);
    emit({ step: 'endpoint', endpoint: endpoint.endpoint });

    const stdout = [];
    const execution = await sandbox.commands.run('echo "via $((40 + 2))"', undefined, {
      onStdout: (m) => { stdout.push(m.text); },
    });
    check(execution.exitCode === 0 || execution.exitCode === undefined || execution.exitCode === null,
      `exit code ${execution.exitCode}`);
    emit({ step: 'command', streamed: stdout });

    const cwd = (await sandbox.commands.run('pwd')).logs.stdout.map((m) => m.text)[0];
    const path = `${cwd}/through-the-server.txt`;
    const data = 'x'.repeat(256 * 1024) + '\nend\n';
    await sandbox.files.writeFiles([{ path, data }]);
    const content = await sandbox.files.readFile(path);
    emit({ step: 'files', length: content.length, same: content === data });
  } finally {
    await sandbox.kill();
  }
  emit({ step: 'kill', ok: true });
  emit({ result: 'ok' });
}

main().then(() => process.exit(0), (e) => {
  fail(`${e && e.stack ? e.stack : e}`);
});
