/**
 * The browser tests' one outside need, Chromium: skipped with the command
 * that installs it on a developer's machine without it, an error under CI.
 * (Logic only: Chromium's presence is given, so this runs with or without it.)
 */
import { describe, expect, it, vi } from 'vitest';
import { chromiumMissing, chromiumPath } from './support.ts';

describe('chromiumMissing', () => {
  it('lets the browser tests run when the Chromium at CHROMIUM_PATH (default /usr/bin/chromium) is executable', () => {
    const seen: string[] = [];
    const executable = (f: string) => (seen.push(f), true);
    expect(chromiumMissing({}, executable)).toBeNull();
    expect(chromiumMissing({ CHROMIUM_PATH: '/opt/chromium/chrome' }, executable)).toBeNull();
    expect(seen).toEqual(['/usr/bin/chromium', '/opt/chromium/chrome']);
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
  });

  it('outside CI, skips with a message naming the path and the one command that installs Chromium', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const reason = chromiumMissing({ CHROMIUM_PATH: '/nowhere/chromium' }, () => false);
      expect(reason).toBe('Browser tests skipped: Chromium not found at /nowhere/chromium. Install it with: sudo apt-get install chromium (or set CHROMIUM_PATH).');
      expect(warn).toHaveBeenCalledWith(reason);
    } finally {
      warn.mockRestore();
    }
  });

  it('under CI (CI=true or CI=1), a missing Chromium is an error, not a skip', () => {
    for (const CI of ['true', '1']) {
      expect(() => chromiumMissing({ CI }, () => false)).toThrow(/Chromium not found at \/usr\/bin\/chromium, and CI runs every test: install it \(sudo apt-get install chromium\)/);
    }
  });
});
