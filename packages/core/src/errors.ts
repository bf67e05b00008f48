/**
 * Typed errors. Every error the project raises for bad input or a missing dependency says what is wrong
 * (`message`) and how to fix it (`hint`), so a CLI can print one line without a stack trace.
 */
export type ErrorCode =
  | 'SHAPE'
  | 'CONFIG'
  | 'BACKEND_UNAVAILABLE'
  | 'UNKNOWN_BACKEND'
  | 'DEVICE'
  | 'DATA_FILE'
  | 'LIBRARY_NOT_FOUND';

export class Unet3dError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  constructor(code: ErrorCode, message: string, hint?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.hint = hint;
  }
  /** One line for a terminal: the problem, then the fix. */
  toOneLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** An impossible tensor or convolution shape. */
export class ShapeError extends Unet3dError {
  constructor(message: string, hint?: string) {
    super('SHAPE', message, hint);
  }
}

/** A bad option value: unknown model, malformed channel list, unknown precision... */
export class ConfigError extends Unet3dError {
  constructor(message: string, hint?: string) {
    super('CONFIG', message, hint);
  }
}

/** A device (CPU, CUDA) could not be created or an operation on it failed. */
export class DeviceError extends Unet3dError {
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super('DEVICE', message, hint, options);
  }
}

/** A file we read (results, checkpoint, tuning log) is missing, corrupt or of another schema version. */
export class DataFileError extends Unet3dError {
  constructor(message: string, hint?: string, options?: ErrorOptions) {
    super('DATA_FILE', message, hint, options);
  }
}

/** A shared library (libcuda, NVRTC, cuDNN) could not be found or loaded. */
export class LibraryNotFoundError extends Unet3dError {
  readonly library: string;
  readonly searched: readonly string[];
  constructor(library: string, searched: readonly string[], hint: string, options?: ErrorOptions) {
    super(
      'LIBRARY_NOT_FOUND',
      `${library} not found (searched: ${searched.length ? searched.join(', ') : 'nothing'})`,
      hint,
      options,
    );
    this.library = library;
    this.searched = searched;
  }
}

/** Render any thrown value as one line (no stack) for a CLI. */
export function errorToOneLine(err: unknown): string {
  if (err instanceof Unet3dError) return err.toOneLine();
  if (err instanceof Error) return err.message;
  return String(err);
}
