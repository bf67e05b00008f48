import type { TopLevelSpec } from 'vega-lite';
import { topLevel } from './theme.js';

type UnitLike = Record<string, unknown>;

/** A panel that states why there is nothing to plot (instead of empty axes). */
export function messagePanel(title: string, message: string, width = 420, height = 60): UnitLike {
  return {
    title,
    width,
    height,
    data: { values: [{ message }] },
    mark: {
      type: 'text',
      align: 'left',
      baseline: 'middle',
      fontSize: 12,
      color: '#a00',
      x: 0,
      y: { expr: 'height / 2' },
    },
    encoding: { text: { field: 'message', type: 'nominal' } },
  };
}

/** A whole figure that only states why it could not be drawn. */
export function messageFigure(title: string, message: string): TopLevelSpec {
  return topLevel(messagePanel(title, message));
}
