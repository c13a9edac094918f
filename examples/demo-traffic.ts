/**
 * The demo's scripted traffic: what testers and e2e suites would send through the recording proxy.
 * Shared by `npm run demo` and the tests that replay "the demo" (sharded and not).
 */
export function trafficPlan(): Array<{ method: string; path: string; body?: unknown }> {
  const plan: Array<{ method: string; path: string; body?: unknown }> = [];
  for (let page = 1; page <= 4; page++) plan.push({ method: 'GET', path: `/api/users?page=${page}` });
  for (let id = 1; id <= 12; id++) plan.push({ method: 'GET', path: `/api/users/${id}` });
  plan.push({ method: 'GET', path: '/api/users/9999' });
  for (const category of ['books', 'audio', 'kitchen']) plan.push({ method: 'GET', path: `/api/products?category=${category}` });
  for (const q of ['hammer', 'rake', 'pan', 'saw', 'hose', 'pot', 'drill', 'spade']) plan.push({ method: 'GET', path: `/api/search?q=${q}` });
  plan.push({ method: 'GET', path: '/api/report.txt' });
  for (let id = 1; id <= 3; id++) plan.push({ method: 'GET', path: `/api/avatar/${id}.png` });
  plan.push({ method: 'GET', path: '/api/error' });
  plan.push({ method: 'GET', path: '/old-home' });
  plan.push({ method: 'POST', path: '/api/orders', body: { userId: 3, items: [{ sku: 'BK-001', qty: 2 }, { sku: 'AU-001', qty: 1 }] } });
  plan.push({ method: 'POST', path: '/api/orders', body: { userId: 0, items: [] } });
  plan.push({ method: 'GET', path: '/health' });
  return plan;
}


/** Send the plan through `proxyUrl`, one request at a time; each created order is read back (a stateful chain). */
export async function sendDemoTraffic(proxyUrl: string): Promise<void> {
  for (const step of trafficPlan()) {
    const res = await fetch(proxyUrl + step.path, {
      method: step.method,
      redirect: 'manual',
      headers: {
        'accept-encoding': 'gzip',
        // Shows redaction: this credential never reaches the database.
        authorization: 'Bearer demo-secret-token',
        ...(step.body ? { 'content-type': 'application/json' } : {}),
      },
      body: step.body ? JSON.stringify(step.body) : undefined,
    });
    const text = await res.text();
    // Read back what was just created: the replay carries the candidate's own new id into this GET.
    if (step.method === 'POST' && res.status === 201) {
      const { id } = JSON.parse(text) as { id: string };
      await (await fetch(`${proxyUrl}/api/orders/${id}`, { headers: { authorization: 'Bearer demo-secret-token' } })).arrayBuffer();
    }
  }
}
