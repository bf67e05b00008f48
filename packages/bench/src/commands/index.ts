import type { Command } from 'commander';

/** A command module: its folder's index.ts, which exports `register(program)`. */
export interface CommandModule {
  register(program: Command): void;
}

/**
 * Each command lives in its own folder; add one line here per command name. Modules are imported only when
 * their command runs (all of them only for the top-level help), so a process loads the code of its own
 * command and no other: `unet3d flops` never loads the report's figure stack, and a bench row's child
 * (`bench-row`) never loads the results writer or the report.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  bench: () => import('./bench/index.js'),
  'bench-row': () => import('./bench/index.js'),
  verify: () => import('./verify/index.js'),
  flops: () => import('./flops/index.js'),
  train: () => import('./train/index.js'),
  evaluate: () => import('./evaluate/index.js'),
  accuracy: () => import('./accuracy/index.js'),
  report: () => import('./report/index.js'),
  gate: () => import('./gate/index.js'),
  tune: () => import('./tune/index.js'),
  doctor: () => import('./doctor/index.js'),
};

/** The modules to register for these arguments: the named command's, or every one (help, unknown names). */
export async function commandModulesFor(argv: readonly string[]): Promise<CommandModule[]> {
  const name = argv.find((a) => !a.startsWith('-'));
  const load = name !== undefined ? COMMANDS[name] : undefined;
  if (load) return [await load()];
  const unique = [...new Set(Object.values(COMMANDS))];
  const modules = await Promise.all(unique.map((l) => l()));
  return [...new Set(modules)];
}
