// Runs code on an execd the way OpenSandbox's code-interpreter SDK does (`codes.createContext(language)`,
// `codes.run(code, { context })`, `codes.run(code, { language })`), built on the OpenSandbox JavaScript SDK
// (@alibaba-group/opensandbox 0.1.11): its typed execd client (createExecdClient) for POST /code/context and its
// ExecutionEventDispatcher to turn the /code event stream into an Execution. The code-interpreter package itself
// (@alibaba-group/opensandbox-code-interpreter) is not on the npm registry this project installs from; its codes
// service sends exactly these requests: POST /code/context {language}, and POST /code
// {code, context: {id, language}} with the language alone when no context is given.
// Environment: EXECD_URL (http://127.0.0.1:PORT), R_LANGUAGE (the language the drop-in spec declares), R_SPEC (the
// drop-in spec's name), DROP_IN_MARK (the value the drop-in spec's env gives DROP_IN_MARK); NODE_PATH must reach
// notebooks-tests/js/node_modules.
// Prints one JSON object per line on stdout ({"step": ...}); the last line is {"result":"ok"}.
'use strict';

const { emit, fail, required, check } = require('./report');

const { ExecutionEventDispatcher } = require('@alibaba-group/opensandbox');
const { createExecdClient } = require('@alibaba-group/opensandbox/internal');

const baseUrl = required('EXECD_URL');
const rLanguage = required('R_LANGUAGE');
const rSpec = required('R_SPEC');
const mark = required('DROP_IN_MARK');

/** Splits an execd event stream: JSON objects separated by blank lines, with or without an SSE `data:` prefix. */
async function* events(response) {
  const decoder = new TextDecoder();
  let buffer = '';
  const parse = (block) => {
    const text = block.split('\n').map((l) => (l.startsWith('data:') ? l.slice(5).trim() : l)).join('\n').trim();
    return text ? JSON.parse(text) : null;
  };
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const ev = parse(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (ev) {
        yield ev;
      }
    }
  }
  const last = parse(buffer);
  if (last) {
    yield last;
  }
}

/** The code-interpreter SDK's codes service, over the base SDK's execd client. */
function codesService(url) {
  const client = createExecdClient({ baseUrl: url });
  return {
    async createContext(language) {
      const { data, error, response } = await client.POST('/code/context', { body: { language } });
      check(!error && response.ok, `create context ${language}: ${response.status} ${JSON.stringify(error)}`);
      check(typeof data.language === 'string' && data.language, `context without a language: ${JSON.stringify(data)}`);
      return { id: data.id, language: data.language };
    },
    async run(code, opts = {}) {
      const context = opts.context ?? { language: opts.language ?? 'python' };
      const response = await fetch(`${url}/code`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ code, context: { id: context.id, language: context.language } }),
      });
      check(response.ok, `run: ${response.status} ${await response.clone().text()}`);
      const execution = { logs: { stdout: [], stderr: [] }, result: [] };
      const dispatcher = new ExecutionEventDispatcher(execution);
      for await (const ev of events(response)) {
        await dispatcher.dispatch(ev);
      }
      return execution;
    },
  };
}

function stdout(execution) {
  return execution.logs.stdout.map((m) => m.text).join('');
}

function summary(execution) {
  return {
    stdout: stdout(execution),
    stderr: execution.logs.stderr.map((m) => m.text).join(''),
    error: execution.error ? { name: execution.error.name, value: execution.error.value } : null,
    results: execution.result.map((r) => r.text),
    complete: Boolean(execution.complete),
  };
}

async function main() {
  const codes = codesService(baseUrl);
  const probe = `cat(R.version$language, Sys.getenv("DROP_IN_MARK"), sep = ":")`;
  const expected = `R:${mark}`;

  // 1. By language, no context: execd's default context for that language.
  const byLanguage = await codes.run(probe, { language: rLanguage });
  check(stdout(byLanguage) === expected, `by language: ${JSON.stringify(summary(byLanguage))}`);
  check(byLanguage.complete, 'by language: no execution_complete');
  emit({ step: 'by_language', ...summary(byLanguage) });

  // 2. A context created by language keeps its state between runs, and returns values as results.
  const context = await codes.createContext(rLanguage);
  await codes.run('x <- 6 * 7', { context });
  const kept = await codes.run('cat(x); x', { context });
  emit({ step: 'by_context', context_language: context.language, context_id: context.id, ...summary(kept) });

  // 3. By kernelspec name: the drop-in's file name, in the same field.
  const byName = await codes.run(probe, { language: rSpec });
  check(stdout(byName) === expected, `by name: ${JSON.stringify(summary(byName))}`);
  const named = await codes.createContext(rSpec);
  const inNamed = await codes.run(probe, { context: named });
  emit({ step: 'by_name', ...summary(byName), context_language: named.language, context_stdout: stdout(inNamed) });

  // 4. An R error comes back as the SDK's error, not as output.
  const failed = await codes.run('stop("drop-in says no")', { context });
  emit({ step: 'error', ...summary(failed) });
}

main().then(() => emit({ result: 'ok' }), (e) => fail(e && e.stack ? e.stack : String(e)));
