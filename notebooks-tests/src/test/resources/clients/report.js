// The JSON-lines protocol the Java tests read from every JS client (see ExternalClient): one object per line on
// stdout, {"error": ...} and exit 1 on a failed check, {"result":"ok"} at the end.
'use strict';

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function fail(message) {
  emit({ error: message });
  process.exit(1);
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    fail(`environment variable ${name} is not set`);
  }
  return value;
}

function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

module.exports = { emit, fail, required, check };
