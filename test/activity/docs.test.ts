/**
 * The SQL in the guide is the SQL the helpers produce (and the tests run): docs cannot drift from the code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  activityTableSql,
  jsonPayloadMigrationSql,
  MESSAGE_EVENT_TYPES,
  webhookLogTableSql,
} from '../../src/activity/index.js';

const guide = readFileSync(new URL('../../docs/guide.md', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('docs of the SQL activity source', () => {
  it.each(['mysql', 'postgres'] as const)(
    'the guide holds the %s schemas and migration verbatim',
    (dialect) => {
      for (const statement of [
        activityTableSql({ dialect }),
        ...webhookLogTableSql({ dialect }),
        ...jsonPayloadMigrationSql({ dialect }),
      ]) {
        expect(guide).toContain(`${statement};`);
      }
    },
  );

  it('names the default message events, and the README points at the guide section', () => {
    for (const event of MESSAGE_EVENT_TYPES) expect(guide).toContain(`\`${event}\``);
    expect(guide).toContain('## Where activity comes from');
    expect(readme).toContain('docs/guide.md#where-activity-comes-from');
    expect(readme).toContain('WPP_ACTIVITY_DB');
  });
});
