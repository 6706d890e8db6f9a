'use strict';
/*
 * The worker of nodejs functions, run as `node bootstrap_node.cjs` (CommonJS whatever the package).
 *
 * Behaviour follows AWS's Node.js runtime (aws-lambda-nodejs-runtime-interface-client): handler
 * resolution (`dir/file.nested.fn`, CommonJS or ES module) and its Runtime.* errors, async and
 * callback handlers (callbackWaitsForEmptyEventLoop included), the error object
 * {errorType, errorMessage, trace}, console lines `time\trequestId\tLEVEL\tmessage`.
 * Frames: see protocol.py (kind byte, aux u32, length u32, body; big-endian).
 */

const fs = require('fs');
const net = require('net');
const path = require('path');
const url = require('url');
const util = require('util');

const controlFd = Number(process.env._APIGATE_CONTROL_FD);
delete process.env._APIGATE_CONTROL_FD;
const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();

const channel = new net.Socket({ fd: controlFd, readable: true, writable: true });
let exitCode = 0;
channel.on('error', () => process.exit(exitCode));
channel.on('close', () => process.exit(exitCode)); // the gateway ended this environment

function send(kind, body, aux) {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const header = Buffer.allocUnsafe(9);
  header.write(kind, 0, 'latin1');
  header.writeUInt32BE(aux || 0, 1);
  header.writeUInt32BE(payload.length, 5);
  channel.write(Buffer.concat([header, payload]));
}

function maxRssKb() {
  return process.resourceUsage().maxRSS;
}

// --- logs: console.* as AWS formats them, raw writes to stdout/stderr as they are

let currentRequestId; // undefined during init, as AWS prints it

function consoleMethod(level) {
  return (...args) => {
    const message = util.format(...args);
    send('L', `${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}\n`);
  };
}
console.log = consoleMethod('INFO');
console.info = consoleMethod('INFO');
console.warn = consoleMethod('WARN');
console.error = consoleMethod('ERROR');
console.debug = consoleMethod('DEBUG');
console.trace = consoleMethod('TRACE');
console.fatal = consoleMethod('FATAL');

for (const stream of [process.stdout, process.stderr]) {
  stream.write = (chunk, encoding, done) => {
    const enc = typeof encoding === 'string' ? encoding : 'utf8';
    send('L', typeof chunk === 'string' ? Buffer.from(chunk, enc) : Buffer.from(chunk));
    const cb = typeof encoding === 'function' ? encoding : done;
    if (typeof cb === 'function') process.nextTick(cb);
    return true;
  };
}

// --- errors

// One class per type, named on the prototype as AWS's are (so `name` is not an own property).
const runtimeErrorClasses = {};
for (const type of ['ImportModuleError', 'HandlerNotFound', 'MalformedHandlerName', 'UserCodeSyntaxError',
  'UnmarshalError', 'UnhandledPromiseRejection']) {
  runtimeErrorClasses[type] = class extends Error {};
  runtimeErrorClasses[type].prototype.name = `Runtime.${type}`;
}

function runtimeError(type, message) {
  return new runtimeErrorClasses[type](message);
}

function toRapidResponse(error) {
  try {
    if (util.types.isNativeError(error) || (error && typeof error.name === 'string'
        && typeof error.message === 'string' && typeof error.stack === 'string')) {
      return { errorType: error.name, errorMessage: error.message, trace: error.stack.split('\n') };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch (_err) {
    return {
      errorType: 'handled',
      errorMessage: 'callback called with Error argument, but there was a problem while retrieving one or'
        + ' more of its message, name, and stack',
    };
  }
}

function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_k, v) => {
      if (!(v instanceof Error)) return v;
      const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
      if (typeof v.stack === 'string') out.stack = v.stack.split('\n');
      return out;
    });
  } catch (_err) {
    return '\t' + JSON.stringify(toRapidResponse(error));
  }
}

// --- loading the handler

function hasTypeModule(folder) {
  const stop = path.dirname(taskRoot);
  for (let dir = folder; dir !== stop && !dir.endsWith('/node_modules'); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return JSON.parse(fs.readFileSync(manifest, 'utf8')).type === 'module';
      } catch (_err) {
        return false;
      }
    }
    if (dir === path.dirname(dir)) break;
  }
  return false;
}

async function requireModule(moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const esm = hasTypeModule(path.dirname(base));
  const importFile = async (file) => import(url.pathToFileURL(file).href);
  if (fs.existsSync(base)) return require(base);
  if (fs.existsSync(base + '.js')) return esm ? importFile(base + '.js') : require(base + '.js');
  if (fs.existsSync(base + '.mjs')) return importFile(base + '.mjs');
  if (fs.existsSync(base + '.cjs')) return require(base + '.cjs');
  return require(require.resolve(moduleName, { paths: [taskRoot, moduleRoot] }));
}

