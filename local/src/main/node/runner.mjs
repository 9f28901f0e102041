// Runs executions of one state machine with aws-local-stepfunctions, answering every Task state
// from the Java side (dev.bakery.local.statemachine.LocalStateMachine) over JSON lines:
//
//   stdin  <- {"type":"init","definition":{...}}                       once, first
//             {"type":"start","execution":NAME,"input":{...},"context":{...}}
//             {"type":"stop","execution":NAME}
//             {"type":"answer","call":N,"output":...}
//             {"type":"answer","call":N,"error":E,"cause":C}
//             {"type":"answer","call":N,"timedOut":true}
//   stdout -> {"type":"ready"} | {"type":"fatal","message":M}
//             {"type":"call","call":N,"execution":NAME,"state":S,"resource":R,"parameters":{...},
//              "timeoutSeconds":T|null,"heartbeatSeconds":H|null}
//             {"type":"done","execution":NAME,"status":"SUCCEEDED|FAILED|TIMED_OUT|ABORTED","output"|"error","cause"}
//
// argv[2] is the directory whose node_modules holds aws-local-stepfunctions, so this file can live anywhere.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import readline from 'node:readline';

const require = createRequire(join(process.argv[2], 'package.json'));
const { StateMachine, ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } = require('aws-local-stepfunctions');

// setTimeout's limit: a larger delay fires at once. AWS's default task timeout (99999999 s) means "none".
const NO_TIMEOUT_SECONDS = 2147483;

let machine;
let taskStates;
let nextCall = 1;
const pendingCalls = new Map();
const runningExecutions = new Map();

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

// Every Task state of the definition, Map and Parallel bodies included (state names are unique
// within a whole state machine).
function collectTaskStates(states, found) {
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') {
      found.set(name, state);
    }
    const body = state.ItemProcessor ?? state.Iterator;
    if (body) {
      collectTaskStates(body.States, found);
    }
    for (const branch of state.Branches ?? []) {
      collectTaskStates(branch.States, found);
    }
  }
  return found;
}

// The library resolves TimeoutSecondsPath against a Task's *parameters*, AWS against its input, and it
// ignores HeartbeatSeconds. So each Task state gets a parameter envelope that carries the timeouts
// resolved against its input, and the library's timer reads the timeout from that envelope.
function envelop(state) {
  const envelope = 'Parameters' in state ? { parameters: state.Parameters } : { 'parameters.$': '$' };
  if (state.TimeoutSecondsPath !== undefined) {
    envelope['timeoutSeconds.$'] = state.TimeoutSecondsPath;
    envelope['libraryTimeoutSeconds.$'] = state.TimeoutSecondsPath;
  } else {
    envelope.timeoutSeconds = state.TimeoutSeconds ?? null;
    envelope.libraryTimeoutSeconds = state.TimeoutSeconds ?? NO_TIMEOUT_SECONDS;
  }
  if (state.HeartbeatSecondsPath !== undefined) {
    envelope['heartbeatSeconds.$'] = state.HeartbeatSecondsPath;
  } else {
    envelope.heartbeatSeconds = state.HeartbeatSeconds ?? null;
  }
  state.Parameters = envelope;
  delete state.TimeoutSeconds;
  delete state.HeartbeatSeconds;
  delete state.HeartbeatSecondsPath;
  // The library's own timer must fire for a timeout: its States.Timeout is the one Retry and Catch
  // treat as a timeout (States.TaskFailed does not match it).
  state.TimeoutSecondsPath = '$.libraryTimeoutSeconds';
}

function taskHandlers(execution) {
  const handlers = {};
  for (const [stateName, state] of taskStates) {
    handlers[stateName] = (envelope) => callJava(execution, stateName, state.Resource, envelope);
  }
  return handlers;
}

function callJava(execution, stateName, resource, envelope) {
  const call = nextCall++;
  return new Promise((resolve, reject) => {
    pendingCalls.set(call, { execution, resolve, reject });
    send({
      type: 'call', call, execution, state: stateName, resource, parameters: envelope.parameters ?? null,
      timeoutSeconds: envelope.timeoutSeconds ?? null, heartbeatSeconds: envelope.heartbeatSeconds ?? null,
    });
  });
}

function answer(message) {
  const pending = pendingCalls.get(message.call);
  if (!pending) {
    return;
  }
  pendingCalls.delete(message.call);
  if (message.timedOut) {
    return; // the library's timer, armed with the same timeout before Java's, fails the state
  }
  if (message.error !== undefined) {
    const error = new Error(message.cause ?? '');
    error.name = message.error;
    pending.reject(error);
  } else {
    pending.resolve(message.output ?? null);
  }
}

function start(message) {
  const name = message.execution;
  const context = message.context ?? {};
  // The library has no per-state context: read at the time a state's parameters are built, this is
  // when the state was entered.
  context.State = {
    get EnteredTime() {
      return new Date().toISOString();
    },
  };
  let run;
  try {
    run = machine.run(message.input, { overrides: { taskResourceLocalHandlers: taskHandlers(name) }, context });
  } catch (error) {
    send({ type: 'done', execution: name, ...outcome(error) });
    return;
  }
  runningExecutions.set(name, run.abort);
  run.result.then(
    (output) => send({ type: 'done', execution: name, status: 'SUCCEEDED', output }),
    (error) => send({ type: 'done', execution: name, ...outcome(error) }),
  ).finally(() => {
    runningExecutions.delete(name);
    forgetCalls(name);
  });
}

// Calls still open when an execution ended (stopped, or a Map item failed): Java abandons them unanswered.
function forgetCalls(execution) {
  for (const [call, pending] of pendingCalls) {
    if (pending.execution === execution) {
      pendingCalls.delete(call);
    }
  }
}

function outcome(error) {
  if (error instanceof ExecutionAbortedError) {
    return { status: 'ABORTED' };
  }
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the execution ran longer than its TimeoutSeconds' };
  }
  const cause = error instanceof ExecutionError ? error.cause : error;
  return { status: 'FAILED', error: cause?.name ?? 'Error', cause: cause?.message ?? String(cause) };
}

function init(message) {
  const definition = message.definition;
  taskStates = collectTaskStates(definition.States, new Map());
  // Validate the definition as written, then run the enveloped copy.
  new StateMachine(structuredClone(definition));
  for (const state of taskStates.values()) {
    envelop(state);
  }
  machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  send({ type: 'ready' });
}

const handlers = {
  init,
  start,
  stop: (message) => runningExecutions.get(message.execution)?.(),
  answer,
};

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let message;
  try {
    message = JSON.parse(line);
    handlers[message.type](message);
  } catch (error) {
    send({ type: 'fatal', message: machine ? `${message?.type ?? 'unreadable'} message failed: ${error.message}` : error.message });
    if (!machine) {
      process.exit(1);
    }
  }
});
// The Java side went away: nothing can answer a Task any more.
lines.on('close', () => process.exit(0));
