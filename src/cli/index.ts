#!/usr/bin/env node
// The `gatehouse` executable: runs the command line and leaves the process to exit once the command is done.
import { runCli } from './program.js';

const exitCode = await runCli(process.argv.slice(2));
// exitCode, not process.exit(): stdout is flushed and every handle is already closed.
if (exitCode !== undefined) process.exitCode = exitCode;
