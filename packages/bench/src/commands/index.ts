import type { Command } from 'commander';
import { register as bench } from './bench/index.js';
import { register as flops } from './flops/index.js';
import { register as gate } from './gate/index.js';
import { register as report } from './report/index.js';
import { register as train } from './train/index.js';
import { register as tune } from './tune/index.js';
import { register as verify } from './verify/index.js';

/** Each command lives in its own folder and exports `register(program)`; add one line here per command. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [
  bench,
  verify,
  flops,
  train,
  report,
  gate,
  tune,
];
