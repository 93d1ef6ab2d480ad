// Drives an execd through the OpenSandbox JavaScript SDK (@alibaba-group/opensandbox 0.1.11): its execd adapters
// (health, metrics, commands, files) built by createDefaultAdapterFactory().createExecdStack(), pointed at a base URL
// with the access token as an endpoint header, the way the SDK reaches execd behind a sandbox endpoint.
// Environment: EXECD_URL (http://127.0.0.1:PORT), EXECD_TOKEN, EXECD_WORKDIR (an empty directory the client may fill);
// NODE_PATH must reach notebooks-tests/js/node_modules.
// Prints one JSON object per line on stdout ({"step": ...}); the last line is {"result":"ok"}. Any failed check
// prints {"error": "..."} and exits 1. The checks follow the upstream SDK E2E expectations (reference §7).
'use strict';

const { emit, fail, required, check } = require('./report');

const { ConnectionConfig, createDefaultAdapterFactory } = require('@alibaba-group/opensandbox');

const baseUrl = required('EXECD_URL');
const token = required('EXECD_TOKEN');
const work = required('EXECD_WORKDIR');


function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function stack(headers) {
  const connectionConfig = new ConnectionConfig({ domain: baseUrl, requestTimeoutSeconds: 60, disableMetrics: true });
  return {
    connectionConfig,
    ...createDefaultAdapterFactory().createExecdStack({ connectionConfig, execdBaseUrl: baseUrl, endpointHeaders: headers }),
  };
}

/** Runs fn and returns the error it throws, failing if it does not. */
async function rejection(fn, what) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error(`${what}: expected a rejection, got success`);
}

function texts(messages) {
  return messages.map((m) => m.text);
}

/** A foreground run with every event counted by type. */
async function run(commands, command, opts) {
  const counts = {};
  const execution = await commands.run(command, opts, {
    onEvent: (ev) => { counts[ev.type] = (counts[ev.type] || 0) + 1; },
  });
  return { execution, counts };
}

async function waitFinished(commands, id, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = await commands.getCommandStatus(id);
    if (!status.running) {
      return status;
    }
    check(Date.now() < deadline, `command ${id} still running after ${ms} ms`);
    await sleep(50);
  }
}

