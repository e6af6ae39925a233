/**
 * The README's command-line examples are real output: this regenerates them from the built binary against
 * `whatsapp-gateway simulate` and fails when they drift (ports, the simulator's secrets and durations aside).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

it('README command-line examples match what the command prints', async () => {
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'scripts/readme-cli.mjs'), '--check'],
      { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('README command-line examples match real output (7 blocks)');
}, 70_000);
