import { errorToOneLine } from '@unet3d/core';
import { Command, CommanderError } from 'commander';
import { commandModulesFor } from './commands/index.js';

/**
 * Build the `unet3d` program: one sub-command per folder under ./commands; only the command named in `argv`
 * is imported and registered (every command for the top-level help or an unknown name).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('unet3d')
    .description('Reproduce and beat Table 1 of Zhuang et al. (3-D U-Net efficiency for connectomics)')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const mod of await commandModulesFor(argv)) mod.register(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Run the CLI and return the exit code. Known errors print one line (problem and fix), never a stack trace;
 * set UNET3D_DEBUG=1 to see the stack of an unexpected error.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
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
