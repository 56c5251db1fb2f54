/**
 * What the workflow gave the action is wrong: one line per problem, each naming the input and the fix.
 * Several problems are reported together, so that one failed run shows everything to fix.
 */
export class InputError extends Error {
  readonly problems: readonly string[]

  constructor(problems: string | readonly string[]) {
    const lines = typeof problems === 'string' ? [problems] : problems
    super(lines.length === 1 ? lines[0] : [`${lines.length} problems with the inputs:`, ...lines].join('\n'))
    this.name = 'InputError'
    this.problems = lines
  }
}

/** Gathers the problems of many inputs, each parsed on its own, to throw them all at once. */
export class Problems {
  private readonly lines: string[] = []

  /**
   * The parsed value, or `undefined` with its problems kept when it is bad. Callers use such a value only
   * after `throwIfAny()`, or check it first: the parse of one input never stops the others.
   */
  check<T>(parse: () => T): T | undefined {
    try {
      return parse()
    } catch (error) {
      if (!(error instanceof InputError)) throw error
      this.lines.push(...error.problems)
      return undefined
    }
  }

  add(problem: string): void {
    this.lines.push(problem)
  }

  throwIfAny(): void {
    if (this.lines.length > 0) throw new InputError(this.lines)
  }
}
