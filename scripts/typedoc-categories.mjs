// @ts-check
// A typedoc plugin: sorts the exports of each entry point into categories by the source folder they are
// declared in, so the API reference's navigation shows a few groups (clients, sessions, errors, ...) instead
// of one flat list of some 100 names, without a `@category` tag on every declaration. A declaration that
// has its own `@category` tag keeps it.
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** The category of a source file, by path (first match wins); paths are relative to `src/`. */
const CATEGORIES = [
  // The `watch` subpath: its entry (src/watch/) and the modules it re-exports (src/sessions/watch*.ts).
  [/^(sessions\/)?watch/, 'Live updates'],
  [/^sessions\//, 'Sessions'],
  [/^gateway\//, 'Gateway client'],
  [/^wppconnect\//, 'WPPConnect client'],
  [/^(http\/|logger\.ts)/, 'HTTP, retries and logging'],
  [/^errors\.ts/, 'Errors'],
  [/^webhooks\//, 'Webhooks and activity'],
  [/^store\//, 'Stores'],
  [/^activity\/.*errors/, 'Errors'],
  [/^activity\//, 'SQL activity source'],
  [/^handler\//, 'HTTP handler'],
  [/^testing\/(fake-|gateway-status|http-kit|wpp-sessions)/, 'Fakes'],
  [/^testing\/(server|nginx)/, 'Simulator'],
  [/^testing\/seed/, 'Seeding'],
  [/^testing\/(clock|png)/, 'Clock and QR images'],
  [/^testing\/msw/, 'MSW'],
  [/^(ids|qr)\.ts/, 'Session ids and QR codes'],
];

/** Top-level kinds that get a category (members of a class or interface do not). */
const TOP_LEVEL =
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Function |
  ReflectionKind.Variable |
  ReflectionKind.Enum;

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** @type {Map<import('typedoc').Reflection, string>} */
  const categoryOf = new Map();
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(TOP_LEVEL) || !reflection.parent?.kindOf(ReflectionKind.Module)) return;
    const fileName = context.project.getSymbolIdFromReflection(reflection)?.fileName.replace(/\\/g, '/');
    const path = fileName?.split('/src/').pop();
    if (!path) return;
    const match = CATEGORIES.find(([pattern]) => /** @type {RegExp} */ (pattern).test(path));
    if (match) categoryOf.set(reflection, /** @type {string} */ (match[1]));
    else
      app.logger.warn(
        `categories: no category for ${reflection.name} (src/${path}); add one in scripts/typedoc-categories.mjs`,
      );
  });
  app.converter.on(
    Converter.EVENT_RESOLVE_BEGIN,
    () => {
      for (const [reflection, category] of categoryOf) {
        reflection.comment ??= new Comment();
        if (reflection.comment.getTag('@category')) continue;
        reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: category }]));
      }
    },
    // Before typedoc's own category plugin reads the tags.
    200,
  );
}
