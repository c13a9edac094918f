import { statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReplayResult } from '../../src/types.js';
import { makeComparison, makeDifference, makeObserved, makeRecorded, makeResult } from '../helpers/factories.js';
import { PLANTED_ORDER, plantedResults } from '../helpers/planted-changes.js';
import { describeWithBrowser } from '../helpers/requirements.js';
import { fixtureResults, writeReport, XSS_IMG, XSS_SCRIPT } from './report-fixture.js';

let browser: Browser;
let reportUrl: string;

interface Opened {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

async function open(hash = '', url = reportUrl): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url + hash);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 10_000 });
  return { page, requests, dialogs, errors };
}

const pwned = (page: Page) => page.evaluate(() => (globalThis as Record<string, unknown>).__pwned);
const group = (page: Page, route: string, label: string) => page.locator(`.group[data-route="${route}"]`).filter({ has: page.locator('.label', { hasText: label }) });

describeWithBrowser('report.html in Chromium', (executablePath) => {
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    const { dir } = await writeReport(fixtureResults());
    reportUrl = `file://${path.join(dir, 'report.html')}`;
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the verdict, totals and the groups with their counts', async () => {
    const { page, errors } = await open();
    await expect(page.locator('#verdict').textContent()).resolves.toContain('FAIL: 40 regressions, 1 error, 1 slower route in 55 exchanges');
    await expect(page.locator('.chip[data-verdict="regression"]').textContent()).resolves.toContain('40');
    expect(await page.locator('.group').count()).toBe(9);
    const email = group(page, 'GET /users/:id', '/email removed');
    await expect(email.locator('.count').textContent()).resolves.toContain('32 exchanges · 80% of route');
    await expect(group(page, 'POST /orders/:id/pay', '/items/*/price value changed').locator('.sub').textContent()).resolves.toContain('filtered by tolerance 0.01 at /items/*/price');
    // Regression groups come first, on the route with the most regressions.
    await expect(page.locator('.route').first().getAttribute('data-route')).resolves.toBe('GET /users/:id');
    await expect(page.locator('#latency tr[data-flagged="true"]').textContent()).resolves.toContain('slower');
    await expect(page.locator('#learned').textContent()).resolves.toContain('value varies (timestamp)');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('leads with what the replay did not reproduce, and why, before any group', async () => {
    const needs = `not sent: it needs a secret redacted at record time ("password") that no earlier response supplied; pass --secret 'password=…' (or replay.secrets)`;
    const results = [
      makeResult({ exchangeId: 1, method: 'POST', url: '/login', route: '/login', verdict: 'unreproduced', error: { kind: 'error', code: 'SECRET_MISSING', message: needs } }),
      makeResult({ exchangeId: 2, url: '/items/1', route: '/items/:id', verdict: 'pass', comparison: makeComparison() }),
    ];
    const unreproduced = [
      { target: 'request' as const, path: 'password', change: 'not sent', exchanges: 1, writes: 1, routes: ['POST /login'], harmless: false, cause: `a secret redacted at record time ("password") that no earlier response supplied: pass --secret 'password=…' ${XSS_IMG}`, message: 'not sent' },
      { target: 'status' as const, path: '', change: '304 → 200', exchanges: 3, writes: 0, routes: ['GET /items/:id'], harmless: true, cause: 'a stale etag', message: 'status 304 → 200' },
    ];
    const { dir } = await writeReport(results, ['html'], { unreproduced });
    const { page, errors, dialogs } = await open('', `file://${path.join(dir, 'report.html')}`);
    const section = page.locator('#unreproduced');
    await expect(section.locator('tbody tr').first().textContent()).resolves.toContain('not sent: needs password');
    await expect(section.textContent()).resolves.toContain("pass --secret 'password=…'");
    await expect(section.locator('tbody tr').nth(1).textContent()).resolves.toContain('harmless: a stale etag');
    // Before the groups on the page, and the exchange itself has a group naming the cause.
    const ids = await page.locator('main > section[id], main .group').evaluateAll((els) => els.map((e) => ((e as { className: string }).className.split(' ').includes('group') ? 'group' : (e as { id: string }).id)));
    expect(ids.indexOf('unreproduced')).toBe(0);
    expect(ids.indexOf('group')).toBeGreaterThan(0);
    await expect(group(page, 'POST /login', 'not reproduced').textContent()).resolves.toContain('"password"');
    expect(await pwned(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the candidate metrics judged against the baseline, worse first, with their figures, hostile strings inert', async () => {
    const metrics = [
      { name: 'process_resident_memory_bytes', worse: 'increase' as const, candidateMedian: 5.2e7, baselineMedian: 5.1e7, effect: 0.0196, p: 0.21, samples: { candidate: 9, baseline: 9 }, flagged: false, note: `not significant ${XSS_IMG}` },
      { name: `cpu${XSS_SCRIPT}`, worse: 'increase' as const, candidateMedian: 0.002, baselineMedian: 0.001, effect: 1, p: 0.0002, samples: { candidate: 9, baseline: 8 }, flagged: true, note: '' },
    ];
    const { dir } = await writeReport([makeResult({ exchangeId: 1, url: '/items/1', route: '/items/:id', verdict: 'pass', comparison: makeComparison() })], ['html'], { metrics });
    const { page, errors, dialogs } = await open('', `file://${path.join(dir, 'report.html')}`);
    const rows = page.locator('#metrics tbody tr');
    expect(await rows.count()).toBe(2);
    await expect(rows.first().getAttribute('data-flagged')).resolves.toBe('true');
    const cells = await rows.first().locator('td').allTextContents();
    expect(cells).toEqual([`cpu${XSS_SCRIPT}`, '0.002', '0.001', '+100.0%', '0.0002', '9/8', '\u25b2 worse: significant and past the minimum effect']);
    await expect(rows.nth(1).locator('td').last().textContent()).resolves.toBe(`not significant ${XSS_IMG}`);
    await expect(page.locator('#verdict').textContent()).resolves.toContain('1 worse metric');
    expect(await pwned(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('drills down from a group to an exchange with the difference marked in place', async () => {
    const { page } = await open();
    const email = group(page, 'GET /users/:id', '/email removed');
    await email.locator('.ghead').press('Enter'); // keyboard-usable
    await expect(email.locator('.ghead').getAttribute('aria-expanded')).resolves.toBe('true');
    expect(await email.locator('.tab').count()).toBe(5);
    await expect(email.locator('.muted', { hasText: 'Examples' }).textContent()).resolves.toContain('5 of 32 exchanges');
    const recorded = email.locator('.side[data-side="recorded"]');
    await expect(recorded.locator('[data-mark="removed"]').textContent()).resolves.toContain('"email": "u0@example.com"');
    await expect(recorded.locator('[data-mark="changed"]').textContent()).resolves.toContain('"total": 10');
    await expect(email.locator('.side[data-side="candidate"] [data-mark="changed"]').textContent()).resolves.toContain('"total": "10"');
    await email.locator('.tab').nth(2).click();
    await expect(email.locator('.reqline').textContent()).resolves.toContain('/users/2?expand=profile');
    expect(page.url()).toMatch(/#g=g[0-9a-f]+&x=\d+$/);
    // The gzip-encoded candidate body is decoded; text bodies show as a line diff.
    const pay = group(page, 'POST /orders/:id/pay', '/status value changed');
    await pay.locator('.ghead').click();
    await expect(pay.locator('.side[data-side="candidate"] [data-mark="changed"]').textContent()).resolves.toContain('"status": "settled"');
    await expect(pay.locator('.side[data-side="baseline"]').count()).resolves.toBe(1);
    const health = group(page, 'GET /health', 'line');
    await health.locator('.ghead').click();
    await expect(health.locator('.side[data-side="candidate"] [data-mark="added"]').textContent()).resolves.toContain('degraded');
    await expect(health.locator('.side[data-side="recorded"] [data-mark="removed"]').textContent()).resolves.toContain('ok');
    await page.close();
  });

  it('offers a ready-to-paste noise rule for regression groups', async () => {
    const { page } = await open();
    const email = group(page, 'GET /users/:id', '/email removed');
    await email.locator('.ghead').click();
    await expect(email.locator('.snippet-text').textContent()).resolves.toBe('{"compare":{"routes":{"GET /users/:id":{"ignore":["/email"]}}}}');
    const pay = group(page, 'POST /orders/:id/pay', '/status value changed');
    await pay.locator('.ghead').click();
    await expect(pay.locator('.snippet-text').textContent()).resolves.toBe('{"compare":{"routes":{"POST /orders/:id/pay":{"rules":[{"path":"/status","match":"type"}]}}}}');
    await expect(pay.locator('button[data-copy]').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('filters by verdict, route and search, and keeps the state in the hash', async () => {
    const { page } = await open();
    const visible = () => page.locator('.group:visible').count();
    await page.locator('.toggle[data-verdict="noise"]').click();
    expect(await visible()).toBe(7);
    expect(page.url()).toContain('#v=unreproduced%2Cregression%2Cerror%2Cskipped');
    await page.selectOption('#route-filter', 'GET /users/:id');
    expect(await visible()).toBe(2);
    await page.fill('#search', 'number → string');
    expect(await visible()).toBe(1);
    await page.fill('#search', 'no-such-thing');
    expect(await visible()).toBe(0);
    await expect(page.locator('#no-match').isVisible()).resolves.toBe(true);
    await page.fill('#search', '/orders/3/pay'); // URLs of examples are searchable
    await page.selectOption('#route-filter', '');
    expect(await visible()).toBe(1);
    const hash = new URL(page.url()).hash;
    await page.close();
    // A link restores the view.
    const again = await open(hash);
    expect(await again.page.locator('.group:visible').count()).toBe(1);
    await expect(again.page.locator('#search').inputValue()).resolves.toBe('/orders/3/pay');
    await expect(again.page.locator('.toggle[data-verdict="noise"]').getAttribute('aria-pressed')).resolves.toBe('false');
    await again.page.close();
  });

  it('opens the group (and exchange) a link points at', async () => {
    const { page } = await open();
    const id = await group(page, 'POST /orders/:id/pay', '/status value changed').getAttribute('id');
    const data = JSON.parse((await page.locator('#rg-data').textContent())!) as { groups: Array<{ id: string; exampleIds: number[] }> };
    const ex = data.groups.find((g) => g.id === id)!.exampleIds[3];
    await page.close();
    const linked = await open(`#g=${id}&x=${ex}`);
    const g = linked.page.locator(`#${id}`);
    await expect(g.locator('.ghead').getAttribute('aria-expanded')).resolves.toBe('true');
    await expect(g.locator(`.tab[data-example="${ex}"]`).getAttribute('aria-selected')).resolves.toBe('true');
    await linked.page.close();
  });

  /** A report whose one regression group embeds 1,000 examples (an API caller's `examplesPerGroup`); written once. */
  let thousand: Promise<{ url: string; id: string; ids: number[] }> | undefined;
  const thousandExamples = () => (thousand ??= writeThousandExamples());
  async function writeThousandExamples(): Promise<{ url: string; id: string; ids: number[] }> {
    const results = Array.from({ length: 1000 }, (_, i) => makeResult({ exchangeId: 5001 + i, url: `/items/${i}`, route: '/items/:id', verdict: 'regression' }));
    const { dir } = await writeReport(results, ['html'], {}, { examplesPerGroup: 1000 });
    const url = `file://${path.join(dir, 'report.html')}`;
    const { page } = await open('', url);
    const data = JSON.parse((await page.locator('#rg-data').textContent())!) as { groups: Array<{ id: string; exampleIds: number[] }> };
    await page.close();
    expect(data.groups).toHaveLength(1);
    return { url, id: data.groups[0]!.id, ids: data.groups[0]!.exampleIds };
  }

  it('opens a group of 1,000 examples on its first page of tabs; the rest is a "show more" away, by mouse or keyboard', async () => {
    const { url, ids } = await thousandExamples();
    expect(ids).toHaveLength(1000);
    const { page, errors } = await open('', url);
    const g = page.locator('.group');
    await g.locator('.ghead').click();
    await expect(g.locator('.exchange').getAttribute('data-exchange')).resolves.toBe(String(ids[0]));
    expect(await g.locator('.tab').count()).toBe(20);
    await expect(g.locator('.muted', { hasText: 'Examples' }).textContent()).resolves.toContain('1,000 of 1,000 exchanges');
    const more = g.locator('button[data-more]');
    await expect(more.textContent()).resolves.toBe('Show 20 more examples (980 not shown yet)');
    await more.click();
    expect(await g.locator('.tab').count()).toBe(40);
    // Focus moves to the first new tab, so the keyboard carries on from there.
    await expect(page.locator(':focus').getAttribute('data-example')).resolves.toBe(String(ids[20]));
    await page.keyboard.press('Enter');
    await expect(g.locator('.exchange .reqline').textContent()).resolves.toContain('/items/20');
    expect(page.url()).toContain(`x=${ids[20]}`);
    await more.focus();
    await page.keyboard.press('Enter');
    expect(await g.locator('.tab').count()).toBe(60);
    await g.locator(`.tab[data-example="${ids[45]}"]`).click();
    await expect(g.locator('.exchange').getAttribute('data-exchange')).resolves.toBe(String(ids[45]));
    expect(await g.locator('.tab[aria-selected="true"]').count()).toBe(1);
    // Every example is reachable: the last page ends the list and the button goes.
    while (await more.isVisible()) await more.click();
    expect(await g.locator('.tab').count()).toBe(1000);
    await g.locator(`.tab[data-example="${ids[999]}"]`).click();
    await expect(g.locator('.exchange .reqline').textContent()).resolves.toContain('/items/999');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('follows a link to an example past the first page: opens its group, selects it, and scrolls both into view', async () => {
    const { url, id, ids } = await thousandExamples();
    const { page, errors } = await open(`#g=${id}&x=${ids[500]}`, url);
    const g = page.locator(`#${id}`);
    await expect(g.locator('.ghead').getAttribute('aria-expanded')).resolves.toBe('true');
    const tab = g.locator(`.tab[data-example="${ids[500]}"]`);
    await expect(tab.getAttribute('aria-selected')).resolves.toBe('true');
    await expect(g.locator('.exchange').getAttribute('data-exchange')).resolves.toBe(String(ids[500]));
    // Built up to the page holding it, not the whole list.
    expect(await g.locator('.tab').count()).toBe(520);
    // In the viewport (900 px high), and within the tab strip's visible part.
    const inView = async (sel: string) => {
      const r = (await page.locator(sel).boundingBox())!;
      const strip = (await g.locator('.tabs').boundingBox())!;
      return { page: r.y >= 0 && r.y < 900, strip: r.y >= strip.y && r.y + r.height <= strip.y + strip.height };
    };
    await expect(inView(`.tab[data-example="${ids[500]}"]`)).resolves.toEqual({ page: true, strip: true });
    await expect(inView(`.exchange[data-exchange="${ids[500]}"]`)).resolves.toMatchObject({ page: true });
    // A new link into the open group selects its example.
    await page.goto(`${url}#g=${id}&x=${ids[900]}`); // same document: a hashchange, no reload
    await g.locator(`.exchange[data-exchange="${ids[900]}"]`).waitFor({ timeout: 10_000 });
    await expect(g.locator(`.tab[data-example="${ids[900]}"]`).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(inView(`.tab[data-example="${ids[900]}"]`)).resolves.toEqual({ page: true, strip: true });
    expect(await g.locator('.tab[aria-selected="true"]').count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens an exchange with a long body on its first screenful of lines, and fills in the rest after', async () => {
    const rec = { items: Array.from({ length: 3000 }, (_, i) => i), email: 'last@example.com' };
    const { items } = rec;
    const results = [makeResult({ exchangeId: 1, url: '/long', route: '/long', verdict: 'regression', recorded: makeRecorded(rec), candidate: makeObserved({ items }) })];
    const { dir } = await writeReport(results);
    const { page, errors } = await open('', `file://${path.join(dir, 'report.html')}`);
    // Counted in the same task as the click: what the opening itself built. (Page code as text: these
    // tests are type-checked without the DOM library.)
    const codeLines = "[...document.querySelectorAll('.side[data-side] .code')].map((c) => c.childElementCount)";
    const atOpen = await page.evaluate(`document.querySelector('.ghead').click(), ${codeLines}`);
    expect(atOpen).toEqual([60, 60]);
    // The rest follows: the last line of the recorded body, marked removed, and every line of both.
    const recorded = page.locator('.side[data-side="recorded"]');
    await expect(recorded.locator('[data-mark="removed"]').textContent()).resolves.toBe('"email": "last@example.com"');
    await page.waitForFunction(`${codeLines}.join() === '3005,3004'`, null, { timeout: 20_000 });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('makes no network request and runs nothing from recorded data', async () => {
    const { page, requests, dialogs, errors } = await open();
    // Open everything so every recorded value is rendered.
    for (const head of await page.locator('.ghead').all()) await head.click();
    for (const d of await page.locator('details').all()) await d.evaluate((el) => el.setAttribute('open', ''));
    await page.waitForTimeout(200);
    expect(await pwned(page)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.locator('img, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(2);
    const text = await page.locator('body').textContent();
    expect(text).toContain(XSS_IMG); // shown, as text (session name, headers, URLs, request body)
    expect(text).toContain(XSS_SCRIPT);
    expect(requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'))).toEqual([]);
    expect(requests.filter((u) => u.startsWith('file://'))).toEqual([reportUrl]);
    await page.close();
  });

  it('leads with the planted changes, ranked, each opening to its routes, signatures and examples', async () => {
    const { dir, summary } = await writeReport(plantedResults(), ['html', 'json']);
    const { page, errors } = await open('', `file://${path.join(dir, 'report.html')}`);
    // The first view: the changes section is the first thing in main, above the per-route groups.
    await expect(page.locator('main > section').first().getAttribute('id')).resolves.toBe('changes');
    const titles = await page.locator('#changes .change .ctitle').allTextContents();
    expect(titles).toHaveLength(PLANTED_ORDER.length);
    titles.forEach((t, i) => expect(t.startsWith(PLANTED_ORDER[i]!)).toBe(true));
    const box = await page.locator('#changes .change').last().boundingBox();
    expect(box!.y + box!.height).toBeLessThan(900); // all three within the first screen
    // The page shows what summary.json says.
    expect(await page.locator('#changes .change').evaluateAll((els) => els.map((e) => e.getAttribute('data-change')))).toEqual(summary.changes.map((c) => c.id));
    await expect(page.locator('#changes .change').nth(1).locator('.count').textContent()).resolves.toContain('5 routes · 30 exchanges');
    const ids = page.locator('#changes .change').nth(1);
    await ids.locator('.chead').click();
    expect(await ids.locator('tbody tr').count()).toBe(5);
    await ids.locator('tbody tr').filter({ has: page.locator('td', { hasText: /^GET \/users$/ }) }).locator('a.open-group').click();
    const opened = page.locator('.group[data-route="GET /users"]').filter({ has: page.locator('.label', { hasText: '/*/id number → string' }) });
    await expect(opened.locator('.ghead').getAttribute('aria-expanded')).resolves.toBe('true');
    expect(await opened.locator('.tab').count()).toBe(5);
    // Noise is grouped the same way.
    await expect(page.locator('#noise-changes .change .ctitle').allTextContents()).resolves.toEqual(['/updatedAt value changed']);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a friendly empty state when nothing regressed', async () => {
    const results = Array.from({ length: 12 }, (_, i) => makeResult({ verdict: i < 10 ? 'pass' : 'noise' }));
    const { dir } = await writeReport(results);
    const { page } = await open('', `file://${path.join(dir, 'report.html')}`);
    await expect(page.locator('#no-regressions').textContent()).resolves.toContain('No regressions: 12 exchanges passed');
    await page.close();
  });

  it('handles 20,000 results: file size and load time', async () => {
    const routes = 40;
    function* many(): Generator<ReplayResult> {
      for (let i = 0; i < 20_000; i++) {
        const r = i % routes;
        const body = { id: i, name: `user ${i}`, items: Array.from({ length: 20 }, (_, k) => ({ k, v: `value ${k}` })), email: `u${i}@x.io` };
        const regression = i % 7 === 0;
        const noise = i % 5 === 0;
        yield makeResult({
          exchangeId: i + 1,
          url: `/r${r}/items/${i}?page=${i % 9}`,
          route: `/r${r}/items/:id`,
          verdict: regression ? 'regression' : noise ? 'noise' : 'pass',
          recorded: makeRecorded(body),
          candidate: makeObserved(regression ? { ...body, email: undefined } : body),
          comparison: regression
            ? makeComparison({ differences: [makeDifference(), makeDifference({ path: `/items/${i % 20}/v`, op: 'replace', before: 'a', after: 'b', change: 'value changed' })] })
            : noise
              ? makeComparison({ filtered: [makeDifference({ path: '/updatedAt', op: 'replace', before: 1, after: 2, change: 'value changed', filteredBy: 'learned: timestamp' })] })
              : makeComparison(),
        });
      }
    }
    const t0 = performance.now();
    const { dir } = await writeReport(many());
    const writeMs = performance.now() - t0;
    const file = path.join(dir, 'report.html');
    const size = statSync(file).size;
    const t1 = performance.now();
    const { page, errors } = await open('', `file://${file}`);
    const loadMs = performance.now() - t1;
    const t2 = performance.now();
    await page.locator('.ghead').first().click();
    await page.locator('.exchange').first().waitFor();
    const openMs = performance.now() - t2;
    console.log(`20,000 results: report.html ${(size / 1e6).toFixed(2)} MB, written in ${Math.round(writeMs)} ms, loaded in ${Math.round(loadMs)} ms, first group opened in ${Math.round(openMs)} ms`);
    expect(errors).toEqual([]);
    // Every route regresses (two signatures); only routes ≡ 0 mod 5 see noise.
    expect(await page.locator('.group').count()).toBe(routes * 2 + routes / 5);
    expect(size).toBeLessThan(20e6);
    expect(loadMs).toBeLessThan(20_000);
    await page.screenshot({ path: '/tmp/replayguard-report-20k.png' });
    await page.close();
  }, 120_000);
});
