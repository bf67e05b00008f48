import type { z } from 'zod';

/** `rows[0].perLayer[3].pass` from a zod issue path. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** The first `max` issues on one line: `path: message; path: message (+N more)`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], max = 3): string {
  const shown = issues
    .slice(0, max)
    .map((i) => `${formatIssuePath(i.path)}: ${i.message.replace(/\s+/g, ' ')}`);
  const more = issues.length > max ? ` (+${issues.length - max} more)` : '';
  return shown.join('; ') + more;
}
