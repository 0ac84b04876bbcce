// Preloaded (--import) into each process the demo starts, whose stdin is a pipe from the demo: when the demo dies without
// stopping it (kill -9, a crash), stdin ends and the process stops as on SIGTERM, so no orphan keeps a port.
process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
process.stdin.resume();
// Watching stdin must not keep the process alive once its own work is done.
process.stdin.unref();
