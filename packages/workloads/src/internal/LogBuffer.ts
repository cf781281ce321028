/** A bounded ring of log entries: pushing past capacity drops the oldest. */
export class LogBuffer {
  // Grows up to capacity, then wraps: a short-lived deployment never allocates the whole ring.
  private readonly entries: string[] = [];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {}

  push(line: string): void {
    if (this.size < this.capacity) this.entries.push(line);
    else this.entries[this.next] = line;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** The last `count` lines, oldest first. */
  last(count: number): string[] {
    const n = Math.max(0, Math.min(Math.floor(count), this.size));
    const out: string[] = new Array<string>(n);
    const start = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) out[i] = this.entries[(start + i) % this.capacity]!;
    return out;
  }

  get length(): number {
    return this.size;
  }
}
