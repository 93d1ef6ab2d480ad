// The egress policy of a docker sandbox through the OpenSandbox JavaScript SDK (@alibaba-group/opensandbox 0.1.11):
// Sandbox.create with a networkPolicy, getEndpoint(18080), getEgressPolicy, patchEgressRules, and what a process in
// the sandbox resolves before and after the patch. Environment: SERVER_DOMAIN, SERVER_API_KEY, SANDBOX_IMAGE,
// ALLOWED_NAME, BLOCKED_NAME; NODE_PATH must reach notebooks-tests/js/node_modules. JSON lines, {"result":"ok"} last.
'use strict';

const { emit, fail, required, check } = require('./report');
const { Sandbox } = require('@alibaba-group/opensandbox');

const domain = required('SERVER_DOMAIN');
const apiKey = required('SERVER_API_KEY');
const image = required('SANDBOX_IMAGE');
const allowed = required('ALLOWED_NAME');
const blocked = required('BLOCKED_NAME');

const texts = (messages) => messages.map((m) => m.text);
const resolve = `for n in ${allowed} ${blocked}; do getent hosts $n >/dev/null && echo "$n resolves" || echo "$n NXDOMAIN"; done`;

async function main() {
  const connectionConfig = { domain, apiKey, protocol: 'http', requestTimeoutSeconds: 60 };
  const sandbox = await Sandbox.create({
    connectionConfig, image, entrypoint: ['sleep', 'infinity'], timeoutSeconds: 600, readyTimeoutSeconds: 60,
    networkPolicy: { defaultAction: 'deny', egress: [{ action: 'allow', target: allowed }] },
  });
  try {
    const endpoint = await sandbox.getEndpoint(18080);
    emit({ step: 'endpoint', endpoint: endpoint.endpoint,
      token: Boolean(endpoint.headers && endpoint.headers['OPENSANDBOX-EGRESS-AUTH']) });
    emit({ step: 'policy', policy: await sandbox.getEgressPolicy() });
    const before = await sandbox.commands.run(resolve);
    check(before.exitCode === 0, `resolve exit code ${before.exitCode}`);
    emit({ step: 'before', stdout: texts(before.logs.stdout) });

    await sandbox.patchEgressRules([{ action: 'allow', target: blocked }]);
    emit({ step: 'patched', policy: await sandbox.getEgressPolicy() });
    const after = await sandbox.commands.run(resolve);
    emit({ step: 'after', stdout: texts(after.logs.stdout) });
  } finally {
    await sandbox.kill();
  }
  emit({ result: 'ok' });
}

main().catch((e) => fail(`${e && e.stack ? e.stack : e}`));
