import { errorToOneLine } from '@unet3d/core';
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands/index.js';

/** Build the `unet3d` program: one sub-command per folder under ./commands. */
export function buildProgram(): Command {
  const program = new Command('unet3d')
    .description('Reproduce and beat Table 1 of Zhuang et al. (3-D U-Net efficiency for connectomics)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of COMMANDS) register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Run the CLI and return the exit code. Known errors print one line (problem and fix), never a stack trace;
 * set UNET3D_DEBUG=1 to see the stack of an unexpected error.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (unknown option, missing argument, --help).
      return err.exitCode;
    }
    process.stderr.write(`unet3d: error: ${errorToOneLine(err)}\n`);
    if (process.env['UNET3D_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