async function main() {
  const sdk = stack({ 'X-EXECD-ACCESS-TOKEN': token });
  const { commands, files, health, metrics } = sdk;
  try {
    // --- health, metrics, auth -------------------------------------------------------------------------------
    eq(await health.ping(), true, 'ping');
    emit({ step: 'ping', ok: true });

    const m = await metrics.getMetrics();
    check(m.cpuCount > 0, `cpuCount ${m.cpuCount}`);
    check(m.memoryTotalMiB > 0, `memoryTotalMiB ${m.memoryTotalMiB}`);
    check(m.memoryUsedMiB > 0 && m.memoryUsedMiB <= m.memoryTotalMiB, `memoryUsedMiB ${m.memoryUsedMiB}`);
    check(m.cpuUsedPercentage >= 0, `cpuUsedPercentage ${m.cpuUsedPercentage}`);
    check(m.timestamp > 1.6e12, `timestamp ${m.timestamp} (ms)`);
    emit({ step: 'metrics', ...m });

    const wrong = stack({ 'X-EXECD-ACCESS-TOKEN': 'not-the-token' });
    const missing = stack({});
    try {
      const e1 = await rejection(() => wrong.health.ping(), 'ping with a wrong token');
      const e2 = await rejection(() => missing.health.ping(), 'ping without a token');
      const e3 = await rejection(() => wrong.commands.run('echo nope'), 'command with a wrong token');
      const e4 = await rejection(() => wrong.files.readFile('/etc/hostname'), 'readFile with a wrong token');
      emit({ step: 'auth', wrong: e1.statusCode, missing: e2.statusCode, command: e3.statusCode ?? null,
        file: e4.statusCode ?? null, message: e1.message, command_message: e3.message });
    } finally {
      await wrong.connectionConfig.closeTransport();
      await missing.connectionConfig.closeTransport();
    }

    // --- commands: foreground ----------------------------------------------------------------------------------
    {
      const { execution, counts } = await run(commands, 'echo "Hello OpenSandbox E2E"');
      eq(texts(execution.logs.stdout), ['Hello OpenSandbox E2E'], 'echo stdout');
      eq(execution.logs.stderr.length, 0, 'echo stderr');
      eq(counts.init, 1, 'echo init events');
      eq(counts.execution_complete, 1, 'echo complete events');
      eq(counts.error, undefined, 'echo error events');
      eq(execution.exitCode, 0, 'echo exitCode');
      check(/^[0-9a-f]{32}$/.test(execution.id || ''), `init id ${execution.id}`);
      check(execution.complete.executionTimeMs >= 0, 'execution_time');
      const status = await commands.getCommandStatus(execution.id);
      eq([status.running, status.exitCode], [false, 0], 'foreground command status');
      emit({ step: 'run_echo', id: execution.id, counts, stdout: texts(execution.logs.stdout),
        execution_time: execution.complete.executionTimeMs });
    }
    {
      const { execution, counts } = await run(commands, "printf 'a\\n\\nb\\n\\n\\nc\\n'");
      eq(texts(execution.logs.stdout), ['a', '\n', 'b', '\n', '\n', 'c'], 'blank-line splitting');
      eq([counts.init, counts.execution_complete, execution.exitCode], [1, 1, 0], 'printf init/complete/exit');
      emit({ step: 'run_blank_lines', stdout: texts(execution.logs.stdout) });
    }
    {
      const { execution } = await run(commands, 'pwd', { workingDirectory: '/tmp' });
      eq(texts(execution.logs.stdout), ['/tmp'], 'pwd with workingDirectory /tmp');
      const withEnv = await run(commands, 'echo "$KG_A-$KG_B"', { envs: { KG_A: 'one', KG_B: 'two' } });
      eq(texts(withEnv.execution.logs.stdout), ['one-two'], 'envs');
      emit({ step: 'run_cwd_envs', ok: true });
    }
    {
      const { execution, counts } = await run(commands, 'ls /definitely-not-here-kg; echo to-stderr >&2; exit 3');
      eq(counts.execution_complete, undefined, 'failed command: complete events');
      eq(counts.init, 1, 'failed command: init events');
      check(execution.error, 'failed command: no error');
      eq(execution.error.name, 'CommandExecError', 'failed command: error name');
      eq(execution.error.value, '3', 'failed command: error value');
      eq(execution.exitCode, 3, 'failed command: exitCode');
      const stderr = texts(execution.logs.stderr).join('\n');
      check(stderr.includes('definitely-not-here-kg'), `stderr does not mention the command: ${stderr}`);
      check(stderr.includes('to-stderr'), `stderr: ${stderr}`);
      emit({ step: 'run_failure', error: execution.error, exitCode: execution.exitCode,
        stderr: texts(execution.logs.stderr) });
    }

    // --- commands: background, logs with cursor, status, interrupt ---------------------------------------------
    {
      const started = Date.now();
      const bg = await commands.run('for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done; echo err >&2',
        { background: true });
      const returnedMs = Date.now() - started;
      check(returnedMs < 2000, `background run took ${returnedMs} ms`);
      check(bg.id, 'background run: no id from init');
      let cursor;
      let content = '';
      let calls = 0;
      let status;
      for (;;) {
        status = await commands.getCommandStatus(bg.id);
        const logs = await commands.getBackgroundCommandLogs(bg.id, cursor);
        calls++;
        check(logs.cursor != null, 'logs: no EXECD-COMMANDS-TAIL-CURSOR');
        check(cursor == null || logs.cursor >= cursor, `cursor went back ${cursor} -> ${logs.cursor}`);
        content += logs.content;
        cursor = logs.cursor;
        if (!status.running) {
          const rest = await commands.getBackgroundCommandLogs(bg.id, cursor);
          content += rest.content;
          cursor = rest.cursor;
          break;
        }
        check(Date.now() - started < 15000, 'background command did not finish');
        await sleep(150);
      }
      eq(content, 'line1\nline2\nline3\nline4\nline5\nerr\n', 'background logs read with a cursor');
      eq(cursor, Buffer.byteLength(content), 'final cursor is the byte length');
      eq([status.running, status.exitCode], [false, 0], 'background status after finish');
      eq(status.content, 'for i in 1 2 3 4 5; do echo line$i; sleep 0.2; done; echo err >&2', 'status.content');
      check(status.startedAt instanceof Date && status.finishedAt instanceof Date, 'status timestamps');
      const again = await commands.getBackgroundCommandLogs(bg.id, 0);
      eq(again.content, content, 'logs from cursor 0');
      emit({ step: 'background_logs', id: bg.id, returned_ms: returnedMs, polls: calls, cursor, content });
    }
    {
      const started = Date.now();
      const bg = await commands.run('sleep 30', { background: true });
      const returnedMs = Date.now() - started;
      check(returnedMs < 10000, `background sleep 30 took ${returnedMs} ms`);
      const running = await commands.getCommandStatus(bg.id);
      eq(running.running, true, 'sleep 30 running');
      eq(running.exitCode, null, 'exitCode while running');
      eq(running.finishedAt, null, 'finishedAt while running');
      const t0 = Date.now();
      await commands.interrupt(bg.id);
      const after = await waitFinished(commands, bg.id, 5000);
      const interruptMs = Date.now() - t0;
      check(interruptMs < 4000, `interrupt took ${interruptMs} ms`);
      const again = await rejection(() => commands.interrupt(bg.id), 'interrupt of a finished command');
      const unknown = await rejection(() => commands.interrupt('0123456789abcdef0123456789abcdef'),
        'interrupt of an unknown id');
      emit({ step: 'interrupt', id: bg.id, returned_ms: returnedMs, interrupt_ms: interruptMs,
        exitCode: after.exitCode, error: after.error ?? null, again_status: again.statusCode ?? null,
        unknown_status: unknown.statusCode ?? null });
    }
    {
      const missing = await rejection(() => commands.getCommandStatus('0123456789abcdef0123456789abcdef'),
        'status of an unknown id');
      emit({ step: 'unknown_status', status: missing.statusCode ?? null });
    }

    // --- bash sessions -------------------------------------------------------------------------------------------
    {
      const sid = await commands.createSession({ workingDirectory: '/tmp' });
      check(typeof sid === 'string' && sid.length > 0, `session id ${sid}`);
      const pwd = await commands.runInSession(sid, 'pwd');
      eq(texts(pwd.logs.stdout), ['/tmp'], 'session pwd');
      eq([pwd.exitCode, pwd.complete != null], [0, true], 'session pwd exit');
      const override = await commands.runInSession(sid, 'pwd', { workingDirectory: work });
      eq(texts(override.logs.stdout), [work], 'session cwd override');
      await commands.runInSession(sid, 'export KG_SESSION_VAR=persisted; cd /');
      const echoed = await commands.runInSession(sid, 'echo "$KG_SESSION_VAR"; pwd');
      eq(texts(echoed.logs.stdout), ['persisted', '/'], 'session export and cd persistence');
      const counts = {};
      const exit7 = await commands.runInSession(sid, 'echo before; exit 7', undefined, {
        onEvent: (ev) => { counts[ev.type] = (counts[ev.type] || 0) + 1; },
      });
      eq(exit7.error && exit7.error.value, '7', 'exit 7 error.value');
      eq(exit7.error && exit7.error.name, 'CommandExecError', 'exit 7 error.name');
      eq(exit7.exitCode, 7, 'exit 7 exitCode');
      eq(exit7.complete, undefined, 'exit 7 complete');
      eq(texts(exit7.logs.stdout), ['before'], 'exit 7 stdout');
      await commands.deleteSession(sid);
      const gone = await rejection(() => commands.runInSession(sid, 'true'), 'run in a deleted session');
      const deletedTwice = await rejection(() => commands.deleteSession(sid), 'delete of a deleted session');
      emit({ step: 'session', id: sid, exit7: exit7.error, counts, run_after_delete: gone.statusCode ?? null,
        delete_again: deletedTwice.statusCode ?? null });
    }

    // --- files ---------------------------------------------------------------------------------------------------
    const d = `${work}/files`;
    {
      await files.writeFiles([
        { path: `${d}/a.txt`, data: 'hello world 0123456789', mode: 644 },
        { path: `${d}/run.sh`, data: '#!/bin/sh\necho hi\n', mode: 755 },
        { path: `${d}/secret.txt`, data: new TextEncoder().encode('s3cret'), mode: 600 },
        { path: `${d}/lines.txt`, data: 'line1\nline2\nline3\nline4\nline5' },
        { path: `${d}/owned.txt`, data: 'owned', mode: 644, owner: 'nobody', group: 'nogroup' },
        { path: `${d}/nested/deeper/n.log`, data: 'nested' },
      ]);
      const info = await files.getFileInfo([`${d}/a.txt`, `${d}/run.sh`, `${d}/secret.txt`, `${d}/owned.txt`]);
      eq([info[`${d}/a.txt`].mode, info[`${d}/run.sh`].mode, info[`${d}/secret.txt`].mode], [644, 755, 600],
        'uploaded modes');
      eq(info[`${d}/a.txt`].size, 22, 'a.txt size');
      eq(info[`${d}/a.txt`].type, 'file', 'a.txt type');
      eq(info[`${d}/a.txt`].path, `${d}/a.txt`, 'a.txt path');
      check(info[`${d}/a.txt`].modifiedAt instanceof Date, 'modifiedAt');
      eq([info[`${d}/owned.txt`].owner, info[`${d}/owned.txt`].group], ['nobody', 'nogroup'], 'owner/group');
      emit({ step: 'write_info', modes: Object.fromEntries(Object.entries(info).map(([k, v]) =>
        [k.slice(d.length + 1), v.mode])), owned: [info[`${d}/owned.txt`].owner, info[`${d}/owned.txt`].group] });

      eq(await files.readFile(`${d}/a.txt`), 'hello world 0123456789', 'readFile whole');
      eq(await files.readFile(`${d}/a.txt`, { range: 'bytes=0-9' }), 'hello worl', 'readFile Range bytes=0-9');
      eq(await files.readFile(`${d}/a.txt`, { range: 'bytes=12-' }), '0123456789', 'readFile Range bytes=12-');
      eq(await files.readFile(`${d}/lines.txt`, { offset: 2, limit: 2 }), 'line2\nline3', 'line mode 2/2');
      eq(await files.readFile(`${d}/lines.txt`, { offset: 4 }), 'line4\nline5', 'line mode offset 4');
      eq(Buffer.from(await files.readBytes(`${d}/secret.txt`)).toString(), 's3cret', 'readBytes');
      const chunks = [];
      for await (const chunk of files.readBytesStream(`${d}/nested/deeper/n.log`)) {
        chunks.push(Buffer.from(chunk));
      }
      eq(Buffer.concat(chunks).toString(), 'nested', 'readBytesStream');
      const badRange = await rejection(() => files.readFile(`${d}/a.txt`, { range: 'bytes=100-200' }),
        'unsatisfiable Range');
      const missingFile = await rejection(() => files.readFile(`${d}/nope.txt`), 'readFile of a missing file');
      emit({ step: 'read', range_416: badRange.statusCode ?? null, missing: missingFile.statusCode ?? null });

      const found = await files.search({ path: d, pattern: '*.txt' });
      const names = found.map((f) => f.path.slice(d.length + 1)).sort();
      eq(names, ['a.txt', 'lines.txt', 'owned.txt', 'secret.txt'], 'search *.txt');
      const all = await files.search({ path: d, pattern: '*' });
      check(all.some((f) => f.path === `${d}/nested/deeper/n.log`), 'search * finds nested files');
      emit({ step: 'search', found: names, all: all.length });

      await files.writeFiles([
        { path: `${d}/r1.txt`, data: 'foo bar' },
        { path: `${d}/r2.txt`, data: 'nothing here' },
        { path: `${d}/r3.txt`, data: 'x-x-x' },
      ]);
      const replaced = await files.replaceContentsDetailed([
        { path: `${d}/r1.txt`, oldContent: 'foo', newContent: 'baz' },
        { path: `${d}/r2.txt`, oldContent: 'foo', newContent: 'baz' },
        { path: `${d}/r3.txt`, oldContent: 'x', newContent: 'yy' },
      ]);
      const counts = Object.fromEntries(replaced.map((r) => [r.path.slice(d.length + 1), r.replacedCount]));
      eq(counts, { 'r1.txt': 1, 'r2.txt': 0, 'r3.txt': 3 }, 'replacedCount');
      eq(await files.readFile(`${d}/r1.txt`), 'baz bar', 'r1 after replace');
      eq(await files.readFile(`${d}/r3.txt`), 'yy-yy-yy', 'r3 after replace');
      await files.replaceContents([{ path: `${d}/r2.txt`, oldContent: 'here', newContent: 'there' }]);
      eq(await files.readFile(`${d}/r2.txt`), 'nothing there', 'replaceContents');
      emit({ step: 'replace', counts });

      await files.moveFiles([{ src: `${d}/a.txt`, dest: `${d}/moved/a-moved.txt` }]);
      eq(await files.readFile(`${d}/moved/a-moved.txt`), 'hello world 0123456789', 'moved content');
      const oldGone = await rejection(() => files.getFileInfo([`${d}/a.txt`]), 'info of the moved-away path');
      emit({ step: 'move', old_info_status: oldGone.statusCode ?? null });

      await files.setPermissions([
        { path: `${d}/lines.txt`, mode: 755 },
        { path: `${d}/r1.txt`, mode: 600 },
        { path: `${d}/run.sh`, mode: 644, owner: 'nobody', group: 'nogroup' },
      ]);
      const perms = await files.getFileInfo([`${d}/lines.txt`, `${d}/r1.txt`, `${d}/run.sh`]);
      eq([perms[`${d}/lines.txt`].mode, perms[`${d}/r1.txt`].mode, perms[`${d}/run.sh`].mode], [755, 600, 644],
        'modes after setPermissions');
      eq([perms[`${d}/run.sh`].owner, perms[`${d}/run.sh`].group], ['nobody', 'nogroup'], 'chown');
      emit({ step: 'permissions', ok: true });

      await files.deleteFiles([`${d}/r1.txt`, `${d}/r2.txt`]);
      const deleted = await rejection(() => files.getFileInfo([`${d}/r1.txt`]), 'info of a deleted file');
      eq(await files.readFile(`${d}/r3.txt`), 'yy-yy-yy', 'untouched file after delete');
      emit({ step: 'delete_files', info_status: deleted.statusCode ?? null });
    }

    // --- directories ---------------------------------------------------------------------------------------------
    {
      const t = `${work}/dirs`;
      await files.createDirectories([
        { path: `${t}/d755`, mode: 755 },
        { path: `${t}/d644`, mode: 644 },
        { path: `${t}/a/b/c` },
      ]);
      const info = await files.getFileInfo([`${t}/d755`, `${t}/d644`, `${t}/a/b/c`]);
      eq([info[`${t}/d755`].mode, info[`${t}/d644`].mode, info[`${t}/a/b/c`].mode], [755, 644, 755], 'dir modes');
      eq(info[`${t}/d755`].type, 'directory', 'dir type');
      await files.writeFiles([{ path: `${t}/a/top.txt`, data: 'x' }, { path: `${t}/a/b/c/deep.txt`, data: 'y' }]);
      const shallow = (await files.listDirectory({ path: `${t}/a`, depth: 1 })).map((f) => f.path).sort();
      const deep = (await files.listDirectory({ path: `${t}/a`, depth: 3 })).map((f) => f.path).sort();
      check(shallow.includes(`${t}/a/top.txt`) && shallow.includes(`${t}/a/b`), `depth 1 list: ${shallow}`);
      check(!shallow.includes(`${t}/a/b/c/deep.txt`), `depth 1 list is too deep: ${shallow}`);
      check(deep.includes(`${t}/a/b/c/deep.txt`), `depth 3 list: ${deep}`);
      await files.deleteDirectories([`${t}/a`, `${t}/d644`]);
      const gone = await rejection(() => files.getFileInfo([`${t}/a`]), 'info of a deleted directory');
      const kept = await files.getFileInfo([`${t}/d755`]);
      eq(kept[`${t}/d755`].type, 'directory', 'kept directory');
      emit({ step: 'directories', shallow: shallow.map((p) => p.slice(t.length + 1)),
        deep: deep.map((p) => p.slice(t.length + 1)), deleted_info_status: gone.statusCode ?? null });
    }

    emit({ result: 'ok' });
  } finally {
    await sdk.connectionConfig.closeTransport();
  }
}

main().then(() => process.exit(0), (e) => {
  const status = e && e.statusCode != null ? ` (HTTP ${e.statusCode})` : '';
  fail(`${e && e.stack ? e.stack : e}${status}`);
});
