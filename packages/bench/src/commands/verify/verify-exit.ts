/**
 * Exit codes of `unet3d verify`: 0 every check passed; 1 a check failed or the input was bad (one line);
 * 3 the check needs a CUDA device and none could be opened here (so a script can tell "no GPU" from "wrong
 * numbers").
 */
export const VERIFY_EXIT = { pass: 0, fail: 1, noCudaDevice: 3 } as const;
