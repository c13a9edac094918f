import { describe, expect, it } from 'vitest';
import { createRouteTemplater, defaultTemplater, placeholderFor } from '../../../src/routes/route-template.js';

describe('automatic route templates', () => {
  it.each([
    ['/', '/'],
    ['/api/users', '/api/users'],
    ['/api/users/1', '/api/users/:id'],
    ['/api/users/8?expand=true&x=1', '/api/users/:id'],
    ['/api/users/123456789012', '/api/users/:id'],
    ['/api/users/-5', '/api/users/:id'],
    ['/api/users/42/', '/api/users/:id/'],
    ['/api/users/me', '/api/users/me'],
    ['/api/v1/users', '/api/v1/users'],
    ['/orders/550e8400-e29b-41d4-a716-446655440000', '/orders/:id'],
    ['/orders/550E8400-E29B-41D4-A716-446655440000/items/3', '/orders/:id/items/:id'],
    ['/commits/a1b2c3d4', '/commits/:id'],
    ['/commits/0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e', '/commits/:id'],
    ['/objects/507f1f77bcf86cd799439011', '/objects/:id'],
    ['/words/deadbeef', '/words/deadbeef'],
    ['/words/facade', '/words/facade'],
    ['/short/a1b2', '/short/a1b2'],
    ['/events/01ARZ3NDEKTSV4RRFFQ69G5FAV', '/events/:id'],
    ['/reports/2024-01-31', '/reports/:date'],
    ['/reports/2024-01-31T10:20:30Z/summary', '/reports/:date/summary'],
    ['/avatars/42.png', '/avatars/:id.png'],
    ['/avatars/550e8400-e29b-41d4-a716-446655440000.jpg', '/avatars/:id.jpg'],
    ['/files/readme.md', '/files/readme.md'],
    ['/tokens/AbCdEf0123456789ghIJkl', '/tokens/:id'],
    ['/docs/getting-started-with-the-api', '/docs/getting-started-with-the-api'],
    ['/users/%31%32', '/users/:id'],
    ['/users/%zz', '/users/%zz'],
    ['//double//slash', '//double//slash'],
  ])('%s → %s', (url, route) => {
    expect(defaultTemplater.templateOf(url)).toBe(route);
  });

  it('treats an empty segment and a plain word as literals', () => {
    expect(placeholderFor('')).toBeNull();
    expect(placeholderFor('users')).toBeNull();
    expect(placeholderFor('7')).toBe(':id');
    expect(placeholderFor('2020-02-29')).toBe(':date');
    expect(placeholderFor('7.json')).toBe(':id.json');
    expect(placeholderFor('.env')).toBeNull();
  });

  it('gives the same answer when asked again (cache) and ignores the query', () => {
    const t = createRouteTemplater();
    expect(t.templateOf('/a/1?x=1')).toBe('/a/:id');
    expect(t.templateOf('/a/1?y=2')).toBe('/a/:id');
    expect(t.templateOf('/a/1')).toBe('/a/:id');
  });

  it('keeps answering correctly past its cache bound', () => {
    const t = createRouteTemplater();
    for (let i = 0; i < 10_050; i++) expect(t.templateOf(`/n/${i}/x${i % 3}`)).toBe(`/n/:id/x${i % 3}`);
  });
});

describe('user route templates', () => {
  const t = createRouteTemplater(['/users/:name/repos', '/users/:name', '/static/**', '/exact/*/end']);

  it.each([
    ['/users/octocat', '/users/:name'],
    ['/users/123', '/users/:name'],
    ['/users/octocat/repos?page=2', '/users/:name/repos'],
    ['/users/octocat/gists', '/users/octocat/gists'],
    ['/static/css/app.css', '/static/**'],
    ['/static', '/static/**'],
    ['/exact/anything/end', '/exact/*/end'],
    ['/exact/anything/else', '/exact/anything/else'],
    ['/other/42', '/other/:id'],
  ])('%s → %s', (url, route) => {
    expect(t.templateOf(url)).toBe(route);
  });

  it('tries user templates in order, before the automatic rules', () => {
    const first = createRouteTemplater(['/a/:x', '/a/:y']);
    expect(first.templateOf('/a/1')).toBe('/a/:x');
  });

  it('lets a catch-all /** win over everything', () => {
    const all = createRouteTemplater(['/**']);
    expect(all.templateOf('/api/users/1')).toBe('/**');
    expect(all.templateOf('/')).toBe('/**');
  });
});
