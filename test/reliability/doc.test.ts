/**
 * `docs/reliability.md` is generated from the fault matrix and the suite's figures. With
 * `UPDATE_RELIABILITY_DOC=1` this test writes it; otherwise it fails when the committed file differs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderReliabilityDoc } from './doc.js';

const DOC = fileURLToPath(new URL('../../docs/reliability.md', import.meta.url));

describe('docs/reliability.md', () => {
  it('is the rendering of the matrix in test/reliability/matrix.ts', () => {
    const rendered = renderReliabilityDoc();
    if (process.env['UPDATE_RELIABILITY_DOC'] === '1') {
      writeFileSync(DOC, rendered);
      return;
    }
    let committed = '';
    try {
      committed = readFileSync(DOC, 'utf8');
    } catch {
      // missing: reported by the comparison below
    }
    expect(
      committed === rendered,
      'docs/reliability.md is out of date: run UPDATE_RELIABILITY_DOC=1 npx vitest run test/reliability/doc.test.ts',
    ).toBe(true);
  });
});
