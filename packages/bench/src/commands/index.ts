import type { Command } from 'commander';

/** Each command lives in its own folder and exports `register(program)`; add one line here per command. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [];
