import { InputError } from './errors.js'

/** Reads one input as the workflow gave it, `''` when absent. */
export type InputReader = (name: string) => string

export function required(input: InputReader, name: string, what: string): string {
  const value = input(name).trim()
  if (value === '') throw new InputError(`Input '${name}' is required: ${what}.`)
  return value
}

export function oneOf<T extends string>(input: InputReader, name: string, allowed: readonly T[], fallback: T): T {
  const value = input(name).trim().toLowerCase() || fallback
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(`Input '${name}' is '${value}'; expected one of ${allowed.join(', ')}.`)
  }
  return value as T
}

/** YAML 1.2's booleans, as `core.getBooleanInput` reads them, but with our one-line error. */
export function boolean(input: InputReader, name: string, fallback: boolean): boolean {
  const value = input(name).trim()
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(`Input '${name}' is '${value}'; expected true or false.`)
}

export function integer(input: InputReader, name: string, fallback: number, min: number, max: number): number {
  const given = input(name).trim()
  if (given === '') return fallback
  const value = Number(given)
  if (!/^\d+$/.test(given) || value < min || value > max) {
    throw new InputError(`Input '${name}' is '${given}'; expected a whole number from ${min} to ${max}.`)
  }
  return value
}
