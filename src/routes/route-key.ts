/**
 * The key of a route everywhere it is named: `GET /users/:id`. Config (`compare.routes`), reports,
 * latency and learned noise all use this form, so a key copied from a report works in the config.
 */
export function routeKey(method: string, route: string): string {
  return `${method} ${route}`;
}
