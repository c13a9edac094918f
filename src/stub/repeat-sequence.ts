/**
 * Repeats of an identical request: the Nth call gets the Nth recorded answer, and once the recording
 * runs out, the last one again (the lookup is StubIndex.entryFor). So a dependency whose answer changes over a flow (a job `pending`,
 * then `done`) replays the way it did. The same count numbers repeats for fault decisions, which
 * are keyed on (request, repeat) and so never on arrival order across unrelated requests.
 */
export class RepeatCounter {
  private readonly counts = new Map<string, number>();

  /** The 1-based repeat number of this call of the request with `key`. */
  next(key: string): number {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return n;
  }
}
