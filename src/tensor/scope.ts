/**
 * Ownership of temporaries. While a scope is open, every tensor allocated joins it; closing the
 * scope frees them all except the ones kept. The engine opens scopes itself (a gradient, an HVP,
 * a training step), so per-step temporaries never outlive their step and memory stays flat.
 */
export interface Owned {
  free(): void;
  readonly freed: boolean;
}

const stack: Set<Owned>[] = [];

export function adopt(t: Owned): void {
  stack[stack.length - 1]?.add(t);
}

/** Runs fn in a new scope and hands back what it allocated; on a throw, frees it all and rethrows. */
function collect<T>(fn: () => T): { result: T; scope: Set<Owned> } {
  const scope = new Set<Owned>();
  stack.push(scope);
  try {
    return { result: fn(), scope };
  } catch (err) {
    for (const t of scope) if (!t.freed) t.free();
    throw err;
  } finally {
    stack.pop();
  }
}

/** Runs fn in a new scope; frees everything it allocated except what `keep` returns. */
export function scoped<T>(fn: () => T, keep: (result: T) => Iterable<Owned> = () => []): T {
  const { result, scope } = collect(fn);
  const kept = new Set(keep(result));
  for (const t of scope) if (!kept.has(t) && !t.freed) t.free();
  for (const t of kept) if (scope.has(t)) adopt(t); // hand survivors to the enclosing scope, if any
  return result;
}

/**
 * Runs the body of a composite op (one made of several ops). Its temporaries are freed at once,
 * so the op leaks nothing outside a scope, unless its result carries a gradient graph: then the
 * graph's nodes need them and they go to the enclosing scope, which frees them after backward.
 */
export function composite<T extends Owned & { readonly requiresGrad: boolean }>(fn: () => T): T {
  const { result, scope } = collect(fn);
  const recorded = result.requiresGrad;
  for (const t of scope) {
    if (recorded || t === result) adopt(t);
    else if (!t.freed) t.free();
  }
  return result;
}
