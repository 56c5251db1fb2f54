// The cache keys of the state, apart from the cache client: pruning checks them too.
const RUN_SUFFIX = /^\d{1,20}-\d{1,10}$/

/** Whether `key` has exactly the shape this action writes: `<state-key>/<run id>-<attempt>`. */
export function isStateKey(stateKey: string, key: string): boolean {
  return key.startsWith(`${stateKey}/`) && RUN_SUFFIX.test(key.slice(stateKey.length + 1))
}
