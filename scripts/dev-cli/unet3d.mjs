#!/usr/bin/env node
// `pnpm unet3d <command> …` in a checkout. pnpm has no script named `unet3d`, so it runs this bin the way
// `pnpm exec` does: no "> unet3d-bench@ unet3d" banner on stdout, so `pnpm unet3d flops --json | jq` works
// without `reporter=silent` in .npmrc. It starts the CLI from TypeScript source (no build step) under the
// `@unet3d/source` export condition; `bench` starts its row children from the same argv and execArgv.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../packages/bench/src/bin.ts', import.meta.url));
const child = spawn(
  process.execPath,
  ['--conditions=@unet3d/source', '--import', 'tsx', bin, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
const forward = (signal) => child.kill(signal);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
child.on('exit', (code, signal) => {
  if (signal) {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.off(s, forward);
    process.kill(process.pid, signal);
    return;
  }
  process.exitCode = code ?? 1;
});
