import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { noiseSnippet, noiseSnippetText } from '../../../src/report/noise-snippet.js';

describe('noise snippet', () => {
  it.each([
    [{ signature: 'body:/email:removed' }, { ignore: ['/email'] }],
    [{ signature: 'body:/items/*/price:number → string', before: 1, after: '1' }, { ignore: ['/items/*/price'] }],
    [{ signature: 'body:/status:value changed', before: 'paid', after: 'settled' }, { rules: [{ path: '/status', match: 'type' }] }],
    [{ signature: 'body:/meta:value changed', before: {}, after: {} }, { ignore: ['/meta'] }],
    [{ signature: 'header:location:value changed' }, { ignoreHeaders: ['location'] }],
    [{ signature: 'body::bytes changed' }, { ignore: [''] }],
  ])('%o → a route rule configSchema accepts', (input, entry) => {
    const s = noiseSnippet({ method: 'GET', route: '/users/:id', ...input });
    expect(s.config).toEqual({ compare: { routes: { 'GET /users/:id': entry } } });
    const parsed = configSchema.safeParse(JSON.parse(noiseSnippetText({ method: 'GET', route: '/users/:id', ...input })!));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(s.explanation.length).toBeGreaterThan(10);
  });

  it('offers no rule for status changes or text lines, and says why', () => {
    expect(noiseSnippet({ method: 'GET', route: '/x', signature: 'status::404 → 500' })).toMatchObject({ config: null, explanation: expect.stringContaining('status') });
    expect(noiseSnippetText({ method: 'GET', route: '/x', signature: 'body:line *:line changed' })).toBeNull();
  });
});
