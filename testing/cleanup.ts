import { constants } from 'node:os';

/**
 * Last-resort teardown: mounts and processes a test made are released even when
 * the run is interrupted or a hook never ran. Each action is synchronous because
 * the `exit` event allows nothing else. Normal teardown unregisters its action.
 */
const actions = new Map<symbol, () => void>();
let installed = false;

/** Registers a synchronous teardown; returns the function that unregisters it. */
export function onProcessExit(action: () => void): () => void {
  install();
  const key = Symbol('cleanup');
  actions.set(key, action);
  return () => {
    actions.delete(key);
  };
}

function runAll(): void {
  // Newest first: a host's process goes before the mount under it.
  for (const [key, action] of [...actions].reverse()) {
    actions.delete(key);
    try {
      action();
    } catch {
      // Keep going: one stuck mount must not keep the others mounted.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      runAll();
      process.exit(128 + constants.signals[signal]);
    });
  }
}
