import { Unet3dError } from '@unet3d/core';

/** No usable C compiler: none on PATH, or `CC` names a program that does not exist or does not run. */
export class NativeUnavailableError extends Unet3dError {
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super('BACKEND_UNAVAILABLE', message, hint, options);
  }
}

/**
 * A C source failed to build (compiler error, timeout, or the compiler could not be started). The message is
 * one line: what was built (`name`), with which compiler, and the compiler's first error line.
 */
export class CompileError extends Unet3dError {
  readonly buildName: string;
  /** The compiler's complete diagnostic output (stderr), for logs. */
  readonly stderr: string;
  constructor(buildName: string, message: string, stderr: string, hint?: string) {
    super('DEVICE', message, hint);
    this.buildName = buildName;
    this.stderr = stderr;
  }
}
