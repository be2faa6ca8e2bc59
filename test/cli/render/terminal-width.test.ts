import { describe, expect, it } from 'vitest';
import { DEFAULT_WIDTH, outputWidth } from '../../../cli/render/terminal-width.js';

describe('outputWidth', () => {
  it("takes the terminal's columns, else COLUMNS, else 100", () => {
    expect(outputWidth(132, { COLUMNS: '80' })).toBe(132);
    expect(outputWidth(undefined, { COLUMNS: '80' })).toBe(80);
    expect(outputWidth(undefined, {})).toBe(DEFAULT_WIDTH);
    expect(outputWidth(0, { COLUMNS: 'wide' })).toBe(100);
    expect(outputWidth(5, {})).toBe(20);
  });
});
