// Preloaded into the Azurite a silo starts (node --require): Azurite ends when that silo is gone, however it went.
// The silo holds the write end of Azurite's stdin and never writes; when the silo exits (SIGKILL included) the kernel
// closes it and stdin reads end-of-file. Azurite then gets the SIGTERM it saves its data on, and exits regardless
// after a grace period. Azurite runs in a session of its own (setsid) so that Ctrl-C in the silo's terminal does not
// reach it: the silo still needs storage while it shuts down, and stops Azurite itself afterwards.
'use strict';

const graceMs = 10_000;
let ending = false;

function endWithSilo() {
  if (ending) return;
  ending = true;
  // Azurite's stdout and stderr are pipes to the silo, which is gone: the "closing..." lines its shutdown prints
  // would fail with EPIPE, an unhandled stream error that ends the process before it has saved its tables (the
  // writes it acknowledged since its last autosave, up to 5 s of them, would be lost). Print nothing from here on.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) console[method] = () => {};
  setTimeout(() => process.exit(1), graceMs).unref();
  process.kill(process.pid, 'SIGTERM');
}

process.stdin.on('end', endWithSilo);
process.stdin.on('error', endWithSilo);
process.stdin.resume();