async function loadHandler(fullHandler) {
  if (fullHandler.includes('..')) {
    throw runtimeError('MalformedHandlerName', `'${fullHandler}' is not a valid handler name. Use absolute`
      + ' paths when specifying root directories in handler names.');
  }
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = handlerString.match(/^([^.]*)\.(.*)$/);
  if (!match) throw runtimeError('MalformedHandlerName', 'Bad handler');
  let app;
  try {
    app = await requireModule(moduleRoot, match[1]);
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('UserCodeSyntaxError', String(error));
    if (error && error.code === 'MODULE_NOT_FOUND') throw runtimeError('ImportModuleError', String(error));
    throw error;
  }
  const handler = match[2].split('.').reduce((nested, key) => nested && nested[key], app);
  if (!handler) throw runtimeError('HandlerNotFound', `${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('HandlerNotFound', `${fullHandler} is not a function`);
  return handler;
}

// --- invocations

// What keeps the event loop alive while the worker is idle (the control socket): a callback
// handler is answered once nothing beyond this is left, as AWS does (callbackWaitsForEmptyEventLoop).
let idleResources = [];

function loopIsEmpty() {
  const left = [...idleResources];
  for (const resource of process.getActiveResourcesInfo()) {
    const i = left.indexOf(resource);
    if (i < 0) return false;
    left.splice(i, 1);
  }
  return true;
}

function whenLoopEmpty(fn) {
  if (typeof process.getActiveResourcesInfo !== 'function') return setImmediate(fn);
  let delay = 0;
  const check = () => {
    if (loopIsEmpty()) return fn();
    delay = Math.min(delay ? delay * 2 : 1, 20);
    return setTimeout(check, delay).unref(); // unref'd: the poll itself must not count as work
  };
  return setImmediate(check);
}

let active = null; // the invocation in progress: { requestId, settled }

function postResult(invocation, result) {
  let body;
  try {
    body = JSON.stringify(result === undefined ? null : result);
  } catch (error) {
    postError(invocation, error);
    return;
  }
  active = null;
  send('O', body === undefined ? 'null' : body, maxRssKb());
}

function postError(invocation, error) {
  console.error('Invoke Error', toFormatted(error));
  active = null;
  send('F', JSON.stringify(toRapidResponse(error)), maxRssKb());
}

function invoke(handler, header, payload) {
  const [requestId, deadline, invokedArn, ...rest] = header.split('\n');
  const clientContext = rest.join('\n');
  currentRequestId = requestId;
  const invocation = { requestId, settled: false };
  active = invocation;

  const settle = (error, result) => {
    if (invocation.settled) return;
    invocation.settled = true;
    if (error !== undefined && error !== null) postError(invocation, error);
    else postResult(invocation, result);
  };
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: invokedArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    identity: undefined,
    clientContext: clientContext ? JSON.parse(clientContext) : undefined,
    getRemainingTimeInMillis: () => Math.max(Number(deadline) - Date.now(), 0),
  };
  const viaCallback = (error, result) => {
    if (context.callbackWaitsForEmptyEventLoop) whenLoopEmpty(() => settle(error, result));
    else settle(error, result);
  };
  context.succeed = (result) => settle(null, result);
  context.fail = (error) => settle(error === undefined || error === null ? 'handled' : error);
  context.done = (error, result) => settle(error, result);

  let event;
  try {
    event = payload.length ? JSON.parse(payload.toString('utf8')) : {};
  } catch (error) {
    settle(runtimeError('UnmarshalError', `Unable to unmarshal input: ${error.message}`));
    return;
  }
  try {
    const returned = handler(event, context, viaCallback);
    if (returned && typeof returned.then === 'function') {
      returned.then((result) => settle(null, result), (error) => settle(error === undefined ? 'undefined' : error));
    } else if (handler.length < 3) {
      // A synchronous handler without a callback: AWS answers null once the event loop is empty.
      whenLoopEmpty(() => settle(null, undefined));
    }
  } catch (error) {
    settle(error);
  }
}

function failProcess(label, error, code) {
  console.error(label, toFormatted(error));
  const invocation = active;
  if (invocation && !invocation.settled) {
    invocation.settled = true;
    send('F', JSON.stringify(toRapidResponse(error)), maxRssKb());
  }
  exitCode = code;
  channel.end();
}

process.on('uncaughtException', (error) => failProcess('Uncaught Exception', error, 129));
process.on('unhandledRejection', (reason) => {
  const error = runtimeError('UnhandledPromiseRejection', String(reason));
  failProcess('Unhandled Promise Rejection', error, 128);
});

async function main() {
  let handler;
  try {
    process.chdir(taskRoot);
    handler = await loadHandler(process.env._HANDLER || '');
  } catch (error) {
    console.error('Uncaught Exception', toFormatted(error));
    send('E', JSON.stringify(toRapidResponse(error)), maxRssKb());
    exitCode = 129;
    channel.end();
    return;
  }
  let buffer = Buffer.alloc(0);
  channel.on('data', (chunk) => {
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    while (buffer.length >= 9) {
      const aux = buffer.readUInt32BE(1);
      const length = buffer.readUInt32BE(5);
      if (buffer.length < 9 + length) break;
      const body = buffer.subarray(9, 9 + length);
      buffer = buffer.subarray(9 + length);
      invoke(handler, body.subarray(0, aux).toString('utf8'), body.subarray(aux));
    }
  });
  setImmediate(() => {
    if (typeof process.getActiveResourcesInfo === 'function') idleResources = process.getActiveResourcesInfo();
    send('R', '', maxRssKb());
  });
}

main();
