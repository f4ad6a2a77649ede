/** A binary min-heap of timers by timestamp: the next timer to fire in O(1), insert and removal in O(log n). */
export interface TimerNode {
  readonly timestamp: number;
  /** The user's key, as the key selector returned it (or as restored). */
  readonly key: unknown;
  readonly keyGroupIndex: number;
  /** The key as state maps hold it (see toStateKey). */
  readonly stateKey: unknown;
}

export class TimerHeap {
  private nodes: TimerNode[] = [];

  get size(): number {
    return this.nodes.length;
  }

  peek(): TimerNode | undefined {
    return this.nodes[0];
  }

  push(node: TimerNode): void {
    const nodes = this.nodes;
    let i = nodes.length;
    nodes.push(node);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (nodes[parent]!.timestamp <= node.timestamp) break;
      nodes[i] = nodes[parent]!;
      i = parent;
    }
    nodes[i] = node;
  }

  pop(): TimerNode | undefined {
    const nodes = this.nodes;
    const top = nodes[0];
    const last = nodes.pop();
    if (nodes.length > 0 && last !== undefined) {
      nodes[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Replaces the content at once, in O(n). */
  reset(nodes: TimerNode[]): void {
    this.nodes = nodes;
    for (let i = (nodes.length >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const nodes = this.nodes;
    const n = nodes.length;
    const node = nodes[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && nodes[right]!.timestamp < nodes[left]!.timestamp ? right : left;
      if (nodes[child]!.timestamp >= node.timestamp) break;
      nodes[i] = nodes[child]!;
      i = child;
    }
    nodes[i] = node;
  }
}
