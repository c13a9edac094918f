import { applyEdits, modify, parse, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { ReplayguardError } from '../errors.js';
import type { RouteRuleAddition } from './noise-approval.js';

/** Indentation as the file already has it (tabs or N spaces), so an edit reads like the rest. */
function formattingOf(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

/**
 * Adds rules to `compare.routes` of a configuration file's text, keeping everything else as written
 * (comments, order, indentation): jsonc-parser edits the text in place rather than re-serialising it.
 * A rule already there is not added twice. Returns the new text and the rules it added.
 */
export function mergeRouteRules(text: string, file: string, additions: readonly RouteRuleAddition[]): { text: string; added: RouteRuleAddition[] } {
  const errors: ParseError[] = [];
  const source = text.trim() === '' ? '{}\n' : text;
  const parsed = parse(source, errors, { allowTrailingComma: true }) as Record<string, unknown> | undefined;
  if (errors.length || !parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: 'the file is not a JSON object, so approved rules cannot be merged into it', source: file });
  }
  const formattingOptions = formattingOf(source);
  let out = source;
  const added: RouteRuleAddition[] = [];
  const present = (a: RouteRuleAddition): boolean => {
    const now = parse(out) as { compare?: { routes?: Record<string, Record<string, unknown[]>> } };
    const list = now.compare?.routes?.[a.route]?.[a.field];
    return Array.isArray(list) && list.some((v) => JSON.stringify(v) === JSON.stringify(a.value));
  };
  for (const a of additions) {
    if (present(a)) continue;
    const now = parse(out) as { compare?: { routes?: Record<string, Record<string, unknown>> } };
    const list = now.compare?.routes?.[a.route]?.[a.field];
    const exists = Array.isArray(list);
    // An existing list gains an item at its end; a missing one is created (with its parents) holding it.
    const path = exists ? ['compare', 'routes', a.route, a.field, list.length] : ['compare', 'routes', a.route, a.field];
    const edits = modify(out, path, exists ? a.value : [a.value], { formattingOptions, ...(exists ? { isArrayInsertion: true } : {}) });
    out = applyEdits(out, edits);
    added.push(a);
  }
  return { text: out, added };
}
