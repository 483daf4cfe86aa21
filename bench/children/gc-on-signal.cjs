// Preloaded into a relay process by the relay-memory benchmark (node --expose-gc --require …):
// on SIGUSR2 run a full garbage collection and say so on stderr, so the benchmark samples RSS
// after the same collection in both relays instead of whenever V8 happened to collect.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
  process.stderr.write('gc-on-signal: collected\n');
});
