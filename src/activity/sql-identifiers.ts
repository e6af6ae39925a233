/**
 * Table and column names: checked when the source is built, quoted in every statement. Values never go
 * through here: they are always bound as parameters.
 * @module
 * @internal
 */
import { InvalidArgumentError } from '../errors.js';
import type { SqlDialect } from './sql-errors.js';

// Letters, digits and `_`, not starting with a digit, at most 63 characters (PostgreSQL's limit; MySQL's is
// 64). Nothing a quote could be hidden in, so quoting can never be escaped from.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A checked name: one part (`created_at`) or, for tables, two (`analytics.webhook_raw_logs`). @internal */
export type Identifier = readonly string[];

/**
 * Checks a table or column name.
 * @param value - The name; a table may be `schema.table`.
 * @param argument - The option, for the error (`options.table`).
 * @param qualified - Whether `schema.name` is allowed.
 * @throws {@link InvalidArgumentError} naming the option.
 * @internal
 */
export function identifier(value: unknown, argument: string, qualified = false): Identifier {
  const rule = qualified
    ? 'a name of letters, digits and _ (not starting with a digit, at most 63 characters), optionally schema.name'
    : 'a name of letters, digits and _ (not starting with a digit, at most 63 characters)';
  if (typeof value !== 'string') throw new InvalidArgumentError(argument, `must be ${rule}`);
  const parts = value.split('.');
  if (parts.length > (qualified ? 2 : 1) || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new InvalidArgumentError(argument, `must be ${rule}`);
  }
  return parts;
}

/** The quoted form of a checked name: `` `a`.`b` `` for MySQL, `"a"."b"` for PostgreSQL. @internal */
export function quote(dialect: SqlDialect, name: Identifier): string {
  const mark = dialect === 'mysql' ? '`' : '"';
  return name.map((part) => `${mark}${part}${mark}`).join('.');
}
