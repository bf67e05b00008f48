/**
 * Children that die with their parent. A bench's children (each row's measuring process, the pre-bench
 * tune) are started with `node --import <PARENT_WATCHDOG_IMPORT>` and the parent's pid in
 * `UNET3D_PARENT_PID`: every 250 ms the child compares its parent pid with that one; once the parent is
 * gone (killed with SIGKILL, so it could not stop them itself; the child is re-parented), the child removes
 * the folder named in `UNET3D_REMOVE_ON_ORPHAN` (its job folder) and ends itself with SIGTERM, then
 * SIGKILL 2 s later if a handler kept it alive; a child that ends another way once orphaned (e.g. its
 * write to the dead parent's stderr pipe fails) removes the folder on exit. A child that finds its parent already gone at start ends at
 * once. The timer is unref'd (it never keeps a child alive) and runs between event-loop turns, so a child
 * inside one long synchronous call notices when that call returns.
 *
 * Inline (a data: URL), so the same works from the offline bundle, where no source file sits beside the CLI.
 */
const WATCHDOG_SOURCE = `
import { rmSync } from 'node:fs';
const expected = Number(process.env.UNET3D_PARENT_PID);
if (Number.isInteger(expected) && expected > 0) {
  let ending = false;
  const removeFolder = () => {
    const dir = process.env.UNET3D_REMOVE_ON_ORPHAN;
    if (dir) {
      try { rmSync(dir, { recursive: true, force: true }); } catch {}
    }
  };
  const check = () => {
    if (process.ppid === expected) return;
    if (!ending) {
      ending = true;
      removeFolder();
      process.kill(process.pid, 'SIGTERM');
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 2000).unref();
    }
  };
  check();
  setInterval(check, 250).unref();
  // Writing to the dead parent's pipe (EPIPE) may end the child first: clean up on that way out too.
  process.on('exit', () => {
    if (process.ppid !== expected) removeFolder();
  });
}
`;

/** The `--import` argument that installs the watchdog in a child (see the module comment). */
export const PARENT_WATCHDOG_IMPORT = `data:text/javascript,${encodeURIComponent(WATCHDOG_SOURCE)}`;

/** Node arguments and environment that make a child die with this process. */
export function watchdogFor(removeOnOrphan?: string): { execArgv: string[]; env: Record<string, string> } {
  return {
    execArgv: ['--import', PARENT_WATCHDOG_IMPORT],
    env: {
      UNET3D_PARENT_PID: String(process.pid),
      ...(removeOnOrphan ? { UNET3D_REMOVE_ON_ORPHAN: removeOnOrphan } : {}),
    },
  };
}
