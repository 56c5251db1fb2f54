import { expect } from '@jest/globals'
import { InputError } from '../../src/config/errors.js'
import type { InputReader } from '../../src/config/inputs.js'

/** A parser of inputs over `base`, and the one-line InputError it gives for bad ones. */
export function inputParser<T>(parse: (input: InputReader) => T, base: Record<string, string>) {
  const parsed = (inputs: Record<string, string>): T => {
    const all: Record<string, string> = { ...base, ...inputs }
    return parse((name) => all[name] ?? '')
  }
  const errorOf = (inputs: Record<string, string>): string => {
    try {
      parsed(inputs)
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error('expected an InputError')
  }
  return { parsed, errorOf }
}
