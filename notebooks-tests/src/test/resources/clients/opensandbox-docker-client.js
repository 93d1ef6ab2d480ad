// Drives a lifecycle server with the docker runtime through the OpenSandbox JavaScript SDK
// (@alibaba-group/opensandbox 0.1.11) as an application does: Sandbox.create (the SDK then asks for the execd endpoint and polls /ping), commands, files,
// pause, resume, kill. Environment: SERVER_DOMAIN (127.0.0.1:PORT), SERVER_API_KEY, SANDBOX_IMAGE; NODE_PATH must
// reach notebooks-tests/js/node_modules. Prints one JSON object per line ({"step": ...}), {"result":"ok"} last.
'use strict';

const { emit, fail, required, check } = require('./report');
const { Sandbox } = require('@alibaba-group/opensandbox');

const domain = required('SERVER_DOMAIN');
const apiKey = required('SERVER_API_KEY');
const image = required('SANDBOX_IMAGE');

const texts = (messages) => messages.map((m) => m.text);

async function main() {
  const connectionConfig = { domain, apiKey, protocol: 'http', requestTimeoutSeconds: 60 };
  const started = Date.now();
  const sandbox = await Sandbox.create({
    connectionConfig, image, entrypoint: ['sleep', 'infinity'], timeoutSeconds: 600,
    resource: { cpu: '1', memory: '1Gi' }, env: { GREETING: 'hello from the sdk' }, metadata: { suite: 'docker-sdk' },
    readyTimeoutSeconds: 60,
  });
  const endpoint = await sandbox.getEndpoint(44772);
  emit({ step: 'create', id: sandbox.id, endpoint: endpoint.endpoint, millis: Date.now() - started });

  const echo = await sandbox.commands.run('echo "$GREETING"; cat /etc/debian_version');
  check(echo.exitCode === 0, `echo exit code ${echo.exitCode}`);
  emit({ step: 'run', stdout: texts(echo.logs.stdout) });

  await sandbox.files.writeFiles([{ path: '/tmp/sdk/hello.txt', data: 'written by the sdk' }]);
  const read = await sandbox.files.readFile('/tmp/sdk/hello.txt');
  emit({ step: 'files', content: read });

  await sandbox.pause();
  const paused = (await sandbox.getInfo()).status.state;
  await sandbox.resume({ readyTimeoutSeconds: 30 });
  const resumed = (await sandbox.getInfo()).status.state;
  const after = await sandbox.commands.run('echo resumed');
  emit({ step: 'pause_resume', paused, resumed, stdout: texts(after.logs.stdout) });

  await sandbox.kill();
  let gone = false;
  try {
    await sandbox.getInfo();
  } catch (e) {
    gone = true;
  }
  emit({ step: 'kill', id: sandbox.id, gone });
  emit({ result: 'ok' });
}

main().catch((e) => fail(`${e && e.stack ? e.stack : e}`));
