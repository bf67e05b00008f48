import { readFileSync } from 'node:fs';
import { errorToOneLine } from '@unet3d/core';
import { Command, CommanderError } from 'commander';
import { commandModulesFor } from './commands/index.js';

/** Every message the CLI prints about bad input or a failure starts with this. */
export const ERROR_PREFIX = 'unet3d: error:';

/**
 * The version of `@unet3d/bench`, read from its package.json (one folder above src/ and dist/). The offline
 * bundle has no package.json beside it: then 'unknown'.
 */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      name?: string;
      version?: string;
    };
    if (pkg.name === '@unet3d/bench' && pkg.version) return pkg.version;
  } catch {
    // not beside a package.json (bundled)
  }
  return 'unknown';
}

/**
 * Commander's own errors (unknown option, a value outside `Option.choices`, a missing argument) as one line
 * with the CLI's prefix: `unet3d: error: option '--model <name>' argument 'scaledd' is invalid. Allowed
 * choices are …`, and where to read the usage.
 */
function commanderErrorWriter(usage: string): (str: string, write: (s: string) => void) => void {
  return (str, write) => {
    const line = str
      .trim()
      .replace(/^error:\s*/, '')
      .replace(/\s*\n\s*/g, ' ');
    write(`${ERROR_PREFIX} ${line} (see ${usage})\n`);
  };
}

/**
 * Build the `unet3d` program: one sub-command per folder under ./commands; only the command named in `argv`
 * is imported and registered (every command for the top-level help or an unknown name; none for
 * `--version`).
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('unet3d')
    .description('Reproduce and beat Table 1 of Zhuang et al. (3-D U-Net efficiency for connectomics)')
    .version(cliVersion(), '-V, --version', 'print the version of @unet3d/bench')
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      outputError: commanderErrorWriter('unet3d --help'),
    });
  const versionOnly = argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
  if (!versionOnly) for (const mod of await commandModulesFor(argv)) mod.register(program);
  for (const cmd of program.commands) {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: commanderErrorWriter(`unet3d ${cmd.name()} --help`) });
  }
  return program;
}

/**
 * Run the CLI and return the exit code. Known errors print one line (problem and fix) prefixed
 * `unet3d: error:`, never a stack trace; set UNET3D_DEBUG=1 to see the stack of an unexpected error.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (one line, see commanderErrorWriter) or the help/version.
      return err.exitCode;
    }
    process.stderr.write(`${ERROR_PREFIX} ${errorToOneLine(err)}\n`);
    if (process.env['UNET3D_DEBUG'] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
